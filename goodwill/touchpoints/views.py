"""Logging touches, the overdue list, snoozing, and the thanks owed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required
from goodwill.accounts.views import add_errors, safe_next
from goodwill.core.paging import window
from goodwill.core.scoping import get_scoped_or_404
from goodwill.people import services as people_services
from goodwill.people.list_views import contact_matches
from goodwill.people.models import Contact, Kind
from goodwill.touchpoints import appreciation, services
from goodwill.touchpoints.forms import CadenceForm, OweForm, QuickTouchForm, TouchForm
from goodwill.touchpoints.models import Due, DueKind, DueState, Interaction, InteractionKind

app_name = "touchpoints"
PAGE_SIZE = 50


@require_POST
@member_required
def touch_log(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Log a touch with a contact (and anyone else who took part), then go back."""
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    form = TouchForm(request.POST)
    back = safe_next(request, reverse("people:contact", args=[contact.pk]))
    if form.is_valid():
        try:
            services.interaction_log(
                request.workspace, actor=request.user, **form.service_arguments([contact.pk])
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            kind = InteractionKind(form.cleaned_data["kind"]).label
            messages.success(request, f"{kind} with {contact.display_name} logged.")
            return redirect(back)
    context = {"form": form, "contact": contact, "next": back}
    return render(request, "touchpoints/log.html", context, status=400)


def _quick_page(
    request: WorkspaceRequest, form: QuickTouchForm, matches: list[Contact], status: int = 400
) -> HttpResponse:
    context = {"form": form, "matches": matches, "who": request.POST.get("who", "").strip()}
    return render(request, "touchpoints/quick.html", context, status=status)


@require_POST
@member_required
def touch_quick(request: WorkspaceRequest) -> HttpResponse:
    """Log a touch from the dashboard. Without a chosen contact, the name typed is searched: one
    match logs it; otherwise a page asks which person, keeping what was typed."""
    workspace, form = request.workspace, QuickTouchForm(request.POST)
    if not form.is_valid():
        return _quick_page(request, form, contact_matches(workspace, request.POST.get("who", "")))
    data = form.cleaned_data
    if data["contact"]:
        contact = get_scoped_or_404(Contact, workspace, pk=data["contact"])
    else:
        matches = contact_matches(workspace, data["who"])
        if len(matches) != 1:
            return _quick_page(request, form, matches, status=200 if matches else 400)
        contact = matches[0]
    try:
        services.interaction_log(
            workspace,
            actor=request.user,
            kind=data["kind"],
            direction=data["direction"],
            contact_ids=[contact.pk],
            note=data["note"],
        )
    except ValidationError as error:
        add_errors(form, error)
        return _quick_page(request, form, [contact])
    kind = InteractionKind(data["kind"]).label
    messages.success(request, f"{kind} with {contact.display_name} logged.")
    return redirect("core:dashboard")


@member_required
def overdue_list(request: WorkspaceRequest) -> HttpResponse:
    contacts = services.overdue(request.workspace).select_related("organization")
    page = window(contacts, request.GET, PAGE_SIZE)
    now = timezone.now()
    rows = [(c, (now - c.touch_due_at).days if c.touch_due_at else 0) for c in page.object_list]
    return render(request, "touchpoints/overdue.html", {"page": page, "rows": rows})


@member_required
def cadences(request: WorkspaceRequest) -> HttpResponse:
    """How often to touch each kind of contact, unless a contact has a cadence of their own."""
    workspace = request.workspace
    form = CadenceForm(request.POST or None, current=workspace.cadence_defaults)
    if request.method == "POST":
        if not request.membership.is_owner:
            raise PermissionDenied("Only the workspace's owners can change its cadences.")
        if form.is_valid():
            try:
                people_services.cadence_defaults_set(workspace, form.defaults())
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Cadences saved; the next touches moved with them.")
                return redirect("touchpoints:overdue")
        return render(request, "touchpoints/cadences.html", {"form": form}, status=400)
    return render(request, "touchpoints/cadences.html", {"form": form})


@require_POST
@member_required
def snooze(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    try:
        days = int(request.POST.get("days", "7"))
        services.touch_snooze(contact, days=days)
    except (ValueError, ValidationError):
        messages.error(request, "Snooze for 1 to 365 days.")
    else:
        messages.success(request, f"{contact.display_name} snoozed for {days} days.")
    return redirect(safe_next(request, reverse("touchpoints:overdue")))


@member_required
def interaction_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    interaction = get_scoped_or_404(Interaction, request.workspace, pk=pk)
    people = services.interaction_participants(interaction)
    initial = {
        "kind": interaction.kind,
        "direction": interaction.direction,
        "occurred_at": timezone.localtime(interaction.occurred_at),
        "note": interaction.note,
        "others": ", ".join(str(c.pk) for c in people),
    }
    form = TouchForm(request.POST or None, initial=initial)
    form.fields["others"].label = "Who took part"
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.interaction_update(interaction, **form.service_arguments([]))
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Saved.")
                return redirect("people:contact", pk=form.cleaned_data["others"][0])
    context = {"form": form, "interaction": interaction, "people": people}
    return render(request, "touchpoints/edit.html", context, status=status)


@require_POST
@member_required
def interaction_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    interaction = get_scoped_or_404(Interaction, request.workspace, pk=pk)
    people = services.interaction_participants(interaction)
    services.interaction_delete(interaction)
    messages.success(request, "The interaction is deleted.")
    if people:
        return redirect("people:contact", pk=people[0].pk)
    return redirect("touchpoints:overdue")


@member_required
def relationships(request: WorkspaceRequest) -> HttpResponse:
    """The best relationships by rapport, with meals, home visits and gifts of the last year,
    and the same ladder summed over everyone (or over one kind of contact)."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    ranking = services.best_relationships(request.workspace, kind)
    page = window(ranking, request.GET, PAGE_SIZE)
    top = page.object_list[:10] if page.number == 1 else list(ranking[:10])
    context = {
        "page": page,
        "kind": kind,
        "kinds": Kind.choices,
        "kind_label": Kind(kind).label.lower() + "s" if kind else "",
        "totals": services.depth_totals(request.workspace, kind),
        "top_count": len(top),
        "top_home_visits": sum(1 for row in top if row.home_visits),
    }
    return render(request, "touchpoints/relationships.html", context)


@member_required
def thanks_list(request: WorkspaceRequest) -> HttpResponse:
    """Thank-yous and follow-ups owed, the oldest first."""
    page = window(appreciation.open_dues(request.workspace), request.GET, PAGE_SIZE)
    return render(request, "touchpoints/thanks.html", {"page": page})


# The touch that answers a due, logged in one click.
ANSWER = {DueKind.THANK_YOU: InteractionKind.THANK_YOU, DueKind.FOLLOW_UP: InteractionKind.MESSAGE}


@require_POST
@member_required
def thanks_done(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Log the thank-you (or the follow-up message) now, which settles it."""
    due = get_scoped_or_404(Due, request.workspace, pk=pk)
    back = safe_next(request, reverse("touchpoints:thanks"))
    if due.state != DueState.OPEN:
        messages.info(request, "That was already settled.")
        return redirect(back)
    services.interaction_log(
        request.workspace,
        actor=request.user,
        kind=ANSWER[DueKind(due.kind)],
        contact_ids=[due.contact_id],
        note=due.label,
    )
    messages.success(request, f"{due.get_kind_display()} to {due.contact.display_name} logged.")
    return redirect(back)


@require_POST
@member_required
def thanks_dismiss(request: WorkspaceRequest, pk: int) -> HttpResponse:
    due = get_scoped_or_404(Due, request.workspace, pk=pk)
    try:
        appreciation.dismiss(due)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{due.label} — dismissed.")
    return redirect(safe_next(request, reverse("touchpoints:thanks")))


@require_POST
@member_required
def owe(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Note from the contact page that they are owed a thank-you or a follow-up."""
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    form = OweForm(request.POST)
    back = reverse("people:contact", args=[contact.pk]) + "#thanks"
    if form.is_valid():
        try:
            due, _ = appreciation.owe(contact, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Noted: {due.label}.")
            return redirect(back)
    context = {"form": form, "contact": contact}
    return render(request, "touchpoints/owe.html", context, status=400)


urlpatterns = [
    path("thanks/", thanks_list, name="thanks"),
    path("thanks/<int:pk>/done/", thanks_done, name="thanks_done"),
    path("thanks/<int:pk>/dismiss/", thanks_dismiss, name="thanks_dismiss"),
    path("people/<int:pk>/owe/", owe, name="owe"),
    path("touch/", touch_quick, name="quick"),
    path("relationships/", relationships, name="relationships"),
    path("people/<int:pk>/touch/", touch_log, name="log"),
    path("people/<int:pk>/snooze/", snooze, name="snooze"),
    path("keep-in-touch/", overdue_list, name="overdue"),
    path("keep-in-touch/cadences/", cadences, name="cadences"),
    path("interactions/<int:pk>/", interaction_edit, name="edit"),
    path("interactions/<int:pk>/delete/", interaction_delete, name="delete"),
]
