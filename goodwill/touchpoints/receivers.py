"""How touchpoints answers what happens to people (goodwill.people.signals)."""

from typing import Any

from django.dispatch import receiver

from goodwill.people.models import Contact
from goodwill.people.signals import contact_introduced, contacts_merged
from goodwill.touchpoints import appreciation, services
from goodwill.touchpoints.models import DueReason


@receiver(contact_introduced)
def thank_the_introducer(sender: Any, *, contact: Contact, introducer: Contact, **_: Any) -> None:
    appreciation.owe(
        introducer,
        reason=DueReason.REFERRAL,
        about=f"introduced {contact.display_name}"[:200],
        source=f"contact:{contact.pk}",
    )


@receiver(contacts_merged)
def refresh_merged(sender: Any, *, keep: Contact, **_: Any) -> None:
    """The kept record now holds both records' touches: its clock, rapport and dues follow."""
    services.touch_clocks_refresh(keep.workspace, [keep.pk])
