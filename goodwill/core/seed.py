"""Scale data: a large, believable, reproducible workspace for the benchmark suite.

`goodwill seed` creates the workspace (or fills an empty one) and runs each capability's
`@seed_step` in order; each step writes its records in batches with `core.bulk.create`, drawing
from one random generator, so the same `--seed` and size give the same data.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from goodwill.accounts.models import Membership, Role, User, Workspace
from goodwill.core.scoping import scoped

SEED_OWNER = "seed-owner@goodwill.local"
BATCH = 2000

type Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    """The default progress report: none."""


@dataclass
class SeedRun:
    """What every step sees: the workspace, its owner, the size, the generator and the clock."""

    workspace: Workspace
    owner: User
    contacts: int
    rng: random.Random
    now: datetime
    progress: Progress = _quiet
    # Step results later steps use, e.g. "contact_ids".
    shared: dict[str, Any] = field(default_factory=dict)
    analyzed_at: float = field(default_factory=time.monotonic)

    def batch_done(self, stage: str, done: int, total: int) -> None:
        """Report a step's progress after a batch, and keep the planner's statistics fresh."""
        self.progress(stage, done, total)
        self.fresh_statistics()

    def fresh_statistics(self) -> None:
        """Let PostgreSQL's planner see how the tables have grown, at most once a minute; steps
        call it after each batch. Without statistics it takes `contact_id IN (…500 ids)` for most
        of a table and scans all of it, so each batch costs more than the last; autovacuum may be
        off or behind. SQLite's planner uses its indexes without statistics, and its ANALYZE
        reads every row, so it is left to the end."""
        if connection.vendor != "postgresql" or time.monotonic() - self.analyzed_at < 60:
            return
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.analyzed_at = time.monotonic()


type SeedStep = Callable[[SeedRun], None]
SEED_STEPS: list[tuple[int, SeedStep]] = []


def seed_step(order: int) -> Callable[[SeedStep], SeedStep]:
    """Register a step; lower *order* runs first (people 10, touchpoints 20, …)."""

    def register(step: SeedStep) -> SeedStep:
        SEED_STEPS.append((order, step))
        return step

    return register


def _workspace(slug: str) -> tuple[Workspace, User]:
    owner, created = User.objects.get_or_create(email=SEED_OWNER, defaults={"name": "Seed Owner"})
    if created:
        owner.set_unusable_password()
        owner.save()
    workspace, _ = Workspace.objects.get_or_create(
        slug=slug, defaults={"name": f"Scale test {slug}", "time_zone": "Europe/Stockholm"}
    )
    Membership.objects.get_or_create(workspace=workspace, user=owner, defaults={"role": Role.OWNER})
    return workspace, owner


def seeded(slug: str) -> bool:
    """Whether the workspace *slug* exists and holds contacts."""
    from goodwill.people.models import Contact

    return Contact.objects.filter(workspace__slug=slug).exists()


def seed(slug: str, *, contacts: int, seed: int = 1, progress: Progress = _quiet) -> SeedRun:
    """Fill the workspace *slug* (created if new) with *contacts* people and their history."""
    from goodwill.people.models import Contact

    if contacts < 1:
        raise ValidationError({"contacts": "Seed at least one contact."})
    workspace, owner = _workspace(slug)
    if scoped(Contact, workspace).exists():
        raise ValidationError(
            {"workspace": f"The workspace {slug} already holds contacts; seed an empty one."}
        )
    autodiscover_modules("seed")
    # Not for secrets: a seeded generator, so the same seed gives the same data.
    rng = random.Random(seed)  # noqa: S311
    run = SeedRun(workspace, owner, contacts, rng, timezone.now(), progress)
    for _, step in sorted(SEED_STEPS, key=lambda entry: entry[0]):
        step(run)
    # Fresh planner statistics, as the daily sweep would gather, so the benchmark that follows
    # measures the plans production uses (PostgreSQL's autovacuum may not have run yet).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return run
