"""/api/v1: your needs (G1) and each client's agreements (G2), with the next need to propose."""

from datetime import date, datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from goodwill.agreements import services
from goodwill.agreements.models import Agreement, Need
from goodwill.agreements.needs import in_words
from goodwill.api.platform import CappedPagination, require_owner, workspace_of
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people.models import Contact

router = Router(tags=["agreements"])

KindName = Literal[
    "calling_hours", "channels", "response_window", "turnaround", "retainer", "payment_terms",
    "free",
]  # fmt: skip
TERMS = (
    'By kind: calling_hours {"days": [0-6, Monday is 0], "start": "09:00", "end": "17:00"}; '
    'channels {"allowed": ["email", "phone", "messaging", "meeting"]}; response_window '
    '{"times": ["09:00", "16:00"]}; turnaround (business days) and payment_terms {"days": 14}; '
    'retainer {"text": "50% up front"}; free {}.'
)


class NeedOut(Schema):
    id: int
    kind: str
    title: str
    why: str
    terms: dict[str, Any]
    in_words: str = Field(description="The terms as a client reads them")
    position: int
    archived: bool
    created_at: datetime

    @staticmethod
    def resolve_in_words(obj: Need) -> str:
        return in_words(obj.kind, obj.terms)


class NeedIn(Schema):
    kind: KindName
    title: str = Field(max_length=120)
    why: str = Field(max_length=2000, description="Why it is good for both sides (clients see it)")
    terms: dict[str, Any] = Field(default_factory=dict, description=TERMS)


class NeedPatch(Schema):
    title: str | None = Field(None, max_length=120)
    why: str | None = Field(None, max_length=2000)
    terms: dict[str, Any] | None = Field(None, description=TERMS)
    position: int | None = Field(None, ge=0, le=10000, description="The order to introduce")


class NeedFilters(Schema):
    archived: bool = False


class AgreementOut(Schema):
    id: int
    contact: int
    need: NeedOut
    status: str
    proposed_on: date
    proposed_how: str
    agreed_on: date | None
    declined_on: date | None
    ended_on: date | None
    hold_days: int
    checked_in_on: date | None
    notes: str
    created_at: datetime

    @staticmethod
    def resolve_contact(obj: Agreement) -> int:
        return obj.contact_id


class ProposeIn(Schema):
    need: int
    on: date | None = Field(None, description="The day it was proposed (default today)")
    how: str = Field("", max_length=120, description="How it was put to them, e.g. on our call")
    hold_days: int = Field(
        14, ge=1, le=services.MAX_HOLD_DAYS, description="Days it holds before the next need"
    )
    notes: str = Field("", max_length=5000)


class DayIn(Schema):
    """Send `{}` for today."""

    on: date | None = Field(None, description="The day it happened (default today)")


class NextNeedOut(Schema):
    need: NeedOut | None
    reason: str = Field(description="Why there is no need to propose yet, when there is none")


def _need(request: HttpRequest, need_id: int) -> Need:
    return get_scoped_or_404(Need, workspace_of(request), pk=need_id)


def _contact(request: HttpRequest, contact_id: int) -> Contact:
    return get_scoped_or_404(Contact, workspace_of(request), pk=contact_id)


def _agreement(request: HttpRequest, agreement_id: int) -> Agreement:
    return get_scoped_or_404(Agreement, workspace_of(request), pk=agreement_id)


# -- Needs ---------------------------------------------------------------------------------


@router.get("/needs", response=list[NeedOut], summary="Your needs, in the order to introduce")
@paginate(CappedPagination)
def needs_list(request: HttpRequest, filters: Query[NeedFilters]) -> QuerySet[Need]:
    needs = scoped(Need, workspace_of(request)).filter(archived=filters.archived)
    return needs.order_by("position", "id")


@router.post("/needs", response={201: NeedOut}, summary="Add a need (owners)")
def needs_create(request: HttpRequest, payload: NeedIn) -> Status[Need]:
    require_owner(request)
    return Status(201, services.need_create(workspace_of(request), **payload.dict()))


@router.get("/needs/{need_id}", response=NeedOut, summary="One need")
def needs_get(request: HttpRequest, need_id: int) -> Need:
    return _need(request, need_id)


@router.patch(
    "/needs/{need_id}", response=NeedOut, summary="Change its title, why, terms or place (owners)"
)
def needs_update(request: HttpRequest, need_id: int, payload: NeedPatch) -> Need:
    require_owner(request)
    return services.need_update(_need(request, need_id), **payload.dict(exclude_unset=True))


@router.post(
    "/needs/{need_id}/archive",
    response=NeedOut,
    summary="Archive it (owners), once no proposed or agreed agreement uses it",
)
def needs_archive(request: HttpRequest, need_id: int) -> Need:
    require_owner(request)
    return services.need_archive(_need(request, need_id))


# -- Agreements ----------------------------------------------------------------------------


@router.get(
    "/contacts/{contact_id}/agreements",
    response=list[AgreementOut],
    summary="A client's agreements, newest first, ended ones included",
)
@paginate(CappedPagination)
def agreements_list(request: HttpRequest, contact_id: int) -> QuerySet[Agreement]:
    contact = _contact(request, contact_id)
    agreements = scoped(Agreement, workspace_of(request)).filter(contact=contact)
    return agreements.select_related("need").order_by("-proposed_on", "-id")


@router.post(
    "/contacts/{contact_id}/agreements",
    response={201: AgreementOut},
    summary="Propose a need to a client",
)
def agreements_propose(
    request: HttpRequest, contact_id: int, payload: ProposeIn
) -> Status[Agreement]:
    contact = _contact(request, contact_id)
    fields = payload.dict()
    need = _need(request, fields.pop("need"))
    return Status(201, services.agreement_propose(contact, need, **fields))


@router.get(
    "/contacts/{contact_id}/next-need",
    response=NextNeedOut,
    summary="The need to propose next, or why none yet",
)
def agreements_next(request: HttpRequest, contact_id: int) -> services.Suggestion:
    return services.suggest_next(_contact(request, contact_id))


@router.get("/agreements/{int:agreement_id}", response=AgreementOut, summary="One agreement")
def agreements_get(request: HttpRequest, agreement_id: int) -> Agreement:
    return _agreement(request, agreement_id)


@router.post("/agreements/{int:agreement_id}/agree", response=AgreementOut, summary="They agreed")
def agreements_agree(request: HttpRequest, agreement_id: int, payload: DayIn) -> Agreement:
    return services.agreement_agree(_agreement(request, agreement_id), on=payload.on)


@router.post(
    "/agreements/{int:agreement_id}/decline", response=AgreementOut, summary="They declined"
)
def agreements_decline(request: HttpRequest, agreement_id: int, payload: DayIn) -> Agreement:
    return services.agreement_decline(_agreement(request, agreement_id), on=payload.on)


@router.post(
    "/agreements/{int:agreement_id}/end",
    response=AgreementOut,
    summary="End it: the need no longer applies (it may be proposed again)",
)
def agreements_end(request: HttpRequest, agreement_id: int, payload: DayIn) -> Agreement:
    return services.agreement_end(_agreement(request, agreement_id), on=payload.on)


@router.post(
    "/agreements/{int:agreement_id}/check-in",
    response=AgreementOut,
    summary="You checked an agreed need is holding",
)
def agreements_check_in(request: HttpRequest, agreement_id: int, payload: DayIn) -> Agreement:
    return services.agreement_check_in(_agreement(request, agreement_id), on=payload.on)
