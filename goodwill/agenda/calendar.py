"""The private calendar feed (C3): birthdays and yearly dates as all-day yearly events, and
open reminders as events, for any calendar app that subscribes to an iCalendar address.

A date without a year starts in 2000; 29 February recurs on the last day of February
(BYMONTHDAY=-1) or on 1 March (BYYEARDAY=60, which is 29 February in leap years) as the
workspace celebrates it. The feed is written event by event while the rows stream from the
database, so a workspace of 100,000 people does not build it in memory first.
"""

import secrets
from collections.abc import Iterator
from datetime import date

from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, vDate, vDatetime, vRecur, vText, vUri

from goodwill.accounts.models import User, Workspace, hash_token
from goodwill.agenda.models import CalendarFeed, Reminder, ReminderState, Repeat
from goodwill.core.scoping import scoped
from goodwill.people.dates import MAR1, PartialDate
from goodwill.people.models import CircleMember, DateKind, ImportantDate

YEARLESS_START = 2000  # a leap year, so --02-29 is a valid first occurrence
CHUNK = 2000
FREQUENCY = {Repeat.WEEKLY: "WEEKLY", Repeat.MONTHLY: "MONTHLY", Repeat.YEARLY: "YEARLY"}


def feed_create(workspace: Workspace, user: User) -> str:
    """A new private address for *user* (replacing any earlier one); returns its token."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        scoped(CalendarFeed, workspace).filter(user=user).delete()
        CalendarFeed.objects.create(workspace=workspace, user=user, token_hash=hash_token(token))
    return token


def feed_revoke(workspace: Workspace, user: User) -> bool:
    deleted, _ = scoped(CalendarFeed, workspace).filter(user=user).delete()
    return bool(deleted)


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed of this token, if it exists and its owner is still a member."""
    feed = (
        CalendarFeed.objects.select_related("workspace", "user")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    if not feed.user.memberships.filter(workspace=feed.workspace).exists():
        return None
    return feed


def feed_read(feed: CalendarFeed) -> None:
    """Note when a calendar app last read the feed (shown on the settings page)."""
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())


def _yearly(value: PartialDate, leap_day: str) -> tuple[date, vRecur]:
    start = date(value.year or YEARLESS_START, value.month, value.day)
    if (value.month, value.day) != (2, 29):
        return start, vRecur(freq="YEARLY")
    if leap_day == MAR1:
        return start, vRecur(freq="YEARLY", byyearday=60)
    return start, vRecur(freq="YEARLY", bymonth=2, bymonthday=-1)


def fold(line: bytes) -> bytes:
    """Fold a content line at 75 octets (RFC 5545 section 3.1), never inside a character."""
    if len(line) <= 75:
        return line
    pieces: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for char in line.decode():
        width = len(char.encode())
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, 74  # a continuation line starts with a space
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces).encode()


def _event(
    uid: str,
    summary: str,
    start: date,
    stamp: bytes,
    *,
    rule: vRecur | None = None,
    description: str = "",
    url: str = "",
) -> bytes:
    """One VEVENT. Values are encoded by icalendar's property types (escaping, dates, rules);
    writing the lines here is seven times faster than building Event objects, which counts with
    100,000 events."""
    lines = [
        b"BEGIN:VEVENT",
        b"UID:" + vText(uid).to_ical(),
        b"DTSTAMP:" + stamp,
        b"SUMMARY:" + vText(summary).to_ical(),
        b"DTSTART;VALUE=DATE:" + vDate(start).to_ical(),
    ]
    if rule is not None:
        lines.append(b"RRULE:" + rule.to_ical())
    if description:
        lines.append(b"DESCRIPTION:" + vText(description).to_ical())
    if url:
        lines.append(b"URL:" + vUri(url).to_ical())
    lines += [b"TRANSP:TRANSPARENT", b"END:VEVENT"]  # a birthday does not make you busy
    return b"\r\n".join(fold(line) for line in lines) + b"\r\n"


def _dates(workspace: Workspace, stamp: bytes, base_url: str) -> Iterator[bytes]:
    rows = (
        scoped(ImportantDate, workspace)
        .filter(month__isnull=False, day__isnull=False)
        .select_related("contact")
        .order_by("pk")
    )
    for row in rows.iterator(chunk_size=CHUNK):
        value = row.partial_date
        if value is None:
            continue
        start, rule = _yearly(value, workspace.leap_day)
        name = row.contact.display_name
        what = "birthday" if row.kind == DateKind.BIRTHDAY else row.label or row.get_kind_display()
        born = f" ({value.year})" if value.year and row.kind == DateKind.BIRTHDAY else ""
        yield _event(
            f"date-{row.pk}@goodwill",
            f"{name}'s {what.lower()}{born}",
            start,
            stamp,
            rule=rule,
            url=f"{base_url}/people/{row.contact_id}/",
        )


def _circle(workspace: Workspace, stamp: bytes, base_url: str) -> Iterator[bytes]:
    rows = (
        scoped(CircleMember, workspace)
        .filter(month__isnull=False, day__isnull=False)
        .select_related("contact")
        .order_by("pk")
    )
    for member in rows.iterator(chunk_size=CHUNK):
        value = member.partial_date
        if value is None:
            continue
        start, rule = _yearly(value, workspace.leap_day)
        relation = member.get_relation_display().lower()
        yield _event(
            f"circle-{member.pk}@goodwill",
            f"{member.name}'s birthday ({member.contact.display_name}'s {relation})",
            start,
            stamp,
            rule=rule,
            description=f"Likes: {member.interests}" if member.interests else "",
            url=f"{base_url}/people/{member.contact_id}/",
        )


def _reminders(workspace: Workspace, stamp: bytes, base_url: str) -> Iterator[bytes]:
    rows = (
        scoped(Reminder, workspace)
        .filter(state=ReminderState.OPEN)
        .select_related("contact")
        .order_by("pk")
    )
    for reminder in rows.iterator(chunk_size=CHUNK):
        frequency = FREQUENCY.get(Repeat(reminder.repeat))
        yield _event(
            f"reminder-{reminder.pk}@goodwill",
            f"{reminder.title} ({reminder.contact.display_name})",
            reminder.show_on,
            stamp,
            rule=vRecur(freq=frequency) if frequency else None,
            description=reminder.note,
            url=f"{base_url}/people/{reminder.contact_id}/",
        )


def feed_lines(feed: CalendarFeed, base_url: str) -> Iterator[bytes]:
    """The whole iCalendar document, a chunk at a time."""
    workspace = feed.workspace
    calendar = Calendar()
    calendar.add("prodid", "-//Goodwill//Agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Goodwill: {workspace.name}")
    calendar.add("x-wr-timezone", workspace.time_zone)
    head, _, tail = calendar.to_ical().partition(b"END:VCALENDAR")
    yield head
    stamp = vDatetime(timezone.now()).to_ical()
    yield from _dates(workspace, stamp, base_url)
    yield from _circle(workspace, stamp, base_url)
    yield from _reminders(workspace, stamp, base_url)
    yield b"END:VCALENDAR" + tail
