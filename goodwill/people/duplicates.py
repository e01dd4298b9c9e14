"""Likely duplicates (same e-mail, phone, or a same or similar name) and merging two records."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F
from django.db.models.functions import Lower

from goodwill.accounts.models import User, Workspace
from goodwill.core.audit import audit_record
from goodwill.core.scoping import scoped
from goodwill.people import search
from goodwill.people.models import (
    Address,
    CircleMember,
    Contact,
    ContactTag,
    Email,
    Fact,
    Gift,
    ImportantDate,
    Link,
    Note,
    Phone,
    TimelineEntry,
)
from goodwill.people.search import fold
from goodwill.people.services import CONTACT_FIELDS, timeline_add


@dataclass(frozen=True)
class DuplicatePair:
    first: Contact
    second: Contact
    reason: str


def _groups(queryset: models.QuerySet[Any], key: Any, limit: int) -> list[Any]:
    """Values of *key* shared by more than one contact (one indexed GROUP BY)."""
    return list(
        queryset.values(value=key)
        .annotate(people=Count("contact", distinct=True))
        .filter(people__gt=1)
        .order_by("value")
        .values_list("value", flat=True)[:limit]
    )


def likely_duplicates(workspace: Workspace, *, limit: int = 50) -> list[DuplicatePair]:
    """Pairs of contacts sharing an e-mail address, a phone number or their whole name."""
    found: list[tuple[int, int, str]] = []
    for address in _groups(scoped(Email, workspace), Lower("address"), limit):
        emails = scoped(Email, workspace).annotate(a=Lower("address")).filter(a=address)
        found += _pairs(emails.values_list("contact_id", flat=True), f"same e-mail {address}")
    for number in _groups(scoped(Phone, workspace), F("number"), limit):
        phones = scoped(Phone, workspace).filter(number=number)
        found += _pairs(phones.values_list("contact_id", flat=True), f"same phone {number}")
    last_names = (
        scoped(Contact, workspace)
        .exclude(last_name="")
        .values(family=Lower("last_name"))
        .annotate(people=Count("id"))
        .filter(people__gt=1)
        .order_by("family")
        .values_list("family", flat=True)[:limit]
    )
    for family in last_names:
        relatives = (
            scoped(Contact, workspace).annotate(family=Lower("last_name")).filter(family=family)
        )
        found += _similar_pairs(list(relatives.order_by("pk")[:MAX_NAMESAKES]))
    return _as_pairs(workspace, found[:limit])


# Within one last name, look at this many people at most (a very common name is no signal).
MAX_NAMESAKES = 50


def _first_names_alike(one: Contact, other: Contact) -> str:
    """ "same name", "similar name" (Dan and Daniel; a nickname that is the other's name) or ""."""
    a, b = fold(one.first_name.strip()), fold(other.first_name.strip())
    if a == b:
        return "same name"
    nicknames = {fold(one.nickname.strip()), fold(other.nickname.strip())} - {""}
    if min(len(a), len(b)) >= 2 and (a.startswith(b) or b.startswith(a) or {a, b} & nicknames):
        return "similar name"
    return ""


def _similar_pairs(namesakes: list[Contact]) -> list[tuple[int, int, str]]:
    pairs = []
    for index, one in enumerate(namesakes):
        for other in namesakes[index + 1 :]:
            if reason := _first_names_alike(one, other):
                pairs.append((one.pk, other.pk, reason))
    return pairs


def _pairs(ids: Any, reason: str) -> list[tuple[int, int, str]]:
    unique = sorted(set(ids))
    return [(unique[0], other, reason) for other in unique[1:]]


def _as_pairs(workspace: Workspace, found: list[tuple[int, int, str]]) -> list[DuplicatePair]:
    seen: set[tuple[int, int]] = set()
    wanted = {pk for first, second, _ in found for pk in (first, second)}
    contacts = scoped(Contact, workspace).select_related("organization").in_bulk(wanted)
    pairs = []
    for first, second, reason in found:
        if (first, second) in seen or first not in contacts or second not in contacts:
            continue
        seen.add((first, second))
        pairs.append(DuplicatePair(contacts[first], contacts[second], reason))
    return pairs


def duplicates_of(contact: Contact) -> list[DuplicatePair]:
    """Other contacts of the workspace that share an e-mail, a phone or the name with *contact*."""
    workspace = contact.workspace
    addresses = [a.lower() for a in contact.emails.values_list("address", flat=True)]
    numbers = list(contact.phones.values_list("number", flat=True))
    found: list[tuple[int, int, str]] = []
    if addresses:
        emails = scoped(Email, workspace).annotate(a=Lower("address")).filter(a__in=addresses)
        found += [
            (contact.pk, pk, "same e-mail") for pk in emails.values_list("contact_id", flat=True)
        ]
    if numbers:
        phones = scoped(Phone, workspace).filter(number__in=numbers)
        found += [
            (contact.pk, pk, "same phone") for pk in phones.values_list("contact_id", flat=True)
        ]
    if contact.last_name.strip():
        namesakes = (
            scoped(Contact, workspace)
            .annotate(family=Lower("last_name"))
            .filter(family=contact.last_name.strip().lower())
            .exclude(pk=contact.pk)[:MAX_NAMESAKES]
        )
        found += [
            (contact.pk, other.pk, reason)
            for other in namesakes
            if (reason := _first_names_alike(contact, other))
        ]
    return _as_pairs(workspace, [row for row in found if row[1] != contact.pk])


MOVED_WHOLE: tuple[type[models.Model], ...] = (
    Fact, CircleMember, ImportantDate, Gift, Note, TimelineEntry,
)  # fmt: skip


def of(contact: Contact) -> dict[str, Contact]:
    """A `contact=` lookup for models whose type the checker cannot see through."""
    return {"contact": contact}


def _check_mergeable(keep: Contact, other: Contact) -> None:
    if keep.pk == other.pk:
        raise ValidationError("A contact cannot be merged with itself.")
    if keep.workspace_id != other.workspace_id:
        raise ValidationError("Only contacts of one workspace can be merged.")


def _filled_fields(keep: Contact, other: Contact) -> list[str]:
    """Fields empty on *keep* that *other* can fill."""
    names = [*CONTACT_FIELDS, "organization", "introduced_by"]
    return [
        name
        for name in names
        if getattr(keep, name) in ("", None) and getattr(other, name) not in ("", None)
        and not (name == "introduced_by" and other.introduced_by_id == keep.pk)
    ]  # fmt: skip


def merge_preview(keep: Contact, other: Contact) -> dict[str, Any]:
    """What merging *other* into *keep* will do, without writing anything."""
    _check_mergeable(keep, other)
    workspace = keep.workspace
    models_moved: tuple[type[models.Model], ...] = (Email, Phone, Link, Address, *MOVED_WHOLE)
    moving = {
        str(model._meta.verbose_name_plural): scoped(model, workspace).filter(**of(other)).count()
        for model in models_moved
    }
    return {"moving": moving, "filled": _filled_fields(keep, other)}


def _move_unique(model: type[models.Model], keep: Contact, other: Contact, key: str) -> None:
    rows = scoped(model, keep.workspace)
    have = {str(value).lower() for value in rows.filter(contact=keep).values_list(key, flat=True)}
    for row in rows.filter(contact=other):
        if str(getattr(row, key)).lower() in have:
            row.delete()
        else:
            have.add(str(getattr(row, key)).lower())
            model._default_manager.filter(pk=row.pk).update(contact=keep)


def contact_merge(keep: Contact, other: Contact, *, actor: User | None) -> Contact:
    """Merge *other* into *keep*: everything of both stays, on *keep*; *other* is deleted."""
    _check_mergeable(keep, other)
    workspace = keep.workspace
    with transaction.atomic():
        for field in _filled_fields(keep, other):
            setattr(keep, field, getattr(other, field))
        if keep.introduced_by_id == other.pk:
            keep.introduced_by = None
        keep.save()
        _move_unique(Email, keep, other, "address")
        _move_unique(Phone, keep, other, "number")
        _move_unique(Link, keep, other, "url")
        _move_unique(Address, keep, other, "street")
        for model in MOVED_WHOLE:
            scoped(model, workspace).filter(**of(other)).update(**of(keep))
        have = set(
            scoped(ContactTag, workspace).filter(contact=keep).values_list("tag_id", flat=True)
        )
        for link in scoped(ContactTag, workspace).filter(contact=other):
            if link.tag_id in have:
                link.delete()
            else:
                ContactTag.objects.filter(pk=link.pk).update(contact=keep)
        scoped(Contact, workspace).filter(introduced_by=other).exclude(pk=keep.pk).update(
            introduced_by=keep
        )
        scoped(CircleMember, workspace).filter(linked_contact=other).update(linked_contact=keep)
        other_id = other.pk
        other.delete()
        search.unindex_contact(other_id)
        timeline_add(keep, kind="merged", title="Merged with a duplicate record")
        audit_record(workspace, actor=actor, action="merge", obj=keep)
        search.index_contact(keep.pk)
    return keep
