from datetime import timedelta

from django.utils import timezone

from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.people.models import Contact
from goodwill.touchpoints import appreciation, services
from goodwill.touchpoints.models import Due, DueState, Interaction


class ThanksPageTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        self.due, _ = appreciation.owe(self.dan, reason="purchase", about="Spring catalogue")
        self.login(self.assistant)

    def test_the_list_logs_the_thank_you_in_one_click(self):
        page = self.client.get("/thanks/")
        self.assertContains(page, "Thank-you for a purchase: Spring catalogue")
        response = self.client.post(f"/thanks/{self.due.pk}/done/", {"next": "/thanks/"})
        assert response.status_code == 302
        self.due.refresh_from_db()
        assert self.due.state == DueState.SETTLED
        assert Interaction.objects.get().kind == "thank_you"
        self.assertContains(self.client.get("/thanks/"), "Nobody is waiting")
        again = self.client.post(f"/thanks/{self.due.pk}/done/")
        assert again.status_code == 302
        assert Interaction.objects.count() == 1

    def test_dismiss_and_the_contact_page_panel(self):
        self.assertContains(self.client.get(f"/people/{self.dan.pk}/"), "Spring catalogue")
        self.client.post(f"/thanks/{self.due.pk}/dismiss/")
        self.due.refresh_from_db()
        assert self.due.state == DueState.DISMISSED
        self.assertContains(self.client.get(f"/people/{self.dan.pk}/"), "Nothing owed right now")

    def test_noting_one_by_hand_and_bad_input(self):
        response = self.client.post(
            f"/people/{self.dan.pk}/owe/", {"reason": "delivery", "about": "Logo files"}
        )
        assert response.status_code == 302
        assert Due.objects.filter(reason="delivery", about="Logo files").exists()
        for bad in ({"reason": "bribe"}, {"reason": "purchase", "about": "x" * 201}):
            response = self.client.post(f"/people/{self.dan.pk}/owe/", bad)
            assert response.status_code == 400
        assert Due.objects.count() == 2

    def test_an_outsider_gets_404_and_sees_nothing(self):
        self.login(self.outsider)
        assert self.client.post(f"/thanks/{self.due.pk}/done/").status_code == 404
        assert self.client.post(f"/thanks/{self.due.pk}/dismiss/").status_code == 404
        assert (
            self.client.post(f"/people/{self.dan.pk}/owe/", {"reason": "other"}).status_code == 404
        )
        self.assertNotContains(self.client.get("/thanks/"), "Dan")
        self.assertNotContains(self.client.get("/"), "Dan")
        self.due.refresh_from_db()
        assert self.due.state == DueState.OPEN
        assert not Interaction.objects.exists()


class DuesApiTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )

    def test_raise_once_per_source_list_and_dismiss(self):
        body = {
            "contact": self.dan.pk,
            "reason": "lost_deal",
            "about": "Redesign",
            "source": "deal:7",
        }
        first = self.api("POST", "dues", body=body)
        assert first.status_code == 201
        assert (first.json()["kind"], first.json()["state"]) == ("follow_up", "open")
        again = self.api("POST", "dues", body=body)
        assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
        listed = self.api("GET", f"dues?contact={self.dan.pk}").json()
        assert [item["label"] for item in listed["items"]] == [
            "Follow-up after a lost deal: Redesign"
        ]
        dismissed = self.api("POST", f"dues/{first.json()['id']}/dismiss")
        assert dismissed.json()["state"] == "dismissed"
        assert self.api("GET", "dues").json()["count"] == 0
        assert self.api("GET", "dues?state=all").json()["count"] == 1
        assert self.api("POST", f"dues/{first.json()['id']}/dismiss").status_code == 422

    def test_a_thank_you_logged_through_the_api_settles_it(self):
        due = self.api("POST", "dues", body={"contact": self.dan.pk, "reason": "referral"}).json()
        thanks = self.api(
            "POST", "interactions", body={"kind": "thank_you", "contacts": [self.dan.pk]}
        ).json()
        settled = self.api("GET", f"dues/{due['id']}").json()
        assert (settled["state"], settled["settled_by"]) == ("settled", thanks["id"])

    def test_bad_input_is_422_and_changes_nothing(self):
        future = (timezone.now() + timedelta(days=5)).isoformat()
        for body in (
            {"contact": self.dan.pk, "reason": "bribe"},
            {"contact": self.dan.pk, "reason": "purchase", "about": "x" * 201},
            {"contact": self.dan.pk, "reason": "purchase", "event_at": future},
            {"contact": self.dan.pk, "reason": "purchase", "kind": "sorry"},
            {"reason": "purchase"},
        ):
            assert self.api("POST", "dues", body=body).status_code == 422, body
        assert (
            self.api("POST", "dues", body={"contact": 999999, "reason": "other"}).status_code == 404
        )
        assert not Due.objects.exists()

    def test_an_outsider_gets_404(self):
        due, _ = appreciation.owe(self.dan, reason="purchase")
        token = self.outsider_token
        assert self.api("GET", f"dues/{due.pk}", token=token).status_code == 404
        assert self.api("POST", f"dues/{due.pk}/dismiss", token=token).status_code == 404
        assert self.api("GET", f"dues?contact={self.dan.pk}", token=token).status_code == 404
        body = {"contact": self.dan.pk, "reason": "other"}
        assert self.api("POST", "dues", token=token, body=body).status_code == 404
        assert self.api("GET", "dues", token=token).json()["count"] == 0
        due.refresh_from_db()
        assert due.state == DueState.OPEN
        assert Due.objects.count() == 1


class DashboardTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )
        self.danielle = people.contact_create(
            self.workspace,
            actor=self.owner,
            kind="client",
            first_name="Danielle",
            last_name="Ortiz",
        )
        Contact.objects.update(touch_due_at=timezone.now() - timedelta(days=3))
        appreciation.owe(self.dan, reason="purchase", about="Spring catalogue")
        self.login(self.owner)

    def test_the_dashboard_shows_who_is_due_and_what_is_owed(self):
        page = self.client.get("/")
        self.assertContains(page, "Log a touch")
        self.assertContains(page, "2 due a touch")
        self.assertContains(page, "1 thanks owed")
        self.assertContains(page, "Spring catalogue")

    def test_a_touch_from_the_dashboard_by_name_or_by_choice(self):
        response = self.client.post(
            "/touch/", {"who": "Danielle", "kind": "meal", "direction": "ours"}
        )
        assert response.status_code == 302
        assert Interaction.objects.get().participations.get().contact_id == self.danielle.pk
        ambiguous = self.client.post(
            "/touch/", {"who": "Ortiz", "kind": "call", "direction": "ours", "note": "kept"}
        )
        assert ambiguous.status_code == 200
        self.assertContains(ambiguous, "People matching")
        self.assertContains(ambiguous, "kept")
        chosen = self.client.post(
            "/touch/", {"who": "Ortiz", "contact": self.dan.pk, "kind": "call", "direction": "ours"}
        )
        assert chosen.status_code == 302
        assert services.interaction_participants(Interaction.objects.latest("id")) == [self.dan]

    def test_bad_input_and_outsiders(self):
        for bad in (
            {"who": "Nobody Here", "kind": "call", "direction": "ours"},
            {"who": "", "kind": "call", "direction": "ours"},
            {"who": "Dan", "kind": "seance", "direction": "ours"},
        ):
            assert self.client.post("/touch/", bad).status_code == 400, bad
        self.login(self.outsider)
        chosen = {"contact": self.dan.pk, "kind": "call", "direction": "ours"}
        assert self.client.post("/touch/", chosen).status_code == 404
        assert (
            self.client.post("/touch/", {**chosen, "contact": "", "who": "Dan"}).status_code == 400
        )
        self.assertNotContains(self.client.get("/"), "Ortiz")
        assert not Interaction.objects.exists()
