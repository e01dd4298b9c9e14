"""Changes to organisations, one function each. (People are added to an organisation through
contact_create and contact_update, which find or create it by name.)"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goodwill.core.scoping import scoped
from goodwill.people import search
from goodwill.people.models import Contact, Organization

MAX_NOTES = 20000


def organization_update(
    organization: Organization, *, name: str, website: str = "", notes: str = ""
) -> Organization:
    """Rename an organisation or change its website and notes. Its people's search entries
    follow a new name, since they are found by it."""
    name, website, notes = name.strip(), website.strip(), notes.strip()
    if not name:
        raise ValidationError({"name": "Give the organisation a name."})
    namesake = (
        scoped(Organization, organization.workspace)
        .filter(name__iexact=name)
        .exclude(pk=organization.pk)
        .first()
    )
    if namesake is not None:
        raise ValidationError({"name": f"Another organisation is already called “{namesake}”."})
    if len(notes) > MAX_NOTES:
        raise ValidationError({"notes": f"Keep the notes under {MAX_NOTES} characters."})
    renamed = name != organization.name
    organization.name, organization.website, organization.notes = name, website, notes
    organization.full_clean(exclude=["workspace"], validate_unique=False)
    with transaction.atomic():
        organization.save(update_fields=["name", "website", "notes"])
        if renamed:
            people = scoped(Contact, organization.workspace).filter(organization=organization)
            # Their cards show the organisation: a newer updated_at gets the new name to their
            # address books on the next CardDAV sync.
            people.update(updated_at=timezone.now())
            # One entry at a time: an organisation holds dozens of people, not thousands.
            for contact_id in list(people.values_list("pk", flat=True)):
                search.index_contact(contact_id)
    return organization
