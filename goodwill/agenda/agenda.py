"""The agenda (C1): what is coming up today and in the next days, from every capability.

Birthdays and other yearly dates of contacts and of their circle (with the gift ideas for that
person), thank-yous and follow-ups owed, people due a touch, and reminders. Each source reads an
index for the window and returns at most the items a page needs, in date order; the agenda
merges them. Anything already due (a reminder from last week, a thank-you owed since Monday, an
overdue touch) shows on today, marked overdue.
"""

import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from goodwill.accounts.models import Workspace
from goodwill.agenda.models import Reminder, ReminderState
from goodwill.agenda.services import today_in
from goodwill.agenda.window import MAX_DAYS, Window
from goodwill.core.scoping import scoped
from goodwill.people.dates import PartialDate
from goodwill.people.models import (
    CircleMember,
    Contact,
    DateKind,
    Gift,
    GiftStatus,
    ImportantDate,
    PartialDateFields,
)
from goodwill.touchpoints import appreciation
from goodwill.touchpoints import services as touchpoints

DEFAULT_DAYS = 14
# What an item shows of its contact; the rest of the wide contact row stays unread.
CONTACT_NAME = ("contact__first_name", "contact__last_name", "contact__nickname")


@dataclass(frozen=True)
class Action:
    """A next step offered beside an item: a button posting to `url` (with `name=value`), or
    a link when `method` is "get"."""

    label: str
    url: str
    name: str = ""
    value: str = ""
    method: str = "post"
    quiet: bool = False


_PLACEHOLDER = 987654321


@cache
def _pattern(url_name: str) -> str:
    return reverse(url_name, args=[_PLACEHOLDER])


def url_for(url_name: str, pk: int) -> str:
    """reverse(url_name, args=[pk]) without resolving the pattern for each of 50 items."""
    return _pattern(url_name).replace(str(_PLACEHOLDER), str(pk))


def actions_for(item: "Item") -> list[Action]:
    """The obvious next actions for an item."""
    if item.kind == "reminder" and item.ref is not None:
        snooze = url_for("agenda:reminder_snooze", item.ref)
        return [
            Action("Done", url_for("agenda:reminder_done", item.ref)),
            Action("Tomorrow", snooze, "days", "1"),
            Action("Next week", snooze, "days", "7"),
            Action("Dismiss", url_for("agenda:reminder_dismiss", item.ref), quiet=True),
        ]
    write = url_for("messaging:compose", item.contact_id)
    if item.kind == "thanks" and item.ref is not None:
        return [
            Action("Write a thank-you", f"{write}?due={item.ref}", method="get"),
            Action("Thanked", url_for("touchpoints:thanks_done", item.ref)),
        ]
    if item.kind == "case" and item.ref is not None:
        return [Action("Open the case", url_for("care:case", item.ref), method="get")]
    if item.kind in ("agreement", "clarification"):
        agreements = url_for("agreements:contact_agreements", item.contact_id)
        if item.kind == "agreement":
            return [Action("Check in", f"{agreements}#agreement-{item.ref}", method="get")]
        return [
            Action("Write to them", write, method="get"),
            Action("Agreements", agreements, method="get"),
        ]
    if item.kind == "touch":
        return [
            Action("Log a call", url_for("touchpoints:log", item.contact_id), "kind", "call"),
            Action("Snooze a week", url_for("touchpoints:snooze", item.contact_id), "days", "7"),
        ]
    if item.kind in ("birthday", "circle"):
        gifts = url_for("people:contact", item.contact_id) + "#gifts"
        log = url_for("touchpoints:log", item.contact_id)
        wish = (
            f"{write}?member={item.ref}" if item.kind == "circle" else f"{write}?occasion=birthday"
        )
        return [
            Action("Write", wish, method="get"),
            Action("Gift ideas", gifts, method="get"),
            Action("Sent congratulations", log, "kind", "message"),
        ]
    return []


