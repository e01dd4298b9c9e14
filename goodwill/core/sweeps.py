"""Housekeeping sweeps of the foundation. Capability apps register their own in their sweeps.py."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from goodwill.accounts.models import LoginFailure
from goodwill.core import ratelimit
from goodwill.core.models import RateLimitHit, WorkerHeartbeat
from goodwill.core.worker import sweep, workers_alive

KEEP_FINISHED_JOBS = timedelta(days=30)
KEEP_STOPPED_HEARTBEATS = timedelta(days=7)


@sweep("prune-finished-jobs", every=timedelta(hours=6))
def prune_finished_jobs(now: datetime) -> int:
    """Forget successful jobs after 30 days; failed ones stay for an operator to read."""
    deleted, _ = DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - KEEP_FINISHED_JOBS
    ).delete()
    return deleted


@sweep("prune-housekeeping", every=timedelta(hours=1))
def prune_housekeeping(now: datetime) -> None:
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    LoginFailure.objects.filter(created_at__lt=now - window).delete()
    RateLimitHit.objects.filter(created_at__lt=now - ratelimit.KEEP).delete()
    WorkerHeartbeat.objects.filter(last_seen_at__lt=now - KEEP_STOPPED_HEARTBEATS).delete()
    # Sessions live in the database; expired ones are never read again, only kept.
    Session.objects.filter(expire_date__lt=now).delete()


class WorkerDied(Exception):
    """Recorded on a job whose worker stopped beating while it ran."""


@sweep("fail-abandoned-jobs", every=timedelta(minutes=1))
def fail_abandoned_jobs(now: datetime) -> int:
    """Mark as failed the running jobs whose worker died (killed, crashed, machine lost).

    They are not run again: a job may have done part of its work (sent an e-mail, say), and only
    the job itself can know whether repeating it is safe. Failing it makes it visible instead.
    """
    alive = set(workers_alive(now).values_list("worker_id", flat=True))
    abandoned = [
        job
        for job in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        if not job.worker_ids or job.worker_ids[-1] not in alive
    ]
    for job in abandoned:
        job.set_failed(WorkerDied(f"Worker {job.worker_ids[-1:]} stopped while running this job."))
    return len(abandoned)


@sweep("database-statistics", every=timedelta(hours=24))
def refresh_database_statistics(now: datetime) -> None:
    """SQLite plans queries from statistics that only ANALYZE gathers; without fresh ones it can
    walk a whole workspace's index where a narrow one serves (PostgreSQL's autovacuum does this
    by itself)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
