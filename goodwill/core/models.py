"""Operational state: worker heartbeats and the schedule of periodic sweeps.

These rows describe the installation, not any workspace, so they carry no workspace.
"""

from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """One row per running (or once-running) worker process, touched every loop."""

    worker_id = models.CharField(max_length=100, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    jobs_run = models.PositiveIntegerField(default=0)
    stopped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.worker_id


class SweepState(models.Model):
    """When a periodic sweep last ran and when it is next due.

    Workers claim a due sweep with a conditional UPDATE on next_run_at; only the worker whose
    UPDATE changed the row runs it, so several workers never run one sweep twice.
    """

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name
