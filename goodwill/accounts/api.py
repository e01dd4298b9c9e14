from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from goodwill.accounts import services
from goodwill.accounts.access import token_visible_or_404, tokens_visible_to
from goodwill.accounts.models import ApiToken, Membership
from goodwill.api.platform import membership_of, user_of, workspace_of

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
    def resolve_user(obj: ApiToken) -> str:
        return obj.user.email


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


@router.get(
    "/tokens", response=list[TokenOut], summary="API tokens (owners see all of the workspace's)"
)
@paginate
def tokens_list(request: HttpRequest) -> QuerySet[ApiToken]:
    return tokens_visible_to(membership_of(request))


@router.get("/tokens/{token_id}", response=TokenOut, summary="One token")
def tokens_get(request: HttpRequest, token_id: int) -> ApiToken:
    return token_visible_or_404(membership_of(request), token_id)


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke a token")
def tokens_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    services.token_revoke(token_visible_or_404(membership_of(request), token_id))
    return Status(204, None)
