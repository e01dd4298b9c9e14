from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from goodwill.core.models import WorkerHeartbeat
from goodwill.core.navigation import NAVIGATION

WORKER_MISSING_AFTER = timedelta(minutes=10)


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs on every page: the navigation and the current workspace."""
    membership = getattr(request, "membership", None)
    other_workspaces = []
    if membership is not None:
        other_workspaces = list(
            request.user.memberships.exclude(pk=membership.pk)  # type: ignore[union-attr]
            .select_related("workspace")
            .order_by("workspace__name")
        )
    return {
        "navigation": NAVIGATION,
        "membership": membership,
        "workspace": getattr(request, "workspace", None),
        "other_memberships": other_workspaces,
        "worker_missing": membership is not None and worker_missing(),
    }


def worker_missing(now: datetime | None = None) -> bool:
    """No worker seen for WORKER_MISSING_AFTER: reminders and digests are not going out, which
    every page says (one indexed read of a small table)."""
    latest = (
        WorkerHeartbeat.objects.order_by("-last_seen_at")
        .values_list("last_seen_at", flat=True)
        .first()
    )
    return latest is None or (now or timezone.now()) - latest > WORKER_MISSING_AFTER
