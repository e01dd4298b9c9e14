"""The whole workspace as one versioned JSON document, and bringing it back into an empty one.

docs/backup.md describes the format for people who read or write it. What a backup holds is
found, not listed: every model that inherits WorkspaceOwned, except those in LEFT_OUT (secrets
and the worker's outbox), so a capability that adds a model is backed up without a change here.

A row keeps its original id and points at other rows by their original ids; a user is named by
e-mail. Restoring inserts each model after the models its rows point at, with new ids, and
rewrites every reference through the map of old ids to new ones: foreign keys, and the "soft"
references capabilities keep without a foreign key (SOFT_ID_FIELDS, timeline data, idempotency
keys such as "interaction:12", the audit trail's object ids). All of it happens in one
transaction: a backup that cannot be restored completely changes nothing. A file holds one row
a line, so a restore reads it a chunk of rows at a time and inserts plain values (core.bulk),
never all the rows at once nor model instances: a workspace of 500,000 rows takes well under a
minute on SQLite.
"""

import base64
import functools
import graphlib
import io
import json
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from typing import IO, Any, Final
from uuid import UUID

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.duration import duration_iso_string

from goodwill.accounts.models import Membership, Role, User, Workspace
from goodwill.core.audit import audit_record
from goodwill.core.bulk import insert_returning_ids
from goodwill.core.scoping import WorkspaceOwned, scoped

FORMAT = "goodwill-backup"
VERSION = 1
CHUNK_SIZE = 2000

# Workspace-owned models a backup leaves out, and why (docs/backup.md repeats this list).
LEFT_OUT: dict[str, str] = {
    "accounts.apitoken": "a secret of one member on one installation; members make new tokens",
    "accounts.invitation": "a secret link for one person to join this installation's workspace; "
    "invite them again",
    "agenda.calendarfeed": "a secret address; members make a new one on the Calendar tab",
    "care.clientlink": "a secret address derived from the record's id and the installation's "
    "secret key; make a contact's client page again to send them a new link",
    "messaging.loggingaddress": "a secret address, unique on the installation; a new one is "
    "made when first shown",
    "agenda.digest": "the worker's outbox of daily digests, not data; tomorrow's digest goes "
    "out as usual",
    "people.contactimport": "a file on its way in and the worker's progress with it; the "
    "contacts it brought in are backed up, though the import can no longer be undone",
    "people.contactimportbatch": "what a batch of an import wrote, for undoing the import",
}

# Columns restored empty: a case's status-page link is derived from its id and the secret key,
# so it cannot survive new ids; the customer's "lost my link" form sends a fresh one.
BLANKED: dict[str, tuple[str, ...]] = {"care.case": ("public_nonce", "public_token_hash")}

NOT_SENT = "Not sent before the backup was made; restored as failed so that it is never sent "
NOT_SENT += "twice. Try it again if it should still go."


def _never_sent_twice(values: dict[str, Any]) -> None:
    # A restored workspace must not e-mail anyone by itself: the original may have sent it since.
    if values.get("state") in ("queued", "sending"):
        values.update(state="failed", claimed_at=None, last_error=NOT_SENT)


def _blanked(label: str) -> Callable[[dict[str, Any]], None]:
    def blank(values: dict[str, Any]) -> None:
        values.update(dict.fromkeys(BLANKED[label], ""))

    return blank


# What restore changes in a row of one model, beyond rewriting references.
RESTORE_RULES: dict[str, Callable[[dict[str, Any]], None]] = {
    "care.case": _blanked("care.case"),
    "messaging.outgoingmessage": _never_sent_twice,
}

# Workspace fields a restore leaves as the target has them.
WORKSPACE_KEPT = ("id", "name", "slug", "created_at")
# The target's own audit trail stays; the backup's is added to it.
AUDIT = "core.auditevent"
# Rows the messages page makes by itself (the shipped templates): a restore replaces them.
TEMPLATES = "messaging.messagetemplate"

type Row = dict[str, Any]
# Told (done, total) rows as each chunk is written, for a progress bar.
type Progress = Callable[[int, int], None]


# The model graph ----------------------------------------------------------------------------


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _chosen() -> dict[str, type[models.Model]]:
    return {
        _label(model): model
        for model in apps.get_models()
        if issubclass(model, WorkspaceOwned) and _label(model) not in LEFT_OUT
    }


