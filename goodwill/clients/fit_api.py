"""/api/v1/clients/ideal, /contacts/{id}/profile, /contacts/{id}/fit and /clients/fit: the
ideal client, each client's answers, their fit and the ranking by fit beside rapport."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from goodwill.agenda.services import today_in
from goodwill.api.platform import CappedPagination, require_owner, workspace_of
from goodwill.clients import fit_services
from goodwill.clients.fit import RANKING_ORDERS, SIGNALS, Part, fit_of, signal
from goodwill.clients.models import ClientSettings, Fit, ProfileAnswers
from goodwill.clients.services import client_settings
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people.models import Contact

router = Router(tags=["fit"])

SignalName = Literal["cherish", "closer", "reconsider"]


class IdealOut(Schema):
    currency: str = Field(description="The workspace's currency, the budget's")
    budget_min: Decimal | None = Field(description="The lowest yearly budget")
    budget_max: Decimal | None = Field(description="The highest yearly budget")
    times_min: int | None = Field(description="The fewest times a year they need you")
    times_max: int | None = Field(description="The most times a year")
    months: list[int] = Field(description="The months (1-12) they need you")
    work: list[str] = Field(description="The kinds of work, as named on engagements")
    traits: list[str] = Field(description="Traits in your own words")


class IdealIn(Schema):
    """The whole ideal: whatever is left out (or null, or empty) is not part of the fit."""

    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    times_min: int | None = None
    times_max: int | None = None
    months: list[int] = []
    work: list[str] = []
    traits: list[str] = []


class ProfileOut(Schema):
    contact: int
    why_chose: str = Field(description="Why they chose you")
    why_stay: str = Field(description="Why they keep choosing you")
    worries: str = Field(description="What keeps them up at night")
    went_right: str = Field(description="What went right")
    traits: list[str] = Field(description="The ideal client's traits they have")
    updated_at: datetime | None = Field(description="Null until saved")


class ProfileIn(Schema):
    """The whole profile: whatever is left out is blank."""

    why_chose: str = Field("", max_length=5000)
    why_stay: str = Field("", max_length=5000)
    worries: str = Field("", max_length=5000)
    went_right: str = Field("", max_length=5000)
    traits: list[str] = Field([], description="Among the ideal client's traits")


class PartOut(Schema):
    name: str
    points: int
    ceiling: int
    why: str
    known: bool = Field(description="False: not known yet, left out of the score")


class FitOut(Schema):
    contact: int
    score: int | None = Field(description="0-100; null when too little is known (or not a client)")
    parts: list[PartOut]
    known_weight: int = Field(description="The ceilings of the known parts")
    weight: int = Field(description="The ceilings of every part the ideal defines")
    rapport: int
    signal: str = Field(description="cherish, closer, reconsider or empty")


class RankedOut(Schema):
    contact: int
    name: str
    kind: str
    score: int
    rapport: int
    signal: str = Field(description="cherish, closer, reconsider or empty")
    computed_on: date

    @staticmethod
    def resolve_contact(obj: Fit) -> int:
        return obj.contact_id

    @staticmethod
    def resolve_name(obj: Fit) -> str:
        return obj.contact.display_name

    @staticmethod
    def resolve_kind(obj: Fit) -> str:
        return obj.contact.kind

    @staticmethod
    def resolve_rapport(obj: Fit) -> int:
        return obj.contact.rapport

    @staticmethod
    def resolve_signal(obj: Fit) -> str:
        return signal(obj.score, obj.contact.rapport)


class FitFilters(Schema):
    by: Literal["fit", "rapport"] = Field("fit", description="The order: fit or rapport first")
    signal: SignalName | None = Field(None, description="Only those with this signal")
    kind: Literal["client", "customer"] | None = None


def _ideal_out(settings: ClientSettings, currency: str) -> dict[str, Any]:
    return {
        "currency": currency,
        "budget_min": settings.budget_min,
        "budget_max": settings.budget_max,
        "times_min": settings.times_min,
        "times_max": settings.times_max,
        "months": list(settings.months or []),
        "work": list(settings.work or []),
        "traits": list(settings.traits or []),
    }


@router.get("/clients/ideal", response=IdealOut, summary="The ideal client")
def ideal_get(request: HttpRequest) -> dict[str, Any]:
    workspace = workspace_of(request)
    return _ideal_out(client_settings(workspace), workspace.currency)


@router.put("/clients/ideal", response=IdealOut, summary="Change the ideal client (owners)")
def ideal_put(request: HttpRequest, payload: IdealIn) -> dict[str, Any]:
    """Replaces the whole ideal and scores every client and customer on it."""
    require_owner(request)
    workspace = workspace_of(request)
    settings = fit_services.ideal_set(workspace, **payload.dict())
    return _ideal_out(settings, workspace.currency)


def _contact(request: HttpRequest, contact_id: int) -> Contact:
    return get_scoped_or_404(Contact, workspace_of(request), pk=contact_id)


def _profile_out(answers: ProfileAnswers) -> dict[str, Any]:
    return {
        "contact": answers.contact_id,
        "why_chose": answers.why_chose,
        "why_stay": answers.why_stay,
        "worries": answers.worries,
        "went_right": answers.went_right,
        "traits": list(answers.traits or []),
        "updated_at": answers.updated_at if answers.pk else None,
    }


@router.get("/contacts/{contact_id}/profile", response=ProfileOut, summary="A client's profile")
def profile_get(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    return _profile_out(fit_services.answers_of(_contact(request, contact_id)))


@router.put(
    "/contacts/{contact_id}/profile", response=ProfileOut, summary="Change a client's profile"
)
def profile_put(request: HttpRequest, contact_id: int, payload: ProfileIn) -> dict[str, Any]:
    """Replaces their answers and traits, and scores their fit again."""
    contact = _contact(request, contact_id)
    return _profile_out(fit_services.answers_set(contact, **payload.dict()))


@router.get("/contacts/{contact_id}/fit", response=FitOut, summary="A client's fit, with why")
def fit_get(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    """Computed now from their spend, purchases, engagements and profile."""
    workspace = workspace_of(request)
    contact = _contact(request, contact_id)
    result = fit_of(workspace, contact, today_in(workspace))
    parts: tuple[Part, ...] = result.parts if result else ()
    score = result.score if result else None
    return {
        "contact": contact.pk,
        "score": score,
        "parts": [part.as_json() for part in parts],
        "known_weight": result.known_weight if result else 0,
        "weight": result.weight if result else 0,
        "rapport": contact.rapport,
        "signal": signal(score, contact.rapport),
    }


@router.get("/clients/fit", response=list[RankedOut], summary="Clients by fit, beside rapport")
@paginate(CappedPagination)
def fit_ranking(request: HttpRequest, filters: Query[FitFilters]) -> QuerySet[Fit]:
    """Scored clients and customers, the best fit (or the closest) first."""
    workspace = workspace_of(request)
    fits = scoped(Fit, workspace).select_related("contact")
    if filters.kind:
        fits = fits.filter(contact__kind=filters.kind)
    if filters.signal:
        fits = fits.filter(SIGNALS[filters.signal][1])
    return fits.order_by(*RANKING_ORDERS[filters.by])
