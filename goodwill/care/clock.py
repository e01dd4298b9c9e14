"""The service clock (E5): each case's targets in the workspace's business hours and holidays,
stopped while the case waits on the customer, and the hours each case really took.

Targets count from when the case was filed: the first response is due `first + paused` business
hours later and the resolution `resolution + paused`, where `paused` is the business time the
case has spent waiting on the customer. Adding business hours is additive, so this is the same as
pushing each target back by every wait as it ends.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from goodwill.accounts.models import Workspace
from goodwill.care import hours
from goodwill.care.models import Case, Holiday, Priority, ServiceTarget
from goodwill.core.scoping import scoped

# Business hours to the first response and to the resolution, per priority, unless the
# workspace sets its own.
DEFAULT_TARGETS: dict[str, tuple[float, float]] = {
    Priority.URGENT: (1, 8),
    Priority.HIGH: (4, 24),
    Priority.NORMAL: (8, 40),
    Priority.LOW: (16, 80),
}


@dataclass(frozen=True)
class Clock:
    """A workspace's business calendar and targets, loaded once (two queries)."""

    workspace: Workspace
    holidays: hours.Holidays
    targets: dict[str, tuple[float, float]]

    def add(self, start: datetime, amount: float) -> datetime:
        try:
            return hours.add_business_hours(self.workspace, start, amount, self.holidays)
        except ValueError:  # never open: count calendar hours rather than never
            return start + timedelta(hours=amount)

    def between(self, start: datetime, end: datetime) -> float:
        return hours.business_hours_between(self.workspace, start, end, self.holidays)

    def is_open_at(self, moment: datetime) -> bool:
        return hours.is_open_at(self.workspace, moment, self.holidays)

    def due_dates(self, case: Case) -> tuple[datetime, datetime]:
        """(first response due, resolution due) for the case's priority and waiting so far."""
        first, resolution = self.targets[case.priority]
        return (
            self.add(case.created_at, first + case.paused_hours),
            self.add(case.created_at, resolution + case.paused_hours),
        )

    def elapsed(self, case: Case, now: datetime) -> float:
        """Business hours the case has been open at *now*, less its waiting on the customer."""
        waiting = self.between(case.waiting_since, now) if case.waiting_since else 0.0
        return max(0.0, self.between(case.created_at, now) - case.paused_hours - waiting)

    def left(self, due: datetime, now: datetime) -> float:
        """Business hours left until *due* (negative: how late)."""
        if due >= now:
            return self.between(now, due)
        return -self.between(due, now)


def targets_of(workspace: Workspace) -> dict[str, tuple[float, float]]:
    targets = dict(DEFAULT_TARGETS)
    rows = scoped(ServiceTarget, workspace).values_list(
        "priority", "first_response_hours", "resolution_hours"
    )
    for priority, first, resolution in rows:
        targets[priority] = (first, resolution)
    return targets


def clock_of(workspace: Workspace) -> Clock:
    holidays = frozenset(scoped(Holiday, workspace).values_list("date", flat=True))
    return Clock(workspace, holidays, targets_of(workspace))


def pause(case: Case, now: datetime) -> None:
    """The case starts waiting on the customer: its clock stops."""
    if case.waiting_since is None:
        case.waiting_since = now


def resume(case: Case, clock: Clock, now: datetime) -> None:
    """The wait is over: its business hours push both targets back."""
    if case.waiting_since is None:
        return
    case.paused_hours += clock.between(case.waiting_since, now)
    case.waiting_since = None
    case.first_response_due_at, case.due_at = clock.due_dates(case)
