"""Breaches (G3) on worked examples for every kind of need, detection from logged touches and
the overdue sweep, the gentle reminder, and the breaches, questions and invoices pages and API.

The workspace is in Stockholm while the tests run in Chicago (TIME_ZONE), so a time read in
the wrong zone shows."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from goodwill.accounts.models import Workspace
from goodwill.agreements import breaches, services
from goodwill.agreements.models import Agreement, Breach, Clarification, Invoice, Need
from goodwill.agreements.sweeps import detect_overdue
from goodwill.care import services as care
from goodwill.core.testing import GoodwillTestCase
from goodwill.core.worker import SWEEPS
from goodwill.messaging.models import MessageTemplate
from goodwill.people import services as people
from goodwill.people.models import Contact, TimelineEntry
from goodwill.people.services import Labelled
from goodwill.touchpoints import services as touchpoints
from goodwill.touchpoints.models import Interaction

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WEEKDAYS_9_TO_5 = {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}
AGREED_ON = date(2026, 3, 2)


def sthlm(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=STOCKHOLM)


def stockholm_workspace() -> Workspace:
    return Workspace(name="W", slug="w", time_zone="Europe/Stockholm")


# -- The rules, pure -----------------------------------------------------------------------


class TestCallingHours:
    def test_a_call_at_21_10_on_a_weekday_is_judged_on_the_clock_of_that_day_across_dst(self):
        terms = {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "20:30"}
        # The same 19:10 UTC is 20:10 in Stockholm before summer time and 21:10 after it.
        before = datetime(2026, 3, 23, 19, 10, tzinfo=UTC)
        after = datetime(2026, 3, 30, 19, 10, tzinfo=UTC)
        assert breaches.outside_calling_hours(terms, before, STOCKHOLM) is None
        assert breaches.outside_calling_hours(terms, after, STOCKHOLM) == (
            "Called on Monday at 21:10: calls are welcome 09:00 to 20:30."
        )
        # And back again in October: 19:10 UTC is 21:10 the Monday before, 20:10 after.
        assert breaches.outside_calling_hours(
            terms, datetime(2026, 10, 19, 19, 10, tzinfo=UTC), STOCKHOLM
        )
        assert (
            breaches.outside_calling_hours(
                terms, datetime(2026, 10, 26, 19, 10, tzinfo=UTC), STOCKHOLM
            )
            is None
        )

    def test_a_saturday_call_breaks_weekday_hours_whatever_the_hour(self):
        why = breaches.outside_calling_hours(WEEKDAYS_9_TO_5, sthlm(2026, 11, 28, 10), STOCKHOLM)
        assert why == "Called on a Saturday at 10:00: calls are welcome on other days."

    def test_the_end_minute_is_still_inside(self):
        check = breaches.outside_calling_hours
        assert check(WEEKDAYS_9_TO_5, sthlm(2026, 11, 27, 9, 0), STOCKHOLM) is None
        assert check(WEEKDAYS_9_TO_5, sthlm(2026, 11, 27, 17, 0, 59), STOCKHOLM) is None
        assert check(WEEKDAYS_9_TO_5, sthlm(2026, 11, 27, 17, 1), STOCKHOLM)
        assert check(WEEKDAYS_9_TO_5, sthlm(2026, 11, 27, 8, 59), STOCKHOLM)


class TestChannels:
    def test_a_message_on_a_ruled_out_channel_breaks_it_and_social_touches_never_do(self):
        terms = {"allowed": ["email", "phone"]}
        assert breaches.off_channel(terms, "message") == (
            "Reached out by messaging apps: we agreed on e-mail or phone calls."
        )
        assert breaches.off_channel(terms, "meeting")
        for kind in ("email", "call", "meal", "visit_home", "visit_theirs", "event", "gift"):
            assert breaches.off_channel(terms, kind) is None


class TestTurnaround:
    def test_business_days_skip_the_weekend_and_holidays(self):
        workspace = stockholm_workspace()
        midsummer = frozenset({date(2026, 6, 19)})
        asked = sthlm(2026, 6, 18, 16, 30)  # a Thursday; Friday is Midsummer Eve
        assert breaches.turnaround_due(workspace, asked, 1, midsummer) == sthlm(2026, 6, 22, 17)
        assert breaches.turnaround_due(workspace, asked, 2, midsummer) == sthlm(2026, 6, 23, 17)
        assert breaches.turnaround_due(workspace, asked, 1, frozenset()) == sthlm(2026, 6, 19, 17)

    def test_the_hour_it_was_asked_does_not_matter_and_dst_is_exact(self):
        workspace = stockholm_workspace()
        due = sthlm(2026, 10, 26, 17)  # Monday, after the clocks went back: 16:00 UTC
        for hour in (8, 10, 20):
            asked = sthlm(2026, 10, 23, hour)
            assert breaches.turnaround_due(workspace, asked, 1, frozenset()) == due
        assert due.astimezone(UTC).hour == 16
        saturday = sthlm(2026, 10, 24, 11)
        assert breaches.turnaround_due(workspace, saturday, 1, frozenset()) == due

    def test_a_workspace_open_no_day_counts_every_day_to_midnight(self):
        workspace = stockholm_workspace()
        workspace.business_hours = {day: [] for day in workspace.business_hours}
        due = breaches.turnaround_due(workspace, sthlm(2026, 11, 27, 10), 1, frozenset())
        assert due == sthlm(2026, 11, 29, 0)  # the end of Saturday


class TestPaymentTerms:
    def test_payment_terms_are_calendar_days(self):
        assert breaches.invoice_due(date(2026, 11, 2), 14) == date(2026, 11, 16)
        assert breaches.days_late(date(2026, 11, 16), date(2026, 11, 17)) == 1
        assert breaches.days_late(date(2026, 11, 16), date(2026, 11, 16)) == 0


# -- With a workspace ----------------------------------------------------------------------


class BreachCase(GoodwillTestCase):
    def setUp(self):
        self.workspace.time_zone = "Europe/Stockholm"
        self.workspace.save()
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan",
            phones=[Labelled("mobile", "+12125550100")],
        )  # fmt: skip

    def agree(
        self, kind: str, title: str, terms: dict[str, Any], contact: Contact | None = None
    ) -> Agreement:
        need = services.need_create(
            self.workspace, kind=kind, title=title, why="It is good for both of us.", terms=terms
        )
        agreement = services.agreement_propose(contact or self.dan, need, on=AGREED_ON)
        return services.agreement_agree(agreement, on=AGREED_ON)

    def call(self, at: datetime, direction: str = "theirs", kind: str = "call") -> Interaction:
        return touchpoints.interaction_log(
            self.workspace, actor=self.owner, kind=kind, contact_ids=[self.dan.pk],
            occurred_at=at, direction=direction,
        )  # fmt: skip


class DetectionTests(BreachCase):
    def setUp(self):
        super().setUp()
        self.calls = self.agree("calling_hours", "Calls 9 to 5", WEEKDAYS_9_TO_5)

    def test_a_call_they_make_at_21_10_is_a_breach_after_the_dst_change(self):
        self.call(datetime(2026, 3, 27, 20, 10, tzinfo=UTC))  # Friday 21:10 CET
        self.call(datetime(2026, 3, 30, 15, 0, tzinfo=UTC))  # Monday 17:00 CEST: inside
        self.call(datetime(2026, 3, 30, 19, 10, tzinfo=UTC))  # Monday 21:10 CEST
        found = Breach.objects.order_by("occurred_at")
        assert [b.note for b in found] == [
            "Called on Friday at 21:10: calls are welcome 09:00 to 17:00.",
            "Called on Monday at 21:10: calls are welcome 09:00 to 17:00.",
        ]
        assert {b.source for b in found} == {"interaction"}
        assert TimelineEntry.objects.filter(contact=self.dan, kind="breach").count() == 2

    def test_a_saturday_call_is_a_breach_and_a_call_you_make_is_not(self):
        self.call(sthlm(2026, 11, 28, 11))
        self.call(sthlm(2026, 11, 28, 12), direction="ours")
        breach = Breach.objects.get()
        assert breach.note.startswith("Called on a Saturday at 11:00")
        assert breach.agreement == self.calls

    def test_a_call_before_they_agreed_is_no_breach(self):
        self.call(sthlm(2026, 2, 28, 23))
        assert not Breach.objects.exists()

    def test_a_message_on_a_ruled_out_channel_is_a_breach(self):
        channels = self.agree("channels", "E-mail and phone", {"allowed": ["email", "phone"]})
        self.call(sthlm(2026, 11, 27, 10), kind="message")
        self.call(sthlm(2026, 11, 27, 11), kind="email")
        self.call(sthlm(2026, 11, 27, 12), kind="meal")
        breach = Breach.objects.get()
        assert breach.agreement == channels
        assert breach.note == "Reached out by messaging apps: we agreed on e-mail or phone calls."

    def test_needs_nothing_can_detect_are_logged_by_hand_only(self):
        others = [
            self.agree("response_window", "E-mail twice a day", {"times": ["09:00", "16:00"]}),
            self.agree("retainer", "Deposit", {"text": "50% up front"}),
            self.agree("free", "Briefs in writing", {}),
        ]
        self.call(sthlm(2026, 11, 27, 12), kind="message")
        self.call(sthlm(2026, 11, 27, 12, 30), kind="email")
        assert not Breach.objects.exists()
        for agreement in others:
            breaches.breach_log(agreement, note="by hand")
        assert Breach.objects.filter(source="manual").count() == 3

    def test_one_touch_can_break_two_needs_each_once(self):
        self.agree("channels", "E-mail only", {"allowed": ["email"]})
        interaction = self.call(sthlm(2026, 11, 28, 22))
        assert Breach.objects.filter(ref=f"interaction:{interaction.pk}").count() == 2
        assert breaches.breaches_detect(interaction, [self.dan]) == []  # idempotent
        assert Breach.objects.count() == 2

    def test_a_dismissed_breach_is_not_detected_again(self):
        interaction = self.call(sthlm(2026, 11, 28, 22))
        breaches.breach_dismiss(Breach.objects.get())
        breaches.breaches_detect(interaction, [self.dan])
        assert Breach.objects.get().dismissed

    def test_logging_a_touch_never_fails_because_of_detection(self):
        with mock.patch(
            "goodwill.agreements.detection.breaches_detect", side_effect=IntegrityError("boom")
        ):
            interaction = self.call(sthlm(2026, 11, 28, 22))
        assert Interaction.objects.filter(pk=interaction.pk).exists()
        assert not Breach.objects.exists()
        # Terms edited out of shape are skipped, not a crash.
        Need.objects.filter(pk=self.calls.need_id).update(terms={"days": "weekdays"})
        self.call(sthlm(2026, 11, 28, 23))
        assert Interaction.objects.count() == 2
        assert not Breach.objects.exists()

    def test_a_touch_with_others_checks_only_the_clients_who_agreed(self):
        maja = people.contact_create(self.workspace, actor=self.owner, first_name="Maja")
        touchpoints.interaction_log(
            self.workspace, actor=self.owner, kind="call", contact_ids=[self.dan.pk, maja.pk],
            occurred_at=sthlm(2026, 11, 28, 22), direction="theirs",
        )  # fmt: skip
        assert list(Breach.objects.values_list("contact", flat=True)) == [self.dan.pk]


class ManualBreachTests(BreachCase):
    def setUp(self):
        super().setUp()
        self.calls = self.agree("calling_hours", "Calls 9 to 5", WEEKDAYS_9_TO_5)

    def test_logged_by_hand_then_reminded_or_dismissed(self):
        breach = breaches.breach_log(
            self.calls, occurred_at=sthlm(2026, 11, 26, 21, 10), note="called at 21:10",
            actor=self.owner,
        )  # fmt: skip
        assert (breach.source, breach.ref, breach.contact) == ("manual", "", self.dan)
        breaches.breach_reminded(breach)
        assert breach.reminded_at is not None
        breaches.breach_dismiss(breach)
        with pytest.raises(ValidationError, match="dismissed"):
            breaches.breach_reminded(breach)
        breaches.breach_dismiss(breach, dismissed=False)
        assert not Breach.objects.get().dismissed

    def test_bad_input_is_refused(self):
        now = datetime(2026, 11, 30, 12, tzinfo=UTC)
        with pytest.raises(ValidationError, match="still to come"):
            breaches.breach_log(self.calls, occurred_at=now + timedelta(hours=1), now=now)
        with pytest.raises(ValidationError, match="before they agreed"):
            breaches.breach_log(self.calls, occurred_at=sthlm(2026, 3, 1, 12))
        with pytest.raises(ValidationError, match="300"):
            breaches.breach_log(self.calls, note="x" * 301)
        pay = services.need_create(
            self.workspace, kind="payment_terms", title="Pay", why="Why", terms={"days": 14}
        )
        proposed = services.agreement_propose(self.dan, pay, on=AGREED_ON)
        with pytest.raises(ValidationError, match="agreed to"):
            breaches.breach_log(proposed)
        assert not Breach.objects.exists()

    def test_the_reminder_is_about_the_need_and_why_cut_at_a_word(self):
        assert breaches.reminder_about(self.calls) == "Calls 9 to 5: It is good for both of us"
        Need.objects.filter(pk=self.calls.need_id).update(why="word " * 100)
        self.calls.refresh_from_db()
        about = breaches.reminder_about(Agreement.objects.select_related("need").get())
        assert len(about) <= 300
        assert about.endswith("word…")

    def test_the_client_s_own_time_shows_when_their_phone_tells_it(self):
        breach = breaches.breach_log(self.calls, occurred_at=sthlm(2026, 11, 26, 21, 10))
        row = breaches.breach_rows(self.dan, [breach])[0]
        assert row.client_time is not None
        assert (row.client_time.hour, row.client_time.minute) == (15, 10)
        assert str(row.client_time.tzinfo) == "America/New_York"
        maja = people.contact_create(self.workspace, actor=self.owner, first_name="Maja")
        assert breaches.client_zone(maja) is None


class ClarificationTests(BreachCase):
    def test_asked_before_midsummer_due_after_the_weekend(self):
        care.holiday_add(self.workspace, date(2026, 6, 19), "Midsummer Eve")
        turnaround = self.agree("turnaround", "Answers in 2 business days", {"days": 2})
        asked = sthlm(2026, 6, 18, 16, 30)
        question = breaches.clarification_ask(self.dan, question="Which logo?", asked_at=asked)
        assert question.due_at == sthlm(2026, 6, 23, 17)
        breaches.clarification_answer(question, answered_at=sthlm(2026, 6, 23, 16, 59))
        assert not Breach.objects.exists()
        late = breaches.clarification_ask(self.dan, question="Which font?", asked_at=asked)
        breaches.clarification_answer(late, answered_at=sthlm(2026, 6, 24, 9))
        breach = Breach.objects.get()
        assert (breach.agreement, breach.occurred_at) == (turnaround, sthlm(2026, 6, 23, 17))
        assert breach.note == "Answered late: Which font?"

    def test_open_past_due_the_sweep_logs_it_once(self):
        self.agree("turnaround", "Answers in a day", {"days": 1})
        question = breaches.clarification_ask(
            self.dan, question="Which logo?", asked_at=sthlm(2026, 11, 2, 10)
        )
        assert "agreements-overdue" in SWEEPS
        assert detect_overdue(sthlm(2026, 11, 3, 16, 59)) == 0
        assert detect_overdue(sthlm(2026, 11, 3, 17, 1)) == 1
        assert detect_overdue(sthlm(2026, 11, 3, 18)) == 0
        breaches.clarification_answer(question, answered_at=sthlm(2026, 11, 4, 9))
        assert Breach.objects.get().note == "Still unanswered: Which logo?"

    def test_without_an_agreed_turnaround_a_question_is_refused(self):
        with pytest.raises(ValidationError, match="Agree a clarification turnaround"):
            breaches.clarification_ask(self.dan, question="Which logo?")
        self.agree("turnaround", "Answers in a day", {"days": 1})
        with pytest.raises(ValidationError, match="500"):
            breaches.clarification_ask(self.dan, question=" ")
        question = breaches.clarification_ask(self.dan, question="Which logo?")
        breaches.clarification_answer(question)
        with pytest.raises(ValidationError, match="already answered"):
            breaches.clarification_answer(question)
        assert Clarification.objects.count() == 1


class InvoiceTests(BreachCase):
    def setUp(self):
        super().setUp()
        self.terms = self.agree("payment_terms", "Paid within 14 days", {"days": 14})

    def invoice(self, number: str = "2026-001", **extra) -> Invoice:
        arguments: dict[str, Any] = {
            "amount": "1250.50",
            "currency": "sek",
            "issued_on": date(2026, 11, 2),
        }
        return breaches.invoice_create(self.dan, number=number, **{**arguments, **extra})

    def test_paid_a_day_late_is_a_breach_on_time_is_not(self):
        on_time = self.invoice("A")
        assert (on_time.due_on, on_time.amount, on_time.currency) == (
            date(2026, 11, 16), Decimal("1250.50"), "SEK",
        )  # fmt: skip
        breaches.invoice_paid(on_time, on=date(2026, 11, 16))
        late = self.invoice("B")
        breaches.invoice_paid(late, on=date(2026, 11, 17))
        breach = Breach.objects.get()
        assert breach.note == "Invoice B paid 1 day late"
        assert breach.occurred_at == sthlm(2026, 11, 17, 0)
        assert (breach.source, breach.ref) == ("invoice", f"invoice:{late.pk}")

    def test_unpaid_past_due_the_sweep_logs_it_once_and_paying_says_how_late(self):
        invoice = self.invoice()
        assert detect_overdue(sthlm(2026, 11, 16, 23, 59)) == 0
        assert detect_overdue(sthlm(2026, 11, 17, 0, 1)) == 1
        assert detect_overdue(sthlm(2026, 11, 18)) == 0
        breaches.invoice_paid(invoice, on=date(2026, 11, 20))
        assert Breach.objects.get().note == "Invoice 2026-001 paid 4 days late"

    def test_bad_input_is_refused_and_nothing_is_stored(self):
        self.invoice("A")
        cases: list[tuple[dict[str, Any], str]] = [
            ({"number": "A"}, "already recorded"),
            ({"number": " "}, "invoice number"),
            ({"amount": "-1"}, "negative"),
            ({"amount": "1.005"}, "two decimals"),
            ({"currency": "XXX"}, "not a currency"),
            ({"issued_on": date(2099, 1, 1)}, "still to come"),
            ({"due_on": date(2026, 11, 1)}, "before the invoice date"),
        ]
        for change, message in cases:
            with pytest.raises(ValidationError, match=message):
                self.invoice(**{"number": "B", **change})
        maja = people.contact_create(self.workspace, actor=self.owner, first_name="Maja")
        with pytest.raises(ValidationError, match="agree payment terms"):
            breaches.invoice_create(maja, number="C", amount="1", currency="EUR")
        given = breaches.invoice_create(
            maja,
            number="C",
            amount="1",
            currency="EUR",
            issued_on=date(2026, 11, 20),  # not today: the test may run on any day
            due_on=date(2026, 12, 1),
        )
        breaches.invoice_paid(given, on=date(2026, 11, 30))
        assert Invoice.objects.count() == 2
        with pytest.raises(ValidationError, match="already paid"):
            breaches.invoice_paid(given)


# -- Pages ---------------------------------------------------------------------------------


class PageTests(BreachCase):
    def setUp(self):
        super().setUp()
        self.calls = self.agree("calling_hours", "Calls 9 to 5", WEEKDAYS_9_TO_5)
        self.login(self.owner)

    def test_log_a_breach_in_two_clicks_then_send_the_prefilled_reminder(self):
        page = self.client.get(f"/people/{self.dan.pk}/breaches/")
        self.assertContains(page, "Log a breach")
        self.assertContains(page, f'<option value="{self.calls.pk}" selected>Calls 9 to 5</option>')
        response = self.client.post(
            f"/people/{self.dan.pk}/breaches/",
            {"agreement": self.calls.pk, "occurred_at": "2026-11-26T21:10", "note": "at night"},
        )
        assert response.status_code == 302
        breach = Breach.objects.get()
        assert breach.occurred_at == sthlm(2026, 11, 26, 21, 10)  # read in the workspace's zone
        page = self.client.get(f"/people/{self.dan.pk}/breaches/")
        self.assertContains(page, "15:10 for them, America/New_York")
        link = next(url for name, url in page.context["rows"][0][1] if name == "A gentle reminder")
        params = parse_qs(urlparse(link).query)
        assert params == {
            "occasion": ["boundary"], "about": ["Calls 9 to 5: It is good for both of us"]
        }  # fmt: skip
        compose = self.client.get(link)
        self.assertContains(
            compose, "A friendly reminder of what we agreed: Calls 9 to 5: It is good for both"
        )
        self.client.post(f"/people/{self.dan.pk}/breaches/{breach.pk}/reminded/")
        breach.refresh_from_db()
        assert breach.reminded_at is not None
        self.client.post(f"/people/{self.dan.pk}/breaches/{breach.pk}/dismiss/")
        breach.refresh_from_db()
        assert breach.dismissed
        self.client.post(f"/people/{self.dan.pk}/breaches/{breach.pk}/dismiss/", {"restore": "1"})
        breach.refresh_from_db()
        assert not breach.dismissed

    def test_a_firmer_template_is_offered_only_as_the_user_s_choice(self):
        self.client.get(f"/people/{self.dan.pk}/breaches/")  # ensures the shipped templates
        firm = MessageTemplate.objects.get(workspace=self.workspace, name="A clearer reminder")
        breaches.breach_log(self.calls, occurred_at=sthlm(2026, 11, 26, 21, 10))
        page = self.client.get(f"/people/{self.dan.pk}/breaches/")
        links = page.context["rows"][0][1]
        assert [name for name, _ in links] == ["A gentle reminder", "A clearer reminder"]
        assert f"template={firm.pk}" in links[1][1]
        assert "template=" not in links[0][1]

    def test_bad_input_is_a_400_and_nothing_is_stored(self):
        url = f"/people/{self.dan.pk}/breaches/"
        future = self.client.post(
            url, {"agreement": self.calls.pk, "occurred_at": "2099-01-01T10:00"}
        )
        self.assertContains(future, "still to come", status_code=400)
        other = self.client.post(url, {"agreement": 999999})
        assert other.status_code == 400
        assert not Breach.objects.exists()
        bad_question = self.client.post(f"/people/{self.dan.pk}/clarifications/", {"question": "Q"})
        self.assertContains(bad_question, "Agree a clarification turnaround", status_code=400)
        bad_invoice = self.client.post(
            f"/people/{self.dan.pk}/invoices/",
            {"number": "A", "amount": "10", "currency": "EUR", "due_on": "2020-01-01"},
        )
        assert bad_invoice.status_code == 400
        assert not Clarification.objects.exists()
        assert not Invoice.objects.exists()

    def test_questions_and_invoices_pages(self):
        self.agree("turnaround", "Answers in a day", {"days": 1})
        self.agree("payment_terms", "Paid within 14 days", {"days": 14})
        url = f"/people/{self.dan.pk}/clarifications/"
        asked = self.client.post(url, {"question": "Which logo?", "asked_at": "2026-11-27T10:00"})
        assert asked.status_code == 302
        question = Clarification.objects.get()
        assert question.due_at == sthlm(2026, 11, 30, 17)
        self.assertContains(self.client.get(url), "Which logo?")
        answer = f"{url}{question.pk}/answer/"
        self.client.post(answer, {"answered_at": "2026-11-30T16:00"})
        question.refresh_from_db()
        assert question.answered_at == sthlm(2026, 11, 30, 16)
        url = f"/people/{self.dan.pk}/invoices/"
        recorded = self.client.post(
            url, {"number": "7", "amount": "100", "currency": "SEK", "issued_on": "2026-11-02"}
        )
        assert recorded.status_code == 302
        invoice = Invoice.objects.get()
        assert invoice.due_on == date(2026, 11, 16)
        self.assertContains(self.client.get(url), "overdue")
        self.client.post(f"{url}{invoice.pk}/paid/", {"on": "2026-11-17"})
        assert Breach.objects.get().note == "Invoice 7 paid 1 day late"

    def test_the_breaches_page_costs_the_same_queries_however_many_breaches(self):
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert self.client.get(f"/people/{self.dan.pk}/breaches/").status_code == 200
            return len(queries)

        breaches.breach_log(self.calls, occurred_at=sthlm(2026, 11, 2, 21))
        count()  # the shipped templates are made on the first visit
        one = count()
        for day in range(3, 9):
            breaches.breach_log(self.calls, occurred_at=sthlm(2026, 11, day, 21))
        assert count() == one

    def test_outsiders_get_404_everywhere(self):
        self.agree("turnaround", "Answers in a day", {"days": 1})
        breach = breaches.breach_log(self.calls)
        question = breaches.clarification_ask(self.dan, question="Q?")
        invoice = breaches.invoice_create(self.dan, number="1", amount="1", currency="EUR",
                                          due_on=date(2026, 12, 1))  # fmt: skip
        self.login(self.outsider)
        base = f"/people/{self.dan.pk}"
        for url in ("breaches/", "clarifications/", "invoices/"):
            assert self.client.get(f"{base}/{url}").status_code == 404
        for url in (
            f"breaches/{breach.pk}/reminded/", f"breaches/{breach.pk}/dismiss/",
            f"clarifications/{question.pk}/answer/", f"invoices/{invoice.pk}/paid/",
        ):  # fmt: skip
            assert self.client.post(f"{base}/{url}").status_code == 404
        breach.refresh_from_db()
        assert (breach.reminded_at, breach.dismissed) == (None, False)
        # A breach of another contact of the same workspace is not reached through this one.
        self.login(self.owner)
        maja = people.contact_create(self.workspace, actor=self.owner, first_name="Maja")
        response = self.client.post(f"/people/{maja.pk}/breaches/{breach.pk}/dismiss/")
        assert response.status_code == 404


# -- API -----------------------------------------------------------------------------------


class ApiTests(BreachCase):
    def setUp(self):
        super().setUp()
        self.calls = self.agree("calling_hours", "Calls 9 to 5", WEEKDAYS_9_TO_5)

    def test_breaches_log_list_remind_dismiss(self):
        path = f"/contacts/{self.dan.pk}/breaches"
        body = {"agreement": self.calls.pk, "occurred_at": "2026-11-26T20:10:00Z", "note": "late"}
        created = self.api("post", path, body=body)
        assert created.status_code == 201
        out = created.json()
        assert out["need"] == "Calls 9 to 5"
        assert out["client_time_zone"] == "America/New_York"
        assert out["client_local_time"].startswith("2026-11-26T15:10:00")
        assert out["reminder_about"] == "Calls 9 to 5: It is good for both of us"
        listed = self.api("get", path, token=self.assistant_token).json()
        assert [b["id"] for b in listed] == [out["id"]]
        reminded = self.api("post", f"/breaches/{out['id']}/reminded", body={})
        assert reminded.json()["reminded_at"] is not None
        dismissed = self.api("post", f"/breaches/{out['id']}/dismiss", body={"dismissed": True})
        assert dismissed.json()["dismissed"] is True

    def test_bad_input_is_422_and_nothing_is_stored(self):
        path = f"/contacts/{self.dan.pk}/breaches"
        future = self.api("post", path, body={"agreement": self.calls.pk,
                                              "occurred_at": "2099-01-01T00:00:00Z"})  # fmt: skip
        assert future.status_code == 422
        assert "still to come" in future.json()["detail"]
        assert self.api("post", path, body={"agreement": "x"}).status_code == 422
        assert self.api("post", path, body={"agreement": 999999}).status_code == 404
        assert not Breach.objects.exists()
        no_terms = self.api(
            "post", f"/contacts/{self.dan.pk}/clarifications", body={"question": "Q"}
        )
        assert no_terms.status_code == 422
        assert "turnaround" in no_terms.json()["detail"]
        invoices = f"/contacts/{self.dan.pk}/invoices"
        for body in (
            {"number": "1", "amount": "1", "currency": "XXX", "due_on": "2026-12-01"},
            {"number": "1", "amount": "-1", "currency": "EUR", "due_on": "2026-12-01"},
            {"number": "1", "amount": "1", "currency": "EUR"},
        ):
            assert self.api("post", invoices, body=body).status_code == 422
        assert not Clarification.objects.exists()
        assert not Invoice.objects.exists()

    def test_clarifications_and_invoices(self):
        self.agree("turnaround", "Answers in a day", {"days": 1})
        self.agree("payment_terms", "Paid within 14 days", {"days": 14})
        path = f"/contacts/{self.dan.pk}/clarifications"
        asked = self.api("post", path, body={"question": "Which logo?",
                                             "asked_at": "2026-11-27T09:00:00Z"})  # fmt: skip
        assert asked.status_code == 201
        assert asked.json()["due_at"].startswith("2026-11-30T16:00:00")  # Monday 17:00 CET
        assert self.api("get", path).json()["count"] == 1
        answered = self.api("post", f"/clarifications/{asked.json()['id']}/answer", body={})
        assert answered.json()["answered_at"] is not None
        path = f"/contacts/{self.dan.pk}/invoices"
        body = {"number": "7", "amount": "100.00", "currency": "sek", "issued_on": "2026-11-02"}
        created = self.api("post", path, body=body)
        assert created.status_code == 201
        assert created.json()["due_on"] == "2026-11-16"
        assert created.json()["contact"] == self.dan.pk
        paid = self.api("post", f"/invoices/{created.json()['id']}/paid", body={"on": "2026-11-17"})
        assert paid.json()["paid_on"] == "2026-11-17"
        # (The question, answered now, may be late too: that depends on today's date.)
        breaches_now = self.api("get", f"/contacts/{self.dan.pk}/breaches").json()
        assert "invoice" in {breach["source"] for breach in breaches_now}

    def test_outsiders_get_404_everywhere(self):
        self.agree("turnaround", "Answers in a day", {"days": 1})
        breach = breaches.breach_log(self.calls)
        question = breaches.clarification_ask(self.dan, question="Q?")
        invoice = breaches.invoice_create(self.dan, number="1", amount="1", currency="EUR",
                                          due_on=date(2026, 12, 1))  # fmt: skip
        token = self.outsider_token
        for method, path, body in [
            ("get", f"/contacts/{self.dan.pk}/breaches", None),
            ("post", f"/contacts/{self.dan.pk}/breaches", {"agreement": self.calls.pk}),
            ("post", f"/breaches/{breach.pk}/dismiss", {}),
            ("post", f"/breaches/{breach.pk}/reminded", {}),
            ("get", f"/contacts/{self.dan.pk}/clarifications", None),
            ("post", f"/contacts/{self.dan.pk}/clarifications", {"question": "Q"}),
            ("post", f"/clarifications/{question.pk}/answer", {}),
            ("get", f"/contacts/{self.dan.pk}/invoices", None),
            ("post", f"/contacts/{self.dan.pk}/invoices",
             {"number": "2", "amount": "1", "currency": "EUR", "due_on": "2026-12-01"}),
            ("post", f"/invoices/{invoice.pk}/paid", {}),
        ]:  # fmt: skip
            assert self.api(method, path, token=token, body=body).status_code == 404, path
        assert Breach.objects.count() == 1
        assert (Clarification.objects.count(), Invoice.objects.count()) == (1, 1)
