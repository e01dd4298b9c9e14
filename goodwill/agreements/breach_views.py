"""A client's breaches (log one in two clicks, send the gentle reminder, mark it reminded or
dismiss it), the questions you asked them and the invoices you sent them."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required
from goodwill.accounts.views import add_errors
from goodwill.agenda.services import today_in
from goodwill.agreements import breaches
from goodwill.agreements.breach_forms import (
    AnswerForm,
    BreachForm,
    ClarificationForm,
    InvoiceForm,
    PaidForm,
)
from goodwill.agreements.models import (
    Agreement,
    AgreementStatus,
    Breach,
    Clarification,
    Invoice,
    NeedKind,
)
from goodwill.core.paging import window
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.messaging.models import MessageTemplate, Occasion
from goodwill.messaging.services import templates_ensure
from goodwill.people.models import Contact

PAGE_SIZE = 50


def _contact(request: WorkspaceRequest, pk: int) -> Contact:
    return get_scoped_or_404(Contact, request.workspace, pk=pk)


def _agreed(contact: Contact, kinds: list[str] | None = None) -> list[Agreement]:
    agreements = scoped(Agreement, contact.workspace).filter(
        contact=contact, status=AgreementStatus.AGREED
    )
    if kinds is not None:
        agreements = agreements.filter(need__kind__in=kinds)
    return list(agreements.select_related("need").order_by("need__position", "id"))


# -- Breaches ------------------------------------------------------------------------------


def _boundary_templates(contact: Contact) -> list[MessageTemplate]:
    templates_ensure(contact.workspace)
    return list(
        scoped(MessageTemplate, contact.workspace)
        .filter(occasion=Occasion.BOUNDARY, archived=False)
        .order_by("id")
    )


def _reminder_links(
    contact: Contact, about: str, templates: list[MessageTemplate]
) -> list[tuple[str, str]]:
    """(template name, compose URL): the gentle one first (the compose page's own choice for
    the occasion), then any firmer boundary template the user wrote; which to send is theirs."""
    base = reverse("messaging:compose", args=[contact.pk])
    first = {"occasion": Occasion.BOUNDARY, "about": about}
    links = [
        (templates[0].name if templates else "A gentle reminder", f"{base}?{urlencode(first)}")
    ]
    for template in templates[1:]:
        params = {**first, "template": template.pk}
        links.append((template.name, f"{base}?{urlencode(params)}"))
    return links


@member_required
def breach_list(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    agreements = _agreed(contact)
    initial = {
        "occurred_at": timezone.localtime(),
        "agreement": agreements[0].pk if agreements else None,
    }
    form = BreachForm(request.POST or None, initial=initial, agreements=agreements)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            agreement = next(a for a in agreements if a.pk == form.cleaned_data["agreement"])
            try:
                breaches.breach_log(
                    agreement,
                    occurred_at=form.cleaned_data["occurred_at"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, f"Logged: {agreement.need.title} was not upheld.")
                return redirect("agreements:breaches", pk=contact.pk)
    templates = _boundary_templates(contact)
    found = (
        scoped(Breach, request.workspace)
        .filter(contact=contact)
        .select_related("agreement__need")
        .order_by("-occurred_at", "-id")
    )
    page = window(found, request.GET, PAGE_SIZE)
    rows = breaches.breach_rows(contact, page.object_list)
    context = {
        "contact": contact,
        "form": form,
        "agreements": agreements,
        "page": page,
        "rows": [(row, _reminder_links(contact, row.about, templates)) for row in rows],
        "client_zone": breaches.client_zone(contact),
    }
    return render(request, "agreements/breaches.html", context, status=status)


def _breach(request: WorkspaceRequest, pk: int, breach_id: int) -> Breach:
    contact = _contact(request, pk)
    return get_scoped_or_404(Breach, request.workspace, pk=breach_id, contact=contact)


@require_POST
@member_required
def breach_reminded(request: WorkspaceRequest, pk: int, breach_id: int) -> HttpResponse:
    breach = _breach(request, pk, breach_id)
    try:
        breaches.breach_reminded(breach)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Marked as reminded.")
    return redirect("agreements:breaches", pk=pk)


@require_POST
@member_required
def breach_dismiss(request: WorkspaceRequest, pk: int, breach_id: int) -> HttpResponse:
    breach = _breach(request, pk, breach_id)
    restore = request.POST.get("restore") == "1"
    breaches.breach_dismiss(breach, dismissed=not restore)
    messages.success(request, "Brought back." if restore else "Dismissed.")
    return redirect("agreements:breaches", pk=pk)


# -- Clarifications ------------------------------------------------------------------------


@member_required
def clarification_list(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    form = ClarificationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                breaches.clarification_ask(contact, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Question noted.")
                return redirect("agreements:clarifications", pk=contact.pk)
    found = scoped(Clarification, request.workspace).filter(contact=contact)
    context = {
        "contact": contact,
        "form": form,
        "answer_form": AnswerForm(),
        "turnaround": _agreed(contact, [NeedKind.TURNAROUND]),
        "page": window(found.order_by("-asked_at", "-id"), request.GET, PAGE_SIZE),
        "now": timezone.now(),
    }
    return render(request, "agreements/clarifications.html", context, status=status)


@require_POST
@member_required
def clarification_answer(request: WorkspaceRequest, pk: int, item_id: int) -> HttpResponse:
    contact = _contact(request, pk)
    clarification = get_scoped_or_404(Clarification, request.workspace, pk=item_id, contact=contact)
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["answered_at"]))
        breaches.clarification_answer(clarification, answered_at=form.cleaned_data["answered_at"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Answer noted.")
    return redirect("agreements:clarifications", pk=pk)


# -- Invoices ------------------------------------------------------------------------------


@member_required
def invoice_list(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    form = InvoiceForm(request.POST or None, currency=request.workspace.currency)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                breaches.invoice_create(contact, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Invoice recorded.")
                return redirect("agreements:invoices", pk=contact.pk)
    found = scoped(Invoice, request.workspace).filter(contact=contact)
    context: dict[str, Any] = {
        "contact": contact,
        "form": form,
        "paid_form": PaidForm(),
        "terms": _agreed(contact, [NeedKind.PAYMENT_TERMS]),
        "page": window(found.order_by("-issued_on", "-id"), request.GET, PAGE_SIZE),
        "today": today_in(request.workspace),
    }
    return render(request, "agreements/invoices.html", context, status=status)


@require_POST
@member_required
def invoice_paid(request: WorkspaceRequest, pk: int, item_id: int) -> HttpResponse:
    contact = _contact(request, pk)
    invoice = get_scoped_or_404(Invoice, request.workspace, pk=item_id, contact=contact)
    form = PaidForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["on"]))
        breaches.invoice_paid(invoice, on=form.day())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invoice {invoice.number} marked paid.")
    return redirect("agreements:invoices", pk=pk)


urlpatterns: list[URLPattern] = [
    path("people/<int:pk>/breaches/", breach_list, name="breaches"),
    path(
        "people/<int:pk>/breaches/<int:breach_id>/reminded/",
        breach_reminded,
        name="breach_reminded",
    ),
    path(
        "people/<int:pk>/breaches/<int:breach_id>/dismiss/", breach_dismiss, name="breach_dismiss"
    ),
    path("people/<int:pk>/clarifications/", clarification_list, name="clarifications"),
    path(
        "people/<int:pk>/clarifications/<int:item_id>/answer/",
        clarification_answer,
        name="clarification_answer",
    ),
    path("people/<int:pk>/invoices/", invoice_list, name="invoices"),
    path("people/<int:pk>/invoices/<int:item_id>/paid/", invoice_paid, name="invoice_paid"),
]
