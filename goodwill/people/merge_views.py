"""Likely duplicates, merging two records of one person after a preview, and a person's export."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from goodwill.accounts.access import WorkspaceRequest, member_required, owner_required
from goodwill.core.scoping import get_scoped_or_404
from goodwill.people import privacy
from goodwill.people.duplicates import contact_merge, likely_duplicates, merge_preview
from goodwill.people.models import Contact

# Pairs shown at once; merging some brings the next ones up.
DUPLICATES_SHOWN = 50


@member_required
def duplicates(request: WorkspaceRequest) -> HttpResponse:
    pairs = likely_duplicates(request.workspace, limit=DUPLICATES_SHOWN)
    context = {"pairs": pairs, "more": len(pairs) >= DUPLICATES_SHOWN}
    return render(request, "people/merge/duplicates.html", context)


def _refuse(
    request: WorkspaceRequest, contact: Contact, other: Contact | None, error: str
) -> HttpResponse:
    """The merge page with why nothing was merged (400)."""
    context = {"contact": contact, "other": other, "error": error}
    return render(request, "people/merge/preview.html", context, status=400)


@require_http_methods(["GET", "POST"])
@member_required
def merge(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """`?with=<id>` previews merging that record into this one (or, with `keep=<its id>`, this
    one into it); a POST of the same fields merges."""
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    data: QueryDict = request.POST if request.method == "POST" else request.GET
    other_pk = data.get("with", "").strip()
    if not other_pk:
        return _refuse(request, contact, None, "Choose the record to merge with.")
    other = get_scoped_or_404(Contact, request.workspace, pk=other_pk)
    chosen = data.get("keep", "").strip() or str(contact.pk)
    if chosen not in (str(contact.pk), str(other.pk)):
        return _refuse(request, contact, other, "Choose which of the two records stays.")
    keep, merged = (contact, other) if chosen == str(contact.pk) else (other, contact)
    if request.method == "GET":
        try:
            preview = merge_preview(keep, merged)
        except ValidationError as error:
            return _refuse(request, contact, other, " ".join(error.messages))
        context = {"contact": contact, "other": other, "both": [contact, other], "preview": preview}
        return render(request, "people/merge/preview.html", context)
    try:
        contact_merge(keep, merged, actor=request.user)
    except ValidationError as error:
        return _refuse(request, contact, other, " ".join(error.messages))
    messages.success(request, f"Merged the two records into {keep.display_name}.")
    return redirect("people:contact", pk=keep.pk)


@never_cache
@owner_required
def export_json(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Everything about one person, as a JSON download (owners only; audited)."""
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    data = privacy.contact_export_recorded(contact, actor=request.user)
    body = json.dumps(data, indent=2, ensure_ascii=False)
    return _download(body, "application/json", f"contact-{contact.pk}.json")


@never_cache
@owner_required
def export_vcard(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The person's card as a vCard 4.0 download, without private facts (owners only; audited)."""
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    card = privacy.contact_vcard_recorded(contact, actor=request.user)
    return _download(card, "text/vcard", f"contact-{contact.pk}.vcf")


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("people/duplicates/", duplicates, name="duplicates"),
    path("people/<int:pk>/merge/", merge, name="merge"),
    path("people/<int:pk>/export.json", export_json, name="export_json"),
    path("people/<int:pk>/export.vcf", export_vcard, name="export_vcard"),
]
