"""The dashboard's touch box: log a touch with anyone; how many are due a touch or owed thanks
(the agenda lists them)."""

from typing import Any

from django.db.models import QuerySet

from goodwill.accounts.access import WorkspaceRequest
from goodwill.core.dashboard import dashboard_panel
from goodwill.touchpoints import appreciation, services
from goodwill.touchpoints.forms import QuickTouchForm

# Counting every overdue contact of a large workspace costs more than the panel is worth.
COUNT_CAP = 100


def capped_count(queryset: QuerySet[Any]) -> tuple[int, bool]:
    """How many rows, counting at most COUNT_CAP, and whether there are more."""
    n = len(queryset.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
    return min(n, COUNT_CAP), n > COUNT_CAP


@dashboard_panel("touchpoints/_dashboard.html", order=5)
def keep_in_touch(request: WorkspaceRequest) -> dict[str, Any]:
    workspace = request.workspace
    overdue = services.overdue(workspace)
    dues = appreciation.open_dues(workspace)
    return {
        "touch_form": QuickTouchForm(auto_id="quick_touch_%s"),
        "overdue_count": capped_count(overdue),
        "dues_count": capped_count(dues),
    }
