"""What the CardDAV server keeps beside the contacts themselves.

A contact made in Goodwill is served as `<id>.vcf` with a UID derived from its id, and needs no
row here. A card a phone created keeps the name (href) and UID the phone gave it: CardName.
A deleted contact leaves a CardTombstone for a while, so that a sync-collection report can tell
a phone to delete its card too.
"""

from django.db import models
from django.utils import timezone

from goodwill.core.scoping import WorkspaceOwned
from goodwill.people.models import Contact


class CardName(WorkspaceOwned):
    """The name and UID a CardDAV client chose for a card it created."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="dav_name")
    name = models.CharField(max_length=255)
    uid = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="dav_cardname_ws_name")
        ]
        indexes = [models.Index(fields=["workspace", "uid"], name="dav_cardname_ws_uid")]

    def __str__(self) -> str:
        return self.name


class CardTombstone(WorkspaceOwned):
    """A card that was deleted (from a phone or in Goodwill), kept for SYNC_TOKEN_DAYS."""

    name = models.CharField(max_length=255)
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["workspace", "deleted_at"], name="dav_tombstone_ws_time")]

    def __str__(self) -> str:
        return f"{self.name} deleted at {self.deleted_at:%Y-%m-%d %H:%M}"
