"""Every state change of accounts, workspaces, memberships and tokens, one function each.

The pages, the API and the CLI all call these; none of them writes these models directly.
"""

import secrets
from datetime import datetime, timedelta

import phonenumbers
import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode
from django.utils.text import slugify

from goodwill.accounts.models import (
    ApiToken,
    Invitation,
    LoginFailure,
    Membership,
    RecoveryCode,
    Role,
    TwoFactor,
    User,
    UserSession,
    Workspace,
    default_business_hours,
    hash_token,
    validate_business_hours,
)
from goodwill.core.audit import audit_record
from goodwill.core.money import check_currency
from goodwill.core.ratelimit import forget, too_many
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


def member_remove(membership: Membership, *, actor: User | None = None) -> None:
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
        audit_record(membership.workspace, actor=actor, action="member-remove", obj=membership)
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


class RateLimited(Exception):
    """Too many attempts at something throttled; the message says what to do."""


# --- Password reset -------------------------------------------------------------------------

RESET_LIMIT_PER_EMAIL = 3
RESET_LIMIT_PER_IP = 20
RESET_WINDOW = timedelta(hours=1)


def password_reset_request(*, email: str, ip_address: str) -> None:
    """E-mail a reset link if an active account has *email*; the caller cannot tell whether one
    does (the same answer either way). Raises RateLimited after too many requests for the
    address or from the IP, and then sends nothing."""
    email = email.strip().lower()
    # Both are counted, even when the first is already over its limit.
    by_email = too_many(
        "password-reset-email", email, limit=RESET_LIMIT_PER_EMAIL, window=RESET_WINDOW
    )
    by_ip = too_many("password-reset-ip", ip_address, limit=RESET_LIMIT_PER_IP, window=RESET_WINDOW)
    if by_email or by_ip:
        raise RateLimited("Too many reset requests. Wait an hour and try again.")
    user = User.objects.filter(email=email, is_active=True).first()
    if user is not None:
        from goodwill.accounts.tasks import send_password_reset  # (tasks imports this module)

        # The link is made by the worker when it sends, so no secret waits in the job queue.
        send_password_reset.enqueue(user.pk)


def password_reset_user(uidb64: str, token: str) -> User | None:
    """The user a reset link is for, or None when it is malformed, used or expired."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def password_set(user: User, password: str, *, keep_session: str | None = None) -> None:
    """Set a new password after the strength checks, and sign out every other session.

    Changing the password hash also makes every earlier reset link invalid."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"new_password1": error.messages}) from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        sessions_end(user, keep=keep_session)
        _member_event(user, "password-change", actor=user)


# --- Sessions ---------------------------------------------------------------------------------

SESSION_TOUCH_INTERVAL = timedelta(minutes=1)


def session_seen(
    user: User, *, session_key: str, ip_address: str | None, user_agent: str
) -> UserSession:
    """Record that a session of *user* was used now (created when first seen)."""
    now = timezone.now()
    values = {"ip_address": ip_address, "user_agent": user_agent[:300], "last_seen_at": now}
    try:
        with transaction.atomic():
            record, _ = UserSession.objects.update_or_create(
                session_key=session_key, user=user, defaults=values
            )
    except IntegrityError:
        # The key belonged to someone else's record (a reused key after sign-out): start over.
        UserSession.objects.filter(session_key=session_key).delete()
        record = UserSession.objects.create(session_key=session_key, user=user, **values)
    return record


def sessions_active(user: User) -> QuerySet[UserSession]:
    """The user's sessions that can still be used, most recently seen first."""
    alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=alive).order_by("-last_seen_at")


def session_end(record: UserSession) -> None:
    """Sign one session out: its browser is signed out on its next request."""
    with transaction.atomic():
        Session.objects.filter(session_key=record.session_key).delete()
        record.delete()


