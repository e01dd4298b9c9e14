"""/api/v1: engagements, purchases, economics and the ranking by spend; prospects convert."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from goodwill.agenda.services import today_in
from goodwill.api.platform import CappedPagination, user_of, workspace_of
from goodwill.clients import economics, services
from goodwill.clients.models import Engagement, Purchase, Spend
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people.models import Contact, Organization

router = Router(tags=["clients"])

StatusName = Literal["proposed", "won", "delivered", "lost"]


class EngagementOut(Schema):
    id: int
    contact: int
    title: str
    kind: str
    work: str
    value: Decimal
    currency: str
    starts_on: date | None
    ends_on: date | None
    status: str
    lost_reason: str
    notes: str
    won_on: date | None
    delivered_on: date | None
    lost_on: date | None
    created_at: datetime

    @staticmethod
    def resolve_contact(obj: Engagement) -> int:
        return obj.contact_id


class EngagementIn(Schema):
    contact: int
    title: str = Field(max_length=200)
    value: Decimal = Field(ge=0, description="Exact, with at most two decimals")
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217, e.g. EUR")
    kind: Literal["project", "retainer"] = "project"
    work: str = Field("", max_length=80, description="The kind of work, e.g. branding")
    starts_on: date | None = None
    ends_on: date | None = None
    notes: str = Field("", max_length=20000)


class EngagementPatch(Schema):
    title: str | None = Field(None, max_length=200)
    value: Decimal | None = Field(None, ge=0)
    currency: str | None = Field(None, min_length=3, max_length=3)
    kind: Literal["project", "retainer"] | None = None
    work: str | None = Field(None, max_length=80)
    starts_on: date | None = None
    ends_on: date | None = None
    notes: str | None = Field(None, max_length=20000)


class MoveIn(Schema):
    status: StatusName
    on: date | None = Field(None, description="The day it happened (default today)")
    reason: str = Field("", max_length=200, description="Why it was lost")


class EngagementFilters(Schema):
    contact: int | None = None
    status: StatusName | None = None


class PurchaseOut(Schema):
    id: int
    contact: int
    purchased_on: date
    description: str
    amount: Decimal
    currency: str
    created_at: datetime

    @staticmethod
    def resolve_contact(obj: Purchase) -> int:
        return obj.contact_id


class PurchaseIn(Schema):
    contact: int
    amount: Decimal = Field(ge=0, description="Exact, with at most two decimals")
    currency: str = Field("", max_length=3, description="ISO 4217; the workspace's by default")
    purchased_on: date | None = Field(None, description="Default today")
    description: str = Field("", max_length=500)


class PurchaseFilters(Schema):
    contact: int | None = None


class YearOut(Schema):
    year: int
    amount: Decimal
    count: int


class EconomicsOut(Schema):
    currency: str
    last_12_months: Decimal
    lifetime: Decimal
    count: int
    first_on: date | None
    last_on: date | None
    years: list[YearOut] = Field(description="The newest first")
    months: list[int] = Field(description="Purchases and won engagements per month, Jan to Dec")
    usual_months: list[int]


class SpendOut(Schema):
    contact: int
    name: str
    currency: str
    last_12_months: Decimal
    lifetime: Decimal
    count_12_months: int
    last_on: date
    rapport: int

    @staticmethod
    def resolve_contact(obj: Spend) -> int:
        return obj.contact_id

    @staticmethod
    def resolve_name(obj: Spend) -> str:
        return obj.contact.display_name

    @staticmethod
    def resolve_rapport(obj: Spend) -> int:
        return obj.contact.rapport


class ConcentrationOut(Schema):
    currency: str
    total: Decimal
    top: Decimal = Field(description="What the top five clients spent")
    clients: int
    share: float | None


class RankingFilters(Schema):
    currency: str = Field("", description="Default: the workspace's currency")


class ConvertIn(Schema):
    kind: Literal["client", "customer"]


def _contact(request: HttpRequest, contact_id: int) -> Contact:
    return get_scoped_or_404(Contact, workspace_of(request), pk=contact_id)


def _engagement(request: HttpRequest, engagement_id: int) -> Engagement:
    return get_scoped_or_404(Engagement, workspace_of(request), pk=engagement_id)


@router.get("/engagements", response=list[EngagementOut], summary="Engagements, newest first")
@paginate(CappedPagination)
def engagements_list(
    request: HttpRequest, filters: Query[EngagementFilters]
) -> QuerySet[Engagement]:
    engagements = scoped(Engagement, workspace_of(request))
    if filters.contact is not None:
        engagements = engagements.filter(contact=_contact(request, filters.contact))
    if filters.status:
        engagements = engagements.filter(status=filters.status)
    return engagements.order_by("-created_at", "-id")


@router.post("/engagements", response={201: EngagementOut}, summary="Propose an engagement")
def engagements_create(request: HttpRequest, payload: EngagementIn) -> Status[Engagement]:
    fields = payload.dict()
    contact = _contact(request, fields.pop("contact"))
    return Status(201, services.engagement_create(contact, actor=user_of(request), **fields))


@router.get("/engagements/{engagement_id}", response=EngagementOut, summary="One engagement")
def engagements_get(request: HttpRequest, engagement_id: int) -> Engagement:
    return _engagement(request, engagement_id)


@router.patch("/engagements/{engagement_id}", response=EngagementOut, summary="Change it")
def engagements_update(
    request: HttpRequest, engagement_id: int, payload: EngagementPatch
) -> Engagement:
    return services.engagement_update(
        _engagement(request, engagement_id), **payload.dict(exclude_unset=True)
    )


@router.post(
    "/engagements/{engagement_id}/move",
    response=EngagementOut,
    summary="Move it: won, delivered, lost (with a reason) or back",
    description="Won owes a thank-you for choosing you, delivered another, lost a follow-up.",
)
def engagements_move(request: HttpRequest, engagement_id: int, payload: MoveIn) -> Engagement:
    return services.engagement_move(
        _engagement(request, engagement_id), payload.status, on=payload.on, reason=payload.reason
    )


@router.delete("/engagements/{engagement_id}", response={204: None}, summary="Delete it")
def engagements_delete(request: HttpRequest, engagement_id: int) -> Status[None]:
    services.engagement_delete(_engagement(request, engagement_id))
    return Status(204, None)


@router.get("/purchases", response=list[PurchaseOut], summary="Purchases, the latest first")
@paginate(CappedPagination)
def purchases_list(request: HttpRequest, filters: Query[PurchaseFilters]) -> QuerySet[Purchase]:
    purchases = scoped(Purchase, workspace_of(request))
    if filters.contact is not None:
        purchases = purchases.filter(contact=_contact(request, filters.contact))
    return purchases.order_by("-purchased_on", "-id")


@router.post("/purchases", response={201: PurchaseOut}, summary="Record a purchase")
def purchases_create(request: HttpRequest, payload: PurchaseIn) -> Status[Purchase]:
    fields = payload.dict()
    contact = _contact(request, fields.pop("contact"))
    return Status(201, services.purchase_create(contact, actor=user_of(request), **fields))


@router.get("/purchases/{purchase_id}", response=PurchaseOut, summary="One purchase")
def purchases_get(request: HttpRequest, purchase_id: int) -> Purchase:
    return get_scoped_or_404(Purchase, workspace_of(request), pk=purchase_id)


@router.delete("/purchases/{purchase_id}", response={204: None}, summary="Delete it")
def purchases_delete(request: HttpRequest, purchase_id: int) -> Status[None]:
    services.purchase_delete(get_scoped_or_404(Purchase, workspace_of(request), pk=purchase_id))
    return Status(204, None)


@router.get(
    "/contacts/{contact_id}/economics",
    response=list[EconomicsOut],
    summary="What a contact spends, per currency",
)
def contact_economics(request: HttpRequest, contact_id: int) -> list[economics.CurrencyEconomics]:
    workspace = workspace_of(request)
    contact = _contact(request, contact_id)
    return economics.contact_economics(workspace, contact.pk, today_in(workspace))


@router.get(
    "/organizations/{organization_id}/economics",
    response=list[EconomicsOut],
    summary="What the people of an organisation spend, per currency",
)
def organization_economics(
    request: HttpRequest, organization_id: int
) -> list[economics.CurrencyEconomics]:
    workspace = workspace_of(request)
    organization = get_scoped_or_404(Organization, workspace, pk=organization_id)
    return economics.organization_economics(workspace, organization.pk, today_in(workspace))


@router.get(
    "/clients/ranking", response=list[SpendOut], summary="Contacts by spend in the last 12 months"
)
@paginate(CappedPagination)
def ranking(request: HttpRequest, filters: Query[RankingFilters]) -> QuerySet[Spend]:
    workspace = workspace_of(request)
    return economics.ranking(workspace, filters.currency.upper() or workspace.currency)


@router.get(
    "/clients/concentration",
    response=ConcentrationOut,
    summary="The top five clients' share of the last 12 months' spend",
)
def concentration(request: HttpRequest, filters: Query[RankingFilters]) -> ConcentrationOut:
    workspace = workspace_of(request)
    figures = economics.concentration(workspace, filters.currency.upper() or workspace.currency)
    return ConcentrationOut(
        currency=figures.currency, total=figures.total, top=figures.top,
        clients=figures.clients, share=figures.share,
    )  # fmt: skip


@router.post(
    "/contacts/{contact_id}/convert",
    response=dict[str, str],
    summary="A prospect becomes a client or a customer, keeping all history",
)
def convert(request: HttpRequest, contact_id: int, payload: ConvertIn) -> dict[str, str]:
    contact = services.prospect_convert(
        _contact(request, contact_id), actor=user_of(request), kind=payload.kind
    )
    return {"kind": contact.kind}
