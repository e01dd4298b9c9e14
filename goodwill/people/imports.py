"""Contacts from a file (vCard or CSV): a preview first, the person's choices, then the writing,
which can be undone as a whole for UNDO_DAYS days. One function per step, called by the pages,
the API and `goodwill import` alike.

1. import_prepare() reads the file and stores it with its preview: how many people, which look
   like someone already here (the same e-mail address, phone number or first and last name),
   and every card or row that cannot be read, or only in part, with its line and the reason.
   A CSV of no known exporter first needs its columns mapped (import_map()). Nothing else is
   written, and a file that cannot be read at all is refused without a trace.
2. import_choose() records merge, keep both or skip per likely duplicate (a default for all,
   and exceptions); import_confirm() starts the import: at once when it is small, else in the
   worker (import_run_task), with the progress on the import's page.
3. import_run() writes BATCH cards per transaction, committing the count done with them, so
   a worker stopped halfway carries on where it stopped (imports-resume) and writes no one twice.
   If a batch fails, what earlier batches wrote is taken back: a failed import changes nothing.
4. import_undo() removes the people it created and takes back what it added to existing ones.
"""

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import batched
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from goodwill.accounts.models import User, Workspace
from goodwill.core.audit import audit_record
from goodwill.core.scoping import scoped
from goodwill.core.worker import sweep
from goodwill.people import search
from goodwill.people.card_reading import (
    CARD_FIELDS,
    MAX_BYTES,
    Unreadable,
    csv_columns,
    csv_needs_mapping,
    decoded,
    is_vcard,
    read_file,
)
from goodwill.people.cards import (
    Card,
    CardWriter,
    Filled,
    card_checked,
    card_contact_fill,
    card_contact_unfill,
    cards_pack,
    cards_unpack,
)
from goodwill.people.models import (
    Contact,
    ContactImport,
    ContactImportBatch,
    DuplicateChoice,
    Email,
    ImportStatus,
    Kind,
    Phone,
)
from goodwill.people.services import timeline_add

logger = logging.getLogger("goodwill.imports")

BATCH = 1000
UNDO_DAYS = 7
# Imports of up to this many people are written while the person waits; larger ones in the worker.
AT_ONCE = 500
# A running import whose worker has shown no progress for this long is started again.
STALLED = timedelta(minutes=10)
# Keys per query when looking for duplicates: under SQLite's limit on query parameters.
KEYS_PER_QUERY = 900

type Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Checked:
    """A file read and each card checked: None where a card cannot be imported at all."""

    format: str
    cards: list[Card | None]
    problems: list[tuple[int, str, bool]]