@dataclass(frozen=True)
class Column:
    """One field of a backed-up model as a backup writes it: under `name`, the field's name.

    kind is "user" (written as the user's e-mail), "ref" (a row of a backed-up model, by its
    original id), "gone" (a row of a model left out: restored as if it had been deleted) or
    "value". soft names the model whose id an integer column named "<model>_id" holds; keyed
    says whether the column is short text without choices, which may hold "interaction:12".
    """

    name: str
    field: Any  # models.Field; Any because django-stubs types a field by its values
    kind: str
    target: str = ""
    soft: str = ""
    keyed: bool = False

    def may_name(self, value: Any) -> bool:
        """Whether *value* may name rows by id: the cheap test, asked of every value."""
        return bool(
            self.soft
            or isinstance(value, dict)
            or (self.keyed and isinstance(value, str) and ":" in value)
        )


@functools.cache
def _columns(model: type[models.Model]) -> tuple[Column, ...]:
    chosen, names = _chosen(), _model_names()
    columns = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name == "workspace":
            continue
        if f.is_relation and f.related_model is not None:
            target = _label(f.related_model)
            kind = "user" if f.related_model is User else "ref" if target in chosen else "gone"
            columns.append(Column(f.name, f, kind, target))
        else:
            soft = names.get(f.name.removesuffix("_id"), "")
            is_id = f.name.endswith("_id") and isinstance(f, models.IntegerField)
            keyed = isinstance(f, models.CharField) and not f.choices
            columns.append(Column(f.name, f, "value", soft=soft if is_id else "", keyed=keyed))
    return tuple(columns)


@functools.cache
def _model_names() -> dict[str, str]:
    """Model name to label ("interaction": "touchpoints.interaction") where the name is unique
    among backed-up models; soft references are recognised by these names."""
    labels = defaultdict(list)
    for label in _chosen():
        labels[label.split(".")[1]].append(label)
    names = {name: found[0] for name, found in labels.items() if len(found) == 1}
    return {**names, "workspace": "accounts.workspace"}


def backed_up_models() -> list[type[models.Model]]:
    """Every model a backup holds, each after the models its foreign keys point at."""
    chosen = _chosen()
    return [chosen[label] for label in _ordered(chosen, _fk_edges(chosen))]


