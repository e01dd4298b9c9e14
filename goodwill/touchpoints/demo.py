"""A year of history for the demo people: a few close relationships, a few neglected ones."""

from datetime import datetime, timedelta

from django.utils import timezone

from goodwill.accounts.models import User, Workspace
from goodwill.core.demo import demo_step
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact
from goodwill.touchpoints.appreciation import owe
from goodwill.touchpoints.models import Interaction
from goodwill.touchpoints.services import interaction_log

# What the demo people are owed: (who, reason, about, days ago). Dan's signage was thanked for
# (a thank-you above, after the delivery); Priya's order and Tom's lost deal are still open.
OWED = [
    ("Dan", "delivery", "the new store's signage", 11),
    ("Priya", "purchase", "the catalogue print order", 58),
    ("Tom", "lost_deal", "the menu board redesign", 200),
]

# (who, kind, days ago, direction, note, with whom else)
HISTORY = [
    (
        "Dan",
        "meal",
        340,
        "ours",
        "Lunch at the taqueria; he talked about Leo's card collection.",
        ["Priya"],
    ),
    ("Dan", "call", 300, "theirs", "Asked for the spring catalogue.", []),
    ("Dan", "meeting", 250, "ours", "Catalogue review at their office.", ["Priya"]),
    ("Dan", "visit_home", 200, "ours", "Dinner at our place with Maria.", []),
    ("Dan", "gift", 150, "ours", "Coffee for the team after the launch.", []),
    ("Dan", "call", 90, "theirs", "Wants signage for the new store.", []),
    ("Dan", "meal", 40, "ours", "Breakfast before his trail race.", []),
    ("Dan", "email", 12, "theirs", "Sent photos of the signage.", []),
    ("Dan", "thank_you", 9, "ours", "Card and a pack of baseball cards for Leo.", []),
    ("Priya", "email", 60, "theirs", "Purchase order for the catalogue print.", []),
    ("Sofia", "visit_theirs", 120, "theirs", "Board-game night at Sofia's.", []),
    ("Sofia", "visit_home", 30, "ours", "Long dinner at ours.", []),
    ("Jonas", "call", 70, "ours", "Paper samples for the catalogue.", []),
    ("Aisha", "event", 95, "ours", "Met at the Nordic Design Week panel.", ["Dan"]),
    ("Tom", "meeting", 210, "ours", "Menu board design; he liked the sketches.", []),
]


@demo_step
def history(workspace: Workspace, owner: User) -> None:
    if scoped(Interaction, workspace).exists():
        return
    people = {c.first_name: c for c in scoped(Contact, workspace)}
    now = timezone.now()
    for who, kind, days_ago, direction, note, others in HISTORY:
        if who not in people:
            continue
        when: datetime = now - timedelta(days=days_ago, hours=3)
        ids = [people[name].pk for name in [who, *others] if name in people]
        interaction_log(
            workspace,
            actor=owner,
            kind=kind,
            contact_ids=ids,
            occurred_at=when,
            direction=direction,
            note=note,
        )
    for who, reason, about, days_ago in OWED:
        if who in people:
            owe(people[who], reason=reason, about=about, event_at=now - timedelta(days=days_ago))
