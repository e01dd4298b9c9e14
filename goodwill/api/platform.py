"""The API platform: bearer-token auth, the error shape and the NinjaAPI instance for /api/v1/.

Every capability adds a Router in its app's api.py and registers it in goodwill/api/urls.py.
Operations read `request.auth` (the ApiToken) for the user and the workspace they act in, and load
records through goodwill.core.scoping, exactly like the pages do.
"""

from typing import Annotated, Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser
from ninja.security import HttpBearer

from goodwill.accounts import services
from goodwill.accounts.models import ApiToken, Membership, User, Workspace
from goodwill.core import acting
from goodwill.core.paging import count_up_to

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    openapi_description = "A token from Settings → API tokens, or `goodwill token create`."

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = services.token_authenticate(token)
        if api_token is None:
            return None
        if api_token.read_only and request.method not in SAFE_METHODS:
            raise HttpError(403, "This token is read-only.")
        acting.become(api_token.user_id, "api")
        return api_token


def token_of(request: HttpRequest) -> ApiToken:
    return cast(ApiToken, request.auth)  # type: ignore[attr-defined]


def workspace_of(request: HttpRequest) -> Workspace:
    return token_of(request).workspace


def user_of(request: HttpRequest) -> User:
    return token_of(request).user


def membership_of(request: HttpRequest) -> Membership:
    token = token_of(request)
    return Membership.objects.get(workspace=token.workspace_id, user=token.user_id)


def require_owner(request: HttpRequest) -> None:
    """Exports, erasure and member management are for the workspace's owners (403 otherwise)."""
    if not membership_of(request).is_owner:
        raise HttpError(403, "Only the workspace's owners can do this.")


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for a person to read"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
                "required": ["loc", "msg", "type"],
            },
        },
    },
    "required": ["detail", "errors"],
}

ERRORS = {
    401: "No valid token",
    403: "The token is read-only, or the operation is for the workspace's owners",
    404: "No such record in the token's workspace",
    422: "The request is not valid; `errors` says where",
}
BODY_ERROR = "The body is not JSON (or not the form data) the operation reads"


class UnstorableText(ValueError):
    """A JSON body holds text no database can store, at `where`."""

    def __init__(self, where: tuple[str | int, ...]) -> None:
        super().__init__("Text may not hold NUL characters or unpaired surrogates.")
        self.where = where


class StorableJson(Parser):
    """JSON bodies whose text every database can store. JSON may hold a NUL character or half
    of a surrogate pair (`"\\u0000"`, `"\\ud800"`); PostgreSQL refuses both, so they are
    a 422 (on_http_error) rather than a 500 on saving."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        where = _unstorable(data)
        if where is not None:
            raise UnstorableText(where)
        return data


def _unstorable(value: Any, where: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    """Where in *value* a string (or a key) holds what a database cannot store, if anywhere."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return where
        return where if "\x00" in value else None
    if not isinstance(value, dict | list):
        return None
    items: Any = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        found = _unstorable(key, (*where, key)) if isinstance(key, str) else None
        found = found if found is not None else _unstorable(item, (*where, key))
        if found is not None:
            return found
    return None


class GoodwillAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        """The schema, with the error answers every operation can give written out, so that a
        client (and the API fuzzer) knows a 404 or a 422 is part of the contract."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        }
        for methods in schema["paths"].values():
            for operation in methods.values():
                errors = ERRORS | ({400: BODY_ERROR} if "requestBody" in operation else {})
                for status, description in sorted(errors.items()):
                    operation["responses"].setdefault(status, {"description": description, **error})
        return schema


api = GoodwillAPI(
    title="Goodwill API",
    version="1",
    description=(
        "Goodwill's REST API. Authenticate with `Authorization: Bearer TOKEN`. "
        'Lists are paginated as `{"items": [...], "count": N}` with `limit` and `offset`; '
        'errors come as `{"detail": "...", "errors": [...]}`.'
    ),
    auth=TokenAuth(),
    parser=StorableJson(),
    urls_namespace="api",
    docs_url="/docs",
)


def error(
    request: HttpRequest, status: int, detail: str, errors: list[Any] | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(NinjaValidationError)
def on_invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"loc": list(item.get("loc", [])), "msg": item.get("msg", ""), "type": item.get("type", "")}
        for item in exc.errors
    ]
    return error(request, 422, "The request is not valid; see errors.", errors)


@api.exception_handler(DjangoValidationError)
def on_rule_broken(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors: list[dict[str, Any]]
    if hasattr(exc, "error_dict"):
        errors = [
            {"loc": ["body", field], "msg": message, "type": "value_error"}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [
            {"loc": ["body"], "msg": message, "type": "value_error"} for message in exc.messages
        ]
    return error(request, 422, " ".join(item["msg"] for item in errors), errors)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error(request, 401, "A valid token is needed: Authorization: Bearer TOKEN.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja answers any failure to parse a body as a 400 "Cannot parse request body"; text that
    # is valid JSON but cannot be stored deserves to say so, as a 422 like other bad input.
    if isinstance(exc.__cause__, UnstorableText):
        cause = exc.__cause__
        errors = [{"loc": ["body", *cause.where], "msg": str(cause), "type": "value_error"}]
        return error(request, 422, str(cause), errors)
    return error(request, exc.status_code, str(exc.message))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, "Not found.")


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, str(exc) or "You may not do this.")


# A record's id in a request body: past 64 bits no record has it, and the database would fail on
# the number itself (SQLite and PostgreSQL alike) where a list of ids goes into an IN (...).
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]

COUNT_CAP = 10_000
MAX_LIMIT: int = settings.NINJA_PAGINATION_MAX_LIMIT
MAX_OFFSET = 1_000_000_000


class CappedPagination(LimitOffsetPagination):
    """Limit and offset like every list, but `count` stops at COUNT_CAP: counting all of a large
    workspace's overdue contacts would cost more than the page. `count_exact` says whether it
    did stop."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT)
        # Bounded so the database never sees a number past its 64-bit integers (a 500 before).
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    class Output(Schema):
        items: list[Any]
        count: int = Field(description=f"How many in all, counted up to {COUNT_CAP:,}")
        count_exact: bool = Field(description=f"False when there are more than {COUNT_CAP:,}")

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        offset = pagination.offset
        limit: int = min(pagination.limit, self.max_limit)
        if isinstance(queryset, QuerySet):
            count, more = count_up_to(queryset, COUNT_CAP)
        else:  # search results, which count their hits themselves, up to a cap of their own
            found, cap = len(queryset), getattr(queryset, "count_cap", COUNT_CAP)
            count, more = min(found, cap), found > cap
        return {
            self.items_attribute: queryset[offset : offset + limit],
            "count": count,
            "count_exact": not more,
        }
