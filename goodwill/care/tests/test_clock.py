"""The service clock (E5): holidays, the workspace's own targets, waiting on the customer."""

from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from goodwill.agenda.agenda import agenda
from goodwill.care import services
from goodwill.care.models import Case, Holiday, ServiceTarget, Status
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONDAY_9 = datetime(2026, 12, 7, 9, 0, tzinfo=STOCKHOLM)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=STOCKHOLM)


class ClockTests(GoodwillTestCase):
    def setUp(self):
        self.workspace.time_zone = "Europe/Stockholm"
        self.workspace.save()
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="customer", first_name="Dan"
        )

    def open(self, **extra) -> Case:
        arguments = {"type": "complaint", "subject": "Broken", "filed_at": MONDAY_9, **extra}
        return services.case_open(self.dan, actor=self.owner, **arguments)

    def test_holidays_do_not_count(self):
        services.holiday_add(self.workspace, date(2026, 12, 8), "Staff day")
        case = self.open(priority="normal")  # 8 h to answer, 40 h to resolve
        assert case.first_response_due_at == at(7, 17)
        assert case.due_at == at(14, 17)  # Tuesday skipped: the fifth working day is Monday
        with pytest.raises(ValidationError, match="already a holiday"):
            services.holiday_add(self.workspace, date(2026, 12, 8))

    def test_the_workspace_s_own_targets_apply_to_new_cases(self):
        services.targets_set(self.workspace, {"high": (2, 10)})
        case = self.open(priority="high")
        assert (case.first_response_due_at, case.due_at) == (at(7, 11), at(8, 11))
        for bad in ({"high": (0, 1)}, {"high": (5, 2)}, {"high": (1, 99999)}, {"soon": (1, 2)}):
            with pytest.raises(ValidationError):
                services.targets_set(self.workspace, bad)
        assert ServiceTarget.objects.get().first_response_hours == 2

    def test_the_clock_stops_while_waiting_on_the_customer(self):
        case = self.open(priority="high")  # 24 business hours: three working days
        assert case.due_at == at(9, 17)
        services.case_reply(
            case, actor=self.owner, body="Which size?", public=True, status=Status.WAITING,
            now=at(7, 10),
        )  # fmt: skip
        assert case.first_response_hours == pytest.approx(1)
        assert case.waiting_since == at(7, 10)
        # The customer answers on Tuesday at 10:00: eight business hours later.
        with mock.patch("django.utils.timezone.now", return_value=at(8, 10)):
            services.case_customer_message(case, body="Large, please")
        case.refresh_from_db()
        assert case.status == Status.IN_PROGRESS
        assert case.waiting_since is None
        assert case.paused_hours == pytest.approx(8)
        assert case.due_at == at(10, 17)  # a working day later than before
        services.case_set_status(case, Status.RESOLVED, actor=self.owner, now=at(8, 12))
        assert case.resolution_hours == pytest.approx(11 - 8)  # Monday 9-17 and Tuesday 10-12
        services.case_set_status(case, Status.IN_PROGRESS, actor=self.owner, now=at(8, 13))
        assert case.resolution_hours is None

    def test_a_new_priority_brings_its_targets(self):
        case = self.open(priority="low")
        services.case_update(case, priority="urgent", category="  late   delivery ")
        case.refresh_from_db()
        assert (case.priority, case.category) == ("urgent", "late delivery")
        assert (case.first_response_due_at, case.due_at) == (at(7, 10), at(7, 17))
        with pytest.raises(ValidationError):
            services.case_update(case, priority="asap")
        with pytest.raises(ValidationError):
            services.case_update(case, category="x" * 81)

    def test_the_agenda_shows_the_next_target_and_not_waiting_cases(self):
        now = timezone.now()
        case = services.case_open(
            self.dan, actor=self.owner, type="complaint", subject="Broken",
            priority="urgent", filed_at=now - timedelta(days=10),
        )  # fmt: skip
        [item] = [i for i in agenda(self.workspace).items if i.kind == "case"]
        assert item.overdue
        assert "answer was due" in item.detail
        assert "business hours late" in item.detail
        services.case_set_status(case, Status.WAITING, actor=self.owner)
        assert all(i.kind != "case" for i in agenda(self.workspace).items)


