import json
import os
import random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from goodwill.accounts import services as accounts
from goodwill.accounts.middleware import SESSION_KEY as WORKSPACE_KEY
from goodwill.accounts.models import Membership, Role, Workspace
from goodwill.core.bench import (
    BenchContext,
    Client,
    OperationResult,
    Result,
    Scenario,
    free_port,
    operations,
    run_operation,
    run_scenario,
    scenarios,
)
from goodwill.core.commands import GoodwillCommand
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact

SAMPLE = 2000


class Command(GoodwillCommand):
    help = """Time the benchmark scenarios through the real HTTP stack against a seeded workspace
    (see `goodwill seed`): starts the production server on 127.0.0.1, sends each scenario's
    requests one at a time, prints median and p95 latency and throughput and the server worker's
    memory after them; then times the operations (an import of 10,000 vCards, undone after,
    and the exports) in its own process; and writes it all as JSON. Scenarios that create
    records (an interaction) add them to the workspace.

    Example: goodwill bench --workspace bench
    Example: goodwill bench --workspace bench --only search --requests 500 --output search.json
    Example: goodwill bench --workspace bench --skip export --skip import
    Example: goodwill bench --workspace bench --database postgres://postgres@127.0.0.1/bench
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, help="The seeded workspace's slug.")
        parser.add_argument(
            "--database", metavar="URL", help="Another database than DATABASE_URL's."
        )
        parser.add_argument("--requests", type=int, default=200, help="Timed per scenario.")
        parser.add_argument("--warmup", type=int, default=20, help="Untimed, first.")
        parser.add_argument("--only", default="", help="Only scenarios whose name has this.")
        parser.add_argument(
            "--skip",
            action="append",
            default=[],
            help="Leave out scenarios and operations whose name has this (repeatable).",
        )
        parser.add_argument("--output", default="", help="JSON file (default: in the data dir).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed of the requests.")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace {options['workspace']}; run `goodwill seed` first.")
        context = _context(workspace, options["seed"])

        def wanted(name: str) -> bool:
            return options["only"] in name and not any(part in name for part in options["skip"])

        chosen = [s for s in scenarios(context) if wanted(s.name)]
        work = [op for op in operations() if wanted(op.name)]
        if not chosen and not work:
            raise CommandError(f"No scenario matches {options['only']!r}.")
        results, memory = self._requests(workspace, chosen, options) if chosen else ([], None)
        if memory is not None:
            self.stdout.write(f"{'web worker memory after the requests':<36} {memory:7.1f} MB")
        done = []
        for operation in work:
            done.append(run_operation(operation, workspace))
            self.stdout.write(_operation_line(done[-1]))
        self._write(options["output"], workspace, results, done, memory)

    def _requests(
        self, workspace: Workspace, chosen: list[Scenario], options: dict[str, Any]
    ) -> tuple[list[Result], float | None]:
        """Each scenario's requests through the production server; its worker's memory after."""
        session, token = _sign_in(workspace)
        port = free_port()
        server = _start_server(port)
        try:
            client = Client(port, session=session.session_key or "", token=token[1])
            results = []
            for number, scenario in enumerate(chosen):
                result = run_scenario(
                    client,
                    scenario,
                    requests=options["requests"],
                    warmup=options["warmup"],
                    seed=options["seed"] + number,
                )
                results.append(result)
                self.stdout.write(_line(result))
            memory = _worker_memory_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
            token[0].delete()
            session.delete()
        return results, memory

    def _write(
        self,
        output: str,
        workspace: Workspace,
        results: list[Result],
        done: list[OperationResult],
        memory: float | None,
    ) -> None:
        path = Path(
            output or settings.DATA_DIR / f"bench-{workspace.slug}-{connection.vendor}.json"
        )
        report = {
            "when": timezone.now().isoformat(),
            "database": connection.vendor,
            "workspace": workspace.slug,
            # The workspace's size, not the sample of contacts the requests chose from.
            "contacts": scoped(Contact, workspace).count(),
            "results": [result.as_dict() for result in results],
            "worker_memory_mb": memory,
            "operations": [result.as_dict() for result in done],
        }
        path.write_text(json.dumps(report, indent=2))
        missed = [result.scenario for result in results if result.missed]
        missed += [result.operation for result in done if result.missed]
        self.stdout.write(f"Written to {path}.")
        if missed:
            self.stdout.write(f"Above target: {', '.join(missed)}.")


def _context(workspace: Workspace, seed: int) -> BenchContext:
    ids = list(Contact.objects.filter(workspace=workspace).values_list("pk", flat=True))
    if not ids:
        raise CommandError(f"The workspace {workspace.slug} has no contacts; seed it first.")
    rng = random.Random(seed)  # noqa: S311  (the same sample on every run, not a secret)
    picked = rng.sample(ids, min(SAMPLE, len(ids)))
    someone = Contact.objects.get(pk=picked[0])
    words = {"name": someone.last_name, "prefix": someone.last_name[:3], "fact": "baseball"}
    return BenchContext(workspace, picked, words)


def _sign_in(workspace: Workspace) -> tuple[SessionStore, Any]:
    """A session and a token of the workspace's first owner, removed after the run."""
    membership = (
        Membership.objects.filter(workspace=workspace, role=Role.OWNER)
        .select_related("user")
        .order_by("created_at")
        .first()
    )
    if membership is None:
        raise CommandError(f"The workspace {workspace.slug} has no owner.")
    user = membership.user
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[WORKSPACE_KEY] = workspace.pk
    session.create()
    token = accounts.token_create(workspace=workspace, user=user, name="goodwill bench")
    return session, token


def _start_server(port: int) -> subprocess.Popen[bytes]:
    """The production server, one process and one thread: the figures are per request. Its
    request log goes to bench-server.log in the data directory."""
    command = [sys.executable, "-m", "goodwill", "serve", "--no-migrate"]
    command += ["--port", str(port), "--workers", "1", "--threads", "1"]
    log = (settings.DATA_DIR / "bench-server.log").open("ab")
    # Our own interpreter and fixed arguments: nothing here comes from outside.
    server = subprocess.Popen(command, env=os.environ.copy(), stdout=log, stderr=log)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise CommandError("The server did not start within 30 seconds.")


def _worker_memory_mb(server: int) -> float | None:
    """The resident memory of the server's largest process below *server* (gunicorn's worker),
    from /proc; None where there is no /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    below, pending = [], list(children.get(server, []))
    while pending:
        pid = pending.pop()
        below.append(pid)
        pending.extend(children.get(pid, []))
    sizes = [_rss_kb(pid) for pid in below]
    found = [size for size in sizes if size is not None]
    return round(max(found) / 1024, 1) if found else None


def _rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _operation_line(result: OperationResult) -> str:
    size = f" ({result.size:,})" if result.size else ""
    line = f"{result.operation + size:<36} {result.median_s:7.2f} s"
    if result.target_s is None:
        return line
    return line + f"  (target {result.target_s:.0f} s{', MISSED' if result.missed else ''})"


def _line(result: Result) -> str:
    target = f"  (target {result.target_ms:.0f} ms{', MISSED' if result.missed else ''})"
    return (
        f"{result.scenario:<36} median {result.median_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms"
        f"  {result.per_second:6.1f}/s  errors {result.errors}"
        + (target if result.target_ms else "")
    )
