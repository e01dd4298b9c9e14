from typing import Any

from django.http import HttpRequest

from goodwill.core.navigation import NAVIGATION


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
    }
