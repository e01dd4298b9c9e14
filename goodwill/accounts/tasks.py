"""Account e-mails, sent by `goodwill worker`.

Each job carries only an id: the secret link is made as the e-mail is sent, so no usable link
ever waits in the job table.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.tasks import task
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from goodwill.accounts import services
from goodwill.accounts.models import Invitation, User

# Nobody wrote these: autoresponders should not answer them (RFC 3834).
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def _send(to: str, subject: str, body: str) -> None:
    EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=AUTOMATIC_HEADERS,
    ).send()


def password_reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("accounts:password_reset_confirm", args=[uid, token])


@task()
def send_password_reset(user_id: int) -> bool:
    """E-mail a password-reset link; False when the account is gone or disabled meanwhile."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    _send(
        user.email,
        "Reset your Goodwill password",
        f"Hello {user.get_short_name()},\n\n"
        "Someone (we hope you) asked to reset the password of your Goodwill account.\n"
        f"Choose a new one here within {minutes} minutes; the link works once:\n\n"
        f"{password_reset_link(user)}\n\n"
        "If you did not ask for this, ignore this e-mail: your password stays as it is.\n",
    )
    return True


@task()
def send_invitation(invitation_id: int) -> bool:
    """E-mail an invitation's link; False when it was withdrawn, used or expired meanwhile."""
    invitation = (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or (raw := services.invitation_issue_link(invitation)) is None:
        return False
    inviter = invitation.invited_by.get_full_name() if invitation.invited_by else "An owner"
    link = settings.SITE_URL + reverse("accounts:invitation", args=[raw])
    _send(
        invitation.email,
        f"Join {invitation.workspace.name} on Goodwill",
        f"Hello,\n\n{inviter} invites you to join {invitation.workspace.name} on Goodwill "
        f"as {invitation.get_role_display().lower()}.\n\n"
        f"Accept here (the link works once, until "
        f"{invitation.expires_at:%d %B %Y %H:%M} UTC):\n\n{link}\n\n"
        "If you were not expecting this, ignore this e-mail.\n",
    )
    return True
