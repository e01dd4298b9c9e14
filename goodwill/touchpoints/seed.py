"""Scale data for touchpoints: about 10 interactions per contact over three years (one in ten
shared with another contact), timelines, keep-in-touch clocks, rapport and a few thanks owed."""

from datetime import timedelta

from django.db import transaction

from goodwill.core import bulk
from goodwill.core.seed import BATCH, SeedRun, seed_step
from goodwill.people.models import Contact, TimelineEntry
from goodwill.touchpoints import appreciation
from goodwill.touchpoints.models import (
    Direction,
    Due,
    DueReason,
    Interaction,
    InteractionKind,
    Participation,
)
from goodwill.touchpoints.services import touch_clocks_refresh

# Common touches are common: e-mails and calls far outnumber meals and home visits.
KINDS = (
    ["email"] * 30 + ["call"] * 20 + ["message"] * 15 + ["meeting"] * 12 + ["meal"] * 7
    + ["event"] * 5 + ["thank_you"] * 5 + ["gift"] * 3 + ["visit_theirs"] * 2 + ["visit_home"] * 1
)  # fmt: skip
THREE_YEARS = timedelta(days=3 * 365)
SHARED = 0.1  # the share of interactions with a second contact
OWED = 0.02  # the share of contacts owed a thank-you or a follow-up


@seed_step(order=20)
def seed_touchpoints(run: SeedRun) -> None:
    ids: list[int] = run.shared["contact_ids"]
    total = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with transaction.atomic():
            count, touched = _touches(run, batch, ids)
            total += count
            # As logging them would have done; contacts of other batches who shared a touch too.
            touch_clocks_refresh(run.workspace, touched, run.now)
            _dues(run, batch)
        run.batch_done("interactions", start + len(batch), len(ids))
    run.shared["counts"]["interactions"] = total


def _touches(run: SeedRun, batch: list[int], everyone: list[int]) -> tuple[int, list[int]]:
    """Plan and write the batch's interactions; returns how many, and every contact touched."""
    rng, workspace = run.rng, run.workspace
    created = dict(
        Contact.objects.filter(workspace=workspace, pk__in=batch).values_list("pk", "created_at")
    )
    planned: list[tuple[Interaction, list[int]]] = []
    for contact_id in batch:
        since = max(created[contact_id], run.now - THREE_YEARS)
        span = (run.now - since).total_seconds()
        for _ in range(rng.choice(range(21))):
            occurred_at = since + timedelta(seconds=span * rng.random())
            kind = rng.choice(KINDS)
            interaction = Interaction(
                workspace=workspace,
                kind=kind,
                direction=Direction.THEIRS if rng.random() < 0.35 else Direction.OURS,
                occurred_at=occurred_at,
                created_at=occurred_at,
                created_by=run.owner,
            )
            people = [contact_id]
            if rng.random() < SHARED:
                other = rng.choice(everyone)
                if other != contact_id:
                    people.append(other)
            planned.append((interaction, people))
    bulk.create([i for i, _ in planned])
    parts, entries = [], []
    for interaction, people in planned:
        label = InteractionKind(interaction.kind).label
        for contact_id in people:
            parts.append(
                Participation(
                    workspace=workspace,
                    interaction=interaction,
                    contact_id=contact_id,
                    occurred_at=interaction.occurred_at,
                )
            )
            entries.append(
                TimelineEntry(
                    workspace=workspace,
                    contact_id=contact_id,
                    kind="interaction",
                    title=label,
                    occurred_at=interaction.occurred_at,
                    data={
                        "interaction_id": interaction.pk,
                        "kind": interaction.kind,
                        "direction": interaction.direction,
                        "note": "",
                    },
                )
            )
    bulk.create(parts)
    bulk.create(entries)
    touched = {contact_id for _, people in planned for contact_id in people} | set(batch)
    return len(planned), sorted(touched)


def _dues(run: SeedRun, batch: list[int]) -> None:
    rng = run.rng
    dues = []
    for contact_id in batch:
        if rng.random() < OWED:
            reason = rng.choice([DueReason.PURCHASE, DueReason.DELIVERY, DueReason.LOST_DEAL])
            dues.append(
                Due(
                    workspace=run.workspace,
                    contact_id=contact_id,
                    kind="follow_up" if reason == DueReason.LOST_DEAL else "thank_you",
                    reason=reason,
                    about="the spring order",
                    event_at=run.now - timedelta(days=rng.randrange(1, 60)),
                )
            )
    bulk.create(dues)
    appreciation.reconcile(run.workspace, [due.contact_id for due in dues])
