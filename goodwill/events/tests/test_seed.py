import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from goodwill.accounts.models import Workspace
from goodwill.agenda.services import today_in
from goodwill.events.models import Attendance, Event
from goodwill.events.sweeps import raise_event_follow_ups


@pytest.mark.django_db
def test_seeded_events_have_people_and_past_ones_are_followed_up():
    call_command(
        "seed", "--workspace", "events", "--contacts", "1000",
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    workspace = Workspace.objects.get(slug="events")
    events = Event.objects.filter(workspace=workspace)
    assert events.count() == 2  # about one per 500 contacts
    today = today_in(workspace)
    for event in events:
        people = Attendance.objects.filter(event=event).count()
        assert 5 <= people <= 40
        assert (event.follow_ups_raised_at is None) == (event.last_day > today)
    # The sweep does not raise three years of follow-ups on its first round.
    assert raise_event_follow_ups(timezone.now()) == 0
