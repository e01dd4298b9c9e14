"""Housekeeping sweeps of the foundation. Capability apps register their own in their sweeps.py."""

from datetime import datetime, timedelta

from django.contrib.sessions.models import Session
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from goodwill.accounts.models import LoginFailure
from goodwill.core.models import WorkerHeartbeat
from goodwill.core.worker import sweep

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
    LoginFailure.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    WorkerHeartbeat.objects.filter(last_seen_at__lt=now - KEEP_STOPPED_HEARTBEATS).delete()
    # Sessions live in the database; expired ones are never read again, only kept.
    Session.objects.filter(expire_date__lt=now).delete()
