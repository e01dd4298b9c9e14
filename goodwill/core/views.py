from typing import cast

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from goodwill.accounts.access import WorkspaceRequest, member_required
from goodwill.accounts.models import User
from goodwill.core.dashboard import panels
from goodwill.core.models import SweepState, WorkerHeartbeat
from goodwill.core.tasks import send_test_email
from goodwill.core.worker import worker_status


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: 200 while the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"database": "error", "worker": None}, status=503)
    return JsonResponse({"database": "ok", "worker": worker_status()})


@member_required
def dashboard(request: WorkspaceRequest) -> HttpResponse:
    context = {"worker": worker_status(), "panels": panels(request)}
    return render(request, "core/dashboard.html", context)


@staff_member_required
def system(request: HttpRequest) -> HttpResponse:
    """The operator's view of the worker, the queue and the sweeps."""
    context = {
        "worker": worker_status(),
        "heartbeats": WorkerHeartbeat.objects.order_by("-last_seen_at")[:20],
        "sweeps": SweepState.objects.order_by("name"),
    }
    return render(request, "core/system.html", context)


@require_POST
@login_required
def test_email(request: HttpRequest) -> HttpResponse:
    """Queue a test e-mail to the signed-in user: it arrives only if the worker and SMTP work."""
    user = cast(User, request.user)
    send_test_email.enqueue(user.email)
    messages.success(
        request,
        f"A test e-mail to {user.email} is queued. It arrives once the worker sends it.",
    )
    return redirect("accounts:account")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "errors": []}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors here: the page must render even when the database is down.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
