"""/api/v1/cases: customer-care cases, their replies and notes, and their status."""

from datetime import datetime
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from goodwill.api.platform import CappedPagination, user_of, workspace_of
from goodwill.care import services
from goodwill.care.models import OPEN_STATUSES, Case, CaseEntry
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
    created_at: datetime

    @staticmethod
    def resolve_contact(obj: Case) -> int:
        return obj.contact_id


class CaseIn(Schema):
    contact: int
    type: TypeName
    subject: str = Field(max_length=200)
    description: str = Field("", max_length=20000)
    priority: PriorityName = "normal"


class CaseFilters(Schema):
    contact: int | None = None
    open: bool = Field(True, description="Only open cases (false: every case)")


class StatusIn(Schema):
    status: StatusName
    reason: Literal["", "resolved", "spam", "duplicate"] = Field("", description="When closing")


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
    contact = get_scoped_or_404(Contact, workspace_of(request), pk=payload.contact)
    case = services.case_open(
        contact,
        actor=user_of(request),
        type=payload.type,
        subject=payload.subject,
        description=payload.description,
        priority=payload.priority,
    )
    return Status(201, case)


@router.get("/cases/{number}", response=CaseOut, summary="One case, by its number")
def cases_get(request: HttpRequest, number: int) -> Case:
    return _case(request, number)


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
