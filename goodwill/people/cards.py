"""A person as an address book holds them (a vCard or a CSV row), and writing one into Goodwill.

A Card is what the readers (card_reading) make of a vCard or a CSV row, and what imports and the
CardDAV server write. Only the fields an address book carries are here; what only Goodwill knows
(facts, circle, gifts, cadence, …) is never touched by writing a card.

- card_checked() cleans a card against a workspace: it lowercases and checks e-mail addresses,
  reads phone numbers as E.164 (local numbers in the workspace's country), drops what cannot be
  read with a warning per dropped value, and refuses only a card with no name at all.
- card_contact_create() / cards_create() write new contacts (one; or many in bulk, for imports);
- card_contact_replace() makes a contact's card fields those of the card (a phone's edit);
- card_contact_fill() adds what a card knows that the contact lacks (an import's "merge"), and
  returns what it added so that the import can be undone.
"""

import base64
import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, ClassVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models, transaction
from django.utils import timezone

from goodwill.accounts.models import User, Workspace
from goodwill.core.bulk import insert, insert_returning_ids, prepared
from goodwill.core.scoping import scoped
from goodwill.people import search
from goodwill.people.dates import PartialDate
from goodwill.people.models import (
    Address,
    Contact,
    ContactPhoto,
    ContactTag,
    DateKind,
    Email,
    ImportantDate,
    Kind,
    Link,
    Note,
    Organization,
    Phone,
    Tag,
    TimelineEntry,
)
from goodwill.people.services import (
    AddressInput,
    Labelled,
    contact_create,
    contact_update,
    organization_for_name,
    tag_for_name,
)
from goodwill.people.text import normalize_phone


@dataclass
class Card:
    first_name: str = ""
    last_name: str = ""
    nickname: str = ""
    organization: str = ""
    role: str = ""
    emails: list[Labelled] = field(default_factory=list)
    phones: list[Labelled] = field(default_factory=list)
    links: list[Labelled] = field(default_factory=list)
    addresses: list[AddressInput] = field(default_factory=list)
    birthday: PartialDate | None = None
    anniversary: PartialDate | None = None
    tags: list[str] = field(default_factory=list)
    note: str = ""
    photo: bytes = b""
    # The photo's media type: image/jpeg, image/png or image/gif.
    photo_type: str = ""
    # The vCard's UID, kept by CardDAV so a phone finds its card again.
    uid: str = ""
    # Where the card (BEGIN:VCARD) or the CSV row starts in its file, from 1, for messages.
    line: int = 0


NO_NAME = "It has no name: no name, nickname, organisation or e-mail address to call the person by."
# The longest value each field keeps (the model's max_length): longer text is cut, not refused.
_LENGTHS = {"first_name": 100, "last_name": 100, "nickname": 100, "organization": 200, "role": 120}
_ADDRESS_LENGTHS = {"street": 200, "city": 100, "region": 100, "postal_code": 20, "country": 100}
MAX_NOTE = 20000
_EMAIL_LENGTH = Email._meta.get_field("address").max_length or 254


def card_checked(workspace: Workspace, card: Card) -> tuple[Card, list[str]]:
    """The card cleaned for *workspace*, and a warning for each value left out.

    ValidationError (NO_NAME) when nothing could name the person; when only an organisation or
    an e-mail address can, it becomes the nickname, so the person is not lost."""
    warnings: list[str] = []
    names = {key: getattr(card, key).strip()[:length] for key, length in _LENGTHS.items()}
    emails = _checked_emails(card.emails, warnings)
    if not (names["first_name"] or names["last_name"] or names["nickname"]):
        fallback = names["organization"] or (emails[0].value if emails else "")
        if not fallback:
            raise ValidationError(NO_NAME)
        names["nickname"] = fallback[: _LENGTHS["nickname"]]
    photo, photo_type = card.photo, card.photo_type
    if photo and (
        photo_type not in ContactPhoto.MEDIA_TYPES or len(photo) > ContactPhoto.MAX_BYTES
    ):
        warnings.append("The photo is not a JPEG, PNG or GIF under 1 MB; left out.")
        photo, photo_type = b"", ""
    checked = replace(
        card,
        **names,
        emails=emails,
        phones=_checked_phones(card.phones, workspace.country, warnings),
        links=_checked_links(card.links, warnings),
        addresses=[a for a in map(_checked_address, card.addresses) if any(vars(a).values())],
        tags=_unique(tag.strip()[:60] for tag in card.tags),
        note=card.note.strip()[:MAX_NOTE],
        photo=photo,
        photo_type=photo_type,
    )
    return checked, warnings


