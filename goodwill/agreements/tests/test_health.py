"""Client health and parting ways kindly (G4), and agreements on the agenda (G5): the figures
and the "consider parting ways" rule on worked examples, their cost in queries, the pages and
the API, the offboarding checklist, the agenda's check-ins and clarifications, and the demo."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goodwill.agenda.agenda import agenda
from goodwill.agenda.services import today_in
from goodwill.agreements import breaches, health, offboarding, services
from goodwill.agreements.models import Agreement, AgreementStatus, Breach, Invoice, Need
from goodwill.agreements.templatetags.agreements_chart import breaches_chart
from goodwill.core.scoping import scoped
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.people.models import Contact
from goodwill.touchpoints.models import Due, DueState, InteractionKind
from goodwill.touchpoints.services import interaction_log

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=STOCKHOLM)
LONG_AGO = date(2025, 1, 6)


def at(month: int, day: int, hour: int = 21, minute: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


class HealthCase(GoodwillTestCase):
    def setUp(self):
        # Neither UTC nor the server's Chicago: months must be the workspace's.
        self.workspace.time_zone = "Europe/Stockholm"
        self.workspace.save()
        self.calls, self.turnaround = services.needs_from_examples(self.workspace)[::3]
        self.channels = scoped(Need, self.workspace).get(kind="channels")
        self.dan = self.client_named("Dan")
        self.erik = self.client_named("Erik")

    def client_named(self, name: str, workspace=None) -> Contact:
        workspace = workspace or self.workspace
        actor = self.owner if workspace == self.workspace else self.outsider
        return people.contact_create(workspace, actor=actor, kind="client", first_name=name)

    def agree(self, contact: Contact, need: Need, on: date = LONG_AGO, hold: int = 14) -> Agreement:
        agreement = services.agreement_propose(contact, need, on=on, hold_days=hold)
        return services.agreement_agree(agreement, on=on)

    def breach(self, agreement: Agreement, when: datetime, reminded: datetime | None = None):
        breach = breaches.breach_log(agreement, occurred_at=when, note="Called late")
        if reminded:
            breaches.breach_reminded(breach, at=reminded)
        return breach


class FigureTests(HealthCase):
    def test_breaches_per_month_per_client_and_per_need_in_the_workspaces_months(self):
        dan_calls = self.agree(self.dan, self.calls)
        dan_channels = self.agree(self.dan, self.channels)
        erik_calls = self.agree(self.erik, self.calls)
        # 23:30 on 28 February in Stockholm is 22:30 UTC (and 16:30 in Chicago): February.
        self.breach(dan_calls, at(2, 28, 23, 30))
        # 00:15 on 1 March in Stockholm is still 28 February in UTC: March.
        self.breach(dan_calls, at(3, 1, 0, 15))
        self.breach(dan_channels, at(3, 5))
        self.breach(erik_calls, at(3, 10))
        self.breach(dan_calls, at(3, 31, 23, 59, year=2025))  # before the 12 months
        breaches.breach_dismiss(self.breach(erik_calls, at(3, 11)))  # set aside: not counted
        figures = health.health(self.workspace, NOW)
        trend = {m.month: m.count for m in figures.trend}
        assert (figures.trend[0].month, figures.trend[-1].month) == (
            date(2025, 4, 1),
            date(2026, 3, 1),
        )
        assert trend[date(2026, 2, 1)] == 1
        assert trend[date(2026, 3, 1)] == 3
        assert sum(trend.values()) == 4
        assert [(r.pk, r.name, r.count) for r in figures.by_client] == [
            (self.dan.pk, "Dan", 3),
            (self.erik.pk, "Erik", 1),
        ]
        assert figures.by_client[0].months[-2:] == [1, 2]
        assert [(r.name, r.count) for r in figures.by_need] == [
            ("Calls on weekdays, 9 to 5", 3),
            ("E-mail and phone only", 1),
        ]
        assert figures.signals == []

    def test_another_workspaces_breaches_never_count(self):
        theirs = self.client_named("Zoe", self.other_workspace)
        services.needs_from_examples(self.other_workspace)
        need = scoped(Need, self.other_workspace).get(kind="calling_hours")
        self.breach(self.agree(theirs, need), at(3, 3))
        figures = health.health(self.workspace, NOW)
        assert (figures.by_client, figures.by_need) == ([], [])
        assert health.health(self.other_workspace, NOW).by_client[0].name == "Zoe"

    def test_the_figures_cost_the_same_queries_however_many_breaches(self):
        def fill(count):
            agreements = [self.agree(self.client_named(f"C{i}"), self.calls) for i in range(count)]
            for i, agreement in enumerate(agreements):
                self.breach(agreement, at(1 + i % 3, 2), reminded=at(1 + i % 3, 3, 9))
                self.breach(agreement, at(3, 4))
                self.breach(agreement, at(3, 6 + i % 5))

        fill(1)
        with self.assertNumQueries(3):
            small = health.health(self.workspace, NOW)
        with self.assertNumQueries(2):
            health.contact_health(self.dan, NOW)
        fill(12)
        with self.assertNumQueries(3):
            big = health.health(self.workspace, NOW)
        assert (len(small.signals), len(big.signals)) == (1, 13)
        assert len(big.by_client) == 13

    def test_the_chart_is_an_accessible_svg_without_style_or_script(self):
        self.breach(self.agree(self.dan, self.calls), at(3, 3))
        svg = breaches_chart(health.health(self.workspace, NOW).trend)
        assert svg.startswith("<svg")
        assert 'role="img"' in svg
        assert "1 in all; the most, 1, in March 2026" in svg
        assert "<title>March 2026: 1</title>" in svg
        assert "style=" not in svg
        assert "<script" not in svg
        assert breaches_chart([]) == ""


class SignalTests(HealthCase):
    def setUp(self):
        super().setUp()
        self.dan_calls = self.agree(self.dan, self.calls)

    def signals(self):
        return health.signals(self.workspace, NOW)

    def test_three_breaches_two_after_a_reminder_suggest_parting_ways_with_the_evidence(self):
        first = self.breach(self.dan_calls, at(2, 2), reminded=at(2, 3, 9, 30))
        self.breach(self.dan_calls, at(2, 20))
        assert self.signals() == []  # one after a reminder: still learning
        last = self.breach(self.dan_calls, at(3, 12, 22, 30))
        [signal] = self.signals()
        assert (signal.contact_id, signal.name) == (self.dan.pk, "Dan")
        assert (signal.breaches, signal.after_reminder) == (3, 2)
        assert signal.first_reminder_at == at(2, 3, 9, 30)
        assert [e.breach_id for e in signal.evidence] == [last.pk, first.pk + 1, first.pk]
        assert [e.after_reminder for e in signal.evidence] == [True, True, False]
        assert signal.evidence[2].reminded_at == at(2, 3, 9, 30)
        assert signal.evidence[0].need == "Calls on weekdays, 9 to 5"
        assert signal.offboarding_since is None

    def test_breaches_without_any_reminder_are_no_signal(self):
        for day in (2, 5, 9, 12):
            self.breach(self.dan_calls, at(3, day))
        assert self.signals() == []

    def test_only_the_last_90_days_count(self):
        self.breach(self.dan_calls, NOW - timedelta(days=95), reminded=NOW - timedelta(days=94))
        self.breach(self.dan_calls, NOW - timedelta(days=80))
        self.breach(self.dan_calls, NOW - timedelta(days=10))
        assert self.signals() == []  # the reminded one is too old to count itself
        self.breach(self.dan_calls, NOW - timedelta(days=5))
        [signal] = self.signals()
        assert (signal.breaches, signal.after_reminder) == (3, 3)

    def test_dismissed_breaches_and_ended_agreements_no_longer_weigh(self):
        self.breach(self.dan_calls, at(2, 2), reminded=at(2, 3))
        self.breach(self.dan_calls, at(2, 20))
        dismissed = self.breach(self.dan_calls, at(3, 1))
        breaches.breach_dismiss(dismissed)
        assert self.signals() == []
        breaches.breach_dismiss(dismissed, dismissed=False)
        assert len(self.signals()) == 1
        services.agreement_end(self.dan_calls, on=date(2026, 3, 15))
        assert self.signals() == []

    def test_it_says_when_offboarding_began_and_never_acts_by_itself(self):
        for day, reminded in ((2, at(3, 3)), (9, None), (16, None)):
            self.breach(self.dan_calls, at(3, day), reminded=reminded)
        [signal] = self.signals()
        assert signal.offboarding_since is None
        assert not Due.objects.filter(source=f"offboarding:{self.dan.pk}").exists()
        offboarding.offboard_start(self.dan)
        [signal] = self.signals()
        assert signal.offboarding_since == today_in(self.workspace)
        dan = health.contact_health(self.dan, NOW)
        assert dan.signal is not None
        assert len(dan.recent) == 3


class OffboardingTests(HealthCase):
    def checklist(self) -> offboarding.Checklist:
        checklist = offboarding.checklist(self.dan)
        assert checklist is not None
        return checklist

    def test_parting_ways_kindly_step_by_step(self):
        calls = self.agree(self.dan, self.calls)
        offboarding.offboard_start(self.dan)
        with pytest.raises(ValidationError, match="already begun"):
            offboarding.offboard_start(self.dan)
        due = Due.objects.get(source=f"offboarding:{self.dan.pk}")
        assert (due.contact_id, due.kind, due.state) == (self.dan.pk, "thank_you", "open")
        assert [i.kind for i in agenda(self.workspace).items].count("thanks") == 1

        with pytest.raises(ValidationError, match="Still to do: final thank-you sent"):
            offboarding.offboard_finish(self.dan)
        with pytest.raises(ValidationError):
            offboarding.offboard_step(self.dan, "party", True)
        with pytest.raises(ValidationError):
            offboarding.offboard_notes(self.dan, "x" * 20001)

        # Logging a thank-you settles it: the step shows done without ticking.
        interaction_log(
            self.workspace, actor=self.owner, kind=InteractionKind.THANK_YOU,
            contact_ids=[self.dan.pk],
        )  # fmt: skip
        assert [s.key for s in self.checklist().left] == [
            "handover",
            "files",
            "invoice",
            "keep_in_touch",
        ]
        offboarding.offboard_notes(self.dan, "  Files in the shared drive.  ")
        offboarding.offboard_notes(self.dan, "")  # cleared: not written after all
        assert "handover" in [s.key for s in self.checklist().left]
        offboarding.offboard_notes(self.dan, "Files in the shared drive.")
        for step in ("files", "invoice", "keep_in_touch"):
            offboarding.offboard_step(self.dan, step, True)
        assert self.checklist().left == []

        offboarding.offboard_finish(self.dan)
        calls.refresh_from_db()
        assert calls.status == AgreementStatus.ENDED
        record = self.checklist().offboarding
        assert record.finished_on == today_in(self.workspace)
        assert record.handover_notes == "Files in the shared drive."
        with pytest.raises(ValidationError, match="finished"):
            offboarding.offboard_step(self.dan, "files", False)
        titles = list(self.dan.timeline.values_list("title", flat=True))
        assert "Began parting ways kindly" in titles
        assert "Parted ways kindly" in titles

    def test_ticking_the_thank_you_by_hand_takes_it_off_the_agenda(self):
        with pytest.raises(ValidationError, match="Begin"):
            offboarding.offboard_step(self.dan, "final_thanks", True)
        offboarding.offboard_start(self.dan)
        offboarding.offboard_step(self.dan, "final_thanks", True)
        assert Due.objects.get(source=f"offboarding:{self.dan.pk}").state == DueState.DISMISSED
        assert all(i.kind != "thanks" for i in agenda(self.workspace).items)

    def test_the_checklist_lists_unpaid_invoices(self):
        offboarding.offboard_start(self.dan)
        Invoice.objects.create(
            workspace=self.workspace, contact=self.dan, number="2026-7", amount=100,
            currency="EUR", issued_on=date(2026, 3, 1), due_on=date(2026, 3, 15),
        )  # fmt: skip
        assert [i.number for i in self.checklist().unpaid_invoices] == ["2026-7"]


class AgendaTests(HealthCase):
    def items(self, now: datetime, kind: str):
        return [i for i in agenda(self.workspace, now=now).items if i.kind == kind]

    def test_a_newly_agreed_need_comes_up_for_a_check_in_once_it_has_held(self):
        agreement = self.agree(self.dan, self.calls, on=date(2026, 3, 2))
        self.agree(self.erik, self.turnaround, on=date(2026, 3, 2), hold=30)
        services.agreement_propose(self.dan, self.channels, on=date(2026, 3, 2))  # not agreed
        assert self.items(at(3, 1, 12), "agreement") == []  # due on 16 March: beyond 15 March
        [item] = self.items(at(3, 2, 12), "agreement")
        assert (item.on, item.overdue, item.ref) == (date(2026, 3, 16), False, agreement.pk)
        assert item.title == (
            "The “Calls on weekdays, 9 to 5” agreement with Dan is 2 weeks old: holding?"
        )
        assert item.actions[0].url == f"/people/{self.dan.pk}/agreements/#agreement-{agreement.pk}"
        # Past due: on today, overdue (and Erik's, due 1 April, comes then).
        item, erik = self.items(at(3, 20, 12), "agreement")
        assert (item.on, item.overdue) == (date(2026, 3, 20), True)
        assert (erik.contact_id, erik.on, erik.overdue) == (self.erik.pk, date(2026, 4, 1), False)
        assert item.title.endswith("is 18 days old: holding?")
        later = self.items(at(4, 1, 12), "agreement")  # Erik's holds 30 days: due 1 April
        assert [i.contact_id for i in later] == [self.dan.pk, self.erik.pk]

        services.agreement_check_in(agreement, on=date(2026, 3, 20))
        assert [i.contact_id for i in self.items(at(4, 1, 12), "agreement")] == [self.erik.pk]

    def test_clarifications_nearing_their_due_time_or_late(self):
        self.agree(self.dan, self.turnaround)
        now = timezone.now()
        late = breaches.clarification_ask(
            self.dan, question="Which logo?", asked_at=now - timedelta(days=10)
        )
        soon = breaches.clarification_ask(self.dan, question="Which font?", asked_at=now)
        far = breaches.clarification_ask(self.dan, question="Which paper?", asked_at=now)
        far.due_at = now + timedelta(days=40)
        far.save()
        items = self.items(now, "clarification")
        assert [(i.ref, i.overdue) for i in items] == [(late.pk, True), (soon.pk, False)]
        assert items[0].title == "Dan's answer: Which logo?"
        assert items[0].detail.startswith("was due ")
        assert [a.label for a in items[0].actions] == ["Write to them", "Agreements"]
        breaches.clarification_answer(late, answered_at=now)
        assert [i.ref for i in self.items(now, "clarification")] == [soon.pk]

    def test_the_agenda_page_shows_them_with_their_actions(self):
        self.agree(self.dan, self.calls, on=today_in(self.workspace) - timedelta(days=20))
        response = self.login(self.assistant).get("/agenda/")
        self.assertContains(response, "agreement with Dan is 20 days old: holding?")
        self.assertContains(response, "Check in")


class PageCase(HealthCase):
    def setUp(self):
        super().setUp()
        calls = self.agree(self.dan, self.calls)
        recent = timezone.now() - timedelta(days=20)
        self.breach(calls, recent, reminded=recent + timedelta(hours=12))
        self.breach(calls, recent + timedelta(days=5))
        self.breach(calls, recent + timedelta(days=9))


class PageTests(PageCase):
    def test_the_health_pages_show_figures_chart_and_the_signal_with_evidence(self):
        client = self.login(self.assistant)
        response = client.get("/agreements/health/")
        self.assertContains(response, "Consider parting ways?")
        self.assertContains(response, 'role="img"')
        self.assertContains(response, f'href="/people/{self.dan.pk}/health/"')
        self.assertContains(response, "Calls on weekdays, 9 to 5")
        self.assertContains(response, "A suggestion only")
        assert "style=" not in response.content.decode()
        response = client.get(f"/people/{self.dan.pk}/health/")
        self.assertContains(response, "after a reminder", count=4)  # in the signal and the list
        self.assertContains(response, f'href="/people/{self.dan.pk}/offboard/"')
        response = client.get(f"/people/{self.erik.pk}/health/")
        self.assertContains(response, "No breaches in this time.")

    def test_the_pages_cost_the_same_queries_however_many_breaches(self):
        client = self.login(self.owner)
        client.get("/agreements/health/")  # warm up what the site caches once
        with CaptureQueriesContext(connection) as few:
            client.get("/agreements/health/")
        with CaptureQueriesContext(connection) as few_contact:
            client.get(f"/people/{self.dan.pk}/health/")
        for i in range(6):
            agreement = self.agree(self.client_named(f"C{i}"), self.calls)
            for day in (2, 9, 16):
                self.breach(agreement, at(3, day), reminded=at(3, 3) if day == 2 else None)
            self.breach(Agreement.objects.get(contact=self.dan), at(2, i + 1))
        with self.assertNumQueries(len(few.captured_queries)):
            client.get("/agreements/health/")
        with self.assertNumQueries(len(few_contact.captured_queries)):
            client.get(f"/people/{self.dan.pk}/health/")

    def test_offboarding_from_the_pages(self):
        url = f"/people/{self.dan.pk}/offboard/"
        assistant = self.login(self.assistant)
        self.assertContains(assistant.get(url), "The workspace's owner begins it.")
        assert assistant.post(url + "start/").status_code == 403
        owner = self.login(self.owner)
        self.assertContains(owner.get(url), "Begin parting ways")
        self.assertRedirects(owner.post(url + "start/"), url)
        response = owner.get(url)
        self.assertContains(response, "Final thank-you sent")
        self.assertContains(response, "The final thank-you is open")
        self.assertContains(response, "disabled>Finish")
        owner.post(url + "step/", {"step": "final_thanks", "done": "1"})
        owner.post(url + "notes/", {"handover_notes": "Logins in the vault."})
        for step in ("files", "invoice", "keep_in_touch"):
            owner.post(url + "step/", {"step": step, "done": "1"})
        response = owner.post(url + "step/", {"step": "nope", "done": "1"}, follow=True)
        self.assertContains(response, "Choose one of")
        self.assertRedirects(owner.post(url + "finish/"), url)
        response = owner.get(url)
        self.assertContains(response, "finished on")
        self.assertContains(response, "Logins in the vault.")
        assert Agreement.objects.get(contact=self.dan).status == AgreementStatus.ENDED

    def test_an_outsider_gets_404_everywhere(self):
        client = self.login(self.outsider)
        for path in ("health/", "offboard/"):
            assert client.get(f"/people/{self.dan.pk}/{path}").status_code == 404
        for path in ("start/", "step/", "notes/", "finish/"):
            assert client.post(f"/people/{self.dan.pk}/offboard/{path}").status_code == 404
        response = client.get("/agreements/health/")
        assert response.status_code == 200
        assert "Dan" not in response.content.decode()
        assert not scoped(Breach, self.other_workspace).exists()

    def test_the_pages_need_a_member(self):
        self.client.logout()
        for path in ("/agreements/health/", f"/people/{self.dan.pk}/health/"):
            assert self.client.get(path).status_code == 302


class ApiTests(PageCase):
    def test_the_api_gives_the_figures_and_the_signal(self):
        body = self.api("GET", "/agreements/health").json()
        assert len(body["trend"]) == 12
        assert body["by_client"][0]["id"] == self.dan.pk
        assert body["by_client"][0]["count"] == 3
        [signal] = body["signals"]
        assert (signal["contact"], signal["breaches"], signal["after_reminder"]) == (
            self.dan.pk,
            3,
            2,
        )
        assert len(signal["evidence"]) == 3
        dan = self.api("GET", f"/contacts/{self.dan.pk}/health").json()
        assert dan["signal"]["name"] == "Dan"
        assert len(dan["recent"]) == 3
        assert self.api("GET", "/agreements/health", token="").status_code == 401

    def test_offboarding_through_the_api(self):
        path = f"/contacts/{self.dan.pk}/offboarding"
        assert self.api("GET", path).status_code == 404
        assert self.api("POST", path, token=self.assistant_token).status_code == 403
        started = self.api("POST", path)
        assert started.status_code == 201
        assert started.json()["thanks_state"] == "open"
        assert self.api("POST", path).status_code == 422
        bad = self.api("PATCH", path, body={"steps": {"files": True, "party": True}})
        assert bad.status_code == 422
        assert self.api("GET", path).json()["steps"][2] == {
            "key": "files",
            "label": "Files and access handed over",
            "done": False,
        }  # all the changes, or none
        steps = dict.fromkeys(["final_thanks", "files", "invoice", "keep_in_touch"], True)
        body = self.api(
            "PATCH", path, body={"steps": steps, "handover_notes": "In the vault"}
        ).json()
        assert all(step["done"] for step in body["steps"])
        assert self.api("POST", path + "/finish", token=self.assistant_token).status_code == 403
        finished = self.api("POST", path + "/finish").json()
        assert finished["finished_on"] == str(today_in(self.workspace))

    def test_an_outsider_gets_404_from_the_api(self):
        token = self.outsider_token
        for method, path in (
            ("GET", f"/contacts/{self.dan.pk}/health"),
            ("GET", f"/contacts/{self.dan.pk}/offboarding"),
            ("POST", f"/contacts/{self.dan.pk}/offboarding"),
            ("PATCH", f"/contacts/{self.dan.pk}/offboarding"),
            ("POST", f"/contacts/{self.dan.pk}/offboarding/finish"),
        ):
            body: dict[str, object] | None = {} if method == "PATCH" else None
            assert self.api(method, path, token=token, body=body).status_code == 404, path
        assert self.api("GET", "/agreements/health", token=token).json()["signals"] == []


class DemoTests(GoodwillTestCase):
    def test_maja_keeps_every_agreement_and_erik_keeps_calling_at_night(self):
        from goodwill.core.demo import build_demo

        workspace = build_demo()
        build_demo()  # again: nothing doubles
        figures = health.health(workspace, timezone.now())
        assert [row.name for row in figures.by_client] == ["Erik Sand"]
        [signal] = figures.signals
        assert signal.name == "Erik Sand"
        assert signal.after_reminder >= 2
        maja = scoped(Contact, workspace).get(first_name="Maja")
        assert not scoped(Breach, workspace).filter(contact=maja).exists()
        assert scoped(Agreement, workspace).filter(contact=maja, status="agreed").count() == 3
        kinds = [i.kind for i in agenda(workspace).items]
        assert "agreement" in kinds
        assert "clarification" in kinds
