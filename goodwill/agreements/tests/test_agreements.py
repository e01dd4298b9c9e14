"""Agreements per client (G2): needs proposed one at a time, agreed or declined, the next
suggested once the last has held; the client's agreements page, the contact page's panel, the
timeline, the API, and the client page showing only the terms they agreed to."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from goodwill.agreements import services
from goodwill.agreements.models import Agreement, AgreementStatus, Need
from goodwill.care import client, links
from goodwill.care.models import ClientLink
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.people.models import TimelineEntry

WHY = "Good for both of us."
MARCH_2 = date(2026, 3, 2)


class AgreementCase(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        self.calls = services.need_create(
            self.workspace, kind="calling_hours", title="Calls 9 to 5",
            why="You reach me ready to talk.",
            terms={"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"},
        )  # fmt: skip
        self.pay = services.need_create(
            self.workspace, kind="payment_terms", title="Paid in 14 days", why=WHY,
            terms={"days": 14},
        )  # fmt: skip
        self.retainer = services.need_create(
            self.workspace, kind="retainer", title="Deposit", why="Secret reason",
            terms={"text": "50% up front"},
        )  # fmt: skip

    def propose(self, need: Need, on: date = MARCH_2, **kwargs) -> Agreement:
        return services.agreement_propose(self.dan, need, on=on, **kwargs)


class NextNeedTests(AgreementCase):
    def test_one_need_at_a_time_each_after_the_last_has_held(self):
        assert services.next_need(self.dan, today=MARCH_2) == self.calls
        calls = self.propose(self.calls, how="on our call", hold_days=14)
        suggestion = services.suggest_next(self.dan, today=MARCH_2)
        assert suggestion == services.Suggestion(None, "Calls 9 to 5 is waiting for their answer.")
        services.agreement_agree(calls, on=date(2026, 3, 4))
        # Agreed on 4 March, holding for 14 days: nothing new until 18 March.
        assert services.next_need(self.dan, today=date(2026, 3, 17)) is None
        reason = services.suggest_next(self.dan, today=date(2026, 3, 17)).reason
        assert reason == (
            "Calls 9 to 5 was agreed on 4 March 2026; let it hold until 18 March 2026 "
            "before asking for more."
        )
        assert services.next_need(self.dan, today=date(2026, 3, 18)) == self.pay
        pay = self.propose(self.pay, on=date(2026, 3, 18))
        services.agreement_decline(pay, on=date(2026, 3, 19))
        # A declined need does not hold up the next, and is not suggested again.
        assert services.next_need(self.dan, today=date(2026, 3, 19)) == self.retainer
        services.agreement_end(pay, on=date(2026, 3, 20))
        assert services.next_need(self.dan, today=date(2026, 3, 20)) == self.pay

    def test_the_order_of_the_catalogue_decides_and_archived_needs_are_skipped(self):
        services.need_move(self.retainer, up=True)
        services.need_move(self.retainer, up=True)
        assert services.next_need(self.dan, today=MARCH_2) == self.retainer
        services.need_archive(self.retainer)
        assert services.next_need(self.dan, today=MARCH_2) == self.calls

    def test_when_everything_is_agreed_it_says_so(self):
        for need in (self.calls, self.pay, self.retainer):
            services.agreement_agree(self.propose(need, hold_days=1), on=MARCH_2)
        suggestion = services.suggest_next(self.dan, today=date(2026, 4, 1))
        assert suggestion.need is None
        assert "already agreed or declined" in suggestion.reason
        other = people.contact_create(self.workspace, actor=self.owner, kind="client",
                                      first_name="Eve")  # fmt: skip
        Need.objects.all().update(archived=True)
        assert services.suggest_next(other).reason == "Your catalogue has no needs yet."


class AgreementRuleTests(AgreementCase):
    def test_a_need_is_proposed_once_until_it_ends(self):
        agreement = self.propose(self.calls)
        with pytest.raises(ValidationError, match="already proposed to or agreed"):
            self.propose(self.calls)
        services.agreement_end(agreement, on=MARCH_2)
        assert self.propose(self.calls).status == AgreementStatus.PROPOSED

    def test_moves_follow_the_states_and_the_days(self):
        agreement = self.propose(self.calls)
        with pytest.raises(ValidationError, match="before it was proposed"):
            services.agreement_agree(agreement, on=date(2026, 3, 1))
        with pytest.raises(ValidationError, match="Only an agreed need"):
            services.agreement_check_in(agreement)
        services.agreement_agree(agreement, on=MARCH_2)
        with pytest.raises(ValidationError, match="cannot become declined"):
            services.agreement_decline(agreement)
        with pytest.raises(ValidationError, match="still to come"):
            services.agreement_check_in(agreement, on=date(2999, 1, 1))
        services.agreement_check_in(agreement, on=date(2026, 3, 16))
        assert agreement.checked_in_on == date(2026, 3, 16)
        with pytest.raises(ValidationError, match="End the agreements"):
            services.need_archive(self.calls)
        titles = list(
            TimelineEntry.objects.filter(kind="agreement")
            .order_by("id")
            .values_list("title", flat=True)
        )
        assert titles == ["Proposed: Calls 9 to 5", "Agreed: Calls 9 to 5"]


class AgreementsPageTests(AgreementCase):
    def url(self, suffix: str = "") -> str:
        return f"/people/{self.dan.pk}/agreements/{suffix}"

    def test_propose_then_agree_check_in_and_end(self):
        self.login(self.assistant)
        page = self.client.get(self.url())
        self.assertContains(page, "Next: Calls 9 to 5")
        self.assertContains(page, f'<option value="{self.calls.pk}" selected>')
        data = {"need": self.calls.pk, "on": "2026-03-02", "how": "on our call",
                "hold_days": "21", "notes": ""}  # fmt: skip
        self.assertRedirects(self.client.post(self.url("propose/"), data), self.url())
        agreement = Agreement.objects.get()
        assert (agreement.proposed_on, agreement.proposed_how, agreement.hold_days) == (
            MARCH_2, "on our call", 21,
        )  # fmt: skip
        page = self.client.get(self.url())
        self.assertContains(page, "Nothing to propose yet")
        self.assertContains(page, "Calls 9 to 5 is waiting for their answer.")
        self.assertContains(page, "Proposed 2 Mar 2026 (on our call)")
        base = f"/agreements/{agreement.pk}/"
        self.client.post(base + "agree/", {"on": "2026-03-03"})
        agreement.refresh_from_db()
        assert (agreement.status, agreement.agreed_on) == ("agreed", date(2026, 3, 3))
        self.client.post(base + "check-in/", {"on": ""})
        agreement.refresh_from_db()
        assert agreement.checked_in_on is not None
        response = self.client.post(base + "decline/", follow=True)
        self.assertContains(response, "An agreed agreement cannot become declined.")
        self.client.post(base + "end/")
        agreement.refresh_from_db()
        assert agreement.status == "ended"

    def test_decline(self):
        agreement = self.propose(self.calls)
        self.login(self.owner)
        self.client.post(f"/agreements/{agreement.pk}/decline/", {"on": "2026-03-05"})
        agreement.refresh_from_db()
        assert (agreement.status, agreement.declined_on) == ("declined", date(2026, 3, 5))
        self.assertContains(self.client.get(self.url()), "Next: Paid in 14 days")

    def test_bad_input_gets_a_clear_error_and_nothing_is_stored(self):
        self.login(self.owner)
        other_need = services.need_create(self.other_workspace, kind="free", title="X", why=WHY)
        good = {"need": self.calls.pk, "on": "2026-03-02", "how": "", "hold_days": "14"}
        bad_input: list[tuple[dict[str, Any], str]] = [
            ({"hold_days": "0"}, "greater than or equal to 1"),
            ({"on": "2999-01-01"}, "That day is still to come."),
            ({"need": other_need.pk}, "Select a valid choice"),
            ({"on": "soon"}, "Enter a valid date."),
        ]
        for bad, message in bad_input:
            response = self.client.post(self.url("propose/"), {**good, **bad})
            self.assertContains(response, message, status_code=400, msg_prefix=message)
        assert not Agreement.objects.exists()
        agreement = self.propose(self.calls)
        response = self.client.post(
            f"/agreements/{agreement.pk}/agree/", {"on": "2999-01-01"}, follow=True
        )
        self.assertContains(response, "That day is still to come.")
        agreement.refresh_from_db()
        assert agreement.status == "proposed"

    def test_an_outsider_gets_404_everywhere(self):
        agreement = self.propose(self.calls)
        self.login(self.outsider)
        for method, url in [
            ("get", self.url()),
            ("post", self.url("propose/")),
            *[("post", f"/agreements/{agreement.pk}/{move}/")
              for move in ("agree", "decline", "end", "check-in")],
        ]:  # fmt: skip
            assert getattr(self.client, method)(url).status_code == 404, url
        agreement.refresh_from_db()
        assert agreement.status == "proposed"

    def test_the_timeline_links_to_the_agreements(self):
        self.propose(self.calls)
        self.login(self.owner)
        page = self.client.get(f"/people/{self.dan.pk}/")
        self.assertContains(page, f'<a href="{self.url()}">Proposed: Calls 9 to 5</a>')

    def test_the_contact_panel_shows_the_agreements_and_the_next_need(self):
        self.login(self.owner)
        page = self.client.get(f"/people/{self.dan.pk}/")
        self.assertContains(page, "Working agreements")
        self.assertContains(page, "Next: <strong>Calls 9 to 5</strong>")
        services.agreement_agree(self.propose(self.calls, hold_days=14), on=MARCH_2)
        page = self.client.get(f"/people/{self.dan.pk}/")
        self.assertContains(page, "agreed 2 Mar 2026")

    def test_the_panel_costs_two_queries_at_most(self):
        from goodwill.agreements.panels import agreements_panel

        dan = type(self.dan).objects.select_related("workspace").get(pk=self.dan.pk)
        with self.assertNumQueries(2):
            agreements_panel(None, dan)  # type: ignore[arg-type]
        self.propose(self.calls)
        with self.assertNumQueries(1):  # waiting for an answer: no need to look up
            panel = agreements_panel(None, dan)  # type: ignore[arg-type]
        assert [a.need.title for a in panel["agreements"]] == ["Calls 9 to 5"]


class AgreementApiTests(AgreementCase):
    def test_propose_agree_and_the_next_need(self):
        path = f"/contacts/{self.dan.pk}/agreements"
        nxt = self.api("get", f"/contacts/{self.dan.pk}/next-need").json()
        assert (nxt["need"]["id"], nxt["reason"]) == (self.calls.pk, "")
        body = {"need": self.calls.pk, "on": "2026-03-02", "how": "by e-mail", "hold_days": 7}
        response = self.api("post", path, body=body, token=self.assistant_token)
        assert response.status_code == 201, response.json()
        agreement = response.json()
        assert (agreement["status"], agreement["need"]["title"]) == ("proposed", "Calls 9 to 5")
        nxt = self.api("get", f"/contacts/{self.dan.pk}/next-need").json()
        assert nxt == {"need": None, "reason": "Calls 9 to 5 is waiting for their answer."}
        one = f"/agreements/{agreement['id']}"
        agreed = self.api("post", f"{one}/agree", body={"on": "2026-03-03"}).json()
        assert (agreed["status"], agreed["agreed_on"]) == ("agreed", "2026-03-03")
        assert self.api("post", f"{one}/check-in", body={}).json()["checked_in_on"] is not None
        assert self.api("get", one).json()["status"] == "agreed"
        listed = self.api("get", path).json()
        assert listed["count"] == 1
        assert self.api("post", f"{one}/end", body={}).json()["status"] == "ended"
        second = self.api("post", path, body={"need": self.pay.pk}).json()
        declined = self.api("post", f"/agreements/{second['id']}/decline", body={})
        assert declined.json()["status"] == "declined"

    def test_bad_input_is_422_and_nothing_stored(self):
        path = f"/contacts/{self.dan.pk}/agreements"
        for body, detail in [
            ({"need": self.calls.pk, "hold_days": 0}, "The request is not valid"),
            ({"need": self.calls.pk, "on": "2999-01-01"}, "That day is still to come."),
            ({"need": self.calls.pk, "how": "x" * 121}, "The request is not valid"),
        ]:
            response = self.api("post", path, body=body)
            assert response.status_code == 422, body
            assert detail in response.json()["detail"]
        assert not Agreement.objects.exists()
        agreement = self.propose(self.calls)
        response = self.api("post", f"/agreements/{agreement.pk}/check-in", body={})
        assert response.status_code == 422
        assert response.json()["detail"] == "Only an agreed need can be checked on."

    def test_an_outsider_gets_404_everywhere(self):
        agreement = self.propose(self.calls)
        token = self.outsider_token
        contact = f"/contacts/{self.dan.pk}"
        assert self.api("get", f"{contact}/agreements", token=token).status_code == 404
        body = {"need": self.calls.pk}
        assert self.api("post", f"{contact}/agreements", body=body, token=token).status_code == 404
        assert self.api("get", f"{contact}/next-need", token=token).status_code == 404
        assert self.api("get", f"/agreements/{agreement.pk}", token=token).status_code == 404
        for move in ("agree", "decline", "end", "check-in"):
            path = f"/agreements/{agreement.pk}/{move}"
            assert self.api("post", path, body={}, token=token).status_code == 404, move
        # Nor can they propose their own workspace's need to our client, or ours to theirs.
        theirs = people.contact_create(self.other_workspace, actor=self.outsider,
                                       kind="client", first_name="Tom")  # fmt: skip
        path = f"/contacts/{theirs.pk}/agreements"
        assert self.api("post", path, body=body, token=token).status_code == 404
        agreement.refresh_from_db()
        assert (agreement.status, Agreement.objects.count()) == ("proposed", 1)


class ClientPageTests(AgreementCase):
    def test_the_client_page_shows_only_the_terms_they_agreed_to(self):
        services.agreement_agree(self.propose(self.calls, notes="Internal: he calls late"))
        services.agreement_decline(self.propose(self.retainer))
        self.propose(self.pay)
        client.client_link_make(self.dan)
        link = ClientLink.objects.get(contact=self.dan)
        url = f"/p/{self.workspace.slug}/c/{links.client_token(link)}/"
        page = self.client.get(url)
        self.assertContains(page, "What we agreed")
        self.assertContains(page, "Calls 9 to 5")
        self.assertContains(page, "Calls are welcome Monday to Friday, 09:00 to 17:00.")
        self.assertContains(page, "You reach me ready to talk.")
        for hidden in ("Paid in 14 days", "Deposit", "Secret reason", "50% up front",
                       "Internal: he calls late"):  # fmt: skip
            self.assertNotContains(page, hidden)

    def test_the_section_costs_one_query_however_many_agreements(self):
        from goodwill.agreements.panels import agreed_terms

        for need in (self.calls, self.pay, self.retainer):
            services.agreement_agree(self.propose(need))
        dan = type(self.dan).objects.get(pk=self.dan.pk)  # as the client page has it
        with self.assertNumQueries(1):
            section = agreed_terms(dan)
        assert [term["title"] for term in section["terms"]] == [
            "Calls 9 to 5", "Paid in 14 days", "Deposit",
        ]  # fmt: skip
