"""The people list (with search, filters, saved views and bulk edit), the contact form, the
organisations, and the mental-note box of every page."""

import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required
from goodwill.accounts.models import Workspace
from goodwill.accounts.views import add_errors, safe_next
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people import search, services
from goodwill.people.contact_views import presentation_mode
from goodwill.people.forms import BulkForm, ContactForm, OrganizationForm, QuickNoteForm
from goodwill.people.models import (
    Contact,
    ContactTag,
    Email,
    Kind,
    Organization,
    Phone,
    SavedFilter,
    Tag,
)
from goodwill.people.organizations import organization_update
from goodwill.people.services import AddressInput
from goodwill.people.text import format_phone

PAGE_SIZE = 50
# A search combined with a kind or a tag is filtered among this many best hits.
SEARCH_WINDOW = 500
LOOKUP_SIZE = 8
# The id of the input a lookup result fills in (see app.js), e.g. "id_introduced_by".
PICK_TARGET = re.compile(r"id_[a-z_]{1,40}")


@dataclass(frozen=True)
class ListQuery:
    """What the list is asked for in its query string."""

    q: str = ""
    kind: str = ""
    tag: str = ""
    sort: str = ""  # "" for by name, "rapport" for the closest first; a search ranks by match
    page: int = 1

    @classmethod
    def parse(cls, params: QueryDict) -> "ListQuery":
        kind = params.get("kind", "")
        try:
            page = max(1, min(int(params.get("page", "1")), 100_000))
        except ValueError:
            page = 1
        return cls(
            q=" ".join(params.get("q", "").split())[:200],
            kind=kind if kind in Kind.values else "",
            tag=params.get("tag", "").strip()[:60],
            sort="rapport" if params.get("sort") == "rapport" else "",
            page=page,
        )

    @property
    def filters(self) -> dict[str, str]:
        keys = ("q", "kind", "tag", "sort")
        return {key: value for key in keys if (value := getattr(self, key))}

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    def url(self, page: int = 1) -> str:
        return "?" + urlencode({**self.filters, **({"page": page} if page > 1 else {})})


def _filtered(workspace: Workspace, query: ListQuery) -> QuerySet[Contact]:
    contacts = scoped(Contact, workspace)
    if query.kind:
        contacts = contacts.filter(kind=query.kind)
    if query.tag:
        tag = scoped(Tag, workspace).filter(name__iexact=query.tag).first()
        if tag is None:
            return contacts.none()
        contacts = contacts.filter(tag_links__tag=tag)
    return contacts


@dataclass(frozen=True)
class Row:
    contact: Contact  # with its organisation loaded
    snippet: str = ""  # the matched text, when searching
    email: str = ""
    phone: str = ""
    tags: tuple[str, ...] = ()


def _rows(workspace: Workspace, contacts: list[Contact], snippets: dict[int, str]) -> list[Row]:
    """A row for each contact: their first e-mail and phone and their tags, in three queries of
    plain values for the page (prefetching model instances cost more than the rest of the list)."""
    ids = [contact.pk for contact in contacts]
    emails = _first(scoped(Email, workspace), ids, "address")
    phones = _first(scoped(Phone, workspace), ids, "number")
    tags: dict[int, list[str]] = {}
    links = scoped(ContactTag, workspace).filter(contact_id__in=ids).order_by("tag__name")
    for contact_id, name in links.values_list("contact_id", "tag__name"):
        tags.setdefault(contact_id, []).append(name)
    return [
        Row(
            contact,
            snippets.get(contact.pk, ""),
            emails.get(contact.pk, ""),
            format_phone(phones[contact.pk]) if contact.pk in phones else "",
            tuple(tags.get(contact.pk, ())),
        )
        for contact in contacts
    ]


def _first(rows: QuerySet[Any], ids: list[int], field: str) -> dict[int, str]:
    """The *field* of each contact's first row (lowest id)."""
    first: dict[int, str] = {}
    # Newest first, so the oldest is the one left.
    for contact_id, value in (
        rows.filter(contact_id__in=ids).order_by("-id").values_list("contact_id", field)
    ):
        first[contact_id] = value
    return first


@dataclass
class ListPage:
    rows: list[Row]
    has_next: bool
    total: int | None  # None when counting would cost more than the page itself
    capped: bool = False  # a filtered search that looked at the best SEARCH_WINDOW hits only


