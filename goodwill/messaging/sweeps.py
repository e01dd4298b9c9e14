"""Messages whose retry time has come, or whose worker died while sending, every minute."""

from datetime import datetime, timedelta

from goodwill.core.worker import sweep
from goodwill.messaging.services import messages_send_due


@sweep("messages", every=timedelta(minutes=1))
def send_due_messages(now: datetime) -> int:
    return messages_send_due(now)