class CareSettingsPageTests(GoodwillTestCase):
    def test_owners_set_targets_and_holidays_assistants_only_look(self):
        self.login(self.owner)
        page = self.client.get("/settings/care/")
        self.assertContains(page, "Service targets")
        data = {f"{p}_{w}": v for p in ("low", "normal", "high", "urgent") for w, v in
                (("first", "8"), ("resolution", "40"))}  # fmt: skip
        data["high_first"] = "2"
        assert self.client.post("/settings/care/targets/", data).status_code == 302
        assert ServiceTarget.objects.get(priority="high").first_response_hours == 2
        bad = {**data, "low_first": "50", "low_resolution": "10"}
        response = self.client.post("/settings/care/targets/", bad)
        self.assertContains(response, "cannot be due after", status_code=400)
        assert ServiceTarget.objects.get(priority="low").first_response_hours == 8
        added = self.client.post(
            "/settings/care/holidays/", {"date": "2026-12-24", "name": "Christmas Eve"}
        )
        assert added.status_code == 302
        holiday = Holiday.objects.get()
        self.assertContains(self.client.get("/settings/care/"), "Christmas Eve")
        assert self.client.post("/settings/care/holidays/", {"date": "soon"}).status_code == 400
        self.login(self.assistant)
        self.assertNotContains(self.client.get("/settings/care/"), "Add the holiday")
        assert self.client.post("/settings/care/targets/", data).status_code == 403
        remove = f"/settings/care/holidays/{holiday.pk}/remove/"
        assert self.client.post(remove).status_code == 403
        self.login(self.outsider)
        assert self.client.post(remove).status_code == 404
        assert Holiday.objects.count() == 1
        self.login(self.owner)
        assert self.client.post(remove).status_code == 302
        assert not Holiday.objects.exists()

    def test_the_api_sets_targets_and_holidays(self):
        got = self.api("GET", "care/targets").json()
        assert {t["priority"]: t["first_response_hours"] for t in got}["urgent"] == 1
        change = {"urgent": {"first_response_hours": 0.5, "resolution_hours": 4}}
        assert (
            self.api("PUT", "care/targets", token=self.assistant_token, body=change).status_code
            == 403
        )
        put = self.api("PUT", "care/targets", body=change)
        assert {t["priority"]: t["first_response_hours"] for t in put.json()}["urgent"] == 0.5
        wrong = {"urgent": {"first_response_hours": 5, "resolution_hours": 4}}
        assert self.api("PUT", "care/targets", body=wrong).status_code == 422
        created = self.api("POST", "care/holidays", body={"date": "2026-12-31", "name": "NYE"})
        assert created.status_code == 201
        again = self.api("POST", "care/holidays", body={"date": "2026-12-31"})
        assert again.status_code == 422
        assert self.api("GET", "care/holidays").json()["count"] == 1
        holiday = created.json()["id"]
        assert self.api("GET", "care/holidays", token=self.outsider_token).json()["count"] == 0
        assert (
            self.api("DELETE", f"care/holidays/{holiday}", token=self.outsider_token).status_code
            == 404
        )
        assert self.api("DELETE", f"care/holidays/{holiday}").status_code == 204


class CaseUpdateTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="customer", first_name="Dan"
        )
        self.case = services.case_open(self.dan, actor=self.owner, type="complaint", subject="x")

    def test_page_and_api_change_priority_and_category(self):
        self.login(self.assistant)
        page = self.client.get("/care/1/")
        self.assertContains(page, "left to the first response")
        response = self.client.post("/care/1/update/", {"priority": "high", "category": "Late"})
        assert response.status_code == 302
        assert self.client.post("/care/1/update/", {"priority": "asap"}).status_code == 400
        patched = self.api("PATCH", "cases/1", body={"category": "Late delivery"})
        assert (patched.json()["priority"], patched.json()["category"]) == ("high", "Late delivery")
        assert self.api("PATCH", "cases/1", body={"priority": "asap"}).status_code == 422
        outsider = self.api("PATCH", "cases/1", token=self.outsider_token, body={"category": "x"})
        assert outsider.status_code == 404
        self.login(self.outsider)
        assert self.client.post("/care/1/update/", {"priority": "low"}).status_code == 404
        self.case.refresh_from_db()
        assert (self.case.priority, self.case.category) == ("high", "Late delivery")

    def test_a_member_handles_it(self):
        self.login(self.owner)
        data = {"priority": "normal", "category": "", "owner": str(self.assistant.pk)}
        assert self.client.post("/care/1/update/", data).status_code == 302
        self.case.refresh_from_db()
        assert self.case.owner == self.assistant
        self.assertContains(self.client.get("/care/1/"), "handled by")
        stranger = {**data, "owner": str(self.outsider.pk)}
        assert self.client.post("/care/1/update/", stranger).status_code == 400
        assert self.api("PATCH", "cases/1", body={"owner": self.outsider.pk}).status_code == 422
        assert self.api("PATCH", "cases/1", body={"owner": self.owner.pk}).json()["owner"] == (
            self.owner.pk
        )
        assert self.api("PATCH", "cases/1", body={"owner": None}).json()["owner"] is None
