"""The contact page's events: where you saw them, and where you first met."""

from typing import Any

from django.http import HttpRequest

from goodwill.events.services import contact_events
from goodwill.people.models import Contact
from goodwill.people.panels import contact_panel

PANEL_EVENTS = 10


@contact_panel("events/_contact_events.html", order=40)
def events_panel(request: HttpRequest, contact: Contact) -> dict[str, Any]:
    attendances = contact_events(contact, PANEL_EVENTS + 1)
    return {"attendances": attendances[:PANEL_EVENTS], "more": len(attendances) > PANEL_EVENTS}
