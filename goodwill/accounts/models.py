"""Users, workspaces, memberships and API tokens.

A workspace is the unit of isolation: every record a user creates belongs to exactly one, and
every query for such a record goes through `goodwill.core.scoping`.
"""

import hashlib
import secrets
from datetime import datetime, time
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from goodwill.core.scoping import WorkspaceOwned


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Keyed by e-mail; the name is what messages are signed with."""

    email = models.EmailField("e-mail address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Operators: may open the system pages and the admin."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def default_business_hours() -> dict[str, list[str]]:
    """Monday to Friday, 09:00 to 17:00; closed at the weekend."""
    return {day: (["09:00", "17:00"] if index < 5 else []) for index, day in enumerate(WEEKDAYS)}


def validate_business_hours(value: object) -> None:
    """Each weekday maps to [] (closed) or ["HH:MM", "HH:MM"], opening before closing."""
    if not isinstance(value, dict) or set(value) != set(WEEKDAYS):
        raise ValidationError("Business hours must name each day of the week once.")
    for day, span in value.items():
        if span == []:
            continue
        if not (isinstance(span, list) and len(span) == 2):
            raise ValidationError(f"{day.title()}: give an opening and a closing time.")
        try:
            start, end = (time.fromisoformat(part) for part in span)
        except (TypeError, ValueError):
            raise ValidationError(f"{day.title()}: times must look like 09:00.") from None
        if start >= end:
            raise ValidationError(
                f"{day.title()}: the closing time must be after the opening time."
            )


class Workspace(models.Model):
    """One business (or one freelancer): the boundary no data ever crosses."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    business_hours = models.JSONField(
        default=default_business_hours, validators=[validate_business_hours]
    )
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text="ISO country code; phone numbers without +country are read as local to it.",
    )
    currency = models.CharField(
        max_length=3, default="EUR", help_text="ISO 4217 code of the money it mostly works in."
    )
    leap_day = models.CharField(
        max_length=5,
        choices=[("feb28", "28 February"), ("mar1", "1 March")],
        default="feb28",
        help_text="When a 29 February birthday is celebrated in common years.",
    )
    # Keep-in-touch cadence in days per contact kind, where the workspace differs from
    # goodwill.people.cadence.DEFAULT_CADENCE_DAYS, e.g. {"client": 21}.
    cadence_defaults = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def opening_hours(self, weekday: int) -> tuple[time, time] | None:
        """The (open, close) times for a weekday (0 = Monday), or None when closed."""
        span = self.business_hours.get(WEEKDAYS[weekday]) or []
        if not span:
            return None
        return time.fromisoformat(span[0]), time.fromisoformat(span[1])

    def is_open_at(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        hours = self.opening_hours(local.weekday())
        return hours is not None and hours[0] <= local.time() < hours[1]


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ASSISTANT = "assistant", "Assistant"


class Membership(models.Model):
    """A user's place in a workspace. Owners manage members, others' tokens, exports, erasure."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ASSISTANT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER


TOKEN_PREFIX = "gw_"


def hash_token(raw: str) -> str:
    """Tokens are long random strings, so one fast hash suffices (no salt or stretching needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(WorkspaceOwned):
    """A bearer token for the API, acting as its user inside one workspace.

    Only the SHA-256 of the token is stored; the token itself is shown once, when created.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    token_hash = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LoginFailure(models.Model):
    """One failed sign-in, kept for the throttling window. Not workspace data: it precedes login."""

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.email} from {self.ip_address} at {self.created_at:%Y-%m-%d %H:%M}"


INVITATION_PREFIX = "gwi_"


class Invitation(WorkspaceOwned):
    """An e-mailed offer to join a workspace with a role: single use, expiring, revocable.

    Like an API token, only the SHA-256 of the link's secret is stored; the secret is made when
    the e-mail is sent, so it never sits in the database or the job queue.
    """

    email = models.EmailField("e-mail address")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ASSISTANT)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.email} to {self.workspace_id} ({self.role})"

    @staticmethod
    def generate() -> str:
        return INVITATION_PREFIX + secrets.token_urlsafe(32)

    @property
    def state(self) -> str:
        """pending, accepted, revoked or expired: what the members page and the link say."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class UserSession(models.Model):
    """One signed-in browser of a user, shown on the account page so it can be signed out.

    The key is the Django session's own key (the session table stores it as is too); deleting
    that session signs the browser out on its next request.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} from {self.ip_address} since {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def device(self) -> str:
        return describe_user_agent(self.user_agent)


# Order matters: Edge and Opera also say Chrome, Chrome also says Safari, Android says Linux.
_BROWSERS = (("Edg", "Edge"), ("OPR", "Opera"), ("Firefox", "Firefox"), ("Chrome", "Chrome"),
             ("Safari", "Safari"), ("curl", "curl"))  # fmt: skip
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))  # fmt: skip


def describe_user_agent(user_agent: str) -> str:
    """ "Firefox on Linux" from a User-Agent header: enough to recognise one's own devices."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or (user_agent[:40] or "Unknown device")


class TwoFactor(models.Model):
    """A user's TOTP secret (RFC 6238). Sign-in asks for a code only once it is confirmed."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last 30-second step a code was accepted for: the same code cannot be used twice.
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"two-factor for {self.user}"

    @property
    def is_on(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A one-time code to sign in without the authenticator app; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code of {self.user}"
