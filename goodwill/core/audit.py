"""The audit trail: who created, changed, deleted, merged, erased, exported or imported what.

Two ways in:
- every save or delete of one workspace-owned record while a person acts (goodwill.core.acting:
  a page, an API call, a CLI command run `--as` someone) is recorded by WorkspaceOwned itself,
  so a capability that adds a model is audited without a change here;
- the services record the actions that are more than a write (merge, erase, export, import,
  backup, restore) with `audit_record`.

An event names its record by type and id only, never by a name or any other personal data, so
the trail survives the erasure of the person it mentions and shows nothing of them afterwards.
Bulk queries (imports, recomputed rollups) are not recorded row by row: the action that caused
them is.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet

from goodwill.accounts.models import User, Workspace
from goodwill.core import acting
from goodwill.core.models import AuditEvent
from goodwill.core.scoping import scoped

# Workspace-owned models whose writes are not recorded, and why (docs/security.md repeats it).
NOT_AUDITED: dict[str, str] = {
    "core.auditevent": "the trail itself",
    "people.timelineentry": "a contact's timeline is derived from the records it shows",
    "people.contactimport": "an import is recorded once, as imported or undone",
    "people.contactimportbatch": "an import is recorded once, as imported or undone",
    "touchpoints.rapportscore": "recomputed from interactions",
    "touchpoints.laddertotal": "recomputed from interactions",
    "touchpoints.due": "thanks owed are derived from interactions",
    "agenda.digest": "the worker's outbox of daily digests",
    "clients.spend": "recomputed from purchases",
    "clients.fit": "recomputed from the profile answers",
    "dav.cardname": "bookkeeping of the CardDAV sync",
    "dav.cardtombstone": "bookkeeping of the CardDAV sync",
}

# The actions, in the words the audit page shows.
ACTIONS: dict[str, str] = {
    "create": "created",
    "change": "changed",
    "delete": "deleted",
    "merge": "merged",
    "erase": "erased",
    "export": "exported",
    "import": "imported",
    "import-undo": "undid the import",
    "backup": "downloaded a backup of",
    "restore": "restored a backup into",
    "invite": "sent an invitation",
    "invite-accept": "accepted the invitation",
    "invite-revoke": "withdrew the invitation",
    "member-remove": "removed the member",
    "password-change": "changed the password of",
    "two-factor-on": "turned two-factor sign-in on for",
    "two-factor-off": "turned two-factor sign-in off for",
}
# What WorkspaceOwned records by itself; a named action above says more and replaces them.
AUTOMATIC = frozenset({"create", "change", "delete"})


def _write(
    workspace_id: int, *, actor_id: int | None, via: str, action: str, label: str, pk: object
) -> AuditEvent | None:
    state = acting.current()
    record = (label, str(pk))
    if state is not None:
        if _already_said(state, action, record):
            return None
        if action not in AUTOMATIC:
            _supersede(state, record)
    event = AuditEvent.objects.create(
        workspace_id=workspace_id,
        actor_id=actor_id,
        via=via,
        action=action,
        object_type=label,
        object_id=str(pk),
    )
    if state is not None:
        state.recorded.add((action, *record))
        if action in AUTOMATIC:
            state.automatic.setdefault(record, event.pk)
    return event


def _already_said(state: acting.Acting, action: str, record: tuple[str, str]) -> bool:
    """Whether this request's trail already says *action* on *record*, or says it better.

    One request that saves a record three times changed it once; a record created in it was
    not also "changed"; an invitation sent was not also "created", nor an erased person also
    "deleted": the named action replaces the automatic ones, before or after them.
    """
    if (action, *record) in state.recorded:
        return True
    if action in AUTOMATIC:
        return record in state.named or (
            action == "change" and ("create", *record) in state.recorded
        )
    return False


def _supersede(state: acting.Acting, record: tuple[str, str]) -> None:
    """A named action on *record* takes the place of its automatic event in this request."""
    state.named.add(record)
    automatic = state.automatic.pop(record, None)
    if automatic is not None:
        AuditEvent.objects.filter(pk=automatic).delete()


def audit_record(
    workspace: Workspace, *, actor: User | None, action: str, obj: models.Model
) -> AuditEvent | None:
    """Record an action on *obj* by its type and id alone (no personal data)."""
    state = acting.current()
    return _write(
        workspace.pk,
        actor_id=actor.pk if actor is not None else (state.user_id if state else None),
        via=state.via if state else "cli",
        action=action,
        label=obj._meta.label_lower,
        pk=obj.pk,
    )


def record_write(obj: models.Model, action: str, pk: object) -> None:
    """Called by WorkspaceOwned.save() and .delete() while someone acts."""
    state = acting.current()
    label = obj._meta.label_lower
    if state is None or label in NOT_AUDITED:
        return
    _write(
        obj.workspace_id,  # type: ignore[attr-defined]
        actor_id=state.user_id,
        via=state.via,
        action=action,
        label=label,
        pk=pk,
    )


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor_id: int | None = None
    object_type: str = ""
    object_id: str = ""


def audit_events(workspace: Workspace, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The workspace's trail, newest first, narrowed by *filters* (each served by an index)."""
    events = scoped(AuditEvent, workspace).select_related("actor")
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
        if filters.object_id:
            events = events.filter(object_id=filters.object_id)
    return events.order_by("-created_at", "-pk")