def _unique(values: Iterable[str]) -> list[str]:
    """Non-empty values, the first of each regardless of case, in order."""
    seen: dict[str, str] = {}
    for value in values:
        if value and value.lower() not in seen:
            seen[value.lower()] = value
    return list(seen.values())


def _label(text: str) -> str:
    return text.strip()[:40]


def _checked_emails(items: Iterable[Labelled], warnings: list[str]) -> list[Labelled]:
    kept: dict[str, Labelled] = {}
    for item in items:
        address = item.value.strip().lower()
        try:
            validate_email(address)
            # The validator allows 320 characters, the column (and PostgreSQL) 254.
            if len(address) > _EMAIL_LENGTH:
                raise ValidationError("too long")
        except ValidationError:
            warnings.append(f"“{address[:80]}” is not an e-mail address; left out.")
            continue
        kept.setdefault(address, Labelled(_label(item.label), address))
    return list(kept.values())


def _checked_phones(items: Iterable[Labelled], country: str, warnings: list[str]) -> list[Labelled]:
    kept: dict[str, Labelled] = {}
    for item in items:
        try:
            number = normalize_phone(item.value, country)
        except ValidationError as error:
            warnings.append(f"{error.messages[0].rstrip('.')}; left out.")
            continue
        kept.setdefault(number, Labelled(_label(item.label), number))
    return list(kept.values())


def _checked_links(items: Iterable[Labelled], warnings: list[str]) -> list[Labelled]:
    kept: dict[str, Labelled] = {}
    check = URLValidator()
    for item in items:
        url = item.value.strip()
        # Address books often keep "www.example.com" without a scheme.
        if url and "://" not in url:
            url = f"https://{url}"
        try:
            check(url)
            if len(url) > 500:
                raise ValidationError("too long")
        except ValidationError:
            warnings.append(f"“{item.value.strip()[:80]}” is not a web address; left out.")
            continue
        kept.setdefault(url, Labelled(_label(item.label), url))
    return list(kept.values())


def _checked_address(address: AddressInput) -> AddressInput:
    parts = {
        key: getattr(address, key).strip()[:length] for key, length in _ADDRESS_LENGTHS.items()
    }
    return AddressInput(label=_label(address.label), **parts)


def _dates_of(card: Card) -> list[tuple[str, PartialDate]]:
    return [
        (kind, value)
        for kind, value in (
            (DateKind.BIRTHDAY, card.birthday),
            (DateKind.ANNIVERSARY, card.anniversary),
        )
        if value is not None
    ]


def _date_row(
    workspace: Workspace, contact: Contact, kind: str, value: PartialDate
) -> ImportantDate:
    row = ImportantDate(workspace=workspace, contact=contact, kind=kind)
    row.set_partial_date(value)
    return row


def _contact_fields(card: Card) -> dict[str, Any]:
    """What contact_create() and contact_update() take from a card."""
    return {
        "first_name": card.first_name,
        "last_name": card.last_name,
        "nickname": card.nickname,
        "role": card.role,
        "organization": card.organization,
        "emails": card.emails,
        "phones": card.phones,
        "links": card.links,
        "addresses": card.addresses,
        "tags": card.tags,
    }


def card_contact_create(
    workspace: Workspace, card: Card, *, actor: User | None, kind: str = Kind.CLIENT
) -> Contact:
    """A new contact from a card that card_checked() returned."""
    with transaction.atomic():
        contact = contact_create(workspace, actor=actor, kind=kind, **_contact_fields(card))
        ImportantDate.objects.bulk_create(
            _date_row(workspace, contact, date_kind, value) for date_kind, value in _dates_of(card)
        )
        if card.note:
            Note.objects.create(workspace=workspace, contact=contact, author=actor, body=card.note)
        if card.photo:
            ContactPhoto.objects.create(
                workspace=workspace, contact=contact, data=card.photo, media_type=card.photo_type
            )
        search.index_contact(contact.pk)
    return contact


def card_contact_replace(contact: Contact, card: Card, *, actor: User | None) -> Contact:
    """Make the contact's address-book fields those of *card* (checked), as when a person edits
    the card on their phone: names, organisation, title, e-mails, phones, addresses, web
    addresses, tags, the (first) birthday and anniversary, and the photo. What only Goodwill
    holds (facts, circle, notes, other dates, …) stays as it is."""
    workspace = contact.workspace
    with transaction.atomic():
        contact_update(contact, actor=actor, **_contact_fields(card))
        for date_kind, value in (
            (DateKind.BIRTHDAY, card.birthday),
            (DateKind.ANNIVERSARY, card.anniversary),
        ):
            _replace_date(contact, date_kind, value)
        scoped(ContactPhoto, workspace).filter(contact=contact).delete()
        if card.photo:
            ContactPhoto.objects.create(
                workspace=workspace, contact=contact, data=card.photo, media_type=card.photo_type
            )
    return contact