def _fk_edges(chosen: dict[str, type[models.Model]]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {label: set() for label in chosen}
    for label, model in chosen.items():
        for column in _columns(model):
            target = column.target if column.kind == "ref" else column.soft
            if target in chosen and target != label:
                edges[label].add(target)
    return edges


def _ordered(chosen: Iterable[str], edges: dict[str, set[str]]) -> list[str]:
    """The labels, each after those it has an edge to; by name where the order is free."""
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for label in sorted(chosen):
        sorter.add(label, *sorted(edges.get(label, ())))
    return list(sorter.static_order())


@functools.cache
def _migration_leaves() -> dict[str, str]:
    """The newest migration of each app whose models a backup holds, as this installation has
    it: the shape of the data in a backup made here."""
    apps_held = {model._meta.app_label for model in _chosen().values()} | {"accounts"}
    leaves: dict[str, str] = {}
    for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes():
        if app in apps_held:
            leaves[app] = max(name, leaves.get(app, ""))
    return leaves


@functools.cache
def _known_migrations() -> frozenset[tuple[str, str]]:
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


# Backup -------------------------------------------------------------------------------------


def workspace_backup(
    workspace: Workspace, *, actor: User | None, progress: Progress | None = None
) -> Iterator[str]:
    """The backup of *workspace* as JSON text, a chunk of rows per item.

    Records the backup in the audit trail when called; the rows are read as the iterator is,
    CHUNK_SIZE at a time, all from one consistent snapshot of the database."""
    audit_record(workspace, actor=actor, action="backup", obj=workspace)
    return _document(workspace, progress)


def backup_filename(workspace: Workspace) -> str:
    """E.g. ortiz-consulting-backup-2025-03-14.json, dated in the workspace's time zone."""
    today = timezone.localdate(timezone=workspace.zone)
    return f"{workspace.slug}-backup-{today.isoformat()}.json"


def _document(workspace: Workspace, progress: Progress | None) -> Iterator[str]:
    with _snapshot():
        chosen = backed_up_models()
        total = sum(scoped(model, workspace).count() for model in chosen)
        yield _head(Workspace.objects.get(pk=workspace.pk))
        done = 0
        for index, model in enumerate(chosen):
            yield ("," if index else "") + f"\n{json.dumps(_label(model))}: ["
            separator = "\n"
            for rows in _rows(model, workspace):
                yield separator + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
                separator = ",\n"
                done += len(rows)
                if progress:
                    progress(done, total)
            yield "\n]"
        yield "\n}}\n"


def _head(workspace: Workspace) -> str:
    settings = {
        f.name: _encoded(f.value_from_object(workspace))
        for f in Workspace._meta.concrete_fields
        if f.name != "id"
    }
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "migrations": _migration_leaves(),
        "workspace": settings,
    }
    # The models follow as they are read: the head is this object without its closing brace.
    return json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n"models": {'


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the database for the whole backup, so that rows written meanwhile
    cannot leave a reference dangling in it; reading only, so that writers go on meanwhile."""
    if connection.in_atomic_block:  # the caller's transaction is the snapshot (tests, a shell)
        yield
        return
    with ExitStack() as stack:
        if connection.vendor == "sqlite":
            # Our SQLite transactions are IMMEDIATE, right for writes; one that only reads must
            # be DEFERRED, or it would hold the write lock for the whole backup. In WAL mode a
            # deferred transaction reads one snapshot.
            mode = getattr(connection, "transaction_mode", None)
            connection.transaction_mode = None  # type: ignore[attr-defined]
            try:
                stack.enter_context(transaction.atomic())
            finally:
                connection.transaction_mode = mode  # type: ignore[attr-defined]
        else:
            stack.enter_context(transaction.atomic())
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _rows(model: type[models.Model], workspace: Workspace) -> Iterator[list[Row]]:
    """The model's rows in the workspace, a chunk at a time, by id (keyset, so every chunk
    costs the same however far into the table it is)."""
    columns = _columns(model)
    lookups = [f"{c.name}__email" if c.kind == "user" else c.field.attname for c in columns]
    names = ["id", *(c.name for c in columns)]
    rows = scoped(model, workspace).order_by("pk")
    last = 0
    while batch := list(rows.filter(pk__gt=last).values_list("pk", *lookups)[:CHUNK_SIZE]):
        yield [dict(zip(names, map(_encoded, values), strict=True)) for values in batch]
        last = batch[-1][0]


def _encoded(value: Any) -> Any:
    """A column's value as JSON holds it: dates and times in ISO 8601 (full precision),
    decimals as strings (exact), binary data in base64; JSON fields as they are."""
    match value:
        case datetime() | date() | clock_time():
            return value.isoformat()
        case Decimal() | UUID():
            return str(value)
        case timedelta():
            return duration_iso_string(value)
        case bytes() | memoryview():
            return base64.b64encode(value).decode("ascii")
    return value


# Restore ------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    """What a restore brought back: rows per model (by label), rows left out because they
    belong to someone who is not a member here, and the e-mails of those people."""

    restored: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)
    unknown_users: set[str] = field(default_factory=set)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.restored.values())


def workspace_restore(
    workspace: Workspace, data: bytes | str | IO[bytes] | IO[str], *, actor: User | None
) -> RestoreReport:
    """Bring the backup *data* back into *workspace*, which must be empty.

    All or nothing, in one transaction: anything wrong (not a backup, a newer format, a
    workspace that holds data, a dangling reference, an invalid row) raises ValidationError
    with the reason and changes nothing. The workspace keeps its name, slug and members and
    takes the backup's settings. Rows of users are matched by e-mail to this workspace's
    members (docs/backup.md, Users). Records the restore in the audit trail."""
    started = time.monotonic()
    with _seekable(data) as stream:
        report = _restored(workspace, _parsed(stream), actor=actor)
    report.seconds = time.monotonic() - started
    return report


def _restored(
    workspace: Workspace, document: dict[str, Any], *, actor: User | None
) -> RestoreReport:
    from goodwill.people.search import reindex_workspace  # core sits below people

    try:
        with transaction.atomic():
            # Locked, so that two restores into one workspace cannot both find it empty.
            Workspace.objects.select_for_update().filter(pk=workspace.pk).exists()
            _clear_defaults(workspace)
            _settings_restore(workspace, document["workspace"])
            report = _Restore(workspace, actor).run(document["models"])
            reindex_workspace(workspace.pk)
            audit_record(workspace, actor=actor, action="restore", obj=workspace)
    except DatabaseError as error:
        # A constraint the checks above do not know (say, a duplicate the backup holds).
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ValidationError(
            f"The database refused the backup ({reason}); nothing was restored."
        ) from None
    return report


def _parsed(stream: IO[bytes]) -> dict[str, Any]:
    """The backup's document, once its envelope says it is one this Goodwill can restore."""
    start = stream.tell()
    document = _by_lines(stream)
    if document is None:  # not laid out as workspace_backup writes it: read it all
        stream.seek(start)
        try:
            document = json.load(stream)
        except (ValueError, UnicodeDecodeError) as error:  # JSONDecodeError is a ValueError
            raise ValidationError(
                f"This is not a Goodwill backup: it is not JSON ({error})."
            ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationError(f'This is not a Goodwill backup: it lacks "format": "{FORMAT}".')
    version = document.get("version")
    if type(version) is not int or version < 1:
        raise ValidationError(f"This backup has no valid format version ({version!r}).")
    if version > VERSION:
        raise ValidationError(
            f"This backup was made by a newer Goodwill (format version {version}; this one "
            f"reads version {VERSION}). Upgrade Goodwill, then restore it."
        )
    _check_migrations(document.get("migrations"))
    if not isinstance(document.get("workspace"), dict):
        raise ValidationError('This backup lacks its "workspace" settings.')
    if not isinstance(document.get("models"), dict):
        raise ValidationError('This backup lacks its "models".')
    return document


@contextmanager
def _seekable(data: bytes | str | IO[bytes] | IO[str]) -> Iterator[IO[bytes]]:
    """*data* as a file that can be read twice: the backup is read once to check it and find
    where each model's rows are, and again as they are restored."""
    if isinstance(data, str):
        data = data.encode()
    if isinstance(data, bytes):
        yield io.BytesIO(data)
    elif data.seekable() and isinstance(data.read(0), bytes):
        yield data  # type: ignore[misc]  # read(0) said it is binary
    else:  # standard input, say
        with tempfile.TemporaryFile() as copy:
            while chunk := data.read(1 << 20):
                copy.write(chunk.encode() if isinstance(chunk, str) else chunk)
            copy.seek(0)
            yield copy


@dataclass(frozen=True)
class _Lines:
    """The rows of one model in a backup file, one per line: read from the file each time they
    are iterated, a chunk at a time, so that a restore never holds them all."""

    stream: IO[bytes]
    start: int
    count: int

    def __iter__(self) -> Iterator[Any]:
        position, left = self.start, self.count
        while left:
            self.stream.seek(position)
            lines = [self.stream.readline() for _ in range(min(left, CHUNK_SIZE))]
            position, left = position + sum(map(len, lines)), left - len(lines)
            yield from _chunk(lines, last=not left) or ()  # _by_lines checked them


# How workspace_backup lays out the models: a line opens a model's list, each row is one line.
MODELS_LINE = b'"models": {\n'
TABLE_LINE = re.compile(rb'"([a-z0-9_]+\.[a-z0-9_]+)": \[')


def _by_lines(stream: IO[bytes]) -> dict[str, Any] | None:
    """The document of a file laid out as workspace_backup writes it, every row checked but left
    in the file (_Lines); None for JSON laid out otherwise, which is then read whole."""
    head = b""
    while (line := stream.readline(1 << 16)) != MODELS_LINE:
        if not line or len(head) > 1 << 20:
            return None
        head += line
    try:
        document = json.loads(head + b'"models": {}}')
    except ValueError:  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(document, dict):
        return None
    tables: dict[str, _Lines] = {}
    pending: list[bytes] = []
    position, label, rows = stream.tell(), "", 0
    # What may follow: "open" a model's list or the end, "next" a list, "rows" a row or the
    # list's end, "end" the end, "done" nothing.
    state = "open"
    for line in iter(stream.readline, b""):
        position += len(line)
        body = line.removesuffix(b"\n")
        if state == "rows" and body not in (b"]", b"],"):
            if len(pending) == CHUNK_SIZE:  # the chunks _Lines reads
                if _chunk(pending, last=False) is None:
                    return None
                pending = []
            pending.append(line)
            rows += 1
        elif state == "rows":
            if _chunk(pending, last=True) is None:
                return None
            tables[label] = _Lines(stream, tables[label].start, rows)
            state, pending = "next" if body == b"]," else "end", []
        elif state in ("open", "next") and (match := TABLE_LINE.fullmatch(body)):
            label, rows, state = match[1].decode(), 0, "rows"
            if label in tables:
                return None
            tables[label] = _Lines(stream, position, 0)
        elif (state in ("open", "end") and body == b"}}") or (state == "done" and not body.strip()):
            state = "done"
        else:
            return None
    return {**document, "models": tables} if state == "done" else None


def _chunk(lines: list[bytes], *, last: bool) -> list[Any] | None:
    """The rows on *lines*, one a line, each followed by a comma but the model's last; decoded
    as one JSON list, which is three times as fast as line by line. None if they are not that."""
    text = b"".join(lines)
    if not last:
        if not text.endswith(b",\n"):
            return None
        text = text.removesuffix(b",\n")
    try:
        rows = json.loads(b"[" + text + b"]")
    except ValueError:
        return None
    return rows if isinstance(rows, list) else None


def _check_migrations(recorded: object) -> None:
    """Refuse a backup whose data is shaped by migrations this installation does not have."""
    if not isinstance(recorded, dict) or not all(
        isinstance(name, str) for name in recorded.values()
    ):
        raise ValidationError('This backup lacks the "migrations" that say how its data is shaped.')
    installed = {config.label for config in apps.get_app_configs()}
    newer = sorted(
        f"{app}.{name}"
        for app, name in recorded.items()
        if app in installed and (app, name) not in _known_migrations()
    )
    if newer:
        raise ValidationError(
            "This backup was made by a newer Goodwill: its data has changes this one does not "
            f"know ({', '.join(newer[:3])}). Upgrade Goodwill, then restore it."
        )


def workspace_is_empty(workspace: Workspace) -> bool:
    """Whether a backup may be restored into *workspace*: it holds nothing but its own audit
    trail and the rows it made by itself."""
    return not _held(workspace)[0]


def _held(workspace: Workspace) -> tuple[dict[str, int], list[models.QuerySet[Any]]]:
    """Rows per label that make the workspace not empty, and the rows a restore replaces."""
    held, replaced = {}, []
    for model in backed_up_models():
        rows = scoped(model, workspace)
        if _label(model) == AUDIT or not rows.exists():
            continue
        if _label(model) == TEMPLATES and _only_shipped(rows):
            replaced.append(rows)
        else:
            held[_label(model)] = rows.count()
    return held, replaced


def _clear_defaults(workspace: Workspace) -> None:
    """Refuse a workspace that holds data; remove the rows it made by itself, which the
    backup's replace."""
    held, replaced = _held(workspace)
    if held:
        contacts = held.pop("people.contact", 0)
        kinds = ", ".join(sorted(held)[:3]) + (", …" if len(held) > 3 else "")
        others = f"{sum(held.values()):,} other records ({kinds})" if held else ""
        holds = " and ".join(filter(None, [f"{contacts:,} contacts" if contacts else "", others]))
        raise ValidationError(
            f"The workspace {workspace.name} is not empty: it holds {holds}. A backup is "
            "restored into a new, empty workspace only, so that nothing in it is overwritten."
        )
    for rows in replaced:
        rows.delete()


def _only_shipped(templates: models.QuerySet[Any]) -> bool:
    """Whether the workspace's templates are the shipped ones, untouched."""
    from goodwill.messaging.defaults import DEFAULTS  # core sits below messaging

    found = set(templates.values_list("occasion", "name", "subject", "body"))
    return found <= {tuple(map(str, default)) for default in DEFAULTS}


def _settings_restore(workspace: Workspace, settings: dict[str, Any]) -> None:
    """Give the workspace the backup's settings, through the functions the settings pages use
    (so they are checked the same way); its name and slug stay."""
    from goodwill.accounts.services import workspace_update
    from goodwill.people.services import cadence_defaults_set  # core sits below people

    fields = {f.name: f for f in Workspace._meta.concrete_fields if f.name not in WORKSPACE_KEPT}
    unknown = set(settings) - set(fields) - set(WORKSPACE_KEPT)
    if unknown:
        raise ValidationError(f"Unknown workspace setting {sorted(unknown)[0]!r} in the backup.")
    try:
        values = {
            name: f.to_python(settings[name]) for name, f in fields.items() if name in settings
        }
        workspace_update(
            workspace,
            name=workspace.name,
            time_zone=values.pop("time_zone", workspace.time_zone),
            business_hours=values.pop("business_hours", workspace.business_hours),
            country=values.pop("country", None),
            leap_day=values.pop("leap_day", None),
            currency=values.pop("currency", None),
        )
        cadence = values.pop("cadence_defaults", None)
        if cadence is not None:
            _cadence_restore(workspace, cadence, cadence_defaults_set)
        if values:  # settings added after this module was written
            for name, value in values.items():
                setattr(workspace, name, value)
            workspace.clean_fields(exclude=[*WORKSPACE_KEPT, *fields.keys() - values.keys()])
            workspace.save(update_fields=list(values))
    except (ValidationError, TypeError, ValueError) as error:
        reason = _reason(error)
        raise ValidationError(f"The backup's workspace settings are invalid: {reason}") from None


def _cadence_restore(workspace: Workspace, cadence: object, setter: Callable[..., Any]) -> None:
    if not isinstance(cadence, dict) or not all(type(d) is int for d in cadence.values()):
        raise ValidationError("cadence_defaults must map kinds of contact to days.")
    setter(workspace, {**dict.fromkeys(workspace.cadence_defaults), **cadence})


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


# A row (or a reference) that is not restored: it belonged to someone who is not a member here,
# or to a row that is not restored, and the model says it goes when that goes (on_delete).
LEAVE_OUT: Final = object()
# "interaction:12", as capabilities write the source of a row in an idempotency key.
KEYED_REFERENCE = re.compile(r"([a-z]+):([0-9]+)")


@dataclass
class _Deferred:
    """A reference to a model not yet restored (its own, say): written once all are."""

    label: str
    old: int
    column: Column
    value: Any


@dataclass
class _Restore:
    """One restore's state: the map of old ids to new ones, model by model."""

    workspace: Workspace
    actor: User | None
    members: dict[str, int] = field(default_factory=dict)
    ids: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    gone: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    done: set[str] = field(default_factory=set)
    deferred: list[_Deferred] = field(default_factory=list)
    report: RestoreReport = field(default_factory=RestoreReport)

    def run(self, tables: dict[str, Any]) -> RestoreReport:
        chosen = _chosen()
        unknown = sorted(set(tables) - set(chosen))
        if unknown:
            raise ValidationError(
                f"This backup holds {unknown[0]!r}, which this Goodwill does not restore."
            )
        for label, rows in tables.items():
            if not isinstance(rows, list | _Lines):
                raise ValidationError(f'"{label}" in the backup is not a list of rows.')
        self.members = {
            email.lower(): pk
            for pk, email in Membership.objects.filter(workspace=self.workspace).values_list(
                "user_id", "user__email"
            )
        }
        self.done.add("accounts.workspace")  # the target itself, for "workspace_id"
        edges = _fk_edges(chosen)
        for label, rows in tables.items():
            edges[label] |= (_soft_edges(label, chosen[label], rows) & chosen.keys()) - {label}
        try:
            order = _ordered(chosen, edges)
        except graphlib.CycleError:  # soft references both ways: some wait for the end
            order = _ordered(chosen, _fk_edges(chosen))
        for label in order:
            self._model(chosen[label], tables.get(label, []))
        self._finish_deferred()
        return self.report

    def _model(self, model: type[models.Model], rows: Iterable[Any]) -> None:
        label, columns = _label(model), _columns(model)
        known = {"id", *(column.name for column in columns)}
        names, conversions = _preparers(model)
        batch: list[tuple[int, tuple[Any, ...]]] = []
        seen: set[int] = set()
        for row in rows:
            old = row.get("id") if isinstance(row, dict) else None
            if type(old) is not int or old in seen:
                raise ValidationError(f"A row of {label} has no id of its own: {str(row)[:80]}")
            seen.add(old)
            if extra := set(row) - known:
                raise _bad(label, old, f"unknown field {sorted(extra)[0]!r}")
            values = self._values(label, old, columns, row)
            if values is None:
                self.gone[label].add(old)
                continue
            prepared = [self.workspace.pk, *(values[name] for name in names)]
            for index, convert in conversions:
                prepared[index] = convert(prepared[index])
            batch.append((old, tuple(prepared)))
            if len(batch) == CHUNK_SIZE:
                self._insert(model, batch)
                batch = []
        self._insert(model, batch)
        self.done.add(label)
        self.report.restored[label] = len(self.ids[label])
        if self.gone[label]:
            self.report.left_out[label] = len(self.gone[label])

    def _insert(self, model: type[models.Model], batch: list[tuple[int, tuple[Any, ...]]]) -> None:
        if not batch:
            return
        fields = ["workspace_id", *(column.field.attname for column in _columns(model))]
        created = insert_returning_ids(model, fields, [row for _, row in batch])
        ids = self.ids[_label(model)]
        for (old, _), new in zip(batch, created, strict=True):
            ids[old] = new

    def _values(
        self, label: str, old: int, columns: tuple[Column, ...], row: Row
    ) -> dict[str, Any] | None:
        """The row's values by attribute name, references rewritten; None to leave it out."""
        values = {}
        for column in columns:
            raw = row.get(column.name)
            if column.name not in row and column.kind == "value":
                value = column.field.get_default()  # a field newer than the backup
            elif column.kind == "user":
                value = self._user(label, old, column, raw)
            elif column.kind == "value":
                value = self._soft(label, old, column, _decoded(label, old, column, raw))
            else:
                value = self._reference(label, old, column, raw)
            if value is LEAVE_OUT:
                return None
            if value is None and not column.field.null:
                raise _bad(label, old, f"{column.name} must not be empty")
            values[column.field.attname] = value
        if label == AUDIT:
            values["object_id"] = self._audited(values["object_type"], values["object_id"])
        if rule := RESTORE_RULES.get(label):
            rule(values)
        return values

    def _audited(self, object_type: str, object_id: str) -> str:
        """The audit trail names a record by type and id: the restored record's id, or
        "gone-<old id>" where the record was not in the backup (an erased person, say)."""
        if object_type not in self.done or not object_id.isdigit():
            return object_id
        new = self._soft_id(object_type, int(object_id))
        return str(new) if new else f"gone-{object_id}"

    def _user(self, label: str, old: int, column: Column, email: Any) -> Any:
        """A user named by e-mail: the member of this workspace with that address; otherwise
        what the model does when a user is deleted (CASCADE: the row goes; SET_NULL: empty),
        or the restoring user where the column may not be empty."""
        if email is None:
            return None
        if not isinstance(email, str):
            raise _bad(label, old, f"{column.name} must be an e-mail address")
        if found := self.members.get(email.lower()):
            return found
        self.report.unknown_users.add(email)
        return self._gone(label, old, column)

    def _gone(self, label: str, old: int, column: Column) -> Any:
        on_delete = column.field.remote_field.on_delete
        if on_delete is models.CASCADE:
            return LEAVE_OUT
        if column.field.null:
            return None
        if column.field.related_model is not User:
            raise _bad(label, old, f"{column.name} points at a record that is not restored")
        if self.actor is not None:
            return self.actor.pk
        owners = Membership.objects.filter(workspace=self.workspace, role=Role.OWNER)
        return owners.order_by("created_at", "pk").values_list("user_id", flat=True)[0]

    def _reference(self, label: str, old: int, column: Column, value: Any) -> Any:
        if value is None:
            return None
        if type(value) is not int:
            raise _bad(label, old, f"{column.name} must be the id of a {column.target}")
        if column.kind == "gone":
            return self._gone(label, old, column)
        if column.target not in self.done:
            self.deferred.append(_Deferred(label, old, column, value))
            return None
        if new := self.ids[column.target].get(value):
            return new
        if value in self.gone[column.target]:
            return self._gone(label, old, column)
        raise _bad(
            label, old, f"{column.name} points at {column.target} {value}, which it does not hold"
        )

    def _soft(self, label: str, old: int, column: Column, value: Any) -> Any:
        """The value with the ids it names rewritten, or deferred until their model is in."""
        targets = _soft_targets(column, value) if column.may_name(value) else None
        if not targets:
            return value
        if not targets <= self.done:
            self.deferred.append(_Deferred(label, old, column, value))
            return value
        return _soft_rewritten(column, value, self._soft_id)

    def _soft_id(self, target: str, value: int) -> int:
        """A soft reference's new id; 0, which no row has, where its row is not restored (a
        timeline entry of a record deleted before the backup, say)."""
        if target == "accounts.workspace":
            return int(self.workspace.pk)
        return self.ids[target].get(value, 0)

    def _finish_deferred(self) -> None:
        updates: dict[tuple[type[models.Model], str], list[models.Model]] = defaultdict(list)
        for item in self.deferred:
            if item.old in self.gone[item.label]:
                continue
            if item.column.kind == "value":
                value = _soft_rewritten(item.column, item.value, self._soft_id)
            else:
                value = self._reference(item.label, item.old, item.column, item.value)
                if value is LEAVE_OUT or value is None:
                    continue  # restored empty already; a reference whose row went
            model = _chosen()[item.label]
            instance = model(pk=self.ids[item.label][item.old])
            setattr(instance, item.column.field.attname, value)
            updates[model, item.column.field.attname].append(instance)
        for (model, attname), instances in updates.items():
            model._default_manager.bulk_update(instances, [attname], batch_size=500)


# Fields whose values (text, or None) the database takes as they are, on both databases.
TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.EmailField,
    models.SlugField,
    models.URLField,
)


