"""Every page and every API operation, walked as someone who must not reach the records.

The walker takes the URL patterns from Django's resolver and the operations from the OpenAPI
schema, so a new endpoint is walked without anyone remembering to: it is requested with path
arguments that name records of the owner's workspace ("Ortiz Consulting", filled by the demo
builder), as the outsider, who owns another workspace, and must answer 404 (405 for a method the
view does not take), never show the owner's data, never fail, and never change a stored row.

- A path argument is known by the static segment before it ("people/{pk}" is a contact). A
  pattern whose argument the map does not know fails the walk, with the line to add.
- Public patterns (the customer's case form, the calendar feed, CardDAV ...) are listed with
  the reason they are public and tested with tokens of the wrong workspace.
- Owner-only pages (a wrapper or a POST branch that refuses a non-owner) and API operations
  (handlers that call `require_owner`) are found by reading their source, and walked as the
  assistant, who must get 403 or 404 and change nothing.
"""

import base64
import hashlib
import inspect
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import F
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from goodwill.accounts import services as accounts_services
from goodwill.accounts.models import ApiToken, Membership, User, Workspace
from goodwill.agenda import calendar, digest
from goodwill.agenda.models import Reminder
from goodwill.agreements import breaches
from goodwill.agreements.models import Agreement, Breach, Clarification, Invoice, Need
from goodwill.care import links
from goodwill.care import services as care_services
from goodwill.care.models import Case, ClientLink, Holiday
from goodwill.clients.models import Engagement, Purchase
from goodwill.core import demo
from goodwill.core.scoping import scoped
from goodwill.core.testing import GoodwillTestCase
from goodwill.events import services as event_services
from goodwill.events.models import Attendance, Event
from goodwill.messaging import services as messaging_services
from goodwill.messaging.models import MessageTemplate, OutgoingMessage
from goodwill.people import services as people_services
from goodwill.people.models import (
    CircleMember,
    Contact,
    ContactImport,
    Fact,
    Gift,
    ImportantDate,
    Note,
    Organization,
    SavedFilter,
)
from goodwill.touchpoints.models import Due, Interaction

API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class Ref:
    """A path argument that names a record: its model (or its label, for a model that another
    app may still be shaping), the field the path carries, and whose it is: the workspace's, or
    (for per-user rows such as sign-in sessions) the owner's own."""

    label: type[models.Model] | str
    field: str = "pk"
    per_user: bool = False

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label) if isinstance(self.label, str) else self.label


# "segment/{argument}" -> the record it names; the segment is the static one before the argument,
# in page routes and in API paths alike. Add a line here for every new kind of path argument.
ROUTE_REFS: dict[str, Ref] = {
    # pages
    "people/{pk}": Ref(Contact),
    "orgs/{pk}": Ref(Organization),
    "members/{pk}": Ref(Membership),
    "tokens/{pk}": Ref(ApiToken),
    "views/{pk}": Ref(SavedFilter),
    "imports/{pk}": Ref(ContactImport),
    "facts/{item}": Ref(Fact),
    "circle/{item}": Ref(CircleMember),
    "dates/{item}": Ref(ImportantDate),
    "gifts/{item}": Ref(Gift),
    "notes/{item}": Ref(Note),
    "thanks/{pk}": Ref(Due),
    "interactions/{pk}": Ref(Interaction),
    "reminders/{pk}": Ref(Reminder),
    "messages/{pk}": Ref(OutgoingMessage),
    "templates/{pk}": Ref(MessageTemplate),
    "care/{number}": Ref(Case, "number"),
    "holidays/{pk}": Ref(Holiday),
    "engagements/{pk}": Ref(Engagement),
    "purchases/{pk}": Ref(Purchase),
    "needs/{pk}": Ref(Need),
    "agreements/{pk}": Ref(Agreement),
    "breaches/{breach_id}": Ref(Breach),
    "clarifications/{item_id}": Ref(Clarification),
    "invoices/{item_id}": Ref(Invoice),
    "events/{pk}": Ref(Event),
    "attendees/{contact_pk}": Ref(Contact),
    "invitations/{pk}": Ref("accounts.Invitation"),
    "sessions/{pk}": Ref("accounts.UserSession", per_user=True),
    # API
    "tokens/{token_id}": Ref(ApiToken),
    "contacts/{contact_id}": Ref(Contact),
    "facts/{fact_id}": Ref(Fact),
    "circle/{member_id}": Ref(CircleMember),
    "dates/{date_id}": Ref(ImportantDate),
    "gifts/{gift_id}": Ref(Gift),
    "notes/{note_id}": Ref(Note),
    "organizations/{org_id}": Ref(Organization),
    "organizations/{organization_id}": Ref(Organization),
    "imports/{import_id}": Ref(ContactImport),
    "interactions/{interaction_id}": Ref(Interaction),
    "dues/{due_id}": Ref(Due),
    "reminders/{reminder_id}": Ref(Reminder),
    "message-templates/{template_id}": Ref(MessageTemplate),
    "messages/{message_id}": Ref(OutgoingMessage),
    "cases/{number}": Ref(Case, "number"),
    "holidays/{holiday_id}": Ref(Holiday),
    "engagements/{engagement_id}": Ref(Engagement),
    "purchases/{purchase_id}": Ref(Purchase),
    "needs/{need_id}": Ref(Need),
    "agreements/{agreement_id}": Ref(Agreement),
    "clarifications/{clarification_id}": Ref(Clarification),
    "invoices/{invoice_id}": Ref(Invoice),
    "events/{event_id}": Ref(Event),
    "attendees/{contact_id}": Ref(Contact),
}

