"""The Backup settings page: download the workspace as a JSON backup, and restore one into this
workspace while it is empty. Owners only; to anyone else the page does not exist (404), as a
backup holds everything, private facts included."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from goodwill.accounts.access import WorkspaceRequest, member_required
from goodwill.core.backup import (
    backup_filename,
    workspace_backup,
    workspace_is_empty,
    workspace_restore,
)

type OwnerView = Callable[[WorkspaceRequest], HttpResponseBase]


def _owners_only(view: OwnerView) -> OwnerView:
    @wraps(view)
    def check(request: WorkspaceRequest) -> HttpResponseBase:
        if not request.membership.is_owner:
            raise Http404("No such page.")
        return view(request)

    return check


@require_http_methods(["GET", "POST"])
@never_cache
@member_required
@_owners_only
def backup(request: WorkspaceRequest) -> HttpResponseBase:
    """The page; a POST restores the uploaded backup (all or nothing)."""
    if request.method == "POST":
        upload = request.FILES.get("backup")
        if upload is None:
            return _page(request, "Choose a backup file to restore.", status=400)
        try:
            report = workspace_restore(request.workspace, upload, actor=request.user)
        except ValidationError as error:
            return _page(request, " ".join(error.messages), status=400)
        messages.success(request, f"Restored {report.total:,} records from {upload.name}.")
        return redirect("core:backup")
    return _page(request)


def _page(request: WorkspaceRequest, error: str = "", status: int = 200) -> HttpResponse:
    context = {"error": error, "empty": workspace_is_empty(request.workspace)}
    return render(request, "core/backup.html", context, status=status)


@require_GET
@never_cache
@member_required
@_owners_only
def backup_download(request: WorkspaceRequest) -> HttpResponseBase:
    """The whole workspace as a JSON backup, streamed."""
    chunks = workspace_backup(request.workspace, actor=request.user)
    response = StreamingHttpResponse(chunks, content_type="application/json; charset=utf-8")
    filename = backup_filename(request.workspace)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
