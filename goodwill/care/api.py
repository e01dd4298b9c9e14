"""/api/v1/cases: customer-care cases, their replies and notes, and their status."""

from datetime import date, datetime
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from goodwill.accounts.models import Membership, Workspace
from goodwill.api.platform import CappedPagination, require_owner, user_of, workspace_of
from goodwill.care import services
from goodwill.care.clock import targets_of
from goodwill.care.models import OPEN_STATUSES, Case, CaseEntry, Holiday
from goodwill.clients.models import Purchase
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people.models import Contact

router = Router(tags=["care"])

TypeName = Literal["complaint", "return", "change", "question"]
PriorityName = Literal["low", "normal", "high", "urgent"]
StatusName = Literal["new", "acknowledged", "in_progress", "waiting", "resolved", "closed"]


class CaseOut(Schema):
    number: int
    contact: int
    type: str
    priority: str
    status: str
    subject: str
    description: str
    first_response_due_at: datetime
    due_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    close_reason: str
    category: str
    waiting_since: datetime | None = Field(description="Set while it waits on the customer")
    paused_hours: float = Field(description="Business hours it waited on the customer before")
    first_response_hours: float | None = Field(description="Business hours to the first reply")
    resolution_hours: float | None = Field(description="Business hours to the resolution")
    rating: int | None = Field(description="The customer's rating, 1 to 5")
    purchase: int | None = Field(description="The purchase it is about")
    owner: int | None = Field(description="The user id of the member who handles it")
    rating_comment: str
    created_at: datetime

    @staticmethod
    def resolve_contact(obj: Case) -> int:
        return obj.contact_id

    @staticmethod
    def resolve_purchase(obj: Case) -> int | None:
        return obj.purchase_id

    @staticmethod
    def resolve_owner(obj: Case) -> int | None:
        return obj.owner_id


class CaseIn(Schema):
    contact: int
    type: TypeName
    subject: str = Field(max_length=200)
    description: str = Field("", max_length=20000)
    priority: PriorityName = "normal"
    purchase: int | None = Field(None, description="One of the contact's purchases")


class CaseFilters(Schema):
    contact: int | None = None
    open: bool = Field(True, description="Only open cases (false: every case)")


class StatusIn(Schema):
    status: StatusName
    reason: Literal["", "resolved", "spam", "duplicate"] = Field("", description="When closing")


class CasePatch(Schema):
    priority: PriorityName | None = Field(None, description="Its targets follow")
    category: str | None = Field(None, max_length=80, description="What it was about")
    owner: int | None = Field(None, description="The user id of the member who handles it")


class TargetOut(Schema):
    priority: str
    first_response_hours: float
    resolution_hours: float


class TargetIn(Schema):
    first_response_hours: float = Field(gt=0, le=services.MAX_TARGET_HOURS)
    resolution_hours: float = Field(gt=0, le=services.MAX_TARGET_HOURS)


class TargetsIn(Schema):
    low: TargetIn | None = None
    normal: TargetIn | None = None
    high: TargetIn | None = None
    urgent: TargetIn | None = None


class HolidayOut(Schema):
    id: int
    date: date
    name: str


class HolidayIn(Schema):
    date: date
    name: str = Field("", max_length=100)


class EntryOut(Schema):
    id: int
    kind: str = Field(description="reply, note, status or customer")
    body: str
    from_status: str
    to_status: str
    created_at: datetime


class EntryIn(Schema):
    body: str = Field(min_length=1, max_length=20000)
    public: bool = Field(description="A reply to the customer (true) or an internal note")
    status: StatusName | None = Field(None, description="And set the case to this status")


def _case(request: HttpRequest, number: int) -> Case:
    return get_scoped_or_404(Case, workspace_of(request), number=number)


@router.get("/cases", response=list[CaseOut], summary="Cases, the soonest due first")
@paginate(CappedPagination)
def cases_list(request: HttpRequest, filters: Query[CaseFilters]) -> QuerySet[Case]:
    workspace = workspace_of(request)
    cases = scoped(Case, workspace)
    if filters.open:
        cases = cases.filter(status__in=OPEN_STATUSES)
    if filters.contact is not None:
        cases = cases.filter(contact=get_scoped_or_404(Contact, workspace, pk=filters.contact))
    return cases.order_by("due_at", "id")


