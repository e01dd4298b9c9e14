"""The last N calendar months in a workspace's time zone, and counting rows per month in them:
what the care insight and client health pages chart."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from goodwill.accounts.models import Workspace


@dataclass(frozen=True)
class Period:
    """From the start of a month in the workspace's time zone until *end* (now)."""

    start: datetime
    end: datetime
    months: list[datetime]  # the start of each month, in the workspace's time zone


def period_of(workspace: Workspace, now: datetime, months: int = 12) -> Period:
    """The last *months* calendar months in the workspace's time zone, this one included.
    Each month starts at local midnight on its first day, whatever the offset is then (DST)."""
    local = now.astimezone(workspace.zone)
    year, month = local.year, local.month
    starts = []
    for _ in range(months):
        starts.append(datetime(year, month, 1, tzinfo=workspace.zone))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    starts.reverse()
    return Period(start=starts[0], end=now, months=starts)


def month_counts(
    rows: QuerySet[Any], field: str, period: Period, *keys: str
) -> dict[tuple[object, ...], dict[date, int]]:
    """Rows per month of *field* for each value of *keys* (one key () without keys), in one
    query; months without rows are left out. The months are cut at the local midnights of the
    period and counted with a filter each, which both databases do natively (truncating each
    row's time in the workspace's zone costs SQLite a Python call per row)."""
    ends = [*period.months[1:], period.end]
    months = {
        f"m{i}": Count("pk", filter=Q(**{f"{field}__gte": start, f"{field}__lt": end}))
        for i, (start, end) in enumerate(zip(period.months, ends, strict=True))
    }
    within = rows.filter(**{f"{field}__gte": period.start, f"{field}__lt": period.end})
    counted: list[dict[str, Any]] = (
        list(within.order_by().values(*keys).annotate(**months))
        if keys
        else [within.aggregate(**months)]  # one row over all, even when there is none
    )
    grouped: dict[tuple[object, ...], dict[date, int]] = {}
    for row in counted:
        counts = {start.date(): row[f"m{i}"] for i, start in enumerate(period.months)}
        grouped[tuple(row[key] for key in keys)] = {day: n for day, n in counts.items() if n}
    return grouped
