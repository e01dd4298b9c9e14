"""Scale data for events: about one event per 500 contacts over three years (a few still to
come), each with 5 to 40 of the seeded people, about a third of them first met there."""

from datetime import date, timedelta

from django.db import transaction

from goodwill.agenda.services import today_in
from goodwill.core import bulk
from goodwill.core.seed import SeedRun, seed_step
from goodwill.events.models import Attendance, Event, EventKind

PER_CONTACTS = 500
THREE_YEARS = 3 * 365
NAMES = {
    EventKind.SEMINAR: ["Pricing your work", "Branding for small shops", "Packaging that sells"],
    EventKind.MEETUP: ["Creative Mornings", "Design Drinks", "Freelancers' breakfast"],
    EventKind.FAIR: ["Craft and Trade Fair", "Local Food Fair", "Print Expo"],
    EventKind.CONFERENCE: ["Nordic Design Week", "Type Conference", "Small Business Summit"],
    EventKind.OTHER: ["Open studio evening", "Gallery opening"],
}
PLACES = ["Stockholmsmässan", "Fotografiska", "Kulturhuset", "The Hub, Södermalm", ""]
NOTES = ["Bring business cards.", "Good crowd, ask for next year's dates.", ""]


@seed_step(order=50)
def seed_events(run: SeedRun) -> None:
    ids: list[int] = run.shared["contact_ids"]
    count = max(1, round(len(ids) / PER_CONTACTS))
    today = today_in(run.workspace, run.now)
    events = [_event(run, today) for _ in range(count)]
    with transaction.atomic():
        bulk.create(events)
        attendances = [row for event in events for row in _attendances(run, event, ids)]
        bulk.create(attendances)
    run.shared["counts"]["events"] = len(events)
    run.shared["counts"]["attendances"] = len(attendances)
    run.batch_done("events", len(ids), len(ids))


def _event(run: SeedRun, today: date) -> Event:
    rng = run.rng
    kind = rng.choice(list(NAMES))
    # One in ten is still to come; the rest spread over three years.
    offset = rng.randrange(1, 90) if rng.random() < 0.1 else -rng.randrange(0, THREE_YEARS)
    starts_on = today + timedelta(days=offset)
    days = rng.choice([0, 0, 0, 1, 2]) if kind in (EventKind.FAIR, EventKind.CONFERENCE) else 0
    ends_on = starts_on + timedelta(days=days) if days else None
    return Event(
        workspace=run.workspace,
        name=f"{rng.choice(NAMES[kind])} {starts_on.year}",
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        place=rng.choice(PLACES),
        notes=rng.choice(NOTES),
        # Past events were followed up long ago; the sweep raises the upcoming ones' later.
        follow_ups_raised_at=run.now if (ends_on or starts_on) <= today else None,
        created_by=run.owner,
        created_at=run.now,
        updated_at=run.now,
    )


def _attendances(run: SeedRun, event: Event, ids: list[int]) -> list[Attendance]:
    chosen = run.rng.sample(ids, min(len(ids), run.rng.randint(5, 40)))
    return [
        Attendance(
            workspace=run.workspace,
            event_id=event.pk,
            contact_id=contact_id,
            new=run.rng.random() < 0.3,
            added_at=run.now,
        )
        for contact_id in chosen
    ]