def _replace_date(contact: Contact, kind: str, value: PartialDate | None) -> None:
    """The first date of *kind* (the one a vCard shows) becomes *value*; None removes them all."""
    rows = scoped(ImportantDate, contact.workspace).filter(contact=contact, kind=kind)
    first = rows.order_by("id").first()
    if value is None:
        rows.delete()
    elif first is None:
        _date_row(contact.workspace, contact, kind, value).save()
    elif first.partial_date != value:
        first.set_partial_date(value)
        first.save(update_fields=["year", "month", "day"])


@dataclass
class Filled:
    """What card_contact_fill() added to a contact, so that it can be taken back: the fields it
    set (each was empty) and the rows it created, as (model label, id)."""

    fields: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[str, int]] = field(default_factory=list)

    def add(self, rows: Iterable[models.Model]) -> None:
        self.rows.extend((row._meta.label, row.pk) for row in rows)


_FILLED_FIELDS = ("first_name", "last_name", "nickname", "role")


def card_contact_fill(contact: Contact, card: Card, *, actor: User | None) -> Filled:
    """Add to the contact what the (checked) card knows and the contact lacks: empty name
    fields, the organisation, e-mails, phones, web addresses, addresses, tags, a birthday or
    anniversary of a kind the contact has none of, the note (as a note) and the photo. Nothing
    the contact holds is changed or removed."""
    workspace = contact.workspace
    filled = Filled()
    with transaction.atomic():
        for name in _FILLED_FIELDS:
            if not getattr(contact, name) and getattr(card, name):
                setattr(contact, name, getattr(card, name))
                filled.fields[name] = getattr(card, name)
        if contact.organization_id is None and card.organization:
            contact.organization = organization_for_name(workspace, card.organization)
            filled.fields["organization"] = card.organization
        contact.updated_at = timezone.now()
        contact.save()
        filled.add(_new_children(contact, card))
        filled.add(_new_tags(contact, card.tags))
        if card.note:
            filled.add(
                [
                    Note.objects.create(
                        workspace=workspace, contact=contact, author=actor, body=card.note
                    )
                ]
            )
        if card.photo and not scoped(ContactPhoto, workspace).filter(contact=contact).exists():
            filled.add(
                [
                    ContactPhoto.objects.create(
                        workspace=workspace,
                        contact=contact,
                        data=card.photo,
                        media_type=card.photo_type,
                    )
                ]
            )
        search.index_contact(contact.pk)
    return filled


def _new_children(contact: Contact, card: Card) -> list[models.Model]:
    """The contact's new e-mail, phone, web address, address and date rows from *card*."""
    workspace = contact.workspace
    mine = scoped(Contact, workspace).filter(pk=contact.pk)
    has_emails = {
        address.lower()
        for address in scoped(Email, workspace)
        .filter(contact__in=mine)
        .values_list("address", flat=True)
    }
    has_phones = set(
        scoped(Phone, workspace).filter(contact__in=mine).values_list("number", flat=True)
    )
    has_links = set(scoped(Link, workspace).filter(contact__in=mine).values_list("url", flat=True))
    has_addresses = {
        tuple(row)
        for row in scoped(Address, workspace)
        .filter(contact__in=mine)
        .values_list(*_ADDRESS_LENGTHS)
    }
    has_dates = set(
        scoped(ImportantDate, workspace).filter(contact__in=mine).values_list("kind", flat=True)
    )
    rows: list[models.Model] = [
        *(
            Email(workspace=workspace, contact=contact, label=e.label, address=e.value)
            for e in card.emails
            if e.value.lower() not in has_emails
        ),
        *(
            Phone(workspace=workspace, contact=contact, label=p.label, number=p.value)
            for p in card.phones
            if p.value not in has_phones
        ),
        *(
            Link(workspace=workspace, contact=contact, label=u.label, url=u.value)
            for u in card.links
            if u.value not in has_links
        ),
        *(
            Address(workspace=workspace, contact=contact, **vars(a))
            for a in card.addresses
            if tuple(getattr(a, key) for key in _ADDRESS_LENGTHS) not in has_addresses
        ),
        *(
            _date_row(workspace, contact, date_kind, value)
            for date_kind, value in _dates_of(card)
            if date_kind not in has_dates
        ),
    ]
    for row in rows:
        row.save()
    return rows


