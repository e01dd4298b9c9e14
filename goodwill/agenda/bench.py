"""Benchmark scenarios for the agenda: the page and the API for the next 14 days; and the
daily-digest sweep for 1,000 members, timed in the command's process over a real SMTP server."""

import contextlib
import socket
import subprocess
import sys
import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone

from goodwill.accounts.models import Membership, Role, User, Workspace
from goodwill.agenda.digest import digests_open, digests_send
from goodwill.agenda.models import Digest, DigestSetting, DigestState
from goodwill.core.bench import (
    BenchContext,
    Operation,
    Scenario,
    bench_operations,
    bench_scenarios,
    free_port,
    get,
)
from goodwill.env import parse_email_url

MEMBERS_DOMAIN = "digest.bench.example"


@bench_scenarios(order=30)
def agenda_scenarios(context: BenchContext) -> list[Scenario]:
    return [
        get("agenda page, 14 days", lambda r: "/agenda/?days=14", target_ms=20),
        get("agenda API, 14 days", lambda r: "/api/v1/agenda?days=14", target_ms=20, api=True),
    ]


class DigestSweep:
    """The worker's `digests` sweep once *size* members' hour has come: each member's digest
    opened, the workspace's agenda read, every digest rendered and sent over one connection to
    a real SMTP server (aiosmtpd, in a process of its own as a mail server would be) on
    127.0.0.1. The members are added before and removed after, untimed, with the digests the
    sweep opened."""

    def __init__(self) -> None:
        self.server: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.opened_after = 0

    def prepare(self, workspace: Workspace, size: int) -> None:
        unusable = make_password(None)
        users = User.objects.bulk_create(
            User(email=f"member{n}@{MEMBERS_DOMAIN}", name=f"Member {n}", password=unusable)
            for n in range(size)
        )
        Membership.objects.bulk_create(
            Membership(workspace=workspace, user=user, role=Role.ASSISTANT) for user in users
        )
        # Every day at midnight in the workspace's zone, empty or not: due whenever the
        # benchmark runs, and every one is sent.
        DigestSetting.objects.bulk_create(
            DigestSetting(
                workspace=workspace, user=user, hour=0, days=list(range(7)), send_empty=True
            )
            for user in users
        )
        self.opened_after = Digest.objects.aggregate(last=Max("id"))["last"] or 0
        self._start_server()

    def _start_server(self) -> None:
        self.port = free_port()
        # The Sink handler accepts every message and keeps none.
        command = [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink"]
        self.server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [*command, "-l", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.05)
        raise RuntimeError("The SMTP server for the digest benchmark did not start.")

    def run(self, workspace: Workspace, size: int) -> int:
        server = parse_email_url(f"smtp://127.0.0.1:{self.port}")
        now = timezone.now()
        with override_settings(MAILERS={"default": server}):
            digests_open(now)
            sent = digests_send(now, budget=timedelta(hours=1))
        accepted = Digest.objects.filter(id__gt=self.opened_after, state=DigestState.SENT)
        if accepted.count() < size:
            raise RuntimeError(f"The SMTP server accepted {accepted.count()} of {size} digests.")
        return sent

    def undo(self, sent: int) -> None:
        if self.server:
            self.server.terminate()
            self.server.wait(timeout=10)
        Digest.objects.filter(id__gt=self.opened_after).delete()
        User.objects.filter(email__endswith=f"@{MEMBERS_DOMAIN}").delete()


@bench_operations(order=30)
def agenda_operations() -> list[Operation]:
    sweep = DigestSweep()
    return [
        Operation(
            "daily-digest sweep",
            sweep.run,
            size=1000,
            target_s=10,
            undo=sweep.undo,
            prepare=sweep.prepare,
        )
    ]
