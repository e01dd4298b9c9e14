"""Reminders, one function per change: create, change, done, snooze, dismiss, delete."""

import calendar
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from goodwill.accounts.models import User, Workspace
from goodwill.agenda.models import Reminder, ReminderState, Repeat
from goodwill.people.dates import PartialDate
from goodwill.people.models import Contact

MAX_SNOOZE_DAYS = 365
MAX_AHEAD = timedelta(days=10 * 366)


def today_in(workspace: Workspace, now: datetime | None = None) -> date:
    """The workspace's calendar day now: reminders and birthdays follow its time zone."""
    return timezone.localtime(now or timezone.now(), workspace.zone).date()


def _check(title: str, note: str, due_on: date, repeat: str, today: date) -> None:
    if not title.strip():
        raise ValidationError({"title": "Say what to remember."})
    if len(title) > 200:
        raise ValidationError({"title": "Keep it under 200 characters."})
    if len(note) > 2000:
        raise ValidationError({"note": "Keep the note under 2,000 characters."})
    if repeat not in Repeat.values:
        raise ValidationError({"repeat": f"Repeat must be one of {', '.join(Repeat.values)}."})
    if not today - MAX_AHEAD <= due_on <= today + MAX_AHEAD:
        raise ValidationError({"due_on": "Choose a day within ten years from today."})


def reminder_create(
    contact: Contact,
    *,
    actor: User | None,
    title: str,
    due_on: date,
    repeat: str = Repeat.NEVER,
    note: str = "",
) -> Reminder:
    workspace = contact.workspace
    _check(title, note, due_on, repeat, today_in(workspace))
    return Reminder.objects.create(
        workspace=workspace,
        contact=contact,
        title=title.strip(),
        note=note.strip(),
        starts_on=due_on,
        repeat=repeat,
        due_on=due_on,
        show_on=due_on,
        created_by=actor,
    )


def reminder_update(reminder: Reminder, **changes: Any) -> Reminder:
    """Change the title, note, day (`due_on`, which restarts the series) or repeat."""
    for key in ("title", "note", "repeat"):
        if changes.get(key) is not None:
            setattr(reminder, key, changes[key].strip() if key != "repeat" else changes[key])
    if changes.get("due_on") is not None:
        reminder.starts_on = reminder.due_on = reminder.show_on = changes["due_on"]
    _check(
        reminder.title,
        reminder.note,
        reminder.due_on,
        reminder.repeat,
        today_in(reminder.workspace),
    )
    reminder.save()
    return reminder


def _add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def next_due(reminder: Reminder, after: date) -> date:
    """The first occurrence of a repeating reminder later than *after*."""
    start, n = reminder.starts_on, 0
    while True:
        n += 1
        if reminder.repeat == Repeat.WEEKLY:
            candidate = start + timedelta(weeks=n)
        elif reminder.repeat == Repeat.MONTHLY:
            candidate = _add_months(start, n)
        else:
            value = PartialDate(month=start.month, day=start.day)
            candidate = value.in_year(start.year + n, reminder.workspace.leap_day)
        if candidate > after:
            return candidate


def _open(reminder: Reminder) -> None:
    if reminder.state != ReminderState.OPEN:
        raise ValidationError({"state": "That reminder is no longer open."})


def reminder_done(reminder: Reminder, now: datetime | None = None) -> Reminder:
    """Done: a one-off closes; a repeating one moves to its next occurrence after today."""
    _open(reminder)
    now = now or timezone.now()
    reminder.done_count += 1
    reminder.last_done_at = now
    if reminder.repeat == Repeat.NEVER:
        reminder.state = ReminderState.DONE
    else:
        after = max(reminder.due_on, today_in(reminder.workspace, now))
        reminder.due_on = reminder.show_on = next_due(reminder, after)
    reminder.save()
    return reminder


def reminder_snooze(reminder: Reminder, *, until: date, now: datetime | None = None) -> Reminder:
    """Show it again on *until* (tomorrow at the earliest, within a year)."""
    _open(reminder)
    today = today_in(reminder.workspace, now)
    if not today < until <= today + timedelta(days=MAX_SNOOZE_DAYS):
        raise ValidationError({"until": "Snooze to a day from tomorrow to a year ahead."})
    reminder.show_on = until
    reminder.save(update_fields=["show_on"])
    return reminder


def snooze_target(
    workspace: Workspace, *, until: date | None = None, days: int | None = None
) -> date:
    """The day a snooze asks for: *until*, or *days* from today."""
    if until is not None:
        return until
    if days is not None and 1 <= days <= MAX_SNOOZE_DAYS:
        return today_in(workspace) + timedelta(days=days)
    raise ValidationError({"until": "Choose a day, or snooze for 1 to 365 days."})


def reminder_dismiss(reminder: Reminder) -> Reminder:
    """Stop it, repeats and all, without marking it done."""
    _open(reminder)
    reminder.state = ReminderState.DISMISSED
    reminder.save(update_fields=["state"])
    return reminder


def reminder_delete(reminder: Reminder) -> None:
    reminder.delete()