def _new_tags(contact: Contact, names: Iterable[str]) -> list[ContactTag]:
    workspace = contact.workspace
    has = set(
        scoped(ContactTag, workspace).filter(contact=contact).values_list("tag_id", flat=True)
    )
    links = []
    for name in names:
        tag = tag_for_name(workspace, name)
        if tag.pk not in has:
            has.add(tag.pk)
            links.append(ContactTag.objects.create(workspace=workspace, contact=contact, tag=tag))
    return links


def card_contact_unfill(contact: Contact, filled: Filled) -> None:
    """Take back what card_contact_fill() added, where it is still as it was added: a field the
    person has since changed, or a row since removed, is left alone."""
    workspace = contact.workspace
    with transaction.atomic():
        for label, pk in filled.rows:
            model = apps.get_model(label)
            scoped(model, workspace).filter(pk=pk, contact=contact).delete()
        for name, value in filled.fields.items():
            if name == "organization":
                if contact.organization and contact.organization.name.lower() == value.lower():
                    contact.organization = None
            elif getattr(contact, name) == value:
                setattr(contact, name, "")
        if not (contact.first_name or contact.last_name or contact.nickname):
            # A contact keeps a name: the import's names stay rather than leave none.
            for name in ("first_name", "last_name", "nickname"):
                setattr(contact, name, filled.fields.get(name, getattr(contact, name)))
        contact.updated_at = timezone.now()
        contact.save()
        search.index_contact(contact.pk)


class CardWriter:
    """Writes new contacts from many checked cards in bulk, a batch at a time: a bulk insert per
    kind of row rather than queries per person, which is what an import of 100,000 people needs.

    The workspace's organisations and tags are read once, and those the cards name are created
    as they come; the caller holds the transaction of each batch."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        actor: User | None,
        kind: str = Kind.CLIENT,
        title: str = "Added from an import",
    ) -> None:
        self.workspace, self.actor, self.kind, self.title = workspace, actor, kind, title
        self.organizations = _by_name(scoped(Organization, workspace))
        self.tags = _by_name(scoped(Tag, workspace))
        # The organisations and tags created since take_created(), for an import to take back.
        self.created: list[Organization | Tag] = []

    def write(self, cards: Sequence[Card]) -> list[int]:
        """The new contacts' ids, in the cards' order."""
        now = timezone.now()
        self.add_named(cards)
        ids = self._insert_contacts(cards, now)
        rows = _Rows(self.workspace.pk, now)
        for contact_id, card in zip(ids, cards, strict=True):
            rows.add(contact_id, card, self.actor, self.tags)
            rows.timeline.append((contact_id, "created", rows.now, self.title, rows.no_data))
        rows.insert()
        search.index_contacts(ids, new=True)
        return ids

    def add_named(self, cards: Sequence[Card]) -> None:
        """Create the organisations and tags the cards name that the workspace lacks (before
        card_contact_fill() merges a card, so that they are counted in self.created too)."""
        self._add_missing(Organization, self.organizations, [card.organization for card in cards])
        self._add_missing(Tag, self.tags, [name for card in cards for name in card.tags])

    def take_created(self) -> list[Organization | Tag]:
        """The organisations and tags created since the last call."""
        created, self.created = self.created, []
        return created

    def _add_missing(
        self, model: type[Organization | Tag], known: dict[str, Any], names: list[str]
    ) -> None:
        new = {name.lower(): name for name in names if name and name.lower() not in known}
        rows: list[Any] = [model(workspace=self.workspace, name=name) for name in new.values()]
        for row in rows:
            known[row.name.lower()] = row
        model._default_manager.bulk_create(rows)
        self.created.extend(rows)

    def _insert_contacts(self, cards: Sequence[Card], now: datetime) -> list[int]:
        """The contacts' rows: what differs per card, then what all new contacts share (their
        kind, times, the next touch due, the fields' defaults), prepared once."""
        shared = Contact(workspace=self.workspace, kind=self.kind, created_at=now, updated_at=now)
        # What Contact.save() sets, which a plain INSERT does not call.
        shared.touch_due_at = shared.compute_touch_due_at()
        constant = [
            field.attname
            for field in Contact._meta.concrete_fields
            if not field.primary_key and field.attname not in _PER_CARD
        ]
        values = tuple(prepared(Contact, name, getattr(shared, name)) for name in constant)
        rows = [(*self._per_card(card), *values) for card in cards]
        return insert_returning_ids(Contact, [*_PER_CARD, *constant], rows)

    def _per_card(self, card: Card) -> tuple[str | int | None, ...]:
        organization = self.organizations.get(card.organization.lower())
        sort_name = f"{card.last_name} {card.first_name} {card.nickname}".strip().lower()
        return (
            card.first_name,
            card.last_name,
            card.nickname,
            card.role,
            organization.pk if card.organization and organization else None,
            sort_name[:210],
        )


