"""Events, one function per change: create, update, delete, and who was there.

Each person first met at an event is owed a follow-up (goodwill.touchpoints.appreciation) once
the event is over, that is from its last day on, in the workspace's time zone: at once for an
event in the past, otherwise raised by the sweep (goodwill.events.sweeps). The follow-up counts
from the end of that day, so a touch made after the event settles it. Removing a person, or the
event, takes back the follow-ups still open.
"""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone

from goodwill.accounts.models import User, Workspace
from goodwill.agenda.services import today_in
from goodwill.core.scoping import scoped
from goodwill.events.models import Attendance, Event, EventKind
from goodwill.people.models import Contact, Email, Kind
from goodwill.people.services import UNSET, Labelled, contact_create
from goodwill.touchpoints.appreciation import owe, withdraw
from goodwill.touchpoints.models import Due, DueReason, DueState

MAX_NOTES = 20000


def _check(event: Event) -> None:
    if not event.name.strip() or len(event.name) > 200:
        raise ValidationError({"name": "Name the event in up to 200 characters."})
    if event.kind not in EventKind.values:
        raise ValidationError({"kind": "Choose seminar, meetup, fair, conference or other."})
    if event.starts_on.year < 1900:
        raise ValidationError({"starts_on": "That is too long ago."})
    if event.ends_on is not None and event.ends_on < event.starts_on:
        raise ValidationError({"ends_on": "The event cannot end before it starts."})
    if len(event.place) > 200:
        raise ValidationError({"place": "Keep the place under 200 characters."})
    if len(event.notes) > MAX_NOTES:
        raise ValidationError({"notes": "Keep the notes under 20,000 characters."})


def event_create(
    workspace: Workspace,
    *,
    actor: User | None,
    name: str,
    starts_on: date,
    kind: str = EventKind.MEETUP,
    ends_on: date | None = None,
    place: str = "",
    notes: str = "",
) -> Event:
    event = Event(
        workspace=workspace,
        name=" ".join(name.split()),
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on if ends_on != starts_on else None,
        place=" ".join(place.split()),
        notes=notes.strip(),
        created_by=actor,
    )
    _check(event)
    event.save()
    return event


def event_update(
    event: Event,
    *,
    name: str | None = None,
    kind: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = UNSET,
    place: str | None = None,
    notes: str | None = None,
) -> Event:
    """Change what is given. Moving the dates takes back the open follow-ups and raises them
    again for the new end, or when it comes."""
    before = event.last_day
    if name is not None:
        event.name = " ".join(name.split())
    if kind is not None:
        event.kind = kind
    if starts_on is not None:
        event.starts_on = starts_on
    if ends_on is not UNSET:
        event.ends_on = ends_on
    if event.ends_on == event.starts_on:
        event.ends_on = None
    if place is not None:
        event.place = " ".join(place.split())
    if notes is not None:
        event.notes = notes.strip()
    _check(event)
    event.updated_at = timezone.now()
    with transaction.atomic():
        if event.last_day != before:
            withdraw(event.workspace, source_of(event.pk))
            event.follow_ups_raised_at = None
        event.save()
        if event.follow_ups_raised_at is None:
            follow_ups_raise(event)
    return event


def event_delete(event: Event) -> None:
    """Delete the event and who was there (the people stay), and the follow-ups still open."""
    with transaction.atomic():
        withdraw(event.workspace, source_of(event.pk))
        event.delete()


def source_of(event_id: int) -> str:
    # One per event: the same source raises a due once per person (Due's unique rule).
    return f"event:{event_id}"


def is_over(event: Event, today: date | None = None) -> bool:
    return event.last_day <= (today or today_in(event.workspace))


def follow_up_from(event: Event) -> datetime:
    """The end of the event's last day in the workspace's time zone."""
    return datetime.combine(event.last_day, time(23, 59, 59), tzinfo=event.workspace.zone)


def _owe(event: Event, contact: Contact) -> None:
    owe(
        contact,
        reason=DueReason.EVENT,
        about=event.name,
        source=source_of(event.pk),
        event_at=follow_up_from(event),
    )


