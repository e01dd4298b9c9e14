"""Follow-ups after events: the people first met at an event are owed one once it is over."""

from datetime import datetime, timedelta

from goodwill.accounts.models import Workspace
from goodwill.core.worker import sweep
from goodwill.events.services import follow_ups_due


# Hourly rather than daily, so an event is followed up soon after midnight in its workspace's
# time zone, whichever that is; a round finds nothing to do on a narrow partial index.
@sweep("event-follow-ups", every=timedelta(hours=1))
def raise_event_follow_ups(now: datetime) -> int:
    """Raise the follow-ups of every event that is over and not yet followed up (idempotent:
    each event is done once, and each person's follow-up is raised once)."""
    return sum(follow_ups_due(workspace, now) for workspace in Workspace.objects.iterator())
