"""The contact page's open cases, and case deadlines on the agenda."""

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from goodwill.accounts.models import Workspace
from goodwill.agenda.agenda import CONTACT_NAME, Item, agenda_source, chunks
from goodwill.agenda.window import Window
from goodwill.care.models import OPEN_STATUSES, Case
from goodwill.care.services import open_cases
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact
from goodwill.people.panels import contact_panel


@contact_panel("care/_contact_cases.html", order=30)
def cases_panel(request: HttpRequest, contact: Contact) -> dict[str, Any]:
    return {"cases": open_cases(contact)}


@agenda_source
def case_deadlines(workspace: Workspace, window: Window) -> Iterator[Item]:
    """Open cases due by the end of the window; late ones on today, with how late."""
    end = window.ends_at(workspace.zone)
    cases = (
        scoped(Case, workspace)
        .filter(status__in=OPEN_STATUSES, due_at__lt=end)
        .select_related("contact")
        .only("number", "subject", "due_at", "contact_id", *CONTACT_NAME)
        .order_by("due_at", "id")
    )
    now = timezone.now()
    for chunk in chunks(cases):
        for case in chunk:
            due = timezone.localtime(case.due_at, workspace.zone)
            late = case.due_at < now
            yield Item(
                on=max(due.date(), window.start),
                kind="case",
                title=f"Case #{case.number}: {case.subject}",
                contact_id=case.contact_id,
                contact_name=case.contact.display_name,
                detail=(
                    f"late since {due:%-d %b %H:%M}"
                    if late
                    else f"to resolve by {due:%-d %b %H:%M}"
                ),
                overdue=late,
                ref=case.number,
            )
