"""Questions left unanswered and invoices left unpaid past due become breaches, hourly."""

from datetime import datetime, timedelta

from goodwill.accounts.models import Workspace
from goodwill.agreements.breaches import overdue_detect
from goodwill.agreements.models import Clarification, Invoice
from goodwill.core.worker import sweep


@sweep("agreements-overdue", every=timedelta(hours=1))
def detect_overdue(now: datetime) -> int:
    """Each overdue question or invoice is logged once (by its ref), so a run after downtime
    catches up and a second run logs nothing."""
    with_open = set(
        Clarification.objects.filter(answered_at=None, due_at__lt=now).values_list(
            "workspace_id", flat=True
        )
    ) | set(
        Invoice.objects.filter(
            paid_on=None, due_on__lt=(now + timedelta(days=1)).date()
        ).values_list("workspace_id", flat=True)
    )
    logged = 0
    for workspace in Workspace.objects.filter(pk__in=with_open).order_by("id").iterator():
        logged += overdue_detect(workspace, now)
    return logged
