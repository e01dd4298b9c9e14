"""`goodwill backup` and `goodwill restore --replace`: a copy of the whole installation made
while it is written to, brought back whole, and bad files refused with nothing changed. On the
suite's real database, SQLite or PostgreSQL (data committed, hence `transactional_db`)."""

import shutil
import sqlite3
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from conftest import missing
from goodwill.accounts import services as accounts
from goodwill.core import snapshot
from goodwill.people.models import Contact, Email

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def workspace():
    owner = accounts.user_create(email="dan@ortiz.example", password="correct horse battery")
    return accounts.workspace_create(owner=owner, name="Ortiz Consulting")


def add_person(workspace, name):
    # A contact and its e-mail in one transaction: a copy holding one without the other would
    # be a copy of half a change.
    with transaction.atomic():
        contact = Contact.objects.create(workspace=workspace, first_name=name)
        Email.objects.create(workspace=workspace, contact=contact, address=f"{name}@example.org")


def names():
    return set(Contact.objects.values_list("first_name", flat=True))


@pytest.fixture
def tools():
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        missing("pg_dump is not installed (make test-postgres installs postgresql-client)")


class Writer(threading.Thread):
    """Adds people as fast as it can, through its own connection, until stopped (or 3,000)."""

    def __init__(self, workspace):
        super().__init__(daemon=True)
        self.workspace, self.stop, self.written = workspace, threading.Event(), 0

    def run(self):
        try:
            while not self.stop.is_set() and self.written < 3000:
                add_person(self.workspace, f"w{self.written}")
                self.written += 1
        finally:
            connection.close()


def test_a_backup_made_while_writing_restores_one_moment(workspace, tools, tmp_path):
    for n in range(20):
        add_person(workspace, f"before{n}")
    writer = Writer(workspace)
    writer.start()
    deadline = time.monotonic() + 30
    while writer.written < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    target = tmp_path / f"copy{snapshot.current_database().suffix}"
    call_command("backup", output=str(target))
    writer.stop.set()
    writer.join(timeout=60)
    assert target.stat().st_mode & 0o077 == 0, "the backup must be private to its owner"
    written_then = names()

    Contact.objects.filter(first_name="before0").delete()
    add_person(workspace, "after")
    call_command("restore", str(target), replace=True)

    restored = names()
    assert {f"before{n}" for n in range(20)} <= restored, "what was there before is all back"
    assert "after" not in restored, "what came after the backup is not"
    assert restored <= written_then
    # Every contact came back with its e-mail: no transaction was copied by halves.
    assert Email.objects.count() == Contact.objects.count() == len(restored)


def test_bad_files_are_refused_and_nothing_changes(workspace, tools, tmp_path):
    add_person(workspace, "kept")
    damaged = tmp_path / "damaged.sqlite3"
    other = tmp_path / "other.pgdump"
    damaged.write_bytes(snapshot.SQLITE_MAGIC + b"\x00" * 200)
    other.write_bytes(snapshot.PG_MAGIC + b"\x01\x0e\x00 not a real dump")
    for path in (damaged, other):
        with pytest.raises(CommandError):
            call_command("restore", str(path), replace=True)
        assert names() == {"kept"}
    if connection.vendor == "sqlite":
        foreign = tmp_path / "foreign.sqlite3"
        with sqlite3.connect(foreign) as db:
            db.execute("CREATE TABLE t (x)")
        with pytest.raises(CommandError, match="not Goodwill's"):
            call_command("restore", str(foreign), replace=True)
        assert names() == {"kept"}


def test_restore_of_an_installation_needs_replace(workspace, tools, tmp_path):
    add_person(workspace, "kept")
    target = tmp_path / f"copy{snapshot.current_database().suffix}"
    call_command("backup", output=str(target))
    add_person(workspace, "later")
    with pytest.raises(CommandError, match="--replace"):
        call_command("restore", str(target))
    with pytest.raises(CommandError, match="without --workspace"):
        call_command("restore", str(target), workspace=workspace.slug, replace=True)
    assert names() == {"kept", "later"}


def test_a_failed_backup_leaves_no_file(workspace, tmp_path):
    taken = tmp_path / "taken"
    (taken / "inside").mkdir(parents=True)  # a directory where the file should go
    with pytest.raises(CommandError, match="No backup was made"):
        call_command("backup", output=str(taken))
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["inside", "taken"]
