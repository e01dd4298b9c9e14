"""Economics (F2): what a contact or an organisation spends, when, and how often, and which
clients bring the most.

Spend is every purchase at its date and every won (or delivered) engagement at the date it was
won, per currency: amounts in two currencies are never added. For one contact or organisation
the figures are summed in the database from the dated rows. For rankings across a workspace each
contact's totals are kept in `Spend` (one row per contact and currency), refreshed whenever a
purchase or an engagement changes and daily by a sweep (the last 12 months move on by themselves).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from goodwill.accounts.models import Workspace
from goodwill.clients.models import Engagement, EngagementStatus, Purchase, Spend
from goodwill.core.scoping import scoped

SPENDING = [EngagementStatus.WON, EngagementStatus.DELIVERED]
TOP = 5


def year_ago(today: date) -> date:
    """The first day of the last 12 months (today included)."""
    return today - timedelta(days=365)


def _engagements(workspace: Workspace) -> QuerySet[Engagement]:
    return scoped(Engagement, workspace).filter(status__in=SPENDING, won_on__isnull=False)


# -- The stored rollups -------------------------------------------------------------------


def _totals(rows: QuerySet[Any], date_field: str, amount: str, since: date) -> QuerySet[Any]:
    return rows.values("contact_id", "currency").annotate(
        lifetime=Sum(amount),
        last=Sum(amount, filter=Q(**{f"{date_field}__gte": since})),
        count=Count("pk"),
        count_last=Count("pk", filter=Q(**{f"{date_field}__gte": since})),
        first_on=Min(date_field),
        last_on=Max(date_field),
    )


@dataclass
class _Running:
    lifetime: Decimal
    last: Decimal
    count: int
    count_last: int
    first_on: date
    last_on: date

    def add(self, row: dict[str, Any]) -> None:
        self.lifetime += row["lifetime"] or 0
        self.last += row["last"] or 0
        self.count += row["count"]
        self.count_last += row["count_last"]
        self.first_on = min(self.first_on, row["first_on"])
        self.last_on = max(self.last_on, row["last_on"])


def spend_refresh(workspace: Workspace, contact_ids: Iterable[int], today: date) -> int:
    """Recompute the Spend rows of these contacts (two grouped queries, then one write)."""
    ids = list(set(contact_ids))
    since = year_ago(today)
    purchases = scoped(Purchase, workspace).filter(contact_id__in=ids)
    engagements = _engagements(workspace).filter(contact_id__in=ids)
    merged: dict[tuple[int, str], _Running] = {}
    for rows in (
        _totals(purchases, "purchased_on", "amount", since),
        _totals(engagements, "won_on", "value", since),
    ):
        for row in rows.order_by():
            key = (row["contact_id"], row["currency"])
            start = _Running(Decimal(0), Decimal(0), 0, 0, row["first_on"], row["last_on"])
            merged.setdefault(key, start).add(row)
    spends = [
        Spend(
            workspace=workspace,
            contact_id=contact_id,
            currency=currency,
            last_12_months=total.last,
            lifetime=total.lifetime,
            count=total.count,
            count_12_months=total.count_last,
            first_on=total.first_on,
            last_on=total.last_on,
            refreshed_on=today,
        )
        for (contact_id, currency), total in merged.items()
    ]
    with transaction.atomic():
        scoped(Spend, workspace).filter(contact_id__in=ids).delete()
        Spend.objects.bulk_create(spends)
    return len(spends)


# -- One contact or one organisation -------------------------------------------------------


@dataclass
class Year:
    year: int
    amount: Decimal = Decimal(0)
    count: int = 0


@dataclass
class CurrencyEconomics:
    """Everything about one contact's (or organisation's) spend in one currency."""

    currency: str
    last_12_months: Decimal = Decimal(0)
    lifetime: Decimal = Decimal(0)
    count: int = 0
    first_on: date | None = None
    last_on: date | None = None
    years: list[Year] = field(default_factory=list)  # the newest first
    months: list[int] = field(default_factory=lambda: [0] * 12)  # purchases per month of year

    @property
    def usual_months(self) -> list[int]:
        """The months (1-12) with at least a quarter of the busiest month's count, if any."""
        busiest = max(self.months)
        if not busiest:
            return []
        return [n + 1 for n, count in enumerate(self.months) if count * 4 >= busiest]


