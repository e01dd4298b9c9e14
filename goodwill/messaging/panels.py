"""The contact page's messages panel: write to them, and their latest messages."""

from typing import Any

from django.http import HttpRequest

from goodwill.messaging.services import contact_messages
from goodwill.people.models import Contact
from goodwill.people.panels import contact_panel

SHOWN = 5


@contact_panel("messaging/_contact_messages.html", order=20)
def messages_panel(request: HttpRequest, contact: Contact) -> dict[str, Any]:
    return {"messages": list(contact_messages(contact)[:SHOWN])}
