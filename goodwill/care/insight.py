"""The care insight (E6): how fast cases are answered and put right, what is open and for how
long, what the cases are about and who files them, month by month.

Every figure is a count, a median or an average the database works out: a handful of queries
however many cases there are. Cases closed as spam or as a duplicate are left out throughout;
they say nothing about the service. The period is whole months in the workspace's time zone,
the current one included, up to *now*.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from django.db.models import Avg, Count, F, Min, Q, QuerySet
from django.db.models.functions import Lower

from goodwill.accounts.models import Workspace
from goodwill.agenda.agenda import CONTACT_NAME
from goodwill.care.models import OPEN_STATUSES, Case, CaseType
from goodwill.core.months import Period, month_counts, period_of
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact

NOT_REAL = ["spam", "duplicate"]
NO_CATEGORY = "(no category yet)"
TOP_CLIENTS = 10
TOP_CATEGORIES = 20

# Open cases by how long ago they were filed (calendar time): each bucket ends where the next
# begins, the last has no end.
AGES = [
    "Less than a day ago",
    "1 to 3 days ago",
    "3 to 7 days ago",
    "1 to 4 weeks ago",
    "More than 4 weeks ago",
]
AGE_LIMITS = [timedelta(days=1), timedelta(days=3), timedelta(days=7), timedelta(days=28)]


@dataclass(frozen=True)
class Tally:
    label: str
    count: int


@dataclass(frozen=True)
class ClientTally:
    contact_id: int
    name: str
    count: int


@dataclass(frozen=True)
class Month:
    month: date  # its first day
    opened: int
    resolved: int


@dataclass(frozen=True)
class Median:
    """The median business hours (less waiting on the customer) over *count* cases."""

    hours: float | None
    count: int


@dataclass(frozen=True)
class Resolved:
    count: int
    within_target: int  # resolved by its due date
    resolution: Median
    rating: float | None  # the customers' average, 1 to 5
    ratings: int

    @property
    def within_target_share(self) -> float | None:
        return self.within_target / self.count if self.count else None


@dataclass(frozen=True)
class Insight:
    start: datetime
    end: datetime
    filed: int
    first_response: Median
    resolved: Resolved
    open_by_age: list[Tally]
    by_type: list[Tally]
    by_category: list[Tally]
    to_improve: list[Tally]  # the complaints' categories, the most frequent first
    by_client: list[ClientTally]
    trend: list[Month]

    @property
    def open(self) -> int:
        return sum(bucket.count for bucket in self.open_by_age)


def _real(workspace: Workspace) -> QuerySet[Case]:
    return scoped(Case, workspace).exclude(close_reason__in=NOT_REAL)


def _filed(workspace: Workspace, period: Period) -> QuerySet[Case]:
    return _real(workspace).filter(created_at__gte=period.start, created_at__lt=period.end)


def _median(cases: QuerySet[Case], field: str, count: int) -> float | None:
    """The median of *field* over the *count* cases where it is set: the middle one or two
    rows in order, so the database sorts and only those rows come back."""
    if not count:
        return None
    middle = (
        cases.filter(**{f"{field}__isnull": False})
        .order_by(field, "pk")
        .values_list(field, flat=True)[(count - 1) // 2 : count // 2 + 1]
    )
    values = list(middle)
    return sum(values) / len(values)


def first_response(workspace: Workspace, period: Period) -> tuple[int, Median]:
    """Cases filed in the period, and the median time to their first response."""
    cases = _filed(workspace, period)
    counts = cases.aggregate(filed=Count("pk"), answered=Count("first_response_hours"))
    answered = counts["answered"]
    return counts["filed"], Median(_median(cases, "first_response_hours", answered), answered)


def resolved(workspace: Workspace, period: Period) -> Resolved:
    """Cases resolved in the period: how many in time, how long they took, how customers rated."""
    cases = _real(workspace).filter(resolved_at__gte=period.start, resolved_at__lt=period.end)
    figures = cases.aggregate(
        count=Count("pk"),
        within_target=Count("pk", filter=Q(resolved_at__lte=F("due_at"))),
        timed=Count("resolution_hours"),
        average=Avg("rating"),
        ratings=Count("rating"),
    )
    timed = figures["timed"]
    return Resolved(
        count=figures["count"],
        within_target=figures["within_target"],
        resolution=Median(_median(cases, "resolution_hours", timed), timed),
        rating=figures["average"],
        ratings=figures["ratings"],
    )


def open_by_age(workspace: Workspace, now: datetime) -> list[Tally]:
    """Open cases by how long ago they were filed, in one query."""
    since = [now - limit for limit in AGE_LIMITS]
    buckets = [Q(created_at__gt=since[0])]  # a case filed "after now" is under a day old
    buckets += [Q(created_at__lte=a, created_at__gt=b) for a, b in pairwise(since)]
    buckets.append(Q(created_at__lte=since[-1]))
    counts = (
        scoped(Case, workspace)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(**{f"age{i}": Count("pk", filter=q) for i, q in enumerate(buckets)})
    )
    return [Tally(label, counts[f"age{i}"]) for i, label in enumerate(AGES)]


def by_type(workspace: Workspace, period: Period) -> list[Tally]:
    rows = dict(_filed(workspace, period).order_by().values_list("type").annotate(n=Count("pk")))
    return [Tally(label, rows.get(value, 0)) for value, label in CaseType.choices]


def _categories(cases: QuerySet[Case]) -> list[Tally]:
    """Counts by category, the same whatever its capitals; shown as first written (the
    alphabetically first spelling), the most frequent first."""
    rows = (
        cases.order_by()
        .values(key=Lower("category"))
        .annotate(n=Count("pk"), label=Min("category"))
        .order_by("-n", "key")[:TOP_CATEGORIES]
    )
    return [Tally(row["label"] or NO_CATEGORY, row["n"]) for row in rows]


def by_category(workspace: Workspace, period: Period) -> list[Tally]:
    return _categories(_filed(workspace, period))


def to_improve(workspace: Workspace, period: Period) -> list[Tally]:
    """What the complaints were about: a list of things to improve, the most frequent first."""
    return _categories(_filed(workspace, period).filter(type=CaseType.COMPLAINT))


def by_client(workspace: Workspace, period: Period) -> list[ClientTally]:
    """The TOP_CLIENTS contacts who filed the most cases, with their names, in one query."""
    rows = (
        _filed(workspace, period)
        .order_by()
        .values_list("contact", *CONTACT_NAME)
        .annotate(n=Count("pk"))
        .order_by("-n", "contact")[:TOP_CLIENTS]
    )
    return [
        ClientTally(pk, Contact(first_name=first, last_name=last, nickname=nick).display_name, n)
        for pk, first, last, nick, n in rows
    ]


def trend(workspace: Workspace, period: Period) -> list[Month]:
    """Cases opened and resolved in each month of the period, in two queries."""
    cases = _real(workspace)
    opened = month_counts(cases, "created_at", period)[()]
    resolved = month_counts(cases, "resolved_at", period)[()]
    return [
        Month(start.date(), opened.get(start.date(), 0), resolved.get(start.date(), 0))
        for start in period.months
    ]


def insight(workspace: Workspace, now: datetime, months: int = 12) -> Insight:
    """Every figure of the care insight page for the last *months* months up to *now*."""
    period = period_of(workspace, now, months)
    filed, answered = first_response(workspace, period)
    return Insight(
        start=period.start,
        end=period.end,
        filed=filed,
        first_response=answered,
        resolved=resolved(workspace, period),
        open_by_age=open_by_age(workspace, now),
        by_type=by_type(workspace, period),
        by_category=by_category(workspace, period),
        to_improve=to_improve(workspace, period),
        by_client=by_client(workspace, period),
        trend=trend(workspace, period),
    )