def _preparers(
    model: type[models.Model],
) -> tuple[list[str], list[tuple[int, Callable[[Any], Any]]]]:
    """The model's columns by attribute name, and for each but text (by its place in a row that
    starts with the workspace) what makes a value what the database takes: what bulk_create()
    does, without building model instances."""
    database = connections[DEFAULT_DB_ALIAS]  # not the proxy, which costs a lookup per value
    names: list[str] = []
    conversions: list[tuple[int, Callable[[Any], Any]]] = []
    for index, column in enumerate(_columns(model), start=1):
        names.append(column.field.attname)
        if type(column.field) not in TEXT_FIELDS:
            convert = functools.partial(column.field.get_db_prep_save, connection=database)
            conversions.append((index, convert))
    return names, conversions


def _bad(label: str, old: int, reason: str) -> ValidationError:
    return ValidationError(f"Row {old} of {label} in the backup: {reason}. Nothing was restored.")


def _decoded(label: str, old: int, column: Column, raw: Any) -> Any:
    """The column's value from its JSON form, checked as the field checks it (its type, choices,
    length and validators); an empty text is allowed where code, not a form, wrote it."""
    f = column.field
    try:
        value = f.to_python(raw)
        if value is not None and value not in f.empty_values:
            f.validate(value, None)
            f.run_validators(value)
    except (ValidationError, TypeError, ValueError) as error:
        raise _bad(label, old, f"{column.name}: {_reason(error)}") from None
    return value


