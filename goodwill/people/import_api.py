"""Importing people over the API: the same steps as the pages (people.imports), as JSON."""

import json
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from goodwill.api.platform import user_of, workspace_of
from goodwill.core.scoping import get_scoped_or_404
from goodwill.people import imports
from goodwill.people.card_reading import MAX_BYTES
from goodwill.people.models import ContactImport, Kind

router = Router(tags=["imports"])

Choice = Literal["merge", "keep", "skip"]


class ImportCounts(Schema):
    total: int = Field(description="People read from the file")
    new: int
    duplicates: int = Field(description="Likely already in the workspace")
    skipped: int = Field(description="Cards or rows that cannot be imported")


class ImportOut(Schema):
    id: int
    filename: str
    format: str
    kind: str
    status: str
    needs_mapping: bool = Field(description="A CSV whose columns must be mapped first")
    columns: list[str] = Field(description="The CSV's columns, when they need mapping")
    counts: ImportCounts
    default_choice: Choice
    done: int = Field(description="Cards written so far")
    created: int = Field(description="People added (once done)")
    merged: int = Field(description="People already here given details (once done)")
    error: str
    created_at: datetime
    finished_at: datetime | None
    undo_until: datetime | None


class ProblemOut(Schema):
    line: int = Field(description="The line of the file where the card or row starts")
    reason: str
    skipped: bool = Field(description="True: not imported at all; false: a value left out")


class ImportDuplicateOut(Schema):
    card: int = Field(description="The card's place in the file, from 0")
    contact_id: int = Field(description="The contact it looks like")
    reason: str
    name: str
    email: str
    choice: Choice


class PreviewOut(Schema):
    problems: list[ProblemOut]
    duplicates: list[ImportDuplicateOut]
    duplicates_total: int


class MappingIn(Schema):
    mapping: dict[str, str] = Field(
        description="Column -> field: first_name, last_name, name, nickname, organization, "
        "role, email, phone, website, street, city, region, postal_code, country, birthday, "
        "anniversary, tags or note"
    )


class ConfirmIn(Schema):
    duplicates: Choice | None = Field(None, description="What to do with every likely duplicate")
    choices: dict[int, Choice] = Field(
        default_factory=dict, description="Card -> choice, where it differs"
    )


def _out(imported: ContactImport) -> dict[str, Any]:
    return {
        "id": imported.pk,
        "filename": imported.filename,
        "format": imported.format,
        "kind": imported.kind,
        "status": imported.status,
        "needs_mapping": imported.status == "preview" and not imported.total,
        "columns": imported.preview.get("columns", []),
        "counts": imports.counts(imported),
        "default_choice": imported.default_choice,
        "done": imported.done,
        "created": imported.created,
        "merged": imported.merged,
        "error": imported.error,
        "created_at": imported.created_at,
        "finished_at": imported.finished_at,
        "undo_until": imports.undo_until(imported),
    }


def _import(request: HttpRequest, import_id: int) -> ContactImport:
    return get_scoped_or_404(ContactImport, workspace_of(request), pk=import_id)


@router.post(
    "/imports",
    response={201: ImportOut},
    summary="Read a vCard or CSV file and preview its import",
    description="Upload the file as multipart form data (`file`). Nothing is imported yet: the "
    "answer counts who is new and who is likely already here; see /imports/{id}/preview for "
    "the details, then confirm. A CSV of no known exporter answers needs_mapping with its "
    "columns: map them with /imports/{id}/mapping, or give `mapping` (JSON) with the upload.",
)
def import_create(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: Form[Literal["client", "customer", "prospect", "friend", "partner"]] = "client",
    mapping: Form[str] = "",
) -> Status[dict[str, Any]]:
    try:
        chosen = json.loads(mapping) if mapping else None
    except json.JSONDecodeError:
        raise ValidationError({"mapping": "The mapping is not JSON."}) from None
    if chosen is not None and not (
        isinstance(chosen, dict) and all(isinstance(v, str) for v in chosen.values())
    ):
        raise ValidationError({"mapping": "The mapping is an object of column -> field."})
    imported = imports.import_prepare(
        workspace_of(request),
        actor=user_of(request),
        filename=file.name or "contacts",
        data=file.read(MAX_BYTES + 1),
        mapping=chosen,
        kind=kind or Kind.CLIENT,
    )
    return Status(201, _out(imported))


@router.get("/imports/{int:import_id}", response=ImportOut, summary="An import and its progress")
def import_get(request: HttpRequest, import_id: int) -> dict[str, Any]:
    return _out(_import(request, import_id))


@router.get(
    "/imports/{int:import_id}/preview",
    response=PreviewOut,
    summary="An import's problems and likely duplicates, a page of duplicates at a time",
)
def import_preview(
    request: HttpRequest,
    import_id: int,
    offset: Query[int] = 0,
    limit: Query[int] = 100,
) -> dict[str, Any]:
    imported = _import(request, import_id)
    rows = list(imports.chosen(imported))
    offset, limit = max(offset, 0), min(max(limit, 1), 500)
    return {
        "problems": [
            {"line": line, "reason": reason, "skipped": skipped}
            for line, reason, skipped in imported.preview.get("problems", [])[:1000]
        ],
        "duplicates": [
            {
                "card": row[0],
                "contact_id": row[1],
                "reason": row[2],
                "name": row[3],
                "email": row[4],
                "choice": choice,
            }
            for row, choice in rows[offset : offset + limit]
        ],
        "duplicates_total": len(rows),
    }


@router.post(
    "/imports/{int:import_id}/mapping",
    response=ImportOut,
    summary="Say what a CSV's columns hold, and make the preview",
)
def import_mapping(request: HttpRequest, import_id: int, payload: MappingIn) -> dict[str, Any]:
    return _out(imports.import_map(_import(request, import_id), payload.mapping))


@router.post(
    "/imports/{int:import_id}/confirm",
    response={202: ImportOut},
    summary="Confirm an import, with what to do with likely duplicates",
    description="Small imports are written at once (status done); larger ones in the worker: "
    "follow GET /imports/{id} until its status is done or failed.",
)
def import_confirm(
    request: HttpRequest, import_id: int, payload: ConfirmIn
) -> Status[dict[str, Any]]:
    imported = _import(request, import_id)
    imports.import_choose(imported, default=payload.duplicates, choices=payload.choices)
    return Status(202, _out(imports.import_confirm(imported, actor=user_of(request))))


@router.post(
    "/imports/{int:import_id}/cancel", response=ImportOut, summary="Drop an unconfirmed import"
)
def import_cancel(request: HttpRequest, import_id: int) -> dict[str, Any]:
    return _out(imports.import_cancel(_import(request, import_id)))


@router.post(
    "/imports/{int:import_id}/undo",
    response=ImportOut,
    summary="Undo a done import as a whole (for 7 days)",
)
def import_undo(request: HttpRequest, import_id: int) -> dict[str, Any]:
    imported = _import(request, import_id)
    return _out(imports.import_undo(imported, actor=user_of(request)))
