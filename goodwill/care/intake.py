"""Intake without an account (E1) and the acknowledgement (E3).

The public form at /p/<workspace-slug>/ files a case from a customer. It trusts no hidden field:
a honeypot must stay empty, a signed time stamp proves the form was filled in by someone who took
a few seconds over it, and filings are limited per address and per workspace. A known address
lands on its contact; a new one becomes a customer. The customer is acknowledged at once, through
the messages outbox: the case number, an apology for a complaint, when the first answer comes (in
the workspace's business hours), and the link to the case's status page (goodwill.care.links).
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from goodwill.accounts.models import Workspace
from goodwill.care import links
from goodwill.care.clock import clock_of
from goodwill.care.models import Case, CaseType, ClientLink
from goodwill.care.services import case_open, status_link
from goodwill.clients.models import Purchase
from goodwill.core.scoping import scoped
from goodwill.messaging.models import OutgoingMessage
from goodwill.messaging.services import message_queue
from goodwill.messaging.tasks import send_message
from goodwill.people.models import Contact, Email
from goodwill.people.services import Labelled, contact_create, first_email

FORM_SALT = "goodwill.care.intake"
MIN_SECONDS = 3
MAX_AGE = timedelta(days=1)
PER_ADDRESS_PER_HOUR = 5
PER_WORKSPACE_PER_HOUR = 100
MAX_TEXT = 10000


def form_stamp() -> str:
    """A signed time stamp for the form: when it was shown."""
    return signing.TimestampSigner(salt=FORM_SALT).sign(str(int(timezone.now().timestamp())))


def _check_stamp(stamp: str) -> None:
    try:
        shown = int(signing.TimestampSigner(salt=FORM_SALT).unsign(stamp, max_age=MAX_AGE))
    except (signing.BadSignature, ValueError):
        raise ValidationError("The form expired; please fill it in again.") from None
    if timezone.now().timestamp() - shown < MIN_SECONDS:
        raise ValidationError("That was very fast; please check the form and send it again.")


@dataclass(frozen=True)
class Filed:
    case: Case
    new_contact: bool


def _limit(workspace: Workspace, address: str, contact: Contact | None = None) -> None:
    since = timezone.now() - timedelta(hours=1)
    recent = scoped(Case, workspace).filter(source="public", created_at__gte=since)
    theirs = recent.filter(contact=contact) if contact else recent
    if address:
        theirs = theirs.filter(customer_email__iexact=address)
    if theirs.count() >= PER_ADDRESS_PER_HOUR:
        raise ValidationError("You have sent several requests in the last hour; we have them all.")
    if recent.count() >= PER_WORKSPACE_PER_HOUR:
        raise ValidationError("We are receiving many requests right now; please try again later.")


def _contact_for(workspace: Workspace, name: str, address: str) -> tuple[Contact, bool]:
    found = scoped(Email, workspace).filter(address__iexact=address).select_related("contact")
    email = found.order_by("id").first()
    if email is not None:
        return email.contact, False
    first, _, last = name.strip().partition(" ")
    contact = contact_create(
        workspace,
        actor=None,
        kind="customer",
        first_name=first[:100],
        last_name=last[:100],
        emails=[Labelled("", address)],
    )
    return contact, True


def file_public(
    workspace: Workspace,
    *,
    name: str,
    email: str,
    type: str,
    subject: str,
    text: str,
    stamp: str,
    honeypot: str = "",
) -> Filed:
    """File a customer's request from the public form and acknowledge it."""
    _check_form(stamp, honeypot, type, text)
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError({"email": "Give an e-mail address we can answer."}) from None
    if not name.strip() or len(name) > 200:
        raise ValidationError({"name": "Give your name (up to 200 characters)."})
    _limit(workspace, address)
    with transaction.atomic():
        contact, new = _contact_for(workspace, name, address)
        case = _file(contact, address, type, subject, text)
    return Filed(case, new)


