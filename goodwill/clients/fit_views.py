"""The ideal client and fit in the app: Settings → Clients, a client's profile page, and the
ranking by fit beside rapport."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required, owner_required
from goodwill.accounts.views import add_errors
from goodwill.agenda.services import today_in
from goodwill.clients import fit_services
from goodwill.clients.fit import (
    HIGH_FIT,
    HIGH_RAPPORT,
    LOW_FIT,
    RANKING_ORDERS,
    SCORED_KINDS,
    SIGNALS,
    Ideal,
    fit_of,
    ideal_of,
    signal,
)
from goodwill.clients.fit_forms import AnswersForm, IdealForm, ThanksForm
from goodwill.clients.models import Fit
from goodwill.clients.services import client_settings, purchase_thanks_set
from goodwill.core.paging import window
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people.models import Contact, Kind

PAGE_SIZE = 50


# -- Settings → Clients ----------------------------------------------------------------------


def _settings_page(
    request: WorkspaceRequest,
    thanks: ThanksForm | None = None,
    ideal: IdealForm | None = None,
    status: int = 200,
) -> HttpResponse:
    workspace = request.workspace
    settings = client_settings(workspace)
    context = {
        "thanks": thanks or ThanksForm.of(settings, workspace.currency),
        "ideal": ideal or IdealForm.of(settings, workspace.currency),
        "currency": workspace.currency,
    }
    return render(request, "clients/settings.html", context, status=status)


@member_required
def clients_settings(request: WorkspaceRequest) -> HttpResponse:
    """When purchases earn a thank-you, and the ideal client that fit compares clients with."""
    return _settings_page(request)


@require_POST
@owner_required
def thanks_save(request: WorkspaceRequest) -> HttpResponse:
    form = ThanksForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            purchase_thanks_set(
                request.workspace, data["purchase_thanks"], data["purchase_thanks_above"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Saved: it applies to purchases recorded from now on.")
            return redirect("clients:settings")
    return _settings_page(request, thanks=form, status=400)


@require_POST
@owner_required
def ideal_save(request: WorkspaceRequest) -> HttpResponse:
    form = IdealForm(request.POST, currency=request.workspace.currency)
    if form.is_valid():
        try:
            fit_services.ideal_set(request.workspace, **form.ideal())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Your ideal client is saved; every client is scored on it.")
            return redirect("clients:settings")
    return _settings_page(request, ideal=form, status=400)


# -- A client's profile ----------------------------------------------------------------------


@member_required
def profile(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Their answers to the profile questions, the ideal traits they have, and their fit."""
    workspace = request.workspace
    contact = get_scoped_or_404(Contact, workspace, pk=pk)
    contact.workspace = workspace
    settings = client_settings(workspace)
    traits = list(settings.traits or [])
    answers = fit_services.answers_of(contact)
    form = AnswersForm.of(answers, traits)
    status = 200
    if request.method == "POST":
        form, status = AnswersForm(request.POST, ideal_traits=traits), 400
        if form.is_valid():
            try:
                fit_services.answers_set(contact, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Their profile is saved and their fit scored again.")
                return redirect("clients:profile", pk=contact.pk)
    ideal = Ideal.of(settings, workspace.currency)
    result = fit_of(workspace, contact, today_in(workspace), ideal)
    context = {
        "contact": contact,
        "form": form,
        "answers": answers,
        "result": result,
        "signal": signal(result.score, contact.rapport) if result else "",
        "scored_kind": contact.kind in SCORED_KINDS,
    }
    return render(request, "clients/profile.html", context, status=status)


# -- The ranking -----------------------------------------------------------------------------


def _choice(value: str, allowed: Any) -> str:
    return value if value in allowed else ""


def _ranking(request: WorkspaceRequest) -> tuple[QuerySet[Fit], dict[str, str]]:
    chosen = {
        "by": _choice(request.GET.get("by", ""), RANKING_ORDERS) or "fit",
        "show": _choice(request.GET.get("show", ""), SIGNALS),
        "kind": _choice(request.GET.get("kind", ""), SCORED_KINDS),
    }
    fits = scoped(Fit, request.workspace)
    if chosen["kind"]:
        fits = fits.filter(contact__kind=chosen["kind"])
    return fits, chosen


@member_required
def fit_ranking(request: WorkspaceRequest) -> HttpResponse:
    """Clients and customers by fit (or by rapport) with both side by side, and whom to
    cherish, to get closer to and to reconsider."""
    fits, chosen = _ranking(request)
    counts = fits.aggregate(
        scored=Count("pk"), **{name: Count("pk", filter=q) for name, (_, q) in SIGNALS.items()}
    )
    shown = fits.filter(SIGNALS[chosen["show"]][1]) if chosen["show"] else fits
    rows = shown.select_related("contact").order_by(*RANKING_ORDERS[chosen["by"]])
    page = window(rows, request.GET, PAGE_SIZE)
    context = {
        "page": page,
        "rows": [(row, signal(row.score, row.contact.rapport)) for row in page.object_list],
        "counts": counts,
        "chosen": chosen,
        "signals": [(name, label) for name, (label, _) in SIGNALS.items()],
        "kinds": [(kind, Kind(kind).label) for kind in SCORED_KINDS],
        "first": (page.number - 1) * PAGE_SIZE,
        "thresholds": {"high_fit": HIGH_FIT, "high_rapport": HIGH_RAPPORT, "low_fit": LOW_FIT},
        "ideal_defined": bool(counts["scored"]) or ideal_of(request.workspace).defined,
    }
    return render(request, "clients/fit_ranking.html", context)


urlpatterns: list[URLPattern] = [
    path("settings/clients/", clients_settings, name="settings"),
    path("settings/clients/thanks/", thanks_save, name="thanks_save"),
    path("settings/clients/ideal/", ideal_save, name="ideal_save"),
    path("people/<int:pk>/profile/", profile, name="profile"),
    path("clients/fit/", fit_ranking, name="fit_ranking"),
]
