"""Engagements, purchases, economics, the ranking and prospects in the app and the API."""

from decimal import Decimal

from goodwill.clients import services
from goodwill.clients.models import Engagement, Purchase
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.people.models import Contact, TimelineEntry
from goodwill.touchpoints.models import Due


class PageTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace,
            actor=self.owner,
            kind="client",
            first_name="Dan",
            organization="Ortiz Co",
        )
        self.login(self.assistant)

    def test_propose_win_and_deliver_from_the_pages(self):
        new = f"/people/{self.dan.pk}/engagements/new/"
        self.assertContains(self.client.get(new), "New engagement for Dan")
        bad = {"title": "", "value": "-3", "currency": "EUR", "kind": "project"}
        assert self.client.post(new, bad).status_code == 400
        late = {"title": "Site", "value": "10", "currency": "EUR", "kind": "project",
                "starts_on": "2026-05-02", "ends_on": "2026-05-01"}  # fmt: skip
        self.assertContains(self.client.post(new, late), "cannot be before", status_code=400)
        good = {
            "title": "<b>Rebrand</b>",
            "value": "12000.50",
            "currency": "SEK",
            "kind": "project",
        }
        response = self.client.post(new, good)
        engagement = Engagement.objects.get()
        url = f"/clients/engagements/{engagement.pk}/"
        self.assertRedirects(response, url)
        page = self.client.get(url)
        self.assertContains(page, "&lt;b&gt;Rebrand&lt;/b&gt;")
        self.assertContains(page, "SEK")
        move = f"/clients/engagements/{engagement.pk}/move/"
        self.client.post(move, {"status": "won", "on": "", "reason": ""})
        self.client.post(move, {"status": "delivered", "on": "", "reason": ""})
        engagement.refresh_from_db()
        assert engagement.status == "delivered"
        assert Due.objects.filter(contact=self.dan).count() == 2
        self.client.post(move, {"status": "lost"})  # not from delivered
        engagement.refresh_from_db()
        assert engagement.status == "delivered"
        self.assertContains(self.client.get("/clients/engagements/?status=delivered"), "Rebrand")
        self.assertContains(self.client.get("/clients/?currency=SEK"), "Dan")
        contact_page = self.client.get(f"/people/{self.dan.pk}/")
        self.assertContains(contact_page, "Work and purchases")
        self.assertContains(contact_page, "Delivered: &lt;b&gt;Rebrand&lt;/b&gt;")
        self.client.post(f"/clients/engagements/{engagement.pk}/delete/")
        assert not Engagement.objects.exists()
        assert not TimelineEntry.objects.filter(kind="engagement").exists()

    def test_quick_purchase_and_economics(self):
        url = f"/people/{self.dan.pk}/purchases/new/"
        assert self.client.post(url, {"amount": "-1", "currency": "EUR"}).status_code == 400
        assert self.client.post(url, {"amount": "x", "currency": "EUR"}).status_code == 400
        assert self.client.post(url, {"amount": "5", "currency": "FOO"}).status_code == 400
        assert not Purchase.objects.exists()
        done = self.client.post(url, {"amount": "49.90", "currency": "EUR", "description": "Mugs"})
        assert done.status_code == 302
        assert Purchase.objects.get().amount == Decimal("49.90")
        page = self.client.get(f"/people/{self.dan.pk}/economics/")
        self.assertContains(page, "€49.90")
        self.assertContains(page, "Mugs")
        self.assertContains(
            self.client.get(f"/orgs/{self.dan.organization_id}/economics/"), "€49.90"
        )
        self.assertContains(self.client.get("/clients/"), "Dan")
        purchase = Purchase.objects.get()
        self.client.post(f"/clients/purchases/{purchase.pk}/delete/")
        assert not Purchase.objects.exists()

    def test_a_prospect_becomes_a_client_keeping_everything(self):
        aisha = people.contact_create(
            self.workspace, actor=self.owner, kind="prospect", first_name="Aisha", met_at="Fair"
        )
        people.note_add(aisha, author=self.owner, body="Likes bold type")
        self.assertContains(self.client.get("/clients/prospects/"), "Fair")
        self.client.post(f"/people/{aisha.pk}/convert/", {"kind": "friend"})
        assert Contact.objects.get(pk=aisha.pk).kind == "prospect"
        self.client.post(f"/people/{aisha.pk}/convert/", {"kind": "client"})
        aisha.refresh_from_db()
        assert aisha.kind == "client"
        assert aisha.notes.count() == 1
        assert TimelineEntry.objects.filter(contact=aisha, title="Became a client").exists()
        self.assertContains(self.client.get("/clients/prospects/"), "No prospects yet")

    def test_an_outsider_gets_404_everywhere(self):
        engagement = services.engagement_create(
            self.dan, actor=self.owner, title="Secret", value="1", currency="EUR"
        )
        purchase = services.purchase_create(self.dan, actor=self.owner, amount="3")
        self.login(self.outsider)
        for url in (
            f"/clients/engagements/{engagement.pk}/", f"/clients/engagements/{engagement.pk}/edit/",
            f"/people/{self.dan.pk}/engagements/new/", f"/people/{self.dan.pk}/economics/",
            f"/orgs/{self.dan.organization_id}/economics/",
        ):  # fmt: skip
            assert self.client.get(url).status_code == 404, url
        for url, data in (
            (f"/clients/engagements/{engagement.pk}/move/", {"status": "won"}),
            (f"/clients/engagements/{engagement.pk}/delete/", {}),
            (f"/clients/purchases/{purchase.pk}/delete/", {}),
            (f"/people/{self.dan.pk}/purchases/new/", {"amount": "1", "currency": "EUR"}),
            (f"/people/{self.dan.pk}/convert/", {"kind": "client"}),
        ):
            assert self.client.post(url, data).status_code == 404, url
        for url in ("/clients/", "/clients/engagements/", "/clients/prospects/"):
            self.assertNotContains(self.client.get(url), "Dan")
        engagement.refresh_from_db()
        assert engagement.status == "proposed"
        assert Purchase.objects.count() == 1

    def test_lists_cost_the_same_for_few_and_many(self):
        def count(url):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                assert self.client.get(url).status_code == 200
            return len(queries)

        def grow(n):
            for i in range(n):
                c = people.contact_create(
                    self.workspace, actor=self.owner, kind="client", first_name=f"C{i}"
                )
                services.purchase_create(c, actor=self.owner, amount="10")
                services.engagement_create(
                    c, actor=self.owner, title="x", value="1", currency="EUR"
                )
                people.contact_create(
                    self.workspace, actor=self.owner, kind="prospect", first_name=f"P{i}"
                )

        grow(2)
        urls = ["/clients/", "/clients/engagements/", "/clients/prospects/",
                f"/people/{self.dan.pk}/economics/"]  # fmt: skip
        few = [count(url) for url in urls]
        grow(12)
        assert [count(url) for url in urls] == few


class ApiTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )

    def test_engagements_purchases_and_figures(self):
        body = {"contact": self.dan.pk, "title": "Retainer", "value": "1500.00", "currency": "eur",
                "kind": "retainer", "work": "print"}  # fmt: skip
        created = self.api("POST", "engagements", body=body)
        assert created.status_code == 201, created.content
        engagement = created.json()["id"]
        assert created.json()["currency"] == "EUR"
        moved = self.api("POST", f"engagements/{engagement}/move", body={"status": "won"})
        assert moved.json()["status"] == "won"
        patch = self.api("PATCH", f"engagements/{engagement}", body={"value": "1800"})
        assert Decimal(patch.json()["value"]) == Decimal(1800)
        bought = self.api("POST", "purchases", body={"contact": self.dan.pk, "amount": "20.5"})
        assert bought.status_code == 201
        [eur] = self.api("GET", f"contacts/{self.dan.pk}/economics").json()
        assert (Decimal(eur["last_12_months"]), eur["count"]) == (Decimal("1820.50"), 2)
        ranking = self.api("GET", "clients/ranking").json()
        assert [row["name"] for row in ranking["items"]] == ["Dan"]
        share = self.api("GET", "clients/concentration").json()
        assert share["share"] == 1.0
        assert self.api("GET", f"engagements?contact={self.dan.pk}").json()["count"] == 1
        assert self.api("GET", "purchases").json()["count"] == 1

    def test_bad_input_is_422_and_changes_nothing(self):
        for body in (
            {"contact": self.dan.pk, "title": "x", "value": "-1", "currency": "EUR"},
            {"contact": self.dan.pk, "title": "x", "value": "1.999", "currency": "EUR"},
            {"contact": self.dan.pk, "title": "x", "value": "1", "currency": "QQQ"},
            {"contact": self.dan.pk, "title": "x", "value": "1", "currency": "EUR",
             "starts_on": "2026-02-02", "ends_on": "2026-01-01"},
            {"contact": self.dan.pk, "title": "", "value": "1", "currency": "EUR"},
        ):  # fmt: skip
            assert self.api("POST", "engagements", body=body).status_code == 422, body
        for body in (
            {"contact": self.dan.pk, "amount": "-2"},
            {"contact": self.dan.pk, "amount": "2", "currency": "ZZZ"},
            {"contact": self.dan.pk, "amount": "2", "purchased_on": "2999-01-01"},
        ):
            assert self.api("POST", "purchases", body=body).status_code == 422, body
        assert not Engagement.objects.exists()
        assert not Purchase.objects.exists()

    def test_an_outsider_gets_404(self):
        engagement = services.engagement_create(
            self.dan, actor=self.owner, title="x", value="1", currency="EUR"
        )
        purchase = services.purchase_create(self.dan, actor=self.owner, amount="3")
        token = self.outsider_token
        for method, path, body in (
            ("GET", f"engagements/{engagement.pk}", None),
            ("PATCH", f"engagements/{engagement.pk}", {"title": "y"}),
            ("POST", f"engagements/{engagement.pk}/move", {"status": "won"}),
            ("DELETE", f"engagements/{engagement.pk}", None),
            ("GET", f"purchases/{purchase.pk}", None),
            ("DELETE", f"purchases/{purchase.pk}", None),
            ("GET", f"contacts/{self.dan.pk}/economics", None),
            (
                "POST",
                "engagements",
                {"contact": self.dan.pk, "title": "x", "value": "1", "currency": "EUR"},
            ),
            ("POST", "purchases", {"contact": self.dan.pk, "amount": "1"}),
            ("POST", f"contacts/{self.dan.pk}/convert", {"kind": "client"}),
            ("GET", f"engagements?contact={self.dan.pk}", None),
        ):
            assert self.api(method, path, token=token, body=body).status_code == 404, path
        assert self.api("GET", "clients/ranking", token=token).json()["count"] == 0
        assert self.api("GET", "engagements", token=token).json()["count"] == 0
        engagement.refresh_from_db()
        assert (engagement.status, engagement.title) == ("proposed", "x")
        assert Purchase.objects.count() == 1
