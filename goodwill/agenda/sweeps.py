"""The daily digest, every minute: open the rows whose hour has come, send the open ones."""

from datetime import datetime, timedelta

from goodwill.agenda.digest import digests_open, digests_send
from goodwill.core.worker import sweep


@sweep("digests", every=timedelta(minutes=1))
def send_digests(now: datetime) -> int:
    digests_open(now)
    return digests_send(now)
