from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from goodwill.accounts.models import Membership

SESSION_KEY = "workspace_id"


def current_membership(request: HttpRequest) -> Membership | None:
    """The signed-in user's membership in the workspace they chose (or their first one)."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.select_related("workspace").filter(user=user)
    chosen = request.session.get(SESSION_KEY)
    membership = None
    if chosen is not None:
        membership = memberships.filter(workspace_id=chosen).first()
    if membership is None:
        membership = memberships.order_by("created_at", "pk").first()
    return membership


class WorkspaceMiddleware:
    """Sets request.membership and request.workspace (None when signed out or without one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(("/static/", "/api/", "/healthz")):
            return self.get_response(request)
        membership = current_membership(request)
        request.membership = membership  # type: ignore[attr-defined]
        request.workspace = membership.workspace if membership else None  # type: ignore[attr-defined]
        if membership is None:
            return self.get_response(request)
        # Pages show and read times in the workspace's time zone.
        with timezone.override(membership.workspace.zone):
            return self.get_response(request)
