"""Every benchmark scenario runs without an error against a small seeded workspace, through a
live server (the command itself starts gunicorn on the real database: docs/performance.md)."""

import io
import json
import os
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command

from goodwill.accounts.models import ApiToken, User, Workspace
from goodwill.agenda.models import Digest
from goodwill.core.bench import Client, operations, run_operation, run_scenario, scenarios
from goodwill.core.management.commands.bench import _context, _sign_in, _worker_memory_mb
from goodwill.core.seed import SEED_OWNER, seed
from goodwill.people.models import Contact, ContactImport
from goodwill.touchpoints.models import Interaction


@pytest.mark.django_db(transaction=True)
def test_every_scenario_answers_without_errors(live_server):
    seed("tiny", contacts=40)
    workspace = Workspace.objects.get(slug="tiny")
    context = _context(workspace, seed=1)
    session, (token, raw) = _sign_in(workspace)
    client = Client(
        urlsplit(live_server.url).port or 80, session=session.session_key or "", token=raw
    )
    before = Interaction.objects.count()
    for scenario in scenarios(context):
        result = run_scenario(client, scenario, requests=3, warmup=0, seed=1)
        assert result.errors == 0, scenario.name
        assert result.p95_ms >= result.median_ms > 0
    assert Interaction.objects.count() == before + 3
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.django_db
def test_an_unknown_workspace_or_scenario_is_a_clear_error():
    with pytest.raises(CommandError, match="goodwill seed"):
        call_command("bench", "--workspace", "nowhere", stdout=io.StringIO())
    seed("tiny", contacts=3)
    with pytest.raises(CommandError, match="No scenario matches"):
        call_command("bench", "--workspace", "tiny", "--only", "xyz", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_every_operation_runs_small_and_leaves_the_workspace_as_it_was():
    seed("tiny", contacts=10)
    workspace = Workspace.objects.get(slug="tiny")
    before = Contact.objects.filter(workspace=workspace).count()
    for operation in operations():
        result = run_operation(operation, workspace, size=min(operation.size, 20) or 0)
        assert result.runs == operation.times, operation.name
        assert result.max_s >= result.median_s > 0
    assert Contact.objects.filter(workspace=workspace).count() == before
    assert not ContactImport.objects.exists()
    assert not Digest.objects.exists()
    assert list(User.objects.values_list("email", flat=True)) == [SEED_OWNER]


def test_it_reads_a_process_trees_memory():
    # This process is below its parent, so the parent's tree holds at least this process.
    memory = _worker_memory_mb(os.getppid())
    assert memory is not None
    assert memory > 10


@pytest.mark.django_db(transaction=True)
def test_the_command_times_the_operations_alone_and_writes_them(tmp_path):
    seed("tiny", contacts=5)
    out, report = io.StringIO(), tmp_path / "bench.json"
    call_command(
        "bench", "--workspace", "tiny", "--only", "export", "--skip", "CSV",
        "--output", str(report), stdout=out,
    )  # fmt: skip
    assert "export everyone as vCard" in out.getvalue()
    written = json.loads(report.read_text())
    assert [op["operation"] for op in written["operations"]] == ["export everyone as vCard"]
    assert written["contacts"] == 5
    assert written["results"] == []
