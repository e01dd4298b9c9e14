from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from goodwill.agenda.services import today_in
from goodwill.core.demo import build_demo
from goodwill.core.scoping import scoped
from goodwill.core.testing import GoodwillTestCase
from goodwill.events import services
from goodwill.events.models import Attendance, Event
from goodwill.events.sweeps import raise_event_follow_ups
from goodwill.people import services as people
from goodwill.people.models import Contact
from goodwill.touchpoints.models import Due, DueKind, DueState, InteractionKind
from goodwill.touchpoints.services import interaction_log


class EventCase(GoodwillTestCase):
    def setUp(self):
        self.today = today_in(self.workspace)
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )
        self.aisha = people.contact_create(
            self.workspace, actor=self.owner, kind="prospect", first_name="Aisha"
        )

    def event(self, days: int = -3, **extra):
        arguments = {"name": "Design Week", "starts_on": self.today + timedelta(days=days)}
        return services.event_create(self.workspace, actor=self.owner, **{**arguments, **extra})

    def dues(self):
        return scoped(Due, self.workspace).filter(source__startswith="event:")


class FollowUpTests(EventCase):
    def test_a_new_person_met_at_a_past_event_is_owed_one_follow_up(self):
        event = self.event(days=-3)
        services.attendee_add(event, self.aisha, new=True)
        services.attendee_add(event, self.dan)
        due = self.dues().get()
        assert (due.contact, due.kind, due.reason) == (self.aisha, DueKind.FOLLOW_UP, "event")
        assert due.label == "Follow-up after meeting them at an event: Design Week"
        end = datetime.combine(event.starts_on, time(23, 59, 59), tzinfo=self.workspace.zone)
        assert due.event_at == end
        assert services.follow_ups_raise(event) == 1
        raise_event_follow_ups(timezone.now())
        assert self.dues().count() == 1

    def test_an_event_today_is_over_but_one_tomorrow_is_not(self):
        today = self.event(days=0)
        services.attendee_add(today, self.aisha, new=True)
        assert self.dues().count() == 1
        tomorrow = self.event(days=1, name="Meetup")
        services.attendee_add(tomorrow, self.dan, new=True)
        assert self.dues().count() == 1

    def test_the_sweep_raises_them_once_the_event_is_over_and_only_once(self):
        event = self.event(days=2, ends_on=self.today + timedelta(days=4))
        services.attendee_add(event, self.aisha, new=True)
        services.attendee_add(event, self.dan)
        assert raise_event_follow_ups(timezone.now()) == 0
        # Days pass: it started yesterday and ends today, then it ended yesterday.
        Event.objects.filter(pk=event.pk).update(
            starts_on=self.today - timedelta(days=1), ends_on=self.today + timedelta(days=1)
        )
        assert raise_event_follow_ups(timezone.now()) == 0
        assert not self.dues().exists()
        Event.objects.filter(pk=event.pk).update(
            starts_on=self.today - timedelta(days=3), ends_on=self.today - timedelta(days=1)
        )
        assert raise_event_follow_ups(timezone.now()) == 1
        assert raise_event_follow_ups(timezone.now()) == 0
        event.refresh_from_db()
        assert event.follow_ups_raised_at is not None
        assert services.follow_ups_raise(event) == 1  # asked again, raised once all the same
        assert list(self.dues().values_list("contact", flat=True)) == [self.aisha.pk]
        # The other workspace's events are its own: nothing there to raise.
        assert not scoped(Due, self.other_workspace).exists()

    def test_a_touch_after_the_event_settles_it(self):
        event = self.event(days=-3)
        services.attendee_add(event, self.aisha, new=True)
        interaction_log(
            self.workspace, actor=self.owner, kind=InteractionKind.EMAIL,
            contact_ids=[self.aisha.pk], direction="ours", note="Lovely to meet you",
        )  # fmt: skip
        assert self.dues().get().state == DueState.SETTLED

    def test_removing_the_person_or_deleting_the_event_takes_open_follow_ups_back(self):
        event = self.event(days=-3)
        services.attendee_add(event, self.aisha, new=True)
        services.attendee_add(event, self.dan, new=True)
        other = self.event(days=-10, name="Fair")
        services.attendee_add(other, self.aisha, new=True)
        assert self.dues().count() == 3
        services.attendee_remove(Attendance.objects.get(event=event, contact=self.aisha))
        assert set(self.dues().values_list("source", "contact")) == {
            (f"event:{event.pk}", self.dan.pk),
            (f"event:{other.pk}", self.aisha.pk),
        }
        services.event_delete(event)
        assert list(self.dues().values_list("source", flat=True)) == [f"event:{other.pk}"]
        assert Contact.objects.filter(pk=self.dan.pk).exists()

    def test_moving_an_event_into_the_future_takes_its_follow_ups_back_until_then(self):
        event = self.event(days=-3)
        services.attendee_add(event, self.aisha, new=True)
        services.event_update(event, starts_on=self.today + timedelta(days=7))
        assert not self.dues().exists()
        assert event.follow_ups_raised_at is None
        services.event_update(event, starts_on=self.today - timedelta(days=1))
        end = datetime.combine(event.starts_on, time(23, 59, 59), tzinfo=self.workspace.zone)
        assert self.dues().get().event_at == end

    def test_someone_new_is_added_on_the_spot(self):
        event = self.event(days=-1)
        attendance = services.attendee_add_new(
            event, actor=self.owner, first_name=" Lena ", last_name="Berg",
            email="Lena@Berg.example", note="Wants a logo",
        )  # fmt: skip
        lena = attendance.contact
        assert (lena.display_name, lena.kind, lena.met_at) == ("Lena Berg", "prospect", event.name)
        assert list(lena.emails.values_list("address", flat=True)) == ["lena@berg.example"]
        assert (attendance.new, attendance.note) == (True, "Wants a logo")
        assert self.dues().get().contact == lena
        with pytest.raises(ValidationError, match="Lena Berg"):
            services.attendee_add_new(
                event, actor=self.owner, first_name="L", email="lena@berg.example"
            )
        with pytest.raises(ValidationError, match="not an e-mail"):
            services.attendee_add_new(event, actor=self.owner, first_name="X", email="nope")
        with pytest.raises(ValidationError):
            services.attendee_add_new(event, actor=self.owner, first_name=" ")
        assert Contact.objects.filter(workspace=self.workspace).count() == 3


