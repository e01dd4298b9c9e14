from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from goodwill.accounts import services
from goodwill.accounts.models import ApiToken, Membership
from goodwill.api.platform import membership_of, user_of, workspace_of
from goodwill.core.scoping import get_scoped_or_404, scoped

router = Router(tags=["accounts"])


class WorkspaceOut(Schema):
    slug: str
    name: str
    role: str
    time_zone: str


class MeOut(Schema):
    id: int
    email: str
    name: str
    workspace: str
    workspaces: list[WorkspaceOut]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    read_only: bool
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    user: str

    @staticmethod
    def resolve_user(obj: ApiToken | dict[str, object]) -> object:
        return obj["user"] if isinstance(obj, dict) else obj.user.email


class TokenCreatedOut(TokenOut):
    token: str


class TokenIn(Schema):
    name: str
    read_only: bool = False


def token_out(token: ApiToken) -> dict[str, object]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "read_only": token.read_only,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
        "user": token.user.email,
    }


@router.get("/me", response=MeOut, summary="The token's user and their workspaces")
def me(request: HttpRequest) -> dict[str, object]:
    user = user_of(request)
    memberships = Membership.objects.filter(user=user).select_related("workspace")
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "workspace": workspace_of(request).slug,
        "workspaces": [
            {
                "slug": m.workspace.slug,
                "name": m.workspace.name,
                "role": m.role,
                "time_zone": m.workspace.time_zone,
            }
            for m in memberships.order_by("workspace__name")
        ],
    }


def visible_tokens(request: HttpRequest) -> "list[ApiToken]":
    tokens = scoped(ApiToken, workspace_of(request)).select_related("user").order_by("-created_at")
    if not membership_of(request).is_owner:
        tokens = tokens.filter(user=user_of(request))
    return tokens  # type: ignore[return-value]


@router.get(
    "/tokens", response=list[TokenOut], summary="API tokens (owners see all of the workspace's)"
)
@paginate
def tokens_list(request: HttpRequest) -> "list[ApiToken]":
    return visible_tokens(request)


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create a token for yourself")
def tokens_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    token, raw = services.token_create(
        workspace=workspace_of(request),
        user=user_of(request),
        name=payload.name,
        read_only=payload.read_only,
    )
    return Status(201, {**token_out(token), "token": raw})


def _visible_token(request: HttpRequest, token_id: int) -> ApiToken:
    token = get_scoped_or_404(ApiToken, workspace_of(request), pk=token_id)
    if token.user_id != user_of(request).pk and not membership_of(request).is_owner:
        raise Http404("No such token.")
    return token


@router.get("/tokens/{token_id}", response=TokenOut, summary="One token")
def tokens_get(request: HttpRequest, token_id: int) -> dict[str, object]:
    return token_out(_visible_token(request, token_id))


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke a token")
def tokens_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    services.token_revoke(_visible_token(request, token_id))
    return Status(204, None)