def sessions_end(user: User, *, keep: str | None = None) -> int:
    """Sign out every session of *user* but the one keyed *keep*; returns how many ended."""
    records = UserSession.objects.filter(user=user)
    if keep:
        records = records.exclude(session_key=keep)
    keys = list(records.values_list("session_key", flat=True))
    with transaction.atomic():
        Session.objects.filter(session_key__in=keys).delete()
        records.delete()
    return len(keys)


def session_forget(session_key: str) -> None:
    """Drop a signed-out session from its user's list."""
    UserSession.objects.filter(session_key=session_key).delete()


# --- Invitations ------------------------------------------------------------------------------

INVITATION_LIFETIME = timedelta(days=7)


def invitation_create(
    *, workspace: Workspace, actor: User, email: str, role: str = Role.ASSISTANT
) -> Invitation:
    """Invite *email* to join *workspace* with *role*; the e-mail goes out from the worker.

    Inviting an address again replaces its pending invitation (the old link stops working)."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter a valid e-mail address."}) from None
    if role not in Role.values:
        raise ValidationError({"role": f"Role must be one of {', '.join(Role.values)}."})
    if Membership.objects.filter(workspace=workspace, user__email=email).exists():
        raise ValidationError({"email": f"{email} is already a member."})
    from goodwill.accounts.tasks import send_invitation  # (tasks imports this module)

    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(
            workspace=workspace, email=email, accepted_at=None, revoked_at=None
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            workspace=workspace,
            email=email,
            role=role,
            # A placeholder nobody knows; the worker sets the real secret as it sends.
            token_hash=hash_token(Invitation.generate()),
            invited_by=actor,
            created_at=now,
            expires_at=now + INVITATION_LIFETIME,
        )
        audit_record(workspace, actor=actor, action="invite", obj=invitation)
        send_invitation.enqueue(invitation.pk)
    return invitation


def invitation_issue_link(invitation: Invitation) -> str | None:
    """A fresh secret for a pending invitation (the previous one stops working), or None."""
    raw = Invitation.generate()
    changed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ).update(token_hash=hash_token(raw))
    return raw if changed == 1 else None


def invitation_for_token(raw: str) -> Invitation | None:
    """The invitation a link's secret belongs to, in whatever state, or None."""
    return (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(token_hash=hash_token(raw))
        .first()
    )


INVITATION_REFUSED = {
    "accepted": "This invitation has already been used.",
    "revoked": "This invitation was withdrawn. Ask for a new one.",
    "expired": "This invitation has expired. Ask for a new one.",
}


def invitation_accept(invitation: Invitation, user: User) -> Membership:
    """Join *user* to the invitation's workspace with its role; each invitation works once."""
    with transaction.atomic():
        if Membership.objects.filter(workspace=invitation.workspace_id, user=user).exists():
            raise ValidationError(f"You are already a member of {invitation.workspace.name}.")
        now = timezone.now()
        # A conditional update, so two clicks (or two people) cannot both use it.
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at=None, revoked_at=None, expires_at__gt=now
        ).update(accepted_at=now, accepted_by=user)
        if claimed != 1:
            invitation.refresh_from_db()
            raise ValidationError(
                INVITATION_REFUSED.get(invitation.state, "This invitation cannot be used.")
            )
        membership = Membership.objects.create(
            workspace=invitation.workspace, user=user, role=invitation.role
        )
        invitation.refresh_from_db()
        audit_record(invitation.workspace, actor=user, action="invite-accept", obj=invitation)
    return membership


def invitation_accept_new_user(invitation: Invitation, *, name: str, password: str) -> Membership:
    """Create the invited address's account and accept the invitation with it: both or neither."""
    with transaction.atomic():
        user = user_create(email=invitation.email, password=password, name=name)
        return invitation_accept(invitation, user)


