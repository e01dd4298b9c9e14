"""The Audit settings page: the workspace's trail of who did what, for its owners only."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import ForeignKey
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from goodwill.accounts.access import WorkspaceRequest, owner_required
from goodwill.accounts.models import Membership, Workspace
from goodwill.core.audit import ACTIONS, AuditFilters, audit_events
from goodwill.core.models import AuditEvent
from goodwill.core.paging import window
from goodwill.core.scoping import WorkspaceOwned, scoped

PAGE_SIZE = 50

# Records with a page of their own; the others link to their contact's page, if they have one.
PAGES: dict[str, str] = {
    "people.contact": "people:contact",
    "people.organization": "people:organization",
    "touchpoints.interaction": "touchpoints:edit",
    "agenda.reminder": "agenda:reminder_edit",
    "messaging.outgoingmessage": "messaging:message",
    "messaging.messagetemplate": "messaging:template_edit",
    "clients.engagement": "clients:engagement",
    "events.event": "events:event",
}


@dataclass(frozen=True)
class Row:
    event: AuditEvent
    action: str  # in words
    what: str  # "Fact #12"
    url: str  # the record's page, or its contact's; "" once it is gone


def filters_from(params: QueryDict) -> AuditFilters:
    """The page's and the API's filters; unknown values filter nothing rather than fail."""
    actor = params.get("actor", "")
    return AuditFilters(
        action=params.get("action", "") if params.get("action", "") in ACTIONS else "",
        actor_id=int(actor) if actor.isdigit() else None,
        object_type=params.get("type", "")[:60],
        object_id=params.get("id", "")[:40],
    )


def _type_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return label


def _links(workspace: Workspace, events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """Each record's page, with one query per kind of record on the page (not one per row)."""
    ids: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.object_id.isdigit():
            ids[event.object_type].add(int(event.object_id))
    links: dict[tuple[str, str], str] = {}
    for label, pks in ids.items():
        try:
            # Any: which model, and so which fields, is known only at run time.
            model: Any = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        if not issubclass(model, WorkspaceOwned):
            continue  # the workspace itself (exported, backed up): the page it is on
        rows = scoped(model, workspace).filter(pk__in=pks)
        if label in PAGES:
            for pk in rows.values_list("pk", flat=True):
                links[(label, str(pk))] = _url(PAGES[label], pk)
            continue
        if not _has_contact(model):
            continue
        for pk, contact_id in rows.values_list("pk", "contact_id"):
            if contact_id is not None:
                links[(label, str(pk))] = _url("people:contact", contact_id)
    return links


def _has_contact(model: Any) -> bool:
    fields = {f.name: f for f in model._meta.get_fields()}
    return isinstance(fields.get("contact"), ForeignKey)


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


@require_GET
@owner_required
def audit_page(request: WorkspaceRequest) -> HttpResponse:
    filters = filters_from(request.GET)
    page = window(audit_events(request.workspace, filters), request.GET, PAGE_SIZE)
    links = _links(request.workspace, page.object_list)
    rows = [
        Row(
            event=event,
            action=ACTIONS.get(event.action, event.action),
            what=f"{_type_name(event.object_type)} #{event.object_id}",
            url=links.get((event.object_type, event.object_id), ""),
        )
        for event in page.object_list
    ]
    members = (
        Membership.objects.filter(workspace=request.workspace)
        .select_related("user")
        .order_by("user__email")
    )
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "actions": ACTIONS,
        "members": members,
    }
    return render(request, "core/audit.html", context)
