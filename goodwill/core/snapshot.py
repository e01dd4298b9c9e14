"""Backups of the whole installation (every workspace, user and setting), made while it runs.

A workspace's JSON backup (goodwill.core.backup) moves one workspace between installations; this
is the operator's copy of the database itself, for the day a disk dies:

- SQLite: SQLite's online backup API copies the database page by page into a new file. Writers
  may go on meanwhile; the copy is of one committed moment, never half a transaction.
- PostgreSQL: `pg_dump --format=custom`, which reads one snapshot of the database.

Restoring replaces the whole database with the file's, all or nothing: the file is checked
first, SQLite's backup API writes the copy in one step, and PostgreSQL's restore runs as one
transaction that also drops what is there. Afterwards the schema is migrated forward, so a
backup made by an older Goodwill can be restored by a newer one.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class SnapshotError(Exception):
    """The backup or restore could not be made; the message says why, and nothing changed."""


@dataclass(frozen=True)
class Database:
    vendor: str  # "sqlite" or "postgresql"
    settings: dict[str, Any]

    @property
    def suffix(self) -> str:
        return ".sqlite3" if self.vendor == "sqlite" else ".pgdump"


def current_database(alias: str = "default") -> Database:
    connection = connections[alias]
    return Database(connection.vendor, dict(connection.settings_dict))


def default_path(database: Database, now: datetime) -> Path:
    directory = Path(settings.DATA_DIR) / "backups"
    return directory / f"goodwill-{now:%Y%m%d-%H%M%S}{database.suffix}"


def kind_of(path: Path) -> str:
    """ "sqlite", "postgresql" or "" (not an installation backup), from the file's first bytes."""
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    return ""


def backup(database: Database, target: Path) -> int:
    """Write a consistent copy of *database* to *target*; returns its size in bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed, so a crash never leaves a half file under its name.
    handle, partial = tempfile.mkstemp(prefix=".partial-", dir=target.parent)
    os.close(handle)
    try:
        os.chmod(partial, 0o600)  # it holds everything, so only its owner may read it
        if database.vendor == "sqlite":
            _sqlite_backup(Path(database.settings["NAME"]), Path(partial))
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", partial], database)
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)
    return target.stat().st_size


def restore(database: Database, source: Path) -> None:
    """Replace *database* with the backup in *source*, after checking it is one."""
    kind = kind_of(source)
    if kind != database.vendor:
        found = {"sqlite": "an SQLite", "postgresql": "a PostgreSQL"}.get(kind)
        if found is None:
            raise SnapshotError(f"{source} is not a backup made by `goodwill backup`.")
        raise SnapshotError(
            f"{source} is {found} backup and this installation runs on {database.vendor}. "
            "Move workspaces between databases with their JSON backups (docs/backup.md)."
        )
    if kind == "sqlite":
        _sqlite_restore(source, Path(database.settings["NAME"]))
    else:
        _postgres_restore(source, database)


def _sqlite_backup(live: Path, copy: Path) -> None:
    source = sqlite3.connect(live, timeout=settings.DATABASES["default"]["OPTIONS"]["timeout"])
    target = sqlite3.connect(copy)
    try:
        # Copied in one step: a copy in steps restarts whenever another process writes between
        # them, which under steady writing might never end. One step holds a read lock only
        # (WAL lets writers go on) for the time it takes to copy the file.
        source.backup(target)
        # A copy in WAL mode would need its -wal file beside it; a backup is one file.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
        source.close()


def _sqlite_check(path: Path) -> None:
    try:
        copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (result,) = copy.execute("PRAGMA integrity_check").fetchone()
            migrated = copy.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'django_migrations'"
            ).fetchone()[0]
        finally:
            copy.close()
    except sqlite3.DatabaseError as error:
        raise SnapshotError(f"{path} cannot be read as a database: {error}.") from None
    if result != "ok":
        raise SnapshotError(f"{path} is damaged: {result}.")
    if not migrated:
        raise SnapshotError(f"{path} is an SQLite database, but not Goodwill's.")


def _sqlite_restore(source: Path, live: Path) -> None:
    _sqlite_check(source)
    connections.close_all()
    copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target = sqlite3.connect(live, timeout=settings.DATABASES["default"]["OPTIONS"]["timeout"])
    try:
        # The backup API writes the whole copy under one write lock: other connections see the
        # old database or the restored one, never a mixture.
        copy.backup(target)
    except sqlite3.DatabaseError as error:
        raise SnapshotError(f"The restore failed and changed nothing: {error}.") from None
    finally:
        target.close()
        copy.close()


def _postgres_restore(source: Path, database: Database) -> None:
    listed = _run(["pg_restore", "--list", str(source)], database, check=False)
    if listed.returncode != 0 or "django_migrations" not in listed.stdout:
        raise SnapshotError(f"{source} is not a readable Goodwill backup: {listed.stderr.strip()}")
    script = _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--file", "-", str(source)], database
    ).stdout
    connections.close_all()
    # Everything there is dropped and the copy loaded in one transaction: if any statement
    # fails, psql stops and the database is as it was.
    reset = "DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n"
    result = _run(
        ["psql", "--quiet", "--no-psqlrc", "--single-transaction", "-v", "ON_ERROR_STOP=1"],
        database,
        stdin=reset + script,
        check=False,
    )
    if result.returncode != 0:
        raise SnapshotError(f"The restore failed and changed nothing: {result.stderr.strip()}")


def _run(
    command: list[str], database: Database, *, stdin: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    if shutil.which(command[0]) is None:
        raise SnapshotError(
            f"{command[0]} is not installed; it comes with PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client)."
        )
    result = subprocess.run(  # noqa: S603 (a fixed program, arguments from settings)
        command,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **_libpq_environment(database.settings)},
        check=False,
    )
    if check and result.returncode != 0:
        raise SnapshotError(f"{command[0]} failed: {result.stderr.strip()}")
    return result


def _libpq_environment(database: dict[str, Any]) -> dict[str, str]:
    """The connection as libpq's variables, so no password shows in a process list."""
    names = {"NAME": "PGDATABASE", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "HOST": "PGHOST"}
    environment = {names[key]: str(database[key]) for key in names if database.get(key)}
    if database.get("PORT"):
        environment["PGPORT"] = str(database["PORT"])
    return environment