# The contact's columns a card fills (in _per_card's order); the others are the same for all.
_PER_CARD = ("first_name", "last_name", "nickname", "role", "organization_id", "sort_name")


def _by_name(rows: models.QuerySet[Any]) -> dict[str, Any]:
    """Rows by lower-cased name; of two alike names the oldest, as organization_for_name() and
    tag_for_name() choose."""
    return {row.name.lower(): row for row in rows.order_by("-pk")}


class _Rows:
    """The rows new contacts' cards make beside the contacts themselves, as plain tuples, each
    kind inserted by one executemany(): model instances and Django's bulk_create() cost more than
    the database's own work for 100,000 people. Values are given as the database takes them
    (the date and the JSON as their fields prepare them)."""

    COLUMNS: ClassVar[dict[type[models.Model], tuple[str, ...]]] = {
        Email: ("contact_id", "label", "address"),
        Phone: ("contact_id", "label", "number"),
        Link: ("contact_id", "label", "url"),
        Address: ("contact_id", "label", "street", "city", "region", "postal_code", "country"),
        ImportantDate: ("contact_id", "kind", "label", "year", "month", "day"),
        ContactTag: ("contact_id", "tag_id"),
        Note: ("contact_id", "author_id", "body", "pinned", "created_at"),
        ContactPhoto: ("contact_id", "data", "media_type"),
        TimelineEntry: ("contact_id", "kind", "occurred_at", "title", "data"),
    }

    def __init__(self, workspace_id: int, now: datetime) -> None:
        self.workspace_id = workspace_id
        self.now = prepared(TimelineEntry, "occurred_at", now)
        self.no_data = prepared(TimelineEntry, "data", {})
        self.by_model: dict[type[models.Model], list[tuple[Any, ...]]] = {
            model: [] for model in self.COLUMNS
        }
        self.timeline = self.by_model[TimelineEntry]

    def add(self, contact_id: int, card: Card, actor: User | None, tags: dict[str, Tag]) -> None:
        rows = self.by_model
        rows[Email].extend((contact_id, e.label, e.value) for e in card.emails)
        rows[Phone].extend((contact_id, p.label, p.value) for p in card.phones)
        rows[Link].extend((contact_id, u.label, u.value) for u in card.links)
        rows[Address].extend(
            (contact_id, a.label, a.street, a.city, a.region, a.postal_code, a.country)
            for a in card.addresses
        )
        rows[ImportantDate].extend(
            (contact_id, kind, "", value.year, value.month, value.day)
            for kind, value in _dates_of(card)
        )
        rows[ContactTag].extend((contact_id, tags[name.lower()].pk) for name in card.tags)
        if card.note:
            author = actor.pk if actor else None
            rows[Note].append((contact_id, author, card.note, False, self.now))
        if card.photo:
            rows[ContactPhoto].append((contact_id, card.photo, card.photo_type))

    def insert(self) -> None:
        for model, rows in self.by_model.items():
            fields = ("workspace_id", *self.COLUMNS[model])
            insert(model, fields, [(self.workspace_id, *row) for row in rows])


def cards_pack(cards: Sequence[Card | None]) -> bytes:
    """Checked cards (None for one that cannot be imported) as compressed JSON, to keep between
    an import's preview and its run instead of reading the file twice."""
    return zlib.compress(json.dumps([_card_json(card) for card in cards]).encode(), 1)


def cards_unpack(packed: bytes) -> list[Card | None]:
    return [_card_of(item) for item in json.loads(zlib.decompress(packed))]


def _card_json(card: Card | None) -> dict[str, Any] | None:
    if card is None:
        return None
    item = asdict(card)
    item["photo"] = base64.b64encode(card.photo).decode("ascii")
    for name in ("birthday", "anniversary"):
        value = getattr(card, name)
        item[name] = value.isoformat() if value else None
    return item


def _card_of(item: dict[str, Any] | None) -> Card | None:
    if item is None:
        return None
    return replace(
        Card(**item),
        emails=[Labelled(**e) for e in item["emails"]],
        phones=[Labelled(**p) for p in item["phones"]],
        links=[Labelled(**u) for u in item["links"]],
        addresses=[AddressInput(**a) for a in item["addresses"]],
        birthday=PartialDate.parse(item["birthday"]) if item["birthday"] else None,
        anniversary=PartialDate.parse(item["anniversary"]) if item["anniversary"] else None,
        photo=base64.b64decode(item["photo"]),
    )
