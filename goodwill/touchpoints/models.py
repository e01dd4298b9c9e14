"""Interactions: every touch with the people you know, on everyone's timeline who took part."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from goodwill.core.scoping import WorkspaceOwned
from goodwill.people.models import Contact


class InteractionKind(models.TextChoices):
    CALL = "call", "Call"
    EMAIL = "email", "E-mail"
    MEETING = "meeting", "Meeting"
    MEAL = "meal", "Meal"
    VISIT_HOME = "visit_home", "Visit to your home"
    VISIT_THEIRS = "visit_theirs", "Visit to theirs"
    EVENT = "event", "Event"
    GIFT = "gift", "Gift"
    THANK_YOU = "thank_you", "Thank-you"
    MESSAGE = "message", "Message"


class Direction(models.TextChoices):
    OURS = "ours", "You reached out"
    THEIRS = "theirs", "They reached out"


class Interaction(WorkspaceOwned):
    kind = models.CharField(max_length=16, choices=InteractionKind.choices)
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.OURS)
    occurred_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(max_length=5000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["workspace", "-occurred_at"], name="touch_inter_ws_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_at:%Y-%m-%d}"


class Participation(WorkspaceOwned):
    """One contact's part in an interaction. Carries the time too, so a contact's touches are read
    from one index without joining the interactions."""

    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="participations"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="participations")
    occurred_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interaction", "contact"], name="touch_one_part_each")
        ]
        indexes = [models.Index(fields=["contact", "-occurred_at"], name="touch_part_contact_time")]

    def __str__(self) -> str:
        return f"{self.contact} in {self.interaction}"


class RapportScore(WorkspaceOwned):
    """A contact's rapport as last computed, with the depth ladder's counts of the last year,
    kept for ranking (recomputed on every touch and by a daily sweep, since recency decays)."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="rapport_score")
    score = models.PositiveSmallIntegerField(default=0)
    meals = models.PositiveIntegerField(default=0)
    home_visits = models.PositiveIntegerField(default=0)
    gifts = models.PositiveIntegerField(default=0)
    circle_gifts = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-score", "contact"], name="touch_rapport_ws_rank")
        ]

    def __str__(self) -> str:
        return f"{self.contact}: {self.score}"
