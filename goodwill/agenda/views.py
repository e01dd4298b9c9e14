"""The agenda page, reminders (add, change, done, snooze, dismiss, delete), the calendar feed
and the daily digest's settings."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from goodwill.accounts.access import WorkspaceRequest, member_required
from goodwill.accounts.views import add_errors, safe_next
from goodwill.agenda import calendar, digest, services
from goodwill.agenda.agenda import agenda
from goodwill.agenda.dashboard import DAY_CHOICES, chosen_days
from goodwill.agenda.forms import DigestForm, ReminderForm, SnoozeForm
from goodwill.agenda.models import CalendarFeed, DigestSetting, Reminder
from goodwill.agenda.tasks import send_waiting_digests
from goodwill.core.paging import page_number
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.core.worker import worker_status
from goodwill.people.models import Contact

app_name = "agenda"
PAGE_SIZE = 50


@member_required
def agenda_page(request: WorkspaceRequest) -> HttpResponse:
    days = chosen_days(request)
    number = page_number(request.GET)
    result = agenda(request.workspace, days=days, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    context = {"agenda": result, "choices": DAY_CHOICES, "days": days, "number": number}
    return render(request, "agenda/agenda.html", context)


@require_POST
@member_required
def reminder_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    form = ReminderForm(request.POST)
    if form.is_valid():
        try:
            services.reminder_create(contact, actor=request.user, **form.service_arguments())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Reminder set: {form.cleaned_data['title']}.")
            return redirect(reverse("people:contact", args=[contact.pk]) + "#reminders")
    context = {"form": form, "contact": contact}
    return render(request, "agenda/reminder_form.html", context, status=400)


@member_required
def reminder_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    reminder = get_scoped_or_404(Reminder, request.workspace, pk=pk)
    initial = {
        "title": reminder.title,
        "due_on": reminder.due_on,
        "repeat": reminder.repeat,
        "note": reminder.note,
    }
    form = ReminderForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.reminder_update(reminder, **form.service_arguments())
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Reminder saved.")
                return redirect(
                    reverse("people:contact", args=[reminder.contact_id]) + "#reminders"
                )
    context = {
        "form": form,
        "contact": reminder.contact,
        "reminder": reminder,
        "tomorrow": services.today_in(request.workspace) + timedelta(days=1),
    }
    return render(request, "agenda/reminder_form.html", context, status=status)


def _act(request: WorkspaceRequest, pk: int, action: str) -> HttpResponse:
    reminder = get_scoped_or_404(Reminder, request.workspace, pk=pk)
    back = safe_next(request, reverse("agenda:agenda"))
    try:
        if action == "done":
            services.reminder_done(reminder)
            said = (
                "Done."
                if reminder.state != "open"
                else f"Done; next on {reminder.due_on:%-d %b %Y}."
            )
        elif action == "snooze":
            form = SnoozeForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"until": "Choose a day, or snooze for 1 to 365 days."})
            until = services.snooze_target(request.workspace, **form.cleaned_data)
            services.reminder_snooze(reminder, until=until)
            said = f"Snoozed to {until:%-d %b %Y}."
        elif action == "dismiss":
            services.reminder_dismiss(reminder)
            said = "Dismissed."
        else:
            services.reminder_delete(reminder)
            said = "Deleted."
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, f"{reminder.title}: {said}")
    return redirect(back)


@require_POST
@member_required
def reminder_done(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "done")


@require_POST
@member_required
def reminder_snooze(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "snooze")


@require_POST
@member_required
def reminder_dismiss(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "dismiss")


@require_POST
@member_required
def reminder_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "delete")


@member_required
def calendar_settings(request: WorkspaceRequest) -> HttpResponse:
    """The member's private calendar address: create or replace it (shown once), or turn it
    off."""
    address = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar.feed_revoke(request.workspace, request.user)
            messages.success(request, "The calendar address is turned off.")
            return redirect("agenda:calendar")
        token = calendar.feed_create(request.workspace, request.user)
        address = request.build_absolute_uri(reverse("agenda:feed", args=[token]))
    feed = scoped(CalendarFeed, request.workspace).filter(user=request.user).first()
    context = {"feed": feed, "address": address}
    return render(request, "agenda/calendar.html", context)


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponseBase:
    """The feed itself, for calendar apps: no sign-in, the unguessable token is the key."""
    feed = calendar.feed_for_token(token)
    if feed is None:
        raise Http404("No such calendar.")
    calendar.feed_read(feed)
    base_url = request.build_absolute_uri("/").rstrip("/")
    response = StreamingHttpResponse(
        calendar.feed_lines(feed, base_url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="goodwill.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@member_required
def digest_settings(request: WorkspaceRequest) -> HttpResponse:
    """When the daily digest comes, whether the worker runs, the last digest, and a test."""
    workspace, user = request.workspace, request.user
    setting = digest.setting_for(workspace, user)
    initial = {
        "enabled": setting.enabled,
        "hour": setting.hour,
        "days": setting.days,
        "time_zone": setting.time_zone,
        "send_empty": setting.send_empty,
    }
    form = DigestForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                digest.digest_setting_update(workspace, user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Digest settings saved.")
                return redirect("agenda:digest")
    context = {
        "form": form,
        "worker": worker_status(),
        "last_sent": digest.last_sent(workspace, user),
        "next_at": _next_digest(setting),
    }
    return render(request, "agenda/digest_settings.html", context, status=status)


def _next_digest(setting: DigestSetting) -> datetime | None:
    if not setting.enabled or not setting.days:
        return None
    zone = digest.zone_of(setting)
    today = timezone.now().astimezone(zone).date()
    for ahead in range(8):
        day = today + timedelta(days=ahead)
        moment = digest.scheduled_at(setting, day)
        if day.weekday() in setting.days and moment > timezone.now():
            return moment.astimezone(zone)
    return None


@require_POST
@member_required
def digest_test(request: WorkspaceRequest) -> HttpResponse:
    digest.digest_test(request.workspace, request.user)
    send_waiting_digests.enqueue()
    messages.success(
        request,
        f"A test digest to {request.user.email} is on its way; it comes once the worker sends it.",
    )
    return redirect("agenda:digest")


@csrf_exempt  # mail apps post here for one-click unsubscribe (RFC 8058); the token is the key
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop the digest from the link in it, without signing in: GET asks, POST does it."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        membership = digest.unsubscribe_check(token)
    except ValidationError:
        return render(request, "agenda/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        setting = digest.unsubscribe(token)
        return render(request, "agenda/unsubscribe.html", {"done": True, "setting": setting})
    return render(request, "agenda/unsubscribe.html", {"membership": membership, "token": token})


urlpatterns = [
    path("settings/digest/", digest_settings, name="digest"),
    path("settings/digest/test/", digest_test, name="digest_test"),
    path("digest/unsubscribe/<str:token>/", digest_unsubscribe, name="unsubscribe"),
    path("settings/calendar/", calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", calendar_feed, name="feed"),
    path("agenda/", agenda_page, name="agenda"),
    path("people/<int:pk>/reminders/", reminder_add, name="reminder_add"),
    path("reminders/<int:pk>/", reminder_edit, name="reminder_edit"),
    path("reminders/<int:pk>/done/", reminder_done, name="reminder_done"),
    path("reminders/<int:pk>/snooze/", reminder_snooze, name="reminder_snooze"),
    path("reminders/<int:pk>/dismiss/", reminder_dismiss, name="reminder_dismiss"),
    path("reminders/<int:pk>/delete/", reminder_delete, name="reminder_delete"),
]
