"""/api/v1/agreements/health, /contacts/{id}/health and /contacts/{id}/offboarding: client
health and parting ways kindly (G4), the same figures and changes as the pages."""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from goodwill.agreements import offboarding
from goodwill.agreements.health import ContactHealth, Health, contact_health, health
from goodwill.agreements.offboarding import STEPS, Checklist
from goodwill.api.platform import require_owner, workspace_of
from goodwill.core.scoping import get_scoped_or_404
from goodwill.people.models import Contact

router = Router(tags=["agreements"])


class MonthOut(Schema):
    month: date = Field(description="Its first day, in the workspace's time zone")
    count: int


class RowOut(Schema):
    id: int = Field(alias="pk", description="The contact's or the need's id")
    name: str
    count: int = Field(description="Breaches in the 12 months")
    months: list[int] = Field(description="Breaches in each of the 12 months, oldest first")


class EvidenceOut(Schema):
    breach: int = Field(alias="breach_id")
    occurred_at: datetime
    need: str
    note: str
    source: str
    reminded_at: datetime | None = Field(description="When you reminded them of this one")
    after_reminder: bool = Field(description="It came after a reminder about an earlier breach")


class SignalOut(Schema):
    contact: int = Field(alias="contact_id")
    name: str
    breaches: int = Field(description="Breaches of needs still agreed in the last 90 days")
    after_reminder: int
    first_reminder_at: datetime
    offboarding_since: date | None
    evidence: list[EvidenceOut]


class HealthOut(Schema):
    start: datetime
    end: datetime
    trend: list[MonthOut]
    by_client: list[RowOut] = Field(description="The 20 clients with the most breaches")
    by_need: list[RowOut]
    signals: list[SignalOut] = Field(description="Consider parting ways: a suggestion only")


class ContactHealthOut(Schema):
    start: datetime
    end: datetime
    trend: list[MonthOut]
    by_need: list[RowOut]
    recent: list[EvidenceOut] = Field(description="Breaches of the last 90 days, latest first")
    signal: SignalOut | None


class StepOut(Schema):
    key: str
    label: str
    done: bool


class OffboardingOut(Schema):
    started_on: date
    finished_on: date | None
    handover_notes: str
    steps: list[StepOut]
    thanks_state: str | None = Field(description="The final thank-you: open, settled, dismissed")
    unpaid_invoices: list[str] = Field(description="Their invoices not yet paid (numbers)")


class OffboardingPatch(Schema):
    steps: dict[str, bool] = Field(
        default_factory=dict, description=f"Steps to tick or untick: {', '.join(STEPS)}"
    )
    handover_notes: str | None = None


def _contact(request: HttpRequest, contact_id: int) -> Contact:
    contact = get_scoped_or_404(Contact, workspace_of(request), pk=contact_id)
    contact.workspace = workspace_of(request)
    return contact


def _out(contact: Contact) -> dict[str, Any]:
    current: Checklist | None = offboarding.checklist(contact)
    if current is None:
        raise HttpError(404, "No offboarding has begun for this contact.")
    record = current.offboarding
    return {
        "started_on": record.started_on,
        "finished_on": record.finished_on,
        "handover_notes": record.handover_notes,
        "steps": current.steps,
        "thanks_state": current.thanks.state if current.thanks else None,
        "unpaid_invoices": [invoice.number for invoice in current.unpaid_invoices],
    }


@router.get(
    "/agreements/health",
    response=HealthOut,
    summary="Client health: breaches over 12 months, and whom to consider parting ways with",
    description=(
        "Breaches (not dismissed) each month, per client and per need, in the workspace's time "
        "zone. A client is suggested when, in the last 90 days, they broke needs they still "
        "agree to at least 3 times, at least 2 of them after a reminder about an earlier one."
    ),
)
def health_get(request: HttpRequest) -> Health:
    return health(workspace_of(request), timezone.now())


@router.get("/contacts/{contact_id}/health", response=ContactHealthOut, summary="A client's health")
def contact_health_get(request: HttpRequest, contact_id: int) -> ContactHealth:
    return contact_health(_contact(request, contact_id), timezone.now())


@router.get(
    "/contacts/{contact_id}/offboarding", response=OffboardingOut, summary="The offboarding"
)
def offboarding_get(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    return _out(_contact(request, contact_id))


@router.post(
    "/contacts/{contact_id}/offboarding",
    response={201: OffboardingOut},
    summary="Begin parting ways kindly (owners)",
    description="Starts the checklist and raises a final thank-you on the agenda.",
)
def offboarding_start(request: HttpRequest, contact_id: int) -> Status[dict[str, Any]]:
    require_owner(request)
    contact = _contact(request, contact_id)
    offboarding.offboard_start(contact)
    return Status(201, _out(contact))


@router.patch(
    "/contacts/{contact_id}/offboarding",
    response=OffboardingOut,
    summary="Tick steps or write the hand-over notes",
)
def offboarding_update(
    request: HttpRequest, contact_id: int, payload: OffboardingPatch
) -> dict[str, Any]:
    contact = _contact(request, contact_id)
    with transaction.atomic():  # all the changes, or none
        for step, done in payload.steps.items():
            offboarding.offboard_step(contact, step, done)
        if payload.handover_notes is not None:
            offboarding.offboard_notes(contact, payload.handover_notes)
    return _out(contact)


@router.post(
    "/contacts/{contact_id}/offboarding/finish",
    response=OffboardingOut,
    summary="Part ways (owners): every step ticked; their agreements end",
)
def offboarding_finish(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    require_owner(request)
    contact = _contact(request, contact_id)
    offboarding.offboard_finish(contact)
    return _out(contact)
