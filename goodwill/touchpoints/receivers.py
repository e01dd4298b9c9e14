"""How touchpoints answers what happens to people (goodwill.people.signals)."""

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from goodwill.accounts.models import Workspace
from goodwill.people.models import Contact
from goodwill.people.signals import contact_introduced, contacts_merged
from goodwill.touchpoints import appreciation, services
from goodwill.touchpoints.models import DueReason, RapportScore


@receiver(contact_introduced)
def thank_the_introducer(sender: Any, *, contact: Contact, introducer: Contact, **_: Any) -> None:
    appreciation.owe(
        introducer,
        reason=DueReason.REFERRAL,
        about=f"introduced {contact.display_name}"[:200],
        source=f"contact:{contact.pk}",
    )


@receiver(post_delete, sender=RapportScore)
def ladder_forget(sender: Any, *, instance: RapportScore, **_: Any) -> None:
    """A contact erased or merged away leaves the ladder totals (a workspace deleted takes its
    totals with it, so there is nothing to move)."""
    if instance.deep and Workspace.objects.filter(pk=instance.workspace_id).exists():
        services.ladder_move(instance.workspace, removed=[instance], added=[])


@receiver(contacts_merged)
def refresh_merged(sender: Any, *, keep: Contact, **_: Any) -> None:
    """The kept record now holds both records' touches: its clock, rapport and dues follow."""
    services.touch_clocks_refresh(keep.workspace, [keep.pk])
