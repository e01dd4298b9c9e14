"""Logging touches, the overdue list and snoozing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required
from goodwill.accounts.views import add_errors, safe_next
from goodwill.core.scoping import get_scoped_or_404
from goodwill.people.models import Contact
from goodwill.touchpoints import services
from goodwill.touchpoints.forms import TouchForm
from goodwill.touchpoints.models import Interaction, InteractionKind

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


@member_required
def overdue_list(request: WorkspaceRequest) -> HttpResponse:
    contacts = services.overdue(request.workspace).select_related("organization")
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(c, (now - c.touch_due_at).days if c.touch_due_at else 0) for c in page.object_list]
    return render(request, "touchpoints/overdue.html", {"page": page, "rows": rows})


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
    """The best relationships by rapport, with meals, home visits and gifts of the last year."""
    ranking = services.best_relationships(request.workspace)
    page = Paginator(ranking, PAGE_SIZE).get_page(request.GET.get("page"))
    top = list(ranking[:10])
    context = {
        "page": page,
        "top_count": len(top),
        "top_home_visits": sum(1 for row in top if row.home_visits),
    }
    return render(request, "touchpoints/relationships.html", context)


urlpatterns = [
    path("relationships/", relationships, name="relationships"),
    path("people/<int:pk>/touch/", touch_log, name="log"),
    path("people/<int:pk>/snooze/", snooze, name="snooze"),
    path("keep-in-touch/", overdue_list, name="overdue"),
    path("interactions/<int:pk>/", interaction_edit, name="edit"),
    path("interactions/<int:pk>/delete/", interaction_delete, name="delete"),
]
