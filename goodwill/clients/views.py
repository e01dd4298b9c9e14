"""Clients in the app: engagements, purchases, economics, the ranking by spend, prospects."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required
from goodwill.accounts.views import add_errors
from goodwill.agenda.services import today_in
from goodwill.clients import economics, services
from goodwill.clients.forms import EngagementForm, MoveForm, PurchaseForm
from goodwill.clients.models import Engagement, EngagementStatus, Purchase
from goodwill.core.paging import window
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people.models import Contact, Kind, Organization

app_name = "clients"
PAGE_SIZE = 50
ACTIVE = [EngagementStatus.PROPOSED, EngagementStatus.WON]


# -- The ranking by spend ------------------------------------------------------------------


@member_required
def ranking(request: WorkspaceRequest) -> HttpResponse:
    """Clients and customers by what they spent in the last 12 months, one currency at a time,
    and how much of it the top five bring."""
    workspace = request.workspace
    spent = economics.currencies_spent(workspace)
    currency = request.GET.get("currency", "")
    if currency not in spent:
        currency = workspace.currency if workspace.currency in spent or not spent else spent[0]
    context = {
        "currencies": spent,
        "currency": currency,
        "concentration": economics.concentration(workspace, currency),
        "page": window(economics.ranking(workspace, currency), request.GET, PAGE_SIZE),
    }
    return render(request, "clients/ranking.html", context)


# -- Engagements ---------------------------------------------------------------------------


@member_required
def engagement_list(request: WorkspaceRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    engagements = scoped(Engagement, request.workspace).select_related("contact")
    if status in EngagementStatus.values:
        engagements = engagements.filter(status=status)
    else:
        status = ""
    context = {
        "page": window(engagements.order_by("-created_at", "-id"), request.GET, PAGE_SIZE),
        "status": status,
        "statuses": EngagementStatus.choices,
    }
    return render(request, "clients/engagements.html", context)


def _engagement_fields(form: EngagementForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@member_required
def engagement_new(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    form = EngagementForm(request.POST or None, currency=request.workspace.currency)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                engagement = services.engagement_create(
                    contact, actor=request.user, **_engagement_fields(form)
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Engagement proposed.")
                return redirect("clients:engagement", pk=engagement.pk)
    context = {"form": form, "contact": contact, "engagement": None}
    return render(request, "clients/engagement_form.html", context, status=status)


def _engagement(request: WorkspaceRequest, pk: int) -> Engagement:
    return get_scoped_or_404(Engagement, request.workspace, pk=pk)


@member_required
def engagement_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk)
    context = {
        "engagement": engagement,
        "moves": sorted(services.MOVES.get(engagement.status, set())),
        "move_form": MoveForm(),
    }
    return render(request, "clients/engagement.html", context)


@member_required
def engagement_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk)
    initial = {
        name: getattr(engagement, name)
        for name in ("title", "kind", "work", "value", "currency", "starts_on", "ends_on", "notes")
    }
    form = EngagementForm(
        request.POST or None, initial=initial, currency=request.workspace.currency
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.engagement_update(engagement, **_engagement_fields(form))
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Saved.")
                return redirect("clients:engagement", pk=engagement.pk)
    context = {"form": form, "contact": engagement.contact, "engagement": engagement}
    return render(request, "clients/engagement_form.html", context, status=status)


@require_POST
@member_required
def engagement_move(request: WorkspaceRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk)
    form = MoveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Give the day as a date.")
        services.engagement_move(
            engagement,
            request.POST.get("status", ""),
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{engagement.title}: {engagement.get_status_display()}.")
    return redirect("clients:engagement", pk=engagement.pk)


@require_POST
@member_required
def engagement_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk)
    contact_id = engagement.contact_id
    services.engagement_delete(engagement)
    messages.success(request, "Engagement deleted.")
    return redirect("people:contact", pk=contact_id)


# -- Purchases -----------------------------------------------------------------------------


@require_POST
@member_required
def purchase_new(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The contact page's quick entry: back to the contact when it is saved."""
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    form = PurchaseForm(request.POST, currency=request.workspace.currency)
    if form.is_valid():
        try:
            services.purchase_create(contact, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Purchase recorded.")
            back = "people:contact"
            if request.POST.get("next") == "economics":
                back = "clients:contact_economics"
            return redirect(back, pk=contact.pk)
    context = {"form": form, "contact": contact}
    return render(request, "clients/purchase_form.html", context, status=400)


@require_POST
@member_required
def purchase_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    purchase = get_scoped_or_404(Purchase, request.workspace, pk=pk)
    contact_id = purchase.contact_id
    services.purchase_delete(purchase)
    messages.success(request, "Purchase deleted.")
    return redirect("clients:contact_economics", pk=contact_id)


# -- Economics -----------------------------------------------------------------------------


def _economics_page(
    request: WorkspaceRequest,
    subject: Contact | Organization,
    figures: list[economics.CurrencyEconomics],
    purchases: QuerySet[Purchase],
    engagements: QuerySet[Engagement],
) -> HttpResponse:
    context = {
        "subject": subject,
        "is_contact": isinstance(subject, Contact),
        "figures": figures,
        "purchases": window(purchases.order_by("-purchased_on", "-id"), request.GET, PAGE_SIZE),
        "engagements": engagements.order_by("-created_at", "-id")[:PAGE_SIZE],
        "purchase_form": PurchaseForm(currency=request.workspace.currency),
    }
    return render(request, "clients/economics.html", context)


@member_required
def contact_economics(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    workspace = request.workspace
    return _economics_page(
        request,
        contact,
        economics.contact_economics(workspace, contact.pk, today_in(request.workspace)),
        scoped(Purchase, workspace).filter(contact=contact),
        scoped(Engagement, workspace).filter(contact=contact),
    )


@member_required
def organization_economics(request: WorkspaceRequest, pk: int) -> HttpResponse:
    organization = get_scoped_or_404(Organization, request.workspace, pk=pk)
    workspace = request.workspace
    return _economics_page(
        request,
        organization,
        economics.organization_economics(workspace, organization.pk, today_in(request.workspace)),
        scoped(Purchase, workspace)
        .filter(contact__organization=organization)
        .select_related("contact"),
        scoped(Engagement, workspace)
        .filter(contact__organization=organization)
        .select_related("contact"),
    )


# -- Prospects -----------------------------------------------------------------------------


@member_required
def prospects(request: WorkspaceRequest) -> HttpResponse:
    """Prospects as people: where you met, who introduced you, when to touch them next."""
    people = (
        scoped(Contact, request.workspace)
        .filter(kind=Kind.PROSPECT)
        .select_related("introduced_by", "organization")
        .order_by("touch_due_at", "id")
    )
    return render(
        request, "clients/prospects.html", {"page": window(people, request.GET, PAGE_SIZE)}
    )


@require_POST
@member_required
def convert(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    try:
        services.prospect_convert(contact, actor=request.user, kind=request.POST.get("kind", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{contact.display_name} is a {contact.get_kind_display().lower()} now."
        )
    return redirect("people:contact", pk=contact.pk)


urlpatterns = [
    path("clients/", ranking, name="ranking"),
    path("clients/engagements/", engagement_list, name="engagements"),
    path("clients/engagements/<int:pk>/", engagement_detail, name="engagement"),
    path("clients/engagements/<int:pk>/edit/", engagement_edit, name="engagement_edit"),
    path("clients/engagements/<int:pk>/move/", engagement_move, name="engagement_move"),
    path("clients/engagements/<int:pk>/delete/", engagement_delete, name="engagement_delete"),
    path("clients/purchases/<int:pk>/delete/", purchase_delete, name="purchase_delete"),
    path("clients/prospects/", prospects, name="prospects"),
    path("people/<int:pk>/engagements/new/", engagement_new, name="engagement_new"),
    path("people/<int:pk>/purchases/new/", purchase_new, name="purchase_new"),
    path("people/<int:pk>/economics/", contact_economics, name="contact_economics"),
    path("people/<int:pk>/convert/", convert, name="convert"),
    path("orgs/<int:pk>/economics/", organization_economics, name="organization_economics"),
]
