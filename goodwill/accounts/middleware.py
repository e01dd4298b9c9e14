from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from goodwill.accounts import services
from goodwill.accounts.models import Membership, User
from goodwill.core.ratelimit import client_ip

SESSION_KEY = "workspace_id"
# [session key, unix time] of the last time this session was written down as seen.
SEEN_KEY = "seen"


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


def session_touch(request: HttpRequest, user: User, *, force: bool = False) -> None:
    """Write down that this session is in use, at most once a minute (or at once if *force*).

    The time of the last write is kept in the session itself, so most requests read nothing."""
    key = request.session.session_key
    if key is None:
        return
    now = timezone.now()
    seen = request.session.get(SEEN_KEY)
    interval = services.SESSION_TOUCH_INTERVAL.total_seconds()
    if not force and seen and seen[0] == key and now.timestamp() - seen[1] < interval:
        return
    services.session_seen(
        user,
        session_key=key,
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
    )
    request.session[SEEN_KEY] = [key, now.timestamp()]


class WorkspaceMiddleware:
    """Sets request.membership and request.workspace (None when signed out or without one),
    and keeps the signed-in session's "last seen" on the account page current."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(("/static/", "/api/", "/healthz")):
            return self.get_response(request)
        if request.user.is_authenticated:
            session_touch(request, request.user)
        membership = current_membership(request)
        request.membership = membership  # type: ignore[attr-defined]
        request.workspace = membership.workspace if membership else None  # type: ignore[attr-defined]
        if membership is None:
            return self.get_response(request)
        # Pages show and read times in the workspace's time zone.
        with timezone.override(membership.workspace.zone):
            return self.get_response(request)