def _browse(workspace: Workspace, query: ListQuery) -> ListPage:
    # One row more than a page tells whether there is a next page, without a COUNT.
    order = ("-rapport", "sort_name", "id") if query.sort == "rapport" else ("sort_name", "id")
    contacts = _filtered(workspace, query).select_related("organization").order_by(*order)
    found = list(contacts[query.offset : query.offset + PAGE_SIZE + 1])
    has_next = len(found) > PAGE_SIZE
    total = None if has_next or (query.page > 1 and not found) else query.offset + len(found)
    return ListPage(_rows(workspace, found[:PAGE_SIZE], {}), has_next, total)


def _search(workspace: Workspace, query: ListQuery, *, snippets: bool = True) -> ListPage:
    """A page of search hits; without *snippets* (presentation mode) the matched text, which
    may come from a private fact, is left out."""
    capped = False
    if query.kind or query.tag:
        hits, found = search.search(workspace, query.q, limit=SEARCH_WINDOW)
        allowed = set(
            _filtered(workspace, query)
            .filter(pk__in=[hit.contact_id for hit in hits])
            .values_list("pk", flat=True)
        )
        hits = [hit for hit in hits if hit.contact_id in allowed]
        total, capped = len(hits), found > SEARCH_WINDOW
        hits = hits[query.offset : query.offset + PAGE_SIZE]
    else:
        hits, total = search.search(workspace, query.q, limit=PAGE_SIZE, offset=query.offset)
    contacts = (
        scoped(Contact, workspace)
        .select_related("organization")
        .in_bulk([hit.contact_id for hit in hits])
    )
    shown = [contacts[hit.contact_id] for hit in hits if hit.contact_id in contacts]
    matched = {hit.contact_id: hit.snippet for hit in hits} if snippets else {}
    rows = _rows(workspace, shown, matched)
    return ListPage(rows, query.offset + PAGE_SIZE < total, total, capped)


# A search export takes at most this many best hits (an id list stays within what SQLite and
# PostgreSQL accept in one query).
SEARCH_EXPORT_LIMIT = 20_000


def selection(workspace: Workspace, query: ListQuery) -> QuerySet[Contact]:
    """Everyone the list shows for *query*, over all its pages, by name or rapport: what an export
    of "these people" holds. A search keeps the hits the list would show (with a kind or a tag,
    those among the best SEARCH_WINDOW), in name order."""
    contacts = _filtered(workspace, query)
    if query.q:
        limit = SEARCH_WINDOW if query.kind or query.tag else SEARCH_EXPORT_LIMIT
        hits, _ = search.search(workspace, query.q, limit=limit)
        contacts = contacts.filter(pk__in=[hit.contact_id for hit in hits])
    order = ("-rapport", "sort_name", "id") if query.sort == "rapport" else ("sort_name", "id")
    return contacts.order_by(*order)


