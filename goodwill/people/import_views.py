"""Importing people from a file: upload, (map a CSV's columns,) preview and choose, progress,
result and undo. Every step is a function of people.imports; these pages only show and ask."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required
from goodwill.core.paging import page_number, window
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people import imports
from goodwill.people.card_reading import CARD_FIELDS, MAX_BYTES
from goodwill.people.models import Contact, ContactImport, DuplicateChoice, ImportStatus, Kind

DUPLICATES_PER_PAGE = 50
PROBLEMS_SHOWN = 200
IMPORTS_PER_PAGE = 20


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_http_methods(["GET", "POST"])
@never_cache
@member_required
def upload(request: WorkspaceRequest) -> HttpResponse:
    """The upload form and the workspace's earlier imports; a POST reads the file."""
    if request.method == "POST":
        file = request.FILES.get("file")
        if file is None:
            return _upload_page(request, "Choose a file to import.", status=400)
        try:
            imported = imports.import_prepare(
                request.workspace,
                actor=request.user,
                filename=file.name or "contacts",
                data=file.read(MAX_BYTES + 1),
                kind=request.POST.get("kind", Kind.CLIENT),
            )
        except ValidationError as error:
            return _upload_page(request, _errors(error), status=400)
        return redirect("people:import_detail", pk=imported.pk)
    return _upload_page(request)


def _upload_page(request: WorkspaceRequest, error: str = "", status: int = 200) -> HttpResponse:
    earlier = scoped(ContactImport, request.workspace).order_by("-created_at", "-id")
    context = {
        "error": error,
        "kinds": Kind.choices,
        "page": window(earlier.defer("data", "cards", "preview"), request.GET, IMPORTS_PER_PAGE),
        "max_mb": MAX_BYTES // (1024 * 1024),
    }
    return render(request, "people/imports/upload.html", context, status=status)


@never_cache
@member_required
def detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    imported = get_scoped_or_404(ContactImport, request.workspace, pk=pk)
    return _detail_page(request, imported)


def _detail_page(
    request: WorkspaceRequest, imported: ContactImport, error: str = "", status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "imported": imported,
        "error": error,
        "counts": imports.counts(imported),
        "undo_until": imports.undo_until(imported),
        "working": imported.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
    }
    if imported.status == ImportStatus.PREVIEW and not imported.total:
        context["columns"] = imported.preview.get("columns", [])
        context["fields"] = CARD_FIELDS.items()
    elif imported.status == ImportStatus.PREVIEW:
        context.update(_preview_context(request, imported))
    return render(request, "people/imports/detail.html", context, status=status)


def _preview_context(request: WorkspaceRequest, imported: ContactImport) -> dict[str, Any]:
    """The problems (the first PROBLEMS_SHOWN), and a page of likely duplicates with the
    contacts they look like (one query) and what will be done with each."""
    rows = list(imports.chosen(imported))
    number = page_number(request.GET)
    start = (number - 1) * DUPLICATES_PER_PAGE
    shown = rows[start : start + DUPLICATES_PER_PAGE]
    contacts = scoped(Contact, request.workspace).in_bulk([row[1] for row, _ in shown])
    problems = imported.preview.get("problems", [])
    return {
        "problems": problems[:PROBLEMS_SHOWN],
        "more_problems": max(len(problems) - PROBLEMS_SHOWN, 0),
        "duplicates": [
            {
                "index": row[0],
                "contact": contacts.get(row[1]),
                "reason": row[2],
                "name": row[3],
                "email": row[4],
                "choice": choice,
            }
            for row, choice in shown
        ],
        "choices": DuplicateChoice.choices,
        "page_number": number,
        "has_previous": number > 1,
        "has_next": start + DUPLICATES_PER_PAGE < len(rows),
    }


def _row_choices(data: QueryDict) -> dict[int, str]:
    """choice-<card index> fields of the form, as {index: choice}."""
    chosen: dict[int, str] = {}
    for key in data:
        if key.startswith("choice-"):
            try:
                chosen[int(key.removeprefix("choice-"))] = data.get(key, "")
            except ValueError:
                raise ValidationError("The form was changed; reload the page.") from None
    return chosen


@require_POST
@member_required
def act(request: WorkspaceRequest, pk: int, action: str) -> HttpResponse:
    """columns, choices, confirm, cancel or undo, each by one function of people.imports."""
    imported = get_scoped_or_404(ContactImport, request.workspace, pk=pk)
    data = request.POST
    try:
        if action == "columns":
            mapping = {
                column: data.get(f"column-{n}", "")
                for n, column in enumerate(imported.preview.get("columns", []))
            }
            imports.import_map(imported, mapping)
        elif action == "choices":
            imports.import_choose(
                imported, default=data.get("default") or None, choices=_row_choices(data)
            )
            messages.success(request, "Your choices are saved.")
            detail_url = reverse("people:import_detail", args=[imported.pk])
            return redirect(f"{detail_url}?page={page_number(data)}")
        elif action == "confirm":
            imports.import_choose(
                imported, default=data.get("default") or None, choices=_row_choices(data)
            )
            imports.import_confirm(imported, actor=request.user)
        elif action == "cancel":
            imports.import_cancel(imported)
        elif action == "undo":
            imports.import_undo(imported, actor=request.user)
            messages.success(request, "The import is undone.")
        else:
            return _detail_page(request, imported, "There is no such step.", status=404)
    except ValidationError as error:
        imported.refresh_from_db()
        return _detail_page(request, imported, _errors(error), status=400)
    return redirect("people:import_detail", pk=imported.pk)


urlpatterns = [
    path("people/import/", upload, name="import"),
    path("people/imports/<int:pk>/", detail, name="import_detail"),
    path("people/imports/<int:pk>/<slug:action>", act, name="import_act"),
]
