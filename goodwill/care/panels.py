"""The contact page's open cases, and case deadlines on the agenda."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from goodwill.accounts.models import Workspace
from goodwill.agenda.agenda import CONTACT_NAME, Item, agenda_source, chunks
from goodwill.agenda.window import Window
from goodwill.care.clock import Clock, clock_of
from goodwill.care.models import ACTIVE_STATUSES, Case
from goodwill.care.services import open_cases
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact
from goodwill.people.panels import contact_panel


@contact_panel("care/_contact_cases.html", order=30)
def cases_panel(request: HttpRequest, contact: Contact) -> dict[str, Any]:
    return {"cases": open_cases(contact)}


@agenda_source
def case_deadlines(workspace: Workspace, window: Window) -> Iterator[Item]:
    """Open cases whose next target (the first response, then the resolution) falls by the end
    of the window, with the business hours left; late ones on today, with how late. A case
    waiting on the customer is not here: its clock is stopped."""
    end = window.ends_at(workspace.zone)
    unanswered = Q(first_response_at__isnull=True, first_response_due_at__lt=end)
    cases = (
        scoped(Case, workspace)
        .filter(unanswered | Q(due_at__lt=end), status__in=ACTIVE_STATUSES)
        .select_related("contact")
        .only(
            "number",
            "subject",
            "due_at",
            "first_response_due_at",
            "first_response_at",
            "contact_id",
            *CONTACT_NAME,
        )
        .order_by("due_at", "id")
    )
    now = timezone.now()
    clock: Clock | None = None
    for chunk in chunks(cases):
        clock = clock or clock_of(workspace)  # only when there is a case to time
        for case in chunk:
            yield _deadline(case, clock, workspace, window, now)


def _deadline(
    case: Case, clock: Clock, workspace: Workspace, window: Window, now: datetime
) -> Item:
    answered = case.first_response_at is not None
    due = case.due_at if answered else case.first_response_due_at
    what = "resolve" if answered else "answer"
    local = timezone.localtime(due, workspace.zone)
    left = clock.left(due, now)
    if left < 0:
        detail = f"{what} was due {local:%-d %b %H:%M}: {-left:.1f} business hours late"
    else:
        detail = f"{what} by {local:%-d %b %H:%M}: {left:.1f} business hours left"
    return Item(
        on=max(local.date(), window.start),
        kind="case",
        title=f"Case #{case.number}: {case.subject}",
        contact_id=case.contact_id,
        contact_name=case.contact.display_name,
        detail=detail,
        overdue=left < 0,
        ref=case.number,
    )
