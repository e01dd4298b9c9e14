import time
from datetime import timedelta
from typing import Any, cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
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
    InvitationForm,
    InvitationSignupForm,
    LoginForm,
    MemberAddForm,
    PasswordConfirmForm,
    PasswordResetRequestForm,
    SignupForm,
    TokenCreateForm,
    TwoFactorCodeForm,
    WorkspaceNewForm,
    WorkspaceSettingsForm,
)
from goodwill.accounts.middleware import SESSION_KEY, session_touch
from goodwill.accounts.models import Invitation, Membership, TwoFactor, User, UserSession
from goodwill.core.ratelimit import client_ip, limit_posts
from goodwill.core.scoping import get_scoped_or_404, scoped

# Sign-ups and invitation answers from one address in an hour (pages anyone may post to).
PUBLIC_POSTS = 20


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


TWO_FACTOR_PENDING = "two_factor_pending"
# How long the second step of a sign-in may take after the password was right.
TWO_FACTOR_PENDING_SECONDS = 300


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
                elif services.two_factor_is_on(user):
                    # Not signed in yet: only this session knows the password was right.
                    request.session[TWO_FACTOR_PENDING] = {
                        "user": user.pk,
                        "backend": user.backend,
                        "until": time.time() + TWO_FACTOR_PENDING_SECONDS,
                        "next": safe_next(request),
                    }
                    return redirect("accounts:login_code")
                else:
                    auth_login(request, user)
                    return redirect(safe_next(request))
    context = {
        "form": form,
        "next": safe_next(request, ""),
        "signup_open": services.signup_is_open(),
    }
    return render(request, "accounts/login.html", context, status=status)


