"""Real processes for the crash and concurrency tests: the worker and the server started as an
operator would, on the test database (committed data, so `transactional_db`), a slow SMTP
server that records every message it takes, and bounded waits."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiosmtpd.controller import Controller
from django.db import connection
from django.db.models import F
from django.utils import timezone

from conftest import free_port
from goodwill.agenda.models import Digest
from goodwill.core.models import SweepState, WorkerHeartbeat
from goodwill.messaging.models import OutgoingMessage
from goodwill.people.models import ContactImport


def database_url() -> str:
    """The URL of the database this test runs on (the test database, SQLite file or PostgreSQL),
    for the processes it starts."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or 'localhost'}{port}/{db['NAME']}"


def process_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "WORKER_POLL_SECONDS": "1",
        "LOG_LEVEL": "warning",
        **extra,
    }


def wait_until[T](check: Callable[[], T], *, seconds: float, what: str, every: float = 0.05) -> T:
    """Poll *check* until it returns something true; fail the test after *seconds*."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {seconds} s waiting for {what}.")
        time.sleep(every)


@dataclass
class Received:
    to: str
    subject: str
    message_id: str


@dataclass
class SlowSmtp:
    """A real SMTP server on 127.0.0.1 that takes *delay* seconds to answer each message. It keeps
    a message as soon as its data has arrived, before it answers: like a real mail server, which
    queues the message and then says so, a client that dies while waiting for the answer has
    still delivered it. That is the worst case for a sender that is killed mid-send."""

    delay: float = 0.2
    port: int = 0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content)
        with self.lock:
            for to in envelope.rcpt_tos:
                self.received.append(
                    Received(to.lower(), str(parsed["Subject"]), str(parsed["Message-ID"]))
                )
        await asyncio.sleep(self.delay)
        return "250 Message accepted"

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def by_recipient(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self.lock:
            for message in self.received:
                counts[message.to] = counts.get(message.to, 0) + 1
        return counts


@contextmanager
def slow_smtp(delay: float = 0.2) -> Iterator[SlowSmtp]:
    server = SlowSmtp(delay=delay, port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


class Processes:
    """Processes started by a test, each in a session of its own, all killed at its end; their
    output goes to files under *logs* for the test to read."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "goodwill", *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.started.append(process)
        return process

    def run(self, args: list[str], env: dict[str, str], timeout: float = 60) -> str:
        """Run a CLI command to its end; its output, or a failed test."""
        done = subprocess.run(
            [sys.executable, "-m", "goodwill", *args],
            env=env,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        output = (done.stdout + done.stderr).decode()
        assert done.returncode == 0, f"goodwill {' '.join(args)} failed:\n{output}"
        return output

    def worker(self, env: dict[str, str]) -> subprocess.Popen[bytes]:
        return self.start("worker", ["worker"], env)

    def output(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL: no handler runs, no transaction is finished, nothing is flushed."""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@contextmanager
def processes(logs: Path) -> Iterator[Processes]:
    started = Processes(logs)
    try:
        yield started
    finally:
        started.stop_all()


def time_passes(minutes: int) -> None:
    """Move every clock the worker reads back by *minutes*, as if that long had passed since the
    crash: leases and stalls run out, the dead worker's heartbeat goes stale and the sweeps are
    due (the tests cannot wait the real minutes)."""
    ago = timedelta(minutes=minutes)
    WorkerHeartbeat.objects.update(last_seen_at=F("last_seen_at") - ago)
    SweepState.objects.update(next_run_at=timezone.now() - ago)
    OutgoingMessage.objects.exclude(claimed_at=None).update(claimed_at=F("claimed_at") - ago)
    Digest.objects.exclude(claimed_at=None).update(claimed_at=F("claimed_at") - ago)
    ContactImport.objects.update(updated_at=F("updated_at") - ago)
