"""Reminders of one's own on a contact: once, or every week, month or year."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from goodwill.core.scoping import WorkspaceOwned
from goodwill.people.models import Contact


class Repeat(models.TextChoices):
    NEVER = "never", "Once"
    WEEKLY = "weekly", "Every week"
    MONTHLY = "monthly", "Every month"
    YEARLY = "yearly", "Every year"


class ReminderState(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DISMISSED = "dismissed", "Dismissed"


class Reminder(WorkspaceOwned):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="reminders")
    title = models.CharField(max_length=200)
    note = models.TextField(max_length=2000, blank=True)
    # The day it first fell due, in the workspace's calendar; repeats count from it, so a
    # monthly reminder on the 31st comes back on the 31st after a short month.
    starts_on = models.DateField()
    repeat = models.CharField(max_length=8, choices=Repeat.choices, default=Repeat.NEVER)
    due_on = models.DateField(help_text="The occurrence now due")
    # Shown from this day: the due day, or later when snoozed.
    show_on = models.DateField()
    state = models.CharField(max_length=10, choices=ReminderState.choices, default="open")
    done_count = models.PositiveIntegerField(default=0)
    last_done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "state", "show_on"], name="agenda_reminder_ws_due"),
            models.Index(fields=["contact", "state", "show_on"], name="agenda_reminder_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.show_on})"


class CalendarFeed(WorkspaceOwned):
    """A member's private iCalendar address for the workspace's dates and reminders. Only a
    hash of its token is kept: the address is shown once, and can be replaced or revoked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="agenda_feed_one_each")
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user} in {self.workspace}"


def weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


class DigestSetting(WorkspaceOwned):
    """When a member gets the daily digest of this workspace's agenda. A member without a row
    gets the defaults: weekdays at 08:00 in the workspace's time zone."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    enabled = models.BooleanField(default=True)
    hour = models.PositiveSmallIntegerField(default=8)
    days = models.JSONField(default=weekdays, help_text="Weekdays, 0 = Monday")
    time_zone = models.CharField(max_length=64, blank=True, help_text="Empty: the workspace's")
    send_empty = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="agenda_digest_setting_once")
        ]

    def __str__(self) -> str:
        return f"Digest of {self.user} at {self.hour}:00"


class DigestState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Nothing to send"
    FAILED = "failed", "Failed"


class Digest(WorkspaceOwned):
    """The outbox: one row per member and local day (or per test), claimed by one worker with a
    conditional update, sent, then marked, so a day's digest goes out once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    local_date = models.DateField()
    test = models.BooleanField(default=False)
    late = models.BooleanField(default=False)
    state = models.CharField(max_length=8, choices=DigestState.choices, default="pending")
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    items = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user", "local_date"],
                condition=models.Q(test=False),
                name="agenda_digest_once_a_day",
            )
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="agenda_digest_outbox")]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.local_date}: {self.state}"