@dataclass
class Item:
    on: date
    kind: str  # birthday, date, circle, thanks, touch, reminder, case, agreement, clarification
    title: str
    contact_id: int
    contact_name: str
    detail: str = ""
    overdue: bool = False
    ref: int | None = None  # the reminder's, the due's or the circle member's id, for actions
    ideas: list[str] = field(default_factory=list)

    @property
    def actions(self) -> list[Action]:
        return actions_for(self)

    @property
    def contact_url(self) -> str:
        return url_for("people:contact", self.contact_id)

    @property
    def sort_key(self) -> tuple[date, int]:
        return (self.on, ORDER.index(self.kind))


ORDER = [
    "reminder", "case", "clarification", "thanks", "agreement", "birthday", "circle", "date",
    "touch",
]  # fmt: skip

# A source yields its items in date order, reading the database a chunk at a time as the merge
# asks for more, so a page of 50 reads little more than 50 rows in all.
type Source = Callable[[Workspace, Window], Iterator[Item]]
SOURCES: list[Source] = []


def agenda_source(source: Source) -> Source:
    """Register a source of agenda items; later capabilities add theirs (case deadlines …)."""
    SOURCES.append(source)
    return source


@dataclass(frozen=True)
class Agenda:
    start: date
    days: int
    items: list[Item]
    more: bool  # more items than this page holds

    def by_day(self) -> list[tuple[date, list[Item]]]:
        days: dict[date, list[Item]] = {}
        for item in self.items:
            days.setdefault(item.on, []).append(item)
        return list(days.items())


