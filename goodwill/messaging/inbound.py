"""E-mail that logs itself (B6): mail sent, forwarded or BCC'd to a workspace's logging address
is filed as an e-mail interaction on every contact whose address appears in it.

`goodwill smtpd` runs an SMTP receiver (aiosmtpd). It refuses a recipient that is no logging
address at the RCPT stage and a message over INBOUND_MAX_BYTES with SMTP's 552, so nothing is
ever bounced later to a forged sender. A message from someone who is neither a member nor a
contact of the workspace is accepted and dropped (no bounce to spam). The subject and the text are
kept; attachments are not. A forwarded mail's quoted "From:", "To:" and "Cc:" lines count too.
"""

import email
import email.errors
import email.policy
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

import nh3
from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from goodwill.accounts.models import Membership, User, Workspace
from goodwill.core.scoping import scoped
from goodwill.messaging.models import InboundMessage, LoggingAddress
from goodwill.people.models import Email
from goodwill.touchpoints.services import interaction_log

ADDRESS = re.compile(r"^log\+([a-z0-9]{8,32})@(.+)$")
QUOTED = re.compile(
    r"^\s*>*\s*(?:from|to|cc|von|an|de|à)\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE
)
MAX_TEXT = 5000
# What Python's e-mail package raises on some malformed headers and parts instead of noting a
# defect (IndexError on "Message-ID: <", AttributeError on a stray group in Cc, …).
_BROKEN = (LookupError, AttributeError, TypeError, ValueError, email.errors.MessageError)
# A Date header before this is a typo or a forgery: the interaction is logged as of now.
_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)


def logging_address(workspace: Workspace) -> str:
    """The workspace's logging address, made the first time it is asked for."""
    found = scoped(LoggingAddress, workspace).first()
    if found is None:
        found = LoggingAddress.objects.create(workspace=workspace, token=secrets.token_hex(8))
    return f"log+{found.token}@{settings.INBOUND_DOMAIN}"


def workspace_for(address: str) -> Workspace | None:
    """The workspace whose logging address this is, or None."""
    match = ADDRESS.match(address.strip().lower())
    if match is None or match.group(2) != settings.INBOUND_DOMAIN:
        return None
    found = LoggingAddress.objects.select_related("workspace").filter(token=match.group(1)).first()
    return found.workspace if found else None


@dataclass(frozen=True)
class Filed:
    """What became of an inbound message."""

    workspace_id: int
    interaction_id: int | None
    reason: str  # "filed", "duplicate", "unknown sender", "no contacts"


def _storable(text: str) -> str:
    """Text the database takes: no NUL (PostgreSQL refuses it) and no lone surrogate (neither
    driver can encode one), undecodable bytes being what the e-mail package leaves them as."""
    return text.encode("utf-8", errors="replace").decode("utf-8").replace("\x00", "")


def _header(message: EmailMessage, name: str) -> str:
    """A header's text with its encoded words decoded; as it was written when Python's header
    parser trips over it."""
    try:
        return _storable(str(message.get(name, "")))
    except _BROKEN:
        raw = next((str(v) for k, v in message.raw_items() if k.lower() == name), "")
        return _storable(" ".join(raw.split()))


def _addresses(message: EmailMessage, text: str) -> tuple[str, list[str]]:
    """The sender's address, and every address in From, To, Cc and quoted forward lines."""
    headers = [_header(message, name) for name in ("from", "to", "cc")]
    sender = (getaddresses([headers[0]]) or [("", "")])[0][1].lower()
    quoted = QUOTED.findall(text)
    found = [a.lower() for _, a in getaddresses(headers + quoted) if "@" in a]
    return sender, list(dict.fromkeys(found))


def _text(message: EmailMessage) -> str:
    """The message's text: its plain part, or its HTML without tags; attachments are skipped."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return ""
        content = part.get_content()
        if part.get_content_type() == "text/html":
            content = nh3.clean(content, tags=set())
    except _BROKEN:  # a broken charset, part or header
        return ""
    return _storable(str(content)).strip()


def _when(message: EmailMessage) -> datetime:
    """The Date header, if it is a believable past moment; else now."""
    now = timezone.now()
    try:
        moment = parsedate_to_datetime(_header(message, "date"))
    except (TypeError, ValueError, IndexError):
        return now
    if moment is None or timezone.is_naive(moment):
        return now
    if not _EARLIEST <= moment <= now + timedelta(hours=1):
        return now
    return moment


def file_message(workspace: Workspace, raw: bytes) -> Filed:
    """File one received message in *workspace* (idempotent per Message-ID)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    text = _text(message)
    sender, addresses = _addresses(message, text)
    members = set(
        Membership.objects.filter(workspace=workspace, user__email__in=addresses).values_list(
            "user__email", flat=True
        )
    )
    known = dict(
        scoped(Email, workspace).filter(address__in=addresses).values_list("address", "contact_id")
    )
    if sender not in members and sender not in known:
        return Filed(workspace.pk, None, "unknown sender")
    contact_ids = list(dict.fromkeys(cid for a, cid in known.items() if a not in members))
    if not contact_ids:
        return Filed(workspace.pk, None, "no contacts")
    message_id = (
        _header(message, "message-id").strip()[:255]
        or f"<sha256-{hashlib.sha256(raw).hexdigest()[:40]}>"
    )
    subject = _header(message, "subject").strip()[:300]
    actor = User.objects.filter(email=sender).first() if sender in members else None
    try:
        with transaction.atomic():
            record = InboundMessage.objects.create(
                workspace=workspace, message_id=message_id, subject=subject
            )
            interaction = interaction_log(
                workspace,
                actor=actor,
                kind="email",
                contact_ids=contact_ids[:50],
                occurred_at=_when(message),
                direction="ours" if sender in members else "theirs",
                note=f"{subject}\n\n{text}"[:MAX_TEXT],
            )
            record.interaction_id = interaction.pk
            record.save(update_fields=["interaction_id"])
    except IntegrityError:
        return Filed(workspace.pk, None, "duplicate")
    return Filed(workspace.pk, interaction.pk, "filed")


def _closing[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """Run *function* in a worker thread of the receiver and close that thread's database
    connection after it (the receiver lives for days; connections must not pile up)."""

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    return run


class Receiver:
    """The aiosmtpd handler of `goodwill smtpd`."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        workspace = await sync_to_async(_closing(workspace_for), thread_sensitive=False)(address)
        if workspace is None:
            return "550 5.1.1 No such logging address here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        await sync_to_async(_closing(file_for), thread_sensitive=False)(envelope.rcpt_tos, raw)
        return "250 Message accepted"


def file_for(recipients: list[str], raw: bytes) -> list[Filed]:
    """File a message for each logging address it was sent to."""
    filed = []
    for address in recipients:
        workspace = workspace_for(address)
        if workspace is not None:
            filed.append(file_message(workspace, raw))
    return filed


def start_receiver(host: str, port: int) -> Controller:
    """The SMTP receiver, running in its own thread until `.stop()`."""
    controller = Controller(
        Receiver(),
        hostname=host,
        port=port,
        data_size_limit=settings.INBOUND_MAX_BYTES,
        enable_SMTPUTF8=True,
    )
    controller.start()
    return controller
