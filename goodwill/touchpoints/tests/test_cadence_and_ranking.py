from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.people.models import Contact
from goodwill.touchpoints import services


class CadenceDefaultsTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        self.own = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Own", cadence_days=10
        )
        self.eve = people.contact_create(
            self.workspace, actor=self.owner, kind="friend", first_name="Eve"
        )
        self.elsewhere = people.contact_create(
            self.other_workspace, actor=self.outsider, kind="client", first_name="Zed"
        )

    def due(self, contact):
        return Contact.objects.get(pk=contact.pk).touch_due_at

    def test_a_workspace_default_moves_those_who_follow_it_only(self):
        dan_before, own_before, eve_before = (
            self.due(self.dan),
            self.due(self.own),
            self.due(self.eve),
        )
        zed_before = self.due(self.elsewhere)
        people.cadence_defaults_set(self.workspace, {"client": 14})
        assert self.due(self.dan) == dan_before - timedelta(days=16)
        assert (self.due(self.own), self.due(self.eve)) == (own_before, eve_before)
        assert self.due(self.elsewhere) == zed_before
        assert Contact.objects.get(pk=self.dan.pk).effective_cadence_days == 14
        people.cadence_defaults_set(self.workspace, {"client": None})
        assert self.due(self.dan) == dan_before

    def test_the_due_day_is_right_across_daylight_saving(self):
        # A touch at 09:00 in Chicago before DST ends is due 30 days of 24 hours later: 08:00
        # by the wall clock after the change, on the right day.
        self.workspace.time_zone = "America/Chicago"
        self.workspace.save()
        chicago = ZoneInfo("America/Chicago")
        touched = datetime(2026, 10, 20, 9, 0, tzinfo=chicago)
        Contact.objects.filter(pk=self.dan.pk).update(created_at=touched - timedelta(days=1))
        services.interaction_log(
            self.workspace,
            actor=self.owner,
            kind="call",
            contact_ids=[self.dan.pk],
            occurred_at=touched,
        )
        due = self.due(self.dan).astimezone(chicago)
        assert due == touched.astimezone(ZoneInfo("UTC")) + timedelta(days=30)
        assert (due.month, due.day, due.hour) == (11, 19, 8)

    def test_the_page_is_for_owners_and_refuses_bad_input(self):
        self.login(self.assistant)
        assert self.client.get("/keep-in-touch/cadences/").status_code == 200
        assert self.client.post("/keep-in-touch/cadences/", {"client": "14"}).status_code == 403
        self.login(self.owner)
        assert self.client.post("/keep-in-touch/cadences/", {"client": "0"}).status_code == 400
        assert self.client.post("/keep-in-touch/cadences/", {"client": "abc"}).status_code == 400
        self.workspace.refresh_from_db()
        assert self.workspace.cadence_defaults == {}
        assert self.client.post("/keep-in-touch/cadences/", {"client": "14"}).status_code == 302
        self.workspace.refresh_from_db()
        assert self.workspace.cadence_defaults == {"client": 14}
        self.assertContains(self.client.get(f"/people/{self.dan.pk}/"), "Every 14 days")

    def test_the_api(self):
        listed = {row["kind"]: row for row in self.api("GET", "cadences").json()}
        assert listed["client"] == {"kind": "client", "days": 30, "default": 30, "custom": False}
        changed = self.api("PUT", "cadences", body={"client": 21, "friend": None})
        assert changed.status_code == 200
        assert {r["kind"]: r["days"] for r in changed.json()}["client"] == 21
        for bad in ({"client": 0}, {"robot": 5}, {"client": "often"}):
            assert self.api("PUT", "cadences", body=bad).status_code == 422, bad
        denied = self.api("PUT", "cadences", token=self.assistant_token, body={"client": 5})
        assert denied.status_code == 403
        outsider = self.api("GET", "cadences", token=self.outsider_token).json()
        assert {r["kind"]: r["days"] for r in outsider}["client"] == 30
        self.workspace.refresh_from_db()
        assert self.workspace.cadence_defaults == {"client": 21}


