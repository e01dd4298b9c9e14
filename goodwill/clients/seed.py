"""Scale data for clients: about ten purchases per contact over three years (customers buy
often and in their own seasons, clients less often), three engagements per client, and every
contact's spend added up as the app keeps it."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from goodwill.clients.economics import spend_refresh
from goodwill.clients.models import Engagement, EngagementStatus, Purchase
from goodwill.core import bulk
from goodwill.core.scoping import scoped
from goodwill.core.seed import BATCH, SeedRun, seed_step
from goodwill.people.models import Contact, Kind

PURCHASES: dict[str, int] = {
    Kind.CUSTOMER: 22,
    Kind.CLIENT: 8,
}  # on average, per contact of the kind
ENGAGEMENTS = 3  # per client, on average
DAYS = 3 * 365
WORK = ["branding", "website", "print", "signage", "illustration", "strategy"]
ITEMS = ["Mugs", "Prints", "A poster", "Gift cards", "Notebooks", "A framed print", "Stickers"]
STATUSES = [EngagementStatus.DELIVERED] * 5 + [EngagementStatus.WON] * 2 + [
    EngagementStatus.LOST, EngagementStatus.LOST, EngagementStatus.PROPOSED,
]  # fmt: skip


def _currency(run: SeedRun) -> str:
    roll = run.rng.random()
    return "EUR" if roll < 0.93 else ("SEK" if roll < 0.97 else "USD")


@seed_step(order=45)
def seed_clients(run: SeedRun) -> None:
    ids: list[int] = run.shared["contact_ids"]
    today = timezone.localdate(timezone=run.workspace.zone)
    purchases = engagements = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        kinds = dict(scoped(Contact, run.workspace).filter(pk__in=batch).values_list("pk", "kind"))
        bought, worked = [], []
        for contact_id in batch:
            kind = kinds[contact_id]
            bought += _purchases(run, contact_id, kind, today)
            if kind == Kind.CLIENT:
                worked += _engagements(run, contact_id, today)
        with transaction.atomic():
            bulk.create(bought)
            bulk.create(worked)
            spend_refresh(run.workspace, batch, today)
        purchases += len(bought)
        engagements += len(worked)
        run.batch_done("purchases", start + len(batch), len(ids))
    run.shared["counts"]["purchases"] = purchases
    run.shared["counts"]["engagements"] = engagements


def _purchases(run: SeedRun, contact_id: int, kind: str, today: date) -> list[Purchase]:
    """Their purchases, most of them in one to three favourite months of the year."""
    mean = PURCHASES.get(kind, 0)
    if not mean:
        return []
    rng = run.rng
    favourites = rng.sample(range(1, 13), rng.randint(1, 3))
    rows = []
    for _ in range(rng.randint(0, 2 * mean)):
        day = today - timedelta(days=rng.randrange(DAYS))
        if rng.random() < 0.6:
            month = rng.choice(favourites)
            day = date(day.year, month, min(day.day, 28))
            if day > today:
                day = date(day.year - 1, month, day.day)
        amount = Decimal(rng.randint(800, 30000)) / 100
        rows.append(
            Purchase(
                workspace=run.workspace, contact_id=contact_id, purchased_on=day,
                description=rng.choice(ITEMS), amount=amount, currency=_currency(run),
                created_by=run.owner,
            )
        )  # fmt: skip
    return rows


def _engagements(run: SeedRun, contact_id: int, today: date) -> list[Engagement]:
    rng = run.rng
    rows = []
    for _ in range(rng.randint(0, 2 * ENGAGEMENTS)):
        status = rng.choice(STATUSES)
        proposed = today - timedelta(days=rng.randrange(DAYS))
        decided = min(today, proposed + timedelta(days=rng.randint(3, 40)))
        work = rng.choice(WORK)
        engagement = Engagement(
            workspace=run.workspace,
            contact_id=contact_id,
            title=f"{work.title()} project",
            work=work,
            value=Decimal(rng.randint(5, 400) * 100),
            currency=_currency(run),
            status=status,
            starts_on=decided,
            created_by=run.owner,
        )
        if status in (EngagementStatus.WON, EngagementStatus.DELIVERED):
            engagement.won_on = decided
        if status == EngagementStatus.DELIVERED:
            engagement.delivered_on = min(today, decided + timedelta(days=60))
        if status == EngagementStatus.LOST:
            engagement.lost_on, engagement.lost_reason = decided, "Went with a bigger agency"
        rows.append(engagement)
    return rows
