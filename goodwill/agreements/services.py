"""Needs and agreements, one function per change.

A client is asked for one need at a time: a need is proposed (on a day, and how), then agreed
or declined; the next need is suggested only when every agreed one has held for its hold period
and nothing is waiting for an answer. An agreement can end (the need no longer applies); a need
can be archived once no open agreement uses it.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from goodwill.accounts.models import Workspace
from goodwill.agenda.services import today_in
from goodwill.agreements.models import Agreement, AgreementStatus, Need, NeedKind
from goodwill.agreements.needs import check_terms
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact
from goodwill.people.services import timeline_add

MAX_HOLD_DAYS = 365


# -- Needs ---------------------------------------------------------------------------------


def _check_need(kind: str, title: str, why: str, terms: object) -> dict[str, Any]:
    title = " ".join(title.split())
    if not title or len(title) > 120:
        raise ValidationError({"title": "Name the need in up to 120 characters."})
    why = why.strip()
    if not why or len(why) > 2000:
        raise ValidationError(
            {"why": "Say why it is good for both of you (up to 2,000 characters)."}
        )
    return {"kind": kind, "title": title, "why": why, "terms": check_terms(kind, terms)}


def need_create(
    workspace: Workspace, *, kind: str, title: str, why: str, terms: object = None
) -> Need:
    """Add a need to the catalogue, last in the order of introduction."""
    fields = _check_need(kind, title, why, terms if terms is not None else {})
    position = (scoped(Need, workspace).aggregate(n=Max("position"))["n"] or 0) + 1
    return Need.objects.create(workspace=workspace, position=position, **fields)


def need_update(need: Need, **changes: Any) -> Need:
    """Change its title, why or terms (its kind stays: agreements were made on it)."""
    unknown = set(changes) - {"title", "why", "terms", "position"}
    if unknown:
        raise ValidationError(f"These cannot be changed: {', '.join(sorted(unknown))}.")
    position = changes.pop("position", need.position)
    if not isinstance(position, int) or not 0 <= position <= 10000:
        raise ValidationError({"position": "Give a position from 0 to 10,000."})
    current = {"title": need.title, "why": need.why, "terms": need.terms}
    fields = _check_need(need.kind, **{**current, **changes})
    for name, value in fields.items():
        setattr(need, name, value)
    need.position = position
    need.save()
    return need


def need_move(need: Need, *, up: bool) -> Need:
    """Move a current need one place earlier (or later) in the order of introduction; the
    current needs are numbered 1, 2, 3… again, so positions never tie."""
    needs = list(scoped(Need, need.workspace).filter(archived=False).order_by("position", "id"))
    at = next((n for n, each in enumerate(needs) if each.pk == need.pk), None)
    if at is None:
        raise ValidationError("An archived need has no place in the order.")
    to = at - 1 if up else at + 1
    if 0 <= to < len(needs):
        needs[at], needs[to] = needs[to], needs[at]
    with transaction.atomic():
        for position, each in enumerate(needs, start=1):
            if each.position != position:
                each.position = position
                each.save(update_fields=["position"])
    need.position = next(each.position for each in needs if each.pk == need.pk)
    return need


def need_archive(need: Need) -> Need:
    if (
        scoped(Agreement, need.workspace)
        .filter(need=need, status__in=[AgreementStatus.PROPOSED, AgreementStatus.AGREED])
        .exists()
    ):
        raise ValidationError("End the agreements on this need first.")
    need.archived = True
    need.save(update_fields=["archived"])
    return need


# -- Agreements ----------------------------------------------------------------------------


def _day(workspace: Workspace, on: date | None) -> date:
    on = on or today_in(workspace)
    if on > today_in(workspace):
        raise ValidationError({"on": "That day is still to come."})
    return on


def agreement_propose(
    contact: Contact,
    need: Need,
    *,
    on: date | None = None,
    how: str = "",
    hold_days: int = 14,
    notes: str = "",
) -> Agreement:
    """Propose *need* to the client (on a day, and how it was put to them)."""
    workspace = contact.workspace
    if need.workspace_id != workspace.pk or need.archived:
        raise ValidationError({"need": "Choose one of your current needs."})
    how = " ".join(how.split())
    if len(how) > 120:
        raise ValidationError({"how": "Keep how it was put under 120 characters."})
    if not isinstance(hold_days, int) or not 1 <= hold_days <= MAX_HOLD_DAYS:
        raise ValidationError({"hold_days": f"Give a hold period from 1 to {MAX_HOLD_DAYS} days."})
    if len(notes) > 5000:
        raise ValidationError({"notes": "Keep the notes under 5,000 characters."})
    live = scoped(Agreement, workspace).filter(contact=contact, need=need)
    if live.exclude(status=AgreementStatus.ENDED).exists():
        raise ValidationError({"need": f"{need.title} is already proposed to or agreed with them."})
    with transaction.atomic():
        agreement = Agreement.objects.create(
            workspace=workspace,
            contact=contact,
            need=need,
            proposed_on=_day(workspace, on),
            proposed_how=how,
            hold_days=hold_days,
            notes=notes.strip(),
        )
        timeline_add(
            contact,
            kind="agreement",
            title=f"Proposed: {need.title}",
            data={"agreement_id": agreement.pk},
        )
    return agreement


def _move(agreement: Agreement, status: str, allowed_from: set[str], on: date | None) -> Agreement:
    if agreement.status not in allowed_from:
        article = "An" if agreement.status[0] in "aeiou" else "A"
        raise ValidationError(
            {"status": f"{article} {agreement.status} agreement cannot become {status}."}
        )
    day = _day(agreement.workspace, on)
    if day < agreement.proposed_on:
        raise ValidationError({"on": "That is before it was proposed."})
    agreement.status = status
    setattr(agreement, f"{status}_on", day)
    with transaction.atomic():
        agreement.save()
        timeline_add(
            agreement.contact,
            kind="agreement",
            title=f"{agreement.get_status_display()}: {agreement.need.title}",
            data={"agreement_id": agreement.pk},
        )
    return agreement


def agreement_agree(agreement: Agreement, *, on: date | None = None) -> Agreement:
    return _move(agreement, AgreementStatus.AGREED, {AgreementStatus.PROPOSED}, on)


def agreement_decline(agreement: Agreement, *, on: date | None = None) -> Agreement:
    return _move(agreement, AgreementStatus.DECLINED, {AgreementStatus.PROPOSED}, on)


def agreement_end(agreement: Agreement, *, on: date | None = None) -> Agreement:
    """The need no longer applies with this client (it may be proposed again later)."""
    return _move(
        agreement,
        AgreementStatus.ENDED,
        {AgreementStatus.PROPOSED, AgreementStatus.AGREED, AgreementStatus.DECLINED},
        on,
    )


def agreement_check_in(agreement: Agreement, *, on: date | None = None) -> Agreement:
    """You checked the agreement is holding (it leaves the agenda's check-ins)."""
    if agreement.status != AgreementStatus.AGREED:
        raise ValidationError({"status": "Only an agreed need can be checked on."})
    agreement.checked_in_on = _day(agreement.workspace, on)
    agreement.save(update_fields=["checked_in_on"])
    return agreement


@dataclass(frozen=True)
class Suggestion:
    """The need to introduce next, or None and why not yet."""

    need: Need | None
    reason: str = ""


def current_agreements(contact: Contact) -> list[Agreement]:
    """The client's agreements that have not ended, with their needs, newest first."""
    return list(
        scoped(Agreement, contact.workspace)
        .filter(contact=contact)
        .exclude(status=AgreementStatus.ENDED)
        .select_related("need")
        .order_by("-proposed_on", "-id")
    )


def suggest_next(
    contact: Contact, agreements: list[Agreement] | None = None, today: date | None = None
) -> Suggestion:
    """The next need to propose, given the client's current (not ended) agreements when the
    caller has them already: none while one waits for an answer or an agreed one has not yet
    held for its hold period; otherwise the first need in your order not yet proposed."""
    workspace = contact.workspace
    today = today or today_in(workspace)
    if agreements is None:
        agreements = list(
            scoped(Agreement, workspace)
            .filter(contact=contact)
            .exclude(status=AgreementStatus.ENDED)
            .select_related("need")
        )
    for agreement in agreements:
        if agreement.status == AgreementStatus.PROPOSED:
            return Suggestion(None, f"{agreement.need.title} is waiting for their answer.")
    for agreement in agreements:
        if agreement.status == AgreementStatus.AGREED and agreement.agreed_on:
            held = (today - agreement.agreed_on).days
            if held < agreement.hold_days:
                until = agreement.agreed_on + timedelta(days=agreement.hold_days)
                return Suggestion(
                    None,
                    f"{agreement.need.title} was agreed on {agreement.agreed_on:%-d %B %Y}; "
                    f"let it hold until {until:%-d %B %Y} before asking for more.",
                )
    taken = {agreement.need_id for agreement in agreements}
    needs = scoped(Need, workspace).filter(archived=False).exclude(pk__in=taken)
    need = needs.order_by("position", "id").first()
    if need is None:
        if not agreements:
            return Suggestion(None, "Your catalogue has no needs yet.")
        return Suggestion(None, "Every one of your needs is already agreed or declined.")
    return Suggestion(need)


def next_need(contact: Contact, today: date | None = None) -> Need | None:
    """The need to introduce next, or None while one waits for an answer or an agreed one has
    not yet held for its hold period (or every need is already agreed)."""
    return suggest_next(contact, today=today).need


def agreed(contact: Contact, kind: str) -> list[Agreement]:
    """The client's agreed needs of one kind."""
    return list(
        scoped(Agreement, contact.workspace)
        .filter(contact=contact, status=AgreementStatus.AGREED, need__kind=kind)
        .select_related("need")
    )


EXAMPLES: list[tuple[str, str, str, dict[str, Any]]] = [
    (NeedKind.CALLING_HOURS, "Calls on weekdays, 9 to 5",
     "Calls at set times mean I can give your project my whole attention the rest of the day, "
     "and you always reach me ready to talk.",
     {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}),
    (NeedKind.RESPONSE_WINDOW, "E-mail answered twice a day",
     "I read and answer e-mail at 9:00 and 16:00, so the work in between gets done well and you "
     "know when to expect an answer.", {"times": ["09:00", "16:00"]}),
    (NeedKind.CHANNELS, "E-mail and phone only",
     "Keeping our conversation in one or two places means nothing you tell me gets lost.",
     {"allowed": ["email", "phone"]}),
    (NeedKind.TURNAROUND, "Answers to my questions within a business day",
     "A quick answer keeps your project moving and on schedule.", {"days": 1}),
    (NeedKind.PAYMENT_TERMS, "Invoices paid within 14 days",
     "Being paid on time lets me keep my prices fair and my attention on your work.", {"days": 14}),
]  # fmt: skip


def needs_from_examples(workspace: Workspace) -> list[Need]:
    """Start a workspace's catalogue from the examples (only if it has none)."""
    if scoped(Need, workspace).exists():
        return []
    return [
        need_create(workspace, kind=kind, title=title, why=why, terms=terms)
        for kind, title, why, terms in EXAMPLES
    ]
