"""Rate limits shared by every app server: attempts are counted in the database, not in memory,
so ten processes behind a load balancer still allow only `limit` attempts per window.

An attempt is written down *before* it is judged, so parallel attempts all count (the same rule
as the sign-in throttle in accounts.services.login_attempt).
"""

import hashlib
import ipaddress
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Concatenate

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from goodwill.core.models import RateLimitHit

# The longest window any caller may use; older hits are deleted by core.sweeps.
KEEP = timedelta(days=1)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, or None if it is not one; behind the trusted proxy
    (SECURE_PROXY), the one the proxy appended last to X-Forwarded-For, which a client cannot
    forge (the ones before it, it can)."""
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


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


type View[**P] = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


def limit_posts[**P](scope: str, *, limit: int, window: timedelta) -> Callable[[View[P]], View[P]]:
    """Refuse a client's POSTs to a public page past *limit* per *window* (429, nothing done).

    By address, since a public page knows no one: generous enough for an office behind one
    address, tight enough that a script cannot flood the workspace or send mail in bulk.
    """

    def decorate(view: View[P]) -> View[P]:
        @wraps(view)
        def limited(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if request.method == "POST" and too_many(
                scope, client_ip(request) or "unknown", limit=limit, window=window
            ):
                minutes = int(window.total_seconds() // 60)
                reason = f"Too many tries from your address; try again in {minutes} minutes."
                return render(request, "429.html", {"reason": reason}, status=429)
            return view(request, *args, **kwargs)

        return limited

    return decorate
