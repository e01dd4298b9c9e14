"""Writing to a contact (compose, send, or log what the user's own mail app sends), the outbox,
and the templates."""

import uuid
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required
from goodwill.accounts.views import add_errors
from goodwill.core.paging import window
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.messaging import services
from goodwill.messaging.forms import ComposeForm, TemplateForm
from goodwill.messaging.inbound import logging_address
from goodwill.messaging.models import MessageState, MessageTemplate, Occasion, OutgoingMessage
from goodwill.messaging.placeholders import PLACEHOLDERS, Values
from goodwill.messaging.placeholders import render as render_template
from goodwill.messaging.tasks import send_message
from goodwill.people.models import CircleMember, Contact, Email
from goodwill.touchpoints.models import Due, DueKind

app_name = "messaging"
PAGE_SIZE = 50


def _occasion_of(due: Due | None, member: CircleMember | None, asked: str) -> str:
    if due is not None:
        return Occasion.THANK_YOU if due.kind == DueKind.THANK_YOU else Occasion.FOLLOW_UP
    if member is not None:
        return Occasion.CIRCLE_BIRTHDAY
    return asked if asked in Occasion.values else Occasion.CHECK_IN


def _draft(
    request: WorkspaceRequest, contact: Contact
) -> tuple[dict[str, Any], MessageTemplate | None, list[str]]:
    """What the compose form starts with: the chosen (or fitting) template, filled in."""
    workspace = request.workspace
    params = request.GET
    member = (
        get_scoped_or_404(CircleMember, workspace, pk=params["member"], contact=contact)
        if params.get("member")
        else None
    )
    due = (
        get_scoped_or_404(Due, workspace, pk=params["due"], contact=contact)
        if params.get("due")
        else None
    )
    occasion = _occasion_of(due, member, params.get("occasion", ""))
    templates = scoped(MessageTemplate, workspace).filter(archived=False)
    template = (
        get_scoped_or_404(MessageTemplate, workspace, pk=params["template"])
        if params.get("template")
        else templates.filter(occasion=occasion).order_by("id").first()
    )
    # A due says what it is about; other callers (a broken agreement) may say it themselves.
    about = (due.about or due.get_reason_display()) if due else params.get("about", "")[:300]
    values = Values.of(
        contact, request.user, occasion=Occasion(occasion).label.lower(), member=member, about=about
    )
    initial: dict[str, Any] = {"occasion": occasion, "key": uuid.uuid4().hex}
    problems: list[str] = []
    if template is not None:
        initial["template"] = template.pk
        for field, text in (("subject", template.subject), ("body", template.body)):
            try:
                initial[field] = render_template(text, values)
            except ValidationError as error:
                initial[field] = text
                problems.extend(error.messages)
    return initial, template, problems


@member_required
def compose(request: WorkspaceRequest, pk: int) -> HttpResponse:
    workspace = request.workspace
    contact = get_scoped_or_404(Contact, workspace, pk=pk)
    services.templates_ensure(workspace)
    addresses = list(
        scoped(Email, workspace)
        .filter(contact=contact)
        .order_by("id")
        .values_list("address", flat=True)
    )
    templates = (
        scoped(MessageTemplate, workspace).filter(archived=False).order_by("occasion", "name")
    )
    template: MessageTemplate | None = None
    problems: list[str] = []
    if request.method == "POST":
        form = ComposeForm(request.POST, addresses=addresses)
        if form.is_valid():
            return _post(request, contact, form)
        status = 400
    else:
        initial, template, problems = _draft(request, contact)
        initial["to_address"] = addresses[0] if addresses else ""
        form = ComposeForm(initial=initial, addresses=addresses)
        status = 200
    context = {
        "contact": contact,
        "form": form,
        "templates": templates,
        "template": template,
        "problems": problems,
        "addresses": addresses,
        "keep": {key: request.GET[key] for key in ("member", "due") if request.GET.get(key)},
        "placeholders": PLACEHOLDERS,
    }
    return render(request, "messaging/compose.html", context, status=status)


