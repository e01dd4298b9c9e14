"""Every change to the person record, one function each, called by pages, API and commands alike.

Each function validates first and writes nothing on bad input (ValidationError, with the field it
concerns), writes in one transaction, keeps the search index current and adds to the timeline.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone

from goodwill.accounts.models import User, Workspace
from goodwill.core.audit import audit_record
from goodwill.core.scoping import scoped
from goodwill.people import search
from goodwill.people.dates import PartialDate
from goodwill.people.models import (
    Address,
    CircleMember,
    Contact,
    ContactTag,
    DateKind,
    Email,
    Fact,
    Gift,
    GiftStatus,
    ImportantDate,
    Link,
    Note,
    Organization,
    Phone,
    SavedFilter,
    Tag,
    TimelineEntry,
)
from goodwill.people.signals import contact_introduced
from goodwill.people.text import normalize_phone

# Fields of Contact that callers set directly.
CONTACT_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "nickname",
    "role",
    "preferred_channel",
    "contact_hours",
    "how_we_met",
    "met_at",
    "cadence_days",
)


class Unset:
    """Marks an argument that was not given (None is a value: "no introducer")."""


UNSET: Any = Unset()


@dataclass(frozen=True)
class Labelled:
    label: str
    value: str


@dataclass(frozen=True)
class AddressInput:
    label: str = ""
    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""


def _check(instance: models.Model, *, exclude: Sequence[str] = ()) -> None:
    """Model validation (lengths, choices, formats) before anything is written."""
    instance.full_clean(exclude=["workspace", "contact", *exclude], validate_unique=False)


def _in_workspace(
    workspace: Workspace, model: type[models.Model], pk: int | None, field: str
) -> Any:
    if pk is None:
        return None
    found = scoped(model, workspace).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: "No such record in this workspace."})
    return found


def _emails(workspace: Workspace, items: Iterable[Labelled]) -> list[Email]:
    rows = []
    for item in items:
        address = item.value.strip()
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError({"emails": f"“{address}” is not an e-mail address."}) from None
        rows.append(
            Email(workspace=workspace, label=item.label.strip()[:40], address=address.lower())
        )
    return rows


def _phones(workspace: Workspace, items: Iterable[Labelled]) -> list[Phone]:
    rows = []
    for item in items:
        try:
            number = normalize_phone(item.value, workspace.country)
        except ValidationError as error:
            raise ValidationError({"phones": error.messages}) from None
        rows.append(Phone(workspace=workspace, label=item.label.strip()[:40], number=number))
    return rows


def _links(workspace: Workspace, items: Iterable[Labelled]) -> list[Link]:
    rows = [
        Link(workspace=workspace, label=i.label.strip()[:40], url=i.value.strip()) for i in items
    ]
    for row in rows:
        try:
            _check(row)
        except ValidationError:
            raise ValidationError({"links": f"“{row.url}” is not a web address."}) from None
    return rows


def _addresses(workspace: Workspace, items: Iterable[AddressInput]) -> list[Address]:
    rows = [Address(workspace=workspace, **vars(item)) for item in items]
    for row in rows:
        try:
            _check(row)
        except ValidationError as error:
            raise ValidationError({"addresses": error.messages}) from None
    return rows


def organization_for_name(workspace: Workspace, name: str) -> Organization | None:
    """The workspace's organisation of that name (any case), created when new; None for ""."""
    name = name.strip()
    if not name:
        return None
    if len(name) > 200:
        raise ValidationError(
            {"organization": "Keep the organisation's name under 200 characters."}
        )
    found = scoped(Organization, workspace).filter(name__iexact=name).order_by("pk").first()
    return found or Organization.objects.create(workspace=workspace, name=name)


def _replace_children(contact: Contact, model: type[models.Model], rows: list[Any]) -> None:
    scoped(model, contact.workspace).filter(contact=contact).delete()
    for row in rows:
        row.contact = contact
    model._default_manager.bulk_create(rows)


def _set_tags(contact: Contact, names: Iterable[str]) -> None:
    wanted = {name.strip()[:60] for name in names if name.strip()}
    tags = [tag_for_name(contact.workspace, name) for name in sorted(wanted, key=str.lower)]
    scoped(ContactTag, contact.workspace).filter(contact=contact).exclude(tag__in=tags).delete()
    for tag in tags:
        ContactTag.objects.get_or_create(workspace=contact.workspace, contact=contact, tag=tag)


