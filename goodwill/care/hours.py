"""Business-hours arithmetic for service targets: "4 working hours after it was filed".

Time counts only while the workspace is open (its opening hours per weekday, in its time zone)
and not on its holidays (dates in its time zone, passed in by the caller so this stays pure).
Each day is walked in local wall time and turned into real instants with zoneinfo, so a
daylight-saving change inside or outside opening hours counts the hours that really pass.
"""

from datetime import UTC, date, datetime, timedelta

from goodwill.accounts.models import Workspace

MAX_DAYS = 3660  # a target is never more than ten years of days away


Holidays = frozenset[date]
NO_HOLIDAYS: Holidays = frozenset()


def _open_span(
    workspace: Workspace, day: date, holidays: Holidays
) -> tuple[datetime, datetime] | None:
    """When the workspace opens and closes on *day*, as UTC instants (compared and subtracted
    in UTC, since Python compares two times of one zone by their wall clocks)."""
    hours = workspace.opening_hours(day.weekday())
    if hours is None or day in holidays:
        return None
    zone = workspace.zone
    opens = datetime.combine(day, hours[0], tzinfo=zone).astimezone(UTC)
    closes = datetime.combine(day, hours[1], tzinfo=zone).astimezone(UTC)
    return opens, closes


def is_open_at(workspace: Workspace, moment: datetime, holidays: Holidays = NO_HOLIDAYS) -> bool:
    local = moment.astimezone(workspace.zone)
    return local.date() not in holidays and workspace.is_open_at(moment)


def add_business_hours(
    workspace: Workspace, start: datetime, hours: float, holidays: Holidays = NO_HOLIDAYS
) -> datetime:
    """The instant *hours* of opening time after *start* (which may fall outside the hours)."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    left = timedelta(hours=hours)
    start = start.astimezone(UTC)
    day = start.astimezone(workspace.zone).date()
    for _ in range(MAX_DAYS):
        span = _open_span(workspace, day, holidays)
        if span is not None:
            opens, closes = span
            begin = max(opens, start)
            if begin < closes:
                available = closes - begin
                if left <= available:
                    return (begin + left).astimezone(workspace.zone)
                left -= available
        day += timedelta(days=1)
    raise ValueError("The workspace is never open: no business hours are set.")


def business_hours_between(
    workspace: Workspace, start: datetime, end: datetime, holidays: Holidays = NO_HOLIDAYS
) -> float:
    """How many opening hours pass from *start* to *end* (0 if end is not later)."""
    if end <= start:
        return 0.0
    total = timedelta()
    day = start.astimezone(workspace.zone).date()
    last = end.astimezone(workspace.zone).date()
    while day <= last:
        span = _open_span(workspace, day, holidays)
        if span is not None:
            begin = max(span[0], start.astimezone(UTC))
            finish = min(span[1], end.astimezone(UTC))
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total.total_seconds() / 3600