@never_cache
@sensitive_post_parameters("code")
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of a sign-in with two-factor on: a code from the app or a recovery code."""
    pending: dict[str, Any] = request.session.get(TWO_FACTOR_PENDING) or {}
    user = None
    if pending.get("until", 0) > time.time():
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(TWO_FACTOR_PENDING, None)
        messages.error(request, "Your sign-in took too long. Sign in again.")
        return redirect("accounts:login")
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                ok = services.two_factor_verify(user, form.cleaned_data["code"])
            except services.RateLimited as error:
                form.add_error(None, str(error))
                status = 429
            else:
                if ok:
                    del request.session[TWO_FACTOR_PENDING]
                    auth_login(request, user, backend=pending["backend"])
                    return redirect(pending["next"])
                form.add_error("code", "That code is not right, or was already used.")
    return render(request, "accounts/login_code.html", {"form": form}, status=status)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:login")


@never_cache
@sensitive_post_parameters("password")
@limit_posts("signup", limit=PUBLIC_POSTS, window=timedelta(hours=1))
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


EXPIRED_SHOWN = timedelta(days=30)


def _members_page(
    request: WorkspaceRequest,
    form: MemberAddForm,
    status: int = 200,
    invite_form: InvitationForm | None = None,
) -> HttpResponse:
    members = scoped(Membership, request.workspace).select_related("user").order_by("user__email")
    invitations = (
        scoped(Invitation, request.workspace)
        # Pending ones, and those that expired in the last month (so the owner sees why
        # someone never joined).
        .filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now() - EXPIRED_SHOWN)
        .select_related("invited_by")
        .order_by("-created_at")[:100]
    )
    context = {
        "form": form,
        "members": members,
        "invite_form": invite_form or InvitationForm(),
        "invitations": invitations if request.membership.is_owner else [],
    }
    return render(request, "accounts/members.html", context, status=status)


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
        services.member_remove(membership, actor=request.user)
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
    """Name, password, sessions, two-factor and a test e-mail: open to every user, with or
    without a workspace."""
    user = cast(User, request.user)
    if request.method == "POST" and request.POST.get("form") == "password":
        password_form = PasswordChangeForm(user, request.POST)
        if password_form.is_valid():
            old_key = request.session.session_key
            services.password_set(
                user, password_form.cleaned_data["new_password1"], keep_session=old_key
            )
            # The session gets a new key; keep this browser on the list under it.
            update_session_auth_hash(request, user)
            if old_key:
                services.session_forget(old_key)
            session_touch(request, user, force=True)
            messages.success(request, "Your password is changed; your other sessions are ended.")
            return redirect("accounts:account")
        return _account_page(request, status=400, password_form=password_form)
    if request.method == "POST":
        account_form = AccountForm(request.POST)
        if account_form.is_valid():
            user.name = account_form.cleaned_data["name"].strip()
            user.save(update_fields=["name"])
            messages.success(request, "Saved.")
            return redirect("accounts:account")
        return _account_page(request, status=400, account_form=account_form)
    return _account_page(request)


def _account_page(
    request: HttpRequest,
    *,
    status: int = 200,
    account_form: AccountForm | None = None,
    password_form: PasswordChangeForm | None = None,
    disable_form: PasswordConfirmForm | None = None,
) -> HttpResponse:
    user = cast(User, request.user)
    context = {
        "account_form": account_form or AccountForm(initial={"name": user.name}),
        "password_form": password_form or PasswordChangeForm(user),
        "disable_form": disable_form or PasswordConfirmForm(),
        "sessions": services.sessions_active(user),
        "current_session": request.session.session_key,
        "two_factor_on": services.two_factor_is_on(user),
        "recovery_codes_left": services.recovery_codes_left(user),
    }
    return render(request, "accounts/account.html", context, status=status)


# --- Password reset ---------------------------------------------------------------------------


@never_cache
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. The answer is the same whether or not the address has an account."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.password_reset_request(
                    email=form.cleaned_data["email"], ip_address=client_ip(request) or "unknown"
                )
            except services.RateLimited as error:
                form.add_error(None, str(error))
                status = 429
            else:
                return redirect("accounts:password_reset_sent")
        return render(request, "accounts/password_reset.html", {"form": form}, status=status)
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    return render(request, "accounts/password_reset_sent.html", {"minutes": minutes})


@never_cache
@sensitive_post_parameters()
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = services.password_reset_user(uidb64, token)
    if user is None:
        return render(request, "accounts/password_reset_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.password_set(user, form.cleaned_data["new_password1"])
            except ValidationError as error:
                add_errors(form, error)
            else:
                # Every session of the account was just ended; this browser signs in afresh
                # (with its second factor, when two-factor sign-in is on).
                auth_logout(request)
                messages.success(request, "Your password is changed. Sign in with it.")
                return redirect("accounts:login")
        return render(request, "accounts/password_reset_confirm.html", {"form": form}, status=400)
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


# --- Invitations ------------------------------------------------------------------------------


@require_POST
@owner_required
def member_invite(request: WorkspaceRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                workspace=request.workspace,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"An invitation is on its way to {invitation.email}.")
            return redirect("accounts:members")
    return _members_page(request, MemberAddForm(), status=400, invite_form=form)


@require_POST
@owner_required
def invitation_revoke(request: WorkspaceRequest, pk: int) -> HttpResponse:
    invitation = get_scoped_or_404(Invitation, request.workspace, pk=pk)
    try:
        services.invitation_revoke(invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("accounts:members")


@never_cache
@sensitive_post_parameters("password")
@limit_posts("invitation", limit=PUBLIC_POSTS, window=timedelta(hours=1))
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation: join with the account you are signed in with, sign in first,
    or create an account for the invited address."""
    found = services.invitation_for_token(token)
    if found is None:
        reason = "This invitation link is not valid. Check that it is complete."
        return render(request, "accounts/invitation_invalid.html", {"reason": reason}, status=404)
    if found.state != "pending":
        reason = services.INVITATION_REFUSED[found.state]
        return render(request, "accounts/invitation_invalid.html", {"reason": reason}, status=410)
    has_account = User.objects.filter(email=found.email).exists()
    form = InvitationSignupForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST":
        try:
            membership = _invitation_join(request, found, form, has_account=has_account)
        except ValidationError as error:
            problems = error.messages
        else:
            if membership is not None:
                request.session[SESSION_KEY] = membership.workspace_id
                messages.success(request, f"Welcome to {membership.workspace.name}.")
                return redirect("core:dashboard")
    context: dict[str, object] = {
        "invitation": found,
        "form": form,
        "has_account": has_account,
        "problems": problems,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/invitation.html", context, status=status)


def _invitation_join(
    request: HttpRequest, invitation: Invitation, form: InvitationSignupForm, *, has_account: bool
) -> Membership | None:
    """Accept with the signed-in account, or with a new account for the invited address.

    None when the form needs correcting; a ValidationError for anything else."""
    if request.user.is_authenticated:
        return services.invitation_accept(invitation, request.user)
    if has_account:
        raise ValidationError(f"{invitation.email} has an account: sign in to accept.")
    if not form.is_valid():
        return None
    try:
        membership = services.invitation_accept_new_user(
            invitation, name=form.cleaned_data["name"], password=form.cleaned_data["password"]
        )
    except ValidationError as error:
        add_errors(form, error)
        return None
    auth_login(request, membership.user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return membership


# --- Sessions ---------------------------------------------------------------------------------


@require_POST
@login_required
def session_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    record = UserSession.objects.filter(user=cast(User, request.user), pk=pk).first()
    if record is None:
        raise Http404("No such session.")
    if record.session_key == request.session.session_key:
        auth_logout(request)
        return redirect("accounts:login")
    services.session_end(record)
    messages.success(request, f"{record.device} is signed out.")
    return redirect("accounts:account")


@require_POST
@login_required
def sessions_revoke_others(request: HttpRequest) -> HttpResponse:
    ended = services.sessions_end(cast(User, request.user), keep=request.session.session_key)
    noun = "session" if ended == 1 else "sessions"
    messages.success(request, f"Signed out everywhere else ({ended} {noun}).")
    return redirect("accounts:account")


# --- Two-factor sign-in -----------------------------------------------------------------------

NEW_RECOVERY_CODES = "new_recovery_codes"


@never_cache
@login_required
@sensitive_post_parameters("code")
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Scan the secret, then prove it works with a current code before it is switched on."""
    user = cast(User, request.user)
    if services.two_factor_is_on(user):
        return redirect("accounts:account")
    form = TwoFactorCodeForm(request.POST or None)
    form.fields["code"].help_text = "The 6 digits your authenticator app shows now."
    status = 200
    if request.method == "POST":
        status = 400
        device = TwoFactor.objects.filter(user=user, confirmed_at=None).first()
        if device is not None and form.is_valid():
            try:
                codes = services.two_factor_confirm(user, form.cleaned_data["code"])
            except ValidationError as error:
                add_errors(form, error)
            else:
                request.session[NEW_RECOVERY_CODES] = codes
                messages.success(request, "Two-factor sign-in is on.")
                return redirect("accounts:recovery_codes")
    else:
        device = services.two_factor_begin(user)
    if device is None:
        return redirect("accounts:two_factor_setup")
    uri = services.two_factor_uri(device)
    context = {
        "form": form,
        "secret": device.secret,
        # In fours, as authenticator apps show keys: 32 letters in one run are hard to type.
        "secret_grouped": " ".join(
            device.secret[i : i + 4] for i in range(0, len(device.secret), 4)
        ),
        "qr": segno.make(uri, error="m").svg_data_uri(scale=4, border=2),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=status)


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; a POST makes a new set (the old ones stop working)."""
    user = cast(User, request.user)
    if not services.two_factor_is_on(user):
        return redirect("accounts:account")
    if request.method == "POST":
        request.session[NEW_RECOVERY_CODES] = services.recovery_codes_generate(user)
        return redirect("accounts:recovery_codes")
    context = {
        "codes": request.session.pop(NEW_RECOVERY_CODES, None),
        "left": services.recovery_codes_left(user),
    }
    return render(request, "accounts/recovery_codes.html", context)


@require_POST
@login_required
@sensitive_post_parameters("password")
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = PasswordConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.two_factor_disable(user, form.cleaned_data["password"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Two-factor sign-in is off.")
            return redirect("accounts:account")
    return _account_page(request, status=400, disable_form=form)
