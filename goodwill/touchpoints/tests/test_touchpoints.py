from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.people.models import Contact, TimelineEntry
from goodwill.touchpoints import services
from goodwill.touchpoints.models import Interaction, Participation


class TouchTests(GoodwillTestCase):
    def setUp(self):
        long_ago = timezone.now() - timedelta(days=100)
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        self.priya = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Priya"
        )
        self.eve = people.contact_create(
            self.workspace, actor=self.owner, kind="friend", first_name="Eve"
        )
        for contact in (self.dan, self.priya, self.eve):
            Contact.objects.filter(pk=contact.pk).update(created_at=long_ago)
            contact.refresh_from_db()
            contact.save()

    def reload(self, contact):
        return Contact.objects.get(pk=contact.pk)

    def test_a_meal_with_two_people_is_on_both_timelines_and_resets_both_clocks(self):
        assert set(services.overdue(self.workspace)) == {self.dan, self.priya, self.eve}
        meal = services.interaction_log(
            self.workspace,
            actor=self.owner,
            kind="meal",
            contact_ids=[self.dan.pk, self.priya.pk],
            note="Lunch",
        )
        titles = dict(
            TimelineEntry.objects.filter(kind="interaction").values_list("contact_id", "title")
        )
        assert titles == {self.dan.pk: "Meal with Priya", self.priya.pk: "Meal with Dan"}
        assert list(services.overdue(self.workspace)) == [self.eve]
        dan = self.reload(self.dan)
        assert dan.last_touch_at == meal.occurred_at
        assert dan.touch_due_at == meal.occurred_at + timedelta(days=30)

    def test_an_older_touch_does_not_move_the_clock_back(self):
        recent = services.interaction_log(
            self.workspace, actor=self.owner, kind="call", contact_ids=[self.dan.pk]
        )
        services.interaction_log(
            self.workspace,
            actor=self.owner,
            kind="email",
            contact_ids=[self.dan.pk],
            occurred_at=timezone.now() - timedelta(days=40),
        )
        assert self.reload(self.dan).last_touch_at == recent.occurred_at

    def test_deleting_or_moving_a_touch_puts_the_clock_back(self):
        old = services.interaction_log(
            self.workspace, actor=self.owner, kind="call", contact_ids=[self.dan.pk],
            occurred_at=timezone.now() - timedelta(days=10),
        )  # fmt: skip
        new = services.interaction_log(
            self.workspace, actor=self.owner, kind="meal", contact_ids=[self.dan.pk]
        )
        services.interaction_delete(new)
        assert self.reload(self.dan).last_touch_at == old.occurred_at
        assert not TimelineEntry.objects.filter(data__interaction_id=new.pk).exists()
        services.interaction_update(old, contact_ids=[self.priya.pk])
        assert self.reload(self.dan).last_touch_at is None
        assert self.reload(self.priya).last_touch_at == old.occurred_at
        assert TimelineEntry.objects.get(data__interaction_id=old.pk).contact_id == self.priya.pk

    def test_bad_touches_are_refused_and_nothing_is_stored(self):
        stranger = people.contact_create(
            self.other_workspace, actor=self.outsider, kind="friend", first_name="S"
        )
        cases: list[dict[str, Any]] = [
            {"kind": "call", "contact_ids": []},
            {"kind": "call", "contact_ids": [999999]},
            {"kind": "call", "contact_ids": [stranger.pk]},
            {"kind": "seance", "contact_ids": [self.dan.pk]},
            {"kind": "call", "contact_ids": [self.dan.pk], "direction": "sideways"},
            {
                "kind": "call",
                "contact_ids": [self.dan.pk],
                "occurred_at": timezone.now() + timedelta(days=30),
            },
        ]
        for case in cases:
            with self.assertRaises(ValidationError):
                services.interaction_log(self.workspace, actor=self.owner, **case)
        assert not Interaction.objects.exists()
        assert self.reload(self.dan).last_touch_at is None

    def test_snoozing_puts_off_the_next_touch_until_a_touch_is_logged(self):
        services.touch_snooze(self.eve, days=7)
        assert self.eve not in services.overdue(self.workspace)
        assert self.eve in services.overdue(self.workspace, timezone.now() + timedelta(days=8))
        with self.assertRaises(ValidationError):
            services.touch_snooze(self.eve, days=0)
        services.interaction_log(
            self.workspace, actor=self.owner, kind="call", contact_ids=[self.eve.pk]
        )
        assert self.reload(self.eve).touch_snoozed_until is None

    def test_the_cadence_follows_the_kind_unless_set(self):
        assert self.dan.effective_cadence_days == 30
        assert self.eve.effective_cadence_days == 60
        people.contact_update(self.dan, actor=self.owner, cadence_days=7)
        assert self.reload(self.dan).touch_due_at == self.dan.created_at + timedelta(days=7)
        people.contacts_bulk_update(self.workspace, [self.eve.pk], kind="client")
        assert self.reload(self.eve).touch_due_at == self.eve.created_at + timedelta(days=30)

    def test_the_overdue_list_is_one_indexed_query(self):
        with self.assertNumQueries(1):
            list(services.overdue(self.workspace)[:50])


class TouchPageTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        self.priya = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Priya"
        )
        self.login(self.assistant)

    def test_one_click_logs_a_call_from_the_contact_page(self):
        page = self.client.get(f"/people/{self.dan.pk}/")
        self.assertContains(page, "Keep in touch")
        response = self.client.post(
            f"/people/{self.dan.pk}/touch/", {"kind": "call", "direction": "ours"}
        )
        self.assertRedirects(response, f"/people/{self.dan.pk}/")
        self.assertContains(self.client.get(f"/people/{self.dan.pk}/"), "Last touch")
        assert Participation.objects.get().contact == self.dan

    def test_a_meal_with_others_by_number_and_bad_input(self):
        url = f"/people/{self.dan.pk}/touch/"
        response = self.client.post(
            url,
            {"kind": "meal", "direction": "ours", "others": f"#{self.priya.pk}", "note": "Lunch"},
        )
        assert response.status_code == 302
        assert Participation.objects.filter(contact=self.priya).exists()
        for bad, message in [
            ({"others": "abc"}, "Give the people"),
            ({"others": "999999"}, "No contact #999999"),
            ({"occurred_at": "2999-01-01T10:00"}, "in the future"),
        ]:
            response = self.client.post(url, {"kind": "call", "direction": "ours", **bad})
            self.assertContains(response, message, status_code=400)
        assert Interaction.objects.count() == 1

    def test_the_overdue_list_logs_and_snoozes(self):
        Contact.objects.update(touch_due_at=timezone.now() - timedelta(days=3))
        page = self.client.get("/keep-in-touch/")
        self.assertContains(page, "Dan")
        self.assertContains(page, "3 days")
        self.client.post(f"/people/{self.dan.pk}/snooze/", {"days": "7", "next": "/keep-in-touch/"})
        self.client.post(
            f"/people/{self.priya.pk}/touch/",
            {"kind": "call", "direction": "ours", "next": "/keep-in-touch/"},
        )
        self.assertContains(self.client.get("/keep-in-touch/"), "Nobody is overdue")

    def test_editing_and_deleting_an_interaction(self):
        meal = services.interaction_log(
            self.workspace, actor=self.owner, kind="meal", contact_ids=[self.dan.pk]
        )
        form = self.client.get(f"/interactions/{meal.pk}/")
        self.assertContains(form, "Meal on")
        response = self.client.post(
            f"/interactions/{meal.pk}/",
            {
                "kind": "visit_home",
                "direction": "theirs",
                "others": f"{self.dan.pk}, {self.priya.pk}",
            },
        )
        assert response.status_code == 302
        meal.refresh_from_db()
        assert (meal.kind, meal.direction) == ("visit_home", "theirs")
        assert Participation.objects.filter(interaction=meal).count() == 2
        self.client.post(f"/interactions/{meal.pk}/delete/")
        assert not Interaction.objects.exists()

    def test_an_outsider_gets_404_everywhere(self):
        meal = services.interaction_log(
            self.workspace, actor=self.owner, kind="meal", contact_ids=[self.dan.pk]
        )
        self.login(self.outsider)
        assert (
            self.client.post(
                f"/people/{self.dan.pk}/touch/", {"kind": "call", "direction": "ours"}
            ).status_code
            == 404
        )
        assert self.client.post(f"/people/{self.dan.pk}/snooze/", {"days": "7"}).status_code == 404
        assert self.client.get(f"/interactions/{meal.pk}/").status_code == 404
        assert self.client.post(f"/interactions/{meal.pk}/delete/").status_code == 404
        self.assertNotContains(self.client.get("/keep-in-touch/"), "Dan")
        assert Interaction.objects.count() == 1


class TouchApiTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        self.priya = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Priya"
        )

    def test_log_list_change_and_delete(self):
        response = self.api(
            "POST", "interactions", body={"kind": "meal", "contacts": [self.dan.pk, self.priya.pk]}
        )
        assert response.status_code == 201
        meal = response.json()
        assert meal["contacts"] == [self.dan.pk, self.priya.pk]
        assert self.api("GET", f"interactions?contact={self.priya.pk}").json()["count"] == 1
        changed = self.api(
            "PATCH",
            f"interactions/{meal['id']}",
            body={"direction": "theirs", "contacts": [self.dan.pk]},
        )
        assert (changed.json()["direction"], changed.json()["contacts"]) == (
            "theirs",
            [self.dan.pk],
        )
        assert self.api("GET", f"interactions?contact={self.priya.pk}").json()["count"] == 0
        assert self.api("DELETE", f"interactions/{meal['id']}").status_code == 204

    def test_bad_input_is_422(self):
        for body in [
            {"kind": "meal", "contacts": []},
            {"kind": "meal", "contacts": [999999]},
            {"kind": "seance", "contacts": [self.dan.pk]},
            {"kind": "meal", "contacts": [self.dan.pk], "occurred_at": "2999-01-01T00:00:00Z"},
        ]:
            assert self.api("POST", "interactions", body=body).status_code == 422, body
        assert not Interaction.objects.exists()

    def test_overdue_and_snooze(self):
        Contact.objects.update(touch_due_at=timezone.now() - timedelta(days=1))
        assert self.api("GET", "overdue").json()["count"] == 2
        response = self.api("POST", f"contacts/{self.dan.pk}/snooze", body={"days": 14})
        assert response.status_code == 200
        assert self.api("GET", "overdue").json()["count"] == 1
        assert (
            self.api("POST", f"contacts/{self.dan.pk}/snooze", body={"days": 0}).status_code == 422
        )

    def test_an_outsider_gets_404(self):
        meal = services.interaction_log(
            self.workspace, actor=self.owner, kind="meal", contact_ids=[self.dan.pk]
        )
        token = self.outsider_token
        assert self.api("GET", f"interactions/{meal.pk}", token=token).status_code == 404
        assert (
            self.api(
                "PATCH", f"interactions/{meal.pk}", token=token, body={"note": "x"}
            ).status_code
            == 404
        )
        assert self.api("DELETE", f"interactions/{meal.pk}", token=token).status_code == 404
        assert (
            self.api("GET", f"interactions?contact={self.dan.pk}", token=token).status_code == 404
        )
        assert (
            self.api(
                "POST", f"contacts/{self.dan.pk}/snooze", token=token, body={"days": 7}
            ).status_code
            == 404
        )
        assert (
            self.api(
                "POST",
                "interactions",
                token=token,
                body={"kind": "call", "contacts": [self.dan.pk]},
            ).status_code
            == 422
        )
        assert self.api("GET", "overdue", token=token).json()["count"] == 0
        assert Interaction.objects.count() == 1


class RapportPageTests(GoodwillTestCase):
    def test_the_contact_page_explains_the_score_and_draws_the_year(self):
        dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        self.login(self.owner)
        self.assertContains(self.client.get(f"/people/{dan.pk}/"), "Rapport: 0")
        services.interaction_log(
            self.workspace, actor=self.owner, kind="visit_home", contact_ids=[dan.pk]
        )
        services.interaction_log(
            self.workspace, actor=self.owner, kind="call", contact_ids=[dan.pk], direction="theirs"
        )
        page = self.client.get(f"/people/{dan.pk}/")
        view = services.contact_rapport(dan)
        assert view.now.score > 0
        self.assertContains(page, f"Rapport: {view.now.score}")
        self.assertContains(page, "They reached out 1 of 2 times.")
        self.assertContains(page, "<polyline")
        assert len(view.chart) == 12


class RankingTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        self.tom = people.contact_create(
            self.workspace, actor=self.owner, kind="customer", first_name="Tom"
        )
        services.interaction_log(
            self.workspace, actor=self.owner, kind="visit_home", contact_ids=[self.dan.pk]
        )
        services.interaction_log(
            self.workspace, actor=self.owner, kind="meal", contact_ids=[self.dan.pk, self.tom.pk]
        )
        services.interaction_log(
            self.workspace, actor=self.owner, kind="email", contact_ids=[self.tom.pk],
            occurred_at=timezone.now() - timedelta(days=200),
        )  # fmt: skip

    def test_scores_are_stored_on_every_touch_with_the_depth_counts(self):
        ranking = list(services.best_relationships(self.workspace))
        assert [row.contact for row in ranking] == [self.dan, self.tom]
        dan = ranking[0]
        assert (dan.meals, dan.home_visits) == (1, 1)
        assert dan.score == services.contact_rapport(self.dan).now.score

    def test_the_daily_sweep_lets_old_touches_fade(self):
        from goodwill.touchpoints.models import RapportScore
        from goodwill.touchpoints.sweeps import refresh_rapport

        before = RapportScore.objects.get(contact=self.dan).score
        assert refresh_rapport(timezone.now() + timedelta(days=50)) == 2
        assert RapportScore.objects.get(contact=self.dan).score < before

    def test_the_page_and_the_api_rank_the_workspace_only(self):
        self.login(self.assistant)
        page = self.client.get("/relationships/")
        self.assertContains(page, "Dan")
        self.assertContains(page, "<strong>1</strong> has been to your home")
        body = self.api("GET", "rapport").json()
        assert [item["name"] for item in body["items"]] == ["Dan", "Tom"]
        self.login(self.outsider)
        self.assertNotContains(self.client.get("/relationships/"), "Dan")
        assert self.api("GET", "rapport", token=self.outsider_token).json()["count"] == 0

    def test_ranking_is_a_fixed_number_of_queries(self):
        for number in range(10):
            extra = people.contact_create(
                self.workspace, actor=self.owner, kind="client", first_name=f"P{number}"
            )
            services.interaction_log(
                self.workspace, actor=self.owner, kind="call", contact_ids=[extra.pk]
            )
        self.login(self.owner)
        with self.assertNumQueries(7):  # session, user, membership, page, ladder, menu, worker
            self.client.get("/relationships/")
