"""Cases: complaints, returns, change requests and questions, with their replies and notes."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from goodwill.core.scoping import WorkspaceOwned
from goodwill.people.models import Contact


class CaseType(models.TextChoices):
    COMPLAINT = "complaint", "Complaint"
    RETURN = "return", "Return"
    CHANGE = "change", "Change request"
    QUESTION = "question", "Question"


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class Status(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING = "waiting", "Waiting on the customer"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = [Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING]
# Open and with the service clock running (it stops while waiting on the customer).
ACTIVE_STATUSES = [Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS]

# The status in plain words, for the customer (their status page and e-mails).
IN_WORDS = {
    Status.NEW: "received",
    Status.ACKNOWLEDGED: "received, and we are on it soon",
    Status.IN_PROGRESS: "being worked on",
    Status.WAITING: "waiting for an answer from you",
    Status.RESOLVED: "resolved",
    Status.CLOSED: "closed",
}


class Case(WorkspaceOwned):
    number = models.PositiveIntegerField(help_text="The case number within the workspace")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="cases")
    type = models.CharField(max_length=10, choices=CaseType.choices)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    subject = models.CharField(max_length=200)
    description = models.TextField(max_length=20000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Service targets, in business hours from when it was filed (E5).
    first_response_due_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text="When it should be resolved")
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The clock stops while the case waits on the customer: since when it waits, and the
    # business hours it has waited before, which push both targets back.
    waiting_since = models.DateTimeField(null=True, blank=True)
    paused_hours = models.FloatField(default=0)
    # Business hours (less the waiting) it took, kept when they happen for the care insight.
    first_response_hours = models.FloatField(null=True, blank=True)
    resolution_hours = models.FloatField(null=True, blank=True)
    category = models.CharField(
        max_length=80, blank=True, help_text="What it was about, e.g. late delivery"
    )
    # The purchase a return (or a complaint) is about, when it is known.
    purchase = models.ForeignKey(
        "clients.Purchase", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=12, blank=True)  # resolved, spam, duplicate
    # The customer's status page: the token in its link is derived from this nonce and the
    # secret key (so later e-mails can carry the link), and looked up by its hash.
    public_nonce = models.CharField(max_length=32, blank=True)
    public_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # The customer's one-click rating after resolution (1 to 5), with an optional comment.
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(max_length=2000, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    customer_email = models.EmailField(blank=True)
    source = models.CharField(max_length=8, default="app")  # app, api, public
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "number"], name="care_case_number")
        ]
        indexes = [
            models.Index(fields=["workspace", "status", "due_at"], name="care_case_ws_due"),
            models.Index(fields=["workspace", "-created_at"], name="care_case_ws_new"),
            models.Index(fields=["contact", "-created_at"], name="care_case_contact"),
            models.Index(fields=["workspace", "resolved_at"], name="care_case_ws_resolved"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def in_words(self) -> str:
        return IN_WORDS[Status(self.status)]


class EntryKind(models.TextChoices):
    REPLY = "reply", "Reply to the customer"
    NOTE = "note", "Internal note"
    STATUS = "status", "Status change"
    CUSTOMER = "customer", "From the customer"


class CaseEntry(WorkspaceOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=8, choices=EntryKind.choices)
    body = models.TextField(max_length=20000, blank=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["case", "created_at"], name="care_entry_case")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case}"


class ServiceTarget(WorkspaceOwned):
    """The workspace's own targets for one priority, in business hours (E5); a priority
    without one uses goodwill.care.clock.DEFAULT_TARGETS."""

    priority = models.CharField(max_length=8, choices=Priority.choices)
    first_response_hours = models.FloatField()
    resolution_hours = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "priority"], name="care_target_priority")
        ]

    def __str__(self) -> str:
        return f"{self.priority}: {self.first_response_hours} h / {self.resolution_hours} h"


class Holiday(WorkspaceOwned):
    """A day the workspace is closed: service-target clocks do not run on it."""

    date = models.DateField()
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "date"], name="care_holiday_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}".strip()


class ClientLink(WorkspaceOwned):
    """A contact's private client page (E1): an unguessable link, derived from the nonce and
    the secret key so it can be shown again, and looked up by its hash."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="client_link")
    nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Client page of {self.contact_id}"
