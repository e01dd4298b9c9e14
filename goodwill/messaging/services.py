"""Templates and messages, one function per change.

Sending: `message_queue` stores the message (a second post of the same compose form returns the
first), and the worker's `message_send` claims it with a conditional update, sends it over SMTP,
and logs it as an interaction on the contact's timeline (a thank-you settles what was owed).
A temporary failure is retried with growing pauses; a permanent one marks it failed for the user
to see. A worker killed after claiming it sends it once the lease is over; one killed while
handing it to the mail server fails it, saying it may have gone out (never sent twice). "Copy"
and "open in my mail app" log the message at once (`message_log_own`).
"""

import smtplib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from goodwill.accounts.models import User, Workspace
from goodwill.core.scoping import scoped
from goodwill.messaging.defaults import DEFAULTS
from goodwill.messaging.models import MessageState, MessageTemplate, Occasion, OutgoingMessage
from goodwill.messaging.placeholders import placeholders_in, unfilled
from goodwill.people.models import Contact, Email
from goodwill.touchpoints import services as touchpoints

# Pauses before each retry of a temporary failure; after the last, the message has failed.
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
LEASE = timedelta(minutes=5)


def templates_ensure(workspace: Workspace) -> None:
    """Give a workspace the shipped templates the first time it needs them."""
    if scoped(MessageTemplate, workspace).exists():
        return
    MessageTemplate.objects.bulk_create(
        [
            MessageTemplate(workspace=workspace, occasion=o, name=n, subject=s, body=b)
            for o, n, s, b in DEFAULTS
        ]
    )


def _check_template(occasion: str, name: str, subject: str, body: str) -> None:
    if occasion not in Occasion.values:
        raise ValidationError({"occasion": "Choose an occasion."})
    if not name.strip() or len(name) > 120:
        raise ValidationError({"name": "Give it a name of up to 120 characters."})
    if not subject.strip() or len(subject) > 200:
        raise ValidationError({"subject": "Give it a subject of up to 200 characters."})
    if not body.strip() or len(body) > 10000:
        raise ValidationError({"body": "Write the message (up to 10,000 characters)."})
    for field, text in (("subject", subject), ("body", body)):
        try:
            placeholders_in(text)
        except ValidationError as error:
            raise ValidationError({field: error.messages}) from None


def template_create(
    workspace: Workspace, *, occasion: str, name: str, subject: str, body: str
) -> MessageTemplate:
    _check_template(occasion, name, subject, body)
    return MessageTemplate.objects.create(
        workspace=workspace, occasion=occasion, name=name.strip(), subject=subject, body=body
    )


def template_update(template: MessageTemplate, **changes: Any) -> MessageTemplate:
    for key in ("occasion", "name", "subject", "body"):
        if changes.get(key) is not None:
            setattr(template, key, changes[key])
    _check_template(template.occasion, template.name, template.subject, template.body)
    template.updated_at = timezone.now()
    template.save()
    return template


def template_archive(template: MessageTemplate, *, archived: bool = True) -> MessageTemplate:
    template.archived = archived
    template.save(update_fields=["archived"])
    return template


def _check_message(contact: Contact, to_address: str, subject: str, body: str) -> None:
    if not to_address:
        raise ValidationError({"to_address": "Choose the address to send it to."})
    addresses = set(
        scoped(Email, contact.workspace).filter(contact=contact).values_list("address", flat=True)
    )
    if to_address.lower() not in {a.lower() for a in addresses}:
        raise ValidationError(
            {"to_address": f"{to_address} is not one of {contact.display_name}'s addresses."}
        )
    if not subject.strip() or len(subject) > 200:
        raise ValidationError({"subject": "Give the message a subject (up to 200 characters)."})
    if not body.strip() or len(body) > 20000:
        raise ValidationError({"body": "Write the message (up to 20,000 characters)."})
    for field, text in (("subject", subject), ("body", body)):
        if unfilled(text):
            raise ValidationError(
                {field: "It still holds a placeholder ({{ … }}): fill it in before sending."}
            )


