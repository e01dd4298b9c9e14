"""The address book a CardDAV client sees: its cards' names, UIDs and ETags, the vCards served,
sync tokens, and writing a card a client sent.

Every workspace member's book holds the workspace's contacts. A contact made in Goodwill is
`<id>.vcf`, with a UID derived from the workspace and the id (so it needs no row); a card a client
created keeps the client's name and UID (CardName).

ETags are strong and change with Contact.updated_at, which every change of a card field bumps.
Sync tokens carry a time: the changes since a token are the contacts updated after it and the
tombstones written after it, both less OVERLAP, because a change made in a transaction that
commits after the token was handed out bears an earlier time. Sending a card twice is harmless;
missing one is not.
"""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from goodwill.accounts.models import User, Workspace
from goodwill.core.scoping import scoped
from goodwill.dav.models import CardName, CardTombstone
from goodwill.people.cards import Card, card_contact_create, card_contact_replace
from goodwill.people.models import Contact, Kind
from goodwill.people.privacy import vcard_of, with_card_data
from goodwill.people.vcard_writing import escaped, folded

# How long a sync token stays good: deleted cards are remembered this long.
SYNC_TOKEN_DAYS = 30
# How far back from a token changes are looked for again (see the module's docstring).
OVERLAP = timedelta(minutes=5)
SYNC_PREFIX = "urn:x-goodwill:sync:"
# Names Goodwill gives its own contacts; a client may not create a card with one (it could be
# the name of a contact made later).
OWN_NAME = re.compile(r"^(\d{1,18})\.vcf$")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    """A card as a listing shows it: its name and ETag."""

    contact_id: int
    name: str
    etag: str


def to_micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def etag_of(contact_id: int, updated_at: datetime) -> str:
    return f'"{contact_id}-{to_micros(updated_at)}"'


def own_uid(workspace: Workspace, contact_id: int) -> str:
    """The UID of a contact made in Goodwill: a UUID-shaped value, unique to this installation's
    workspace (its id and creation time), whose last part is the contact's id."""
    seed = f"goodwill:{workspace.pk}:{workspace.created_at.isoformat()}".encode()
    head = hashlib.sha256(seed).hexdigest()
    return f"urn:uuid:{head[:8]}-{head[8:12]}-{head[12:16]}-{head[16:20]}-{contact_id:012x}"


def _own_uid_contact(workspace: Workspace, uid: str) -> int | None:
    """The contact id an own_uid() value names, or None."""
    tail = uid.rsplit("-", 1)[-1]
    if len(tail) != 12 or not re.fullmatch(r"[0-9a-f]{12}", tail):
        return None
    contact_id = int(tail, 16)
    return contact_id if own_uid(workspace, contact_id) == uid else None


def book_entries(workspace: Workspace, *, since: datetime | None = None) -> Iterator[Entry]:
    """The book's cards (updated after *since*, when given), in one streamed query."""
    contacts = scoped(Contact, workspace)
    if since is not None:
        contacts = contacts.filter(updated_at__gt=since)
    rows = contacts.order_by("pk").values_list("pk", "updated_at", "dav_name__name")
    for pk, updated_at, name in rows.iterator(chunk_size=2000):
        yield Entry(pk, name or f"{pk}.vcf", etag_of(pk, updated_at))


def book_ctag(workspace: Workspace) -> str:
    """A value that changes whenever any card of the book changes (CalendarServer getctag)."""
    latest = scoped(Contact, workspace).order_by("-updated_at").values_list("updated_at", flat=True)
    gone = (
        scoped(CardTombstone, workspace)
        .order_by("-deleted_at")
        .values_list("deleted_at", flat=True)
    )
    count = scoped(Contact, workspace).count()
    stamps = [to_micros(moment) for moment in (latest.first(), gone.first()) if moment]
    return f"{count}-{max(stamps, default=0)}"


def contact_named(workspace: Workspace, name: str) -> Contact | None:
    """The contact served as *name*, or None."""
    found = named_contacts(workspace, [name], loaded=False)
    return found.get(name)


def named_contacts(
    workspace: Workspace, names: list[str], *, loaded: bool = True
) -> dict[str, Contact]:
    """The contacts served under *names*, by name, in a fixed number of queries; *loaded*
    with everything their vCard shows."""
    client_named = dict(
        scoped(CardName, workspace).filter(name__in=names).values_list("contact_id", "name")
    )
    own = {
        int(match[1]): name
        for name in names
        if (match := OWN_NAME.match(name)) and name not in client_named.values()
    }
    contacts = scoped(Contact, workspace).filter(pk__in=[*client_named, *own])
    contacts = contacts.select_related("dav_name")
    if loaded:
        contacts = card_data(contacts, workspace)
    found: dict[str, Contact] = {}
    for contact in contacts:
        name = client_named.get(contact.pk) or own.get(contact.pk)
        # A contact a client named is not also reachable by its own name.
        if name and (contact.pk in client_named or _served_name(contact) == name):
            found[name] = contact
    return found


