"""Decorators that let a view run only for a member of the current workspace (or its owner)."""

from collections.abc import Callable
from functools import update_wrapper
from typing import Concatenate, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from goodwill.accounts.models import ApiToken, Membership, User, Workspace
from goodwill.core.scoping import get_scoped_or_404, scoped


class WorkspaceRequest(HttpRequest):
    """What a view decorated with `member_required` receives."""

    user: User
    membership: Membership
    workspace: Workspace


type WorkspaceView[**P] = Callable[Concatenate[WorkspaceRequest, P], HttpResponseBase]
type PlainView[**P] = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


def member_required[**P](view: WorkspaceView[P]) -> PlainView[P]:
    """Signed-in users with a workspace only; others go to login or to create a workspace."""

    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "membership", None) is None:
            return redirect("accounts:workspace_new")
        return view(cast(WorkspaceRequest, request), *args, **kwargs)

    update_wrapper(wrapper, view)
    return wrapper


def owner_required[**P](view: WorkspaceView[P]) -> PlainView[P]:
    """Like member_required, and the member must own the workspace (403 otherwise)."""

    def check_owner(
        request: WorkspaceRequest, /, *args: P.args, **kwargs: P.kwargs
    ) -> HttpResponseBase:
        if not request.membership.is_owner:
            raise PermissionDenied("Only the workspace's owners can do this.")
        return view(request, *args, **kwargs)

    update_wrapper(check_owner, view)
    return member_required(check_owner)


def tokens_visible_to(membership: Membership) -> QuerySet[ApiToken]:
    """Owners see every token of their workspace; assistants only their own."""
    tokens = scoped(ApiToken, membership.workspace).select_related("user").order_by("-created_at")
    if not membership.is_owner:
        tokens = tokens.filter(user=membership.user_id)
    return tokens


def token_visible_or_404(membership: Membership, pk: object) -> ApiToken:
    token = get_scoped_or_404(ApiToken, membership.workspace, pk=pk)
    if token.user_id != membership.user_id and not membership.is_owner:
        raise Http404("No such token.")
    return token
