import io
import os
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from goodwill.__main__ import database_url_option
from goodwill.accounts.models import Workspace
from goodwill.people.models import Contact, TimelineEntry
from goodwill.people.search import search
from goodwill.touchpoints.models import Interaction, Participation, RapportScore


def _seed(slug: str, contacts: int, seed: int = 1) -> Workspace:
    call_command(
        "seed", "--workspace", slug, "--contacts", str(contacts), "--seed", str(seed),
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    return Workspace.objects.get(slug=slug)


def _shape(workspace: Workspace) -> list[tuple[str, str, str, int]]:
    contacts = Contact.objects.filter(workspace=workspace).order_by("pk")
    return list(contacts.values_list("first_name", "last_name", "kind", "rapport"))


@pytest.mark.django_db
def test_seeding_is_reproducible_and_consistent():
    one = _seed("one", 60)
    two = _seed("two", 60)
    assert _shape(one) == _shape(two)
    assert _shape(one) != _shape(_seed("three", 60, seed=2))
    interactions = Interaction.objects.filter(workspace=one).count()
    assert 300 <= interactions <= 900  # about 10 each
    # What logging those touches would have kept: clocks, rapport, timelines, the index.
    for contact in Contact.objects.filter(workspace=one, last_touch_at__isnull=False)[:20]:
        latest = Participation.objects.filter(contact=contact).latest("occurred_at")
        assert contact.last_touch_at == latest.occurred_at
        assert contact.touch_due_at == contact.compute_touch_due_at()
        assert contact.rapport == RapportScore.objects.get(contact=contact).score
    parts = Participation.objects.filter(workspace=one).count()
    assert TimelineEntry.objects.filter(workspace=one, kind="interaction").count() == parts
    someone = Contact.objects.filter(workspace=one).earliest("pk")
    hits, _ = search(one, someone.last_name)
    assert someone.pk in {hit.contact_id for hit in hits}


@pytest.mark.django_db
def test_a_workspace_with_contacts_is_refused():
    _seed("full", 5)
    with pytest.raises(CommandError, match="already holds contacts"):
        _seed("full", 5)
    out = io.StringIO()
    call_command("seed", "--if-new", "--workspace", "full", "--contacts", "5", stdout=out)
    assert "seeded already" in out.getvalue()
    with pytest.raises(CommandError, match="at least one"):
        _seed("empty", 0)
    assert Contact.objects.count() == 5


@pytest.mark.django_db
def test_seeded_cases_are_numbered_timed_and_answered():
    from goodwill.care.models import Case, CaseEntry

    workspace = _seed("care", 300)
    cases = Case.objects.filter(workspace=workspace)
    assert 3 <= cases.count() <= 25  # about one contact in thirty
    assert sorted(cases.values_list("number", flat=True)) == list(range(1, cases.count() + 1))
    answered = cases.filter(first_response_at__isnull=False)
    assert CaseEntry.objects.filter(case__in=answered, kind="reply").count() == answered.count()
    for case in cases.filter(status="closed"):
        assert case.resolution_hours is not None
        assert case.first_response_due_at <= case.due_at


def test_the_database_option_is_read_for_seed_and_bench_only():
    assert database_url_option(["goodwill", "seed", "--database", "postgres://h/db"]) == (
        "postgres://h/db"
    )
    assert database_url_option(["goodwill", "bench", "--database=sqlite:///x"]) == "sqlite:///x"
    assert database_url_option(["goodwill", "bench", "--workspace", "w"]) is None
    # Django's own --database names a connection alias, never a URL.
    assert database_url_option(["goodwill", "migrate", "--database", "default"]) is None


def test_seeding_another_database_migrates_and_fills_it(tmp_path):
    other = tmp_path / "other.sqlite3"
    command = [sys.executable, "-m", "goodwill", "seed", "--workspace", "elsewhere"]
    command += ["--contacts", "3", "--database", f"sqlite:///{other}"]
    env = {**os.environ, "GOODWILL_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(other) as db:
        assert db.execute("SELECT count(*) FROM people_contact").fetchone() == (3,)
    # The data directory's own database was not touched.
    assert not (tmp_path / "goodwill.sqlite3").exists()
