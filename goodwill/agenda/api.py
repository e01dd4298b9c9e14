"""/api/v1/agenda and /api/v1/reminders."""

from datetime import date, datetime
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from goodwill.agenda import services
from goodwill.agenda.agenda import DEFAULT_DAYS, agenda
from goodwill.agenda.models import Reminder
from goodwill.agenda.window import MAX_DAYS
from goodwill.api.platform import CappedPagination, user_of, workspace_of
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people.models import Contact

router = Router(tags=["agenda"])

RepeatName = Literal["never", "weekly", "monthly", "yearly"]


class ItemOut(Schema):
    on: date
    kind: str = Field(description="birthday, date, circle, thanks, touch, reminder or case")
    title: str
    contact: int
    contact_name: str
    detail: str
    overdue: bool = Field(description="Due before today; shown on today")
    ref: int | None = Field(
        description="The reminder's or the due's id (for their actions), or the circle member's"
    )
    ideas: list[str] = Field(description="Gift ideas, for a birthday in their circle")


class AgendaOut(Schema):
    start: date = Field(description="Today, in the workspace's time zone")
    days: int
    items: list[ItemOut]
    more: bool = Field(description="More items follow: ask again with a larger offset")


class AgendaQuery(Schema):
    days: int = Field(DEFAULT_DAYS, ge=0, le=MAX_DAYS, description="Today and this many days")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=100_000)


@router.get("/agenda", response=AgendaOut, summary="What is coming up, day by day")
def agenda_get(request: HttpRequest, query: Query[AgendaQuery]) -> AgendaOut:
    result = agenda(workspace_of(request), days=query.days, limit=query.limit, offset=query.offset)
    items = [
        ItemOut(
            on=item.on,
            kind=item.kind,
            title=item.title,
            contact=item.contact_id,
            contact_name=item.contact_name,
            detail=item.detail,
            overdue=item.overdue,
            ref=item.ref,
            ideas=item.ideas,
        )
        for item in result.items
    ]
    return AgendaOut(start=result.start, days=result.days, items=items, more=result.more)


class ReminderOut(Schema):
    id: int
    contact: int
    title: str
    note: str
    repeat: str
    starts_on: date
    due_on: date = Field(description="The occurrence now due")
    show_on: date = Field(description="Shown from this day (later than due_on when snoozed)")
    state: str
    done_count: int
    last_done_at: datetime | None

    @staticmethod
    def resolve_contact(obj: Reminder) -> int:
        return obj.contact_id


class ReminderIn(Schema):
    contact: int
    title: str = Field(max_length=200)
    due_on: date
    repeat: RepeatName = "never"
    note: str = Field("", max_length=2000)


class ReminderPatch(Schema):
    title: str | None = Field(None, max_length=200)
    due_on: date | None = None
    repeat: RepeatName | None = None
    note: str | None = Field(None, max_length=2000)


class ReminderFilters(Schema):
    contact: int | None = None
    state: Literal["open", "done", "dismissed", "all"] = "open"


class ReminderSnoozeIn(Schema):
    until: date | None = Field(None, description="Show it again on this day")
    days: int | None = Field(None, ge=1, le=365, description="… or this many days from today")


def _reminder(request: HttpRequest, pk: int) -> Reminder:
    return get_scoped_or_404(Reminder, workspace_of(request), pk=pk)


@router.get("/reminders", response=list[ReminderOut], summary="Reminders, soonest first")
@paginate(CappedPagination)
def reminders_list(request: HttpRequest, filters: Query[ReminderFilters]) -> QuerySet[Reminder]:
    workspace = workspace_of(request)
    reminders = scoped(Reminder, workspace)
    if filters.state != "all":
        reminders = reminders.filter(state=filters.state)
    if filters.contact is not None:
        reminders = reminders.filter(
            contact=get_scoped_or_404(Contact, workspace, pk=filters.contact)
        )
    return reminders.order_by("show_on", "id")


@router.post("/reminders", response={201: ReminderOut}, summary="Set a reminder on a contact")
def reminders_create(request: HttpRequest, payload: ReminderIn) -> Status[Reminder]:
    contact = get_scoped_or_404(Contact, workspace_of(request), pk=payload.contact)
    reminder = services.reminder_create(
        contact,
        actor=user_of(request),
        title=payload.title,
        due_on=payload.due_on,
        repeat=payload.repeat,
        note=payload.note,
    )
    return Status(201, reminder)


@router.get("/reminders/{reminder_id}", response=ReminderOut, summary="One reminder")
def reminders_get(request: HttpRequest, reminder_id: int) -> Reminder:
    return _reminder(request, reminder_id)


@router.patch("/reminders/{reminder_id}", response=ReminderOut, summary="Change it")
def reminders_update(request: HttpRequest, reminder_id: int, payload: ReminderPatch) -> Reminder:
    return services.reminder_update(
        _reminder(request, reminder_id), **payload.dict(exclude_unset=True)
    )


@router.delete("/reminders/{reminder_id}", response={204: None}, summary="Delete it")
def reminders_delete(request: HttpRequest, reminder_id: int) -> Status[None]:
    services.reminder_delete(_reminder(request, reminder_id))
    return Status(204, None)


@router.post(
    "/reminders/{reminder_id}/done",
    response=ReminderOut,
    summary="Done (a repeating one moves to its next day)",
)
def reminders_done(request: HttpRequest, reminder_id: int) -> Reminder:
    return services.reminder_done(_reminder(request, reminder_id))


@router.post("/reminders/{reminder_id}/snooze", response=ReminderOut, summary="Snooze it")
def reminders_snooze(request: HttpRequest, reminder_id: int, payload: ReminderSnoozeIn) -> Reminder:
    reminder = _reminder(request, reminder_id)
    until = services.snooze_target(reminder.workspace, until=payload.until, days=payload.days)
    return services.reminder_snooze(reminder, until=until)


@router.post("/reminders/{reminder_id}/dismiss", response=ReminderOut, summary="Stop it")
def reminders_dismiss(request: HttpRequest, reminder_id: int) -> Reminder:
    return services.reminder_dismiss(_reminder(request, reminder_id))
