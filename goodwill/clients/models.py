"""Engagements for clients, purchases by customers, what each is worth over time, and how well
each client fits the workspace's ideal client.

Money is an exact decimal with its ISO 4217 currency beside it; nothing adds two currencies.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from goodwill.core.scoping import WorkspaceOwned
from goodwill.people.models import Contact


class EngagementKind(models.TextChoices):
    PROJECT = "project", "Project"
    RETAINER = "retainer", "Retainer"


class EngagementStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    WON = "won", "Won"
    DELIVERED = "delivered", "Delivered"
    LOST = "lost", "Lost"


class Engagement(WorkspaceOwned):
    """A project or a retainer for a client: proposed, then won and delivered, or lost."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="engagements")
    title = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=8, choices=EngagementKind.choices, default=EngagementKind.PROJECT
    )
    work = models.CharField(
        max_length=80, blank=True, help_text="The kind of work, e.g. branding or a website"
    )
    value = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=9, choices=EngagementStatus.choices, default=EngagementStatus.PROPOSED
    )
    lost_reason = models.CharField(max_length=200, blank=True)
    notes = models.TextField(max_length=20000, blank=True)
    # When it was won: the day its value counts as spend (F2).
    won_on = models.DateField(null=True, blank=True)
    delivered_on = models.DateField(null=True, blank=True)
    lost_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["workspace", "status", "-created_at", "-id"], name="cl_eng_ws_status"
            ),
            models.Index(fields=["workspace", "-created_at", "-id"], name="cl_eng_ws_new"),
            models.Index(fields=["contact", "won_on"], name="cl_eng_contact_won"),
            models.Index(fields=["workspace", "won_on"], name="cl_eng_ws_won"),
        ]

    def __str__(self) -> str:
        return self.title


class Purchase(WorkspaceOwned):
    """Something a customer bought: when, what, and for how much."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="purchases")
    purchased_on = models.DateField()
    description = models.CharField(max_length=500, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["contact", "purchased_on"], name="cl_purchase_contact"),
            models.Index(fields=["workspace", "purchased_on"], name="cl_purchase_ws"),
        ]

    def __str__(self) -> str:
        return f"{self.purchased_on} {self.amount} {self.currency}"


class Spend(WorkspaceOwned):
    """What one contact has spent in one currency, kept up to date by goodwill.clients.economics
    so that rankings read one indexed row per contact instead of adding up every purchase."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="spend")
    currency = models.CharField(max_length=3)
    last_12_months = models.DecimalField(max_digits=16, decimal_places=2)
    lifetime = models.DecimalField(max_digits=16, decimal_places=2)
    count = models.PositiveIntegerField(help_text="Purchases and won engagements, ever")
    count_12_months = models.PositiveIntegerField(default=0)
    first_on = models.DateField()
    last_on = models.DateField()
    refreshed_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "currency"], name="cl_spend_once")
        ]
        indexes = [
            models.Index(fields=["workspace", "currency", "-last_12_months"], name="cl_spend_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.last_12_months} {self.currency}"


class PurchaseThanks(models.TextChoices):
    EVERY = "every", "For every purchase"
    FIRST = "first", "For their first purchase"
    ABOVE = "above", "For purchases above an amount"
    NEVER = "never", "Never"


class ClientSettings(WorkspaceOwned):
    """When a purchase earns a thank-you, and the workspace's ideal client (F3); one row per
    workspace, made when first saved (its main currency is Workspace.currency)."""

    purchase_thanks = models.CharField(
        max_length=5, choices=PurchaseThanks.choices, default=PurchaseThanks.EVERY
    )
    purchase_thanks_above = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    # The ideal client: a yearly budget (in the workspace's currency), how many times a year
    # and in which months they need you, the kinds of work, and traits in your own words.
    budget_min = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    budget_max = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    times_min = models.PositiveSmallIntegerField(null=True, blank=True)
    times_max = models.PositiveSmallIntegerField(null=True, blank=True)
    months = models.JSONField(default=list, blank=True)  # 1-12
    work = models.JSONField(default=list, blank=True)  # e.g. ["branding", "print"]
    traits = models.JSONField(default=list, blank=True)  # e.g. ["pays on time"]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace"], name="cl_settings_once")]

    def __str__(self) -> str:
        return f"Client settings of {self.workspace_id}"


class ProfileAnswers(WorkspaceOwned):
    """One client's answers to the profile questions, and the ideal traits they have."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="profile")
    why_chose = models.TextField(max_length=5000, blank=True)
    why_stay = models.TextField(max_length=5000, blank=True)
    worries = models.TextField(max_length=5000, blank=True)
    went_right = models.TextField(max_length=5000, blank=True)
    traits = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Profile of {self.contact_id}"


class Fit(WorkspaceOwned):
    """A client's fit with the ideal client, 0 to 100, with its parts (kept for ranking)."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="fit")
    score = models.PositiveSmallIntegerField()
    parts = models.JSONField(default=list)  # [{"name", "points", "ceiling", "why"}]
    computed_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["workspace", "-score"], name="cl_fit_rank")]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.score}"
