import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from goodwill.core import acting

logger = logging.getLogger("goodwill.request")


class RequestLogMiddleware:
    """Logs one line per request with its status and duration (as fields in JSON logs)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if request.path.startswith("/static/"):
            return response
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response


class ActingMiddleware:
    """Names who acts for the audit trail (goodwill.core.acting): the signed-in member on pages,
    nobody yet on the API and CardDAV (their token names its user), and "public" for a visitor
    on a page anyone may use, such as a case form."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/static/"):
            return self.get_response(request)
        if request.path.startswith(("/api/", "/dav/", "/.well-known/")):
            user_id, via = None, "api"
        elif request.user.is_authenticated:
            user_id, via = request.user.pk, "web"
        else:
            user_id, via = None, "public"
        with acting.acting(user_id, via):
            return self.get_response(request)
