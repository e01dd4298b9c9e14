"""Events (F5): seminars, meetups, fairs and conferences, and who you saw there."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from goodwill.core.scoping import WorkspaceOwned
from goodwill.people.models import Contact


class EventKind(models.TextChoices):
    SEMINAR = "seminar", "Seminar"
    MEETUP = "meetup", "Meetup"
    FAIR = "fair", "Fair"
    CONFERENCE = "conference", "Conference"
    OTHER = "other", "Other"


class Event(WorkspaceOwned):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=EventKind.choices, default=EventKind.MEETUP)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="The last day, if over several")
    place = models.CharField(max_length=200, blank=True)
    notes = models.TextField(max_length=20000, blank=True)
    # When the follow-ups owed to the people first met there were raised: once it was over.
    # Still empty for an event to come, which is what the sweep looks for.
    follow_ups_raised_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-starts_on", "-id"], name="events_event_ws_date"),
            models.Index(
                fields=["workspace", "starts_on"],
                condition=models.Q(follow_ups_raised_at__isnull=True),
                name="events_event_ws_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on:%-d %b %Y})"

    @property
    def last_day(self) -> date:
        return self.ends_on or self.starts_on


class Attendance(WorkspaceOwned):
    """A person at an event: one you knew already, or someone you first met there (*new*)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="attendances")
    new = models.BooleanField(default=False, help_text="You first met them there")
    note = models.CharField(max_length=500, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "contact"], name="events_attendance_once")
        ]
        indexes = [models.Index(fields=["contact", "event"], name="events_attendance_contact")]

    def __str__(self) -> str:
        return f"{self.contact_id} at {self.event_id}"