@router.post("/cases", response={201: CaseOut}, summary="Open a case for a contact")
def cases_create(request: HttpRequest, payload: CaseIn) -> Status[Case]:
    workspace = workspace_of(request)
    contact = get_scoped_or_404(Contact, workspace, pk=payload.contact)
    purchase = None
    if payload.purchase is not None:
        purchase = get_scoped_or_404(Purchase, workspace, pk=payload.purchase)
    case = services.case_open(
        contact,
        actor=user_of(request),
        type=payload.type,
        subject=payload.subject,
        description=payload.description,
        priority=payload.priority,
        purchase=purchase,
    )
    return Status(201, case)


@router.get("/cases/{number}", response=CaseOut, summary="One case, by its number")
def cases_get(request: HttpRequest, number: int) -> Case:
    return _case(request, number)


@router.patch("/cases/{number}", response=CaseOut, summary="Change its priority or category")
def cases_update(request: HttpRequest, number: int, payload: CasePatch) -> Case:
    case = _case(request, number)
    changes = payload.dict(exclude_unset=True)
    workspace = workspace_of(request)
    if "owner" in changes:
        owner_id = changes.pop("owner")
        membership = scoped(Membership, workspace).filter(user_id=owner_id).select_related("user")
        found = membership.first()
        if owner_id is not None and found is None:
            raise HttpError(422, "Only a member of the workspace can handle a case.")
        changes["owner"] = found.user if found else None
    return services.case_update(case, **changes)


@router.post("/cases/{number}/status", response=CaseOut, summary="Change its status")
def cases_status(request: HttpRequest, number: int, payload: StatusIn) -> Case:
    return services.case_set_status(
        _case(request, number), payload.status, actor=user_of(request), reason=payload.reason
    )


@router.get("/cases/{number}/entries", response=list[EntryOut], summary="Replies and notes")
@paginate(CappedPagination)
def entries_list(request: HttpRequest, number: int) -> QuerySet[CaseEntry]:
    case = _case(request, number)
    return scoped(CaseEntry, case.workspace).filter(case=case).order_by("created_at", "id")


@router.post(
    "/cases/{number}/entries", response={201: EntryOut}, summary="Reply, or add an internal note"
)
def entries_create(request: HttpRequest, number: int, payload: EntryIn) -> Status[CaseEntry]:
    entry = services.case_reply(
        _case(request, number),
        actor=user_of(request),
        body=payload.body,
        public=payload.public,
        status=payload.status or "",
    )
    return Status(201, entry)


def _targets(workspace: Workspace) -> list[TargetOut]:
    targets = targets_of(workspace)
    return [
        TargetOut(priority=priority, first_response_hours=first, resolution_hours=resolution)
        for priority, (first, resolution) in targets.items()
    ]


@router.get("/care/targets", response=list[TargetOut], summary="Service targets per priority")
def targets_get(request: HttpRequest) -> list[TargetOut]:
    return _targets(workspace_of(request))


@router.put(
    "/care/targets",
    response=list[TargetOut],
    summary="Set service targets (owners)",
    description='In business hours, e.g. {"high": {"first_response_hours": 2, '
    '"resolution_hours": 16}}; priorities left out keep theirs. They apply to new cases.',
)
def targets_set(request: HttpRequest, payload: TargetsIn) -> list[TargetOut]:
    require_owner(request)
    workspace = workspace_of(request)
    changes = {
        priority: (target.first_response_hours, target.resolution_hours)
        for priority, target in (
            ("low", payload.low),
            ("normal", payload.normal),
            ("high", payload.high),
            ("urgent", payload.urgent),
        )
        if target is not None
    }
    services.targets_set(workspace, changes)
    return _targets(workspace)


@router.get("/care/holidays", response=list[HolidayOut], summary="Days the workspace is closed")
@paginate(CappedPagination)
def holidays_list(request: HttpRequest) -> QuerySet[Holiday]:
    return scoped(Holiday, workspace_of(request)).order_by("date", "id")


@router.post("/care/holidays", response={201: HolidayOut}, summary="Add a holiday (owners)")
def holidays_create(request: HttpRequest, payload: HolidayIn) -> Status[Holiday]:
    require_owner(request)
    return Status(201, services.holiday_add(workspace_of(request), payload.date, payload.name))


@router.delete(
    "/care/holidays/{holiday_id}", response={204: None}, summary="Remove a holiday (owners)"
)
def holidays_delete(request: HttpRequest, holiday_id: int) -> Status[None]:
    require_owner(request)
    services.holiday_remove(get_scoped_or_404(Holiday, workspace_of(request), pk=holiday_id))
    return Status(204, None)
