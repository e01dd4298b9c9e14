"""The last 12 months move on by themselves, so each day the spend of whoever was last added up
before today is added up again, and every client's and customer's fit is scored afresh."""

from datetime import datetime, timedelta

from django.utils import timezone

from goodwill.accounts.models import Workspace
from goodwill.clients.economics import spend_refresh
from goodwill.clients.fit_services import BATCH, fit_rescore_all
from goodwill.clients.models import Spend
from goodwill.core.scoping import scoped
from goodwill.core.worker import sweep


def spend_catch_up(workspace: Workspace, now: datetime) -> int:
    """Refresh the Spend rows last refreshed before the workspace's today, BATCH contacts at a
    time. Returns how many contacts were refreshed."""
    today = timezone.localdate(now, timezone=workspace.zone)
    stale = scoped(Spend, workspace).filter(refreshed_on__lt=today)
    ids = sorted(set(stale.values_list("contact_id", flat=True)))
    for start in range(0, len(ids), BATCH):
        spend_refresh(workspace, ids[start : start + BATCH], today)
    return len(ids)


@sweep("clients-fit-refresh", every=timedelta(hours=24))
def refresh_spend_and_fit(now: datetime) -> int:
    """Bring every workspace's spend up to its today, then score its clients' fit on it (the
    fit reads the spend). Returns how many fits were stored."""
    scored = 0
    for workspace in Workspace.objects.iterator():
        spend_catch_up(workspace, now)
        scored += fit_rescore_all(workspace, timezone.localdate(now, timezone=workspace.zone))
    return scored
