from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.people.duplicates import contact_merge
from goodwill.people.models import Contact
from goodwill.touchpoints import appreciation, services
from goodwill.touchpoints.models import Due, DueState


class AppreciationTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )
        self.priya = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Priya"
        )

    def log(self, kind, *contacts, **extra):
        return services.interaction_log(
            self.workspace,
            actor=self.owner,
            kind=kind,
            contact_ids=[c.pk for c in contacts],
            **extra,
        )

    def open_dues(self):
        return [(d.contact_id, d.reason) for d in appreciation.open_dues(self.workspace)]

    def test_a_referral_owes_the_introducer_a_thank_you_once(self):
        maria = people.contact_create(
            self.workspace,
            actor=self.owner,
            kind="prospect",
            first_name="Maria",
            introduced_by=self.dan.pk,
        )
        due = Due.objects.get()
        assert (due.contact_id, due.kind, due.reason) == (self.dan.pk, "thank_you", "referral")
        assert due.label == "Thank-you for a referral: introduced Maria"
        people.contact_update(maria, actor=self.owner, first_name="María")
        assert Due.objects.count() == 1
        people.contact_update(maria, actor=self.owner, introduced_by=self.priya.pk)
        assert self.open_dues() == [(self.dan.pk, "referral"), (self.priya.pk, "referral")]

    def test_a_thank_you_logged_after_the_event_settles_it_and_deleting_it_reopens(self):
        due, _ = appreciation.owe(self.dan, reason="purchase", about="Spring catalogue")
        self.log("call", self.dan)
        assert self.open_dues() == [(self.dan.pk, "purchase")]
        thanks = self.log("thank_you", self.dan)
        due.refresh_from_db()
        assert (due.state, due.settled_by_id) == (DueState.SETTLED, thanks.pk)
        assert self.open_dues() == []
        services.interaction_delete(thanks)
        assert self.open_dues() == [(self.dan.pk, "purchase")]

    def test_a_thank_you_before_the_event_does_not_count(self):
        self.log("thank_you", self.dan, occurred_at=timezone.now() - timedelta(days=3))
        appreciation.owe(self.dan, reason="delivery", event_at=timezone.now() - timedelta(days=1))
        assert self.open_dues() == [(self.dan.pk, "delivery")]

    def test_a_thank_you_logged_first_settles_a_due_raised_later_for_an_earlier_event(self):
        self.log("thank_you", self.dan)
        due, _ = appreciation.owe(
            self.dan, reason="purchase", event_at=timezone.now() - timedelta(hours=2)
        )
        assert due.state == DueState.SETTLED

    def test_a_lost_deal_owes_a_follow_up_that_any_touch_of_ours_settles(self):
        due, _ = appreciation.owe(self.dan, reason="lost_deal", about="Website redesign")
        assert due.kind == "follow_up"
        assert due.label == "Follow-up after a lost deal: Website redesign"
        self.log("email", self.dan, direction="theirs")
        assert self.open_dues() == [(self.dan.pk, "lost_deal")]
        self.log("email", self.dan)
        assert self.open_dues() == []

    def test_a_first_meeting_in_person_owes_a_thank_you_to_each_new_face(self):
        self.log("meal", self.dan, occurred_at=timezone.now() - timedelta(days=10))
        assert self.open_dues() == [(self.dan.pk, "first_meeting")]
        lunch = self.log("meal", self.dan, self.priya)
        assert self.open_dues() == [
            (self.dan.pk, "first_meeting"),
            (self.priya.pk, "first_meeting"),
        ]
        self.log("call", self.priya)
        assert len(self.open_dues()) == 2
        services.interaction_delete(lunch)
        assert self.open_dues() == [(self.dan.pk, "first_meeting")]

    def test_old_first_meetings_and_calls_owe_nothing(self):
        self.log("meeting", self.dan, occurred_at=timezone.now() - timedelta(days=90))
        self.log("call", self.priya)
        assert self.open_dues() == []

    def test_the_same_source_raises_once_and_withdraw_takes_it_back(self):
        first, created = appreciation.owe(self.dan, reason="purchase", source="purchase:1")
        again, again_created = appreciation.owe(self.dan, reason="purchase", source="purchase:1")
        assert (first.pk, created, again_created) == (again.pk, True, False)
        assert appreciation.withdraw(self.workspace, "purchase:1") == 1
        assert not Due.objects.exists()

    def test_dismissed_stays_dismissed(self):
        due, _ = appreciation.owe(self.dan, reason="other", about="Lent me a ladder")
        appreciation.dismiss(due)
        self.log("thank_you", self.dan)
        due.refresh_from_db()
        assert due.state == DueState.DISMISSED
        with pytest.raises(ValidationError):
            appreciation.dismiss(due)

    def test_bad_input_is_refused_and_nothing_is_stored(self):
        for bad in (
            {"reason": "bribe"},
            {"reason": "purchase", "kind": "sorry"},
            {"reason": "purchase", "about": "x" * 201},
            {"reason": "purchase", "event_at": timezone.now() + timedelta(days=3)},
        ):
            with pytest.raises(ValidationError):
                appreciation.owe(self.dan, **bad)
        assert not Due.objects.exists()

    def test_merging_keeps_the_dues_and_refreshes_clock_and_rapport(self):
        twin = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Daniel", last_name="Ortiz"
        )
        meal = self.log("meal", twin)
        contact_merge(self.dan, twin, actor=self.owner)
        dan = Contact.objects.get(pk=self.dan.pk)
        assert dan.last_touch_at == meal.occurred_at
        assert dan.rapport_score.score > 0
        assert self.open_dues() == [(self.dan.pk, "first_meeting")]
