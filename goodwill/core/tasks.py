"""Jobs of the foundation, run by `goodwill worker`."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task


@task()
def send_test_email(to: str) -> str:
    """Prove that outgoing e-mail works end to end: the queue, the worker and the mail server."""
    message = EmailMessage(
        subject="Goodwill test e-mail",
        body=(
            "This is a test e-mail from Goodwill.\n\n"
            "If you can read it, your reminders and messages can reach people.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.send()
    return to
