"""Engagements and purchases: their rules, what they owe, and the spend they add up to."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from goodwill.clients import economics, services
from goodwill.clients.models import Engagement, Purchase, Spend
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.touchpoints.models import Due, DueState


class EngagementTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )

    def propose(self, **extra) -> Engagement:
        fields = {"title": "Rebrand", "value": "12000", "currency": "EUR", **extra}
        return services.engagement_create(self.dan, actor=self.owner, **fields)

    def open_dues(self) -> list[tuple[str, str]]:
        dues = Due.objects.filter(contact=self.dan, state=DueState.OPEN).order_by("id")
        return list(dues.values_list("kind", "reason"))

    def test_won_and_delivered_owe_thanks_and_count_as_spend(self):
        engagement = self.propose()
        assert self.open_dues() == []
        services.engagement_move(engagement, "won")
        assert self.open_dues() == [("thank_you", "won")]
        spend = Spend.objects.get(contact=self.dan)
        assert (spend.currency, spend.last_12_months, spend.count) == ("EUR", Decimal(12000), 1)
        services.engagement_move(engagement, "delivered")
        assert self.open_dues() == [("thank_you", "won"), ("thank_you", "delivery")]
        services.engagement_move(engagement, "won")  # delivered by mistake
        assert self.open_dues() == [("thank_you", "won")]

    def test_lost_owes_a_follow_up_and_reopening_takes_it_back(self):
        engagement = self.propose()
        services.engagement_move(engagement, "lost", reason="  Went   in-house ")
        assert engagement.lost_reason == "Went in-house"
        assert self.open_dues() == [("follow_up", "lost_deal")]
        assert not Spend.objects.exists()
        services.engagement_move(engagement, "proposed")
        assert self.open_dues() == []
        services.engagement_move(engagement, "won")
        services.engagement_delete(engagement)
        assert self.open_dues() == []
        assert not Spend.objects.exists()

    def test_old_history_owes_nothing(self):
        engagement = self.propose()
        services.engagement_move(engagement, "won", on=timezone.localdate() - timedelta(days=200))
        assert self.open_dues() == []
        assert Spend.objects.get().last_12_months == 12000

    def test_bad_input_is_refused_and_changes_nothing(self):
        for bad in (
            {"title": ""}, {"value": "-5"}, {"value": "abc"}, {"value": "1.005"},
            {"value": "NaN"}, {"currency": "XYZ"}, {"currency": ""}, {"kind": "gig"},
            {"starts_on": date(2026, 5, 2), "ends_on": date(2026, 5, 1)},
            {"notes": "x" * 20001},
        ):  # fmt: skip
            with pytest.raises(ValidationError):
                self.propose(**bad)
        engagement = self.propose()
        with pytest.raises(ValidationError):
            services.engagement_move(engagement, "delivered")  # not won yet
        with pytest.raises(ValidationError):
            services.engagement_move(engagement, "won", on=timezone.localdate() + timedelta(days=2))
        with pytest.raises(ValidationError):
            services.engagement_update(engagement, value="-1")
        with pytest.raises(ValidationError):
            services.engagement_update(engagement, status="won")
        engagement.refresh_from_db()
        assert (engagement.status, engagement.value) == ("proposed", Decimal(12000))
        assert Engagement.objects.count() == 1


class PurchaseTests(GoodwillTestCase):
    def setUp(self):
        self.ada = people.contact_create(
            self.workspace, actor=self.owner, kind="customer", first_name="Ada"
        )

    def buy(self, amount="40", **extra) -> Purchase:
        return services.purchase_create(self.ada, actor=self.owner, amount=amount, **extra)

    def thanks(self) -> int:
        return Due.objects.filter(contact=self.ada, reason="purchase").count()

    def test_every_purchase_by_default_in_the_workspace_currency(self):
        purchase = self.buy(description="Two mugs")
        assert (purchase.currency, purchase.amount) == ("EUR", Decimal("40.00"))
        self.buy()
        assert self.thanks() == 2
        services.purchase_delete(purchase)
        assert self.thanks() == 1

    def test_the_first_only_or_above_an_amount(self):
        services.purchase_thanks_set(self.workspace, "first")
        self.buy()
        self.buy()
        assert self.thanks() == 1
        services.purchase_thanks_set(self.workspace, "above", "100")
        self.buy("99")
        self.buy("150")
        self.buy("10", currency="USD")  # cannot be compared: thanked rather than forgotten
        assert self.thanks() == 3
        services.purchase_thanks_set(self.workspace, "never")
        self.buy("1000")
        assert self.thanks() == 3
        with pytest.raises(ValidationError):
            services.purchase_thanks_set(self.workspace, "above")
        with pytest.raises(ValidationError):
            services.purchase_thanks_set(self.workspace, "sometimes")

    def test_bad_purchases_are_refused(self):
        for bad in (
            {"amount": "-1"}, {"amount": ""}, {"currency": "ABC"},
            {"purchased_on": timezone.localdate() + timedelta(days=3)},
            {"description": "x" * 501},
        ):  # fmt: skip
            with pytest.raises(ValidationError):
                self.buy(**bad)
        assert not Purchase.objects.exists()
        assert not Spend.objects.exists()


class EconomicsTests(GoodwillTestCase):
    """The worked example of docs/clients.md."""

    def test_a_customer_s_year_by_year_and_seasons_never_mixing_currencies(self):
        today = date(2026, 11, 30)
        ada = people.contact_create(
            self.workspace, actor=self.owner, kind="customer", first_name="Ada"
        )
        rows = [
            (date(2024, 12, 5), "120.00", "EUR"), (date(2025, 6, 1), "80.00", "EUR"),
            (date(2025, 12, 10), "200.00", "EUR"), (date(2025, 10, 27), "5.00", "EUR"),
            (date(2026, 6, 15), "50.00", "EUR"), (date(2026, 11, 29), "300.00", "SEK"),
        ]  # fmt: skip
        Purchase.objects.bulk_create(
            [
                Purchase(
                    workspace=self.workspace,
                    contact=ada,
                    purchased_on=on,
                    amount=Decimal(a),
                    currency=c,
                )
                for on, a, c in rows
            ]
        )
        [eur, sek] = economics.contact_economics(self.workspace, ada.pk, today)
        assert (eur.currency, eur.last_12_months, eur.lifetime, eur.count) == (
            "EUR", Decimal("250.00"), Decimal("455.00"), 5,
        )  # fmt: skip
        assert [(y.year, y.amount, y.count) for y in eur.years] == [
            (2026, Decimal("50.00"), 1), (2025, Decimal("285.00"), 3), (2024, Decimal("120.00"), 1),
        ]  # fmt: skip
        assert eur.months[11] == 2  # December twice
        assert eur.usual_months == [6, 10, 12]
        assert (eur.first_on, eur.last_on) == (date(2024, 12, 5), date(2026, 6, 15))
        assert (sek.last_12_months, sek.count) == (Decimal("300.00"), 1)
        economics.spend_refresh(self.workspace, [ada.pk], today)
        assert dict(Spend.objects.values_list("currency", "last_12_months")) == {
            "EUR": Decimal("250.00"), "SEK": Decimal("300.00"),
        }  # fmt: skip

    def test_the_ranking_and_the_top_five_s_share(self):
        for n in range(7):
            c = people.contact_create(
                self.workspace, actor=self.owner, kind="client", first_name=f"C{n}"
            )
            services.purchase_create(c, actor=self.owner, amount=str(100 * (n + 1)))
        other = people.contact_create(
            self.other_workspace, actor=self.outsider, kind="client", first_name="Zed"
        )
        services.purchase_create(other, actor=self.outsider, amount="99999")
        names = [s.contact.first_name for s in economics.ranking(self.workspace, "EUR")]
        assert names == ["C6", "C5", "C4", "C3", "C2", "C1", "C0"]
        share = economics.concentration(self.workspace, "EUR")
        assert (share.total, share.top, share.clients) == (Decimal(2800), Decimal(2500), 7)
        assert share.share == pytest.approx(2500 / 2800)
        assert economics.currencies_spent(self.workspace) == ["EUR"]
