"""Every state change of accounts, workspaces, memberships and tokens, one function each.

The pages, the API and the CLI all call these; none of them writes these models directly.
"""

from datetime import datetime, timedelta

import phonenumbers
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from goodwill.accounts.models import (
    ApiToken,
    LoginFailure,
    Membership,
    Role,
    User,
    Workspace,
    default_business_hours,
    hash_token,
    validate_business_hours,
)
from goodwill.core.money import check_currency
from goodwill.env import is_time_zone

# Write last_used_at at most this often, so reading the API does not turn every call into a write.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def signup_is_open() -> bool:
    """Open on a fresh install (nobody has signed up yet) or when the operator opened it."""
    return settings.SIGNUP_OPEN or not User.objects.exists()


def unique_workspace_slug(name: str) -> str:
    base = slugify(name)[:50].strip("-") or "workspace"
    slug, counter = base, 2
    while Workspace.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


def validate_time_zone(value: str) -> None:
    if not is_time_zone(value):
        raise ValidationError({"time_zone": f"{value!r} is not a known time zone."})


def user_create(
    *, email: str, password: str | None, name: str = "", is_staff: bool = False
) -> User:
    """Create a user after checking the address and the password's strength."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter a valid e-mail address."}) from None
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": "An account with this e-mail address already exists."})
    user = User(email=email, name=name.strip(), is_staff=is_staff, is_superuser=is_staff)
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Someone took the address between the check above and this insert.
        raise ValidationError(
            {"email": "An account with this e-mail address already exists."}
        ) from None
    return user


def workspace_create(*, owner: User, name: str, time_zone: str = "") -> Workspace:
    """A new workspace with *owner* as its first owner."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the workspace a name."})
    time_zone = time_zone or settings.TIME_ZONE
    validate_time_zone(time_zone)
    with transaction.atomic():
        workspace = Workspace.objects.create(
            name=name,
            slug=unique_workspace_slug(name),
            time_zone=time_zone,
            business_hours=default_business_hours(),
        )
        Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    return workspace


def signup(
    *,
    email: str,
    password: str,
    name: str,
    workspace_name: str,
    time_zone: str = "",
    is_staff: bool = False,
) -> Membership:
    """Create a user and their workspace together: both or neither."""
    with transaction.atomic():
        user = user_create(email=email, password=password, name=name, is_staff=is_staff)
        workspace = workspace_create(owner=user, name=workspace_name, time_zone=time_zone)
    return Membership.objects.select_related("workspace", "user").get(
        workspace=workspace, user=user
    )


def workspace_update(
    workspace: Workspace,
    *,
    name: str,
    time_zone: str,
    business_hours: dict[str, list[str]],
    country: str | None = None,
    leap_day: str | None = None,
    currency: str | None = None,
) -> Workspace:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the workspace a name."})
    validate_time_zone(time_zone)
    try:
        validate_business_hours(business_hours)
    except ValidationError as error:
        raise ValidationError({"business_hours": error.messages}) from None
    if country is not None:
        country = country.strip().upper()
        if country and country not in phonenumbers.SUPPORTED_REGIONS:
            raise ValidationError(
                {"country": f"{country!r} is not a country code such as US or SE."}
            )
        workspace.country = country
    if leap_day is not None:
        if leap_day not in {"feb28", "mar1"}:
            raise ValidationError({"leap_day": "Choose 28 February or 1 March."})
        workspace.leap_day = leap_day
    if currency is not None:
        workspace.currency = check_currency(currency)
    workspace.name, workspace.time_zone, workspace.business_hours = name, time_zone, business_hours
    workspace.save(
        update_fields=["name", "time_zone", "business_hours", "country", "leap_day", "currency"]
    )
    return workspace


def member_add(*, workspace: Workspace, user: User, role: str = Role.ASSISTANT) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": f"Role must be one of {', '.join(Role.values)}."})
    membership, created = Membership.objects.get_or_create(
        workspace=workspace, user=user, defaults={"role": role}
    )
    if not created:
        raise ValidationError({"email": f"{user.email} is already a member."})
    return membership


def member_remove(membership: Membership) -> None:
    """Remove a member; their tokens for this workspace stop working at once (they are deleted)."""
    with transaction.atomic():
        if membership.is_owner:
            # Lock the owners' rows, so two owners removing each other cannot both succeed.
            owners = Membership.objects.select_for_update().filter(
                workspace=membership.workspace, role=Role.OWNER
            )
            if len(owners) == 1:
                raise ValidationError("A workspace keeps at least one owner.")
        ApiToken.objects.filter(workspace=membership.workspace, user=membership.user).delete()
        membership.delete()


def token_create(
    *, workspace: Workspace, user: User, name: str, read_only: bool = False
) -> tuple[ApiToken, str]:
    """A new API token; returns the record and the raw token, which is never shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. the script that uses it."})
    if len(name) > 80:
        raise ValidationError({"name": "Keep the name under 80 characters."})
    if not Membership.objects.filter(workspace=workspace, user=user).exists():
        raise ValidationError(f"{user.email} is not a member of {workspace.name}.")
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        workspace=workspace,
        user=user,
        name=name,
        prefix=raw[:10],
        token_hash=hash_token(raw),
        read_only=read_only,
    )
    return token, raw


def token_revoke(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def token_authenticate(raw: str) -> ApiToken | None:
    """The active token matching *raw* whose user is still an active member, or None."""
    token = (
        ApiToken.objects.select_related("user", "workspace")
        .filter(token_hash=hash_token(raw), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if not Membership.objects.filter(workspace=token.workspace_id, user=token.user_id).exists():
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _failure_window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


class LoginLocked(Exception):
    """Too many recent failed sign-ins for this address or from this IP."""


def login_attempt(
    request: HttpRequest | None, *, email: str, password: str, ip_address: str | None
) -> User | None:
    """Check a sign-in, throttled: returns the user, None for a wrong password, or raises
    LoginLocked after too many failures (the password is then not even checked).

    The attempt is written down *before* the password is checked, so parallel guesses all count;
    a successful sign-in then forgets the address's failures.
    """
    email = email.strip().lower()
    LoginFailure.objects.create(email=email[:254], ip_address=ip_address)
    recent = LoginFailure.objects.filter(created_at__gte=_failure_window_start())
    limit = settings.LOGIN_FAILURE_LIMIT
    if recent.filter(email=email[:254]).count() > limit or (
        ip_address and recent.filter(ip_address=ip_address).count() > limit * 5
    ):
        raise LoginLocked
    user = authenticate(request, username=email, password=password)
    if user is not None:
        LoginFailure.objects.filter(email=email[:254]).delete()
    return user
