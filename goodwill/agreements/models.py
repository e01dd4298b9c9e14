"""Working agreements (G1-G5): the freelancer's needs, introduced to each client one at a time,
the breaches of what was agreed, and the client's health over time.

A need has a kind the system understands, with its terms in `terms` (JSON, checked by
goodwill.agreements.needs): calling hours {"days": [0-6], "start": "09:00", "end": "17:00"},
channels {"allowed": ["email", "phone"]}, your response window {"times": ["09:00", "16:00"]},
the client's clarification turnaround {"days": 1}, a retainer or deposit {"text": "50% up
front"}, payment terms {"days": 14}, or a free-text need {}.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from goodwill.core.scoping import WorkspaceOwned
from goodwill.people.models import Contact


class NeedKind(models.TextChoices):
    CALLING_HOURS = "calling_hours", "Calling hours"
    CHANNELS = "channels", "Channels"
    RESPONSE_WINDOW = "response_window", "My response window"
    TURNAROUND = "turnaround", "Clarification turnaround"
    RETAINER = "retainer", "Retainer or deposit"
    PAYMENT_TERMS = "payment_terms", "Payment terms"
    FREE = "free", "Something else"


class Need(WorkspaceOwned):
    """One of the freelancer's working needs, with why it is good for both sides (shown to
    clients)."""

    kind = models.CharField(max_length=16, choices=NeedKind.choices)
    title = models.CharField(max_length=120)
    why = models.TextField(max_length=2000, help_text="Why it is good for both sides")
    terms = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="The order to introduce")
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["workspace", "archived", "position"], name="agr_need_ws")]

    def __str__(self) -> str:
        return self.title


class AgreementStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    DECLINED = "declined", "Declined"
    ENDED = "ended", "Ended"


class Agreement(WorkspaceOwned):
    """A need introduced to one client: proposed (when and how), then agreed or declined."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="agreements")
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="agreements")
    status = models.CharField(
        max_length=8, choices=AgreementStatus.choices, default=AgreementStatus.PROPOSED
    )
    proposed_on = models.DateField()
    proposed_how = models.CharField(max_length=120, blank=True, help_text="e.g. on our call")
    agreed_on = models.DateField(null=True, blank=True)
    declined_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    # How long it should hold before the next need is suggested.
    hold_days = models.PositiveSmallIntegerField(default=14)
    checked_in_on = models.DateField(null=True, blank=True)
    notes = models.TextField(max_length=5000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "need"],
                condition=~models.Q(status="ended"),
                name="agr_agreement_once",
            )
        ]
        indexes = [
            models.Index(fields=["contact", "status"], name="agr_agreement_contact"),
            models.Index(fields=["workspace", "status", "agreed_on"], name="agr_agreement_ws"),
        ]

    def __str__(self) -> str:
        return f"{self.need} with {self.contact_id}"


class BreachSource(models.TextChoices):
    MANUAL = "manual", "Logged by hand"
    INTERACTION = "interaction", "A logged touch"
    CLARIFICATION = "clarification", "A clarification left open"
    INVOICE = "invoice", "An invoice paid late"


class Breach(WorkspaceOwned):
    """A time a client did not uphold an agreed need."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="breaches")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="breaches")
    occurred_at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=13, choices=BreachSource.choices)
    # What was detected ("interaction:12", "clarification:3", "invoice:7"), so it is logged once.
    ref = models.CharField(max_length=40, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    dismissed = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "ref"], condition=~models.Q(ref=""), name="agr_breach_once"
            )
        ]
        indexes = [
            models.Index(fields=["contact", "-occurred_at"], name="agr_breach_contact"),
            models.Index(fields=["workspace", "-occurred_at"], name="agr_breach_ws"),
        ]

    def __str__(self) -> str:
        return f"Breach of {self.agreement_id} at {self.occurred_at}"


class Clarification(WorkspaceOwned):
    """A question you asked a client, due an answer within the agreed turnaround."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="clarifications")
    question = models.CharField(max_length=500)
    asked_at = models.DateTimeField()
    due_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "answered_at", "due_at"], name="agr_clar_open"),
            models.Index(fields=["contact", "-asked_at"], name="agr_clar_contact"),
        ]

    def __str__(self) -> str:
        return self.question


class Invoice(WorkspaceOwned):
    """An invoice to a client, due by the agreed payment terms; paid late is a breach."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    issued_on = models.DateField()
    due_on = models.DateField()
    paid_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "paid_on", "due_on"], name="agr_invoice_open"),
            models.Index(fields=["contact", "-issued_on"], name="agr_invoice_contact"),
        ]

    def __str__(self) -> str:
        return self.number


class Offboarding(WorkspaceOwned):
    """Ending a relationship kindly: a checklist, begun when the user chooses to."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="offboarding")
    steps = models.JSONField(default=dict)  # {"final_thanks": true, "handover": false, ...}
    handover_notes = models.TextField(max_length=20000, blank=True)
    started_on = models.DateField()
    finished_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Offboarding {self.contact_id}"
