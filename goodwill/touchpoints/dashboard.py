"""The dashboard's touch box: log a touch with anyone; how many are due a touch or owed thanks
(the agenda lists them)."""

from typing import Any

from goodwill.accounts.access import WorkspaceRequest
from goodwill.core.dashboard import dashboard_panel
from goodwill.core.paging import count_up_to
from goodwill.touchpoints import appreciation, services
from goodwill.touchpoints.forms import QuickTouchForm

# Counting every overdue contact of a large workspace costs more than the panel is worth.
COUNT_CAP = 100


@dashboard_panel("touchpoints/_dashboard.html", order=5)
def keep_in_touch(request: WorkspaceRequest) -> dict[str, Any]:
    workspace = request.workspace
    overdue = services.overdue(workspace)
    dues = appreciation.open_dues(workspace)
    return {
        "touch_form": QuickTouchForm(auto_id="quick_touch_%s"),
        "overdue_count": count_up_to(overdue, COUNT_CAP),
        "dues_count": count_up_to(dues, COUNT_CAP),
    }
