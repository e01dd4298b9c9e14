"""Events in the app: the list, an event with who was there, adding people, editing."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required
from goodwill.accounts.views import add_errors
from goodwill.core.paging import window
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.events import services
from goodwill.events.forms import AttendeeForm, EventForm, NewPersonForm
from goodwill.events.models import Attendance, Event
from goodwill.people.models import Contact
from goodwill.touchpoints.models import Due, DueState

app_name = "events"
PAGE_SIZE = 50
ATTENDEES_PAGE = 100


@member_required
def event_list(request: WorkspaceRequest) -> HttpResponse:
    """The upcoming events, the soonest first, then the past ones, the latest first."""
    events = services.events_listed(request.workspace).annotate(
        people=Count("attendances"),
        new_people=Count("attendances", filter=Q(attendances__new=True)),
    )
    return render(request, "events/list.html", {"page": window(events, request.GET, PAGE_SIZE)})


@member_required
def event_new(request: WorkspaceRequest) -> HttpResponse:
    form = EventForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                event = services.event_create(
                    request.workspace, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, f"{event.name} is on your list: add who was there.")
                return redirect("events:event", pk=event.pk)
    return render(request, "events/form.html", {"form": form}, status=status)


def _event(request: WorkspaceRequest, pk: int) -> Event:
    return get_scoped_or_404(Event, request.workspace, pk=pk)


def _page(
    request: WorkspaceRequest,
    event: Event,
    *,
    attendee: AttendeeForm | None = None,
    person: NewPersonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    attendances = (
        scoped(Attendance, request.workspace)
        .filter(event=event)
        .select_related("contact__organization")
        .order_by("contact__sort_name", "contact_id")
    )
    page = window(attendances, request.GET, ATTENDEES_PAGE)
    context: dict[str, Any] = {
        "event": event,
        "page": page,
        "rows": _rows(request, event, page.object_list),
        "over": services.is_over(event),
        "attendee": attendee or AttendeeForm(),
        "person": person or NewPersonForm(prefix="person"),
    }
    return render(request, "events/event.html", context, status=status)


FOLLOW_UP_WORDS: dict[str, str] = {
    DueState.OPEN: "follow-up due",
    DueState.SETTLED: "followed up",
    DueState.DISMISSED: "follow-up dismissed",
}


def _rows(
    request: WorkspaceRequest, event: Event, attendances: list[Attendance]
) -> list[tuple[Attendance, str]]:
    """Each person on the page, with where their follow-up stands if they are new (one query)."""
    new = [attendance.contact_id for attendance in attendances if attendance.new]
    states: dict[int, str] = {}
    if new:
        dues = scoped(Due, request.workspace).filter(
            source=services.source_of(event.pk), contact_id__in=new
        )
        states = dict(dues.values_list("contact_id", "state"))
    return [
        (attendance, FOLLOW_UP_WORDS.get(states.get(attendance.contact_id, ""), ""))
        for attendance in attendances
    ]


@member_required
def event_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _page(request, _event(request, pk))


@member_required
def event_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    initial = {
        "name": event.name,
        "kind": event.kind,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "place": event.place,
        "notes": event.notes,
    }
    form = EventForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.event_update(event, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Saved.")
                return redirect("events:event", pk=event.pk)
    return render(request, "events/form.html", {"form": form, "event": event}, status=status)


@require_POST
@member_required
def event_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    services.event_delete(event)
    messages.success(request, f"{event.name} is deleted; the people stay in your contacts.")
    return redirect("events:list")


@require_POST
@member_required
def attendee_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    form = AttendeeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        contact = scoped(Contact, request.workspace).filter(pk=data["contact"]).first()
        try:
            if contact is None:
                raise ValidationError({"contact": f"There is no contact #{data['contact']}."})
            services.attendee_add(event, contact, new=data["new"], note=data["note"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{contact.display_name} was there.")
            return redirect("events:event", pk=event.pk)
    return _page(request, event, attendee=form, status=400)


@require_POST
@member_required
def attendee_add_new(request: WorkspaceRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    form = NewPersonForm(request.POST, prefix="person")
    if form.is_valid():
        try:
            attendance = services.attendee_add_new(event, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            name = attendance.contact.display_name
            messages.success(request, f"{name} is in your contacts, met at {event.name}.")
            return redirect("events:event", pk=event.pk)
    return _page(request, event, person=form, status=400)


@require_POST
@member_required
def attendee_remove(request: WorkspaceRequest, pk: int, contact_pk: int) -> HttpResponse:
    event = _event(request, pk)
    attendance = get_scoped_or_404(
        Attendance, request.workspace, event=event, contact_id=contact_pk
    )
    name = attendance.contact.display_name
    services.attendee_remove(attendance)
    messages.success(request, f"{name} is off the list.")
    return redirect("events:event", pk=event.pk)


urlpatterns = [
    path("events/", event_list, name="list"),
    path("events/new/", event_new, name="new"),
    path("events/<int:pk>/", event_detail, name="event"),
    path("events/<int:pk>/edit/", event_edit, name="edit"),
    path("events/<int:pk>/delete/", event_delete, name="delete"),
    path("events/<int:pk>/attendees/", attendee_add, name="attendee_add"),
    path("events/<int:pk>/attendees/new/", attendee_add_new, name="attendee_add_new"),
    path(
        "events/<int:pk>/attendees/<int:contact_pk>/remove/",
        attendee_remove,
        name="attendee_remove",
    ),
]
