"""Keep-in-touch: how often to touch each contact, and when the next touch is due.

A contact without a cadence of their own follows the default of their kind, which a workspace
may change (`Workspace.cadence_defaults`). The next touch is due
a cadence after the last touch (or after they were added), unless it was snoozed to later.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.utils import timezone

DEFAULT_CADENCE_DAYS = {
    "client": 30,
    "customer": 90,
    "prospect": 45,
    "friend": 60,
    "partner": 60,
}


def default_cadence_days(kind: str, overrides: Mapping[str, int] | None = None) -> int:
    """The workspace's cadence for a kind of contact (*overrides*), else the product's."""
    return (overrides or {}).get(kind) or DEFAULT_CADENCE_DAYS.get(kind, 60)


def effective_cadence_days(
    kind: str, cadence_days: int | None, overrides: Mapping[str, int] | None = None
) -> int:
    return cadence_days or default_cadence_days(kind, overrides)


def touch_due_at(
    *,
    kind: str,
    cadence_days: int | None,
    last_touch_at: datetime | None,
    created_at: datetime,
    snoozed_until: datetime | None,
    overrides: Mapping[str, int] | None = None,
) -> datetime:
    start = last_touch_at or created_at or timezone.now()
    due = start + timedelta(days=effective_cadence_days(kind, cadence_days, overrides))
    return max(due, snoozed_until) if snoozed_until else due
