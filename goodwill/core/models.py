"""Operational state: worker heartbeats and the schedule of periodic sweeps.

Heartbeats and sweeps describe the installation, not any workspace, so they carry no workspace.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from goodwill.core.scoping import WorkspaceOwned


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


class AuditEvent(WorkspaceOwned):
    """Who did what to which record, and when. Never holds personal data: a record is named by
    its type and id only, so the trail survives the erasure of the person it mentions."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # How the actor reached Goodwill: web, api, cli, or public (a page anyone may use).
    via = models.CharField(max_length=10, blank=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-created_at"], name="core_audit_ws_time"),
            # The audit page's filters: one record's history, one member's, one kind of action.
            models.Index(
                fields=["workspace", "object_type", "object_id", "-created_at"],
                name="core_audit_ws_object",
            ),
            models.Index(fields=["workspace", "actor", "-created_at"], name="core_audit_ws_actor"),
            models.Index(
                fields=["workspace", "action", "-created_at"], name="core_audit_ws_action"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_id}"


class RateLimitHit(models.Model):
    """One counted attempt at a throttled action (a password reset, a public form).

    Not workspace data: it is counted before anyone is known. Rows older than the longest window
    are deleted by the `rate-limit-cleanup` sweep.
    """

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "created_at"], name="core_ratelimit_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} at {self.created_at:%Y-%m-%d %H:%M}"
