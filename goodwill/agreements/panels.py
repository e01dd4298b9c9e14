"""The contact page's agreements panel (G2) and the client page's agreed terms (G5).

Registered from AgreementsConfig.ready()."""

from typing import Any

from django.http import HttpRequest

from goodwill.agreements.models import AgreementStatus
from goodwill.agreements.needs import in_words
from goodwill.agreements.services import current_agreements, suggest_next
from goodwill.care.client_sections import client_section
from goodwill.people.models import Contact
from goodwill.people.panels import contact_panel


@contact_panel("agreements/_contact_panel.html", order=40)
def agreements_panel(request: HttpRequest, contact: Contact) -> dict[str, Any]:
    """Two queries: the current agreements, then the first need not yet proposed (only when
    nothing is waiting or still holding)."""
    agreements = current_agreements(contact)
    return {"agreements": agreements, "suggestion": suggest_next(contact, agreements)}


@client_section("agreements/_client_section.html", order=20)
def agreed_terms(contact: Contact) -> dict[str, Any]:
    """Only what the client agreed to, with its terms in words and why: never a need that is
    proposed, declined or ended, nor the notes. One query."""
    # Through the contact, already found by its token in its workspace: the public page has
    # not loaded the contact's workspace, and contact.workspace would cost a query.
    agreed = (
        contact.agreements.filter(workspace=contact.workspace_id, status=AgreementStatus.AGREED)
        .select_related("need")
        .only("agreed_on", "need__kind", "need__title", "need__why", "need__terms")
        .order_by("need__position", "need_id")
    )
    return {
        "terms": [
            {
                "title": agreement.need.title,
                "words": in_words(agreement.need.kind, agreement.need.terms),
                "why": agreement.need.why,
                "since": agreement.agreed_on,
            }
            for agreement in agreed
        ]
    }
