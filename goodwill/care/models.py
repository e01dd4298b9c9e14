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
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=12, blank=True)  # resolved, spam, duplicate
    # The customer's status page: a hash of the token in the link e-mailed to them.
    public_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
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