def follow_ups_raise(event: Event, *, today: date | None = None) -> int:
    """Once *event* is over, owe a follow-up to each person first met there; returns how many
    were asked for. Safe to call again: each person's is raised once."""
    if not is_over(event, today):
        return 0
    new = (
        scoped(Attendance, event.workspace)
        .filter(event=event, new=True)
        .select_related("contact__workspace")
    )
    with transaction.atomic():
        people = [attendance.contact for attendance in new]
        for contact in people:
            _owe(event, contact)
        event.follow_ups_raised_at = timezone.now()
        event.save(update_fields=["follow_ups_raised_at"])
    return len(people)


def follow_ups_due(workspace: Workspace, now: datetime) -> int:
    """Raise the follow-ups of the workspace's events that are over and not yet followed up."""
    today = today_in(workspace, now)
    events = (
        scoped(Event, workspace)
        .filter(follow_ups_raised_at__isnull=True, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__lte=today))
        .order_by("starts_on", "id")
    )
    raised = 0
    for event in events:
        event.workspace = workspace
        raised += follow_ups_raise(event, today=today)
    return raised


def _check_note(note: str) -> str:
    note = note.strip()
    if len(note) > 500:
        raise ValidationError({"note": "Keep the note under 500 characters."})
    return note


def attendee_add(
    event: Event, contact: Contact, *, new: bool = False, note: str = ""
) -> Attendance:
    """*contact* was at *event*; *new* when you first met them there, which owes them a
    follow-up once the event is over."""
    if contact.workspace_id != event.workspace_id:
        raise ValidationError({"contact": "That person is not in this workspace."})
    note = _check_note(note)
    if scoped(Attendance, event.workspace).filter(event=event, contact=contact).exists():
        raise ValidationError({"contact": f"{contact.display_name} is on the list already."})
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                workspace=event.workspace, event=event, contact=contact, new=new, note=note
            )
            if new and is_over(event):
                _owe(event, contact)
    except IntegrityError:  # added twice at once
        raise ValidationError(
            {"contact": f"{contact.display_name} is on the list already."}
        ) from None
    return attendance


def attendee_add_new(
    event: Event,
    *,
    actor: User | None,
    first_name: str,
    last_name: str = "",
    email: str = "",
    note: str = "",
    kind: str = Kind.PROSPECT,
) -> Attendance:
    """Someone you first met at *event*, added on the spot: a new contact (a prospect unless
    told otherwise) who met you there, on the list as new."""
    email = email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": f"“{email}” is not an e-mail address."}) from None
        known = (
            scoped(Email, event.workspace).filter(address=email).select_related("contact").first()
        )
        if known is not None:
            raise ValidationError(
                {
                    "email": f"{known.contact.display_name} (#{known.contact_id}) has this "
                    "address already: add them from your contacts."
                }
            )
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose client, customer, prospect, friend or partner."})
    _check_note(note)
    with transaction.atomic():
        contact = contact_create(
            event.workspace,
            actor=actor,
            kind=kind,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            emails=[Labelled("work", email)] if email else [],
            met_at=event.name,
        )
        return attendee_add(event, contact, new=True, note=note)


def attendee_remove(attendance: Attendance) -> None:
    """Not there after all: off the list, with their follow-up if still open (the person stays)."""
    with transaction.atomic():
        # withdraw() takes back a whole event's; this is the same rule for one person.
        scoped(Due, attendance.workspace).filter(
            contact_id=attendance.contact_id,
            source=source_of(attendance.event_id),
            state=DueState.OPEN,
        ).delete()
        attendance.delete()


def events_listed(workspace: Workspace, today: date | None = None) -> QuerySet[Event]:
    """The upcoming events (and those under way) the soonest first, then the past ones the
    latest first."""
    today = today or today_in(workspace)
    coming = Q(starts_on__gte=today) | Q(ends_on__gte=today)
    return (
        scoped(Event, workspace)
        .annotate(
            past=Case(When(coming, then=Value(False)), default=Value(True)),
            soon=Case(When(coming, then=F("starts_on"))),
        )
        .order_by("past", "soon", "-starts_on", "-id")
    )


def contact_events(contact: Contact, limit: int = 20) -> list[Attendance]:
    """The events *contact* was at, the latest first (one query)."""
    return list(
        scoped(Attendance, contact.workspace)
        .filter(contact=contact)
        .select_related("event")
        .order_by("-event__starts_on", "-event_id")[:limit]
    )