# Path arguments that name no record: the value the walker sends.
ROUTE_LITERALS: dict[str, list[str]] = {
    # what to do with an import: each is walked, the mutating ones included
    "imports/{action}": ["columns", "choices", "confirm", "cancel", "undo"],
}

# Patterns reachable without a workspace session, each with the reason; each is tested below.
PUBLIC_PATTERNS: dict[str, str] = {
    "care:public_form": "the workspace's public request form, addressed by its published slug",
    "care:lost_link": "a customer asks for their links again by e-mail; answers the same always",
    "care:status_page": "a customer's case, behind an unguessable per-case token",
    "care:client_page": "a client's page, behind an unguessable per-contact token",
    "agenda:feed": "the calendar feed for calendar apps, behind an unguessable token",
    "agenda:unsubscribe": "the digest's unsubscribe link, a signed token, no sign-in",
    "dav:principal": "CardDAV, signed in with HTTP Basic (e-mail and API token)",
    "dav:home": "CardDAV, signed in with HTTP Basic (e-mail and API token)",
    "dav:book": "CardDAV, signed in with HTTP Basic (e-mail and API token)",
    "dav:card": "CardDAV, signed in with HTTP Basic (e-mail and API token)",
    "accounts:password_reset_confirm": "the link of a password-reset e-mail, a signed token",
    "accounts:invitation": "the link of an invitation e-mail, behind an unguessable token",
}

# The operator's Django admin: staff accounts only; a workspace owner is sent to sign in.
ADMIN_ARGUMENTS = {"object_id": "1", "content_type_id": "1", "app_label": "auth", "url": "x"}

# API URL patterns that are not operations of the schema.
API_NON_OPERATIONS = {"openapi-json", "openapi-view", "api-root"}

# Form fields and API body properties that name a record: the walker sends the owner's.
BODY_REFS: dict[str, type[models.Model]] = {
    "contact": Contact,
    "introduced_by": Contact,
    "other": Contact,
    "linked_contact": Contact,
    "for_member": CircleMember,
    "member": CircleMember,
    "template": MessageTemplate,
    "due": Due,
    "purchase": Purchase,
    "need": Need,
    "agreement": Agreement,
}
BODY_LISTS: dict[str, type[models.Model]] = {"contacts": Contact, "ids": Contact}

# Problems found by the walk in code owned elsewhere, each with the fix it waits for.
KNOWN_PAGE_PROBLEMS: dict[str, str] = {}

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
# Columns that a member's own use of the workspace updates (the assistant's token when used).
VOLATILE = {"last_used_at", "last_seen_at", "last_login"}
OWNER_CHECK = re.compile(r"if not request\.membership\.is_owner:\s*\n\s*raise")
ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


@dataclass
class Pattern:
    route: str
    name: str
    callback: Callable[..., Any]
    arguments: list[str]


@dataclass
class Walk:
    """What a walk saw: the requests made and what went wrong."""

    requests: int = 0
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, message: str) -> None:
        if not ok:
            self.failures.append(message)

    def assert_clean(self, known: dict[str, str] | None = None) -> None:
        """No problem but the *known* ones, each of which must still be there: when one is
        fixed, its entry goes, so the walk checks that page again."""
        known = known or {}
        fixed = [problem for problem in known if problem not in self.failures]
        assert not fixed, f"Fixed, so remove from the known problems: {fixed}"
        found = [problem for problem in self.failures if problem not in known]
        assert not found, f"{len(found)} problems:\n" + "\n".join(found)


def url_patterns(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Pattern]:
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace or ""]))
            yield from url_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            name = ":".join(filter(None, [namespace, entry.name or ""]))
            arguments = [a or b for a, b in ARGUMENT.findall(route)]
            yield Pattern(route.lstrip("^").rstrip("$"), name, entry.callback, arguments)


