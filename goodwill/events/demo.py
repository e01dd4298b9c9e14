"""The demo's events: Nordic Design Week a few months ago, where Maya first met Aisha (Dan was
there too), and a meetup coming up."""

from datetime import timedelta

from goodwill.accounts.models import User, Workspace
from goodwill.agenda.services import today_in
from goodwill.core.demo import demo_step
from goodwill.core.scoping import scoped
from goodwill.events.models import Event, EventKind
from goodwill.events.services import attendee_add, event_create
from goodwill.people.models import Contact


@demo_step
def events(workspace: Workspace, owner: User) -> None:
    if scoped(Event, workspace).exists():
        return
    people = {c.first_name: c for c in scoped(Contact, workspace)}
    today = today_in(workspace)
    week = event_create(
        workspace,
        actor=owner,
        name="Nordic Design Week 2026",
        kind=EventKind.CONFERENCE,
        starts_on=today - timedelta(days=96),
        ends_on=today - timedelta(days=94),
        place="Stockholmsmässan, Stockholm",
        notes="Spoke on the packaging panel. Ask the organisers about a workshop next year.",
    )
    if "Aisha" in people:
        attendee_add(week, people["Aisha"], new=True, note="Greenleaf's rebrand: wants a quote")
    if "Dan" in people:
        attendee_add(week, people["Dan"], note="Introduced me to Aisha over lunch")
    meetup = event_create(
        workspace,
        actor=owner,
        name="Creative Mornings Stockholm",
        kind=EventKind.MEETUP,
        starts_on=today + timedelta(days=18),
        place="Fotografiska, Stockholm",
        notes="Breakfast talk on hand lettering.",
    )
    if "Dan" in people:
        attendee_add(meetup, people["Dan"], note="Said he would come along")
