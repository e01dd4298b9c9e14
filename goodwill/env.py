"""Typed readers for settings that come from the environment.

Each reader fails with ImproperlyConfigured on a value it cannot understand, so a typo in a
deployment stops the process at start-up instead of quietly running with a default.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true or false.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
    return value


def is_time_zone(value: str) -> bool:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def env_time_zone(name: str, default: str) -> str:
    value = env_str(name, default)
    if not is_time_zone(value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a known time zone.")
    return value


def read_or_create_secret(path: Path) -> str:
    """The secret key kept at *path*, created (readable by its owner only) on first run."""
    from django.core.management.utils import get_random_secret_key

    if path.exists():
        secret = path.read_text().strip()
        if secret:
            return secret
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = get_random_secret_key()
    # O_EXCL: when two processes start together, one writes and the other reads the winner's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret


_MAIL_SCHEMES = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def parse_email_url(url: str) -> dict[str, object]:
    """Turn an EMAIL_URL into one entry of Django's MAILERS setting.

    smtp://user:pass@host:25 (plain), smtp+tls://…:587 (STARTTLS), smtps://…:465 (TLS),
    console:// (print to the log), memory:// (kept in memory, for tests), dummy:// (discard).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _MAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme {scheme!r} is not supported: use one of {', '.join(_MAIL_SCHEMES)}."
        )
    mailer: dict[str, object] = {"BACKEND": _MAIL_SCHEMES[scheme]}
    if not scheme.startswith("smtp"):
        return mailer
    if not parts.hostname:
        raise ImproperlyConfigured(
            "EMAIL_URL needs a host, e.g. smtp://user:pass@mail.example.com:587"
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"EMAIL_URL has a bad port: {url!r}") from None
    default_port = {"smtp": 25, "smtps": 465, "smtp+tls": 587}[scheme]
    mailer["OPTIONS"] = {
        "host": parts.hostname,
        "port": port or default_port,
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_tls": scheme == "smtp+tls",
        "use_ssl": scheme == "smtps",
        "timeout": 20,
    }
    return mailer
