"""Scale data for the agenda: a reminder on one contact in ten, some of them repeating."""

from datetime import timedelta

from django.db import transaction

from goodwill.agenda.models import Reminder, Repeat
from goodwill.agenda.services import today_in
from goodwill.core import bulk
from goodwill.core.seed import SeedRun, seed_step

TITLES = [
    "Call about the spring campaign",
    "Send the proofs",
    "Ask how the new shop is doing",
    "Follow up on the quote",
    "Birthday card",
]
SHARE = 0.1


@seed_step(order=30)
def seed_reminders(run: SeedRun) -> None:
    ids: list[int] = run.shared["contact_ids"]
    today = today_in(run.workspace, run.now)
    rows = []
    for contact_id in ids:
        if run.rng.random() >= SHARE:
            continue
        due_on = today + timedelta(days=run.rng.randrange(-10, 90))
        rows.append(
            Reminder(
                workspace=run.workspace,
                contact_id=contact_id,
                title=run.rng.choice(TITLES),
                starts_on=due_on,
                due_on=due_on,
                show_on=due_on,
                repeat=run.rng.choice([Repeat.NEVER] * 3 + [Repeat.MONTHLY, Repeat.YEARLY]),
                created_by=run.owner,
            )
        )
    with transaction.atomic():
        bulk.create(rows)
    run.shared["counts"]["reminders"] = len(rows)
    run.batch_done("reminders", len(ids), len(ids))