@member_required
def contact_list(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    query = ListQuery.parse(request.GET)
    if query.q:
        page = _search(workspace, query, snippets=not presentation_mode(request))
    else:
        page = _browse(workspace, query)
    context = {
        "query": query,
        "page": page,
        "first": query.offset + 1,
        "last": query.offset + len(page.rows),
        "previous_url": query.url(query.page - 1) if query.page > 1 else "",
        "next_url": query.url(query.page + 1) if page.has_next else "",
        "search_window": SEARCH_WINDOW,
        "search_counted": search.COUNTED,
        "kinds": Kind.choices,
        "tags": scoped(Tag, workspace).order_by("name")[:100],
        "bulk_form": BulkForm(),
        "export_filters": query.url() if query.filters else "",
        "saved_filters": scoped(SavedFilter, workspace)
        .filter(user=request.user)
        .order_by("name")[:50],
    }
    return render(request, "people/list.html", context)


@require_POST
@member_required
def contact_bulk(request: WorkspaceRequest) -> HttpResponse:
    back = safe_next(request, reverse("people:list"))
    form = BulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect(back)
    try:
        count = services.contacts_bulk_update(
            request.workspace, form.cleaned_data["ids"], **form.changes()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Updated {count} {'person' if count == 1 else 'people'}.")
    return redirect(back)


def _form_page(
    request: WorkspaceRequest, form: ContactForm, contact: Contact | None, status: int = 200
) -> HttpResponse:
    introducer = None
    if contact is not None and contact.introduced_by_id:
        introducer = scoped(Contact, request.workspace).filter(pk=contact.introduced_by_id).first()
    context = {"form": form, "contact": contact, "introducer": introducer}
    return render(request, "people/contact_form.html", context, status=status)


@member_required
def contact_new(request: WorkspaceRequest) -> HttpResponse:
    initial = {
        "kind": request.GET.get("kind") or Kind.CLIENT,
        "organization": request.GET.get("organization", "")[:200],
    }
    form = ContactForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return _form_page(request, form, None)
    if form.is_valid():
        try:
            contact = services.contact_create(
                request.workspace, actor=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"{contact.display_name} is added.")
            return redirect(f"/people/{contact.pk}/")
    return _form_page(request, form, None, status=400)


def _initial(contact: Contact) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(contact, name) for name in services.CONTACT_FIELDS}
    initial.update(
        organization=contact.organization.name if contact.organization else "",
        introduced_by=contact.introduced_by_id,
        tags=", ".join(link.tag.name for link in contact.tag_links.select_related("tag")),
    )
    for kind, rows, attribute in (
        ("email", contact.emails.all(), "address"),
        ("phone", contact.phones.all(), "number"),
        ("link", contact.links.all(), "url"),
    ):
        for slot, row in enumerate(rows):
            initial[f"{kind}_{slot}"] = getattr(row, attribute)
            initial[f"{kind}_label_{slot}"] = getattr(row, "label")  # noqa: B009 (mixed row types)
    if address := contact.addresses.first():
        for name in ("street", "city", "region", "postal_code", "country"):
            initial[name] = getattr(address, name)
    return initial


def _slots(contact: Contact) -> dict[str, int]:
    return {
        "email": contact.emails.count(),
        "phone": contact.phones.count(),
        "link": contact.links.count(),
    }


def _keep_other_addresses(contact: Contact, arguments: dict[str, Any]) -> None:
    """The form edits the first address (keeping its label); any others (from an import, say)
    stay as they are."""
    existing = list(contact.addresses.all())
    label = existing[0].label if existing else ""
    arguments["addresses"] = [replace(a, label=label) for a in arguments["addresses"]] + [
        AddressInput(
            label=a.label, street=a.street, city=a.city, region=a.region,
            postal_code=a.postal_code, country=a.country,
        )
        for a in existing[1:]
    ]  # fmt: skip


@member_required
def contact_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    form = ContactForm(request.POST or None, initial=_initial(contact), slots=_slots(contact))
    if request.method != "POST":
        return _form_page(request, form, contact)
    if form.is_valid():
        arguments = form.service_arguments()
        _keep_other_addresses(contact, arguments)
        try:
            services.contact_update(contact, actor=request.user, **arguments)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Saved {contact.display_name}.")
            return redirect(f"/people/{contact.pk}/")
    contact.refresh_from_db()
    return _form_page(request, form, contact, status=400)


def _page_number(request: WorkspaceRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@member_required
def organization_list(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    # A count per row of the page (by the organisation index), not a GROUP BY over everyone.
    people = (
        scoped(Contact, workspace)
        .filter(organization=OuterRef("pk"))
        .order_by()
        .values("organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    organizations = (
        scoped(Organization, workspace)
        .defer("notes")
        .annotate(people_count=Coalesce(Subquery(people), Value(0), output_field=IntegerField()))
        .order_by(Lower("name"), "id")
    )
    page = Paginator(organizations, PAGE_SIZE).get_page(_page_number(request))
    return render(request, "people/organization_list.html", {"page": page})


@member_required
def organization_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    organization = get_scoped_or_404(Organization, request.workspace, pk=pk)
    people = (
        scoped(Contact, request.workspace)
        .filter(organization=organization)
        .order_by("sort_name", "id")
    )
    page = Paginator(people, PAGE_SIZE).get_page(_page_number(request))
    return render(
        request, "people/organization_detail.html", {"organization": organization, "page": page}
    )


@member_required
def organization_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    organization = get_scoped_or_404(Organization, request.workspace, pk=pk)
    initial = {name: getattr(organization, name) for name in ("name", "website", "notes")}
    form = OrganizationForm(request.POST or None, initial=initial)
    context = {"form": form, "organization": organization}
    if request.method != "POST":
        return render(request, "people/organization_form.html", context)
    if form.is_valid():
        try:
            organization_update(organization, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Saved {organization.name}.")
            return redirect("people:organization", pk=organization.pk)
    organization.refresh_from_db()
    return render(request, "people/organization_form.html", context, status=400)


@require_POST
@member_required
def saved_filter_create(request: WorkspaceRequest) -> HttpResponse:
    query = ListQuery.parse(request.POST)
    try:
        saved = services.saved_filter_create(
            request.workspace,
            user=request.user,
            name=request.POST.get("name", ""),
            query=query.filters,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("people:list") + query.url())
    messages.success(request, f"Saved the view “{saved.name}”.")
    return redirect(reverse("people:list") + "?" + saved.query)


@require_POST
@member_required
def saved_filter_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    saved = get_scoped_or_404(SavedFilter, request.workspace, pk=pk, user=request.user)
    services.saved_filter_delete(saved)
    messages.success(request, f"Removed the view “{saved.name}”.")
    return redirect("people:list")


def contact_matches(workspace: Workspace, text: str, limit: int = 10) -> list[Contact]:
    """The people a name typed in a "who" box most likely means, best first."""
    text = text.strip()[:200]
    if not text:
        return []
    hits, _ = search.search(workspace, text, limit=limit)
    found = (
        scoped(Contact, workspace)
        .select_related("organization")
        .in_bulk([hit.contact_id for hit in hits])
    )
    return [found[hit.contact_id] for hit in hits if hit.contact_id in found]


@member_required
def contact_lookup(request: WorkspaceRequest) -> HttpResponse:
    """A few people matching `q` (or `who`), as a short HTML list that htmx puts under a search
    box: radio buttons for the mental note, or with `pick=id_…` buttons that fill in that
    input (app.js)."""
    text = (request.GET.get("q") or request.GET.get("who") or "").strip()[:200]
    pick = request.GET.get("pick", "")
    context = {
        "matches": contact_matches(request.workspace, text, LOOKUP_SIZE) if text else [],
        "typed": text,
        "pick": pick if PICK_TARGET.fullmatch(pick) else "",
    }
    return render(request, "people/_lookup.html", context)


def _quick_note_page(
    request: WorkspaceRequest, *, matches: list[Contact], error: str = "", status: int = 400
) -> HttpResponse:
    context = {
        "matches": matches,
        "body": request.POST.get("body", ""),
        "who": request.POST.get("who", "").strip(),
        "next": safe_next(request, ""),
        "error": error,
    }
    return render(request, "people/quick_note.html", context, status=status)


@require_POST
@member_required
def quick_note(request: WorkspaceRequest) -> HttpResponse:
    """File a "mental note" from any page. Without a chosen contact, the name typed is searched:
    one match files the note; otherwise a page asks which person, keeping the note typed."""
    workspace, form = request.workspace, QuickNoteForm(request.POST)
    if not form.is_valid():
        said = " ".join(str(error) for errors in form.errors.values() for error in errors)
        matches = contact_matches(workspace, request.POST.get("who", ""), 10)
        return _quick_note_page(request, matches=matches, error=said)
    data = form.cleaned_data
    if data["contact"] is not None:
        contact = get_scoped_or_404(Contact, workspace, pk=data["contact"])
    else:
        matches = contact_matches(workspace, data["who"], 10)
        if len(matches) != 1:
            ready = bool(matches) and bool(data["body"].strip())
            return _quick_note_page(request, matches=matches, status=200 if ready else 400)
        contact = matches[0]
    try:
        services.note_add(contact, author=request.user, body=data["body"])
    except ValidationError as error:
        return _quick_note_page(request, matches=[contact], error=" ".join(error.messages))
    messages.success(request, f"Note filed on {contact.display_name}.")
    return redirect(safe_next(request, f"/people/{contact.pk}/"))


urlpatterns = [
    path("people/views/save/", saved_filter_create, name="view_save"),
    path("people/views/<int:pk>/delete/", saved_filter_delete, name="view_delete"),
    path("people/lookup/", contact_lookup, name="lookup"),
    path("people/notes/quick/", quick_note, name="quick_note"),
    path("people/", contact_list, name="list"),
    path("people/new/", contact_new, name="new"),
    path("people/bulk/", contact_bulk, name="bulk"),
    path("people/<int:pk>/edit/", contact_edit, name="edit"),
    path("orgs/", organization_list, name="organizations"),
    path("orgs/<int:pk>/", organization_detail, name="organization"),
    path("orgs/<int:pk>/edit/", organization_edit, name="organization_edit"),
]