def argument_keys(route: str) -> dict[str, str]:
    """Each argument of *route* with its key in ROUTE_REFS: the static segment before it."""
    keys, segment = {}, ""
    for part in route.strip("/").split("/"):
        found = [a or b for a, b in ARGUMENT.findall(part)] + re.findall(r"\{(\w+)\}", part)
        if not found:
            segment = part
        for argument in found:
            keys[argument] = f"{segment}/{{{argument}}}"
    return keys


def fill(route: str, values: dict[str, str]) -> str:
    """The concrete path of a page route or an API path template."""
    path = ARGUMENT.sub(lambda m: values[m.group(1) or m.group(2)], route)
    path = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
    path = re.sub(r"\[\^/\]\+|\?|\\", "", path)  # what is left of a regex route
    return "/" + path.lstrip("/")


def view_chain(view: Callable[..., Any]) -> list[Callable[..., Any]]:
    chain = [view]
    while (inner := getattr(chain[-1], "__wrapped__", None)) is not None and inner not in chain:
        chain.append(inner)
    return chain


def owner_gate(view: Callable[..., Any]) -> str:
    """ "all" when a wrapper refuses non-owners, "post" when the view's POST branch does, or ""."""
    *wrappers, innermost = view_chain(view)
    if any(OWNER_CHECK.search(inspect.getsource(f.__code__)) for f in wrappers):
        return "all"
    if OWNER_CHECK.search(inspect.getsource(innermost.__code__)):
        return "post"
    return ""


def api_handler(path: str, method: str) -> Callable[..., Any]:
    """The function behind one API operation, found through the resolver like a request."""
    path_view = inspect.getclosurevars(resolve(path).func).nonlocals["self"]
    for operation in path_view.operations:
        if method in operation.methods:
            return operation.view_func
    raise AssertionError(f"No {method} operation at {path}")


def workspace_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if any(f.name == "workspace" for f in model._meta.concrete_fields)
    ]


def user_models() -> list[type[models.Model]]:
    """Per-user rows outside any workspace (sign-in sessions, two-factor secrets ...)."""
    return [
        model
        for model in apps.get_models()
        if model not in workspace_models()
        and any(f.name == "user" and f.related_model is User for f in model._meta.concrete_fields)
    ]


def digest_of(rows: models.QuerySet[Any]) -> str:
    columns = [f.attname for f in rows.model._meta.concrete_fields if f.name not in VOLATILE]
    values = list(rows.order_by("pk").values_list(*columns))
    return hashlib.sha256(repr(values).encode()).hexdigest()


def fingerprint(workspace: Workspace, owner: User) -> dict[str, str]:
    """A digest of every stored value of *workspace* and of its *owner*, model by model."""
    prints = {
        model._meta.label: digest_of(scoped(model, workspace)) for model in workspace_models()
    }
    for model in user_models():
        prints[model._meta.label] = digest_of(model._default_manager.filter(user=owner))
    prints["accounts.Workspace"] = digest_of(Workspace.objects.filter(pk=workspace.pk))
    prints["accounts.User"] = digest_of(User.objects.filter(pk=owner.pk))
    return prints


def cross_workspace_references() -> list[str]:
    """Rows that point at a record of another workspace, in any workspace."""
    found = []
    for model in workspace_models():
        for column in model._meta.concrete_fields:
            target = column.related_model
            if column.name == "workspace" or not isinstance(column, models.ForeignKey):
                continue
            if not any(f.name == "workspace" for f in target._meta.concrete_fields):  # type: ignore[union-attr]
                continue
            rows = (
                model._default_manager.filter(**{f"{column.name}__isnull": False})
                .exclude(**{f"{column.name}__workspace": F("workspace")})
                .values_list("pk", flat=True)
            )
            if ids := list(rows[:5]):
                found.append(f"{model._meta.label}.{column.name} ids {ids}")
    return found


def example(schema: dict[str, Any], spec: dict[str, Any], name: str, refs: dict[str, int]) -> Any:
    """A value that passes *schema*, naming the owner's records where the property names one."""
    if "$ref" in schema:
        return example(resolve_ref(spec, schema["$ref"]), spec, name, refs)
    if "anyOf" in schema:
        branches = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return example(branches[0], spec, name, refs)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if name in BODY_LISTS:
        return [refs[BODY_LISTS[name].__name__]]
    if name in BODY_REFS:
        return refs[BODY_REFS[name].__name__]
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        required = set(schema.get("required", []))
        return {
            key: example(value, spec, key, refs)
            for key, value in schema.get("properties", {}).items()
            if key in required or key in BODY_REFS or key in BODY_LISTS
        }
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    return STRING_EXAMPLES.get(name, "walker")


