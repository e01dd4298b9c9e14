"""The ideal client and fit (F3): the worked examples of docs/fit.md, the rules of the score,
storing scores in bulk, the pages and the API."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from goodwill.clients import fit_services, sweeps
from goodwill.clients.economics import spend_refresh
from goodwill.clients.fit import Figures, Ideal, fit, fit_of, fit_refresh, signal
from goodwill.clients.models import (
    ClientSettings,
    Engagement,
    EngagementStatus,
    Fit,
    ProfileAnswers,
    Purchase,
    Spend,
)
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.people.models import Contact

TODAY = date(2026, 6, 30)
TRAITS = ["pays on time", "refers others", "decides quickly", "likes to try new things"]
IDEAL = {
    "budget_min": "10000",
    "budget_max": "20000",
    "times_min": 2,
    "times_max": 4,
    "months": [3, 4, 9, 10],
    "work": ["branding", "website"],
    "traits": TRAITS,
}


def parts_of(result) -> list[tuple[str, int | None]]:
    return [(p.name, p.points if p.known else None) for p in result.parts]


class FitCase(GoodwillTestCase):
    def client_named(self, name: str, kind: str = "client", workspace=None) -> Contact:
        return people.contact_create(
            workspace or self.workspace, actor=self.owner, kind=kind, first_name=name
        )

    def won(self, contact: Contact, on: date, value: str, work: str) -> None:
        Engagement.objects.create(
            workspace=contact.workspace, contact=contact, title=f"{work} {on}", work=work,
            value=Decimal(value), currency="EUR", status=EngagementStatus.WON, won_on=on,
        )  # fmt: skip

    def bought(self, contact: Contact, on: date, amount: str, currency: str = "EUR") -> None:
        Purchase.objects.create(
            workspace=contact.workspace, contact=contact, purchased_on=on,
            amount=Decimal(amount), currency=currency,
        )  # fmt: skip

    def ada(self) -> Contact:
        """A client who fits (docs/fit.md)."""
        ada = self.client_named("Ada")
        self.won(ada, date(2024, 10, 1), "5000", "branding")
        self.won(ada, date(2025, 9, 15), "8000", "branding")
        self.won(ada, date(2026, 3, 10), "6000", "Website")
        self.won(ada, date(2026, 4, 20), "1500", "print")
        ProfileAnswers.objects.create(
            workspace=self.workspace, contact=ada, why_chose="Our branding for her bakery",
            traits=["pays on time", "refers others", "decides quickly"],
        )  # fmt: skip
        return ada

    def bo(self) -> Contact:
        """A customer who does not fit (docs/fit.md)."""
        bo = self.client_named("Bo", kind="customer")
        for on in [
            date(2024, 7, 5), date(2024, 9, 5), date(2024, 12, 5), date(2025, 4, 5),
            date(2025, 7, 5), date(2025, 8, 5), date(2025, 10, 5), date(2025, 11, 5),
            date(2025, 12, 5), date(2026, 1, 5), date(2026, 2, 5), date(2026, 5, 5),
        ]:  # fmt: skip
            self.bought(bo, on, "250")
        ProfileAnswers.objects.create(workspace=self.workspace, contact=bo, traits=["pays on time"])
        return bo

    def cy(self) -> Contact:
        """A new client with nothing bought yet (docs/fit.md)."""
        cy = self.client_named("Cy")
        ProfileAnswers.objects.create(
            workspace=self.workspace, contact=cy, traits=["refers others", "decides quickly"]
        )
        return cy

    def set_ideal(self, **changes) -> ClientSettings:
        return fit_services.ideal_set(self.workspace, **{**IDEAL, **changes})


class WorkedExampleTests(FitCase):
    """The three clients of docs/fit.md, through the database as the app scores them."""

    def setUp(self):
        self.set_ideal()
        self.people = {"ada": self.ada(), "bo": self.bo(), "cy": self.cy()}
        ids = [c.pk for c in self.people.values()]
        spend_refresh(self.workspace, ids, TODAY)
        fit_refresh(self.workspace, ids, TODAY)

    def stored(self, name: str) -> Fit | None:
        return Fit.objects.filter(contact=self.people[name]).first()

    def test_a_client_who_fits(self):
        fit = self.stored("ada")
        assert fit is not None
        assert [(p["name"], p["points"], p["ceiling"]) for p in fit.parts] == [
            ("Budget", 30, 30), ("Frequency", 20, 20), ("Timing", 15, 15), ("Work", 11, 15),
            ("Traits", 15, 20),
        ]  # fmt: skip
        assert fit.score == 91
        assert [p["why"] for p in fit.parts] == [
            "€15,500.00 in the last 12 months, within the ideal €10,000.00 to €20,000.00 a year.",
            "3 purchases and won engagements in the last 12 months, within the ideal 2 to 4 a "
            "year.",
            "4 of 4 in the last two years fell in your months (Mar, Apr, Sep, Oct).",
            "3 of 4 won engagements in the last two years were work you want (branding, Website).",
            "3 of the 4 traits: pays on time, refers others, decides quickly.",
        ]
        assert signal(fit.score, 64) == "cherish"
        assert signal(fit.score, 30) == "closer"

    def test_a_customer_who_does_not(self):
        fit = self.stored("bo")
        assert fit is not None
        assert [(p["name"], p["points"], p["known"]) for p in fit.parts] == [
            ("Budget", 6, True), ("Frequency", 10, True), ("Timing", 4, True),
            ("Work", 0, False), ("Traits", 5, True),
        ]  # fmt: skip
        assert fit.score == 29  # 25 points of the 85 known, out of 100
        assert fit.parts[1]["why"] == (
            "8 purchases and won engagements in the last 12 months, above the ideal 2 to 4 a year."
        )
        assert fit.parts[2]["why"] == (
            "3 of 12 in the last two years fell in your months (Mar, Apr, Sep, Oct)."
        )
        assert signal(fit.score, 80) == "reconsider"

    def test_a_new_client_has_no_score_yet(self):
        assert self.stored("cy") is None
        result = fit_of(self.workspace, self.people["cy"], TODAY)
        assert result is not None
        assert result.score is None
        assert parts_of(result) == [
            ("Budget", None), ("Frequency", None), ("Timing", None), ("Work", None),
            ("Traits", 10),
        ]  # fmt: skip
        assert (result.known_weight, result.weight) == (20, 100)


class RuleTests(GoodwillTestCase):
    """The rules of each part, on the pure function."""

    ideal = Ideal(
        currency="EUR",
        budget_min=Decimal(10000),
        budget_max=Decimal(20000),
        times_min=2,
        times_max=4,
        months=(3, 4, 9, 10),
        work=("branding",),
        traits=("pays on time", "refers others"),
    )

    def test_budget_in_proportion_below_and_in_inverse_proportion_above(self):
        for spent, points in [(5000, 15), (10000, 30), (20000, 30), (30000, 20), (40000, 15)]:
            result = fit(Figures(spent=Decimal(spent), times=3), self.ideal)
            assert result.parts[0].points == points, spent

    def test_nothing_in_the_last_year_scores_nothing_but_is_known(self):
        result = fit(Figures(spent=Decimal(0), times=0), self.ideal)
        assert [p.points for p in result.parts[:2]] == [0, 0]
        assert result.parts[0].why == (
            "Nothing in the last 12 months; the ideal is €10,000.00 to €20,000.00."
        )

    def test_other_currencies_leave_the_budget_unknown(self):
        result = fit(Figures(other_currencies=("SEK",), times=2), self.ideal)
        assert not result.parts[0].known
        assert "they buy in SEK, and the budget is in EUR" in result.parts[0].why
        assert result.parts[1].points == 20

    def test_open_ended_ranges(self):
        at_least = Ideal(currency="EUR", budget_min=Decimal(1000))
        assert fit(Figures(spent=Decimal(99999), times=1), at_least).score == 100
        at_most = Ideal(currency="EUR", times_max=6)
        assert fit(Figures(spent=Decimal(1), times=12), at_most).score == 50

    def test_only_the_parts_the_ideal_defines_count(self):
        ideal = Ideal(currency="EUR", traits=("pays on time", "refers others"))
        result = fit(Figures(traits=["Pays  on Time"]), ideal)
        assert [p.name for p in result.parts] == ["Traits"]
        assert result.score == 50
        assert fit(Figures(), Ideal(currency="EUR")) == fit(Figures(spent=Decimal(5)), Ideal("EUR"))
        assert fit(Figures(), Ideal(currency="EUR")).score is None

    def test_half_the_weight_must_be_known(self):
        # Budget and frequency known: 50 of 100, enough.
        assert fit(Figures(spent=Decimal(15000), times=3), self.ideal).score == 100
        # Traits only: 20 of 100, not enough.
        assert fit(Figures(traits=["pays on time"]), self.ideal).score is None

    def test_signals(self):
        assert [signal(s, r) for s, r in [(70, 50), (70, 49), (69, 99), (39, 99), (None, 99)]] == [
            "cherish", "closer", "", "reconsider", "",
        ]  # fmt: skip


class RefreshTests(FitCase):
    def test_the_queries_do_not_grow_with_the_batch(self):
        self.set_ideal()

        def batch(n: int) -> list[int]:
            ids = []
            for k in range(n):
                c = self.client_named(f"C{n}-{k}", kind="client" if k % 2 else "customer")
                self.won(c, TODAY - timedelta(days=30 * k + 1), "12000", "branding")
                self.bought(c, TODAY - timedelta(days=7 * k + 1), "100")
                ProfileAnswers.objects.create(
                    workspace=self.workspace, contact=c, traits=TRAITS[: k % 4]
                )
                ids.append(c.pk)
            spend_refresh(self.workspace, ids, TODAY)
            return ids

        counts = []
        for ids in (batch(2), batch(40)):
            with CaptureQueriesContext(connection) as queries:
                stored = fit_refresh(self.workspace, ids, TODAY)
            assert stored == len(ids)
            counts.append(len(queries))
        assert counts[0] == counts[1] <= 10

    def test_who_is_scored_and_who_is_dropped(self):
        self.set_ideal()
        ada = self.ada()
        friend = self.client_named("Fay", kind="friend")
        self.won(friend, TODAY, "15000", "branding")
        ids = [ada.pk, friend.pk]
        spend_refresh(self.workspace, ids, TODAY)
        fit_refresh(self.workspace, ids, TODAY)
        assert list(Fit.objects.values_list("contact_id", flat=True)) == [ada.pk]
        people.contact_update(ada, actor=self.owner, kind="prospect")
        fit_refresh(self.workspace, ids, TODAY)
        assert not Fit.objects.exists()

    def test_a_blank_ideal_scores_nobody(self):
        ada = self.ada()
        spend_refresh(self.workspace, [ada.pk], TODAY)
        self.set_ideal()
        fit_services.fit_rescore_all(self.workspace, TODAY)
        assert Fit.objects.count() == 1
        fit_services.ideal_set(
            self.workspace, budget_min=None, budget_max="", times_min=None, times_max=None,
            months=[], work=[], traits=[],
        )  # fmt: skip
        assert not Fit.objects.exists()

    def test_saving_the_ideal_or_the_answers_scores_again(self):
        ada = self.client_named("Ada")
        self.bought(ada, timezone.localdate() - timedelta(days=3), "15000")
        spend_refresh(self.workspace, [ada.pk], timezone.localdate())
        self.set_ideal(times_min=None, times_max=None, months=[], work=[])
        assert Fit.objects.get(contact=ada).score == 100  # 30 of the 30 known (traits are not)
        fit_services.answers_set(ada, traits=["Pays on time", "decides quickly"])
        assert Fit.objects.get(contact=ada).score == 80  # 30 + 10 of 50
        assert ProfileAnswers.objects.get(contact=ada).traits == ["pays on time", "decides quickly"]

    def test_a_large_workspace_is_scored_again_in_a_job(self):
        people_many = [
            Contact(workspace=self.workspace, kind="client", first_name=f"P{n}")
            for n in range(fit_services.BATCH + 1)
        ]
        Contact.objects.bulk_create(people_many)
        with self.captureOnCommitCallbacks(execute=True):
            self.set_ideal()
        assert DBTaskResult.objects.filter(task_path__endswith="fit_rescore").count() == 1
        assert fit_services.fit_rescore.call(self.workspace.pk) == 0  # nothing known of them

    def test_the_daily_sweep_refreshes_stale_spend_then_fit(self):
        self.set_ideal()
        ada = self.ada()
        yesterday = timezone.localdate() - timedelta(days=1)
        self.won(ada, timezone.localdate() - timedelta(days=2), "1000", "branding")
        spend_refresh(self.workspace, [ada.pk], yesterday)
        assert sweeps.refresh_spend_and_fit(timezone.now()) == 1
        spend = Spend.objects.get(contact=ada)
        assert spend.refreshed_on == timezone.localdate(timezone=self.workspace.zone)
        assert Fit.objects.get(contact=ada).computed_on == spend.refreshed_on


class IdealValidationTests(FitCase):
    def test_lists_are_trimmed_deduplicated_and_limited(self):
        settings = self.set_ideal(
            months=[10, "3", 3], work=["  Branding ", "branding", "", "web  site"],
            traits=["Pays on time", "pays ON time"],
        )  # fmt: skip
        assert settings.months == [3, 10]
        assert settings.work == ["Branding", "web site"]
        assert settings.traits == ["Pays on time"]

    def test_bad_ideals_are_refused_and_nothing_is_stored(self):
        for bad in (
            {"budget_min": "-1"}, {"budget_min": "abc"}, {"budget_max": "0"},
            {"budget_min": "300", "budget_max": "200"}, {"times_min": 0},
            {"times_min": 5, "times_max": 4}, {"times_max": "often"}, {"times_min": True},
            {"months": [13]}, {"months": "3"}, {"work": ["x" * 81]},
            {"traits": [f"t{n}" for n in range(21)]}, {"traits": [3]}, {"colour": "red"},
        ):  # fmt: skip
            with pytest.raises(ValidationError):
                fit_services.ideal_set(self.workspace, **bad)
        assert not ClientSettings.objects.exists()

    def test_answers_take_only_the_ideal_traits(self):
        self.set_ideal()
        ada = self.client_named("Ada")
        with pytest.raises(ValidationError):
            fit_services.answers_set(ada, traits=["sings well"])
        with pytest.raises(ValidationError):
            fit_services.answers_set(ada, why_chose="x" * 5001)
        assert not ProfileAnswers.objects.exists()
        fit_services.answers_set(ada, why_chose=" Our portfolio ", traits=["Refers others"])
        self.set_ideal(traits=["pays on time"])
        answers = fit_services.answers_set(ada, worries="Cash flow")
        assert (answers.why_chose, answers.worries, answers.traits) == (
            "Our portfolio", "Cash flow", [],
        )  # fmt: skip


class PageTests(FitCase):
    def setUp(self):
        self.login(self.owner)
        self.ada_ = self.client_named("Ada")
        self.bought(self.ada_, timezone.localdate() - timedelta(days=10), "12000")
        spend_refresh(self.workspace, [self.ada_.pk], timezone.localdate())

    def test_the_owner_saves_the_ideal_and_the_thanks_policy(self):
        page = self.client.get("/settings/clients/")
        self.assertContains(page, "Your ideal client")
        self.assertContains(page, 'aria-current="page">Clients</a>')
        response = self.client.post(
            "/settings/clients/ideal/",
            {"budget_min": "10000", "budget_max": "20000", "months": ["3", "9"],
             "work": "branding\n\nwebsite\n", "traits": "pays on time\nrefers others"},
        )  # fmt: skip
        self.assertRedirects(response, "/settings/clients/")
        settings = ClientSettings.objects.get()
        assert (settings.months, settings.work) == ([3, 9], ["branding", "website"])
        # Budget 30 of 30, timing 0 of 15 (bought in another month); 30 of 45 known.
        assert Fit.objects.get(contact=self.ada_).score == 67
        response = self.client.post(
            "/settings/clients/thanks/", {"purchase_thanks": "above", "purchase_thanks_above": "50"}
        )
        self.assertRedirects(response, "/settings/clients/")
        assert ClientSettings.objects.get().purchase_thanks_above == Decimal(50)

    def test_bad_input_is_shown_and_nothing_stored(self):
        response = self.client.post(
            "/settings/clients/ideal/", {"budget_min": "300", "budget_max": "200"}
        )
        self.assertContains(response, "cannot be below the lowest", status_code=400)
        response = self.client.post("/settings/clients/thanks/", {"purchase_thanks": "above"})
        self.assertContains(response, "Give the amount", status_code=400)
        assert not ClientSettings.objects.exists()

    def test_an_assistant_reads_the_settings_but_cannot_change_them(self):
        self.login(self.assistant)
        self.assertContains(self.client.get("/settings/clients/"), "Only the workspace")
        response = self.client.post("/settings/clients/ideal/", {"budget_min": "1"})
        assert response.status_code == 403
        assert not ClientSettings.objects.exists()

    def test_the_profile_page_saves_answers_and_shows_the_fit(self):
        self.set_ideal(times_min=None, times_max=None, months=[], work=[])
        url = f"/people/{self.ada_.pk}/profile/"
        page = self.client.get(url)
        self.assertContains(page, "Fit: 100")
        self.assertContains(page, "Not known yet: their profile is not filled in.")
        response = self.client.post(
            url, {"why_chose": "The portfolio", "traits": ["pays on time", "refers others"]}
        )
        self.assertRedirects(response, url)
        page = self.client.get(url)
        self.assertContains(page, "Fit: 80")  # 30 + 10 of 50
        self.assertContains(page, "The portfolio")
        response = self.client.post(url, {"why_chose": "x" * 5001})
        assert response.status_code == 400
        assert ProfileAnswers.objects.get().why_chose == "The portfolio"

    def test_the_ranking_shows_fit_beside_rapport(self):
        self.assertContains(self.client.get("/clients/fit/"), "Describe your ideal client first")
        self.set_ideal(times_min=None, times_max=None, months=[], work=[])
        for n in range(3):
            c = self.client_named(f"Low{n}")
            self.bought(c, timezone.localdate() - timedelta(days=10), "1000")
            spend_refresh(self.workspace, [c.pk], timezone.localdate())
        fit_services.fit_rescore_all(self.workspace, timezone.localdate())
        Contact.objects.filter(pk=self.ada_.pk).update(rapport=80)
        # The session, the user, the membership, the counts, the page, the menu and the worker.
        with self.assertNumQueries(7):
            page = self.client.get("/clients/fit/")
        names = [row.contact.first_name for row, _ in page.context["rows"]]
        assert names == ["Ada", "Low0", "Low1", "Low2"]
        assert page.context["counts"]["reconsider"] == 3
        self.assertContains(page, "Reconsider")
        page = self.client.get("/clients/fit/", {"show": "reconsider", "by": "rapport"})
        assert len(page.context["rows"]) == 3
        page = self.client.get("/clients/fit/", {"show": "nonsense", "by": "nonsense"})
        assert len(page.context["rows"]) == 4

    def test_the_contact_page_shows_the_fit(self):
        self.set_ideal(times_min=None, times_max=None, months=[], work=[])
        page = self.client.get(f"/people/{self.ada_.pk}/")
        self.assertContains(page, "Fit: 100")
        self.assertContains(page, f'href="/people/{self.ada_.pk}/profile/"')

    def test_an_outsider_gets_404_and_sees_nothing_of_ours(self):
        self.set_ideal(times_min=None, times_max=None, months=[], work=[])
        self.login(self.outsider)
        url = f"/people/{self.ada_.pk}/profile/"
        assert self.client.get(url).status_code == 404
        assert self.client.post(url, {"why_chose": "spy"}).status_code == 404
        assert not ProfileAnswers.objects.exists()
        page = self.client.get("/clients/fit/")
        assert page.context["counts"]["scored"] == 0
        self.assertNotContains(page, "Ada")
        self.assertNotContains(self.client.get("/settings/clients/"), "10000")

    def test_an_anonymous_visitor_is_sent_to_login(self):
        self.client.logout()
        for url in ("/settings/clients/", f"/people/{self.ada_.pk}/profile/", "/clients/fit/"):
            assert self.client.get(url).status_code == 302


class ApiTests(FitCase):
    def setUp(self):
        self.ada_ = self.client_named("Ada")
        self.bought(self.ada_, timezone.localdate() - timedelta(days=10), "12000")
        spend_refresh(self.workspace, [self.ada_.pk], timezone.localdate())

    def test_the_ideal_profile_fit_and_ranking(self):
        assert self.api("GET", "clients/ideal").json()["months"] == []
        body = {"budget_min": "10000", "budget_max": "20000", "traits": ["pays on time"]}
        response = self.api("PUT", "clients/ideal", body=body)
        assert response.status_code == 200, response.content
        assert response.json()["budget_min"] == "10000.00"
        profile = self.api(
            "PUT", f"contacts/{self.ada_.pk}/profile",
            body={"why_stay": "Fast answers", "traits": ["pays on time"]},
        )  # fmt: skip
        assert profile.json()["traits"] == ["pays on time"]
        assert self.api("GET", f"contacts/{self.ada_.pk}/profile").json()["why_stay"] == (
            "Fast answers"
        )
        fit = self.api("GET", f"contacts/{self.ada_.pk}/fit").json()
        assert (fit["score"], fit["weight"]) == (100, 50)
        assert [p["name"] for p in fit["parts"]] == ["Budget", "Traits"]
        ranking = self.api("GET", "clients/fit?by=rapport").json()
        assert ranking["count"] == 1
        assert ranking["items"][0]["name"] == "Ada"
        assert ranking["items"][0]["signal"] == "closer"
        assert self.api("GET", "clients/fit?signal=reconsider").json()["count"] == 0

    def test_bad_input_is_422_and_nothing_is_stored(self):
        for body in (
            {"budget_min": "300", "budget_max": "200"}, {"budget_min": "-5"},
            {"months": [0]}, {"times_min": "often"}, {"traits": "pays on time"},
        ):  # fmt: skip
            assert self.api("PUT", "clients/ideal", body=body).status_code == 422, body
        assert not ClientSettings.objects.exists()
        bad = {"traits": ["unknown trait"]}
        response = self.api("PUT", f"contacts/{self.ada_.pk}/profile", body=bad)
        assert response.status_code == 422
        assert "unknown trait" in response.json()["detail"]
        assert self.api("GET", "clients/fit?by=age").status_code == 422
        assert not ProfileAnswers.objects.exists()

    def test_an_assistant_cannot_change_the_ideal(self):
        token = self.assistant_token
        assert self.api("GET", "clients/ideal", token=token).status_code == 200
        body = {"budget_min": "1"}
        assert self.api("PUT", "clients/ideal", token=token, body=body).status_code == 403
        assert not ClientSettings.objects.exists()
        body = {"why_chose": "Word of mouth"}
        response = self.api("PUT", f"contacts/{self.ada_.pk}/profile", token=token, body=body)
        assert response.status_code == 200

    def test_an_outsider_gets_404(self):
        self.set_ideal()
        token = self.outsider_token
        for path in (f"contacts/{self.ada_.pk}/profile", f"contacts/{self.ada_.pk}/fit"):
            assert self.api("GET", path, token=token).status_code == 404
        body = {"why_chose": "spy"}
        response = self.api("PUT", f"contacts/{self.ada_.pk}/profile", token=token, body=body)
        assert response.status_code == 404
        assert self.api("GET", "clients/fit", token=token).json()["count"] == 0
        assert self.api("GET", "clients/ideal", token=token).json()["traits"] == []
        assert not ProfileAnswers.objects.exists()