def _soft_edges(label: str, model: type[models.Model], rows: Iterable[Any]) -> set[str]:
    """The models the rows name in soft references, so that those are restored first."""
    found: set[str] = set()
    candidates = [c for c in _columns(model) if c.kind == "value" and not c.soft]
    for row in rows:
        if isinstance(row, dict):
            for column in candidates:
                value = row.get(column.name)
                if column.may_name(value):
                    found |= _soft_targets(column, value)
            if label == AUDIT:  # the audit trail names records by type and id
                found.add(str(row.get("object_type")))
    return found


def _soft_targets(column: Column, value: Any) -> set[str]:
    """The labels of the models *value* names by id in *column*."""
    if value is None:
        return set()
    if column.soft:
        return {column.soft}
    names = _model_names()
    if isinstance(value, dict):
        return {names[key[:-3]] for key in value if _is_soft_key(key, value[key])}
    if isinstance(value, str) and ":" in value and (match := _keyed(column, value)):
        return {names[match.group(1)]}
    return set()


def _is_soft_key(key: str, value: Any) -> bool:
    return key.endswith("_id") and key[:-3] in _model_names() and type(value) is int


def _keyed(column: Column, value: str) -> re.Match[str] | None:
    """ "interaction:12" in a short text column without choices, naming a backed-up model."""
    if not column.keyed:
        return None
    match = KEYED_REFERENCE.fullmatch(value)
    return match if match and match.group(1) in _model_names() else None


def _soft_rewritten(column: Column, value: Any, new_id: Callable[[str, int], int]) -> Any:
    """*value* with the ids it names replaced by *new_id*'s."""
    names = _model_names()
    if column.soft:
        new = new_id(column.soft, value)
        return new or (None if column.field.null else 0)
    if isinstance(value, dict):
        return {
            key: new_id(names[key[:-3]], item) if _is_soft_key(key, item) else item
            for key, item in value.items()
        }
    if isinstance(value, str) and (match := _keyed(column, value)):
        name, number = match.group(1), int(match.group(2))
        new = new_id(names[name], number)
        # A gone row keeps a key no new id can take, so two such keys stay distinct.
        return f"{name}:{new}" if new else f"{name}:gone-{number}"
    return value