def tag_for_name(workspace: Workspace, name: str) -> Tag:
    found = scoped(Tag, workspace).filter(name__iexact=name).first()
    return found or Tag.objects.create(workspace=workspace, name=name)


def _check_name(contact: Contact) -> None:
    if not (contact.first_name.strip() or contact.last_name.strip() or contact.nickname.strip()):
        raise ValidationError(
            {"first_name": "Give at least a first name, a last name or a nickname."}
        )


def contact_create(
    workspace: Workspace,
    *,
    actor: User | None,
    organization: str = "",
    introduced_by: int | None = None,
    tags: Iterable[str] = (),
    emails: Iterable[Labelled] = (),
    phones: Iterable[Labelled] = (),
    links: Iterable[Labelled] = (),
    addresses: Iterable[AddressInput] = (),
    **fields: Any,
) -> Contact:
    contact = Contact(workspace=workspace, **_contact_fields(fields))
    _check_name(contact)
    _check(contact, exclude=["organization", "introduced_by"])
    children: list[tuple[type[models.Model], list[Any]]] = [
        (Email, _emails(workspace, emails)),
        (Phone, _phones(workspace, phones)),
        (Link, _links(workspace, links)),
        (Address, _addresses(workspace, addresses)),
    ]
    with transaction.atomic():
        contact.introduced_by = _in_workspace(workspace, Contact, introduced_by, "introduced_by")
        contact.organization = organization_for_name(workspace, organization)
        contact.save()
        for model, rows in children:
            _replace_children(contact, model, rows)
        _set_tags(contact, tags)
        timeline_add(
            contact, kind="created", title=f"Added as a {contact.get_kind_display().lower()}"
        )
        search.index_contact(contact.pk)
        if contact.introduced_by is not None:
            contact_introduced.send(Contact, contact=contact, introducer=contact.introduced_by)
    return contact


def _contact_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {', '.join(sorted(unknown))}")
    return {
        key: ("" if value is None and key != "cadence_days" else value)
        for key, value in fields.items()
    }


def first_email(contact: Contact) -> str:
    """The contact's first e-mail address (the one given first), or "" when they have none."""
    emails = scoped(Email, contact.workspace).filter(contact=contact).order_by("id")
    return emails.values_list("address", flat=True).first() or ""


def contact_update(
    contact: Contact,
    *,
    actor: User | None,
    organization: str | None = None,
    introduced_by: Any = UNSET,
    tags: Iterable[str] | None = None,
    emails: Iterable[Labelled] | None = None,
    phones: Iterable[Labelled] | None = None,
    links: Iterable[Labelled] | None = None,
    addresses: Iterable[AddressInput] | None = None,
    **fields: Any,
) -> Contact:
    """Change what is given; lists given replace the contact's whole list of that kind."""
    workspace = contact.workspace
    for key, value in _contact_fields(fields).items():
        setattr(contact, key, value)
    _check_name(contact)
    _check(contact, exclude=["organization", "introduced_by"])
    replacements: list[tuple[type[models.Model], list[Any]]] = []
    if emails is not None:
        replacements.append((Email, _emails(workspace, emails)))
    if phones is not None:
        replacements.append((Phone, _phones(workspace, phones)))
    if links is not None:
        replacements.append((Link, _links(workspace, links)))
    if addresses is not None:
        replacements.append((Address, _addresses(workspace, addresses)))
    introducer_before = contact.introduced_by_id
    with transaction.atomic():
        if introduced_by is not UNSET:
            if introduced_by is not None and introduced_by == contact.pk:
                raise ValidationError({"introduced_by": "Someone cannot introduce themselves."})
            contact.introduced_by = _in_workspace(
                workspace, Contact, introduced_by, "introduced_by"
            )
        if organization is not None:
            contact.organization = organization_for_name(workspace, organization)
        contact.updated_at = timezone.now()
        contact.save()
        for model, rows in replacements:
            _replace_children(contact, model, rows)
        if tags is not None:
            _set_tags(contact, tags)
        search.index_contact(contact.pk)
        if contact.introduced_by is not None and contact.introduced_by_id != introducer_before:
            contact_introduced.send(Contact, contact=contact, introducer=contact.introduced_by)
    return contact


