"""Cases in the app: the list, opening one for a contact, a case with its replies and notes."""

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required, owner_required
from goodwill.accounts.models import WEEKDAYS, Membership, Workspace
from goodwill.accounts.views import add_errors
from goodwill.care import client, intake, links, services
from goodwill.care.client_sections import client_sections
from goodwill.care.clock import Clock, clock_of, targets_of
from goodwill.care.forms import (
    CaseForm,
    CaseUpdateForm,
    HolidayForm,
    PublicForm,
    ReplyForm,
    RequestForm,
    TargetsForm,
)
from goodwill.care.models import OPEN_STATUSES, Case, CaseEntry, EntryKind, Holiday, Status
from goodwill.clients.models import Purchase
from goodwill.core.paging import window
from goodwill.core.ratelimit import limit_posts
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people.models import Contact

app_name = "care"
PAGE_SIZE = 50
RECENT_PURCHASES = 20


@member_required
def case_list(request: WorkspaceRequest) -> HttpResponse:
    """Open cases by how soon they are due (or every case, newest first, with ?all=1)."""
    cases = scoped(Case, request.workspace).select_related("contact", "owner")
    everything = request.GET.get("all") == "1"
    if everything:
        cases = cases.order_by("-created_at", "-id")
    else:
        cases = cases.filter(status__in=OPEN_STATUSES).order_by("due_at", "id")
    context = {
        "page": window(cases, request.GET, PAGE_SIZE),
        "everything": everything,
        "now": timezone.now(),
    }
    return render(request, "care/list.html", context)


