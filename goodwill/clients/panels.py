"""The contact page's work and purchases: spend per currency, open engagements, quick entry."""

from typing import Any

from django.http import HttpRequest

from goodwill.clients.models import Engagement, Spend
from goodwill.clients.views import ACTIVE
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact
from goodwill.people.panels import contact_panel

SHOWN = 5


@contact_panel("clients/_contact_panel.html", order=25)
def business_panel(request: HttpRequest, contact: Contact) -> dict[str, Any]:
    workspace = contact.workspace
    spend = scoped(Spend, workspace).filter(contact=contact).order_by("currency")
    engagements = (
        scoped(Engagement, workspace)
        .filter(contact=contact, status__in=ACTIVE)
        .order_by("-created_at", "-id")[:SHOWN]
    )
    return {"spend": list(spend), "engagements": list(engagements)}