def _post(request: WorkspaceRequest, contact: Contact, form: ComposeForm) -> HttpResponse:
    data = form.cleaned_data
    template = (
        scoped(MessageTemplate, request.workspace).filter(pk=data["template"]).first()
        if data.get("template")
        else None
    )
    arguments = {
        "actor": request.user,
        "to_address": data["to_address"],
        "subject": data["subject"],
        "body": data["body"],
        "key": data["key"],
        "occasion": data["occasion"],
        "template": template,
    }
    try:
        if request.POST.get("action") == "own":
            message, _ = services.message_log_own(contact, **arguments)
            mailto = (
                f"mailto:{quote(message.to_address)}?subject={quote(message.subject)}"
                f"&body={quote(message.body)}"
            )
            return render(request, "messaging/own.html", {"message": message, "mailto": mailto})
        message, new = services.message_queue(contact, **arguments)
    except ValidationError as error:
        add_errors(form, error)
        context = {"contact": contact, "form": form, "templates": [], "problems": []}
        return render(request, "messaging/compose.html", context, status=400)
    if new:
        send_message.enqueue(message.pk)
        messages.success(request, f"Your message to {contact.display_name} is on its way.")
    return redirect("messaging:message", pk=message.pk)


@member_required
def message_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    message = get_scoped_or_404(OutgoingMessage, request.workspace, pk=pk)
    return render(request, "messaging/message.html", {"message": message})


@require_POST
@member_required
def message_retry(request: WorkspaceRequest, pk: int) -> HttpResponse:
    message = get_scoped_or_404(OutgoingMessage, request.workspace, pk=pk)
    if message.state == MessageState.FAILED:
        services.message_retry(message)
        send_message.enqueue(message.pk)
        messages.success(request, "Trying again.")
    return redirect("messaging:message", pk=message.pk)


@member_required
def outbox(request: WorkspaceRequest) -> HttpResponse:
    sent = (
        scoped(OutgoingMessage, request.workspace)
        .select_related("contact")
        .order_by("-created_at", "-id")
    )
    context = {
        "page": window(sent, request.GET, PAGE_SIZE),
        "logging_address": logging_address(request.workspace),
    }
    return render(request, "messaging/outbox.html", context)


@member_required
def template_list(request: WorkspaceRequest) -> HttpResponse:
    services.templates_ensure(request.workspace)
    templates = scoped(MessageTemplate, request.workspace).order_by("archived", "occasion", "name")
    context = {"templates": templates, "placeholders": PLACEHOLDERS}
    return render(request, "messaging/templates.html", context)


@member_required
def template_edit(request: WorkspaceRequest, pk: int | None = None) -> HttpResponse:
    workspace = request.workspace
    template = get_scoped_or_404(MessageTemplate, workspace, pk=pk) if pk else None
    initial = (
        {k: getattr(template, k) for k in ("occasion", "name", "subject", "body")}
        if template
        else {}
    )
    form = TemplateForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if template:
                    services.template_update(template, **form.cleaned_data)
                else:
                    services.template_create(workspace, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Template saved.")
                return redirect("messaging:templates")
    context = {"form": form, "template": template, "placeholders": PLACEHOLDERS}
    return render(request, "messaging/template_form.html", context, status=status)


@require_POST
@member_required
def template_archive(request: WorkspaceRequest, pk: int) -> HttpResponse:
    template = get_scoped_or_404(MessageTemplate, request.workspace, pk=pk)
    services.template_archive(template, archived=request.POST.get("archived") != "0")
    return redirect(reverse("messaging:templates"))


urlpatterns = [
    path("people/<int:pk>/write/", compose, name="compose"),
    path("messages/", outbox, name="outbox"),
    path("messages/<int:pk>/", message_detail, name="message"),
    path("messages/<int:pk>/retry/", message_retry, name="retry"),
    path("messages/templates/", template_list, name="templates"),
    path("messages/templates/new/", template_edit, name="template_new"),
    path("messages/templates/<int:pk>/", template_edit, name="template_edit"),
    path("messages/templates/<int:pk>/archive/", template_archive, name="template_archive"),
]