def agenda(
    workspace: Workspace,
    *,
    days: int = DEFAULT_DAYS,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> Agenda:
    """Today and the next *days* days in the workspace's calendar, a page of items at a time."""
    days = max(0, min(days, MAX_DAYS))
    window = Window(today_in(workspace, now), days, workspace.leap_day)
    merged = heapq.merge(
        *(source(workspace, window) for source in SOURCES), key=lambda item: item.sort_key
    )
    items = list(islice(merged, offset, offset + limit + 1))
    return Agenda(window.start, days, items[:limit], len(items) > limit)


def _years(value: int | None, kind: str) -> str:
    if value is None or value < 1:
        return ""
    if kind == DateKind.BIRTHDAY:
        return f" turns {value}"
    return f": {value} year{'s' if value != 1 else ''}"


def chunks[T](rows: QuerySet[Any, T], first: int = 10) -> Iterator[list[T]]:
    """The rows a chunk at a time, each chunk twice the one before."""
    offset, size = 0, first
    while chunk := list(rows[offset : offset + size]):
        yield chunk
        if len(chunk) < size:
            return
        offset, size = offset + size, size * 2


def _in_window[M: PartialDateFields](
    rows: QuerySet[M], window: Window
) -> Iterator[list[tuple[M, PartialDate, date]]]:
    """Chunks of the rows recurring in the window, with their day, in date order."""
    for segment in window.segments():
        for chunk in chunks(rows.filter(segment).order_by("day", "id")):
            found = []
            for row in chunk:
                value = row.partial_date
                on = window.occurrence(value) if value else None
                if value and on:
                    found.append((row, value, on))
            yield found


@agenda_source
def contact_dates(workspace: Workspace, window: Window) -> Iterator[Item]:
    rows = (
        scoped(ImportantDate, workspace)
        .select_related("contact")
        .only("year", "month", "day", "kind", "label", "contact_id", *CONTACT_NAME)
    )
    for chunk in _in_window(rows, window):
        for row, value, on in chunk:
            name = row.contact.display_name
            birthday = row.kind == DateKind.BIRTHDAY
            what = "" if birthday else f"'s {(row.label or row.get_kind_display()).lower()}"
            yield Item(
                on=on,
                kind="birthday" if birthday else "date",
                title=f"{name}{what}{_years(value.turns_on(on), row.kind)}".strip(),
                contact_id=row.contact_id,
                contact_name=name,
            )


@agenda_source
def circle_birthdays(workspace: Workspace, window: Window) -> Iterator[Item]:
    members = (
        scoped(CircleMember, workspace)
        .select_related("contact")
        .only("name", "relation", "interests", "year", "month", "day", "contact_id", *CONTACT_NAME)
    )
    for chunk in _in_window(members, window):
        ideas = _gift_ideas(workspace, [member.pk for member, _, _ in chunk])
        for member, value, on in chunk:
            turns = value.turns_on(on)
            name = member.contact.display_name
            relation = member.get_relation_display().lower()
            mine = ideas.get(member.pk, [])
            yield Item(
                on=on,
                kind="circle",
                title=f"{member.name}, {name}'s {relation},"
                + (f" turns {turns}" if turns and turns > 0 else " has a birthday"),
                contact_id=member.contact_id,
                contact_name=name,
                detail=(f"gift ideas: {', '.join(mine)}" if mine else "no gift ideas yet")
                + (f" — {member.interests}" if member.interests else ""),
                ref=member.pk,
                ideas=mine,
            )


def _gift_ideas(workspace: Workspace, member_ids: list[int]) -> dict[int, list[str]]:
    ideas: dict[int, list[str]] = {}
    if not member_ids:
        return ideas
    gifts = scoped(Gift, workspace).filter(for_member__in=member_ids, status=GiftStatus.IDEA)
    for member_id, description in gifts.order_by("id").values_list("for_member_id", "description"):
        ideas.setdefault(member_id, []).append(description)
    return ideas


@agenda_source
def thanks_owed(workspace: Workspace, window: Window) -> Iterator[Item]:
    """Owed now: shown on today, the oldest first."""
    dues = appreciation.open_dues(workspace).only(
        "kind", "reason", "about", "event_at", "contact_id", *CONTACT_NAME
    )
    for chunk in chunks(dues):
        for due in chunk:
            since = timezone.localtime(due.event_at, workspace.zone)
            yield Item(
                on=window.start,
                kind="thanks",
                title=f"{due.get_kind_display()} to {due.contact.display_name}",
                contact_id=due.contact_id,
                contact_name=due.contact.display_name,
                detail=f"{due.label} (since {since:%-d %b})",
                overdue=since.date() < window.start,
                ref=due.pk,
            )


@agenda_source
def due_a_touch(workspace: Workspace, window: Window) -> Iterator[Item]:
    """People whose next touch falls in the window; the overdue ones on today."""
    end = window.ends_at(workspace.zone)
    fields = ("first_name", "last_name", "nickname", "touch_due_at", "last_touch_at")
    for chunk in chunks(touchpoints.overdue(workspace, now=end).only(*fields)):
        for contact in chunk:
            due = timezone.localtime(contact.touch_due_at, workspace.zone).date()
            yield Item(
                on=max(due, window.start),
                kind="touch",
                title=f"Keep in touch with {contact.display_name}",
                contact_id=contact.pk,
                contact_name=contact.display_name,
                detail=_last_touch(contact),
                overdue=due < window.start,
            )


def _last_touch(contact: Contact) -> str:
    if contact.last_touch_at is None:
        return "no touch logged yet"
    return f"last touch {timezone.localtime(contact.last_touch_at):%-d %b %Y}"


@agenda_source
def reminders(workspace: Workspace, window: Window) -> Iterator[Item]:
    rows = (
        scoped(Reminder, workspace)
        .filter(state=ReminderState.OPEN, show_on__lte=window.end)
        .select_related("contact")
        .only("title", "note", "show_on", "contact_id", *CONTACT_NAME)
        .order_by("show_on", "id")
    )
    for chunk in chunks(rows):
        for row in chunk:
            yield Item(
                on=max(row.show_on, window.start),
                kind="reminder",
                title=row.title,
                contact_id=row.contact_id,
                contact_name=row.contact.display_name,
                detail=row.note[:200],
                overdue=row.show_on < window.start,
                ref=row.pk,
            )
