"""Rapport decays with time (recency), so stored scores are refreshed daily."""

from datetime import datetime, timedelta

from goodwill.accounts.models import Workspace
from goodwill.core.scoping import scoped
from goodwill.core.worker import sweep
from goodwill.touchpoints.models import RapportScore
from goodwill.touchpoints.services import ladder_recompute, rapport_refresh

BATCH = 2000


@sweep("rapport-refresh", every=timedelta(hours=24))
def refresh_rapport(now: datetime) -> int:
    """Recompute every stored score that is above zero (a zero stays zero until a touch), then
    sum the ladder totals afresh."""
    refreshed = 0
    for workspace in Workspace.objects.all().iterator():
        ids = list(
            scoped(RapportScore, workspace).filter(score__gt=0).values_list("contact_id", flat=True)
        )
        for start in range(0, len(ids), BATCH):
            refreshed += rapport_refresh(workspace, ids[start : start + BATCH], now)
        ladder_recompute(workspace)
    return refreshed
