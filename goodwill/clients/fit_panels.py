"""The contact page's fit panel: the stored score and a link to the profile (one query)."""

from typing import Any

from django.http import HttpRequest

from goodwill.clients.fit import SCORED_KINDS, signal
from goodwill.clients.models import Fit
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact
from goodwill.people.panels import contact_panel


@contact_panel("clients/fit_panel.html", order=40)
def fit_panel(request: HttpRequest, contact: Contact) -> dict[str, Any]:
    if contact.kind not in SCORED_KINDS:
        return {"scored": False}
    workspace = request.workspace  # type: ignore[attr-defined]
    score = scoped(Fit, workspace).filter(contact=contact).values_list("score", flat=True).first()
    return {"scored": True, "score": score, "signal": signal(score, contact.rapport)}
