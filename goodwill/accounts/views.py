from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from goodwill.accounts import services
from goodwill.accounts.access import (
    WorkspaceRequest,
    member_required,
    owner_required,
    token_visible_or_404,
    tokens_visible_to,
)
from goodwill.accounts.forms import (
    AccountForm,
    LoginForm,
    MemberAddForm,
    SignupForm,
    TokenCreateForm,
    WorkspaceNewForm,
    WorkspaceSettingsForm,
)
from goodwill.accounts.middleware import SESSION_KEY
from goodwill.accounts.models import Membership, User
from goodwill.core.scoping import get_scoped_or_404, scoped


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; behind the trusted proxy, the one the proxy appended last."""
    if settings.SECURE_PROXY_SSL_HEADER and (forwarded := request.META.get("HTTP_X_FORWARDED_FOR")):
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def add_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def safe_next(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@never_cache
@sensitive_post_parameters("password")
def login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = services.login_attempt(
                    request,
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password"],
                    ip_address=client_ip(request),
                )
            except services.LoginLocked:
                minutes = max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
                form.add_error(
                    None, f"Too many failed attempts. Wait {minutes} minutes and try again."
                )
                status = 429
            else:
                if user is None:
                    form.add_error(None, "That e-mail address and password do not match.")
                else:
                    auth_login(request, user)
                    return redirect(safe_next(request))
    context = {
        "form": form,
        "next": safe_next(request, ""),
        "signup_open": services.signup_is_open(),
    }
    return render(request, "accounts/login.html", context, status=status)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:login")


@never_cache
@sensitive_post_parameters("password")
def signup(request: HttpRequest) -> HttpResponse:
    if not services.signup_is_open():
        return render(request, "accounts/signup_closed.html", status=403)
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                membership = services.signup(
                    email=data["email"],
                    password=data["password"],
                    name=data["name"],
                    workspace_name=data["workspace_name"],
                    time_zone=data["time_zone"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                auth_login(request, membership.user, backend=settings.AUTHENTICATION_BACKENDS[0])
                request.session[SESSION_KEY] = membership.workspace_id
                messages.success(
                    request, f"Welcome to Goodwill, {membership.user.get_short_name()}."
                )
                return redirect("core:dashboard")
        return render(request, "accounts/signup.html", {"form": form}, status=400)
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def workspace_new(request: HttpRequest) -> HttpResponse:
    form = WorkspaceNewForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            assert isinstance(request.user, User)
            try:
                workspace = services.workspace_create(
                    owner=request.user,
                    name=form.cleaned_data["name"],
                    time_zone=form.cleaned_data["time_zone"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                request.session[SESSION_KEY] = workspace.pk
                messages.success(request, f"{workspace.name} is ready.")
                return redirect("core:dashboard")
        return render(request, "accounts/workspace_new.html", {"form": form}, status=400)
    return render(request, "accounts/workspace_new.html", {"form": form})


@require_POST
@member_required
def workspace_switch(request: WorkspaceRequest) -> HttpResponse:
    membership = request.user.memberships.filter(
        workspace__slug=request.POST.get("workspace")
    ).first()
    if membership is None:
        raise Http404("You are not a member of that workspace.")
    request.session[SESSION_KEY] = membership.workspace_id
    return redirect("core:dashboard")


@member_required
def workspace_settings(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    form = WorkspaceSettingsForm(request.POST or None, workspace=workspace)
    if request.method == "POST":
        if not request.membership.is_owner:
            raise PermissionDenied("Only the workspace's owners can change its settings.")
        if form.is_valid():
            try:
                services.workspace_update(
                    workspace,
                    name=form.cleaned_data["name"],
                    time_zone=form.cleaned_data["time_zone"],
                    business_hours=form.business_hours(),
                    country=form.cleaned_data["country"],
                    leap_day=form.cleaned_data["leap_day"],
                    currency=form.cleaned_data["currency"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Workspace settings saved.")
                return redirect("accounts:workspace_settings")
        return render(request, "accounts/workspace_settings.html", {"form": form}, status=400)
    return render(request, "accounts/workspace_settings.html", {"form": form})


def _members_page(
    request: WorkspaceRequest, form: MemberAddForm, status: int = 200
) -> HttpResponse:
    members = scoped(Membership, request.workspace).select_related("user").order_by("user__email")
    return render(
        request, "accounts/members.html", {"form": form, "members": members}, status=status
    )


@member_required
def members(request: WorkspaceRequest) -> HttpResponse:
    return _members_page(request, MemberAddForm())


@require_POST
@owner_required
def member_add(request: WorkspaceRequest) -> HttpResponse:
    form = MemberAddForm(request.POST)
    if form.is_valid():
        user = User.objects.filter(email=form.cleaned_data["email"].lower()).first()
        if user is None:
            form.add_error("email", "No Goodwill user has this address; they must sign up first.")
        else:
            try:
                services.member_add(
                    workspace=request.workspace, user=user, role=form.cleaned_data["role"]
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, f"{user.email} is now a member.")
                return redirect("accounts:members")
    return _members_page(request, form, status=400)


@require_POST
@owner_required
def member_remove(request: WorkspaceRequest, pk: int) -> HttpResponse:
    membership = get_scoped_or_404(Membership, request.workspace, pk=pk)
    try:
        services.member_remove(membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{membership.user.email} was removed; their tokens no longer work."
        )
    return redirect("accounts:members")


@never_cache
@member_required
def tokens(request: WorkspaceRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                token, raw = services.token_create(
                    workspace=request.workspace,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    read_only=form.cleaned_data["read_only"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                # Shown once, on the page the redirect leads to; a reload does not create another.
                request.session[NEW_TOKEN_KEY] = {"id": token.pk, "raw": raw}
                return redirect("accounts:tokens")
        return _tokens_page(request, form, status=400)
    return _tokens_page(request, form)


NEW_TOKEN_KEY = "new_api_token"


def _tokens_page(
    request: WorkspaceRequest, form: TokenCreateForm, status: int = 200
) -> HttpResponse:
    visible = tokens_visible_to(request.membership)
    context: dict[str, object] = {"form": form, "tokens": visible[:200]}
    if new := request.session.pop(NEW_TOKEN_KEY, None):
        context.update(new_token=visible.filter(pk=new["id"]).first(), raw_token=new["raw"])
    return render(request, "accounts/tokens.html", context, status=status)


@require_POST
@member_required
def token_revoke(request: WorkspaceRequest, pk: int) -> HttpResponse:
    token = token_visible_or_404(request.membership, pk)
    services.token_revoke(token)
    messages.success(request, f"Token “{token.name}” is revoked.")
    return redirect("accounts:tokens")


@login_required
@sensitive_post_parameters()
def account(request: HttpRequest) -> HttpResponse:
    """Name, password and a test e-mail: open to every user, with or without a workspace."""
    user = cast(User, request.user)
    account_form = AccountForm(initial={"name": user.name})
    password_form = PasswordChangeForm(user)
    status = 200
    if request.method == "POST" and request.POST.get("form") == "password":
        password_form = PasswordChangeForm(user, request.POST)
        if password_form.is_valid():
            password_form.save()
            update_session_auth_hash(request, user)
            messages.success(request, "Your password is changed.")
            return redirect("accounts:account")
        status = 400
    elif request.method == "POST":
        account_form = AccountForm(request.POST)
        if account_form.is_valid():
            user.name = account_form.cleaned_data["name"].strip()
            user.save(update_fields=["name"])
            messages.success(request, "Saved.")
            return redirect("accounts:account")
        status = 400
    context = {"account_form": account_form, "password_form": password_form}
    return render(request, "accounts/account.html", context, status=status)
