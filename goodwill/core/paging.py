"""Pages of a long list without counting it: one row more than a page says whether there is a
next one. Counting a workspace's 100,000 rows costs more than showing 50 of them."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

MAX_PAGE = 100_000


@dataclass(frozen=True)
class Window[T]:
    object_list: list[T]
    number: int
    has_next: bool
    query: str  # the other query parameters, for the pager's links
    offset: int = 0  # how many rows come before this page, for numbering them

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def count_up_to(queryset: QuerySet[Any], cap: int) -> tuple[int, bool]:
    """How many rows, counting no further than *cap*, and whether there are more: the count of
    a workspace's 50,000 overdue contacts costs more than the page that shows it."""
    n = queryset.order_by().values("pk")[: cap + 1].count()
    return min(n, cap), n > cap


def page_number(params: QueryDict) -> int:
    """`?page=` as a number from 1; anything else is page 1."""
    try:
        return max(1, min(int(params.get("page", "1")), MAX_PAGE))
    except ValueError:
        return 1


def window[T](queryset: QuerySet[Any, T], params: QueryDict, size: int) -> Window[T]:
    number = page_number(params)
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    others = params.copy()
    others.pop("page", None)
    return Window(rows[:size], number, len(rows) > size, others.urlencode(), start)
