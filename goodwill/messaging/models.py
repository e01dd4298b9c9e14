"""Message templates per occasion, and the outbox of messages to contacts."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from goodwill.core.scoping import WorkspaceOwned
from goodwill.people.models import Contact


class Occasion(models.TextChoices):
    BIRTHDAY = "birthday", "Birthday"
    CIRCLE_BIRTHDAY = "circle_birthday", "Birthday in their family"
    THANK_YOU = "thank_you", "Thank-you"
    APOLOGY = "apology", "Apology"
    FOLLOW_UP = "follow_up", "Follow-up after no purchase"
    CHECK_IN = "check_in", "Check-in"
    BOUNDARY = "boundary", "Gentle boundary reminder"
    OTHER = "other", "Other"


class MessageTemplate(WorkspaceOwned):
    occasion = models.CharField(max_length=16, choices=Occasion.choices)
    name = models.CharField(max_length=120)
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=10000)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "archived", "occasion"], name="msg_template_ws")
        ]

    def __str__(self) -> str:
        return self.name


class MessageState(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    LOGGED = "logged", "Sent from your own mail app"


class OutgoingMessage(WorkspaceOwned):
    """A message to one contact: stored first, sent by the worker (or by the user's own mail
    app), and logged as an interaction once it has gone."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="messages")
    to_address = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=20000)
    occasion = models.CharField(max_length=16, choices=Occasion.choices, default="other")
    template = models.ForeignKey(
        MessageTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # One compose form, one message: a double click posts the same key twice.
    key = models.CharField(max_length=64)
    state = models.CharField(max_length=8, choices=MessageState.choices, default="queued")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    interaction_id = models.IntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="msg_outgoing_once")
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="msg_outbox"),
            models.Index(fields=["workspace", "-created_at"], name="msg_outgoing_ws"),
            models.Index(fields=["contact", "-created_at"], name="msg_outgoing_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to_address} ({self.state})"


class LoggingAddress(WorkspaceOwned):
    """The workspace's address for e-mail that logs itself: log+<token>@<INBOUND_DOMAIN>."""

    token = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"log+{self.token}"


class InboundMessage(WorkspaceOwned):
    """An e-mail filed by the logging address, once per Message-ID (a BCC and a forward of the
    same mail are one)."""

    message_id = models.CharField(max_length=255)
    subject = models.CharField(max_length=300, blank=True)
    interaction_id = models.IntegerField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "message_id"], name="msg_inbound_once")
        ]

    def __str__(self) -> str:
        return self.subject or self.message_id
