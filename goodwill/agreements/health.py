"""Client health (G4): how often each client breaks what they agreed, month by month and need by
need, and when to consider parting ways.

Every figure counts the breaches not dismissed, over the last 12 calendar months in the
workspace's time zone (this one included, up to *now*); each is one grouped query however many
breaches there are.

Consider parting ways: a client is suggested when, in the last SIGNAL_DAYS (90) days, they broke
needs they still agree to at least SIGNAL_BREACHES (3) times, and at least SIGNAL_AFTER_REMINDER
(2) of those came after you had sent them a gentle reminder about an earlier breach (of any
need). Breaking a need once or twice is learning; breaking it again after being reminded is a
pattern. Breaches of an agreement that has since ended no longer weigh: the need no longer
applies. The signal is a suggestion with its evidence, never an action: only you decide, and a
client whose offboarding has begun shows that instead.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, F, OuterRef, QuerySet, Subquery

from goodwill.accounts.models import Workspace
from goodwill.agreements.models import AgreementStatus, Breach
from goodwill.core.months import Period, month_counts, period_of
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact

MONTHS = 12
SIGNAL_DAYS = 90
SIGNAL_BREACHES = 3
SIGNAL_AFTER_REMINDER = 2
TOP_CLIENTS = 20
NAME = ("contact__first_name", "contact__last_name", "contact__nickname")


@dataclass(frozen=True)
class MonthCount:
    month: date  # its first day
    count: int


@dataclass
class Row:
    """A client's or a need's breaches in each month of the period, and in all."""

    pk: int
    name: str
    months: list[int]

    @property
    def count(self) -> int:
        return sum(self.months)


@dataclass(frozen=True)
class Evidence:
    breach_id: int
    occurred_at: datetime
    need: str
    note: str
    source: str
    reminded_at: datetime | None  # when you reminded them of this one
    after_reminder: bool  # it happened after a reminder about an earlier breach


@dataclass
class Signal:
    """Consider parting ways with this client, and why."""

    contact_id: int
    name: str
    first_reminder_at: datetime
    offboarding_since: date | None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def breaches(self) -> int:
        return len(self.evidence)

    @property
    def after_reminder(self) -> int:
        return sum(1 for item in self.evidence if item.after_reminder)


@dataclass(frozen=True)
class Health:
    """The workspace's figures: the trend, clients ranked, needs, and who to consider."""

    start: datetime
    end: datetime
    trend: list[MonthCount]
    by_client: list[Row]  # the TOP_CLIENTS with the most breaches, the most first
    by_need: list[Row]
    signals: list[Signal]


@dataclass(frozen=True)
class ContactHealth:
    start: datetime
    end: datetime
    trend: list[MonthCount]
    by_need: list[Row]
    recent: list[Evidence]  # breaches of needs still agreed in the last SIGNAL_DAYS days
    signal: Signal | None


def _breaches(workspace: Workspace, contact: Contact | None) -> QuerySet[Breach]:
    breaches = scoped(Breach, workspace).filter(dismissed=False)
    return breaches if contact is None else breaches.filter(contact=contact)


def _rows(grouped: dict[tuple[object, ...], dict[date, int]], period: Period) -> list[Row]:
    days = [start.date() for start in period.months]
    rows = []
    for (pk, *name), months in grouped.items():
        first, *rest = (str(part or "") for part in name)
        # A client's key carries their three name fields, a need's its title.
        label = (
            Contact(first_name=first, last_name=rest[0], nickname=rest[1]).display_name
            if rest
            else first
        )
        rows.append(Row(int(str(pk)), label, [months.get(day, 0) for day in days]))
    return sorted(rows, key=lambda row: (-row.count, row.name.lower(), row.pk))


def _trend(rows: list[Row], period: Period) -> list[MonthCount]:
    return [
        MonthCount(start.date(), sum(row.months[i] for row in rows))
        for i, start in enumerate(period.months)
    ]


def by_client(workspace: Workspace, period: Period, top: int = TOP_CLIENTS) -> list[Row]:
    """The *top* clients with the most breaches in the period, per month, the most first: one
    query ranks them (however many clients there are) and counts their months."""
    breaches = _breaches(workspace, None).filter(
        occurred_at__gte=period.start, occurred_at__lt=period.end
    )
    ranked = (
        breaches.order_by()
        .values("contact")
        .annotate(n=Count("pk"))
        .order_by("-n", "contact")
        .values_list("contact", flat=True)[:top]
    )
    chosen = breaches.filter(contact__in=ranked)  # a subquery: still one query
    return _rows(month_counts(chosen, "occurred_at", period, "contact", *NAME), period)


