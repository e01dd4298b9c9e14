"""Keep the list of a user's sessions in step with Django's sign-in and sign-out."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from goodwill.accounts import services
from goodwill.accounts.middleware import session_touch
from goodwill.accounts.models import User


@receiver(user_logged_in, dispatch_uid="accounts.session_signed_in")
def session_signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_touch(request, user, force=True)


@receiver(user_logged_out, dispatch_uid="accounts.session_signed_out")
def session_signed_out(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and (key := request.session.session_key):
        services.session_forget(key)
