"""Decorators that let a view run only for a member of the current workspace (or its owner)."""

from collections.abc import Callable
from functools import update_wrapper
from typing import Concatenate, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from goodwill.accounts.models import Membership, User, Workspace


class WorkspaceRequest(HttpRequest):
    """What a view decorated with `member_required` receives."""

    user: User
    membership: Membership
    workspace: Workspace


type WorkspaceView[**P] = Callable[Concatenate[WorkspaceRequest, P], HttpResponse]
type PlainView[**P] = Callable[Concatenate[HttpRequest, P], HttpResponse]


def member_required[**P](view: WorkspaceView[P]) -> PlainView[P]:
    """Signed-in users with a workspace only; others go to login or to create a workspace."""

    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
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
    ) -> HttpResponse:
        if not request.membership.is_owner:
            raise PermissionDenied("Only the workspace's owners can do this.")
        return view(request, *args, **kwargs)

    update_wrapper(check_owner, view)
    return member_required(check_owner)
