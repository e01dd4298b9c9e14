"""/api/v1/contacts and everything under it, and /api/v1/organizations.

Thin: parse, call one service, return. Records are loaded through goodwill.core.scoping with the
token's workspace, so another workspace's ids answer 404 like ids that do not exist.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from goodwill.accounts.models import Workspace
from goodwill.api.platform import CappedPagination, require_owner, user_of, workspace_of
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people import duplicates, exports, privacy, search, services
from goodwill.people.list_views import ListQuery, selection
from goodwill.people.models import (
    CircleMember,
    Contact,
    ContactTag,
    Fact,
    Gift,
    ImportantDate,
    Note,
    Organization,
    TimelineEntry,
)

router = Router(tags=["people"])

KindName = Literal["client", "customer", "prospect", "friend", "partner"]
FactCategoryName = Literal["like", "dislike", "preference", "hobby", "food", "other"]
RelationName = Literal[
    "spouse", "partner", "child", "parent", "sibling", "assistant", "pet", "other"
]
DateKindName = Literal["birthday", "anniversary", "client_since", "custom"]
GiftStatusName = Literal["idea", "bought", "given"]
ChannelName = Literal["", "email", "phone", "text", "in_person"]
PartialDateText = Field(
    None, description="YYYY-MM-DD, or --MM-DD when the year is unknown", max_length=10
)


class EmailIO(Schema):
    label: str = Field("", max_length=40)
    address: str = Field(max_length=254)


class PhoneIO(Schema):
    label: str = Field("", max_length=40)
    number: str = Field(max_length=40, description="E.164 on output; any written form on input")


class LinkIO(Schema):
    label: str = Field("", max_length=40)
    url: str = Field(max_length=500)


class AddressIO(Schema):
    label: str = ""
    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""


class ContactOut(Schema):
    id: int
    kind: str
    first_name: str
    last_name: str
    nickname: str
    organization: str | None
    role: str
    emails: list[EmailIO]
    phones: list[PhoneIO]
    links: list[LinkIO]
    addresses: list[AddressIO]
    tags: list[str]
    cadence_days: int | None
    rapport: int = Field(description="The rapport index, 0 to 100")
    how_we_met: str
    met_at: str
    introduced_by: int | None
    preferred_channel: str
    contact_hours: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_organization(obj: Contact) -> str | None:
        return obj.organization.name if obj.organization else None

    @staticmethod
    def resolve_emails(obj: Contact) -> list[Any]:
        return list(obj.emails.all())

    @staticmethod
    def resolve_phones(obj: Contact) -> list[Any]:
        return list(obj.phones.all())

    @staticmethod
    def resolve_links(obj: Contact) -> list[Any]:
        return list(obj.links.all())

    @staticmethod
    def resolve_addresses(obj: Contact) -> list[Any]:
        return list(obj.addresses.all())

    @staticmethod
    def resolve_tags(obj: Contact) -> list[str]:
        return [link.tag.name for link in obj.tag_links.all()]

    @staticmethod
    def resolve_introduced_by(obj: Contact) -> int | None:
        return obj.introduced_by_id


class ContactIn(Schema):
    kind: KindName = "client"
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    nickname: str = Field("", max_length=100)
    organization: str = Field("", max_length=200)
    role: str = Field("", max_length=120)
    emails: list[EmailIO] = []
    phones: list[PhoneIO] = []
    links: list[LinkIO] = []
    addresses: list[AddressIO] = []
    tags: list[str] = []
    cadence_days: int | None = Field(None, ge=1, le=3650)
    how_we_met: str = ""
    met_at: str = Field("", max_length=200)
    introduced_by: int | None = None
    preferred_channel: ChannelName = ""
    contact_hours: str = Field("", max_length=120)


class ContactPatch(Schema):
    kind: KindName | None = None
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    nickname: str | None = Field(None, max_length=100)
    organization: str | None = Field(None, max_length=200)
    role: str | None = Field(None, max_length=120)
    emails: list[EmailIO] | None = None
    phones: list[PhoneIO] | None = None
    links: list[LinkIO] | None = None
    addresses: list[AddressIO] | None = None
    tags: list[str] | None = None
    cadence_days: int | None = Field(None, ge=1, le=3650)
    how_we_met: str | None = None
    met_at: str | None = Field(None, max_length=200)
    introduced_by: int | None = None
    preferred_channel: ChannelName | None = None
    contact_hours: str | None = Field(None, max_length=120)


class ContactFilters(Schema):
    q: str = Field("", description="Search names, organisations, e-mails, phones, facts, notes …")
    kind: KindName | None = None
    tag: str = Field("", description="Only contacts with this tag")
    sort: Literal["name", "rapport"] = Field(
        "name", description="By name, or the closest first (rapport); a search ranks by match"
    )


def contacts_with_details(workspace: Workspace) -> QuerySet[Contact]:
    """The workspace's contacts with everything ContactOut shows, in a fixed number of queries
    whatever the page size."""
    tags = scoped(ContactTag, workspace).select_related("tag").order_by("tag__name")
    return (
        scoped(Contact, workspace)
        .select_related("organization")
        .prefetch_related(
            "emails", "phones", "links", "addresses", Prefetch("tag_links", queryset=tags)
        )
    )


def _children(payload: Schema, name: str) -> Any:
    items = getattr(payload, name)
    if items is None:
        return None
    if name == "addresses":
        return [services.AddressInput(**item.dict()) for item in items]
    value_key = {"emails": "address", "phones": "number", "links": "url"}[name]
    return [services.Labelled(label=item.label, value=getattr(item, value_key)) for item in items]


CHILD_LISTS = ("emails", "phones", "links", "addresses")


# With a kind or tag filter, search ranks at most this many hits and filters those.
FILTERED_SEARCH_WINDOW = 1000


@router.get(
    "/contacts", response=list[ContactOut], summary="Contacts, by name, rapport or search rank"
)
@paginate(CappedPagination)
def contacts_list(request: HttpRequest, filters: Query[ContactFilters]) -> Any:
    workspace = workspace_of(request)
    contacts = contacts_with_details(workspace)
    filtered = bool(filters.kind or filters.tag)
    if filters.kind:
        contacts = contacts.filter(kind=filters.kind)
    if filters.tag:
        contacts = contacts.filter(tag_links__tag__name__iexact=filters.tag)
    if not filters.q.strip():
        if filters.sort == "rapport":
            return contacts.order_by("-rapport", "sort_name", "id")
        return contacts.order_by("sort_name", "id")
    return SearchResults(workspace, contacts, filters.q, filtered=filtered)


class SearchResults:
    """Search hits as the paginator wants them: sliceable and countable, one page fetched.

    Without filters, search pages itself. With a kind or tag filter, the best
    FILTERED_SEARCH_WINDOW hits are ranked and those passing the filter are paged."""

    def __init__(
        self, workspace: Any, contacts: QuerySet[Contact], query: str, *, filtered: bool
    ) -> None:
        self.workspace, self.contacts, self.query = workspace, contacts, query
        self.filtered = filtered
        self.total: int | None = None
        self.ranked_ids: list[int] | None = None

    def _filtered_ids(self) -> list[int]:
        if self.ranked_ids is None:
            hits, _ = search.search(self.workspace, self.query, limit=FILTERED_SEARCH_WINDOW)
            keep = set(
                self.contacts.filter(pk__in=[h.contact_id for h in hits]).values_list(
                    "pk", flat=True
                )
            )
            self.ranked_ids = [h.contact_id for h in hits if h.contact_id in keep]
        return self.ranked_ids

    @property
    def count_cap(self) -> int:
        """The paginator's cap: search counts up to COUNTED, then says there are more."""
        return search.COUNTED

    def __len__(self) -> int:
        if self.filtered:
            return len(self._filtered_ids())
        if self.total is None:
            self.total = search.search(self.workspace, self.query, limit=1)[1]
        return self.total

    def __getitem__(self, window: slice) -> list[Contact]:
        start, stop = window.start or 0, window.stop or 0
        if self.filtered:
            ids = self._filtered_ids()[start:stop]
        else:
            hits, self.total = search.search(
                self.workspace, self.query, limit=stop - start, offset=start
            )
            ids = [hit.contact_id for hit in hits]
        by_id = {c.pk: c for c in self.contacts.filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]


