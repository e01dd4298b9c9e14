"""The dashboard's agenda (today and the next 14 days, or 7 or 30 as the user chose) and the
contact page's reminders."""

from typing import Any

from django.http import HttpRequest

from goodwill.accounts.access import WorkspaceRequest
from goodwill.agenda.agenda import agenda
from goodwill.agenda.forms import ReminderForm
from goodwill.agenda.models import Reminder, ReminderState
from goodwill.core.dashboard import dashboard_panel
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact
from goodwill.people.panels import contact_panel

DAY_CHOICES = (7, 14, 30)
SESSION_KEY = "agenda_days"
SHOWN = 30
SHOWN_REMINDERS = 20


def chosen_days(request: WorkspaceRequest) -> int:
    """`?days=` when given (and remembered for next time), else the last choice, else 14."""
    asked = request.GET.get("days", "")
    if asked.isdigit() and int(asked) in DAY_CHOICES:
        request.session[SESSION_KEY] = int(asked)
    days = request.session.get(SESSION_KEY, 14)
    return days if days in DAY_CHOICES else 14


@dashboard_panel("agenda/_dashboard.html", order=10)
def agenda_panel(request: WorkspaceRequest) -> dict[str, Any]:
    days = chosen_days(request)
    return {"agenda": agenda(request.workspace, days=days, limit=SHOWN), "choices": DAY_CHOICES}


@contact_panel("agenda/_contact_reminders.html", order=10)
def reminders_panel(request: HttpRequest, contact: Contact) -> dict[str, Any]:
    reminders = (
        scoped(Reminder, contact.workspace)
        .filter(contact=contact, state=ReminderState.OPEN)
        .order_by("show_on", "id")[:SHOWN_REMINDERS]
    )
    return {"reminders": list(reminders), "form": ReminderForm(auto_id="reminder_%s")}
