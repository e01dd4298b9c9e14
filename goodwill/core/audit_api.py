"""The audit trail over the API, for the workspace's owners (403 for anyone else)."""

from datetime import datetime
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from goodwill.api.platform import CappedPagination, RecordId, require_owner, workspace_of
from goodwill.core.audit import ACTIONS, AuditFilters, audit_events
from goodwill.core.models import AuditEvent

router = Router(tags=["audit"])

ActionName = Literal[
    "create", "change", "delete", "merge", "erase", "export", "import", "import-undo", "backup",
    "restore", "invite", "invite-accept", "invite-revoke", "member-remove", "password-change",
    "two-factor-on", "two-factor-off",
]  # fmt: skip
assert set(ActionName.__args__) == set(ACTIONS)  # type: ignore[attr-defined]


class AuditEventOut(Schema):
    id: int
    created_at: datetime
    actor: str | None = Field(
        description="The member's e-mail; null for the installation or a visitor"
    )
    via: str = Field(description="web, api, dav, cli or public")
    action: str
    object_type: str = Field(description="The record's kind, e.g. people.contact")
    object_id: str

    @staticmethod
    def resolve_actor(obj: AuditEvent) -> str | None:
        return obj.actor.email if obj.actor else None


class AuditQuery(Schema):
    action: ActionName | None = None
    actor: RecordId | None = Field(None, description="A member's user id")
    object_type: str = Field("", max_length=60)
    object_id: str = Field("", max_length=40, description="With object_type: one record's history")


@router.get(
    "/audit",
    response=list[AuditEventOut],
    summary="The audit trail, newest first (owners only)",
)
@paginate(CappedPagination)
def audit_list(request: HttpRequest, filters: Query[AuditQuery]) -> QuerySet[AuditEvent]:
    require_owner(request)
    return audit_events(
        workspace_of(request),
        AuditFilters(
            action=filters.action or "",
            actor_id=filters.actor,
            object_type=filters.object_type,
            object_id=filters.object_id,
        ),
    )