class DuplicateOut(Schema):
    first: int
    second: int
    reason: str


@router.get(
    "/contacts/duplicates",
    response=list[DuplicateOut],
    summary="Likely duplicates: pairs sharing an e-mail, a phone or the name",
)
def contacts_duplicates(request: HttpRequest) -> list[dict[str, Any]]:
    pairs = duplicates.likely_duplicates(workspace_of(request))
    return [{"first": p.first.pk, "second": p.second.pk, "reason": p.reason} for p in pairs]


class ExportFilters(Schema):
    format: Literal["vcf", "csv", "json"] = Field(
        "vcf", description="vcf, csv, or json: the backup of the whole workspace (no filters)"
    )
    q: str = Field("", description="Only the contacts this search finds, as the list does")
    kind: KindName | None = None
    tag: str = Field("", description="Only contacts with this tag")
    sort: Literal["name", "rapport"] = "name"


@router.get(
    "/contacts/export",
    response={200: str},
    summary="Contacts as vCard 4.0 or CSV, streamed (owners only)",
    description="Everyone the list's filters select, over all pages, as one `text/vcard` or "
    "`text/csv` download; see docs/people.md#export for the CSV columns. Private facts and "
    "notes are never in them. `format=json` (without filters) is the backup of the whole "
    "workspace, which `goodwill restore` brings back; see docs/backup.md.",
    # 200 as a number, as ninja keys its own responses: "200" would be a second key 200 in the
    # document, which Swagger UI's parser refuses.
    openapi_extra={
        "responses": {
            200: {
                "description": "The vCards or the CSV",
                "content": {
                    "text/vcard": {"schema": {"type": "string"}},
                    "text/csv": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"type": "object"}},
                },
            }
        }
    },
)
def contacts_export_many(request: HttpRequest, filters: Query[ExportFilters]) -> HttpResponseBase:
    require_owner(request)
    workspace = workspace_of(request)
    query = ListQuery(
        q=" ".join(filters.q.split())[:200],
        kind=filters.kind or "",
        tag=filters.tag.strip()[:60],
        sort="rapport" if filters.sort == "rapport" else "",
    )
    chunks = exports.contacts_export(
        workspace, selection(workspace, query), format=filters.format, actor=user_of(request)
    )
    content_type = exports.FORMATS[filters.format]
    response = StreamingHttpResponse(chunks, content_type=f"{content_type}; charset=utf-8")
    filename = exports.export_filename(workspace, filters.format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _contact(request: HttpRequest, contact_id: int) -> Contact:
    return get_scoped_or_404(Contact, workspace_of(request), pk=contact_id)


def _contact_out(contact_id: int, request: HttpRequest) -> Contact:
    return contacts_with_details(workspace_of(request)).get(pk=contact_id)


@router.post("/contacts", response={201: ContactOut}, summary="Create a contact")
def contacts_create(request: HttpRequest, payload: ContactIn) -> Status[Contact]:
    data = payload.dict(exclude=set(CHILD_LISTS) | {"organization", "tags", "introduced_by"})
    contact = services.contact_create(
        workspace_of(request),
        actor=user_of(request),
        organization=payload.organization,
        introduced_by=payload.introduced_by,
        tags=payload.tags,
        **{name: _children(payload, name) for name in CHILD_LISTS},
        **data,
    )
    return Status(201, _contact_out(contact.pk, request))


@router.get("/contacts/{contact_id}", response=ContactOut, summary="One contact")
def contacts_get(request: HttpRequest, contact_id: int) -> Contact:
    return _contact_out(_contact(request, contact_id).pk, request)


@router.patch("/contacts/{contact_id}", response=ContactOut, summary="Change a contact")
def contacts_update(request: HttpRequest, contact_id: int, payload: ContactPatch) -> Contact:
    contact = _contact(request, contact_id)
    given = payload.dict(exclude_unset=True)
    special = set(CHILD_LISTS) | {"organization", "tags", "introduced_by"}
    changes: dict[str, Any] = {k: v for k, v in given.items() if k not in special}
    for name in CHILD_LISTS:
        if name in given:
            changes[name] = _children(payload, name) or []
    if "organization" in given:
        changes["organization"] = given["organization"] or ""
    if "tags" in given:
        changes["tags"] = given["tags"] or []
    if "introduced_by" in given:
        changes["introduced_by"] = given["introduced_by"]
    services.contact_update(contact, actor=user_of(request), **changes)
    return _contact_out(contact.pk, request)


@router.delete(
    "/contacts/{contact_id}", response={204: None}, summary="Erase a contact and all about them"
)
def contacts_erase(request: HttpRequest, contact_id: int) -> Status[None]:
    contact = _contact(request, contact_id)
    require_owner(request)
    services.contact_erase(contact, actor=user_of(request))
    return Status(204, None)


@router.get(
    "/contacts/{contact_id}/export",
    response=dict[str, Any],
    summary="Everything about one person (owners only)",
)
def contacts_export(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    contact = _contact(request, contact_id)
    require_owner(request)
    return privacy.contact_export_recorded(contact, actor=user_of(request))


class MergeIn(Schema):
    other: int = Field(description="The contact merged into this one, then removed")


@router.post(
    "/contacts/{contact_id}/merge",
    response=ContactOut,
    summary="Merge another contact into this one",
)
def contacts_merge(request: HttpRequest, contact_id: int, payload: MergeIn) -> Contact:
    keep = _contact(request, contact_id)
    other = _contact(request, payload.other)
    duplicates.contact_merge(keep, other, actor=user_of(request))
    return _contact_out(keep.pk, request)


class FactOut(Schema):
    id: int
    category: str
    text: str
    private: bool


class FactIn(Schema):
    category: FactCategoryName
    text: str = Field(max_length=500)
    private: bool = False


class FactPatch(Schema):
    category: FactCategoryName | None = None
    text: str | None = Field(None, max_length=500)
    private: bool | None = None


@router.get("/contacts/{contact_id}/facts", response=list[FactOut], summary="Personal facts")
@paginate
def facts_list(request: HttpRequest, contact_id: int) -> QuerySet[Fact]:
    contact = _contact(request, contact_id)
    return scoped(Fact, contact.workspace).filter(contact=contact).order_by("category", "id")


@router.post("/contacts/{contact_id}/facts", response={201: FactOut}, summary="Add a fact")
def facts_create(request: HttpRequest, contact_id: int, payload: FactIn) -> Status[Fact]:
    return Status(201, services.fact_add(_contact(request, contact_id), **payload.dict()))


def _fact(request: HttpRequest, contact_id: int, fact_id: int) -> Fact:
    contact = _contact(request, contact_id)
    return get_scoped_or_404(Fact, contact.workspace, pk=fact_id, contact=contact)


@router.patch("/contacts/{contact_id}/facts/{fact_id}", response=FactOut, summary="Change a fact")
def facts_update(request: HttpRequest, contact_id: int, fact_id: int, payload: FactPatch) -> Fact:
    return services.fact_update(
        _fact(request, contact_id, fact_id), **payload.dict(exclude_unset=True)
    )


@router.delete(
    "/contacts/{contact_id}/facts/{fact_id}", response={204: None}, summary="Remove a fact"
)
def facts_delete(request: HttpRequest, contact_id: int, fact_id: int) -> Status[None]:
    services.fact_remove(_fact(request, contact_id, fact_id))
    return Status(204, None)


class CircleOut(Schema):
    id: int
    name: str
    relation: str
    birthday: str | None
    interests: str
    notes: str
    linked_contact: int | None

    @staticmethod
    def resolve_birthday(obj: CircleMember) -> str | None:
        value = obj.partial_date
        return value.isoformat() if value else None

    @staticmethod
    def resolve_linked_contact(obj: CircleMember) -> int | None:
        return obj.linked_contact_id


class CircleIn(Schema):
    name: str = Field(max_length=120)
    relation: RelationName
    birthday: str | None = PartialDateText
    interests: str = Field("", max_length=500)
    notes: str = ""
    linked_contact: int | None = None


class CirclePatch(Schema):
    name: str | None = Field(None, max_length=120)
    relation: RelationName | None = None
    birthday: str | None = PartialDateText
    interests: str | None = Field(None, max_length=500)
    notes: str | None = None
    linked_contact: int | None = None


@router.get("/contacts/{contact_id}/circle", response=list[CircleOut], summary="Their circle")
@paginate
def circle_list(request: HttpRequest, contact_id: int) -> QuerySet[CircleMember]:
    contact = _contact(request, contact_id)
    return (
        scoped(CircleMember, contact.workspace).filter(contact=contact).order_by("relation", "name")
    )


@router.post(
    "/contacts/{contact_id}/circle", response={201: CircleOut}, summary="Add to the circle"
)
def circle_create(request: HttpRequest, contact_id: int, payload: CircleIn) -> Status[CircleMember]:
    return Status(201, services.circle_add(_contact(request, contact_id), **payload.dict()))


def _member(request: HttpRequest, contact_id: int, member_id: int) -> CircleMember:
    contact = _contact(request, contact_id)
    return get_scoped_or_404(CircleMember, contact.workspace, pk=member_id, contact=contact)


@router.patch("/contacts/{contact_id}/circle/{member_id}", response=CircleOut, summary="Change")
def circle_update(
    request: HttpRequest, contact_id: int, member_id: int, payload: CirclePatch
) -> CircleMember:
    member = _member(request, contact_id, member_id)
    return services.circle_update(member, **payload.dict(exclude_unset=True))


@router.delete("/contacts/{contact_id}/circle/{member_id}", response={204: None}, summary="Remove")
def circle_delete(request: HttpRequest, contact_id: int, member_id: int) -> Status[None]:
    services.circle_remove(_member(request, contact_id, member_id))
    return Status(204, None)


class DateOut(Schema):
    id: int
    label: str
    kind: str
    date: str

    @staticmethod
    def resolve_date(obj: ImportantDate) -> str:
        return str(obj.partial_date)


class DateIn(Schema):
    kind: DateKindName
    date: str = Field(description="YYYY-MM-DD, or --MM-DD when the year is unknown", max_length=10)
    label: str = Field("", max_length=120)


class DatePatch(Schema):
    kind: DateKindName | None = None
    date: str | None = PartialDateText
    label: str | None = Field(None, max_length=120)


@router.get("/contacts/{contact_id}/dates", response=list[DateOut], summary="Important dates")
@paginate
def dates_list(request: HttpRequest, contact_id: int) -> QuerySet[ImportantDate]:
    contact = _contact(request, contact_id)
    return (
        scoped(ImportantDate, contact.workspace)
        .filter(contact=contact)
        .order_by("month", "day", "id")
    )


@router.post("/contacts/{contact_id}/dates", response={201: DateOut}, summary="Add a date")
def dates_create(request: HttpRequest, contact_id: int, payload: DateIn) -> Status[ImportantDate]:
    return Status(201, services.date_add(_contact(request, contact_id), **payload.dict()))


def _date(request: HttpRequest, contact_id: int, date_id: int) -> ImportantDate:
    contact = _contact(request, contact_id)
    return get_scoped_or_404(ImportantDate, contact.workspace, pk=date_id, contact=contact)


@router.patch("/contacts/{contact_id}/dates/{date_id}", response=DateOut, summary="Change a date")
def dates_update(
    request: HttpRequest, contact_id: int, date_id: int, payload: DatePatch
) -> ImportantDate:
    return services.date_update(
        _date(request, contact_id, date_id), **payload.dict(exclude_unset=True)
    )


@router.delete("/contacts/{contact_id}/dates/{date_id}", response={204: None}, summary="Remove")
def dates_delete(request: HttpRequest, contact_id: int, date_id: int) -> Status[None]:
    services.date_remove(_date(request, contact_id, date_id))
    return Status(204, None)


class GiftOut(Schema):
    id: int
    description: str
    occasion: str
    status: str
    cost: Decimal | None
    given_on: date | None
    for_member: int | None

    @staticmethod
    def resolve_for_member(obj: Gift) -> int | None:
        return obj.for_member_id


class GiftIn(Schema):
    description: str = Field(max_length=300)
    occasion: str = Field("", max_length=120)
    status: GiftStatusName = "idea"
    cost: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    given_on: date | None = None
    for_member: int | None = None


class GiftPatch(Schema):
    description: str | None = Field(None, max_length=300)
    occasion: str | None = Field(None, max_length=120)
    status: GiftStatusName | None = None
    cost: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    given_on: date | None = None
    for_member: int | None = None


@router.get("/contacts/{contact_id}/gifts", response=list[GiftOut], summary="Gift ideas and gifts")
@paginate
def gifts_list(request: HttpRequest, contact_id: int) -> QuerySet[Gift]:
    contact = _contact(request, contact_id)
    return scoped(Gift, contact.workspace).filter(contact=contact).order_by("status", "-created_at")


@router.post("/contacts/{contact_id}/gifts", response={201: GiftOut}, summary="Add a gift")
def gifts_create(request: HttpRequest, contact_id: int, payload: GiftIn) -> Status[Gift]:
    return Status(201, services.gift_add(_contact(request, contact_id), **payload.dict()))


def _gift(request: HttpRequest, contact_id: int, gift_id: int) -> Gift:
    contact = _contact(request, contact_id)
    return get_scoped_or_404(Gift, contact.workspace, pk=gift_id, contact=contact)


@router.patch("/contacts/{contact_id}/gifts/{gift_id}", response=GiftOut, summary="Change a gift")
def gifts_update(request: HttpRequest, contact_id: int, gift_id: int, payload: GiftPatch) -> Gift:
    return services.gift_update(
        _gift(request, contact_id, gift_id), **payload.dict(exclude_unset=True)
    )


@router.delete("/contacts/{contact_id}/gifts/{gift_id}", response={204: None}, summary="Remove")
def gifts_delete(request: HttpRequest, contact_id: int, gift_id: int) -> Status[None]:
    services.gift_remove(_gift(request, contact_id, gift_id))
    return Status(204, None)


class NoteOut(Schema):
    id: int
    body: str
    pinned: bool
    created_at: datetime


class NoteIn(Schema):
    body: str = Field(max_length=20000)
    pinned: bool = False


class NotePatch(Schema):
    body: str | None = Field(None, max_length=20000)
    pinned: bool | None = None


@router.get("/contacts/{contact_id}/notes", response=list[NoteOut], summary="Notes, pinned first")
@paginate
def notes_list(request: HttpRequest, contact_id: int) -> QuerySet[Note]:
    contact = _contact(request, contact_id)
    return (
        scoped(Note, contact.workspace)
        .filter(contact=contact)
        .order_by("-pinned", "-created_at", "-id")
    )


@router.post("/contacts/{contact_id}/notes", response={201: NoteOut}, summary="Add a note")
def notes_create(request: HttpRequest, contact_id: int, payload: NoteIn) -> Status[Note]:
    contact = _contact(request, contact_id)
    return Status(201, services.note_add(contact, author=user_of(request), **payload.dict()))


def _note(request: HttpRequest, contact_id: int, note_id: int) -> Note:
    contact = _contact(request, contact_id)
    return get_scoped_or_404(Note, contact.workspace, pk=note_id, contact=contact)


@router.patch("/contacts/{contact_id}/notes/{note_id}", response=NoteOut, summary="Change a note")
def notes_update(request: HttpRequest, contact_id: int, note_id: int, payload: NotePatch) -> Note:
    return services.note_update(
        _note(request, contact_id, note_id), **payload.dict(exclude_unset=True)
    )


@router.delete("/contacts/{contact_id}/notes/{note_id}", response={204: None}, summary="Remove")
def notes_delete(request: HttpRequest, contact_id: int, note_id: int) -> Status[None]:
    services.note_remove(_note(request, contact_id, note_id))
    return Status(204, None)


class TimelineOut(Schema):
    id: int
    kind: str
    occurred_at: datetime
    title: str
    data: dict[str, Any]


@router.get(
    "/contacts/{contact_id}/timeline",
    response=list[TimelineOut],
    summary="Everything, newest first",
)
@paginate
def timeline_list(request: HttpRequest, contact_id: int) -> QuerySet[TimelineEntry]:
    contact = _contact(request, contact_id)
    return (
        scoped(TimelineEntry, contact.workspace)
        .filter(contact=contact)
        .order_by("-occurred_at", "-id")
    )


class OrganizationOut(Schema):
    id: int
    name: str
    website: str
    notes: str


@router.get("/organizations", response=list[OrganizationOut], summary="Organisations")
@paginate
def organizations_list(request: HttpRequest) -> QuerySet[Organization]:
    return scoped(Organization, workspace_of(request)).order_by("name", "id")


@router.get("/organizations/{org_id}", response=OrganizationOut, summary="One organisation")
def organizations_get(request: HttpRequest, org_id: int) -> Organization:
    return get_scoped_or_404(Organization, workspace_of(request), pk=org_id)
