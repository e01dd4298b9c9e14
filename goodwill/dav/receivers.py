"""A deleted contact leaves a tombstone, so that phones delete its card at their next sync.

A receiver rather than a call in each place that deletes, because contacts are deleted by other
apps (erasure, merging, undoing an import) that should not depend on the CardDAV server.
"""

from typing import Any

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from goodwill.accounts.models import Workspace
from goodwill.dav.books import served_name, tombstone_record
from goodwill.people.models import Contact


@receiver(pre_delete, sender=Contact, dispatch_uid="dav_contact_tombstone")
def contact_tombstone(sender: type[Contact], instance: Contact, origin: Any, **kwargs: Any) -> None:
    # Before the deletion, while the contact's CardName (deleted with it) still names it. A whole
    # workspace going leaves nothing behind to sync, and a tombstone would outlive it.
    if isinstance(origin, Workspace) or getattr(origin, "model", None) is Workspace:
        return
    tombstone_record(instance.workspace, served_name(instance))