def _yearly(rows: QuerySet[Any], when: str, amount: str, since: date) -> QuerySet[Any]:
    recent = Q(**{f"{when}__gte": since})
    return (
        rows.order_by()
        .annotate(y=ExtractYear(when))
        .values("currency", "y")
        .annotate(
            total=Sum(amount),
            n=Count("pk"),
            last=Sum(amount, filter=recent),
            first=Min(when),
            latest=Max(when),
        )
    )


def _monthly(rows: QuerySet[Any], when: str) -> QuerySet[Any]:
    return (
        rows.order_by()
        .annotate(m=ExtractMonth(when))
        .values("currency", "m")
        .annotate(n=Count("pk"))
    )


def _figures(
    purchases: QuerySet[Purchase], engagements: QuerySet[Engagement], today: date, first: str
) -> list[CurrencyEconomics]:
    """Per currency: totals, per calendar year and per month of the year (four grouped queries,
    however long the history)."""
    by: dict[str, CurrencyEconomics] = {}
    years: dict[tuple[str, int], Year] = {}
    since = year_ago(today)
    for rows, when, amount in (
        (purchases, "purchased_on", "amount"),
        (engagements, "won_on", "value"),
    ):
        for row in _yearly(rows, when, amount, since):
            economics = by.setdefault(row["currency"], CurrencyEconomics(row["currency"]))
            economics.lifetime += row["total"]
            economics.last_12_months += row["last"] or 0
            economics.count += row["n"]
            economics.first_on = min(filter(None, [economics.first_on, row["first"]]))
            economics.last_on = max(filter(None, [economics.last_on, row["latest"]]))
            year = years.setdefault((row["currency"], row["y"]), Year(row["y"]))
            year.amount += row["total"]
            year.count += row["n"]
        for row in _monthly(rows, when):
            economics = by.setdefault(row["currency"], CurrencyEconomics(row["currency"]))
            economics.months[row["m"] - 1] += row["n"]
    for (currency, _), year in sorted(years.items(), key=lambda item: -item[0][1]):
        by[currency].years.append(year)
    # The workspace's own currency first, then the others by code: never ordered by amount,
    # which would compare two currencies.
    return sorted(by.values(), key=lambda each: (each.currency != first, each.currency))


def contact_economics(
    workspace: Workspace, contact_id: int, today: date
) -> list[CurrencyEconomics]:
    return _figures(
        scoped(Purchase, workspace).filter(contact_id=contact_id),
        _engagements(workspace).filter(contact_id=contact_id),
        today,
        workspace.currency,
    )


def organization_economics(workspace: Workspace, organization_id: int, today: date
                           ) -> list[CurrencyEconomics]:  # fmt: skip
    return _figures(
        scoped(Purchase, workspace).filter(contact__organization_id=organization_id),
        _engagements(workspace).filter(contact__organization_id=organization_id),
        today,
        workspace.currency,
    )


# -- The workspace's ranking ---------------------------------------------------------------


@dataclass(frozen=True)
class Concentration:
    """How much of the last 12 months' spend in a currency the top five clients bring."""

    currency: str
    total: Decimal
    top: Decimal
    clients: int

    @property
    def share(self) -> float | None:
        return float(self.top / self.total) if self.total else None


def currencies_spent(workspace: Workspace) -> list[str]:
    return list(
        scoped(Spend, workspace).order_by("currency").values_list("currency", flat=True).distinct()
    )


def ranking(workspace: Workspace, currency: str) -> QuerySet[Spend]:
    """Contacts by what they spent in the last 12 months in *currency*, the most first."""
    return (
        scoped(Spend, workspace)
        .filter(currency=currency, last_12_months__gt=0)
        .select_related("contact")
        .order_by("-last_12_months", "contact_id")
    )


def concentration(workspace: Workspace, currency: str) -> Concentration:
    spends = scoped(Spend, workspace).filter(currency=currency, last_12_months__gt=0)
    figures = spends.aggregate(total=Sum("last_12_months"), clients=Count("pk"))
    top = list(spends.order_by("-last_12_months").values_list("last_12_months", flat=True)[:TOP])
    return Concentration(
        currency, figures["total"] or Decimal(0), sum(top, Decimal(0)), figures["clients"]
    )