def file_for_client(
    link: ClientLink,
    *,
    type: str,
    subject: str,
    text: str,
    stamp: str,
    honeypot: str = "",
    purchase: Purchase | None = None,
) -> Case:
    """File a request from a contact's private client page: it is theirs, answered at their
    first address (without one, they follow it on the page)."""
    _check_form(stamp, honeypot, type, text)
    contact = link.contact
    address = first_email(contact)
    _limit(contact.workspace, address, contact)
    with transaction.atomic():
        return _file(contact, address, type, subject, text, purchase)


def _check_form(stamp: str, honeypot: str, type: str, text: str) -> None:
    if honeypot:
        raise ValidationError("The form could not be sent.")
    _check_stamp(stamp)
    if type not in CaseType.values:
        raise ValidationError({"type": "Choose what it is."})
    if not text.strip() or len(text) > MAX_TEXT:
        raise ValidationError({"text": f"Tell us what happened (up to {MAX_TEXT:,} characters)."})


def _file(
    contact: Contact,
    address: str,
    type: str,
    subject: str,
    text: str,
    purchase: Purchase | None = None,
) -> Case:
    subject = subject.strip() or text.strip().splitlines()[0]
    case = case_open(
        contact,
        actor=None,
        type=type,
        subject=subject[:200],
        description=text.strip(),
        purchase=purchase,
    )
    case.customer_email, case.source = address, "public"
    case.save(update_fields=["customer_email", "source"])
    if address:
        acknowledge(case)
    return case


def _promise(case: Case) -> str:
    workspace = case.workspace
    due = timezone.localtime(case.first_response_due_at, workspace.zone)
    when = f"{due:%A %-d %B, %H:%M}"
    if clock_of(workspace).is_open_at(case.created_at):
        return f"You can expect our first answer by {when}."
    return f"It reached us outside our working hours: expect our first answer by {when}."


def acknowledge(case: Case) -> None:
    """The acknowledgement e-mail, queued in the outbox (sent once, by the worker)."""
    link = status_link(case)
    sorry = (
        "We are sorry this happened, and we will put it right.\n\n"
        if case.type == CaseType.COMPLAINT
        else ""
    )
    body = (
        f"Dear {case.contact.greeting_name},\n\n"
        f"Thank you for telling us. Your {case.get_type_display().lower()} is case "
        f"#{case.number}: {case.subject}\n\n{sorry}{_promise(case)}\n\n"
        f"You can follow it, add details or reply here:\n{link}\n\n"
        f"{case.workspace.name}"
    )
    message, new = message_queue(
        case.contact,
        actor=None,
        to_address=case.customer_email,
        subject=f"We have your {case.get_type_display().lower()} (case #{case.number})",
        body=body,
        key=f"case-ack-{case.pk}",
    )
    if new:
        # The database queue commits (or rolls back) with the case and the message.
        send_message.enqueue(message.pk)


LOST_LINK_CASES = 10


def send_fresh_links(workspace: Workspace, email: str) -> int:
    """E-mail new status-page links for the cases filed from *email* (the old links stop
    working). Nothing is said on screen either way, and an address gets at most one such
    e-mail an hour (the hour is in the message's key). Returns how many cases were found."""
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        return 0
    cases = list(
        scoped(Case, workspace)
        .filter(customer_email__iexact=address)
        .select_related("contact")
        .order_by("-created_at")[:LOST_LINK_CASES]
    )
    if not cases:
        return 0
    hour = timezone.now().strftime("%Y%m%d%H")
    key = f"lost-{hashlib.sha256(address.encode()).hexdigest()[:32]}-{hour}"
    if scoped(OutgoingMessage, workspace).filter(key=key).exists():
        return len(cases)
    lines = []
    with transaction.atomic():
        for case in cases:
            links.case_token_new(case)
            case.save(update_fields=["public_nonce", "public_token_hash"])
            lines.append(f"Case #{case.number}: {case.subject}\n{status_link(case)}")
        message, new = message_queue(
            cases[0].contact,
            actor=None,
            to_address=address,
            subject=f"Your links to your cases with {workspace.name}",
            body="Here are fresh links to follow your cases (the old ones no longer work):\n\n"
            + "\n\n".join(lines)
            + f"\n\n{workspace.name}",
            key=key,
        )
        if new:
            send_message.enqueue(message.pk)
    return len(cases)