class RuleTests(EventCase):
    def test_bad_events_are_refused(self):
        for bad, field in (
            ({"name": " "}, "name"),
            ({"name": "x" * 201}, "name"),
            ({"kind": "party"}, "kind"),
            ({"ends_on": date(2020, 1, 1)}, "ends_on"),
            ({"notes": "x" * 1_000_000}, "notes"),
            ({"starts_on": date(1800, 1, 1)}, "starts_on"),
        ):
            with pytest.raises(ValidationError) as caught:
                self.event(**bad)
            assert field in caught.value.message_dict, bad
        assert not Event.objects.exists()

    def test_a_person_is_on_the_list_once_and_only_from_the_workspace(self):
        event = self.event()
        services.attendee_add(event, self.dan)
        with pytest.raises(ValidationError, match="already"):
            services.attendee_add(event, self.dan, new=True)
        zed = people.contact_create(
            self.other_workspace, actor=self.outsider, kind="friend", first_name="Zed"
        )
        with pytest.raises(ValidationError):
            services.attendee_add(event, zed)
        with pytest.raises(ValidationError, match="note"):
            services.attendee_add(event, self.aisha, note="x" * 501)
        assert Attendance.objects.count() == 1

    def test_a_one_day_event_has_no_last_day(self):
        event = self.event(days=0, ends_on=self.today)
        assert event.ends_on is None
        assert event.last_day == self.today


class ListTests(EventCase):
    def test_upcoming_events_come_first_the_soonest_first_then_past_the_latest_first(self):
        for days, name in ((-30, "Long ago"), (10, "Later"), (-1, "Yesterday"), (2, "Soon")):
            self.event(days=days, name=name)
        self.event(days=-2, ends_on=self.today + timedelta(days=1), name="Under way")
        names = [e.name for e in services.events_listed(self.workspace)]
        assert names == ["Under way", "Soon", "Later", "Yesterday", "Long ago"]

    def test_the_contact_panel_lists_their_events(self):
        event = self.event(name="Print Expo")
        services.attendee_add(event, self.aisha, new=True)
        self.login(self.owner)
        page = self.client.get(f"/people/{self.aisha.pk}/")
        self.assertContains(page, "Print Expo")
        self.assertContains(page, "first met here")


class DemoTests(GoodwillTestCase):
    def test_the_demo_has_design_week_with_aisha_and_an_upcoming_meetup(self):
        workspace = build_demo()
        build_demo()
        events = list(scoped(Event, workspace).order_by("starts_on"))
        assert [e.name for e in events] == [
            "Nordic Design Week 2026",
            "Creative Mornings Stockholm",
        ]
        attendees = scoped(Attendance, workspace).filter(event=events[0])
        assert {(a.contact.first_name, a.new) for a in attendees} == {
            ("Aisha", True),
            ("Dan", False),
        }
        assert scoped(Due, workspace).filter(source=f"event:{events[0].pk}").count() == 1