class RapportSortTests(GoodwillTestCase):
    def setUp(self):
        self.amy, self.bob, self.cat = (
            people.contact_create(self.workspace, actor=self.owner, kind=kind, first_name=name)
            for name, kind in (("Amy", "client"), ("Bob", "client"), ("Cat", "friend"))
        )
        services.interaction_log(
            self.workspace, actor=self.owner, kind="visit_home", contact_ids=[self.cat.pk]
        )
        services.interaction_log(
            self.workspace, actor=self.owner, kind="email", contact_ids=[self.bob.pk]
        )

    def test_the_list_and_the_api_sort_by_rapport(self):
        self.login(self.owner)
        page = self.client.get("/people/?sort=rapport").content.decode()
        assert page.index("Cat") < page.index("Bob") < page.index("Amy")
        by_name = self.client.get("/people/").content.decode()
        assert by_name.index("Amy") < by_name.index("Bob") < by_name.index("Cat")
        items = self.api("GET", "contacts?sort=rapport").json()["items"]
        assert [i["first_name"] for i in items] == ["Cat", "Bob", "Amy"]
        assert items[0]["rapport"] > items[1]["rapport"] > items[2]["rapport"] == 0
        clients = self.api("GET", "contacts?sort=rapport&kind=client").json()["items"]
        assert [i["first_name"] for i in clients] == ["Bob", "Amy"]
        assert self.api("GET", "contacts?sort=closeness").status_code == 422

    def test_the_depth_ladder_totals_by_kind(self):
        everyone = self.api("GET", "rapport/ladder").json()
        assert everyone == {
            "meals": 0,
            "home_visits": 1,
            "gifts": 0,
            "circle_gifts": 0,
            "people": 1,
        }
        assert self.api("GET", "rapport/ladder?kind=client").json()["home_visits"] == 0
        assert self.api("GET", "rapport?kind=client").json()["count"] == 1
        assert self.api("GET", "rapport/ladder", token=self.outsider_token).json()["people"] == 0
        self.login(self.owner)
        page = self.client.get("/relationships/?kind=friend")
        self.assertContains(page, "The depth ladder of your friends")
        self.assertNotContains(page, "Bob")


class LadderTotalTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        self.eve = people.contact_create(
            self.workspace, actor=self.owner, kind="friend", first_name="Eve"
        )

    def totals(self, kind=""):
        return services.depth_totals(self.workspace, kind)

    def fresh(self, kind=""):
        services.ladder_recompute(self.workspace)
        return services.depth_totals(self.workspace, kind)

    def test_the_stored_totals_follow_every_change(self):
        log = services.interaction_log
        dinner = log(
            self.workspace,
            actor=self.owner,
            kind="visit_home",
            contact_ids=[self.dan.pk, self.eve.pk],
        )
        log(self.workspace, actor=self.owner, kind="meal", contact_ids=[self.eve.pk])
        assert self.totals() == services.Ladder(meals=1, home_visits=2, people=2)
        assert self.totals("friend") == services.Ladder(meals=1, home_visits=1, people=1)
        services.interaction_update(dinner, kind="call")
        assert self.totals() == services.Ladder(meals=1, people=1)
        people.contact_update(self.eve, actor=self.owner, kind="client")
        services.rapport_refresh(self.workspace, [self.eve.pk])
        assert self.totals("client") == services.Ladder(meals=1, people=1)
        assert self.totals("friend") == services.Ladder()
        people.contact_erase(Contact.objects.get(pk=self.eve.pk), actor=self.owner)
        assert self.totals() == services.Ladder()
        assert self.fresh() == self.totals()

    def test_the_other_workspace_is_apart(self):
        zed = people.contact_create(
            self.other_workspace, actor=self.outsider, kind="client", first_name="Zed"
        )
        services.interaction_log(
            self.other_workspace, actor=self.outsider, kind="meal", contact_ids=[zed.pk]
        )
        assert self.totals() == services.Ladder()
        assert services.depth_totals(self.other_workspace).meals == 1


class CappedCountTests(GoodwillTestCase):
    def test_lists_count_up_to_the_cap_and_say_so(self):
        for name in ("Amy", "Bob", "Cat"):
            people.contact_create(self.workspace, actor=self.owner, kind="client", first_name=name)
        Contact.objects.update(touch_due_at=timezone.now() - timedelta(days=1))
        body = self.api("GET", "overdue").json()
        assert (body["count"], body["count_exact"], len(body["items"])) == (3, True, 3)
        with mock.patch("goodwill.api.platform.COUNT_CAP", 2):
            body = self.api("GET", "overdue?limit=1&offset=2").json()
        assert (body["count"], body["count_exact"], len(body["items"])) == (2, False, 1)

    def test_the_overdue_api_costs_the_same_for_3_or_6_rows(self):
        def queries(n):
            for number in range(n):
                people.contact_create(
                    self.workspace, actor=self.owner, kind="client", first_name=f"P{number}"
                )
            Contact.objects.update(touch_due_at=timezone.now() - timedelta(days=1))
            with CaptureQueriesContext(connection) as captured:
                assert len(self.api("GET", "overdue").json()["items"]) == Contact.objects.count()
            return len(captured)

        self.api("GET", "overdue")  # the token's first use is recorded once
        assert queries(3) == queries(3)
