"""Jobs of the agenda, run by `goodwill worker`."""

from django.tasks import task

from goodwill.agenda.digest import digests_send


@task()
def send_waiting_digests() -> int:
    """Send the digests waiting now (a test digest asked for from the settings page)."""
    return digests_send()
