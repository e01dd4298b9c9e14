"""/api/v1/messages, /api/v1/message-templates and the logging address."""

from datetime import datetime
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from goodwill.api.platform import CappedPagination, user_of, workspace_of
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.messaging import services
from goodwill.messaging.inbound import logging_address
from goodwill.messaging.models import MessageTemplate, Occasion, OutgoingMessage
from goodwill.messaging.placeholders import Values, render
from goodwill.messaging.tasks import send_message
from goodwill.people.models import CircleMember, Contact
from goodwill.touchpoints.models import Due

router = Router(tags=["messages"])

OccasionName = Literal[
    "birthday", "circle_birthday", "thank_you", "apology", "follow_up", "check_in", "boundary",
    "other",
]  # fmt: skip


class TemplateOut(Schema):
    id: int
    occasion: str
    name: str
    subject: str
    body: str
    archived: bool


class TemplateIn(Schema):
    occasion: OccasionName
    name: str = Field(max_length=120)
    subject: str = Field(max_length=200)
    body: str = Field(max_length=10000)


class TemplatePatch(Schema):
    occasion: OccasionName | None = None
    name: str | None = Field(None, max_length=120)
    subject: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=10000)
    archived: bool | None = None


@router.get("/message-templates", response=list[TemplateOut], summary="Message templates")
@paginate(CappedPagination)
def templates_list(request: HttpRequest) -> QuerySet[MessageTemplate]:
    workspace = workspace_of(request)
    services.templates_ensure(workspace)
    return scoped(MessageTemplate, workspace).order_by("archived", "occasion", "name", "id")


@router.post("/message-templates", response={201: TemplateOut}, summary="Add a template")
def templates_create(request: HttpRequest, payload: TemplateIn) -> Status[MessageTemplate]:
    return Status(201, services.template_create(workspace_of(request), **payload.dict()))


@router.get("/message-templates/{template_id}", response=TemplateOut, summary="One template")
def templates_get(request: HttpRequest, template_id: int) -> MessageTemplate:
    return get_scoped_or_404(MessageTemplate, workspace_of(request), pk=template_id)


@router.patch("/message-templates/{template_id}", response=TemplateOut, summary="Change it")
def templates_update(
    request: HttpRequest, template_id: int, payload: TemplatePatch
) -> MessageTemplate:
    template = get_scoped_or_404(MessageTemplate, workspace_of(request), pk=template_id)
    changes = payload.dict(exclude_unset=True)
    archived = changes.pop("archived", None)
    if changes:
        services.template_update(template, **changes)
    if archived is not None:
        services.template_archive(template, archived=archived)
    return template


class RenderIn(Schema):
    contact: int
    template: int
    member: int | None = Field(None, description="The circle member, for a family birthday")
    due: int | None = Field(None, description="The thank-you or follow-up owed it answers")


class RenderOut(Schema):
    subject: str
    body: str


@router.post(
    "/messages/render",
    response=RenderOut,
    summary="A template filled in for a contact (422 names a placeholder without a value)",
)
def messages_render(request: HttpRequest, payload: RenderIn) -> RenderOut:
    workspace = workspace_of(request)
    contact = get_scoped_or_404(Contact, workspace, pk=payload.contact)
    template = get_scoped_or_404(MessageTemplate, workspace, pk=payload.template)
    member = (
        get_scoped_or_404(CircleMember, workspace, pk=payload.member, contact=contact)
        if payload.member
        else None
    )
    due = (
        get_scoped_or_404(Due, workspace, pk=payload.due, contact=contact) if payload.due else None
    )
    values = Values.of(
        contact,
        user_of(request),
        occasion=Occasion(template.occasion).label.lower(),
        member=member,
        about=(due.about or due.get_reason_display()) if due else "",
    )
    return RenderOut(subject=render(template.subject, values), body=render(template.body, values))


class MessageOut(Schema):
    id: int
    contact: int
    to_address: str
    subject: str
    body: str
    occasion: str
    state: str = Field(description="queued, sending, sent, failed, or logged (sent by you)")
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None

    @staticmethod
    def resolve_contact(obj: OutgoingMessage) -> int:
        return obj.contact_id


class MessageIn(Schema):
    contact: int
    to_address: str = Field(description="One of the contact's own addresses")
    subject: str = Field(max_length=200)
    body: str = Field(max_length=20000)
    key: str = Field(
        min_length=1, max_length=64, description="Your id for this message: sent once per key"
    )
    occasion: OccasionName = "other"
    template: int | None = None
    own_mail_app: bool = Field(
        False, description="You send it yourself: Goodwill only logs it (state logged)"
    )


class MessageFilters(Schema):
    contact: int | None = None
    state: Literal["queued", "sending", "sent", "failed", "logged"] | None = None


@router.get("/messages", response=list[MessageOut], summary="Messages, newest first")
@paginate(CappedPagination)
def messages_list(
    request: HttpRequest, filters: Query[MessageFilters]
) -> QuerySet[OutgoingMessage]:
    workspace = workspace_of(request)
    sent = scoped(OutgoingMessage, workspace)
    if filters.contact is not None:
        sent = sent.filter(contact=get_scoped_or_404(Contact, workspace, pk=filters.contact))
    if filters.state:
        sent = sent.filter(state=filters.state)
    return sent.order_by("-created_at", "-id")


@router.post(
    "/messages",
    response={200: MessageOut, 201: MessageOut},
    summary="Send a message to a contact (through the outbox)",
    description="201 when queued (or logged); 200 with the first when the same key came before.",
)
def messages_create(request: HttpRequest, payload: MessageIn) -> Status[OutgoingMessage]:
    workspace = workspace_of(request)
    contact = get_scoped_or_404(Contact, workspace, pk=payload.contact)
    template = (
        get_scoped_or_404(MessageTemplate, workspace, pk=payload.template)
        if payload.template
        else None
    )
    arguments = payload.dict(exclude={"contact", "template", "own_mail_app"})
    if payload.own_mail_app:
        message, new = services.message_log_own(
            contact, actor=user_of(request), template=template, **arguments
        )
        return Status(201 if new else 200, message)
    message, new = services.message_queue(
        contact, actor=user_of(request), template=template, **arguments
    )
    if new:
        send_message.enqueue(message.pk)
    return Status(201 if new else 200, message)


@router.get("/messages/{message_id}", response=MessageOut, summary="One message and its state")
def messages_get(request: HttpRequest, message_id: int) -> OutgoingMessage:
    return get_scoped_or_404(OutgoingMessage, workspace_of(request), pk=message_id)


class AddressOut(Schema):
    address: str = Field(description="BCC it or forward mail to it to log e-mail on contacts")


@router.get("/logging-address", response=AddressOut, summary="The workspace's logging address")
def logging_address_get(request: HttpRequest) -> AddressOut:
    return AddressOut(address=logging_address(workspace_of(request)))
