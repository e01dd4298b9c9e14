"""Rate limits shared by every app server: attempts are counted in the database, not in memory,
so ten processes behind a load balancer still allow only `limit` attempts per window.

An attempt is written down *before* it is judged, so parallel attempts all count (the same rule
as the sign-in throttle in accounts.services.login_attempt).
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from goodwill.core.models import RateLimitHit

# The longest window any caller may use; older hits are deleted by core.sweeps.
KEEP = timedelta(days=1)


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind a proxy (SECURE_PROXY) the last X-Forwarded-For hop."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:64]
    return str(request.META.get("REMOTE_ADDR") or "unknown")[:64]


def _digest(key: str) -> str:
    # Keys may be e-mail addresses; the table keeps only a hash of them.
    return hashlib.sha256(key.encode()).hexdigest()


def too_many(scope: str, key: str, *, limit: int, window: timedelta) -> bool:
    """Count one attempt at *scope* by *key*; True when it is more than *limit* within *window*."""
    if window > KEEP:
        raise ValueError(f"Rate-limit windows are at most {KEEP}.")
    hashed = _digest(key)
    now = timezone.now()
    RateLimitHit.objects.create(scope=scope, key=hashed, created_at=now)
    recent = RateLimitHit.objects.filter(scope=scope, key=hashed, created_at__gt=now - window)
    return recent.count() > limit


def forget(scope: str, key: str) -> None:
    """Clear *key*'s attempts at *scope*, e.g. after it succeeded."""
    RateLimitHit.objects.filter(scope=scope, key=_digest(key)).delete()