def contact_erase(contact: Contact, *, actor: User | None) -> None:
    """Erase a person with everything attached, from the database and the search index; the
    audit trail keeps only that contact #id was erased, and by whom."""
    with transaction.atomic():
        contact_id = contact.pk
        audit_record(contact.workspace, actor=actor, action="erase", obj=contact)
        contact.delete()
        search.unindex_contact(contact_id)


def _touch(contact: Contact) -> None:
    Contact.objects.filter(pk=contact.pk).update(updated_at=timezone.now())
    search.index_contact(contact.pk)


def _save_child(instance: models.Model, contact: Contact) -> None:
    with transaction.atomic():
        instance.save()
        _touch(contact)


def _delete_child(instance: models.Model, contact: Contact) -> None:
    with transaction.atomic():
        instance.delete()
        _touch(contact)


def fact_add(contact: Contact, *, category: str, text: str, private: bool = False) -> Fact:
    fact = Fact(
        workspace=contact.workspace,
        contact=contact,
        category=category,
        text=text.strip(),
        private=private,
    )
    _check(fact)
    _save_child(fact, contact)
    return fact


def fact_update(fact: Fact, **changes: Any) -> Fact:
    for key in ("category", "text", "private"):
        if key in changes:
            setattr(fact, key, changes[key].strip() if key == "text" else changes[key])
    _check(fact)
    _save_child(fact, fact.contact)
    return fact


def fact_remove(fact: Fact) -> None:
    _delete_child(fact, fact.contact)


def _partial_date(text: str | None, field: str) -> PartialDate | None:
    if not text:
        return None
    try:
        return PartialDate.parse(text)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def circle_add(
    contact: Contact,
    *,
    name: str,
    relation: str,
    birthday: str | None = None,
    interests: str = "",
    notes: str = "",
    linked_contact: int | None = None,
) -> CircleMember:
    member = CircleMember(
        workspace=contact.workspace,
        contact=contact,
        name=name.strip(),
        relation=relation,
        interests=interests.strip(),
        notes=notes.strip(),
    )
    member.set_partial_date(_partial_date(birthday, "birthday"))
    member.linked_contact = _in_workspace(
        contact.workspace, Contact, linked_contact, "linked_contact"
    )
    _check(member, exclude=["linked_contact"])
    _save_child(member, contact)
    return member


def circle_update(member: CircleMember, **changes: Any) -> CircleMember:
    for key in ("name", "relation", "interests", "notes"):
        if key in changes:
            setattr(member, key, (changes[key] or "").strip())
    if "birthday" in changes:
        member.set_partial_date(_partial_date(changes["birthday"], "birthday"))
    if "linked_contact" in changes:
        member.linked_contact = _in_workspace(
            member.workspace, Contact, changes["linked_contact"], "linked_contact"
        )
    _check(member, exclude=["linked_contact"])
    _save_child(member, member.contact)
    return member


def circle_remove(member: CircleMember) -> None:
    _delete_child(member, member.contact)


def date_add(contact: Contact, *, kind: str, date: str, label: str = "") -> ImportantDate:
    value = _partial_date(date, "date")
    if value is None:
        raise ValidationError({"date": "Enter a date, e.g. 1984-04-12 or --04-12."})
    if kind not in DateKind.values:
        raise ValidationError({"kind": f"Kind must be one of {', '.join(DateKind.values)}."})
    important = ImportantDate(
        workspace=contact.workspace, contact=contact, kind=kind, label=label.strip()
    )
    important.set_partial_date(value)
    _check(important)
    _save_child(important, contact)
    return important


def date_update(important: ImportantDate, **changes: Any) -> ImportantDate:
    if "kind" in changes:
        important.kind = changes["kind"]
    if "label" in changes:
        important.label = (changes["label"] or "").strip()
    if "date" in changes:
        value = _partial_date(changes["date"], "date")
        if value is None:
            raise ValidationError({"date": "Enter a date, e.g. 1984-04-12 or --04-12."})
        important.set_partial_date(value)
    _check(important)
    _save_child(important, important.contact)
    return important


def date_remove(important: ImportantDate) -> None:
    _delete_child(important, important.contact)


