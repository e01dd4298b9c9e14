"""Likely duplicates, and merging two records of one person after a preview."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from goodwill.accounts.access import WorkspaceRequest, member_required
from goodwill.core.scoping import get_scoped_or_404
from goodwill.people.duplicates import contact_merge, likely_duplicates, merge_preview
from goodwill.people.models import Contact


@member_required
def duplicates(request: WorkspaceRequest) -> HttpResponse:
    pairs = likely_duplicates(request.workspace)
    return render(request, "people/merge/duplicates.html", {"pairs": pairs})


def _pair(request: WorkspaceRequest, pk: int, other_pk: str | None) -> tuple[Contact, Contact]:
    keep = get_scoped_or_404(Contact, request.workspace, pk=pk)
    if not other_pk:
        raise Http404("Choose the record to merge with.")
    other = get_scoped_or_404(Contact, request.workspace, pk=other_pk)
    return keep, other


@member_required
def merge(request: WorkspaceRequest, pk: int) -> HttpResponse:
    keep, other = _pair(request, pk, request.GET.get("with") or request.POST.get("with"))
    if request.POST.get("keep") == str(other.pk):
        keep, other = other, keep
    try:
        preview = merge_preview(keep, other)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render(
            request, "people/merge/preview.html", {"keep": keep, "other": other}, status=400
        )
    if request.method == "POST" and request.POST.get("confirm"):
        contact_merge(keep, other, actor=request.user)
        messages.success(request, f"Merged into {keep.display_name}; nothing was lost.")
        return redirect("people:contact", pk=keep.pk)
    context = {"keep": keep, "other": other, "preview": preview}
    return render(request, "people/merge/preview.html", context)


urlpatterns = [
    path("people/duplicates/", duplicates, name="duplicates"),
    path("people/<int:pk>/merge/", merge, name="merge"),
]
