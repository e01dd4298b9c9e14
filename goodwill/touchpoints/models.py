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
    PUT_RIGHT = "put_right", "Complaint put right"


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
    # The contact's kind when computed, so a ranking of one kind reads one index, and the ladder
    # totals (LadderTotal) are exactly the sums of these rows.
    kind = models.CharField(max_length=16, default="")
    score = models.PositiveSmallIntegerField(default=0)
    meals = models.PositiveIntegerField(default=0)
    home_visits = models.PositiveIntegerField(default=0)
    gifts = models.PositiveIntegerField(default=0)
    circle_gifts = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-score", "contact"], name="touch_rapport_ws_rank"),
            models.Index(
                fields=["workspace", "kind", "-score", "contact"], name="touch_rapport_kind_rank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact}: {self.score}"

    @property
    def deep(self) -> bool:
        """Whether the last year held a meal, a visit to your home, a gift or family remembered."""
        return bool(self.meals or self.home_visits or self.gifts or self.circle_gifts)


class LadderTotal(WorkspaceOwned):
    """The depth ladder summed over a workspace's contacts of one kind: the sums of their
    RapportScore rows, kept up to date by each refresh (and recomputed by the daily sweep), so
    the totals cost one small read however many contacts there are."""

    kind = models.CharField(max_length=16)
    meals = models.IntegerField(default=0)
    home_visits = models.IntegerField(default=0)
    gifts = models.IntegerField(default=0)
    circle_gifts = models.IntegerField(default=0)
    people = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "kind"], name="touch_ladder_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.meals} meals, {self.home_visits} home visits"


class DueKind(models.TextChoices):
    THANK_YOU = "thank_you", "Thank-you"
    FOLLOW_UP = "follow_up", "Follow-up"


class DueReason(models.TextChoices):
    PURCHASE = "purchase", "a purchase"
    DELIVERY = "delivery", "a delivery"
    REFERRAL = "referral", "a referral"
    FIRST_MEETING = "first_meeting", "a first meeting"
    LOST_DEAL = "lost_deal", "a lost deal"
    EVENT = "event", "meeting them at an event"
    WON = "won", "choosing you"
    OTHER = "other", "something else"


class DueState(models.TextChoices):
    OPEN = "open", "Open"
    SETTLED = "settled", "Settled"
    DISMISSED = "dismissed", "Dismissed"


class Due(WorkspaceOwned):
    """Something owed to a person: a thank-you after a purchase, a delivery, a referral or a first
    meeting, or a friendly follow-up after a lost deal. Any app raises one with
    `appreciation.owe()`; logging the fitting touch after the event settles it."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="dues")
    kind = models.CharField(max_length=12, choices=DueKind.choices)
    reason = models.CharField(max_length=16, choices=DueReason.choices)
    about = models.CharField(max_length=200, blank=True)
    # What raised it ("interaction:12", "contact:7", "engagement:3"), so it is raised once.
    source = models.CharField(max_length=64, blank=True)
    event_at = models.DateTimeField(help_text="When the purchase, meeting or referral happened")
    raised_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=DueState.choices, default=DueState.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "contact", "kind", "source"],
                condition=~models.Q(source=""),
                name="touch_due_once_per_source",
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "state", "event_at"], name="touch_due_ws_state"),
            models.Index(fields=["contact", "state"], name="touch_due_contact_state"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.get_reason_display()} to {self.contact}"

    @property
    def label(self) -> str:
        """The reason in words, e.g. "Thank-you for a referral: introduced Maria Lopez"."""
        base = (
            f"Follow-up after {self.get_reason_display()}"
            if self.kind == DueKind.FOLLOW_UP
            else f"Thank-you for {self.get_reason_display()}"
        )
        return f"{base}: {self.about}" if self.about else base
