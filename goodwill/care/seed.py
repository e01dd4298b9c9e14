"""Scale data for customer care: cases for about one contact in thirty over three years, most of
them resolved and closed (some rated), the recent ones still open or waiting on the customer,
each with its targets, the business hours it took and a reply."""

from datetime import datetime, timedelta

from django.db import transaction

from goodwill.care.clock import Clock, clock_of
from goodwill.care.models import Case, CaseEntry, CaseType, EntryKind, Priority, Status
from goodwill.core import bulk
from goodwill.core.seed import SeedRun, seed_step

SHARE = 1 / 30
THREE_YEARS = timedelta(days=3 * 365)
SUBJECTS = {
    CaseType.COMPLAINT: ["The order arrived late", "A chipped mug", "Wrong colour", "Rude call"],
    CaseType.RETURN: ["Too small", "Changed my mind", "Arrived broken"],
    CaseType.CHANGE: ["Move the launch a week", "Add a second logo", "Different paper"],
    CaseType.QUESTION: ["Opening hours at Easter?", "Do you ship abroad?", "Gift wrapping?"],
}
CATEGORIES = ["late delivery", "damaged in transit", "quality", "communication", ""]
PRIORITIES = [Priority.NORMAL] * 6 + [Priority.HIGH] * 2 + [Priority.LOW, Priority.URGENT]


@seed_step(order=40)
def seed_cases(run: SeedRun) -> None:
    ids: list[int] = run.shared["contact_ids"]
    chosen = [contact_id for contact_id in ids if run.rng.random() < SHARE]
    clock = clock_of(run.workspace)
    filed = sorted(run.now - THREE_YEARS * run.rng.random() for _ in chosen)
    cases = [_case(run, clock, number, contact_id, at) for number, (contact_id, at) in
             enumerate(zip(chosen, filed, strict=True), start=1)]  # fmt: skip
    with transaction.atomic():
        bulk.create(cases)
        bulk.create([_reply(run, case, case.pk) for case in cases if case.first_response_at])
    run.shared["counts"]["cases"] = len(cases)
    run.batch_done("cases", len(ids), len(ids))


def _case(run: SeedRun, clock: Clock, number: int, contact_id: int, filed: datetime) -> Case:
    rng = run.rng
    type_ = rng.choice(list(SUBJECTS))
    case = Case(
        workspace=run.workspace,
        number=number,
        contact_id=contact_id,
        type=type_,
        priority=rng.choice(PRIORITIES),
        subject=rng.choice(SUBJECTS[type_]),
        category=rng.choice(CATEGORIES) if type_ == CaseType.COMPLAINT else "",
        created_by=run.owner,
        created_at=filed,
        updated_at=filed,
        source=rng.choice(["app", "public"]),
    )
    case.first_response_due_at, case.due_at = clock.due_dates(case)
    age = run.now - filed
    if age < timedelta(days=2) and rng.random() < 0.5:
        return case  # new, not answered yet
    case.first_response_at = min(run.now, filed + timedelta(hours=rng.uniform(0.2, 30)))
    case.first_response_hours = clock.between(filed, case.first_response_at)
    if age < timedelta(days=14):
        case.status = rng.choice([Status.IN_PROGRESS, Status.IN_PROGRESS, Status.WAITING])
        if case.status == Status.WAITING:
            case.waiting_since = case.first_response_at
        return case
    resolved = filed + timedelta(hours=rng.uniform(2, 200))
    case.status, case.close_reason = Status.CLOSED, "resolved"
    case.resolved_at, case.closed_at = resolved, resolved + timedelta(days=2)
    case.resolution_hours = clock.between(filed, resolved)
    if rng.random() < 0.4:
        case.rating, case.rated_at = rng.choice([3, 4, 4, 5, 5, 5, 2]), case.closed_at
    return case


def _reply(run: SeedRun, case: Case, case_id: int) -> CaseEntry:
    assert case.first_response_at is not None  # only answered cases get one
    return CaseEntry(
        workspace=run.workspace,
        case_id=case_id,
        kind=EntryKind.REPLY,
        body="Thank you for telling us; we are on it.",
        author=run.owner,
        created_at=case.first_response_at,
    )