def gift_add(
    contact: Contact,
    *,
    description: str,
    occasion: str = "",
    status: str = GiftStatus.IDEA,
    cost: Decimal | None = None,
    given_on: date | None = None,
    for_member: int | None = None,
) -> Gift:
    gift = Gift(
        workspace=contact.workspace,
        contact=contact,
        description=description.strip(),
        occasion=occasion.strip(),
        status=status,
        cost=cost,
        given_on=given_on,
    )
    return _gift_save(gift, for_member, was_given=False)


def gift_update(gift: Gift, **changes: Any) -> Gift:
    was_given = gift.status == GiftStatus.GIVEN
    for key in ("description", "occasion", "status", "cost", "given_on"):
        if key in changes:
            value = changes[key]
            setattr(
                gift, key, value.strip() if isinstance(value, str) and key != "status" else value
            )
    member = changes.get("for_member", gift.for_member_id)
    return _gift_save(gift, member, was_given=was_given)


def _gift_save(gift: Gift, for_member: int | None, *, was_given: bool) -> Gift:
    contact = gift.contact
    member = _in_workspace(contact.workspace, CircleMember, for_member, "for_member")
    if member is not None and member.contact_id != contact.pk:
        raise ValidationError({"for_member": "That person is not in this contact's circle."})
    gift.for_member = member
    if gift.cost is not None and gift.cost < 0:
        raise ValidationError({"cost": "A cost cannot be negative."})
    if gift.status == GiftStatus.GIVEN and gift.given_on is None:
        gift.given_on = timezone.localdate()
    _check(gift, exclude=["for_member"])
    with transaction.atomic():
        gift.save()
        if gift.status == GiftStatus.GIVEN and not was_given:
            recipient = f" for {member.name}" if member else ""
            timeline_add(
                contact,
                kind="gift",
                title=f"Gave {gift.description}{recipient}",
                occurred_at=_midday(gift.given_on),
            )
        _touch(contact)
    return gift


def _midday(day: date | None) -> datetime:
    if day is None:
        return timezone.now()
    return datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())


def gift_remove(gift: Gift) -> None:
    _delete_child(gift, gift.contact)


NOTE_MAX = 20000


def _check_note_body(body: str) -> None:
    # A TextField's max_length is not checked by the model, only by forms: the API needs this.
    if not body:
        raise ValidationError({"body": "Write something first."})
    if len(body) > NOTE_MAX:
        raise ValidationError({"body": f"Keep a note under {NOTE_MAX:,} characters."})


def note_add(contact: Contact, *, author: User | None, body: str, pinned: bool = False) -> Note:
    note = Note(
        workspace=contact.workspace,
        contact=contact,
        author=author,
        body=body.strip(),
        pinned=pinned,
    )
    _check_note_body(note.body)
    _check(note, exclude=["author"])
    with transaction.atomic():
        note.save()
        timeline_add(contact, kind="note", title="Note", data={"note_id": note.pk})
        _touch(contact)
    return note


def note_update(note: Note, **changes: Any) -> Note:
    if "body" in changes:
        note.body = (changes["body"] or "").strip()
        _check_note_body(note.body)
    if "pinned" in changes:
        note.pinned = bool(changes["pinned"])
    _check(note, exclude=["author"])
    _save_child(note, note.contact)
    return note


def note_remove(note: Note) -> None:
    with transaction.atomic():
        scoped(TimelineEntry, note.workspace).filter(
            contact=note.contact_id, kind="note", data__note_id=note.pk
        ).delete()
        _delete_child(note, note.contact)


