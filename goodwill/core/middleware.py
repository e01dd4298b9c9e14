import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

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


class UploadLimitMiddleware:
    """Refuses a request body over UPLOAD_MAX_BYTES (413) before any of it is read, and over
    PUBLIC_UPLOAD_MAX_BYTES from someone not signed in to a page (public forms take no files).

    Django keeps uploaded files on disk as they arrive, so without this one request could fill
    the disk; bodies sent without a length are not read by Django at all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= min(settings.PUBLIC_UPLOAD_MAX_BYTES, settings.UPLOAD_MAX_BYTES):
            return self.get_response(request)  # nearly every request: who sends it is moot
        limit = settings.UPLOAD_MAX_BYTES
        if not request.path.startswith(("/api/", "/dav/")) and not request.user.is_authenticated:
            limit = settings.PUBLIC_UPLOAD_MAX_BYTES
        if length <= limit:
            return self.get_response(request)
        detail = f"The upload is larger than {limit / 1e6:,.0f} MB, the most this server accepts."
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": detail}, status=413)
        return render(request, "413.html", {"reason": detail}, status=413)
