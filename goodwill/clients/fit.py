"""The fit score (F3): how closely a client or customer matches the workspace's ideal client,
from 0 to 100, and why.

Five parts, each with its own ceiling, each compared with what the workspace says its ideal
client is (docs/fit.md explains them with worked examples):

- budget, up to 30: what they spent in the last 12 months, in the workspace's currency, against
  the ideal yearly budget: full within the range, in proportion below it (half the minimum earns
  half the points) and in inverse proportion above it (twice the maximum earns half);
- frequency, up to 20: their purchases and won engagements of the last 12 months (in any
  currency) against the ideal times a year, the same way;
- timing, up to 15: the share of their purchases and won engagements of the last two years that
  fell in the ideal months;
- work, up to 15: the share of their won engagements of the last two years whose kind of work is
  one the ideal lists;
- traits, up to 20: the share of the ideal traits that their profile says they have.

A part the ideal leaves blank is left out. A part with nothing to go on yet is "not known yet"
and left out of the score too: the score is the known parts' points over those parts' ceilings,
out of 100. When less than half of the weight is known there is no score at all, rather than
one that a single part decides.

`fit()` is a pure function of a client's figures and the ideal; `fit_refresh()` gathers the
figures of many contacts in a fixed number of grouped queries and stores their `Fit` rows, which
the ranking reads.
"""

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth

from goodwill.accounts.models import Workspace
from goodwill.clients.economics import SPENDING
from goodwill.clients.models import (
    ClientSettings,
    Engagement,
    Fit,
    ProfileAnswers,
    Purchase,
    Spend,
)
from goodwill.core.money import money
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact, Kind

BUDGET, FREQUENCY, TIMING, WORK, TRAITS = 30, 20, 15, 15, 20
HISTORY = timedelta(days=730)  # the last two years, for timing and work
SCORED_KINDS = [Kind.CLIENT, Kind.CUSTOMER]
# The signals of the ranking: cherish a close client who fits, get closer to one who fits and is
# not close yet, reconsider one who does not fit (whatever the rapport).
HIGH_FIT, HIGH_RAPPORT, LOW_FIT = 70, 50, 40


