"""Scale data for working agreements: the example needs, one to three of them agreed with one
client in four (most holding, a few declined), some breaches of them (a few clients breaking
them often, after reminders), and three invoices per client with agreements."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction

from goodwill.agreements.models import (
    Agreement,
    AgreementStatus,
    Breach,
    BreachSource,
    Invoice,
    Need,
)
from goodwill.agreements.services import needs_from_examples
from goodwill.core import bulk
from goodwill.core.scoping import scoped
from goodwill.core.seed import BATCH, SeedRun, seed_step
from goodwill.people.models import Contact, Kind

SHARE = 0.25  # of clients with agreements
TROUBLE = 0.1  # of those who keep breaking them


@seed_step(order=55)
def seed_agreements(run: SeedRun) -> None:
    needs = needs_from_examples(run.workspace) or list(scoped(Need, run.workspace))
    ids: list[int] = run.shared["contact_ids"]
    today = run.now.date()
    counts = {"agreements": 0, "breaches": 0, "invoices": 0}
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        clients = scoped(Contact, run.workspace).filter(pk__in=batch, kind=Kind.CLIENT)
        chosen = [pk for pk in clients.values_list("pk", flat=True) if run.rng.random() < SHARE]
        agreements = [a for pk in chosen for a in _agreements(run, pk, needs, today)]
        with transaction.atomic():
            bulk.create(agreements)
            breaches = [b for a in agreements for b in _breaches(run, a)]
            bulk.create(breaches)
            invoices = [i for pk in chosen for i in _invoices(run, pk, today)]
            bulk.create(invoices)
        counts["agreements"] += len(agreements)
        counts["breaches"] += len(breaches)
        counts["invoices"] += len(invoices)
        run.batch_done("agreements", start + len(batch), len(ids))
    run.shared["counts"].update(counts)


def _agreements(run: SeedRun, contact_id: int, needs: list[Need], today: date) -> list[Agreement]:
    rng = run.rng
    rows = []
    proposed = today - timedelta(days=rng.randint(60, 900))
    for need in needs[: rng.randint(1, 3)]:
        declined = rng.random() < 0.15
        decided = proposed + timedelta(days=rng.randint(1, 10))
        rows.append(
            Agreement(
                workspace=run.workspace,
                contact_id=contact_id,
                need=need,
                proposed_on=proposed,
                proposed_how=rng.choice(["on a call", "by e-mail", "at our kickoff"]),
                status=AgreementStatus.DECLINED if declined else AgreementStatus.AGREED,
                declined_on=decided if declined else None,
                agreed_on=None if declined else decided,
                checked_in_on=decided + timedelta(days=14) if not declined else None,
            )
        )
        proposed = decided + timedelta(days=rng.randint(20, 90))
        if proposed >= today:
            break
    return rows


def _breaches(run: SeedRun, agreement: Agreement) -> list[Breach]:
    rng = run.rng
    if agreement.status != AgreementStatus.AGREED or agreement.agreed_on is None:
        return []
    often = rng.random() < TROUBLE
    rows = []
    for n in range(rng.randint(3, 8) if often else rng.randint(0, 1)):
        day = agreement.agreed_on + timedelta(days=rng.randint(1, 120))
        if day >= run.now.date():
            continue
        at = datetime.combine(day, time(rng.randint(19, 22), rng.choice([5, 10, 40])), tzinfo=UTC)
        rows.append(
            Breach(
                workspace=run.workspace,
                agreement=agreement,
                contact_id=agreement.contact_id,
                occurred_at=at,
                note="Called late in the evening",
                source=BreachSource.MANUAL,
                reminded_at=at + timedelta(days=1) if n % 2 == 0 else None,
            )
        )
    return rows


def _invoices(run: SeedRun, contact_id: int, today: date) -> list[Invoice]:
    rng = run.rng
    rows = []
    for n in range(3):
        issued = today - timedelta(days=rng.randint(5, 700))
        due = issued + timedelta(days=14)
        paid = due + timedelta(days=rng.randint(-10, 6)) if due < today else None
        rows.append(
            Invoice(
                workspace=run.workspace,
                contact_id=contact_id,
                number=f"S{contact_id}-{n + 1}",
                amount=Decimal(rng.randint(5, 200) * 100),
                currency="EUR",
                issued_on=issued,
                due_on=due,
                paid_on=paid if paid is None or paid <= today else None,
            )
        )
    return rows
