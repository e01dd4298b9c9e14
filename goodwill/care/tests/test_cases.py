from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from goodwill.agenda.agenda import agenda
from goodwill.care import services
from goodwill.care.models import Case, CaseEntry, Status
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.people.models import TimelineEntry

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class CaseTests(GoodwillTestCase):
    def setUp(self):
        self.workspace.time_zone = "Europe/Stockholm"
        self.workspace.save()
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="customer", first_name="Dan"
        )

    def open(self, **extra):
        arguments = {"type": "complaint", "subject": "The mug arrived broken", **extra}
        return services.case_open(self.dan, actor=self.owner, **arguments)

    def test_cases_are_numbered_and_targets_count_business_hours(self):
        friday_evening = datetime(2026, 12, 4, 18, 0, tzinfo=STOCKHOLM)
        case = self.open(priority="high", filed_at=friday_evening)
        assert case.number == 1
        assert case.first_response_due_at == datetime(2026, 12, 7, 13, 0, tzinfo=STOCKHOLM)
        assert case.due_at == datetime(2026, 12, 9, 17, 0, tzinfo=STOCKHOLM)
        assert self.open().number == 2
        other = people.contact_create(
            self.other_workspace, actor=self.outsider, kind="customer", first_name="Zed"
        )
        assert (
            services.case_open(other, actor=self.outsider, type="question", subject="?").number == 1
        )
        assert TimelineEntry.objects.filter(contact=self.dan, kind="case").count() == 2

    def test_status_changes_follow_the_rules_and_reopen(self):
        case = self.open()
        with pytest.raises(ValidationError):
            services.case_set_status(case, "banana", actor=self.owner)
        services.case_set_status(case, Status.RESOLVED, actor=self.owner)
        assert case.resolved_at is not None
        with pytest.raises(ValidationError):
            services.case_set_status(case, Status.WAITING, actor=self.owner)
        with pytest.raises(ValidationError, match="spam"):
            services.case_set_status(case, Status.CLOSED, actor=self.owner, reason="bored")
        services.case_set_status(case, Status.CLOSED, actor=self.owner, reason="duplicate")
        assert (case.close_reason, case.is_open) == ("duplicate", False)
        services.case_set_status(case, Status.IN_PROGRESS, actor=self.owner)
        assert (case.resolved_at, case.closed_at, case.close_reason) == (None, None, "")
        kinds = list(CaseEntry.objects.values_list("to_status", flat=True))
        assert kinds == ["resolved", "closed", "in_progress"]

    def test_the_first_public_reply_is_the_first_response_and_notes_are_not(self):
        case = self.open()
        services.case_reply(case, actor=self.owner, body="Checking with the courier", public=False)
        assert case.first_response_at is None
        services.case_reply(
            case, actor=self.owner, body="Sorry! A new one is on its way.", public=True,
            status=Status.IN_PROGRESS,
        )  # fmt: skip
        assert case.first_response_at is not None
        assert Case.objects.get().status == Status.IN_PROGRESS
        for bad in ({"body": ""}, {"body": "x" * 20001}, {"body": "ok", "status": "new"}):
            with pytest.raises(ValidationError):
                services.case_reply(case, actor=self.owner, public=True, **bad)
        assert CaseEntry.objects.filter(kind__in=["reply", "note"]).count() == 2

    def test_a_case_due_soon_or_late_is_on_the_agenda(self):
        case = self.open(priority="urgent", filed_at=timezone.now() - timedelta(days=10))
        titles = [(i.kind, i.title, i.overdue) for i in agenda(self.workspace).items]
        assert ("case", "Case #1: The mug arrived broken", True) in titles
        services.case_set_status(case, Status.RESOLVED, actor=self.owner)
        assert all(i.kind != "case" for i in agenda(self.workspace).items)


class CasePageTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="customer", first_name="Dan"
        )
        self.login(self.assistant)

    def test_open_reply_and_resolve_from_the_pages(self):
        self.assertContains(self.client.get(f"/people/{self.dan.pk}/"), "Open a case")
        bad = self.client.post(f"/people/{self.dan.pk}/cases/new/", {"type": "rant", "subject": ""})
        assert bad.status_code == 400
        response = self.client.post(
            f"/people/{self.dan.pk}/cases/new/",
            {
                "type": "return",
                "priority": "normal",
                "subject": "Wrong size",
                "description": "<b>M</b>",
            },
        )
        assert response.status_code == 302
        page = self.client.get("/care/1/")
        self.assertContains(page, "Wrong size")
        self.assertContains(page, "&lt;b&gt;M&lt;/b&gt;")
        self.client.post(
            "/care/1/reply/", {"body": "We will swap it.", "public": "yes", "status": "in_progress"}
        )
        self.client.post(
            "/care/1/reply/", {"body": "Courier is slow", "public": "no", "status": ""}
        )
        assert self.client.post("/care/1/reply/", {"body": "", "public": "yes"}).status_code == 400
        self.client.post("/care/1/status/", {"status": "resolved"})
        case = Case.objects.get()
        assert (case.status, case.first_response_at is not None) == ("resolved", True)
        self.assertContains(self.client.get("/care/?all=1"), "Wrong size")
        self.assertNotContains(self.client.get("/care/"), "Wrong size")

    def test_an_outsider_gets_404_everywhere(self):
        services.case_open(self.dan, actor=self.owner, type="complaint", subject="Broken")
        self.login(self.outsider)
        assert self.client.get("/care/1/").status_code == 404
        assert self.client.post("/care/1/reply/", {"body": "x", "public": "yes"}).status_code == 404
        assert self.client.post("/care/1/status/", {"status": "resolved"}).status_code == 404
        new = {"type": "complaint", "priority": "normal", "subject": "x"}
        assert self.client.post(f"/people/{self.dan.pk}/cases/new/", new).status_code == 404
        self.assertNotContains(self.client.get("/care/?all=1"), "Broken")
        assert Case.objects.get().status == "new"


class CaseApiTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="customer", first_name="Dan"
        )

    def test_open_reply_resolve_and_list(self):
        body = {"contact": self.dan.pk, "type": "complaint", "subject": "Late delivery"}
        created = self.api("POST", "cases", body=body)
        assert created.status_code == 201
        number = created.json()["number"]
        reply = {"body": "Sorry, it leaves today.", "public": True, "status": "in_progress"}
        assert self.api("POST", f"cases/{number}/entries", body=reply).status_code == 201
        note = {"body": "Courier mixed up the labels", "public": False}
        self.api("POST", f"cases/{number}/entries", body=note)
        kinds = [e["kind"] for e in self.api("GET", f"cases/{number}/entries").json()["items"]]
        assert kinds == ["reply", "status", "note"]
        closed = self.api(
            "POST", f"cases/{number}/status", body={"status": "closed", "reason": "resolved"}
        )
        assert closed.json()["status"] == "closed"
        assert self.api("GET", "cases").json()["count"] == 0
        assert self.api("GET", "cases?open=false").json()["count"] == 1

    def test_bad_input_is_422_and_changes_nothing(self):
        for body in (
            {"contact": self.dan.pk, "type": "rant", "subject": "x"},
            {"contact": self.dan.pk, "type": "complaint", "subject": ""},
            {"contact": self.dan.pk, "type": "complaint", "subject": "x", "priority": "asap"},
        ):
            assert self.api("POST", "cases", body=body).status_code == 422, body
        case = services.case_open(self.dan, actor=self.owner, type="question", subject="Hours?")
        moved = self.api("POST", f"cases/{case.number}/status", body={"status": "new"})
        assert moved.status_code == 422
        assert (
            self.api(
                "POST", f"cases/{case.number}/entries", body={"body": "", "public": True}
            ).status_code
            == 422
        )
        assert Case.objects.count() == 1
        assert not CaseEntry.objects.exists()

    def test_an_outsider_gets_404(self):
        case = services.case_open(self.dan, actor=self.owner, type="question", subject="Hours?")
        token = self.outsider_token
        assert self.api("GET", f"cases/{case.number}", token=token).status_code == 404
        assert self.api("GET", f"cases/{case.number}/entries", token=token).status_code == 404
        reply = {"body": "x", "public": True}
        assert (
            self.api("POST", f"cases/{case.number}/entries", token=token, body=reply).status_code
            == 404
        )
        status = {"status": "resolved"}
        assert (
            self.api("POST", f"cases/{case.number}/status", token=token, body=status).status_code
            == 404
        )
        new = {"contact": self.dan.pk, "type": "complaint", "subject": "x"}
        assert self.api("POST", "cases", token=token, body=new).status_code == 404
        assert self.api("GET", "cases", token=token).json()["count"] == 0
        case.refresh_from_db()
        assert case.status == "new"


class CasePurchaseTests(GoodwillTestCase):
    def setUp(self):
        from goodwill.clients.services import purchase_create

        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="customer", first_name="Dan"
        )
        self.eve = people.contact_create(
            self.workspace, actor=self.owner, kind="customer", first_name="Eve"
        )
        self.mugs = purchase_create(self.dan, actor=self.owner, amount="40", description="Mugs")
        self.eves = purchase_create(self.eve, actor=self.owner, amount="9", description="Card")

    def test_a_return_points_to_the_purchase_it_is_about(self):
        self.login(self.owner)
        new = f"/people/{self.dan.pk}/cases/new/"
        self.assertContains(self.client.get(new), "Mugs")
        data = {"type": "return", "priority": "normal", "subject": "Chipped"}
        wrong = self.client.post(new, {**data, "purchase": str(self.eves.pk)})
        assert wrong.status_code == 400  # not one of Dan's purchases
        assert self.client.post(new, {**data, "purchase": str(self.mugs.pk)}).status_code == 302
        case = Case.objects.get()
        assert case.purchase == self.mugs
        self.assertContains(self.client.get(f"/care/{case.number}/"), "About their purchase")
        body = {"contact": self.dan.pk, "type": "return", "subject": "x", "purchase": self.eves.pk}
        assert self.api("POST", "cases", body=body).status_code == 422
        body["purchase"] = self.mugs.pk
        created = self.api("POST", "cases", body=body)
        assert created.json()["purchase"] == self.mugs.pk
        outsider = people.contact_create(
            self.other_workspace, actor=self.outsider, kind="customer", first_name="Zed"
        )
        body = {"contact": outsider.pk, "type": "return", "subject": "x", "purchase": self.mugs.pk}
        assert self.api("POST", "cases", token=self.outsider_token, body=body).status_code == 404
        assert Case.objects.count() == 2