@member_required
def case_new(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    purchases = list(
        scoped(Purchase, request.workspace)
        .filter(contact=contact)
        .order_by("-purchased_on", "-id")[:RECENT_PURCHASES]
    )
    form = CaseForm(request.POST or None, purchases=_purchase_choices(purchases))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["purchase"] = next((p for p in purchases if p.pk == data["purchase"]), None)
            try:
                case = services.case_open(contact, actor=request.user, **data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, f"Case #{case.number} is open.")
                return redirect("care:case", number=case.number)
    return render(request, "care/new.html", {"form": form, "contact": contact}, status=status)


def _purchase_choices(purchases: list[Purchase]) -> list[tuple[int, str]]:
    return [
        (p.pk, f"{p.purchased_on:%-d %b %Y}: {p.description or p.amount} {p.currency}")
        for p in purchases
    ]


def _case(request: WorkspaceRequest, number: int) -> Case:
    return get_scoped_or_404(Case, request.workspace, number=number)


def _page(
    request: WorkspaceRequest,
    case: Case,
    form: ReplyForm,
    status: int = 200,
    update: CaseUpdateForm | None = None,
) -> HttpResponse:
    entries = (
        scoped(CaseEntry, request.workspace)
        .filter(case=case)
        .select_related("author")
        .order_by("created_at", "id")
    )
    now = timezone.now()
    clock = clock_of(request.workspace)
    context = {
        "case": case,
        "entries": entries,
        "form": form,
        "update": update
        or CaseUpdateForm(
            initial={"priority": case.priority, "category": case.category, "owner": case.owner_id},
            members=_members(request),
        ),
        "clock": _clock_words(case, clock, now),
        "status_link": services.status_link(case),
        "next_statuses": [
            (value, label)
            for value, label in Status.choices
            if value in services.TRANSITIONS.get(case.status, set())
        ],
        "now": now,
    }
    return render(request, "care/case.html", context, status=status)


def _memberships(request: WorkspaceRequest) -> list[Membership]:
    return list(scoped(Membership, request.workspace).select_related("user").order_by("id"))


def _members(request: WorkspaceRequest) -> list[tuple[int, str]]:
    return [(m.user_id, m.user.get_full_name() or m.user.email) for m in _memberships(request)]


def _hours(amount: float) -> str:
    return f"{amount:.1f}".removesuffix(".0") + (
        " business hour" if amount == 1 else " business hours"
    )


def _clock_words(case: Case, clock: Clock, now: datetime) -> str:
    """Where the case stands against its targets, in business hours."""
    if case.waiting_since is not None:
        return "The clock is stopped while the case waits on the customer."
    if not case.is_open:
        if case.resolution_hours is None:
            return ""
        on_time = case.resolved_at is not None and case.resolved_at <= case.due_at
        verdict = "within" if on_time else "after"
        return f"Resolved in {_hours(case.resolution_hours)}, {verdict} the target."
    due = case.due_at if case.first_response_at else case.first_response_due_at
    what = "resolution" if case.first_response_at else "first response"
    left = clock.left(due, now)
    if left < 0:
        return f"The {what} is {_hours(-left)} late."
    return f"{_hours(left)} left to the {what}."


@member_required
def case_detail(request: WorkspaceRequest, number: int) -> HttpResponse:
    return _page(request, _case(request, number), ReplyForm())


@require_POST
@member_required
def case_reply(request: WorkspaceRequest, number: int) -> HttpResponse:
    case = _case(request, number)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.case_reply(case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("care:case", number=case.number)
    return _page(request, case, form, status=400)


@require_POST
@member_required
def case_update(request: WorkspaceRequest, number: int) -> HttpResponse:
    case = _case(request, number)
    memberships = _memberships(request)
    members = [(m.user_id, m.user.get_full_name() or m.user.email) for m in memberships]
    form = CaseUpdateForm(request.POST, members=members)
    if form.is_valid():
        data = dict(form.cleaned_data)
        owner_id = data.pop("owner")
        owner = next((m.user for m in memberships if m.user_id == owner_id), None)
        try:
            services.case_update(case, owner=owner, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("care:case", number=case.number)
    return _page(request, case, ReplyForm(), status=400, update=form)


@require_POST
@member_required
def case_status(request: WorkspaceRequest, number: int) -> HttpResponse:
    case = _case(request, number)
    try:
        services.case_set_status(
            case,
            request.POST.get("status", ""),
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Case #{case.number} is {case.get_status_display().lower()}.")
    return redirect("care:case", number=case.number)


def _settings_page(
    request: WorkspaceRequest,
    targets: TargetsForm | None = None,
    holiday: HolidayForm | None = None,
    status: int = 200,
) -> HttpResponse:
    workspace = request.workspace
    holidays = scoped(Holiday, workspace).order_by("date")
    context = {
        "targets": targets or TargetsForm(targets=targets_of(workspace)),
        "holiday_form": holiday or HolidayForm(),
        "holidays": window(holidays, request.GET, PAGE_SIZE),
    }
    return render(request, "care/settings.html", context, status=status)


@member_required
def care_settings(request: WorkspaceRequest) -> HttpResponse:
    """Service targets per priority and the workspace's holidays."""
    return _settings_page(request)


@require_POST
@owner_required
def targets_save(request: WorkspaceRequest) -> HttpResponse:
    form = TargetsForm(request.POST, targets=targets_of(request.workspace))
    if form.is_valid():
        try:
            services.targets_set(request.workspace, form.targets())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Service targets saved; they apply to new cases.")
            return redirect("care:settings")
    return _settings_page(request, targets=form, status=400)


@require_POST
@owner_required
def holiday_add(request: WorkspaceRequest) -> HttpResponse:
    form = HolidayForm(request.POST)
    if form.is_valid():
        try:
            services.holiday_add(
                request.workspace, form.cleaned_data["date"], form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Holiday added.")
            return redirect("care:settings")
    return _settings_page(request, holiday=form, status=400)


@require_POST
@owner_required
def holiday_remove(request: WorkspaceRequest, pk: int) -> HttpResponse:
    services.holiday_remove(get_scoped_or_404(Holiday, request.workspace, pk=pk))
    messages.success(request, "Holiday removed.")
    return redirect("care:settings")


def _request(data: dict[str, Any]) -> dict[str, str]:
    """A request form's fields, as intake takes them (the honeypot is called website)."""
    fields = ("type", "subject", "text", "stamp")
    return {**{name: data[name] for name in fields}, "honeypot": data["website"]}


# Posts from one address to the public pages in an hour: enough for an office sharing one
# address, too few to flood a workspace with cases; the lost-link form sends e-mail, so fewer.
PUBLIC_POSTS = 30
LOST_LINK_POSTS = 10


@limit_posts("public-form", limit=PUBLIC_POSTS, window=timedelta(hours=1))
def public_form(request: HttpRequest, slug: str) -> HttpResponse:
    """A customer files a complaint, a return, a change request or a question (no account)."""
    workspace = get_object_or_404(Workspace, slug=slug)
    form = PublicForm(request.POST or None, initial={"stamp": intake.form_stamp()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                filed = intake.file_public(
                    workspace, name=data["name"], email=data["email"], **_request(data)
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                context = {"workspace": workspace, "case": filed.case, "filed": True}
                return render(request, "care/public_done.html", context)
    context = {"public_workspace": workspace, "form": form}
    return render(request, "care/public_form.html", context, status=status)


RATINGS = [(1, "poor"), (2, "not good"), (3, "all right"), (4, "good"), (5, "excellent")]


def _number(value: str) -> int:
    return int(value) if value.isdigit() else 0


@limit_posts("public-status", limit=PUBLIC_POSTS, window=timedelta(hours=1))
def status_page(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The case as its customer sees it: status in plain words and the replies to them; never
    the internal notes. Without the right token there is nothing to see. The customer can write
    (add details, answer), accept a resolution, or reopen it."""
    workspace = get_object_or_404(Workspace, slug=slug)
    case = links.case_for_token(workspace, token)
    if case is None:
        raise Http404("No such case.")
    error, status = "", 200
    if request.method == "POST":
        action, body = request.POST.get("action", ""), request.POST.get("body", "")
        try:
            if action == "accept":
                services.case_accept(case)
            elif action == "rate":
                services.case_rate(
                    case,
                    rating=_number(request.POST.get("rating", "")),
                    comment=request.POST.get("comment", ""),
                )
            elif action == "reopen":
                services.case_reopen(case, body=body)
            else:
                services.case_customer_message(case, body=body)
        except ValidationError as problem:
            error, status = " ".join(problem.messages), 400
        else:
            return redirect("care:status_page", slug=slug, token=token)
    entries = (
        scoped(CaseEntry, workspace)
        .filter(case=case, kind__in=[EntryKind.REPLY, EntryKind.CUSTOMER])
        .order_by("created_at", "id")
    )
    context = {
        "public_workspace": workspace,
        "case": case,
        "entries": entries,
        "error": error,
        "body": request.POST.get("body", "") if error else "",
        "rating_choices": RATINGS,
    }
    return render(request, "care/status_page.html", context, status=status)


@limit_posts("public-client", limit=PUBLIC_POSTS, window=timedelta(hours=1))
def client_page(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """A contact's own page: their cases (each linking to its status page), when the workspace
    is reachable, and a form for a new request. Without the right token there is nothing."""
    workspace = get_object_or_404(Workspace, slug=slug)
    link = links.client_for_token(workspace, token)
    if link is None:
        raise Http404("No such page.")
    purchases = list(
        scoped(Purchase, workspace)
        .filter(contact=link.contact)
        .order_by("-purchased_on", "-id")[:RECENT_PURCHASES]
    )
    form = RequestForm(
        request.POST or None,
        initial={"stamp": intake.form_stamp()},
        purchases=_purchase_choices(purchases),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                purchase = next((p for p in purchases if p.pk == data.get("purchase")), None)
                case = intake.file_for_client(link, purchase=purchase, **_request(data))
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, f"Thank you: it is case #{case.number}.")
                return redirect("care:client_page", slug=slug, token=token)
    cases = (
        scoped(Case, workspace)
        .filter(contact=link.contact)
        .exclude(close_reason__in=["spam", "duplicate"])
        .order_by("-created_at", "-id")[:CLIENT_PAGE_CASES]
    )
    context = {
        "public_workspace": workspace,
        "contact": link.contact,
        "cases": [(case, links.case_token(case)) for case in cases],
        "hours": _opening_hours(workspace),
        "sections": client_sections(link.contact),
        "holidays": scoped(Holiday, workspace)
        .filter(date__gte=timezone.localdate(timezone=workspace.zone))
        .order_by("date")[:5],
        "form": form,
    }
    return render(request, "care/client_page.html", context, status=status)


CLIENT_PAGE_CASES = 30


def _opening_hours(workspace: Workspace) -> list[tuple[str, str]]:
    result = []
    for weekday, day in enumerate(WEEKDAYS):
        span = workspace.opening_hours(weekday)
        result.append((day.title(), f"{span[0]:%H:%M} to {span[1]:%H:%M}" if span else "closed"))
    return result


@member_required
def client_link_manage(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Make, replace, turn off or e-mail a contact's client page link."""
    contact = get_scoped_or_404(Contact, request.workspace, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "make":
                client.client_link_make(contact)
                messages.success(request, "Their page is ready: copy the link or e-mail it.")
            elif action == "revoke":
                client.client_link_revoke(contact)
                messages.success(request, "The page is turned off; its link no longer works.")
            elif action == "send":
                client.client_link_send(contact, actor=request.user)
                messages.success(request, "The link is on its way to them.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("care:client_link", pk=contact.pk)
    link = client.client_link(contact)
    context = {
        "contact": contact,
        "link": link,
        "url": client.client_page_url(link) if link else "",
    }
    return render(request, "care/client_link.html", context)


@limit_posts("public-lost-link", limit=LOST_LINK_POSTS, window=timedelta(hours=1))
def lost_link(request: HttpRequest, slug: str) -> HttpResponse:
    """E-mails fresh links to the cases of an address; shows the same answer whatever it is."""
    workspace = get_object_or_404(Workspace, slug=slug)
    sent = False
    if request.method == "POST":
        intake.send_fresh_links(workspace, request.POST.get("email", ""))
        sent = True
    return render(request, "care/lost_link.html", {"public_workspace": workspace, "sent": sent})


urlpatterns = [
    path("p/<slug:slug>/", public_form, name="public_form"),
    path("p/<slug:slug>/case/<str:token>/", status_page, name="status_page"),
    path("p/<slug:slug>/lost/", lost_link, name="lost_link"),
    path("p/<slug:slug>/c/<str:token>/", client_page, name="client_page"),
    path("people/<int:pk>/client-page/", client_link_manage, name="client_link"),
    path("care/", case_list, name="list"),
    path("care/<int:number>/", case_detail, name="case"),
    path("care/<int:number>/reply/", case_reply, name="reply"),
    path("care/<int:number>/status/", case_status, name="status"),
    path("care/<int:number>/update/", case_update, name="update"),
    path("settings/care/", care_settings, name="settings"),
    path("settings/care/targets/", targets_save, name="targets"),
    path("settings/care/holidays/", holiday_add, name="holiday_add"),
    path("settings/care/holidays/<int:pk>/remove/", holiday_remove, name="holiday_remove"),
    path("people/<int:pk>/cases/new/", case_new, name="new"),
]
