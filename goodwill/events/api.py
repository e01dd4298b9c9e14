"""/api/v1/events: seminars, meetups, fairs and conferences, and who was there."""

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from goodwill.api.platform import CappedPagination, user_of, workspace_of
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.events import services
from goodwill.events.models import Attendance, Event
from goodwill.people.models import Contact

router = Router(tags=["events"])

KindName = Literal["seminar", "meetup", "fair", "conference", "other"]
ContactKind = Literal["client", "customer", "prospect", "friend", "partner"]


class EventOut(Schema):
    id: int
    name: str
    kind: str
    starts_on: date
    ends_on: date | None = Field(description="The last day, for an event over several days")
    place: str
    notes: str
    follow_ups_raised_at: datetime | None = Field(
        description="When the people first met there were owed a follow-up (once it was over)"
    )
    created_at: datetime


class EventIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: KindName = "meetup"
    starts_on: date
    ends_on: date | None = None
    place: str = Field("", max_length=200)
    notes: str = Field("", max_length=services.MAX_NOTES)


class EventPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: KindName | None = None
    starts_on: date | None = None
    ends_on: date | None = Field(None, description="null: a one-day event")
    place: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=services.MAX_NOTES)


class EventFilters(Schema):
    contact: int | None = Field(None, description="Only the events this contact was at")


class AttendeeOut(Schema):
    contact: int
    name: str
    new: bool = Field(description="You first met them there")
    note: str
    added_at: datetime

    @staticmethod
    def resolve_contact(obj: Attendance) -> int:
        return obj.contact_id

    @staticmethod
    def resolve_name(obj: Attendance) -> str:
        return obj.contact.display_name


class AttendeeIn(Schema):
    contact: int | None = Field(None, description="Someone from your contacts, by id")
    new: bool = Field(False, description="You first met them there (a follow-up becomes due)")
    note: str = Field("", max_length=500)
    first_name: str = Field("", max_length=100, description="Or someone new: a new contact")
    last_name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    kind: ContactKind = Field("prospect", description="The new contact's kind")


def _event(request: HttpRequest, event_id: int) -> Event:
    return get_scoped_or_404(Event, workspace_of(request), pk=event_id)


@router.get("/events", response=list[EventOut], summary="Events, the upcoming first, then past")
@paginate(CappedPagination)
def events_list(request: HttpRequest, filters: Query[EventFilters]) -> QuerySet[Event]:
    workspace = workspace_of(request)
    events = services.events_listed(workspace)
    if filters.contact is not None:
        contact = get_scoped_or_404(Contact, workspace, pk=filters.contact)
        at = scoped(Attendance, workspace).filter(contact=contact).values("event_id")
        events = events.filter(pk__in=at)
    return events


@router.post("/events", response={201: EventOut}, summary="Add an event")
def events_create(request: HttpRequest, payload: EventIn) -> Status[Event]:
    event = services.event_create(workspace_of(request), actor=user_of(request), **payload.dict())
    return Status(201, event)


@router.get("/events/{event_id}", response=EventOut, summary="One event")
def events_get(request: HttpRequest, event_id: int) -> Event:
    return _event(request, event_id)


@router.patch(
    "/events/{event_id}",
    response=EventOut,
    summary="Change an event",
    description="Only the fields given change. Moving its dates moves the follow-ups with it.",
)
def events_update(request: HttpRequest, event_id: int, payload: EventPatch) -> Event:
    return services.event_update(_event(request, event_id), **payload.dict(exclude_unset=True))


@router.delete(
    "/events/{event_id}",
    response={204: None},
    summary="Delete an event",
    description="The people stay in your contacts; follow-ups still open are taken back.",
)
def events_delete(request: HttpRequest, event_id: int) -> Status[None]:
    services.event_delete(_event(request, event_id))
    return Status(204, None)


@router.get(
    "/events/{event_id}/attendees", response=list[AttendeeOut], summary="Who was there, by name"
)
@paginate(CappedPagination)
def attendees_list(request: HttpRequest, event_id: int) -> QuerySet[Attendance]:
    event = _event(request, event_id)
    return (
        scoped(Attendance, event.workspace)
        .filter(event=event)
        .select_related("contact")
        .order_by("contact__sort_name", "contact_id")
    )


@router.post(
    "/events/{event_id}/attendees",
    response={201: AttendeeOut},
    summary="Add who was there: a contact, or someone new",
    description='Someone from your contacts: {"contact": 12, "new": true}. Someone you met there '
    'who is not a contact yet: {"first_name": "Aisha", "last_name": "Rahman", "email": '
    '"aisha@example.com"} becomes a contact (a prospect unless "kind" says otherwise) and is '
    "on the list as new. Each new person is owed a follow-up once the event is over.",
)
def attendees_create(
    request: HttpRequest, event_id: int, payload: AttendeeIn
) -> Status[Attendance]:
    event = _event(request, event_id)
    if payload.contact is not None:
        contact = scoped(Contact, event.workspace).filter(pk=payload.contact).first()
        if contact is None:
            raise ValidationError({"contact": f"There is no contact #{payload.contact}."})
        attendance = services.attendee_add(event, contact, new=payload.new, note=payload.note)
    elif payload.first_name.strip() or payload.last_name.strip():
        attendance = services.attendee_add_new(
            event,
            actor=user_of(request),
            first_name=payload.first_name,
            last_name=payload.last_name,
            email=payload.email,
            note=payload.note,
            kind=payload.kind,
        )
    else:
        raise ValidationError({"contact": "Give a contact's id, or the name of someone new."})
    return Status(201, attendance)


@router.delete(
    "/events/{event_id}/attendees/{contact_id}",
    response={204: None},
    summary="Take someone off the list",
    description="The person stays in your contacts; their follow-up, if still open, goes.",
)
def attendees_delete(request: HttpRequest, event_id: int, contact_id: int) -> Status[None]:
    event = _event(request, event_id)
    services.attendee_remove(
        get_scoped_or_404(Attendance, event.workspace, event=event, contact_id=contact_id)
    )
    return Status(204, None)