def same(text: str) -> str:
    """How two kinds of work or two traits are compared: case and spacing do not matter."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Ideal:
    """The workspace's ideal client: a yearly budget in its currency, times a year, months (1-12),
    kinds of work and traits. Whatever is blank is not part of the score."""

    currency: str
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    times_min: int | None = None
    times_max: int | None = None
    months: tuple[int, ...] = ()
    work: tuple[str, ...] = ()
    traits: tuple[str, ...] = ()

    @classmethod
    def of(cls, settings: ClientSettings, currency: str) -> "Ideal":
        return cls(
            currency=currency,
            budget_min=settings.budget_min,
            budget_max=settings.budget_max,
            times_min=settings.times_min,
            times_max=settings.times_max,
            months=tuple(settings.months or ()),
            work=tuple(settings.work or ()),
            traits=tuple(settings.traits or ()),
        )

    @property
    def has_budget(self) -> bool:
        return self.budget_min is not None or self.budget_max is not None

    @property
    def has_times(self) -> bool:
        return self.times_min is not None or self.times_max is not None

    @property
    def defined(self) -> bool:
        return bool(self.has_budget or self.has_times or self.months or self.work or self.traits)


@dataclass(frozen=True)
class Figures:
    """What is known of one client, as fit() needs it."""

    # Spent in the last 12 months in the ideal's currency; None when they never bought in it.
    spent: Decimal | None = None
    other_currencies: tuple[str, ...] = ()  # the currencies they bought in, other than that one
    # Purchases and won engagements in the last 12 months, in any currency; None when never.
    times: int | None = None
    months: Mapping[int, int] = field(default_factory=dict)  # month -> count, last two years
    work: Mapping[str, int] = field(default_factory=dict)  # kind -> won engagements, two years
    traits: Sequence[str] | None = None  # from their profile; None until it is saved


@dataclass(frozen=True)
class Part:
    name: str
    points: int
    ceiling: int
    why: str
    known: bool = True

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "points": self.points,
            "ceiling": self.ceiling,
            "why": self.why,
            "known": self.known,
        }


@dataclass(frozen=True)
class FitResult:
    score: int | None  # None: not enough is known yet (or the ideal says nothing)
    parts: tuple[Part, ...]

    @property
    def weight(self) -> int:
        return sum(part.ceiling for part in self.parts)

    @property
    def known_weight(self) -> int:
        return sum(part.ceiling for part in self.parts if part.known)


def _scale(value: Fraction, low: Fraction | None, high: Fraction | None, ceiling: int) -> int:
    """Full within [low, high]; in proportion below low; in inverse proportion above high."""
    if low is not None and value < low:
        return round(ceiling * value / low)
    if high is not None and value > high:
        return round(ceiling * high / value)
    return ceiling


@lru_cache(maxsize=4096)
def _money(amount: Decimal, currency: str) -> str:
    # Formatting with Babel costs more than scoring; a batch repeats the same few amounts.
    return money(amount, currency)


def _span(low: object, high: object, say: Any) -> str:
    if low is not None and high is not None:
        return f"{say(low)} to {say(high)}" if low != high else f"{say(low)}"
    if low is not None:
        return f"at least {say(low)}"
    return f"at most {say(high)}"


def _side(value: Fraction, low: object, high: object) -> str:
    if low is not None and value < Fraction(str(low)):
        return "below"
    if high is not None and value > Fraction(str(high)):
        return "above"
    return "within"


def _optional(value: object) -> Fraction | None:
    return None if value is None else Fraction(str(value))


def _budget(figures: Figures, ideal: Ideal) -> Part:
    if figures.spent is None:
        if figures.other_currencies:
            others = ", ".join(figures.other_currencies)
            why = f"Not known yet: they buy in {others}, and the budget is in {ideal.currency}."
        else:
            why = f"Not known yet: nothing bought or won in {ideal.currency}."
        return Part("Budget", 0, BUDGET, why, known=False)
    span = _span(ideal.budget_min, ideal.budget_max, lambda a: _money(a, ideal.currency))
    if not figures.spent:
        return Part("Budget", 0, BUDGET, f"Nothing in the last 12 months; the ideal is {span}.")
    spent = Fraction(figures.spent)
    points = _scale(spent, _optional(ideal.budget_min), _optional(ideal.budget_max), BUDGET)
    side = _side(spent, ideal.budget_min, ideal.budget_max)
    return Part(
        "Budget",
        points,
        BUDGET,
        f"{_money(figures.spent, ideal.currency)} in the last 12 months, {side} the ideal "
        f"{span} a year.",
    )


def _frequency(figures: Figures, ideal: Ideal) -> Part:
    if figures.times is None:
        return Part("Frequency", 0, FREQUENCY, "Not known yet: nothing bought or won.", known=False)
    span = _span(ideal.times_min, ideal.times_max, str)
    if not figures.times:
        return Part("Frequency", 0, FREQUENCY, f"None in the last 12 months; the ideal is {span}.")
    times = Fraction(figures.times)
    points = _scale(times, _optional(ideal.times_min), _optional(ideal.times_max), FREQUENCY)
    side = _side(times, ideal.times_min, ideal.times_max)
    what = "purchase or won engagement" if figures.times == 1 else "purchases and won engagements"
    return Part(
        "Frequency",
        points,
        FREQUENCY,
        f"{figures.times} {what} in the last 12 months, {side} the ideal {span} a year.",
    )


def month_names(months: Iterable[int]) -> str:
    return ", ".join(calendar.month_abbr[m] for m in sorted(months))


def _timing(figures: Figures, ideal: Ideal) -> Part:
    total = sum(figures.months.values())
    if not total:
        return Part(
            "Timing",
            0,
            TIMING,
            "Not known yet: nothing bought or won in the last two years.",
            known=False,
        )
    inside = sum(n for month, n in figures.months.items() if month in ideal.months)
    return Part(
        "Timing",
        round(TIMING * Fraction(inside, total)),
        TIMING,
        f"{inside} of {total} in the last two years fell in your months "
        f"({month_names(ideal.months)}).",
    )


def _work(figures: Figures, ideal: Ideal) -> Part:
    total = sum(figures.work.values())
    if not total:
        return Part(
            "Work",
            0,
            WORK,
            "Not known yet: no won engagement with a kind of work in the last two years.",
            known=False,
        )
    wanted = {same(kind) for kind in ideal.work}
    matching = sorted((kind for kind in figures.work if same(kind) in wanted), key=same)
    inside = sum(figures.work[kind] for kind in matching)
    engagements = "won engagement" if total == 1 else "won engagements"
    why = f"{inside} of {total} {engagements} in the last two years"
    why += f" were work you want ({', '.join(matching)})." if matching else " were work you want."
    return Part("Work", round(WORK * Fraction(inside, total)), WORK, why)


def _traits(figures: Figures, ideal: Ideal) -> Part:
    if figures.traits is None:
        return Part(
            "Traits", 0, TRAITS, "Not known yet: their profile is not filled in.", known=False
        )
    theirs = {same(trait) for trait in figures.traits}
    has = [trait for trait in ideal.traits if same(trait) in theirs]
    why = f"{len(has)} of the {len(ideal.traits)} traits"
    why += f": {', '.join(has)}." if has else "."
    return Part("Traits", round(TRAITS * Fraction(len(has), len(ideal.traits))), TRAITS, why)


def fit(figures: Figures, ideal: Ideal) -> FitResult:
    """The fit of a client with these figures to *ideal*: the parts the ideal defines, and the
    score of the known ones out of 100 (None when less than half of the weight is known)."""
    parts = []
    if ideal.has_budget:
        parts.append(_budget(figures, ideal))
    if ideal.has_times:
        parts.append(_frequency(figures, ideal))
    if ideal.months:
        parts.append(_timing(figures, ideal))
    if ideal.work:
        parts.append(_work(figures, ideal))
    if ideal.traits:
        parts.append(_traits(figures, ideal))
    result = FitResult(None, tuple(parts))
    known = result.known_weight
    if not parts or known * 2 < result.weight:
        return result
    points = sum(part.points for part in parts if part.known)
    return FitResult(round(Fraction(100 * points, known)), result.parts)


# The ranking's filters for each signal (the same rules as signal()) and its two orders.
SIGNALS = {
    "cherish": ("Cherish", Q(score__gte=HIGH_FIT, contact__rapport__gte=HIGH_RAPPORT)),
    "closer": ("Get closer", Q(score__gte=HIGH_FIT, contact__rapport__lt=HIGH_RAPPORT)),
    "reconsider": ("Reconsider", Q(score__lt=LOW_FIT)),
}
RANKING_ORDERS = {
    "fit": ("-score", "contact__sort_name", "contact_id"),
    "rapport": ("-contact__rapport", "contact__sort_name", "contact_id"),
}


def signal(score: int | None, rapport: int) -> str:
    """ "cherish", "closer", "reconsider" or "" for a fit score and a rapport index."""
    if score is None:
        return ""
    if score < LOW_FIT:
        return "reconsider"
    if score >= HIGH_FIT:
        return "cherish" if rapport >= HIGH_RAPPORT else "closer"
    return ""


# -- Gathering the figures and storing the scores ----------------------------------------------


def ideal_of(workspace: Workspace) -> Ideal:
    found = scoped(ClientSettings, workspace).first()
    return Ideal.of(found or ClientSettings(workspace=workspace), workspace.currency)


def figures_of(
    workspace: Workspace, contact_ids: Sequence[int], today: date, currency: str
) -> dict[int, Figures]:
    """The figures of these contacts in four grouped queries, however many there are."""
    ids = list(contact_ids)
    since = today - HISTORY
    spent: dict[int, Decimal] = {}
    others: dict[int, list[str]] = defaultdict(list)
    times: dict[int, int] = {}
    rows = scoped(Spend, workspace).filter(contact_id__in=ids).order_by("currency")
    for pk, code, last, count in rows.values_list(
        "contact_id", "currency", "last_12_months", "count_12_months"
    ):
        if code == currency:
            spent[pk] = last
        else:
            others[pk].append(code)
        times[pk] = times.get(pk, 0) + count
    months: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    purchases = (
        scoped(Purchase, workspace)
        .filter(contact_id__in=ids, purchased_on__gte=since, purchased_on__lte=today)
        .order_by()
        .annotate(m=ExtractMonth("purchased_on"))
        .values_list("contact_id", "m")
        .annotate(n=Count("pk"))
    )
    for pk, month, n in purchases:
        months[pk][month] += n
    work: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    won = (
        scoped(Engagement, workspace)
        .filter(contact_id__in=ids, status__in=SPENDING, won_on__gte=since, won_on__lte=today)
        .order_by()
        .annotate(m=ExtractMonth("won_on"))
        .values_list("contact_id", "m", "work")
        .annotate(n=Count("pk"))
    )
    for pk, month, kind, n in won:
        months[pk][month] += n
        if kind:
            work[pk][kind] += n
    traits = dict(
        scoped(ProfileAnswers, workspace)
        .filter(contact_id__in=ids)
        .values_list("contact_id", "traits")
    )
    return {
        pk: Figures(
            spent=spent.get(pk),
            other_currencies=tuple(others.get(pk, ())),
            times=times.get(pk),
            months=dict(months.get(pk, {})),
            work=dict(work.get(pk, {})),
            traits=traits.get(pk),
        )
        for pk in ids
    }


def fit_of(
    workspace: Workspace, contact: Contact, today: date, ideal: Ideal | None = None
) -> FitResult | None:
    """The fit of one contact today (None for a contact who is not a client or a customer)."""
    if contact.kind not in SCORED_KINDS:
        return None
    ideal = ideal or ideal_of(workspace)
    figures = figures_of(workspace, [contact.pk], today, ideal.currency)[contact.pk]
    return fit(figures, ideal)


def fit_refresh(
    workspace: Workspace, contact_ids: Iterable[int], today: date, ideal: Ideal | None = None
) -> int:
    """Score these contacts and store their Fit rows (a contact with no score, or who is not a
    client or a customer, keeps none) in a fixed number of queries. Returns the rows stored."""
    ideal = ideal or ideal_of(workspace)
    given = set(contact_ids)
    ids = list(
        scoped(Contact, workspace)
        .filter(pk__in=list(given), kind__in=SCORED_KINDS)
        .values_list("pk", flat=True)
    )
    rows = []
    if ideal.defined:
        for pk, figures in figures_of(workspace, ids, today, ideal.currency).items():
            result = fit(figures, ideal)
            if result.score is not None:
                rows.append(
                    Fit(
                        workspace=workspace,
                        contact_id=pk,
                        score=result.score,
                        parts=[part.as_json() for part in result.parts],
                        computed_on=today,
                    )
                )
    kept = {row.contact_id for row in rows}
    with transaction.atomic():
        scoped(Fit, workspace).filter(contact_id__in=list(given - kept)).delete()
        Fit.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["contact"],
            update_fields=["score", "parts", "computed_on"],
        )
    return len(rows)
