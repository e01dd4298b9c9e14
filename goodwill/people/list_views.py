"""The people list (with search, filters and bulk edit), the contact form and organisations."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required
from goodwill.accounts.models import Workspace
from goodwill.accounts.views import add_errors, safe_next
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people import search, services
from goodwill.people.forms import BulkForm, ContactForm
from goodwill.people.models import (
    Contact,
    ContactTag,
    Email,
    Kind,
    Organization,
    SavedFilter,
    Tag,
)

PAGE_SIZE = 50


def listed_contacts(workspace: Workspace) -> QuerySet[Contact]:
    """Contacts with what a list row shows, in a fixed number of queries per page."""
    return (
        scoped(Contact, workspace)
        .select_related("organization")
        .prefetch_related(
            Prefetch("emails", queryset=scoped(Email, workspace).order_by("id")),
            Prefetch(
                "tag_links",
                queryset=scoped(ContactTag, workspace).select_related("tag").order_by("tag__name"),
            ),
        )
    )


def _page_number(request: WorkspaceRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@member_required
def contact_list(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    query = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("kind", "")
    tag = request.GET.get("tag", "").strip()
    contacts = listed_contacts(workspace)
    if kind in Kind.values:
        contacts = contacts.filter(kind=kind)
    if tag:
        contacts = contacts.filter(tag_links__tag__name__iexact=tag)
    page_number = _page_number(request)
    snippets: dict[int, str] = {}
    if query:
        rows, total = _search_page(workspace, contacts, query, page_number, snippets)
    else:
        page = Paginator(contacts.order_by("sort_name", "id"), PAGE_SIZE).get_page(page_number)
        rows, total, page_number = list(page.object_list), page.paginator.count, page.number
    context = {
        "rows": [(contact, snippets.get(contact.pk, "")) for contact in rows],
        "total": total,
        "query": query,
        "kind": kind,
        "tag": tag,
        "kinds": Kind.choices,
        "tags": scoped(Tag, workspace).order_by("name")[:100],
        "page": page_number,
        "has_next": page_number * PAGE_SIZE < total,
        "bulk_form": BulkForm(),
        "saved_filters": scoped(SavedFilter, workspace)
        .filter(user=request.user)
        .order_by("name")[:50],
        "filtered": bool(query or kind or tag),
    }
    return render(request, "people/list.html", context)


def _search_page(
    workspace: Workspace,
    contacts: QuerySet[Contact],
    query: str,
    page: int,
    snippets: dict[int, str],
) -> tuple[list[Contact], int]:
    hits, total = search.search(workspace, query, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    by_id = {c.pk: c for c in contacts.filter(pk__in=[hit.contact_id for hit in hits])}
    snippets.update({hit.contact_id: hit.snippet for hit in hits})
    return [by_id[hit.contact_id] for hit in hits if hit.contact_id in by_id], total


@require_POST
@member_required
def contact_bulk(request: WorkspaceRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Select at least one contact, and give valid changes.")
        return redirect("people:list")
    data = form.cleaned_data
    changes: dict[str, Any] = {"add_tag": data["add_tag"], "kind": data["kind"]}
    if data["cadence_days"] is not None:
        changes["cadence_days"] = data["cadence_days"]
    try:
        count = services.contacts_bulk_update(request.workspace, data["ids"], **changes)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Updated {count} contact{'s' if count != 1 else ''}.")
    return redirect(safe_next(request, reverse("people:list")))


def _form_page(
    request: WorkspaceRequest, form: ContactForm, contact: Contact | None, status: int = 200
) -> HttpResponse:
    return render(
        request, "people/contact_form.html", {"form": form, "contact": contact}, status=status
    )


@member_required
def contact_new(request: WorkspaceRequest) -> HttpResponse:
    form = ContactForm(request.POST or None, initial={"kind": request.GET.get("kind", Kind.CLIENT)})
    if request.method != "POST":
        return _form_page(request, form, None)
    if form.is_valid():
        try:
            contact = services.contact_create(
                request.workspace, actor=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{contact.display_name} is added.")
            return redirect("people:contact", pk=contact.pk)
    return _form_page(request, form, None, status=400)


def _initial(contact: Contact) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(contact, name) for name in services.CONTACT_FIELDS if name != "cadence_days"
    }
    initial.update(
        cadence_days=contact.cadence_days,
        organization=contact.organization.name if contact.organization else "",
        introduced_by=contact.introduced_by_id,
        tags=", ".join(link.tag.name for link in contact.tag_links.select_related("tag")),
    )
    for kind, rows, attribute in (
        ("email", contact.emails.all(), "address"),
        ("phone", contact.phones.all(), "number"),
        ("link", contact.links.all(), "url"),
    ):
        for slot, row in enumerate(list(rows)[:3]):
            initial[f"{kind}_{slot}"] = getattr(row, attribute)
            initial[f"{kind}_label_{slot}"] = getattr(row, "label")  # noqa: B009 (mixed row types)
    if address := contact.addresses.first():
        for name in ("street", "city", "region", "postal_code", "country"):
            initial[name] = getattr(address, name)
    return initial


@member_required
def contact_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    form = ContactForm(request.POST or None, initial=_initial(contact))
    if request.method != "POST":
        return _form_page(request, form, contact)
    if form.is_valid():
        try:
            services.contact_update(contact, actor=request.user, **form.service_arguments())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("people:contact", pk=contact.pk)
    return _form_page(request, form, contact, status=400)


@member_required
def organization_list(request: WorkspaceRequest) -> HttpResponse:
    organizations = scoped(Organization, request.workspace).annotate(people_count=Count("people"))
    page = Paginator(organizations.order_by("name", "id"), PAGE_SIZE).get_page(
        _page_number(request)
    )
    return render(request, "people/organization_list.html", {"page": page})


@member_required
def organization_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    organization = get_scoped_or_404(Organization, request.workspace, pk=pk)
    people = listed_contacts(request.workspace).filter(organization=organization)
    page = Paginator(people.order_by("sort_name", "id"), PAGE_SIZE).get_page(_page_number(request))
    return render(
        request, "people/organization_detail.html", {"organization": organization, "page": page}
    )


@require_POST
@member_required
def saved_filter_create(request: WorkspaceRequest) -> HttpResponse:
    query = {key: request.POST.get(key, "") for key in services.SAVED_FILTER_KEYS}
    try:
        saved = services.saved_filter_create(
            request.workspace, user=request.user, name=request.POST.get("name", ""), query=query
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(
            reverse("people:list") + "?" + urlencode({k: v for k, v in query.items() if v})
        )
    messages.success(request, f"Saved the view “{saved.name}”.")
    return redirect(reverse("people:list") + "?" + saved.query)


@require_POST
@member_required
def saved_filter_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    saved = get_scoped_or_404(SavedFilter, request.workspace, pk=pk, user=request.user)
    services.saved_filter_delete(saved)
    messages.success(request, f"Removed the view “{saved.name}”.")
    return redirect("people:list")


@member_required
def contact_lookup(request: WorkspaceRequest) -> HttpResponse:
    """A few matching people for the mental-note box, as radio buttons (htmx fills them in)."""
    hits, _ = search.search(request.workspace, request.GET.get("who", ""), limit=8)
    found = (
        scoped(Contact, request.workspace)
        .select_related("organization")
        .in_bulk([h.contact_id for h in hits])
    )
    matches = [found[h.contact_id] for h in hits if h.contact_id in found]
    return render(request, "people/_lookup.html", {"matches": matches})


@require_POST
@member_required
def quick_note(request: WorkspaceRequest) -> HttpResponse:
    """File a "mental note" from any page. Without a chosen contact, the name typed is searched:
    one match files the note; otherwise a page asks which person, keeping the note typed."""
    body, who = request.POST.get("body", ""), request.POST.get("who", "").strip()
    contact = None
    if chosen := request.POST.get("contact"):
        contact = get_scoped_or_404(Contact, request.workspace, pk=chosen)
    else:
        hits, total = search.search(request.workspace, who, limit=10)
        if total == 1:
            contact = get_scoped_or_404(Contact, request.workspace, pk=hits[0].contact_id)
        else:
            found = scoped(Contact, request.workspace).in_bulk([h.contact_id for h in hits])
            matches = [found[h.contact_id] for h in hits if h.contact_id in found]
            context = {"matches": matches, "body": body, "who": who}
            return render(
                request,
                "people/quick_note.html",
                context,
                status=400 if not body.strip() or not matches else 200,
            )
    try:
        services.note_add(contact, author=request.user, body=body)
    except ValidationError as error:
        context = {
            "matches": [contact],
            "body": body,
            "who": who,
            "error": " ".join(error.messages),
        }
        return render(request, "people/quick_note.html", context, status=400)
    messages.success(request, f"Note filed on {contact.display_name}.")
    return redirect(safe_next(request, reverse("people:contact", args=[contact.pk])))


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
]
