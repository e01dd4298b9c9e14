"""Jobs of messaging, run by `goodwill worker`."""

from django.tasks import task

from goodwill.messaging.services import message_send


@task()
def send_message(message_id: int) -> bool:
    """Send a queued message now (retries and lost claims are the sweep's)."""
    return message_send(message_id)
