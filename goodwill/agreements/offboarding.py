"""Parting ways kindly: the offboarding checklist, one function per change.

You begin it when you choose to (the health page may suggest it; it never begins by itself).
Beginning it raises a final thank-you on the agenda (source "offboarding:<contact pk>"). The
steps, in order:

- final_thanks: the final thank-you is sent. Logging a thank-you touch settles the thank-you
  and the step shows done; ticking it by hand (you thanked them another way) takes the
  thank-you off the agenda.
- handover: hand-over notes are written. Saving notes ticks it; clearing them unticks it.
- files: files and access are handed over (and yours to them revoked).
- invoice: the final invoice is settled (the page shows their invoices still unpaid).
- keep_in_touch: you chose whether to keep in touch as a friend, or not; either is fine, and
  the contact stays as it is (change their kind yourself if they become a friend).

Finishing needs every step ticked; it ends the client's open agreements (the needs no longer
apply, so they leave the agenda and the health signal) and notes it on their timeline.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from goodwill.agenda.services import today_in
from goodwill.agreements import services
from goodwill.agreements.models import Agreement, AgreementStatus, Invoice, Offboarding
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact
from goodwill.people.services import timeline_add
from goodwill.touchpoints import appreciation
from goodwill.touchpoints.models import Due, DueKind, DueReason, DueState

STEPS = {
    "final_thanks": "Final thank-you sent",
    "handover": "Hand-over notes written",
    "files": "Files and access handed over",
    "invoice": "Final invoice settled",
    "keep_in_touch": "Chose whether to keep in touch as a friend",
}
MAX_NOTES = 20000


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool


@dataclass(frozen=True)
class Checklist:
    """An offboarding as its page shows it."""

    offboarding: Offboarding
    steps: list[Step]
    thanks: Due | None  # the final thank-you raised when it began
    unpaid_invoices: list[Invoice]

    @property
    def left(self) -> list[Step]:
        return [step for step in self.steps if not step.done]


def thanks_source(contact: Contact) -> str:
    return f"offboarding:{contact.pk}"


def _offboarding(contact: Contact, *, open_only: bool = True) -> Offboarding:
    offboarding = scoped(Offboarding, contact.workspace).filter(contact=contact).first()
    if offboarding is None:
        raise ValidationError("Begin the offboarding first.")
    if open_only and offboarding.finished_on is not None:
        raise ValidationError("This offboarding is finished.")
    return offboarding


def _thanks(contact: Contact) -> Due | None:
    return (
        scoped(Due, contact.workspace)
        .filter(contact=contact, kind=DueKind.THANK_YOU, source=thanks_source(contact))
        .first()
    )


def offboard_start(contact: Contact) -> Offboarding:
    """Begin parting ways with *contact*: the checklist, and a final thank-you owed."""
    workspace = contact.workspace
    if scoped(Offboarding, workspace).filter(contact=contact).exists():
        raise ValidationError("The offboarding has already begun.")
    with transaction.atomic():
        offboarding = Offboarding.objects.create(
            workspace=workspace,
            contact=contact,
            steps=dict.fromkeys(STEPS, False),
            started_on=today_in(workspace),
        )
        appreciation.owe(
            contact,
            reason=DueReason.OTHER,
            about="a final thank-you for working together",
            source=thanks_source(contact),
        )
        timeline_add(contact, kind="agreement", title="Began parting ways kindly")
    return offboarding


def offboard_step(contact: Contact, step: str, done: bool) -> Offboarding:
    """Tick a step of the checklist, or untick it."""
    if step not in STEPS:
        raise ValidationError({"step": f"Choose one of {', '.join(STEPS)}."})
    offboarding = _offboarding(contact)
    with transaction.atomic():
        offboarding.steps = {**offboarding.steps, step: bool(done)}
        offboarding.save(update_fields=["steps"])
        thanks = _thanks(contact) if step == "final_thanks" and done else None
        if thanks is not None and thanks.state == DueState.OPEN:
            appreciation.dismiss(thanks)  # thanked another way: it leaves the agenda
    return offboarding


def offboard_notes(contact: Contact, text: str) -> Offboarding:
    """Save the hand-over notes (what the next person needs to know); they tick the step."""
    text = text.strip()
    if len(text) > MAX_NOTES:
        raise ValidationError({"handover_notes": "Keep the notes under 20,000 characters."})
    offboarding = _offboarding(contact)
    offboarding.handover_notes = text
    offboarding.steps = {**offboarding.steps, "handover": bool(text)}
    offboarding.save(update_fields=["handover_notes", "steps"])
    return offboarding


def checklist(contact: Contact) -> Checklist | None:
    """The offboarding of *contact* with its steps, or None if it has not begun (3 queries)."""
    offboarding = scoped(Offboarding, contact.workspace).filter(contact=contact).first()
    if offboarding is None:
        return None
    thanks = _thanks(contact)
    settled = thanks is not None and thanks.state == DueState.SETTLED
    steps = [
        Step(key, label, bool(offboarding.steps.get(key)) or (key == "final_thanks" and settled))
        for key, label in STEPS.items()
    ]
    unpaid = scoped(Invoice, contact.workspace).filter(contact=contact, paid_on__isnull=True)
    return Checklist(offboarding, steps, thanks, list(unpaid.order_by("due_on", "id")[:20]))


def offboard_finish(contact: Contact) -> Offboarding:
    """Part ways: every step must be ticked; the client's open agreements end."""
    current = checklist(contact)
    if current is None:
        raise ValidationError("Begin the offboarding first.")
    offboarding = current.offboarding
    if offboarding.finished_on is not None:
        raise ValidationError("This offboarding is finished.")
    if current.left:
        left = ", ".join(step.label.lower() for step in current.left)
        raise ValidationError(f"Still to do: {left}.")
    workspace = contact.workspace
    with transaction.atomic():
        offboarding.finished_on = today_in(workspace)
        offboarding.save(update_fields=["finished_on"])
        open_agreements = (
            scoped(Agreement, workspace)
            .filter(contact=contact)
            .exclude(status=AgreementStatus.ENDED)
        )
        for agreement in open_agreements.select_related("need", "contact"):
            services.agreement_end(agreement)
        timeline_add(contact, kind="agreement", title="Parted ways kindly")
    return offboarding
