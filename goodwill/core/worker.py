"""The background worker: queued jobs (django.tasks on the database) and periodic sweeps.

`goodwill worker` runs `WorkerLoop.run_forever()`. Each round it beats its heartbeat, runs the
sweeps that are due and then the queued jobs; every step is a function a test can call once.
Several workers may run at once: jobs are claimed by django-tasks-db under a row lock, and sweeps
by a conditional UPDATE that only one worker can win.
"""

import logging
import os
import signal
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import OperationalError, close_old_connections, models
from django.db.models import F
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from goodwill.core.models import SweepState, WorkerHeartbeat

logger = logging.getLogger("goodwill.worker")

type SweepFunction = Callable[[datetime], Any]


@dataclass(frozen=True)
class Sweep:
    name: str
    every: timedelta
    function: SweepFunction


SWEEPS: dict[str, Sweep] = {}


def sweep(name: str, *, every: timedelta) -> Callable[[SweepFunction], SweepFunction]:
    """Register a periodic sweep. It is given the current time and must be idempotent, and must
    catch up by itself on what fell due while no worker ran."""

    def register(function: SweepFunction) -> SweepFunction:
        SWEEPS[name] = Sweep(name=name, every=every, function=function)
        return function

    return register


def sweep_claim(item: Sweep, now: datetime) -> bool:
    """True when this worker won the right to run *item* now (exactly one worker does)."""
    SweepState.objects.get_or_create(name=item.name, defaults={"next_run_at": now})
    won = SweepState.objects.filter(name=item.name, next_run_at__lte=now).update(
        next_run_at=now + item.every, last_started_at=now
    )
    return won == 1


def sweep_run(item: Sweep, now: datetime) -> bool:
    """Run *item* if it is due and this worker claims it; record how it ended."""
    if not sweep_claim(item, now):
        return False
    error = ""
    try:
        item.function(now)
    except Exception:
        logger.exception("Sweep %s failed", item.name, extra={"sweep": item.name})
        error = traceback.format_exc()
    SweepState.objects.filter(name=item.name).update(
        last_finished_at=timezone.now(), last_error=error[-5000:]
    )
    return True


def sweeps_run_due(now: datetime) -> list[str]:
    return [item.name for item in list(SWEEPS.values()) if sweep_run(item, now)]


def heartbeat_beat(worker_id: str, *, jobs_run: int = 0) -> None:
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(
        last_seen_at=timezone.now(), jobs_run=F("jobs_run") + jobs_run, stopped_at=None
    )
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id, hostname=socket.gethostname()[:255], pid=os.getpid()
        )


def heartbeat_stop(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(stopped_at=timezone.now())


def workers_alive(now: datetime) -> "models.QuerySet[WorkerHeartbeat]":
    stale_before = now - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(last_seen_at__gte=stale_before, stopped_at=None)


def worker_status(now: datetime | None = None) -> dict[str, Any]:
    """What /healthz and the system page say about the workers and the queue."""
    now = now or timezone.now()
    latest = WorkerHeartbeat.objects.order_by("-last_seen_at").first()
    alive = workers_alive(now)
    return {
        "alive": alive.exists(),
        "workers_alive": alive.count(),
        "last_seen_at": latest.last_seen_at.isoformat() if latest else None,
        "seconds_since_last_seen": (
            max(0, int((now - latest.last_seen_at).total_seconds())) if latest else None
        ),
        "jobs_waiting": DBTaskResult.objects.ready().count(),
        "jobs_failed_24h": DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, finished_at__gte=now - timedelta(hours=24)
        ).count(),
    }


def job_claim(worker_id: str) -> "DBTaskResult[Any, Any] | None":
    """Claim the next ready job for this worker, or None. The row lock (an exclusive transaction
    on SQLite) makes sure no two workers claim the same job."""
    ready = DBTaskResult.objects.ready().filter(backend_name="default")
    try:
        with exclusive_transaction(ready.db):
            job = ready.get_locked()
            if job is not None:
                job.claim(worker_id)
    except OperationalError as error:
        # SQLite: another process holds the write lock past the busy timeout. Try next round.
        if is_locked_database_exception(error):
            return None
        raise
    return job


def jobs_run_ready(
    worker_id: str, *, limit: int = 100, keep_going: Callable[[], bool] = lambda: True
) -> int:
    """Run up to *limit* ready jobs, one after another, while keep_going() says so.
    Returns how many ran."""
    runner = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=limit,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit and keep_going() and (job := job_claim(worker_id)) is not None:
        # run_task records success or failure on the job row; it never raises.
        runner.run_task(job)
        ran += 1
    return ran


def new_worker_id() -> str:
    return f"{socket.gethostname()[:60]}-{os.getpid()}-{int(time.time())}"


# A busy worker beats at least this often, between jobs, so it is not taken for dead.
BEAT_EVERY_SECONDS = 30
# After an unexpected error (the database restarting, say), wait this long before the next round.
ERROR_PAUSE_SECONDS = 5


class WorkerLoop:
    def __init__(self, *, worker_id: str | None = None, poll_seconds: float | None = None) -> None:
        self.worker_id = worker_id or new_worker_id()
        self.poll_seconds = poll_seconds or settings.WORKER_POLL_SECONDS
        self.running = True
        self.last_beat = 0.0

    def beat(self, jobs_run: int = 0) -> None:
        heartbeat_beat(self.worker_id, jobs_run=jobs_run)
        self.last_beat = time.monotonic()

    def keep_going(self) -> bool:
        if time.monotonic() - self.last_beat > BEAT_EVERY_SECONDS:
            self.beat()
        return self.running

    def run_once(self) -> int:
        """One round: heartbeat, due sweeps, ready jobs. Returns the number of jobs run."""
        self.beat()
        sweeps_run_due(timezone.now())
        jobs = jobs_run_ready(self.worker_id, keep_going=self.keep_going)
        if jobs:
            self.beat(jobs_run=jobs)
        return jobs

    def run_round(self) -> float:
        """One round that survives any error; returns the seconds to wait before the next."""
        try:
            jobs = self.run_once()
        except Exception:
            # The worker must outlive a database restart or a lock held too long.
            logger.exception("Worker round failed; retrying", extra={"worker_id": self.worker_id})
            close_old_connections()
            return ERROR_PAUSE_SECONDS
        return 0 if jobs else self.poll_seconds

    def stop(self, signum: int, frame: FrameType | None) -> None:
        logger.info("Worker %s stopping after the current job", self.worker_id)
        self.running = False

    def run_forever(self) -> None:
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        logger.info("Worker %s started", self.worker_id, extra={"worker_id": self.worker_id})
        try:
            while self.running:
                # Like a request: drop a connection the database closed or that is too old.
                close_old_connections()
                self._sleep(self.run_round())
        finally:
            heartbeat_stop(self.worker_id)
            logger.info("Worker %s stopped", self.worker_id, extra={"worker_id": self.worker_id})

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self.running and time.monotonic() < deadline:
            time.sleep(min(0.2, seconds))