def invitation_revoke(invitation: Invitation, *, actor: User) -> None:
    if invitation.state != "pending":
        raise ValidationError("Only a pending invitation can be withdrawn.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(invitation.workspace, actor=actor, action="invite-revoke", obj=invitation)


# --- Two-factor sign-in -----------------------------------------------------------------------

TOTP_ISSUER = "Goodwill"
RECOVERY_CODE_COUNT = 10
CODE_LIMIT = 5
CODE_WINDOW = timedelta(minutes=15)


def two_factor_is_on(user: User) -> bool:
    return TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).exists()


def two_factor_begin(user: User) -> TwoFactor:
    """A new secret to scan; sign-in does not ask for codes until it is confirmed."""
    if two_factor_is_on(user):
        raise ValidationError("Two-factor sign-in is already on.")
    device, _ = TwoFactor.objects.update_or_create(
        user=user, defaults={"secret": pyotp.random_base32(), "confirmed_at": None}
    )
    return device


def two_factor_uri(device: TwoFactor) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.email, issuer_name=TOTP_ISSUER
    )


def _totp_step(device: TwoFactor, code: str) -> int | None:
    """The 30-second step *code* is valid for (now, or one step either side), or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(device.secret)
    current = int(timezone.now().timestamp()) // totp.interval
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _totp_use(device: TwoFactor, code: str) -> bool:
    """Accept a TOTP code once: a step already used (or an earlier one) is refused."""
    step = _totp_step(device, code)
    if step is None:
        return False
    claimed = TwoFactor.objects.filter(pk=device.pk, last_used_step__lt=step).update(
        last_used_step=step
    )
    return claimed == 1


def two_factor_confirm(user: User, code: str) -> list[str]:
    """Switch two-factor on once the user proves their app works; returns recovery codes."""
    device = TwoFactor.objects.filter(user=user, confirmed_at=None).first()
    if device is None:
        raise ValidationError("Start the set-up again: there is nothing to confirm.")
    if not _totp_use(device, code):
        raise ValidationError({"code": "That code is not right. Check the app's clock and retry."})
    with transaction.atomic():
        TwoFactor.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
        _member_event(user, "two-factor-on", actor=user)
        return recovery_codes_generate(user)


def recovery_codes_generate(user: User) -> list[str]:
    """Ten new one-time recovery codes (the old ones stop working); shown once, stored hashed."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _ in range(16))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=hash_token(_recovery_normal(code))) for code in codes
        )
    return codes


def _recovery_normal(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at=None).count()


def two_factor_verify(user: User, code: str) -> bool:
    """Check a sign-in's second factor: a current TOTP code or an unused recovery code.

    Raises RateLimited after too many wrong codes for this user."""
    if too_many("two-factor", str(user.pk), limit=CODE_LIMIT, window=CODE_WINDOW):
        raise RateLimited("Too many wrong codes. Wait 15 minutes and try again.")
    device = TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return False
    ok = _totp_use(device, code) or (
        RecoveryCode.objects.filter(
            user=user, code_hash=hash_token(_recovery_normal(code)), used_at=None
        ).update(used_at=timezone.now())
        == 1
    )
    if ok:
        forget("two-factor", str(user.pk))
    return ok


def two_factor_disable(user: User, password: str) -> None:
    """Switch two-factor off; it takes the account's password."""
    if not user.check_password(password):
        raise ValidationError({"password": "That is not your password."})
    two_factor_reset(user, actor=user)


def two_factor_reset(user: User, *, actor: User | None = None) -> None:
    """Switch two-factor off without the password: for an operator, from the command line."""
    with transaction.atomic():
        TwoFactor.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        _member_event(user, "two-factor-off", actor=actor)


def _member_event(user: User, action: str, *, actor: User | None) -> None:
    """Put a change to a member's sign-in in the audit trail of each workspace they belong to,
    so that owners see, say, an assistant turning two-factor sign-in off."""
    for membership in Membership.objects.filter(user=user).select_related("workspace"):
        audit_record(membership.workspace, actor=actor, action=action, obj=user)
