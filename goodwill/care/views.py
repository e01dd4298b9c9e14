"""Cases in the app: the list, opening one for a contact, a case with its replies and notes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required
from goodwill.accounts.models import Workspace
from goodwill.accounts.views import add_errors
from goodwill.care import intake, links, services
from goodwill.care.forms import CaseForm, PublicForm, ReplyForm
from goodwill.care.models import OPEN_STATUSES, Case, CaseEntry, EntryKind, Status
from goodwill.core.paging import window
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people.models import Contact

app_name = "care"
PAGE_SIZE = 50


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
    form = CaseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                case = services.case_open(contact, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, f"Case #{case.number} is open.")
                return redirect("care:case", number=case.number)
    return render(request, "care/new.html", {"form": form, "contact": contact}, status=status)


def _case(request: WorkspaceRequest, number: int) -> Case:
    return get_scoped_or_404(Case, request.workspace, number=number)


def _page(
    request: WorkspaceRequest, case: Case, form: ReplyForm, status: int = 200
) -> HttpResponse:
    entries = (
        scoped(CaseEntry, request.workspace)
        .filter(case=case)
        .select_related("author")
        .order_by("created_at", "id")
    )
    context = {
        "case": case,
        "entries": entries,
        "form": form,
        "next_statuses": [
            (value, label)
            for value, label in Status.choices
            if value in services.TRANSITIONS.get(case.status, set())
        ],
        "now": timezone.now(),
    }
    return render(request, "care/case.html", context, status=status)


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
                    workspace,
                    name=data["name"],
                    email=data["email"],
                    type=data["type"],
                    subject=data["subject"],
                    text=data["text"],
                    stamp=data["stamp"],
                    honeypot=data["website"],
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
    path("care/", case_list, name="list"),
    path("care/<int:number>/", case_detail, name="case"),
    path("care/<int:number>/reply/", case_reply, name="reply"),
    path("care/<int:number>/status/", case_status, name="status"),
    path("people/<int:pk>/cases/new/", case_new, name="new"),
]
