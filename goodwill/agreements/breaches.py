"""Breaches of agreed needs (G3), clarifications and invoices: the rules, and one function per
change.

The rules, decided once here and tested on worked examples (tests/test_breaches.py):

- Only what the client did counts. A touch breaches an agreement only when they started it
  (direction "theirs"), it happened on or after the day the need was agreed, and the agreement
  is agreed now. A touch you started never breaches anything.
- Calling hours: a call is judged in the workspace's time zone, on its weekday and its minute.
  The end minute is still inside ("9 to 5" welcomes a call at 17:00, not at 17:01). Holidays do
  not make a call a breach: a client cannot be expected to know them.
- Channels: a call is "phone", an e-mail "email", a message "messaging", a meeting "meeting".
  Meals, visits, events, gifts, thank-yous and complaints put right are never a breach: they
  are not a way of reaching you about work.
- Clarification turnaround of N business days: a business day is a weekday the workspace is
  open (its business hours) that is not one of its holidays (care's Holiday, read through
  care.clock). The answer is due at the workspace's closing time on the Nth business day after
  the day the question was asked, whatever the hour it was asked (asked Friday at 10:00 or at
  20:00 with one day: due Monday at closing). A workspace open on no weekday counts every day
  but its holidays, each ending at midnight. Without an agreed turnaround a question cannot be
  asked here (there is nothing to hold the client to); with several, the shortest applies.
  Open past due, or answered after it, is a breach, as of the due time.
- Payment terms of N days are calendar days: an invoice issued on 1 March on 14 days is due on
  15 March, and paid on 16 March it is a day late. The due date may be given instead (needed
  when no payment terms are agreed); an invoice is judged against its own due date, and only
  while payment terms are agreed with the client. Unpaid past due is a breach as of the start
  of the day after the due date; paying it later keeps that one breach and says how late.
- Every detected breach carries a ref ("interaction:12", "clarification:3", "invoice:7"), so it
  is logged once per agreement however often detection runs; a dismissed one stays dismissed.
- Reminding is the user's act: "Send a reminder" opens the compose page with the gentle
  boundary template filled in, and "Mark reminded" records it (a message is no proof that the
  reminder was about this breach). The tone escalates only if the user picks a firmer template.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from phonenumbers import timezone as phone_zones

from goodwill.accounts.models import User, Workspace
from goodwill.agenda.services import today_in
from goodwill.agreements.models import (
    Agreement,
    AgreementStatus,
    Breach,
    BreachSource,
    Clarification,
    Invoice,
    NeedKind,
)
from goodwill.agreements.needs import CHANNELS, DAYS
from goodwill.agreements.services import agreed
from goodwill.care.clock import clock_of
from goodwill.care.hours import Holidays
from goodwill.core import money
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact, Phone
from goodwill.people.services import timeline_add
from goodwill.touchpoints.models import Direction, Interaction

logger = logging.getLogger("goodwill.agreements")

# How a touch reaches you, as needs name channels. Kinds not here are never a breach.
CHANNEL_OF_KIND = {"call": "phone", "email": "email", "message": "messaging", "meeting": "meeting"}
MAX_NOTE = 300
MAX_QUESTION = 500
# A time a little ahead of the server's clock is a clock skew, not a plan.
FUTURE_SLACK = timedelta(minutes=5)
MAX_BUSINESS_DAYS = 3660


# -- The rules (pure) ----------------------------------------------------------------------


def outside_calling_hours(terms: dict[str, Any], moment: datetime, zone: ZoneInfo) -> str | None:
    """Why a call at *moment* is outside the calling hours *terms* (in *zone*), or None."""
    local = moment.astimezone(zone)
    when = f"{DAYS[local.weekday()]} at {local:%H:%M}"
    if local.weekday() not in terms["days"]:
        return f"Called on a {when}: calls are welcome on other days."
    minute = local.strftime("%H:%M")
    if not terms["start"] <= minute <= terms["end"]:
        return f"Called on {when}: calls are welcome {terms['start']} to {terms['end']}."
    return None


def off_channel(terms: dict[str, Any], kind: str) -> str | None:
    """Why a touch of *kind* is on a channel the *terms* rule out, or None."""
    channel = CHANNEL_OF_KIND.get(kind)
    if channel is None or channel in terms["allowed"]:
        return None
    allowed = " or ".join(CHANNELS[c] for c in terms["allowed"])
    return f"Reached out by {CHANNELS[channel]}: we agreed on {allowed}."


def _business_day_end(workspace: Workspace, day: date, holidays: Holidays) -> datetime | None:
    """When business day *day* ends, or None if it is no business day."""
    if day in holidays:
        return None
    if all(workspace.opening_hours(weekday) is None for weekday in range(7)):
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=workspace.zone)
    hours = workspace.opening_hours(day.weekday())
    if hours is None:
        return None
    return datetime.combine(day, hours[1], tzinfo=workspace.zone)


def turnaround_due(
    workspace: Workspace, asked_at: datetime, days: int, holidays: Holidays
) -> datetime:
    """The end of the *days*-th business day after the day *asked_at* falls on (in the
    workspace's zone), as a UTC instant."""
    if days < 1:
        raise ValueError("days must be at least 1")
    day = asked_at.astimezone(workspace.zone).date()
    for _ in range(MAX_BUSINESS_DAYS):
        day += timedelta(days=1)
        end = _business_day_end(workspace, day, holidays)
        if end is not None:
            days -= 1
            if days == 0:
                return end.astimezone(UTC)
    raise ValueError("No business day in ten years: too many holidays.")


def invoice_due(issued_on: date, days: int) -> date:
    return issued_on + timedelta(days=days)


def days_late(due_on: date, paid_on: date) -> int:
    """Whole days after the due date it was paid (0: on time)."""
    return max(0, (paid_on - due_on).days)


def start_of_day(workspace: Workspace, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=workspace.zone).astimezone(UTC)


def client_zone(contact: Contact) -> ZoneInfo | None:
    """The client's own time zone when their phone numbers tell it (all in one zone)."""
    zones: set[str] = set()
    for number in (
        scoped(Phone, contact.workspace).filter(contact=contact).values_list("number", flat=True)
    ):
        try:
            found = phone_zones.time_zones_for_number(phonenumbers.parse(number))
        except phonenumbers.NumberParseException:
            continue
        zones.update(z for z in found if z != phone_zones.UNKNOWN_TIMEZONE)
    if len(zones) != 1:
        return None
    return ZoneInfo(zones.pop())


def reminder_about(agreement: Agreement) -> str:
    """What the gentle reminder is about: the need and why it is good for both (the compose
    page keeps 300 characters, so a long reason is cut at a word). It ends without a full stop:
    the templates put it in the middle of a sentence ("…what we agreed: {{ about }}. It…")."""
    text = " ".join(f"{agreement.need.title}: {agreement.need.why}".split()).rstrip(".")
    if len(text) <= MAX_NOTE:
        return text
    return text[: MAX_NOTE - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


# -- Breaches ------------------------------------------------------------------------------


def _record(
    agreement: Agreement,
    *,
    occurred_at: datetime,
    source: str,
    ref: str = "",
    note: str = "",
    actor: User | None = None,
) -> Breach | None:
    """Write a breach (and its timeline line); None when *ref* was already logged."""
    if ref and scoped(Breach, agreement.workspace).filter(agreement=agreement, ref=ref).exists():
        return None
    try:
        with transaction.atomic():
            breach = Breach.objects.create(
                workspace=agreement.workspace,
                agreement=agreement,
                contact=agreement.contact,
                occurred_at=occurred_at,
                note=note[:MAX_NOTE],
                source=source,
                ref=ref,
                created_by=actor,
            )
            timeline_add(
                agreement.contact,
                kind="breach",
                title=f"Not upheld: {agreement.need.title}" + (f" ({note})" if note else ""),
                occurred_at=occurred_at,
                data={"breach_id": breach.pk, "agreement_id": agreement.pk},
            )
    except IntegrityError:  # another worker logged the same ref a moment ago
        return None
    return breach


def breach_log(
    agreement: Agreement,
    *,
    occurred_at: datetime | None = None,
    note: str = "",
    actor: User | None = None,
    now: datetime | None = None,
) -> Breach:
    """Log by hand that the client did not uphold an agreed need ("called at 21:10")."""
    now = now or timezone.now()
    occurred_at = occurred_at or now
    note = " ".join(note.split())
    if agreement.status != AgreementStatus.AGREED:
        raise ValidationError({"agreement": "Choose one of the needs they agreed to."})
    if timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": "Give the time with its time zone."})
    if occurred_at > now + FUTURE_SLACK:
        raise ValidationError({"occurred_at": "That is still to come: log it once it happened."})
    agreed_on = agreement.agreed_on
    if agreed_on and occurred_at < start_of_day(agreement.workspace, agreed_on):
        raise ValidationError(
            {"occurred_at": f"That is before they agreed to it ({agreed_on:%-d %b %Y})."}
        )
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": f"Keep the note under {MAX_NOTE} characters."})
    breach = _record(
        agreement, occurred_at=occurred_at, source=BreachSource.MANUAL, note=note, actor=actor
    )
    assert breach is not None  # a breach without a ref is always written
    return breach


def breach_dismiss(breach: Breach, *, dismissed: bool = True) -> Breach:
    """Set a breach aside (not counted, not a reason to remind), or bring it back."""
    breach.dismissed = dismissed
    breach.save(update_fields=["dismissed"])
    return breach


def breach_reminded(breach: Breach, *, at: datetime | None = None) -> Breach:
    """You reminded the client of the need (counted by client health: breaches after a
    reminder weigh more)."""
    at = at or timezone.now()
    if breach.dismissed:
        raise ValidationError("This breach is dismissed: bring it back before reminding.")
    if timezone.is_naive(at):
        raise ValidationError({"at": "Give the time with its time zone."})
    if at > timezone.now() + FUTURE_SLACK or at < breach.occurred_at:
        raise ValidationError({"at": "Give a time between the breach and now."})
    breach.reminded_at = at
    breach.save(update_fields=["reminded_at"])
    return breach


def _agreed_since(agreement: Agreement, moment: datetime) -> bool:
    agreed_on = agreement.agreed_on
    return agreed_on is None or moment >= start_of_day(agreement.workspace, agreed_on)


def interaction_breaches(
    interaction: Interaction, agreements: Iterable[Agreement]
) -> list[tuple[Agreement, str]]:
    """Which of a client's *agreements* the touch breaks, and why (no writes)."""
    if interaction.direction != Direction.THEIRS:
        return []
    found: list[tuple[Agreement, str]] = []
    zone = interaction.workspace.zone
    for agreement in agreements:
        if agreement.status != AgreementStatus.AGREED:
            continue
        if not _agreed_since(agreement, interaction.occurred_at):
            continue
        try:
            why = _why(agreement, interaction, zone)
        except (KeyError, TypeError, ValueError):  # terms edited out of shape: skip, never fail
            logger.warning("Agreement %s has terms out of shape", agreement.pk)
            continue
        if why:
            found.append((agreement, why))
    return found


def _why(agreement: Agreement, interaction: Interaction, zone: ZoneInfo) -> str | None:
    terms = agreement.need.terms
    if agreement.need.kind == NeedKind.CALLING_HOURS and interaction.kind == "call":
        return outside_calling_hours(terms, interaction.occurred_at, zone)
    if agreement.need.kind == NeedKind.CHANNELS:
        return off_channel(terms, interaction.kind)
    return None


def breaches_detect(interaction: Interaction, people: Sequence[Contact]) -> list[Breach]:
    """Log the breaches a just-logged touch makes, once per agreement (ref "interaction:<id>")."""
    if interaction.direction != Direction.THEIRS or not people:
        return []
    agreements = (
        scoped(Agreement, interaction.workspace)
        .filter(
            contact__in=[p.pk for p in people],
            status=AgreementStatus.AGREED,
            need__kind__in=[NeedKind.CALLING_HOURS, NeedKind.CHANNELS],
        )
        .select_related("need", "contact")
        .order_by("id")
    )
    written = []
    for agreement, why in interaction_breaches(interaction, agreements):
        breach = _record(
            agreement,
            occurred_at=interaction.occurred_at,
            source=BreachSource.INTERACTION,
            ref=f"interaction:{interaction.pk}",
            note=why,
        )
        if breach is not None:
            written.append(breach)
    return written


# -- Clarifications ------------------------------------------------------------------------


def _shortest(contact: Contact, kind: str) -> Agreement | None:
    """The client's agreed need of *kind* in days (turnaround, payment terms) that asks the
    least time, if several; terms out of shape are skipped."""
    valid = [a for a in agreed(contact, kind) if isinstance(a.need.terms.get("days"), int)]
    return min(valid, key=lambda a: (a.need.terms["days"], a.pk), default=None)


def _turnaround(contact: Contact) -> Agreement | None:
    return _shortest(contact, NeedKind.TURNAROUND)


def clarification_ask(
    contact: Contact, *, question: str, asked_at: datetime | None = None
) -> Clarification:
    """Note a question you asked the client, due within the agreed turnaround."""
    now = timezone.now()
    asked_at = asked_at or now
    question = " ".join(question.split())
    if not question or len(question) > MAX_QUESTION:
        raise ValidationError(
            {"question": f"Write the question in up to {MAX_QUESTION} characters."}
        )
    if timezone.is_naive(asked_at):
        raise ValidationError({"asked_at": "Give the time with its time zone."})
    if asked_at > now + FUTURE_SLACK:
        raise ValidationError({"asked_at": "That is still to come: note it once you asked."})
    agreement = _turnaround(contact)
    if agreement is None:
        raise ValidationError(
            "Agree a clarification turnaround with them first: it sets when answers are due."
        )
    clock = clock_of(contact.workspace)
    due_at = turnaround_due(
        contact.workspace, asked_at, agreement.need.terms["days"], clock.holidays
    )
    return Clarification.objects.create(
        workspace=contact.workspace,
        contact=contact,
        question=question,
        asked_at=asked_at,
        due_at=due_at,
    )


def _clarification_breach(clarification: Clarification, late: bool) -> Breach | None:
    agreement = _turnaround(clarification.contact)
    if agreement is None:
        return None
    note = f"{'Answered late' if late else 'Still unanswered'}: {clarification.question}"
    return _record(
        agreement,
        occurred_at=clarification.due_at,
        source=BreachSource.CLARIFICATION,
        ref=f"clarification:{clarification.pk}",
        note=note,
    )


def clarification_answer(
    clarification: Clarification, *, answered_at: datetime | None = None
) -> Clarification:
    """They answered; an answer after the due time is a breach (logged once)."""
    answered_at = answered_at or timezone.now()
    if clarification.answered_at is not None:
        raise ValidationError("This question is already answered.")
    if timezone.is_naive(answered_at):
        raise ValidationError({"answered_at": "Give the time with its time zone."})
    if answered_at > timezone.now() + FUTURE_SLACK or answered_at < clarification.asked_at:
        raise ValidationError({"answered_at": "Give a time between the question and now."})
    with transaction.atomic():
        clarification.answered_at = answered_at
        clarification.save(update_fields=["answered_at"])
        if answered_at > clarification.due_at:
            _clarification_breach(clarification, late=True)
    return clarification


# -- Invoices ------------------------------------------------------------------------------


def _payment_terms(contact: Contact) -> Agreement | None:
    return _shortest(contact, NeedKind.PAYMENT_TERMS)


def invoice_create(
    contact: Contact,
    *,
    number: str,
    amount: object,
    currency: str,
    issued_on: date | None = None,
    due_on: date | None = None,
) -> Invoice:
    """Record an invoice you sent; due by the agreed payment terms unless a due date is given."""
    workspace = contact.workspace
    number = number.strip()
    if not number or len(number) > 40:
        raise ValidationError({"number": "Give the invoice number (up to 40 characters)."})
    if scoped(Invoice, workspace).filter(number=number).exists():
        raise ValidationError({"number": f"Invoice {number} is already recorded."})
    checked_amount: Decimal = money.check_amount(amount)
    checked_currency = money.check_currency(currency)
    issued_on = issued_on or today_in(workspace)
    if issued_on > today_in(workspace):
        raise ValidationError({"issued_on": "That day is still to come."})
    if due_on is None:
        terms = _payment_terms(contact)
        if terms is None:
            raise ValidationError(
                {"due_on": "Give the due date, or agree payment terms with them first."}
            )
        due_on = invoice_due(issued_on, terms.need.terms["days"])
    if due_on < issued_on:
        raise ValidationError({"due_on": "The due date cannot be before the invoice date."})
    return Invoice.objects.create(
        workspace=workspace,
        contact=contact,
        number=number,
        amount=checked_amount,
        currency=checked_currency,
        issued_on=issued_on,
        due_on=due_on,
    )


def _invoice_breach(invoice: Invoice) -> Breach | None:
    terms = _payment_terms(invoice.contact)
    if terms is None:
        return None
    if invoice.paid_on:
        late = days_late(invoice.due_on, invoice.paid_on)
        note = f"Invoice {invoice.number} paid {late} day{'s' if late != 1 else ''} late"
    else:
        note = f"Invoice {invoice.number} unpaid past {invoice.due_on:%-d %b %Y}"
    breach = _record(
        terms,
        occurred_at=start_of_day(invoice.workspace, invoice.due_on + timedelta(days=1)),
        source=BreachSource.INVOICE,
        ref=f"invoice:{invoice.pk}",
        note=note,
    )
    if breach is None and invoice.paid_on:  # logged while unpaid: say how late it was in the end
        scoped(Breach, invoice.workspace).filter(
            agreement=terms, ref=f"invoice:{invoice.pk}"
        ).update(note=note)
    return breach


def invoice_paid(invoice: Invoice, *, on: date | None = None) -> Invoice:
    """The client paid; after the due date it is a breach of the payment terms."""
    on = on or today_in(invoice.workspace)
    if invoice.paid_on is not None:
        raise ValidationError("This invoice is already paid.")
    if on > today_in(invoice.workspace):
        raise ValidationError({"on": "That day is still to come."})
    if on < invoice.issued_on:
        raise ValidationError({"on": "That is before the invoice was issued."})
    with transaction.atomic():
        invoice.paid_on = on
        invoice.save(update_fields=["paid_on"])
        if on > invoice.due_on:
            _invoice_breach(invoice)
    return invoice


# -- The sweep -----------------------------------------------------------------------------


def _logged_refs(workspace: Workspace, source: str) -> set[str]:
    return set(scoped(Breach, workspace).filter(source=source).values_list("ref", flat=True))


def overdue_detect(workspace: Workspace, now: datetime) -> int:
    """Log breaches for the workspace's questions left open past due and invoices unpaid past
    due (each once). Returns how many were logged."""
    logged = 0
    done = _logged_refs(workspace, BreachSource.CLARIFICATION)
    open_questions = (
        scoped(Clarification, workspace)
        .filter(answered_at=None, due_at__lt=now)
        .select_related("contact")
        .order_by("due_at", "id")
    )
    for clarification in open_questions.iterator():
        if f"clarification:{clarification.pk}" not in done:
            clarification.contact.workspace = workspace
            logged += _clarification_breach(clarification, late=False) is not None
    done = _logged_refs(workspace, BreachSource.INVOICE)
    today = now.astimezone(workspace.zone).date()
    unpaid = (
        scoped(Invoice, workspace)
        .filter(paid_on=None, due_on__lt=today)
        .select_related("contact")
        .order_by("due_on", "id")
    )
    for invoice in unpaid.iterator():
        if f"invoice:{invoice.pk}" not in done:
            invoice.contact.workspace = workspace
            logged += _invoice_breach(invoice) is not None
    return logged


# -- Reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreachRow:
    """A breach as the page and the API show it."""

    breach: Breach
    client_time: datetime | None  # when it happened on the client's clock, when known
    about: str  # what the gentle reminder is about
    reminded_before: int  # earlier breaches of the same agreement that you reminded them of


def breach_rows(contact: Contact, breaches: Sequence[Breach]) -> list[BreachRow]:
    zone = client_zone(contact) if breaches else None
    reminded: dict[int, list[datetime]] = {}
    for agreement_id, at in (
        scoped(Breach, contact.workspace)
        .filter(contact=contact, reminded_at__isnull=False, dismissed=False)
        .values_list("agreement_id", "occurred_at")
    ):
        reminded.setdefault(agreement_id, []).append(at)
    return [
        BreachRow(
            breach=b,
            client_time=b.occurred_at.astimezone(zone) if zone else None,
            about=reminder_about(b.agreement),
            reminded_before=sum(at < b.occurred_at for at in reminded.get(b.agreement_id, [])),
        )
        for b in breaches
    ]