def timeline_add(
    contact: Contact,
    *,
    kind: str,
    title: str,
    data: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> TimelineEntry:
    """Add a line to the contact's timeline. Later capabilities call this with their own kinds."""
    return TimelineEntry.objects.create(
        workspace=contact.workspace,
        contact=contact,
        kind=kind,
        title=title[:300],
        data=data or {},
        occurred_at=occurred_at or timezone.now(),
    )


DUE_BATCH = 2000


def touch_due_recompute(workspace: Workspace, contacts: models.QuerySet[Contact]) -> int:
    """Recompute when the next touch is due for *contacts*, in batches; returns how many."""
    fields = ["kind", "cadence_days", "last_touch_at", "created_at", "touch_snoozed_until"]
    ids = list(contacts.values_list("pk", flat=True))
    for start in range(0, len(ids), DUE_BATCH):
        chunk = ids[start : start + DUE_BATCH]
        batch = list(scoped(Contact, workspace).filter(pk__in=chunk).only(*fields))
        for contact in batch:
            contact.workspace = workspace  # one loaded workspace, not a query per contact
            contact.touch_due_at = contact.compute_touch_due_at()
        Contact.objects.bulk_update(batch, ["touch_due_at"])
    return len(ids)


def cadence_defaults_set(workspace: Workspace, defaults: Mapping[str, int | None]) -> Workspace:
    """Set the workspace's keep-in-touch cadence per kind of contact (None: the product's
    default) and move the next touch of every contact that follows a changed default."""
    kinds = dict(Contact._meta.get_field("kind").choices or [])
    unknown = set(defaults) - set(kinds)
    if unknown:
        raise ValidationError({"kind": f"Unknown kind: {', '.join(sorted(unknown))}."})
    for kind, days in defaults.items():
        if days is not None and not 1 <= days <= 3650:
            raise ValidationError({kind: "Choose between 1 and 3650 days."})
    before = dict(workspace.cadence_defaults)
    after = {**before, **{kind: days for kind, days in defaults.items() if days is not None}}
    for kind in [kind for kind, days in defaults.items() if days is None]:
        after.pop(kind, None)
    changed = [kind for kind in kinds if before.get(kind) != after.get(kind)]
    with transaction.atomic():
        workspace.cadence_defaults = after
        workspace.save(update_fields=["cadence_defaults"])
        following = scoped(Contact, workspace).filter(kind__in=changed, cadence_days__isnull=True)
        touch_due_recompute(workspace, following)
    return workspace


def contacts_bulk_update(
    workspace: Workspace,
    contact_ids: Sequence[int],
    *,
    add_tag: str = "",
    kind: str = "",
    cadence_days: Any = UNSET,
) -> int:
    """Tag, re-kind or set the keep-in-touch cadence of many contacts at once; returns how many."""
    contacts = scoped(Contact, workspace).filter(pk__in=list(contact_ids))
    if kind and kind not in dict(Contact._meta.get_field("kind").choices or []):
        raise ValidationError({"kind": "Unknown kind."})
    if cadence_days is not UNSET and cadence_days is not None and not 1 <= cadence_days <= 3650:
        raise ValidationError({"cadence_days": "Choose between 1 and 3650 days."})
    with transaction.atomic():
        ids = list(contacts.values_list("pk", flat=True))
        changes: dict[str, Any] = {"updated_at": timezone.now()}
        if kind:
            changes["kind"] = kind
        if cadence_days is not UNSET:
            changes["cadence_days"] = cadence_days
        scoped(Contact, workspace).filter(pk__in=ids).update(**changes)
        if kind or cadence_days is not UNSET:
            touch_due_recompute(workspace, scoped(Contact, workspace).filter(pk__in=ids))
        if add_tag.strip():
            tag = tag_for_name(workspace, add_tag.strip()[:60])
            have = set(
                scoped(ContactTag, workspace).filter(tag=tag).values_list("contact_id", flat=True)
            )
            ContactTag.objects.bulk_create(
                [
                    ContactTag(workspace=workspace, contact_id=pk, tag=tag)
                    for pk in ids
                    if pk not in have
                ]
            )
            for pk in ids:
                search.index_contact(pk)
    return len(ids)


SAVED_FILTER_KEYS = ("q", "kind", "tag", "sort")


def saved_filter_create(
    workspace: Workspace, *, user: User, name: str, query: dict[str, str]
) -> SavedFilter:
    """Save the list's current filters under a name, for this user in this workspace."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the view a name."})
    if len(name) > 80:
        raise ValidationError({"name": "Keep the name under 80 characters."})
    kept = {key: query[key].strip() for key in SAVED_FILTER_KEYS if query.get(key, "").strip()}
    if not kept:
        raise ValidationError({"name": "Search or filter the list first, then save that view."})
    encoded = urlencode(kept)
    if len(encoded) > 500:
        raise ValidationError({"name": "That search is too long to save."})
    return SavedFilter.objects.create(workspace=workspace, user=user, name=name, query=encoded)


def saved_filter_delete(saved: SavedFilter) -> None:
    saved.delete()