def by_need(workspace: Workspace, period: Period, contact: Contact | None = None) -> list[Row]:
    """Breaches per need per month (of one client, or all), the most first, in one query."""
    breaches = _breaches(workspace, contact)
    return _rows(
        month_counts(breaches, "occurred_at", period, "agreement__need", "agreement__need__title"),
        period,
    )


# A client's name, offboarding start, first reminder ever, and recent breaches.
type Found = tuple[str, date | None, datetime | None, list[Evidence]]


def _evidence(
    workspace: Workspace, now: datetime, contact: Contact | None, least: int = 1
) -> dict[int, Found]:
    """Each client's breaches of the last SIGNAL_DAYS days, the latest first, with their first
    reminder ever and their offboarding, in one query. Only agreements still agreed count, and
    only clients with at least *least* of them (counted in a subquery of the same query)."""
    first_reminder = (
        scoped(Breach, workspace)
        .filter(contact=OuterRef("contact"), dismissed=False, reminded_at__isnull=False)
        .order_by("reminded_at")
        .values("reminded_at")[:1]
    )
    recent = _breaches(workspace, contact).filter(
        occurred_at__gte=now - timedelta(days=SIGNAL_DAYS),
        occurred_at__lte=now,
        agreement__status=AgreementStatus.AGREED,
    )
    if least > 1:
        often = recent.order_by().values("contact").annotate(n=Count("pk")).filter(n__gte=least)
        recent = recent.filter(contact__in=often.values("contact"))
    rows = (
        recent
        .annotate(
            first_reminder_at=Subquery(first_reminder),
            need=F("agreement__need__title"),
            offboarding_since=F("contact__offboarding__started_on"),
        )
        .order_by("-occurred_at", "-id")
        .values_list(
            "id", "contact_id", *NAME, "occurred_at", "need", "note", "source", "reminded_at",
            "first_reminder_at", "offboarding_since",
        )
    )  # fmt: skip
    found: dict[int, Found] = {}
    for (
        pk,
        contact_id,
        first,
        last,
        nick,
        at,
        need,
        note,
        source,
        reminded,
        first_at,
        since,
    ) in rows:
        if contact_id not in found:
            name = Contact(first_name=first, last_name=last, nickname=nick).display_name
            found[contact_id] = (name, since, first_at, [])
        after = first_at is not None and at > first_at
        found[contact_id][3].append(Evidence(pk, at, need, note, source, reminded, after))
    return found


def _signal(contact_id: int, found: Found) -> Signal | None:
    name, since, first_at, evidence = found
    after = sum(1 for item in evidence if item.after_reminder)
    if first_at and len(evidence) >= SIGNAL_BREACHES and after >= SIGNAL_AFTER_REMINDER:
        return Signal(contact_id, name, first_at, since, evidence)
    return None


def signals(workspace: Workspace, now: datetime) -> list[Signal]:
    """The clients to consider parting ways with (see the module's rule), the most breaches
    after a reminder first, each with the breaches that make the case."""
    evidence = _evidence(workspace, now, None, least=SIGNAL_BREACHES)
    found = [_signal(pk, each) for pk, each in evidence.items()]
    return sorted(
        (s for s in found if s is not None),
        key=lambda s: (-s.after_reminder, -s.breaches, s.name.lower()),
    )


def health(workspace: Workspace, now: datetime) -> Health:
    """Every figure of the workspace's health page, in three queries."""
    period = period_of(workspace, now, MONTHS)
    needs = by_need(workspace, period)
    return Health(
        start=period.start,
        end=period.end,
        trend=_trend(needs, period),  # every breach is of one need: the needs add up to all
        by_client=by_client(workspace, period),
        by_need=needs,
        signals=signals(workspace, now),
    )


def contact_health(contact: Contact, now: datetime) -> ContactHealth:
    """One client's figures and evidence, in two queries."""
    workspace = contact.workspace
    period = period_of(workspace, now, MONTHS)
    needs = by_need(workspace, period, contact)
    found = _evidence(workspace, now, contact).get(contact.pk)
    return ContactHealth(
        start=period.start,
        end=period.end,
        trend=_trend(needs, period),
        by_need=needs,
        recent=found[3] if found else [],
        signal=_signal(contact.pk, found) if found else None,
    )
