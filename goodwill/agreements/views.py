"""Your needs (G1) and each client's agreements (G2) in the app: the catalogue, which owners
change and assistants read, and a client's agreements with the next need to propose."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required, owner_required
from goodwill.accounts.views import add_errors
from goodwill.agenda.services import today_in
from goodwill.agreements import services
from goodwill.agreements.forms import DayForm, NeedForm, ProposeForm
from goodwill.agreements.models import Agreement, AgreementStatus, Need, NeedKind
from goodwill.agreements.needs import in_words
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people.models import Contact

# -- Your needs ----------------------------------------------------------------------------


@member_required
def needs(request: WorkspaceRequest) -> HttpResponse:
    """The catalogue in the order needs are introduced, each with its terms in words."""
    catalogue = scoped(Need, request.workspace).order_by("archived", "position", "id")
    rows = [(need, in_words(need.kind, need.terms)) for need in catalogue]
    context = {
        "current": [row for row in rows if not row[0].archived],
        "archived": [row for row in rows if row[0].archived],
        "kinds": NeedKind.choices,
    }
    return render(request, "agreements/needs.html", context)


def _need_page(
    request: WorkspaceRequest, form: NeedForm, need: Need | None, status: int
) -> HttpResponse:
    context = {"form": form, "need": need, "kind_label": NeedKind(form.kind).label}
    return render(request, "agreements/needs_form.html", context, status=status)


# Where a new need of a kind starts (every field can be changed).
NEW: dict[str, dict[str, Any]] = {
    NeedKind.CALLING_HOURS: {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"},
    NeedKind.CHANNELS: {"allowed": ["email", "phone"]},
    NeedKind.RESPONSE_WINDOW: {"times": "09:00, 16:00"},
    NeedKind.TURNAROUND: {"number": 1},
    NeedKind.PAYMENT_TERMS: {"number": 14},
}


@owner_required
def need_new(request: WorkspaceRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in NeedKind.values:
        raise Http404("No such kind of need.")
    form = NeedForm(request.POST or None, kind=kind, initial=NEW.get(kind, {}))
    if request.method != "POST":
        return _need_page(request, form, None, 200)
    if form.is_valid():
        try:
            need = services.need_create(
                request.workspace,
                kind=kind,
                title=form.cleaned_data["title"],
                why=form.cleaned_data["why"],
                terms=form.terms(),
            )
        except ValidationError as error:
            form.show(error)
        else:
            messages.success(request, f"Added: {need.title}.")
            return redirect("agreements:needs")
    return _need_page(request, form, None, 400)


@owner_required
def need_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    need = get_scoped_or_404(Need, request.workspace, pk=pk)
    form = NeedForm(request.POST or None, kind=need.kind, initial=NeedForm.initial_of(need))
    if request.method != "POST":
        return _need_page(request, form, need, 200)
    if form.is_valid():
        try:
            services.need_update(
                need,
                title=form.cleaned_data["title"],
                why=form.cleaned_data["why"],
                terms=form.terms(),
            )
        except ValidationError as error:
            form.show(error)
        else:
            messages.success(request, "Saved.")
            return redirect("agreements:needs")
    return _need_page(request, form, need, 400)


@require_POST
@owner_required
def need_archive(request: WorkspaceRequest, pk: int) -> HttpResponse:
    need = get_scoped_or_404(Need, request.workspace, pk=pk)
    try:
        services.need_archive(need)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Archived: {need.title}.")
    return redirect("agreements:needs")


@require_POST
@owner_required
def need_move(request: WorkspaceRequest, pk: int) -> HttpResponse:
    need = get_scoped_or_404(Need, request.workspace, pk=pk)
    try:
        services.need_move(need, up=request.POST.get("direction") != "down")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("agreements:needs")


@require_POST
@owner_required
def needs_examples(request: WorkspaceRequest) -> HttpResponse:
    added = services.needs_from_examples(request.workspace)
    if added:
        messages.success(request, f"{len(added)} example needs added: make them your own.")
    return redirect("agreements:needs")


# -- A client's agreements -----------------------------------------------------------------


def _agreements_page(
    request: WorkspaceRequest, contact: Contact, form: ProposeForm | None, status: int
) -> HttpResponse:
    workspace = request.workspace
    history = list(
        scoped(Agreement, workspace)
        .filter(contact=contact)
        .select_related("need")
        .order_by("-proposed_on", "-id")
    )
    current = [a for a in history if a.status != AgreementStatus.ENDED]
    suggestion = services.suggest_next(contact, current)
    if form is None:
        initial: dict[str, Any] = {"on": today_in(workspace)}
        if suggestion.need is not None:
            initial["need"] = suggestion.need.pk
        form = ProposeForm(initial=initial, needs=_proposable(workspace, current))
    context = {
        "contact": contact,
        "agreements": [(a, in_words(a.need.kind, a.need.terms)) for a in history],
        "suggestion": suggestion,
        "form": form,
        "day_form": DayForm(initial={"on": today_in(workspace)}),
    }
    return render(request, "agreements/agreements.html", context, status=status)


def _proposable(workspace: Any, current: list[Agreement]) -> Any:
    taken = [agreement.need_id for agreement in current]
    return (
        scoped(Need, workspace)
        .filter(archived=False)
        .exclude(pk__in=taken)
        .order_by("position", "id")
    )


@member_required
def contact_agreements(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    return _agreements_page(request, contact, None, 200)


@require_POST
@member_required
def agreement_propose(request: WorkspaceRequest, pk: int) -> HttpResponse:
    workspace = request.workspace
    contact = get_scoped_or_404(Contact, workspace, pk=pk)
    current = scoped(Agreement, workspace).filter(contact=contact)
    needs = _proposable(workspace, list(current.exclude(status=AgreementStatus.ENDED)))
    form = ProposeForm(request.POST, needs=needs)
    if form.is_valid():
        data = form.cleaned_data
        try:
            agreement = services.agreement_propose(
                contact,
                data["need"],
                on=data["on"],
                how=data["how"],
                hold_days=data["hold_days"],
                notes=data["notes"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Proposed: {agreement.need.title}.")
            return redirect("agreements:contact_agreements", pk=contact.pk)
    return _agreements_page(request, contact, form, 400)


MOVES = {
    "agree": services.agreement_agree,
    "decline": services.agreement_decline,
    "end": services.agreement_end,
    "check-in": services.agreement_check_in,
}
DONE = {"agree": "Agreed", "decline": "Declined", "end": "Ended", "check-in": "Checked in"}


@require_POST
@member_required
def agreement_move(request: WorkspaceRequest, pk: int, action: str) -> HttpResponse:
    """Agree, decline, end or check in on an agreement, on a day (today by default)."""
    agreement = get_scoped_or_404(Agreement, request.workspace, pk=pk)
    form = DayForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Give the day as a date.")
        MOVES[action](agreement, on=form.cleaned_data["on"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{DONE[action]}: {agreement.need.title}.")
    return redirect("agreements:contact_agreements", pk=agreement.contact_id)


urlpatterns: list[URLPattern] = [
    path("agreements/needs/", needs, name="needs"),
    path("agreements/needs/new/", need_new, name="need_new"),
    path("agreements/needs/examples/", needs_examples, name="needs_examples"),
    path("agreements/needs/<int:pk>/edit/", need_edit, name="need_edit"),
    path("agreements/needs/<int:pk>/archive/", need_archive, name="need_archive"),
    path("agreements/needs/<int:pk>/move/", need_move, name="need_move"),
    path("people/<int:pk>/agreements/", contact_agreements, name="contact_agreements"),
    path("people/<int:pk>/agreements/propose/", agreement_propose, name="agreement_propose"),
    *[
        path(
            f"agreements/<int:pk>/{action}/",
            agreement_move,
            {"action": action},
            name=f"agreement_{action.replace('-', '_')}",
        )
        for action in MOVES
    ],
]