def card_data(contacts: QuerySet[Contact], workspace: Workspace) -> QuerySet[Contact]:
    """*contacts* with all their vCard shows, their CardName and photo."""
    return with_card_data(contacts, workspace).select_related("dav_name", "photo")


def _card_name(contact: Contact) -> CardName | None:
    try:
        return contact.dav_name
    except CardName.DoesNotExist:
        return None


def _served_name(contact: Contact) -> str:
    named = _card_name(contact)
    return named.name if named else f"{contact.pk}.vcf"


def served_name(contact: Contact) -> str:
    """The name (the last part of the href) the contact is served under."""
    return _served_name(contact)


def served_uid(contact: Contact, workspace: Workspace) -> str:
    named = _card_name(contact)
    return named.uid if named and named.uid else own_uid(workspace, contact.pk)


def served_etag(contact: Contact) -> str:
    return etag_of(contact.pk, contact.updated_at)


def served_vcard(contact: Contact, workspace: Workspace) -> str:
    """The vCard a client gets: vcard_of() (which holds the photo too) with the card's UID.
    *contact* is loaded by card_data()."""
    text = vcard_of(contact)
    end = text.rindex("END:VCARD")
    return text[:end] + folded(f"UID:{escaped(served_uid(contact, workspace))}") + text[end:]


# Sync tokens.


def sync_token(moment: datetime) -> str:
    return f"{SYNC_PREFIX}{to_micros(moment)}"


class InvalidSyncToken(Exception):
    """Not one of our tokens, from the future, or older than SYNC_TOKEN_DAYS."""


def sync_token_time(token: str, *, now: datetime) -> datetime:
    """The time a sync token carries."""
    digits = token.removeprefix(SYNC_PREFIX)
    if not token.startswith(SYNC_PREFIX) or not digits.isdigit() or len(digits) > 18:
        raise InvalidSyncToken(token)
    moment = EPOCH + timedelta(microseconds=int(digits))
    if not now - timedelta(days=SYNC_TOKEN_DAYS) <= moment <= now + OVERLAP:
        raise InvalidSyncToken(token)
    return moment


def deleted_names(workspace: Workspace, *, since: datetime) -> list[str]:
    """Names of cards deleted after *since* that no card bears again."""
    names = (
        scoped(CardTombstone, workspace)
        .filter(deleted_at__gt=since)
        .values_list("name", flat=True)
        .distinct()
    )
    return sorted(set(names) - set(named_contacts(workspace, list(names), loaded=False)))


def tombstone_record(workspace: Workspace, name: str) -> None:
    """Remember that the card *name* was deleted; forget what is too old for any token."""
    now = timezone.now()
    CardTombstone.objects.create(workspace=workspace, name=name, deleted_at=now)
    scoped(CardTombstone, workspace).filter(
        deleted_at__lt=now - timedelta(days=SYNC_TOKEN_DAYS + 1)
    ).delete()


# Writing what a client sent.


class NameTaken(Exception):
    """Another request created a card of this name between our look and our write."""


class UidTaken(Exception):
    """Another card of the book already has this UID."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def uid_holder(workspace: Workspace, uid: str) -> str | None:
    """The name of the card that has *uid*, if any."""
    named = scoped(CardName, workspace).filter(uid=uid).values_list("name", flat=True).first()
    if named:
        return named
    contact_id = _own_uid_contact(workspace, uid)
    if contact_id is None:
        return None
    contact = scoped(Contact, workspace).filter(pk=contact_id).select_related("dav_name").first()
    return served_name(contact) if contact and served_uid(contact, workspace) == uid else None


def card_created(workspace: Workspace, name: str, card: Card, *, actor: User | None) -> Contact:
    """A new contact (a client) from a (checked) card a client put under *name*."""
    if card.uid and (holder := uid_holder(workspace, card.uid)) is not None:
        raise UidTaken(holder)
    try:
        with transaction.atomic():
            contact = card_contact_create(workspace, card, actor=actor, kind=Kind.CLIENT)
            CardName.objects.create(workspace=workspace, contact=contact, name=name, uid=card.uid)
            # The name is in use again: a sync no longer reports it deleted.
            scoped(CardTombstone, workspace).filter(name=name).delete()
    except IntegrityError:
        # Two PUTs of one new name at once: the unique name lets one win; the other's contact
        # is rolled back with it.
        raise NameTaken(name) from None
    return contact


def card_replaced(contact: Contact, card: Card, *, actor: User | None) -> Contact:
    """The contact with the card fields of a (checked) card a client put over it."""
    workspace = contact.workspace
    new_uid = bool(card.uid) and card.uid != served_uid(contact, workspace)
    if new_uid and (holder := uid_holder(workspace, card.uid)) is not None:
        raise UidTaken(holder)
    with transaction.atomic():
        card_contact_replace(contact, card, actor=actor)
        if new_uid:
            CardName.objects.update_or_create(
                workspace=workspace,
                contact=contact,
                defaults={"name": served_name(contact), "uid": card.uid},
            )
    return contact