def _check_file(filename: str, data: bytes) -> None:
    if not data:
        raise ValidationError({"file": "The file is empty."})
    if len(data) > MAX_BYTES:
        raise ValidationError(
            {"file": f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it."}
        )
    if len(filename) > 200:
        raise ValidationError({"file": "Give the file a shorter name (200 characters at most)."})


def _check_mapping(mapping: Mapping[str, str] | None, columns: Sequence[str]) -> dict[str, str]:
    chosen = {column: field for column, field in (mapping or {}).items() if field}
    unknown = [column for column in chosen if column not in columns]
    if unknown:
        raise ValidationError({"mapping": f"The file has no column “{unknown[0][:60]}”."})
    wrong = [field for field in chosen.values() if field not in CARD_FIELDS]
    if wrong:
        raise ValidationError({"mapping": f"“{wrong[0][:40]}” is not a field a column can fill."})
    if chosen and not {"first_name", "last_name", "name", "nickname", "email"} & {*chosen.values()}:
        raise ValidationError(
            {"mapping": "Choose at least one column for the name or the e-mail address."}
        )
    return chosen


def _read(imported: ContactImport) -> Checked:
    """The import's file read again and each card checked against its workspace."""
    try:
        reading = read_file(
            imported.filename, bytes(imported.data), mapping=imported.mapping or None
        )
    except Unreadable as error:
        raise ValidationError({"file": str(error)}) from None
    problems = [(p.line, p.reason, p.skipped) for p in reading.problems]
    cards: list[Card | None] = []
    for card in reading.cards:
        try:
            checked, warnings = card_checked(imported.workspace, card)
        except ValidationError as error:
            cards.append(None)
            problems.append((card.line, f"{error.messages[0]} Skipped.", True))
            continue
        cards.append(checked)
        problems.extend((card.line, warning, False) for warning in warnings)
    problems.sort(key=lambda problem: problem[0])
    return Checked(reading.format, cards, problems)


def import_prepare(
    workspace: Workspace,
    *,
    actor: User | None,
    filename: str,
    data: bytes,
    mapping: Mapping[str, str] | None = None,
    kind: str = Kind.CLIENT,
) -> ContactImport:
    """Read the file and store it with its preview (status PREVIEW). A CSV whose columns need
    mapping is stored with preview {"columns": [...]} and no cards until import_map()."""
    read = import_read(
        workspace, actor=actor, filename=filename, data=data, mapping=mapping, kind=kind
    )
    return import_save(read)


def import_read(
    workspace: Workspace,
    *,
    actor: User | None,
    filename: str,
    data: bytes,
    mapping: Mapping[str, str] | None = None,
    kind: str = Kind.CLIENT,
) -> ContactImport:
    """The import with its preview, not stored (what `goodwill import --dry-run` prints). It only
    reads the database: call it outside a transaction, since on SQLite a transaction holds the
    write lock for as long as the file takes to read and check."""
    _check_file(filename, data)
    if kind not in Kind.values:
        raise ValidationError({"kind": f"Kind must be one of {', '.join(Kind.values)}."})
    imported = ContactImport(
        workspace=workspace,
        created_by=actor,
        filename=filename.strip() or "contacts",
        data=data,
        kind=kind,
        status=ImportStatus.PREVIEW,
    )
    try:
        # A .vcf that is not a vCard is refused by the reader, with the reason.
        vcard = is_vcard(decoded(data)) or filename.lower().endswith((".vcf", ".vcard"))
        needs_mapping = not vcard and csv_needs_mapping(data)
        columns = csv_columns(data) if needs_mapping else []
    except Unreadable as error:
        raise ValidationError({"file": str(error)}) from None
    if needs_mapping and not mapping:
        imported.format = "CSV"
        imported.preview = {"columns": columns}
    else:
        imported.mapping = _check_mapping(mapping, columns) if needs_mapping else {}
        _fill_preview(imported)
    return imported


def import_save(imported: ContactImport) -> ContactImport:
    """Store an import read by import_read(), in a short transaction."""
    with transaction.atomic():
        imported.save()
        audit_record(imported.workspace, actor=imported.created_by, action="import", obj=imported)
    return imported


def import_map(imported: ContactImport, mapping: Mapping[str, str]) -> ContactImport:
    """Read a CSV again with its columns mapped to card fields, and make its preview."""
    _require(imported, ImportStatus.PREVIEW)
    columns = imported.preview.get("columns") or csv_columns(bytes(imported.data))
    chosen = _check_mapping(mapping, columns)
    if not chosen:
        raise ValidationError({"mapping": "Choose what at least one column holds."})
    imported.mapping = chosen
    _fill_preview(imported)
    imported.preview["columns"] = columns
    imported.updated_at = timezone.now()
    imported.save()
    return imported


def _fill_preview(imported: ContactImport) -> None:
    checked = _read(imported)
    if not any(checked.cards):
        reason = checked.problems[0][1] if checked.problems else "It holds no one."
        raise ValidationError({"file": f"No one in this file can be imported. {reason}"})
    imported.format = checked.format
    imported.total = len(checked.cards)
    imported.cards = cards_pack(checked.cards)
    imported.data = b""
    imported.preview = {
        "refused": checked.cards.count(None),
        "problems": checked.problems,
        "duplicates": [list(row) for row in _duplicates(imported.workspace, checked.cards)],
    }


def _duplicates(
    workspace: Workspace, cards: Sequence[Card | None]
) -> Iterator[tuple[int, int, str, str, str]]:
    """(card index, contact id, reason, the card's name, its first e-mail) for each card that
    looks like someone already in the workspace: the same e-mail address, else the same phone
    number, else the same first and last name. A bounded number of queries per 900 keys."""
    by_email = _existing(
        workspace, Email, "address", {e.value for c in cards if c for e in c.emails}
    )
    by_phone = _existing(
        workspace, Phone, "number", {p.value for c in cards if c for p in c.phones}
    )
    by_name = _namesakes(workspace, cards)
    for index, card in enumerate(cards):
        if card is None:
            continue
        found = _first_match(card, by_email, by_phone, by_name)
        if found:
            contact_id, reason = found
            email = card.emails[0].value if card.emails else ""
            name = f"{card.first_name} {card.last_name}".strip() or card.nickname
            yield index, contact_id, reason, name, email


def _first_match(
    card: Card,
    by_email: dict[str, int],
    by_phone: dict[str, int],
    by_name: dict[tuple[str, str], int],
) -> tuple[int, str] | None:
    for email in card.emails:
        if email.value in by_email:
            return by_email[email.value], f"same e-mail {email.value}"
    for phone in card.phones:
        if phone.value in by_phone:
            return by_phone[phone.value], f"same phone {phone.value}"
    key = (card.first_name.lower(), card.last_name.lower())
    if all(key) and key in by_name:
        return by_name[key], "same name"
    return None


def _existing(workspace: Workspace, model: Any, field: str, keys: set[str]) -> dict[str, int]:
    """Key -> the id of the first contact holding it (e-mails are stored lower-cased and phones
    as E.164, as the cards are checked, so equal keys match)."""
    found: dict[str, int] = {}
    for chunk in batched(sorted(keys), KEYS_PER_QUERY):
        rows = scoped(model, workspace).filter(**{f"{field}__in": chunk}).order_by("contact_id")
        for key, contact_id in rows.values_list(field, "contact_id"):
            found.setdefault(key, contact_id)
    return found


def _namesakes(workspace: Workspace, cards: Sequence[Card | None]) -> dict[tuple[str, str], int]:
    families = sorted({c.last_name.lower() for c in cards if c and c.first_name and c.last_name})
    people = scoped(Contact, workspace).annotate(family=Lower("last_name"))
    found: dict[tuple[str, str], int] = {}
    for chunk in batched(families, KEYS_PER_QUERY):
        rows = people.filter(family__in=chunk).order_by("pk")
        for pk, first, last in rows.values_list("pk", "first_name", "last_name"):
            found.setdefault((first.lower(), last.lower()), pk)
    return found


def _require(imported: ContactImport, *statuses: str) -> None:
    if imported.status not in statuses:
        raise ValidationError(
            f"This import is {imported.get_status_display().lower()}; it cannot do that now."
        )


def import_choose(
    imported: ContactImport,
    *,
    default: str | None = None,
    choices: Mapping[int, str] | None = None,
) -> ContactImport:
    """Record what to do with likely duplicates: *default* for all, *choices* per card index
    (only the preview's duplicates may be chosen for)."""
    _require(imported, ImportStatus.PREVIEW)
    if default is not None:
        if default not in DuplicateChoice.values:
            raise ValidationError({"duplicates": "Choose merge, keep or skip."})
        imported.default_choice = default
    duplicates = {row[0] for row in imported.preview.get("duplicates", [])}
    for index, choice in (choices or {}).items():
        if index not in duplicates:
            raise ValidationError({"choices": f"Card {index} is not a likely duplicate."})
        if choice not in DuplicateChoice.values:
            raise ValidationError({"choices": "Choose merge, keep or skip."})
        imported.choices[str(index)] = choice
    imported.updated_at = timezone.now()
    imported.save(update_fields=["default_choice", "choices", "updated_at"])
    return imported


def import_confirm(
    imported: ContactImport,
    *,
    actor: User | None,
    at_once: bool = False,
    progress: Progress | None = None,
) -> ContactImport:
    """Start writing: at once for a small import (or when *at_once*, as the CLI does), else in
    the worker."""
    _require(imported, ImportStatus.PREVIEW)
    if not imported.total:
        raise ValidationError("Map the file's columns first.")
    imported.status = ImportStatus.QUEUED
    imported.updated_at = timezone.now()
    imported.save(update_fields=["status", "updated_at"])
    if at_once or imported.total <= AT_ONCE:
        return import_run(imported.pk, progress=progress)
    transaction.on_commit(lambda: import_run_task.enqueue(imported.pk))
    return imported


def import_cancel(imported: ContactImport) -> ContactImport:
    """Drop an import that has not started: its file is forgotten."""
    _require(imported, ImportStatus.PREVIEW)
    imported.status = ImportStatus.CANCELLED
    imported.data = imported.cards = b""
    imported.updated_at = timezone.now()
    imported.save()
    return imported


def _choices(imported: ContactImport) -> dict[int, tuple[int, str]]:
    """Card index -> (the existing contact, merge/keep/skip) for each likely duplicate."""
    return {
        row[0]: (row[1], imported.choices.get(str(row[0]), imported.default_choice))
        for row in imported.preview.get("duplicates", [])
    }


class Superseded(Exception):
    """Another worker took over this import (it had looked stalled): this one stops quietly."""


@task()
def import_run_task(import_id: int) -> str:
    return import_run(import_id).status


def import_run(import_id: int, *, progress: Progress | None = None) -> ContactImport:
    """Write a confirmed import, a batch per transaction, from where it stopped. On any error
    what it wrote is taken back and the import is FAILED with the reason."""
    imported = _claim(import_id)
    if imported is None:
        return ContactImport.objects.get(pk=import_id)
    try:
        cards = cards_unpack(bytes(imported.cards))
        writer = CardWriter(
            imported.workspace,
            actor=imported.created_by,
            kind=imported.kind,
            title=f"Added from the import of {imported.filename}"[:300],
        )
        choices = _choices(imported)
        while imported.done < len(cards):
            imported = _write_batch(imported, cards, choices, writer)
            if progress:
                progress(imported.done, len(cards))
    except Superseded:
        return ContactImport.objects.get(pk=import_id)
    except Exception as error:
        logger.exception("Import %s failed", import_id)
        return _fail(import_id, error)
    imported.status = ImportStatus.DONE
    imported.finished_at = timezone.now()
    imported.cards = b""
    imported.save()
    return imported


def _claim(import_id: int) -> ContactImport | None:
    """The import marked RUNNING, or None if it is not queued or running (already done, or
    undone, or another worker finished it)."""
    with transaction.atomic():
        imported = ContactImport.objects.select_for_update().filter(pk=import_id).first()
        if imported is None or imported.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            return None
        imported.status = ImportStatus.RUNNING
        imported.updated_at = timezone.now()
        imported.save(update_fields=["status", "updated_at"])
    return imported


def _write_batch(
    imported: ContactImport,
    cards: Sequence[Card | None],
    choices: dict[int, tuple[int, str]],
    writer: CardWriter,
) -> ContactImport:
    start, end = imported.done, min(imported.done + BATCH, len(cards))
    with transaction.atomic():
        # The row lock (and the count checked under it) keeps a second worker, started on a
        # stalled import, from writing a batch twice.
        # Not the file, the cards or the preview: a batch needs only the counts.
        locked = ContactImport.objects.select_for_update().defer("data", "cards", "preview")
        current = locked.get(pk=imported.pk)
        if current.done != start or current.status != ImportStatus.RUNNING:
            raise Superseded
        new: list[Card] = []
        filled: list[dict[str, Any]] = []
        for index in range(start, end):
            card = cards[index]
            if card is None:
                continue
            contact_id, choice = choices.get(index, (0, DuplicateChoice.KEEP))
            if choice == DuplicateChoice.SKIP:
                continue
            existing = _existing_contact(imported, contact_id, choice)
            if existing is None:
                new.append(card)
            else:
                writer.add_named([card])
                filled.append(_fill(imported, existing, card))
        created = writer.write(new)
        # The organisations and tags the batch created are taken back with it when unused.
        shared = [(row._meta.label, row.pk) for row in writer.take_created()]
        ContactImportBatch.objects.create(
            workspace=current.workspace,
            contact_import=current,
            created=created,
            filled=[*filled, {"contact": None, "fields": {}, "rows": shared}] if shared else filled,
        )
        current.created += len(created)
        current.merged += len(filled)
        current.done = end
        current.updated_at = timezone.now()
        current.save(update_fields=["created", "merged", "done", "updated_at"])
    return current


def _existing_contact(imported: ContactImport, contact_id: int, choice: str) -> Contact | None:
    """The contact to merge into; None to create a new one (kept both, or merged into someone
    deleted since the preview)."""
    if choice != DuplicateChoice.MERGE:
        return None
    return scoped(Contact, imported.workspace).filter(pk=contact_id).first()


def _fill(imported: ContactImport, contact: Contact, card: Card) -> dict[str, Any]:
    filled = card_contact_fill(contact, card, actor=imported.created_by)
    entry = timeline_add(
        contact, kind="imported", title=f"Details added from the import of {imported.filename}"
    )
    filled.add([entry])
    return {"contact": contact.pk, "fields": filled.fields, "rows": filled.rows}


def _fail(import_id: int, error: Exception) -> ContactImport:
    imported = ContactImport.objects.get(pk=import_id)
    _take_back(imported)
    reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    imported.status = ImportStatus.FAILED
    imported.error = (reason or type(error).__name__)[:1000]
    imported.finished_at = timezone.now()
    imported.cards = b""
    imported.save()
    return imported


def _take_back(imported: ContactImport, progress: Progress | None = None) -> None:
    """Remove what the import wrote, a batch per transaction: the people it created (and the
    search entries), what it added to existing people, and the organisations and tags it
    created that nothing else uses. The last batch first: an organisation or a tag is used by
    the batch that created it and by later ones only."""
    workspace = imported.workspace
    batches = scoped(ContactImportBatch, workspace).filter(contact_import=imported).order_by("-id")
    for batch in batches:
        with transaction.atomic():
            scoped(Contact, workspace).filter(pk__in=batch.created).delete()
            merged = [row for row in batch.filled if row["contact"] is not None]
            contacts = scoped(Contact, workspace).in_bulk([row["contact"] for row in merged])
            for row in merged:
                if contact := contacts.get(row["contact"]):
                    rows = [(label, pk) for label, pk in row["rows"]]
                    card_contact_unfill(contact, Filled(fields=row["fields"], rows=rows))
            for row in batch.filled:
                if row["contact"] is None:
                    _remove_unused(workspace, row["rows"])
            batch.delete()
        if progress:
            progress(len(batch.created), imported.created)
    search.prune_workspace(workspace.pk)


def _remove_unused(workspace: Workspace, rows: Iterable[Sequence[Any]]) -> None:
    """Delete each (model label, pk) row that no other row refers to (a tag someone has since
    given to another person stays)."""
    for label, pk in rows:
        found = scoped(apps.get_model(label), workspace).filter(pk=pk).first()
        if found is None:
            continue
        used = any(
            relation.related_model._default_manager.filter(**{relation.field.name: found}).exists()
            for relation in found._meta.related_objects
        )
        if not used:
            found.delete()


def undo_until(imported: ContactImport) -> datetime | None:
    """Until when the import can be undone, or None when it cannot (not done, or undone)."""
    if imported.status != ImportStatus.DONE or imported.finished_at is None:
        return None
    return imported.finished_at + timedelta(days=UNDO_DAYS)


def import_undo(
    imported: ContactImport, *, actor: User | None, progress: Progress | None = None
) -> ContactImport:
    """Take back a done import as a whole, within UNDO_DAYS days: the people it added are
    removed (with anything added to them since), what it added to others is taken back."""
    until = undo_until(imported)
    if until is None and imported.status != ImportStatus.UNDOING:
        _require(imported, ImportStatus.DONE)
    if until is not None and timezone.now() > until:
        raise ValidationError(f"Imports can be undone for {UNDO_DAYS} days; this one is older.")
    with transaction.atomic():
        # UNDOING marks the undo as started, so that a second click does not start another;
        # an undo that stopped halfway can be started again.
        locked = ContactImport.objects.select_for_update().get(pk=imported.pk)
        _require(locked, ImportStatus.DONE, ImportStatus.UNDOING)
        locked.status = ImportStatus.UNDOING
        locked.save(update_fields=["status"])
    _take_back(imported, progress)
    imported.status = ImportStatus.UNDONE
    imported.updated_at = timezone.now()
    imported.save(update_fields=["status", "updated_at"])
    audit_record(imported.workspace, actor=actor, action="import-undo", obj=imported)
    return imported


@sweep("imports-resume", every=timedelta(minutes=1))
def imports_resume(now: datetime) -> int:
    """Queue again the imports whose worker stopped (a crash, a deploy) without finishing: at
    once when their job is gone (failed as WorkerDied once its worker stopped beating), and
    after STALLED without progress in any case."""
    unfinished = ContactImport.objects.filter(
        status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
    ).values_list("pk", "updated_at")
    if not unfinished:
        return 0
    jobs = DBTaskResult.objects.filter(
        task_path=import_run_task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("args_kwargs", flat=True)
    waiting = {job["args"][0] for job in jobs if job.get("args")}
    ids = [pk for pk, at in unfinished if pk not in waiting or at < now - STALLED]
    for pk in ids:
        ContactImport.objects.filter(pk=pk).update(updated_at=now)
        import_run_task.enqueue(pk)
    return len(ids)


def counts(imported: ContactImport) -> dict[str, int]:
    """For the preview: people read from the file, how many are new, how many look like
    someone already here, and how many cards or rows cannot be imported."""
    preview = imported.preview
    duplicates = len(preview.get("duplicates", []))
    return {
        "total": imported.total,
        "new": max(imported.total - preview.get("refused", 0) - duplicates, 0),
        "duplicates": duplicates,
        "skipped": sum(1 for row in preview.get("problems", []) if row[2]),
    }


def chosen(imported: ContactImport) -> Iterable[tuple[list[Any], str]]:
    """Each likely duplicate of the preview with what will be done with it."""
    for row in imported.preview.get("duplicates", []):
        yield row, imported.choices.get(str(row[0]), imported.default_choice)
