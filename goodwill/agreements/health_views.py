"""Client health and parting ways kindly (G4): the workspace's health page, one client's, and
the offboarding checklist. Each view parses its input, calls one function, and renders."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required, owner_required
from goodwill.agreements import offboarding
from goodwill.agreements.health import contact_health, health
from goodwill.agreements.models import Offboarding
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people.models import Contact


def _contact(request: WorkspaceRequest, pk: int) -> Contact:
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    contact.workspace = request.workspace
    return contact


@member_required
def health_page(request: WorkspaceRequest) -> HttpResponse:
    """Clients ranked by breaches, the trend, breaches per need, and whom to consider."""
    figures = health(request.workspace, timezone.now())
    return render(request, "agreements/health.html", {"health": figures})


@member_required
def contact_health_page(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    context = {
        "contact": contact,
        "health": contact_health(contact, timezone.now()),
        "offboarding": scoped(Offboarding, request.workspace).filter(contact=contact).first(),
    }
    return render(request, "agreements/health_contact.html", context)


@member_required
def offboard_page(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    context = {
        "contact": contact,
        "checklist": offboarding.checklist(contact),
        "is_owner": request.membership.is_owner,
    }
    return render(request, "agreements/offboard.html", context)


def _done(
    request: WorkspaceRequest, contact: Contact, change: Callable[[], object], success: str
) -> HttpResponse:
    """Make the change, say how it went, and go back to the checklist."""
    try:
        change()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("agreements:offboard", pk=contact.pk)


@require_POST
@owner_required
def offboard_start(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    return _done(
        request,
        contact,
        lambda: offboarding.offboard_start(contact),
        "Begun. A final thank-you is on your agenda.",
    )


@require_POST
@member_required
def offboard_step(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    step, done = request.POST.get("step", ""), request.POST.get("done") == "1"
    return _done(
        request,
        contact,
        lambda: offboarding.offboard_step(contact, step, done),
        "Ticked." if done else "Unticked.",
    )


@require_POST
@member_required
def offboard_notes(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    text = request.POST.get("handover_notes", "")
    return _done(
        request, contact, lambda: offboarding.offboard_notes(contact, text), "Notes saved."
    )


@require_POST
@owner_required
def offboard_finish(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    return _done(
        request,
        contact,
        lambda: offboarding.offboard_finish(contact),
        f"You parted ways with {contact.display_name} kindly. Their agreements have ended.",
    )


urlpatterns: list[URLPattern] = [
    path("agreements/health/", health_page, name="health"),
    path("people/<int:pk>/health/", contact_health_page, name="contact_health"),
    path("people/<int:pk>/offboard/", offboard_page, name="offboard"),
    path("people/<int:pk>/offboard/start/", offboard_start, name="offboard_start"),
    path("people/<int:pk>/offboard/step/", offboard_step, name="offboard_step"),
    path("people/<int:pk>/offboard/notes/", offboard_notes, name="offboard_notes"),
    path("people/<int:pk>/offboard/finish/", offboard_finish, name="offboard_finish"),
]
