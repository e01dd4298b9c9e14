from django.db import models

from goodwill.accounts.models import User, Workspace
from goodwill.core.models import AuditEvent


def audit_record(
    workspace: Workspace, *, actor: User | None, action: str, obj: models.Model
) -> AuditEvent:
    """Record an action on *obj* by its type and id alone (no personal data)."""
    return AuditEvent.objects.create(
        workspace=workspace,
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
    )