def message_queue(
    contact: Contact,
    *,
    actor: User | None,
    to_address: str,
    subject: str,
    body: str,
    key: str,
    occasion: str = Occasion.OTHER,
    template: MessageTemplate | None = None,
) -> tuple[OutgoingMessage, bool]:
    """Store a message for the worker to send; returns it and whether it is new (the same
    compose form posted twice gives the first back)."""
    _check_message(contact, to_address, subject, body)
    if not key or len(key) > 64:
        raise ValidationError({"key": "The form is stale: open it again."})
    existing = scoped(OutgoingMessage, contact.workspace).filter(key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            message = OutgoingMessage.objects.create(
                workspace=contact.workspace,
                contact=contact,
                to_address=to_address,
                subject=subject.strip(),
                body=body,
                occasion=occasion if occasion in Occasion.values else Occasion.OTHER,
                template=template,
                key=key,
                created_by=actor,
            )
    except IntegrityError:  # the other click won the race
        return scoped(OutgoingMessage, contact.workspace).get(key=key), False
    return message, True


def _log(message: OutgoingMessage) -> None:
    """The message as an interaction on the contact's timeline (a thank-you settles a due)."""
    kind = "thank_you" if message.occasion == Occasion.THANK_YOU else "email"
    interaction = touchpoints.interaction_log(
        message.workspace,
        actor=message.created_by,
        kind=kind,
        contact_ids=[message.contact_id],
        note=f"{message.subject}\n\n{message.body}"[:5000],
    )
    message.interaction_id = interaction.pk


def message_log_own(
    contact: Contact,
    *,
    actor: User | None,
    to_address: str,
    subject: str,
    body: str,
    key: str,
    occasion: str = Occasion.OTHER,
    template: MessageTemplate | None = None,
) -> tuple[OutgoingMessage, bool]:
    """The user sends it from their own mail app ("copy", "open in my mail app"): log it now.
    Returns it and whether it is new, like message_queue."""
    message, new = message_queue(
        contact,
        actor=actor,
        to_address=to_address,
        subject=subject,
        body=body,
        key=key,
        occasion=occasion,
        template=template,
    )
    if new:
        with transaction.atomic():
            _log(message)
            message.state, message.sent_at = MessageState.LOGGED, timezone.now()
            message.save(update_fields=["state", "sent_at", "interaction_id"])
    return message, new


# A message `sending` with `sent_at` set was being handed to the mail server (sent_at is written
# just before the SMTP exchange, and cleared on every other way out). If its worker died there,
# the server may have taken it, or not; nobody can tell. Sending it again could send it twice,
# so it fails instead, saying so: at most once, and visible.
INTERRUPTED = (
    "The worker stopped while handing this message to the mail server, so it may or may not "
    "have gone out. Check with the recipient before trying it again."
)


def _claimable(now: datetime) -> Q:
    waiting = Q(state=MessageState.QUEUED, next_attempt_at__lte=now)
    # A worker that died after claiming but before handing it over sent nothing: send it.
    abandoned = Q(state=MessageState.SENDING, claimed_at__lt=now - LEASE, sent_at=None)
    return waiting | abandoned


def _claim(message_id: int, now: datetime) -> bool:
    claimed = (
        OutgoingMessage.objects.filter(pk=message_id)
        .filter(_claimable(now))
        .update(
            state=MessageState.SENDING, claimed_at=now, sent_at=None, attempts=F("attempts") + 1
        )
    )
    return claimed == 1


def messages_fail_interrupted(now: datetime) -> int:
    """Fail the messages whose worker died while handing them to the mail server."""
    interrupted = OutgoingMessage.objects.filter(
        state=MessageState.SENDING, claimed_at__lt=now - LEASE
    ).exclude(sent_at=None)
    return interrupted.update(state=MessageState.FAILED, sent_at=None, last_error=INTERRUPTED)


AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def _permanent(error: Exception) -> bool:
    """A refusal the server will repeat (5xx) fails the message; anything else is retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def message_send(message_id: int, now: datetime | None = None) -> bool:
    """Send one message if it is due and this worker claims it; True when it went out."""
    now = now or timezone.now()
    if not _claim(message_id, now):
        return False
    message = OutgoingMessage.objects.select_related("workspace", "contact").get(pk=message_id)
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_address],
        reply_to=[message.created_by.email] if message.created_by else None,
        # Nobody wrote it (an acknowledgement, a fresh link): say so, so that the customer's
        # out-of-office or autoresponder does not answer it (RFC 3834, and Exchange's own).
        headers=AUTOMATIC_HEADERS if message.created_by_id is None else None,
    )
    OutgoingMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now())
    try:
        mailers.default.send_messages([email])
    except (OSError, smtplib.SMTPException) as error:
        _failed(message, error, now)
        return False
    try:
        # Marked sent and logged together: a worker killed now leaves neither, and the message
        # fails as interrupted instead of being sent again.
        with transaction.atomic():
            _sent(message.pk)
            _log(message)
            message.save(update_fields=["interaction_id"])
    except ValidationError as error:  # e.g. the contact was erased meanwhile
        _sent(message.pk, error=str(error)[:2000])
    return True


def _sent(message_id: int, *, error: str = "") -> None:
    OutgoingMessage.objects.filter(pk=message_id).update(
        state=MessageState.SENT, sent_at=timezone.now(), last_error=error
    )


def _failed(message: OutgoingMessage, error: Exception, now: datetime) -> None:
    attempts = message.attempts
    if _permanent(error) or attempts > len(BACKOFF):
        message.state = MessageState.FAILED
    else:
        message.state = MessageState.QUEUED
        message.next_attempt_at = now + BACKOFF[attempts - 1]
    message.last_error = str(error)[:2000]
    message.sent_at = None  # the server refused it or was never reached: nothing went out
    message.save(update_fields=["state", "next_attempt_at", "last_error", "sent_at"])


def messages_send_due(now: datetime | None = None, *, limit: int = 200) -> int:
    """Send every message whose time has come (the worker's sweep); returns how many went."""
    now = now or timezone.now()
    messages_fail_interrupted(now)
    due = OutgoingMessage.objects.filter(_claimable(now)).order_by("next_attempt_at", "id")
    return sum(message_send(pk, now) for pk in list(due.values_list("pk", flat=True)[:limit]))


def contact_messages(contact: Contact) -> QuerySet[OutgoingMessage]:
    return (
        scoped(OutgoingMessage, contact.workspace).filter(contact=contact).order_by("-created_at")
    )


def message_retry(message: OutgoingMessage) -> OutgoingMessage:
    """Queue a failed message again, from the start of its retries."""
    if message.state != MessageState.FAILED:
        raise ValidationError({"state": "Only a failed message can be tried again."})
    message.state, message.attempts = MessageState.QUEUED, 0
    message.next_attempt_at, message.last_error = timezone.now(), ""
    message.save(update_fields=["state", "attempts", "next_attempt_at", "last_error"])
    return message
