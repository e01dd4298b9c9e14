"""/api/v1/contacts/{id}/breaches, …/clarifications and …/invoices, and their actions."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from goodwill.agreements import breaches
from goodwill.agreements.models import Agreement, Breach, Clarification, Invoice
from goodwill.api.platform import MAX_OFFSET, CappedPagination, user_of, workspace_of
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people.models import Contact

router = Router(tags=["agreements"])


def _contact(request: HttpRequest, contact_id: int) -> Contact:
    return get_scoped_or_404(Contact, workspace_of(request), pk=contact_id)


# -- Breaches ------------------------------------------------------------------------------


class BreachOut(Schema):
    id: int
    agreement: int
    need: str = Field(description="The need's title")
    kind: str = Field(description="The need's kind")
    occurred_at: datetime
    client_time_zone: str | None = Field(
        description="The client's own time zone, when their phone numbers tell it"
    )
    client_local_time: datetime | None = Field(description="When it was on the client's clock")
    note: str
    source: str = Field(description="manual, interaction, clarification or invoice")
    ref: str = Field(description='What was detected, e.g. "interaction:12"; empty if by hand')
    reminded_at: datetime | None
    dismissed: bool
    reminder_about: str = Field(description="What the gentle reminder is about (compose's about)")
    reminded_before: int = Field(description="Earlier breaches of it you reminded them of")

    @staticmethod
    def from_row(row: breaches.BreachRow) -> "BreachOut":
        breach = row.breach
        return BreachOut(
            id=breach.pk,
            agreement=breach.agreement_id,
            need=breach.agreement.need.title,
            kind=breach.agreement.need.kind,
            occurred_at=breach.occurred_at,
            client_time_zone=getattr(row.client_time.tzinfo, "key", None)
            if row.client_time
            else None,
            client_local_time=row.client_time,
            note=breach.note,
            source=breach.source,
            ref=breach.ref,
            reminded_at=breach.reminded_at,
            dismissed=breach.dismissed,
            reminder_about=row.about,
            reminded_before=row.reminded_before,
        )


class BreachIn(Schema):
    agreement: int = Field(description="One of the client's agreed agreements")
    occurred_at: datetime | None = Field(None, description="Defaults to now")
    note: str = Field("", max_length=300, description='e.g. "called at 21:10"')


class DismissIn(Schema):
    dismissed: bool = True


class RemindedIn(Schema):
    at: datetime | None = Field(None, description="When you reminded them; defaults to now")


def _breach_out(breach: Breach) -> BreachOut:
    return BreachOut.from_row(breaches.breach_rows(breach.contact, [breach])[0])


@router.get(
    "/contacts/{contact_id}/breaches",
    response=list[BreachOut],
    summary="A client's breaches of agreed needs, newest first",
)
def breaches_list(
    request: HttpRequest,
    contact_id: int,
    limit: int = Query(100, ge=1, le=1000),  # type: ignore[type-arg]
    offset: int = Query(0, ge=0, le=MAX_OFFSET),  # type: ignore[type-arg]
) -> list[BreachOut]:
    contact = _contact(request, contact_id)
    found = list(
        scoped(Breach, contact.workspace)
        .filter(contact=contact)
        .select_related("agreement__need")
        .order_by("-occurred_at", "-id")[offset : offset + limit]
    )
    return [BreachOut.from_row(row) for row in breaches.breach_rows(contact, found)]


@router.post(
    "/contacts/{contact_id}/breaches", response={201: BreachOut}, summary="Log a breach by hand"
)
def breaches_log(request: HttpRequest, contact_id: int, payload: BreachIn) -> Status[BreachOut]:
    contact = _contact(request, contact_id)
    agreement = get_scoped_or_404(
        Agreement, contact.workspace, pk=payload.agreement, contact=contact
    )
    breach = breaches.breach_log(
        agreement, occurred_at=payload.occurred_at, note=payload.note, actor=user_of(request)
    )
    return Status(201, _breach_out(breach))


def _breach(request: HttpRequest, breach_id: int) -> Breach:
    return get_scoped_or_404(Breach, workspace_of(request), pk=breach_id)


@router.post("/breaches/{breach_id}/dismiss", response=BreachOut, summary="Dismiss or restore")
def breaches_dismiss(request: HttpRequest, breach_id: int, payload: DismissIn) -> BreachOut:
    breach = breaches.breach_dismiss(_breach(request, breach_id), dismissed=payload.dismissed)
    return _breach_out(breach)


@router.post("/breaches/{breach_id}/reminded", response=BreachOut, summary="Mark reminded")
def breaches_reminded(request: HttpRequest, breach_id: int, payload: RemindedIn) -> BreachOut:
    breach = breaches.breach_reminded(_breach(request, breach_id), at=payload.at)
    return _breach_out(breach)


# -- Clarifications ------------------------------------------------------------------------


class ClarificationOut(Schema):
    id: int
    contact: int
    question: str
    asked_at: datetime
    due_at: datetime = Field(description="The end of the agreed turnaround, in business days")
    answered_at: datetime | None

    @staticmethod
    def resolve_contact(obj: Clarification) -> int:
        return obj.contact_id


class ClarificationIn(Schema):
    question: str = Field(min_length=1, max_length=500)
    asked_at: datetime | None = Field(None, description="Defaults to now")


class AnswerIn(Schema):
    answered_at: datetime | None = Field(None, description="Defaults to now")


@router.get(
    "/contacts/{contact_id}/clarifications",
    response=list[ClarificationOut],
    summary="Questions you asked a client, newest first",
)
@paginate(CappedPagination)
def clarifications_list(request: HttpRequest, contact_id: int) -> QuerySet[Clarification]:
    contact = _contact(request, contact_id)
    return (
        scoped(Clarification, contact.workspace)
        .filter(contact=contact)
        .order_by("-asked_at", "-id")
    )


@router.post(
    "/contacts/{contact_id}/clarifications",
    response={201: ClarificationOut},
    summary="Note a question you asked (due within the agreed turnaround)",
)
def clarifications_ask(
    request: HttpRequest, contact_id: int, payload: ClarificationIn
) -> Status[Clarification]:
    clarification = breaches.clarification_ask(
        _contact(request, contact_id), question=payload.question, asked_at=payload.asked_at
    )
    return Status(201, clarification)


@router.post(
    "/clarifications/{clarification_id}/answer",
    response=ClarificationOut,
    summary="They answered (late: a breach)",
)
def clarifications_answer(
    request: HttpRequest, clarification_id: int, payload: AnswerIn
) -> Clarification:
    clarification = get_scoped_or_404(Clarification, workspace_of(request), pk=clarification_id)
    return breaches.clarification_answer(clarification, answered_at=payload.answered_at)


# -- Invoices ------------------------------------------------------------------------------


class InvoiceOut(Schema):
    id: int
    contact: int
    number: str
    amount: Decimal
    currency: str
    issued_on: date
    due_on: date
    paid_on: date | None

    @staticmethod
    def resolve_contact(obj: Invoice) -> int:
        return obj.contact_id


class InvoiceIn(Schema):
    number: str = Field(min_length=1, max_length=40)
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217, e.g. EUR")
    issued_on: date | None = Field(None, description="Defaults to today")
    due_on: date | None = Field(None, description="Defaults to the agreed payment terms")


class PaidIn(Schema):
    on: date | None = Field(None, description="Defaults to today")


@router.get(
    "/contacts/{contact_id}/invoices",
    response=list[InvoiceOut],
    summary="Invoices to a client, newest first",
)
@paginate(CappedPagination)
def invoices_list(request: HttpRequest, contact_id: int) -> QuerySet[Invoice]:
    contact = _contact(request, contact_id)
    return scoped(Invoice, contact.workspace).filter(contact=contact).order_by("-issued_on", "-id")


@router.post(
    "/contacts/{contact_id}/invoices",
    response={201: InvoiceOut},
    summary="Record an invoice (due by the agreed payment terms unless given)",
)
def invoices_create(request: HttpRequest, contact_id: int, payload: InvoiceIn) -> Status[Invoice]:
    invoice = breaches.invoice_create(_contact(request, contact_id), **payload.dict())
    return Status(201, invoice)


@router.post("/invoices/{invoice_id}/paid", response=InvoiceOut, summary="Mark it paid")
def invoices_paid(request: HttpRequest, invoice_id: int, payload: PaidIn) -> Invoice:
    invoice = get_scoped_or_404(Invoice, workspace_of(request), pk=invoice_id)
    return breaches.invoice_paid(invoice, on=payload.on)
