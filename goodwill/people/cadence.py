"""Keep-in-touch: how often to touch each contact, and when the next touch is due.

A contact without a cadence of their own follows the default of their kind. The next touch is due
a cadence after the last touch (or after they were added), unless it was snoozed to later.
"""

from datetime import datetime, timedelta

from django.utils import timezone

DEFAULT_CADENCE_DAYS = {
    "client": 30,
    "customer": 90,
    "prospect": 45,
    "friend": 60,
    "partner": 60,
}


def effective_cadence_days(kind: str, cadence_days: int | None) -> int:
    return cadence_days or DEFAULT_CADENCE_DAYS.get(kind, 60)


def touch_due_at(
    *,
    kind: str,
    cadence_days: int | None,
    last_touch_at: datetime | None,
    created_at: datetime,
    snoozed_until: datetime | None,
) -> datetime:
    start = last_touch_at or created_at or timezone.now()
    due = start + timedelta(days=effective_cadence_days(kind, cadence_days))
    return max(due, snoozed_until) if snoozed_until else due
