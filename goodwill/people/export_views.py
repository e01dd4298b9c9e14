"""Everyone the people list shows, as a vCard or CSV download (owners only)."""

from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from goodwill.accounts.access import WorkspaceRequest, owner_required
from goodwill.people.exports import FORMATS, contacts_export, export_filename
from goodwill.people.list_views import ListQuery, selection


def _export(request: WorkspaceRequest, format: str) -> HttpResponseBase:
    """The list's filters (q, kind, tag, sort) choose the people; every page of them is sent."""
    workspace = request.workspace
    contacts = selection(workspace, ListQuery.parse(request.GET))
    chunks = contacts_export(workspace, contacts, format=format, actor=request.user)
    response = StreamingHttpResponse(chunks, content_type=f"{FORMATS[format]}; charset=utf-8")
    filename = export_filename(workspace, format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@never_cache
@owner_required
def export_vcf(request: WorkspaceRequest) -> HttpResponseBase:
    return _export(request, "vcf")


@require_GET
@never_cache
@owner_required
def export_csv(request: WorkspaceRequest) -> HttpResponseBase:
    return _export(request, "csv")


urlpatterns = [
    path("people/export.vcf", export_vcf, name="export_vcf"),
    path("people/export.csv", export_csv, name="export_csv"),
]