STRING_EXAMPLES = {
    "kind": "client",
    "category": "like",
    "relation": "friend",
    "type": "question",
    "status": "open",
    "occasion": "thanks",
    "currency": "USD",
    "date": "2030-01-15",
    "due_on": "2030-01-15",
    "starts_on": "2030-01-15",
    "to_address": "walker@example.com",
    "email": "walker@example.com",
    "why": "Because the walker says so.",
}


def names_in(workspace: Workspace) -> set[str]:
    names = [c.display_name for c in scoped(Contact, workspace)]
    names += list(scoped(Organization, workspace).values_list("name", flat=True))
    names += list(scoped(Event, workspace).values_list("name", flat=True))
    names += list(scoped(Case, workspace).values_list("subject", flat=True))
    names += list(scoped(MessageTemplate, workspace).values_list("name", flat=True))
    names += list(scoped(Engagement, workspace).values_list("title", flat=True))
    names += list(scoped(Note, workspace).values_list("body", flat=True))
    return {name for name in names if len(name) >= 6}


def resolve_ref(spec: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = spec
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return dict(node)


class IsolationWalkTests(GoodwillTestCase):
    """The outsider walks every page and API operation with the owner's records in the path."""

    outsider_contact: Contact
    outsider_event: Event
    outsider_case: Case
    owner_case_token: str
    outsider_case_token: str
    owner_client_token: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        demo.demo_fill(cls.workspace, cls.owner)
        cls.fill_what_the_demo_leaves_out()
        cls.give_the_outsider_records()

    @classmethod
    def fill_what_the_demo_leaves_out(cls) -> None:
        """One record of each kind that a path names and the demo does not make."""
        dan = scoped(Contact, cls.workspace).get(first_name="Dan", last_name="Ortiz")
        people_services.saved_filter_create(
            cls.workspace, user=cls.owner, name="Retainers", query={"q": "retainer"}
        )
        breaches.invoice_create(
            dan, number="INV-7", amount="1200.00", currency="USD", due_on=date(2030, 1, 1)
        )
        calendar.feed_create(cls.workspace, cls.owner)
        case = scoped(Case, cls.workspace).order_by("-number").first()
        assert case is not None
        cls.owner_case_token = links.case_token_new(case)
        case.save()
        link = scoped(ClientLink, cls.workspace).get()
        cls.owner_client_token = links.client_token(link)
        accounts_services.invitation_create(
            workspace=cls.workspace, actor=cls.owner, email="newhire@ortiz.example"
        )
        accounts_services.session_seen(
            cls.owner, session_key="walker-owner-session", ip_address=None, user_agent="Walker"
        )

    @classmethod
    def give_the_outsider_records(cls) -> None:
        """Records of the outsider's own, for paths that mix theirs with the owner's."""
        cls.outsider_contact = people_services.contact_create(
            cls.other_workspace, actor=cls.outsider, first_name="Quentin", last_name="Quill"
        )
        cls.outsider_event = event_services.event_create(
            cls.other_workspace, actor=cls.outsider, name="Bakers' fair", starts_on=date(2030, 5, 1)
        )
        cls.outsider_case = care_services.case_open(
            cls.outsider_contact, actor=cls.outsider, type="question", subject="Flour delivery"
        )
        cls.outsider_case_token = links.case_token_new(cls.outsider_case)
        cls.outsider_case.save()
        # Every workspace starts with the same built-in templates: not the owner's to leak.
        messaging_services.templates_ensure(cls.other_workspace)

    def setUp(self) -> None:
        # A view that fails is one problem of the walk among others, not the end of it.
        self.client = Client(raise_request_exception=False)

    # -- the records a path names ---------------------------------------------------------------

    def owner_record(self, ref: Ref, context: dict[str, models.Model]) -> models.Model:
        """The owner's record for *ref*: one that belongs to the contact or event already chosen
        for the same path, so that only the workspace check stands between it and the walker."""
        if ref.per_user:
            mine = ref.model._default_manager.filter(user=self.owner).order_by("-pk").first()
            assert mine is not None, f"The fixture has no {ref.model.__name__} of the owner."
            return mine
        records = scoped(ref.model, self.workspace).order_by("-pk")
        if ref.model is Contact and "event" in context:
            attendance = (
                scoped(Attendance, self.workspace).filter(event_id=context["event"].pk).first()
            )
            assert attendance is not None, "The fixture event needs an attendee."
            return attendance.contact
        if ref.model is Case:
            theirs = scoped(Case, self.other_workspace).values_list("number", flat=True)
            records = records.exclude(number__in=list(theirs))
        owned = [f.name for f in ref.model._meta.concrete_fields if f.name in {"contact", "event"}]
        for name in owned:
            if name in context and (found := records.filter(**{name: context[name]}).first()):
                return found
        record = records.first()
        assert record is not None, f"The fixture has no {ref.model.__name__}; add one."
        return record

    def arguments_of(self, route: str, outsider_first: bool = False) -> dict[str, str] | None:
        """Values for every argument of *route*, or None when the map lacks one (reported).

        With *outsider_first*, the first argument names the outsider's own record and the rest
        the owner's: a nested record must not be reached through a parent one may see."""
        keys = argument_keys(route)
        refs = {arg: ROUTE_REFS[key] for arg, key in keys.items() if key in ROUTE_REFS}
        unknown = [key for key in keys.values() if key not in ROUTE_REFS | ROUTE_LITERALS]
        if unknown:
            return None
        # Children first, so the parent contact or event can be theirs.
        context: dict[str, models.Model] = {}
        values: dict[str, str] = {}
        for arg, key in keys.items():
            if key in ROUTE_LITERALS:
                values[arg] = ROUTE_LITERALS[key][0]
        ordered = sorted(refs, key=lambda arg: refs[arg].model in (Contact, Event))
        if any(refs[a].model is Event for a in refs):
            event = self.owner_record(Ref(Event), {})
            context["event"] = event
        for arg in ordered:
            ref = refs[arg]
            if ref.model is Event and "event" in context:
                record = context["event"]
            elif ref.model is Contact and "contact" in context and "event" not in context:
                record = context["contact"]
            else:
                record = self.owner_record(ref, context)
            for name in ("contact", "event"):
                if (value := getattr(record, name, None)) is not None and name not in context:
                    context[name] = value
            values[arg] = str(getattr(record, ref.field))
        if outsider_first:
            first = next(iter(keys))
            own = self.outsiders_own(refs.get(first))
            if own is None:
                return None
            values[first] = own
        return values

    def outsiders_own(self, ref: Ref | None) -> str | None:
        own: dict[type[models.Model], models.Model] = {
            Contact: self.outsider_contact,
            Event: self.outsider_event,
            Case: self.outsider_case,
        }
        if ref is None or ref.model not in own:
            return None
        return str(getattr(own[ref.model], ref.field))

    def variants(self, route: str) -> list[tuple[str, dict[str, str]]]:
        found = []
        if (values := self.arguments_of(route)) is not None:
            found.append(("owner's", values))
        keys = argument_keys(route)
        nested = len([k for k in keys.values() if k in ROUTE_REFS]) > 1
        if nested and (mixed := self.arguments_of(route, outsider_first=True)) is not None:
            found.append(("outsider's parent, owner's child", mixed))
        for key, choices in ROUTE_LITERALS.items():
            if key in keys.values() and values is not None:
                arg = next(a for a, k in keys.items() if k == key)
                found += [("owner's", {**values, arg: choice}) for choice in choices[1:]]
        return found

    def sentinels(self) -> list[str]:
        """Names of the owner's records that no page of another workspace may show (less those
        every workspace starts with, such as the built-in message templates)."""
        return sorted(names_in(self.workspace) - names_in(self.other_workspace))

    def body_refs(self) -> dict[str, int]:
        dan = scoped(Contact, self.workspace).get(first_name="Dan", last_name="Ortiz")
        refs = {"Contact": dan.pk}
        for model in {*BODY_REFS.values(), *BODY_LISTS.values()} - {Contact}:
            record = scoped(model, self.workspace).order_by("pk").first()
            assert record is not None, f"The fixture has no {model.__name__}; add one."
            refs[model.__name__] = record.pk
        return refs

    def form_data(self) -> dict[str, Any]:
        """A form post that names the owner's records wherever a form takes one."""
        refs = self.body_refs()
        data: dict[str, Any] = {name: refs[model.__name__] for name, model in BODY_REFS.items()}
        data |= {name: [refs[model.__name__]] for name, model in BODY_LISTS.items()}
        data |= {
            "workspace": self.workspace.slug,
            "add_tag": "walker",
            "name": "Walker",
            "first_name": "Walker",
            "title": "Walker",
            "body": "Walker was here",
            "text": "Walker was here",
            "subject": "Walker",
            "description": "Walker",
            "category": "like",
            "relation": "friend",
            "date": "2030-01-15",
            "due_on": "2030-01-15",
        }
        return data

    # -- checks ---------------------------------------------------------------------------------

    def check_answer(
        self,
        walk: Walk,
        label: str,
        response: Any,
        allowed: set[int] | None,
        before: dict[str, str] | None,
        sentinels: list[str],
    ) -> None:
        walk.requests += 1
        status = response.status_code
        walk.check(status < 500, f"{label}: {status}")
        if allowed is not None:
            walk.check(status in allowed, f"{label}: {status}, wanted one of {sorted(allowed)}")
        body = b"" if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        if status in (301, 302, 303, 307, 308):
            text += response["Location"]
        leaked = [name for name in sentinels if name in text]
        walk.check(not leaked, f"{label}: shows the owner's {leaked[:3]}")
        if before is not None:
            after = fingerprint(self.workspace, self.owner)
            changed = [label for label in after if after[label] != before[label]]
            walk.check(not changed, f"{label}: changed the owner's {changed}")
            if changed:
                before.update(after)

    def request_page(self, client: Client, method: str, path: str) -> HttpResponse:
        if method == "GET":
            return client.get(path)  # type: ignore[return-value]
        return client.post(path, self.form_data())  # type: ignore[return-value]

    def request_api(
        self, method: str, path: str, token: str, operation: dict[str, Any], spec: dict[str, Any]
    ) -> HttpResponse:
        headers = {"Authorization": f"Bearer {token}"}
        refs = self.body_refs()
        query = {
            p["name"]: refs["Contact"]
            for p in operation.get("parameters", [])
            if p["in"] == "query" and p["name"] == "contact"
        }
        content = operation.get("requestBody", {}).get("content", {})
        call = getattr(self.client, method.lower())
        if "multipart/form-data" in content:
            upload = SimpleUploadedFile("people.csv", b"First name\nWalker\n", "text/csv")
            return call(path, {"file": upload}, headers=headers)
        if "application/json" in content:
            body = example(content["application/json"]["schema"], spec, "", refs)
            return call(path, json.dumps(body), content_type="application/json", headers=headers)
        if query:
            path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        return call(path, headers=headers)

    def api_operations(self) -> tuple[dict[str, Any], list[tuple[str, str, dict[str, Any]]]]:
        spec = self.client.get(f"{API_PREFIX}/openapi.json").json()
        operations = [
            (method.upper(), path, operation)
            for path, methods in spec["paths"].items()
            for method, operation in methods.items()
        ]
        return spec, operations

    # -- the walks ------------------------------------------------------------------------------

    def test_every_path_argument_is_known(self):
        """Whoever adds a page or an operation with a new kind of argument extends the map."""
        missing = set()
        for pattern in url_patterns():
            if pattern.name in PUBLIC_PATTERNS or pattern.route.startswith("admin/"):
                continue
            for key in argument_keys(pattern.route).values():
                if key not in ROUTE_REFS and key not in ROUTE_LITERALS:
                    missing.add(f"{pattern.route} ({pattern.name}): {key}")
        assert not missing, (
            "Path arguments the isolation walk does not know; add them to ROUTE_REFS "
            "(the model they name) or to PUBLIC_PATTERNS (why anyone may reach them):\n"
            + "\n".join(sorted(missing))
        )

    def test_every_api_route_is_an_operation_of_the_schema(self):
        """The API walk goes by the schema, so an operation missing from it would go unwalked."""
        _, operations = self.api_operations()
        in_schema = {path for _, path, _ in operations}
        for pattern in url_patterns():
            short_name = pattern.name.rpartition(":")[2]
            if pattern.route.startswith("api/v1/") and short_name not in API_NON_OPERATIONS:
                template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", "/" + pattern.route)
                assert template in in_schema, f"{template} is not in the OpenAPI schema"

    def test_the_outsider_reaches_no_page_of_the_owner(self):
        walk = Walk()
        sentinels = self.sentinels()
        assert len(sentinels) > 20, sentinels
        before = fingerprint(self.workspace, self.owner)
        walked = 0
        for pattern in url_patterns():
            if pattern.route.startswith(("api/v1/", "admin/")) or pattern.name in PUBLIC_PATTERNS:
                continue
            walked += 1
            if not pattern.arguments:
                self.walk_page_without_arguments(walk, pattern, before, sentinels)
                continue
            variants = self.variants(pattern.route)
            walk.check(bool(variants), f"{pattern.route}: argument not in ROUTE_REFS")
            for variant, values in variants:
                path = fill(pattern.route, values)
                for method in ("GET", "POST"):
                    self.client.force_login(self.outsider)
                    response = self.request_page(self.client, method, path)
                    label = f"outsider {method} {path} ({pattern.name}, {variant})"
                    state = before if method == "POST" else None
                    self.check_answer(walk, label, response, {404, 405}, state, sentinels)
        print(f"\nisolation walk: {walked} page patterns, {walk.requests} requests")
        assert walked > 150
        walk.assert_clean(KNOWN_PAGE_PROBLEMS)
        assert cross_workspace_references() == []

    def walk_page_without_arguments(
        self, walk: Walk, pattern: Pattern, before: dict[str, str], sentinels: list[str]
    ) -> None:
        """A list or a form: the outsider sees their own workspace in it, never the owner's."""
        path = fill(pattern.route, {})
        for method in ("GET", "POST"):
            self.client.force_login(self.outsider)
            response = self.request_page(self.client, method, path)
            label = f"outsider {method} {path} ({pattern.name})"
            self.check_answer(walk, label, response, None, before, sentinels)

    def test_the_outsider_reaches_no_api_operation_of_the_owner(self):
        walk = Walk()
        sentinels = self.sentinels()
        before = fingerprint(self.workspace, self.owner)
        spec, operations = self.api_operations()
        for method, template, operation in operations:
            keys = argument_keys(template)
            if not keys:
                path = fill(template, {})
                response = self.request_api(method, path, self.outsider_token, operation, spec)
                state = before if method in MUTATING else None
                label = f"outsider {method} {path}"
                self.check_answer(walk, label, response, None, state, sentinels)
                continue
            variants = self.variants(template)
            walk.check(bool(variants), f"{template}: argument not in ROUTE_REFS")
            for variant, values in variants:
                path = fill(template, values)
                response = self.request_api(method, path, self.outsider_token, operation, spec)
                label = f"outsider {method} {path} ({variant})"
                state = before if method in MUTATING else None
                self.check_answer(walk, label, response, {404}, state, sentinels)
        print(f"\nisolation walk: {len(operations)} API operations, {walk.requests} requests")
        assert len(operations) > 140
        walk.assert_clean()
        assert cross_workspace_references() == []

    def test_the_assistant_can_do_no_owner_only_page(self):
        walk = Walk()
        before = fingerprint(self.workspace, self.owner)
        gated = {}
        for pattern in url_patterns():
            if pattern.route.startswith(("api/v1/", "admin/")) or pattern.name in PUBLIC_PATTERNS:
                continue
            if gate := owner_gate(pattern.callback):
                gated[pattern.name] = gate
                values = self.arguments_of(pattern.route) or {}
                path = fill(pattern.route, values)
                methods = ("GET", "POST") if gate == "all" else ("POST",)
                for method in methods:
                    self.client.force_login(self.assistant)
                    response = self.request_page(self.client, method, path)
                    label = f"assistant {method} {path} ({pattern.name})"
                    self.check_answer(walk, label, response, {403, 404, 405}, before, [])
        print(f"\nowner-only pages: {len(gated)}")
        # The discovery itself must keep working: these are owner-only by design.
        for name in ("accounts:member_add", "people:export_csv", "core:backup", "people:erase"):
            assert gated.get(name) == "all", f"{name} is not found owner-only: {gated}"
        for name in ("accounts:workspace_settings", "touchpoints:cadences"):
            assert gated.get(name) == "post", f"{name} is not found owner-only on POST"
        walk.assert_clean()

    def test_the_assistant_can_do_no_owner_only_api_operation(self):
        walk = Walk()
        before = fingerprint(self.workspace, self.owner)
        spec, operations = self.api_operations()
        gated = []
        for method, template, operation in operations:
            values = self.arguments_of(template)
            assert values is not None, template
            path = fill(template, values)
            handler = api_handler(path, method)
            if "require_owner(request)" not in inspect.getsource(handler):
                continue
            gated.append(f"{method} {template}")
            response = self.request_api(method, path, self.assistant_token, operation, spec)
            label = f"assistant {method} {path}"
            self.check_answer(walk, label, response, {403}, before, [])
        print(f"\nowner-only API operations: {len(gated)}")
        for expected in ("DELETE /api/v1/contacts/{contact_id}", "PUT /api/v1/cadences"):
            assert expected in gated, f"{expected} is not found owner-only: {gated}"
        walk.assert_clean()

    def test_the_admin_is_for_staff_only(self):
        walk = Walk()
        for pattern in url_patterns():
            if not pattern.route.startswith("admin/") or pattern.name in {
                "admin:login",
                "admin:logout",
                "admin:jsi18n",
                "",
            }:
                continue
            path = fill(pattern.route, ADMIN_ARGUMENTS)
            for method in ("GET", "POST"):
                self.client.force_login(self.owner)
                response = self.request_page(self.client, method, path)
                label = f"owner {method} {path} ({pattern.name})"
                walk.check(
                    response.status_code in (302, 404)
                    and (response.status_code == 404 or "/admin/login/" in response["Location"]),
                    f"{label}: {response.status_code}",
                )
        walk.assert_clean()

    # -- public patterns ------------------------------------------------------------------------

    def test_the_public_case_and_client_pages_want_their_own_workspaces_token(self):
        mine, theirs = self.workspace.slug, self.other_workspace.slug
        owner_uid = urlsafe_base64_encode(force_bytes(self.owner.pk))
        sentinels = self.sentinels()
        before = fingerprint(self.workspace, self.owner)
        walk = Walk()
        wrong = [
            (f"/p/{theirs}/case/{self.owner_case_token}/", "owner's case token, outsider's slug"),
            (f"/p/{mine}/case/{self.outsider_case_token}/", "outsider's case token, owner's slug"),
            (f"/p/{mine}/case/{self.owner_case_token}x/", "a token one letter off"),
            (f"/p/{theirs}/c/{self.owner_client_token}/", "owner's client token, outsider's slug"),
            (f"/p/{mine}/c/{self.owner_client_token[:-1]}/", "a client token one letter short"),
            (f"/p/{mine}-not/", "a slug of no workspace"),
            ("/calendar/not-a-feed-token.ics", "a feed token of no feed"),
            ("/digest/unsubscribe/not-signed/", "an unsubscribe token nobody signed"),
            ("/invitations/not-an-invitation/", "an invitation token of no invitation"),
            (f"/accounts/password/reset/{owner_uid}/not-a-token/", "the owner's id, no token"),
        ]
        for path, why in wrong:
            for method in ("GET", "POST"):
                self.client.logout()
                response = self.request_page(self.client, method, path)
                # 400: the password-reset page says the link is not valid.
                allowed = {400} if "/password/reset/" in path else {404, 405}
                label = f"{method} {path} ({why})"
                self.check_answer(walk, label, response, allowed, before, sentinels)
        walk.assert_clean()
        # The right token still opens the page, so the 404s above are not for another reason.
        assert self.client.get(f"/p/{mine}/case/{self.owner_case_token}/").status_code == 200
        assert self.client.get(f"/p/{mine}/c/{self.owner_client_token}/").status_code == 200

    def test_the_unsubscribe_link_only_unsubscribes_whom_it_was_signed_for(self):
        token = digest.unsubscribe_token(self.other_workspace, self.outsider)
        before = fingerprint(self.workspace, self.owner)
        assert self.client.post(f"/digest/unsubscribe/{token}/").status_code == 200
        assert fingerprint(self.workspace, self.owner) == before

    def test_the_public_form_shows_the_workspace_and_none_of_its_records(self):
        for path in (f"/p/{self.workspace.slug}/", f"/p/{self.workspace.slug}/lost/"):
            response = self.client.get(path)
            assert response.status_code == 200
            text = response.content.decode()
            assert not [name for name in self.sentinels() if name in text]

    def test_carddav_opens_only_the_tokens_own_book(self):
        walk = Walk()
        sentinels = self.sentinels()
        before = fingerprint(self.workspace, self.owner)
        dan = scoped(Contact, self.workspace).get(first_name="Dan", last_name="Ortiz")
        card = f"{dan.pk}.vcf"
        me, book = self.outsider.pk, self.other_workspace.slug
        owner, owners_book = self.owner.pk, self.workspace.slug
        paths = [
            f"/dav/principals/{owner}/",
            f"/dav/addressbooks/{owner}/",
            f"/dav/addressbooks/{owner}/{owners_book}/",
            f"/dav/addressbooks/{owner}/{owners_book}/{card}",
            f"/dav/addressbooks/{me}/{owners_book}/",
            f"/dav/addressbooks/{me}/{owners_book}/{card}",
            f"/dav/addressbooks/{me}/{book}/{card}",
        ]
        basic = f"{self.outsider.email}:{self.outsider_token}".encode()
        headers = {"Authorization": "Basic " + base64.b64encode(basic).decode()}
        for path in paths:
            for method in ("GET", "PROPFIND", "REPORT", "DELETE", "PUT"):
                response = self.client.generic(method, path, b"", headers=headers)
                # 403: a card name Goodwill keeps for itself, refused whoever's it is.
                allowed = {403, 404, 405} if method == "PUT" else {404, 405}
                label = f"outsider {method} {path}"
                self.check_answer(walk, label, response, allowed, before, sentinels)
        walk.assert_clean()

    def test_an_assistant_cannot_delete_cards_over_carddav(self):
        dan = scoped(Contact, self.workspace).get(first_name="Dan", last_name="Ortiz")
        basic = f"{self.assistant.email}:{self.assistant_token}".encode()
        headers = {"Authorization": "Basic " + base64.b64encode(basic).decode()}
        path = f"/dav/addressbooks/{self.assistant.pk}/{self.workspace.slug}/{dan.pk}.vcf"
        before = fingerprint(self.workspace, self.owner)
        assert self.client.get(path, headers=headers).status_code == 200
        assert self.client.delete(path, headers=headers).status_code == 403
        assert fingerprint(self.workspace, self.owner) == before

    def test_the_fixture_has_no_cross_workspace_references(self):
        assert cross_workspace_references() == []
