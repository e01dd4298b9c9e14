"""/api/v1/interactions, /api/v1/overdue, snoozing, /api/v1/rapport and /api/v1/dues."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from goodwill.accounts.models import Workspace
from goodwill.api.platform import (
    CappedPagination,
    RecordId,
    require_owner,
    user_of,
    workspace_of,
)
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people import services as people_services
from goodwill.people.cadence import default_cadence_days
from goodwill.people.models import Contact, Kind
from goodwill.touchpoints import appreciation, services
from goodwill.touchpoints.models import Due, Interaction, Participation, RapportScore

router = Router(tags=["touchpoints"])

KindName = Literal[
    "call", "email", "meeting", "meal", "visit_home",
    "visit_theirs", "event", "gift", "thank_you", "message", "put_right",
]  # fmt: skip
DirectionName = Literal["ours", "theirs"]
ContactKindName = Literal["client", "customer", "prospect", "friend", "partner"]


class InteractionOut(Schema):
    id: int
    kind: str
    direction: str
    occurred_at: datetime
    note: str
    contacts: list[int]

    @staticmethod
    def resolve_contacts(obj: Interaction) -> list[int]:
        return [p.contact_id for p in obj.participations.all()]


class InteractionIn(Schema):
    kind: KindName
    contacts: list[RecordId] = Field(
        min_length=1, max_length=50, description="Contact ids of who took part"
    )
    occurred_at: datetime | None = Field(None, description="Defaults to now; not in the future")
    direction: DirectionName = "ours"
    note: str = Field("", max_length=5000)


class InteractionPatch(Schema):
    kind: KindName | None = None
    contacts: list[RecordId] | None = Field(None, min_length=1, max_length=50)
    occurred_at: datetime | None = None
    direction: DirectionName | None = None
    note: str | None = Field(None, max_length=5000)


class InteractionFilters(Schema):
    contact: int | None = Field(None, description="Only the touches of this contact")


def _with_participants(queryset: QuerySet[Interaction], workspace: Any) -> QuerySet[Interaction]:
    parts = scoped(Participation, workspace).order_by("id")
    return queryset.prefetch_related(Prefetch("participations", queryset=parts))


@router.get("/interactions", response=list[InteractionOut], summary="Interactions, newest first")
@paginate(CappedPagination)
def interactions_list(
    request: HttpRequest, filters: Query[InteractionFilters]
) -> QuerySet[Interaction]:
    workspace = workspace_of(request)
    interactions = scoped(Interaction, workspace)
    if filters.contact is not None:
        contact = get_scoped_or_404(Contact, workspace, pk=filters.contact)
        ids = scoped(Participation, workspace).filter(contact=contact).values("interaction_id")
        interactions = interactions.filter(pk__in=ids)
    return _with_participants(interactions.order_by("-occurred_at", "-id"), workspace)


def _out(request: HttpRequest, pk: int) -> Interaction:
    workspace = workspace_of(request)
    return _with_participants(scoped(Interaction, workspace), workspace).get(pk=pk)


@router.post("/interactions", response={201: InteractionOut}, summary="Log an interaction")
def interactions_create(request: HttpRequest, payload: InteractionIn) -> Status[Interaction]:
    interaction = services.interaction_log(
        workspace_of(request),
        actor=user_of(request),
        kind=payload.kind,
        contact_ids=payload.contacts,
        occurred_at=payload.occurred_at,
        direction=payload.direction,
        note=payload.note,
    )
    return Status(201, _out(request, interaction.pk))


def _interaction(request: HttpRequest, pk: int) -> Interaction:
    return get_scoped_or_404(Interaction, workspace_of(request), pk=pk)


@router.get("/interactions/{interaction_id}", response=InteractionOut, summary="One interaction")
def interactions_get(request: HttpRequest, interaction_id: int) -> Interaction:
    return _out(request, _interaction(request, interaction_id).pk)


@router.patch("/interactions/{interaction_id}", response=InteractionOut, summary="Change it")
def interactions_update(
    request: HttpRequest, interaction_id: int, payload: InteractionPatch
) -> Interaction:
    changes = payload.dict(exclude_unset=True)
    if "contacts" in changes:
        changes["contact_ids"] = changes.pop("contacts")
    services.interaction_update(_interaction(request, interaction_id), **changes)
    return _out(request, interaction_id)


@router.delete("/interactions/{interaction_id}", response={204: None}, summary="Delete it")
def interactions_delete(request: HttpRequest, interaction_id: int) -> Status[None]:
    services.interaction_delete(_interaction(request, interaction_id))
    return Status(204, None)


class OverdueOut(Schema):
    id: int
    first_name: str
    last_name: str
    kind: str
    last_touch_at: datetime | None
    touch_due_at: datetime | None
    cadence_days: int

    @staticmethod
    def resolve_cadence_days(obj: Contact) -> int:
        return obj.effective_cadence_days


@router.get(
    "/overdue", response=list[OverdueOut], summary="Contacts due a touch, most overdue first"
)
@paginate(CappedPagination)
def overdue_list(request: HttpRequest) -> QuerySet[Contact]:
    # The cadence in each row reads the workspace's defaults: joined, not fetched per row.
    return services.overdue(workspace_of(request)).select_related("workspace")


class SnoozeIn(Schema):
    days: int = Field(7, ge=1, le=365)


@router.post("/contacts/{contact_id}/snooze", response=OverdueOut, summary="Put off the next touch")
def contacts_snooze(request: HttpRequest, contact_id: int, payload: SnoozeIn) -> Contact:
    contact = get_scoped_or_404(Contact, workspace_of(request), pk=contact_id)
    return services.touch_snooze(contact, days=payload.days)


class RapportOut(Schema):
    contact: int
    name: str
    score: int
    meals: int
    home_visits: int
    gifts: int
    circle_gifts: int

    @staticmethod
    def resolve_contact(obj: RapportScore) -> int:
        return obj.contact_id

    @staticmethod
    def resolve_name(obj: RapportScore) -> str:
        return obj.contact.display_name


class KindFilter(Schema):
    kind: ContactKindName | None = Field(None, description="Only contacts of this kind")


@router.get("/rapport", response=list[RapportOut], summary="Contacts ranked by rapport")
@paginate(CappedPagination)
def rapport_ranking(request: HttpRequest, filters: Query[KindFilter]) -> QuerySet[RapportScore]:
    return services.best_relationships(workspace_of(request), filters.kind or "")


class LadderOut(Schema):
    meals: int
    home_visits: int
    gifts: int
    circle_gifts: int = Field(description="Gifts given to someone in their circle")
    people: int = Field(description="How many people had any of these")


@router.get(
    "/rapport/ladder",
    response=LadderOut,
    summary="The depth ladder of the last 365 days, summed over the workspace",
)
def rapport_ladder(request: HttpRequest, filters: Query[KindFilter]) -> services.Ladder:
    return services.depth_totals(workspace_of(request), filters.kind or "")


ReasonName = Literal[
    "purchase", "delivery", "referral", "first_meeting", "lost_deal", "event", "won", "other"
]
StateName = Literal["open", "settled", "dismissed", "all"]


class DueOut(Schema):
    id: int
    contact: int
    kind: str = Field(description="thank_you or follow_up")
    reason: str
    about: str
    label: str = Field(description="The reason in words")
    source: str = Field(description='What raised it, e.g. "interaction:12"; empty by hand')
    event_at: datetime
    raised_at: datetime
    state: str
    closed_at: datetime | None
    settled_by: int | None = Field(description="The interaction that settled it")

    @staticmethod
    def resolve_contact(obj: Due) -> int:
        return obj.contact_id

    @staticmethod
    def resolve_settled_by(obj: Due) -> int | None:
        return obj.settled_by_id


class DueIn(Schema):
    contact: int
    reason: ReasonName
    about: str = Field("", max_length=200)
    source: str = Field(
        "", max_length=64, description="What raised it in your app; the same source raises once"
    )
    event_at: datetime | None = Field(None, description="When it happened; defaults to now")
    kind: Literal["thank_you", "follow_up"] | None = Field(
        None, description="Defaults to follow_up after a lost deal, else thank_you"
    )


class DueFilters(Schema):
    contact: int | None = Field(None, description="Only what this contact is owed")
    state: StateName = "open"


@router.get("/dues", response=list[DueOut], summary="Thank-yous and follow-ups owed")
@paginate(CappedPagination)
def dues_list(request: HttpRequest, filters: Query[DueFilters]) -> QuerySet[Due]:
    workspace = workspace_of(request)
    dues = scoped(Due, workspace)
    if filters.state != "all":
        dues = dues.filter(state=filters.state)
    if filters.contact is not None:
        dues = dues.filter(contact=get_scoped_or_404(Contact, workspace, pk=filters.contact))
    return dues.order_by("event_at", "id")


@router.post(
    "/dues",
    response={200: DueOut, 201: DueOut},
    summary="Raise a thank-you or follow-up",
    description="201 when raised; 200 with the existing one when this source raised it before.",
)
def dues_create(request: HttpRequest, payload: DueIn) -> Status[Due]:
    contact = get_scoped_or_404(Contact, workspace_of(request), pk=payload.contact)
    due, created = appreciation.owe(
        contact,
        reason=payload.reason,
        about=payload.about,
        source=payload.source,
        event_at=payload.event_at,
        kind=payload.kind,
    )
    return Status(201 if created else 200, due)


@router.get("/dues/{due_id}", response=DueOut, summary="One thank-you or follow-up")
def dues_get(request: HttpRequest, due_id: int) -> Due:
    return get_scoped_or_404(Due, workspace_of(request), pk=due_id)


@router.post("/dues/{due_id}/dismiss", response=DueOut, summary="Not needed after all")
def dues_dismiss(request: HttpRequest, due_id: int) -> Due:
    return appreciation.dismiss(get_scoped_or_404(Due, workspace_of(request), pk=due_id))


class CadenceOut(Schema):
    kind: str
    days: int = Field(description="The cadence in force for this kind")
    default: int = Field(description="Goodwill's own default for this kind")
    custom: bool = Field(description="Whether the workspace set its own")


def _cadences(workspace: Workspace) -> list[CadenceOut]:
    custom = workspace.cadence_defaults
    return [
        CadenceOut(
            kind=kind,
            days=default_cadence_days(kind, custom),
            default=default_cadence_days(kind),
            custom=kind in custom,
        )
        for kind in Kind.values
    ]


Days = Annotated[int | None, Field(None, ge=1, le=3650)]


class CadencesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    client: Days = None
    customer: Days = None
    prospect: Days = None
    friend: Days = None
    partner: Days = None


@router.get("/cadences", response=list[CadenceOut], summary="Keep-in-touch cadence per kind")
def cadences_get(request: HttpRequest) -> list[CadenceOut]:
    return _cadences(workspace_of(request))


@router.put(
    "/cadences",
    response=list[CadenceOut],
    summary="Set the cadence per kind (owners)",
    description='E.g. {"client": 21, "customer": null}: null goes back to the default; kinds '
    "left out keep theirs. The next touch of every contact following a changed cadence moves.",
)
def cadences_set(request: HttpRequest, payload: CadencesIn) -> list[CadenceOut]:
    require_owner(request)
    workspace = workspace_of(request)
    people_services.cadence_defaults_set(workspace, payload.dict(exclude_unset=True))
    return _cadences(workspace)
