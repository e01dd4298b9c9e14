"""Likely duplicates (a shared e-mail or phone, a same or similar name) and merging two records.

Finding them never compares every contact with every other. Each signal is a GROUP BY on an
indexed, normalised key (the lower-cased e-mail address, the E.164 phone number, the lower-cased
last name), and only people who share a key are compared, a bounded number per key.

Merging moves everything of one record to the other in one transaction and re-points every
reference to the removed record. References are found from the model graph, so the records of
later capabilities (interactions, cases, …) move too instead of being deleted with the record.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations, groupby
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, ForeignObjectRel, Value, Window
from django.db.models.functions import Lower, RowNumber
from django.utils import timezone

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
from goodwill.people.services import timeline_add
from goodwill.people.signals import contacts_merged
from goodwill.people.text import format_phone

# A key shared by more people than this is a shared line (an office switchboard, info@), not
# one person recorded twice.
MAX_SHARING = 5
# Namesakes compared per last name. A very common last name is weak evidence anyway, and the cap
# keeps one "Smith" family from costing more than a page of people.
MAX_NAMESAKES = 200
# Last names read by the first query while looking for alike names; each further query reads
# twice as many. The search stops after reading this many people, so that a large workspace with
# few namesakes costs a bounded time (the list then holds the first last names alphabetically).
FIRST_FAMILIES = 20
MAX_NAMESAKES_READ = 5_000


@dataclass(frozen=True)
class DuplicatePair:
    first: Contact
    second: Contact
    reason: str


class _Found:
    """Pairs of contact ids in the order found, each with its reasons."""

    def __init__(self) -> None:
        self.reasons: dict[tuple[int, int], list[str]] = {}

    def add(self, first: int, second: int, reason: str) -> None:
        if first != second:
            reasons = self.reasons.setdefault((first, second), [])
            if reason not in reasons:
                reasons.append(reason)

    def __len__(self) -> int:
        return len(self.reasons)

    def pairs(self, workspace: Workspace, limit: int) -> list[DuplicatePair]:
        chosen = list(self.reasons.items())[:limit]
        ids = {pk for pair, _ in chosen for pk in pair}
        contacts = scoped(Contact, workspace).select_related("organization").in_bulk(ids)
        return [
            DuplicatePair(contacts[first], contacts[second], ", ".join(reasons))
            for (first, second), reasons in chosen
            if first in contacts and second in contacts
        ]


def likely_duplicates(workspace: Workspace, *, limit: int = 50) -> list[DuplicatePair]:
    """Pairs of contacts sharing an e-mail address or a phone number, or a same or similar name
    (one last name; Dan and Dan, Jon and John, Kat and Katarina, or one's nickname being the
    other's name). Strongest evidence first; each pair once, with every reason found."""
    found = _Found()
    emails = scoped(Email, workspace).annotate(key=Lower("address"))
    for address, ids in _shared(emails, limit).items():
        for other in ids[1:]:
            found.add(ids[0], other, f"same e-mail {address}")
    phones = scoped(Phone, workspace).annotate(key=F("number"))
    for number, ids in _shared(phones, limit).items():
        for other in ids[1:]:
            found.add(ids[0], other, f"same phone {format_phone(number)}")
    for first, second, reason in _namesake_pairs(workspace):
        if len(found) >= limit:
            break
        found.add(first, second, reason)
    return found.pairs(workspace, limit)


def _shared(rows: models.QuerySet[Any], limit: int) -> dict[str, list[int]]:
    """Keys (annotated as `key`) that 2 to MAX_SHARING contacts share, with their contact ids."""
    # Rows rather than distinct contacts are counted: the index alone answers that. A contact
    # holding one address twice makes a group of one, which pairs no one.
    shared = list(
        rows.values("key")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1, rows__lte=MAX_SHARING)
        .order_by("key")
        .values_list("key", flat=True)[:limit]
    )
    groups: dict[str, set[int]] = defaultdict(set)
    for key, contact_id in rows.filter(key__in=shared).values_list("key", "contact_id"):
        groups[key].add(contact_id)
    return {key: sorted(groups[key]) for key in shared if len(groups[key]) > 1}


def _namesake_pairs(workspace: Workspace) -> Iterator[tuple[int, int, str]]:
    """Alike pairs among people of one last name, a batch of last names at a time (lazily: the
    caller stops reading when it has enough)."""
    people = scoped(Contact, workspace).exclude(last_name="").annotate(family=Lower("last_name"))
    after, batch, read = "", FIRST_FAMILIES, 0
    while read < MAX_NAMESAKES_READ:
        families = list(
            people.filter(family__gt=after)
            .values("family")
            .annotate(people=Count("id"))
            .filter(people__gt=1)
            .order_by("family")
            .values_list("family", flat=True)[:batch]
        )
        if not families:
            return
        after, batch = families[-1], batch * 2
        namesakes = list(
            people.filter(family__in=families)
            .annotate(rank=Window(RowNumber(), partition_by=Lower("last_name"), order_by="pk"))
            .filter(rank__lte=MAX_NAMESAKES)
            .order_by("family", "pk")
            .values_list("family", "pk", "first_name", "nickname")
        )
        read += len(namesakes)
        for _, members in groupby(namesakes, key=lambda row: row[0]):
            yield from _alike([(pk, first, nick) for _, pk, first, nick in members])


_NOT_LETTERS = re.compile(r"[\W_]+")


def _name_key(text: str) -> str:
    """A first name as compared: lower-case, no accents, no dots or spaces ("José-M." → josem)."""
    return _NOT_LETTERS.sub("", fold(text))


def _alike(people: list[tuple[int, str, str]]) -> Iterator[tuple[int, int, str]]:
    """Pairs among namesakes given as (id, first name, nickname), lower id first.

    People of one first name are paired with the first of them ("same name"); alike first names
    and nicknames pair the first holder of each ("similar name"), so ten Jons and ten Johns make
    a few pairs to review, not a hundred.
    """
    by_name: dict[str, list[int]] = defaultdict(list)
    first_names: dict[int, str] = {}
    for pk, first_name, _ in sorted(people):
        if name := _name_key(first_name):
            by_name[name].append(pk)
            first_names[pk] = name
    for ids in by_name.values():
        for second in ids[1:]:
            yield ids[0], second, "same name"
    seen: set[tuple[int, int]] = set()
    alike = [(by_name[a][0], by_name[b][0]) for a, b in sorted(_similar_names(list(by_name)))]
    by_nickname: dict[str, list[int]] = defaultdict(list)
    for pk, _, nickname in sorted(people):
        nick = _name_key(nickname)
        if nick and nick != first_names.get(pk):
            alike += [(pk, by_name[nick][0])] if nick in by_name else []
            by_nickname[nick].append(pk)
    for ids in by_nickname.values():
        alike += [(ids[0], other) for other in ids[1:]]
    for a, b in alike:
        pair = (min(a, b), max(a, b))
        if a != b and pair not in seen and first_names.get(a) != first_names.get(b):
            seen.add(pair)
            yield *pair, "similar name"


def _similar_names(names: list[str]) -> set[tuple[str, str]]:
    """Pairs of distinct names one edit apart, or one the start of the other (Kat, Katarina).

    One edit (a letter added, removed or changed) counts when a name has four letters or more
    (Jon and John, Eric and Erik, but not Dan and Jan). Found through the names with one letter
    taken out, so it costs a few lookups per name rather than a comparison per pair.
    """
    pairs: set[tuple[str, str]] = set()
    whole = set(names)
    changed: dict[tuple[int, str], list[str]] = defaultdict(list)
    for name in names:
        if len(name) < 4:
            continue
        for index in range(len(name)):
            shorter = name[:index] + name[index + 1 :]
            if len(shorter) >= 3 and shorter in whole:
                pairs.add((shorter, name))
            changed[(index, shorter)].append(name)
    for group in changed.values():
        pairs.update(combinations(group, 2))
    ordered = sorted(name for name in names if len(name) >= 2)
    for index, short in enumerate(ordered):
        for longer in ordered[index + 1 :]:
            if not longer.startswith(short):
                break
            pairs.add((short, longer))
    return pairs


def duplicates_of(contact: Contact) -> list[DuplicatePair]:
    """Other contacts of the workspace that share an e-mail, a phone or a same or similar name
    with *contact* (for its page). Three indexed queries, and one more when there are any."""
    workspace = contact.workspace
    found = _Found()
    mine = scoped(Email, workspace).filter(contact=contact).values(key=Lower("address"))
    emails = scoped(Email, workspace).annotate(key=Lower("address")).filter(key__in=mine)
    for address, ids in _sharing(contact, emails).items():
        for other in ids:
            found.add(contact.pk, other, f"same e-mail {address}")
    numbers = scoped(Phone, workspace).filter(contact=contact).values("number")
    phones = scoped(Phone, workspace).annotate(key=F("number")).filter(number__in=numbers)
    for number, ids in _sharing(contact, phones).items():
        for other in ids:
            found.add(contact.pk, other, f"same phone {format_phone(number)}")
    if contact.last_name:
        namesakes = (
            scoped(Contact, workspace)
            .annotate(family=Lower("last_name"))
            .filter(family=Lower(Value(contact.last_name)))
            .exclude(pk=contact.pk)
            .order_by("pk")
            .values_list("pk", "first_name", "nickname")[:MAX_NAMESAKES]
        )
        me = (contact.pk, contact.first_name, contact.nickname)
        for namesake in namesakes:
            for _, _, reason in _alike([me, namesake]):
                found.add(contact.pk, namesake[0], reason)
    return found.pairs(workspace, MAX_NAMESAKES)


def _sharing(contact: Contact, rows: models.QuerySet[Any]) -> dict[str, list[int]]:
    """Other contacts holding each of *contact*'s keys, unless a key is a shared line."""
    holders: dict[str, set[int]] = defaultdict(set)
    for key, contact_id in rows.values_list("key", "contact_id")[: MAX_SHARING * 10]:
        holders[key].add(contact_id)
    return {
        key: sorted(ids - {contact.pk})
        for key, ids in sorted(holders.items())
        if len(ids) <= MAX_SHARING
    }


# --- Merging -----------------------------------------------------------------------------------

# The contact's own fields, in the order the preview shows them. A field empty on the record kept
# is filled from the other; when both hold different values, the other's is kept in a note.
MERGED_FIELDS = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("nickname", "Nickname"),
    ("kind", "Kind"),
    ("organization_id", "Organisation"),
    ("role", "Role"),
    ("preferred_channel", "Preferred channel"),
    ("contact_hours", "Hours to contact"),
    ("how_we_met", "How we met"),
    ("met_at", "Met at"),
    ("introduced_by_id", "Introduced by"),
    ("cadence_days", "Keep in touch"),
)

_ADDRESS_PARTS = ("street", "city", "region", "postal_code", "country")


def _address_key(address: Address) -> tuple[str, ...]:
    return tuple(fold(getattr(address, part).strip()) for part in _ADDRESS_PARTS)


# Details kept once when both records hold them: the key that makes two of them the same.
DETAILS: tuple[tuple[type[Any], str, Callable[[Any], Any]], ...] = (
    (Email, "E-mails", lambda email: email.address.strip().lower()),
    (Phone, "Phones", lambda phone: phone.number),
    (Address, "Addresses", _address_key),
    (Link, "Links", lambda link: link.url.strip()),
)

# Records that move whole, counted in the preview.
MOVED_WHOLE: tuple[tuple[type[Any], str], ...] = (
    (Fact, "facts"),
    (CircleMember, "people in their circle"),
    (ImportantDate, "dates"),
    (Gift, "gifts"),
    (Note, "notes"),
    (TimelineEntry, "timeline entries"),
)


@dataclass
class _DetailPlan:
    kept: list[Any]
    moving: list[Any]
    duplicates: list[tuple[Any, Any]] = field(default_factory=list)  # (other's, keep's)


def _check_mergeable(keep: Contact, other: Contact) -> None:
    if keep.pk == other.pk:
        raise ValidationError("A contact cannot be merged with itself.")
    if keep.workspace_id != other.workspace_id:
        raise ValidationError("Only contacts of one workspace can be merged.")


def _shown(contact: Contact, name: str) -> str:
    """A field's value as a person reads it; "" when empty."""
    value = getattr(contact, name)
    if value in ("", None):
        return ""
    if name == "organization_id":
        return contact.organization.name if contact.organization else ""
    if name == "introduced_by_id":
        return contact.introduced_by.display_name if contact.introduced_by else ""
    if name == "cadence_days":
        return f"every {value} days"
    if name in ("kind", "preferred_channel"):
        return str(getattr(contact, f"get_{name}_display")())
    return str(value)


def _field_plan(keep: Contact, other: Contact) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Values to set on *keep*, and (label, value) of the other's values kept aside in a note."""
    fills: dict[str, Any] = {}
    aside: list[tuple[str, str]] = []
    for name, label in MERGED_FIELDS:
        mine, theirs = getattr(keep, name), getattr(other, name)
        if name == "introduced_by_id":
            # Neither record was introduced by the other: they are one person.
            mine = None if mine == other.pk else mine
            theirs = None if theirs == keep.pk else theirs
            if mine is None and getattr(keep, name) is not None:
                fills[name] = theirs
        if theirs in ("", None):
            continue
        if mine in ("", None):
            fills[name] = theirs
        elif str(mine).strip().lower() != str(theirs).strip().lower():
            aside.append((label, _shown(other, name)))
    return fills, aside


def _detail_plan(
    model: type[Any], key: Callable[[Any], Any], keep: Contact, other: Contact
) -> _DetailPlan:
    rows = scoped(model, keep.workspace).filter(contact__in=[keep, other]).order_by("id")
    plan = _DetailPlan(kept=[], moving=[])
    seen: dict[Any, Any] = {}
    for row in sorted(rows, key=lambda row: row.contact_id != keep.pk):
        if row.contact_id == keep.pk:
            plan.kept.append(row)
            seen.setdefault(key(row), row)
        elif key(row) in seen:
            plan.duplicates.append((row, seen[key(row)]))
        else:
            seen[key(row)] = row
            plan.moving.append(row)
    return plan


def _tag_plan(keep: Contact, other: Contact) -> _DetailPlan:
    both = scoped(ContactTag, keep.workspace).filter(contact__in=[keep, other])
    links = list(both.select_related("tag").order_by("tag__name"))
    plan = _DetailPlan(kept=[], moving=[])
    mine = {link.tag_id: link for link in links if link.contact_id == keep.pk}
    for link in links:
        if link.contact_id == keep.pk:
            plan.kept.append(link)
        elif link.tag_id in mine:
            plan.duplicates.append((link, mine[link.tag_id]))
        else:
            plan.moving.append(link)
    return plan


def _references() -> list[tuple[type[Any], str]]:
    """Every (model, foreign key) that points at a contact, in every installed app."""
    return [
        (rel.related_model, rel.field.name)
        for rel in Contact._meta.get_fields(include_hidden=True)
        if isinstance(rel, ForeignObjectRel)
        and not isinstance(rel.related_model, str)
        and (rel.one_to_many or rel.one_to_one)
    ]


# Moved by the merge itself, with duplicates kept once; every other reference is re-pointed.
_HANDLED = {(model, "contact") for model, _, _ in DETAILS} | {(ContactTag, "contact")}


@dataclass(frozen=True)
class MergeRow:
    """One line of the preview: the kept record's, the other's and the result's value."""

    label: str
    keep: str
    other: str
    result: str
    aside: bool = False  # the other's value differs and goes into a note on the result


def merge_preview(keep: Contact, other: Contact) -> dict[str, Any]:
    """What merging *other* into *keep* will do, side by side, without writing anything.

    `fields`, `details` and `counts` are lists of MergeRow; `filled` names the fields of *keep*
    filled from *other*; `aside` lists the other's differing values that go into a note;
    `references` counts the records elsewhere that will point at *keep* instead of *other*.
    """
    _check_mergeable(keep, other)
    fills, aside = _field_plan(keep, other)
    aside_labels = {label for label, _ in aside}
    fields = []
    for name, label in MERGED_FIELDS:
        if name not in fills:
            result = _shown(keep, name)
        else:
            result = _shown(other, name) if fills[name] is not None else ""
        row = MergeRow(
            label, _shown(keep, name), _shown(other, name), result, label in aside_labels
        )
        if row.keep or row.other:
            fields.append(row)
    filled = [label for name, label in MERGED_FIELDS if fills.get(name) is not None]
    return {
        "keep": keep,
        "other": other,
        "fields": fields,
        "details": _detail_rows(keep, other),
        "counts": _count_rows(keep, other, added={"notes": 1 if aside else 0}),
        "filled": filled,
        "aside": aside,
        "references": _reference_counts(keep, other),
    }


def _detail_rows(keep: Contact, other: Contact) -> list[MergeRow]:
    rows = []
    plans = [(label, _detail_plan(m, key, keep, other)) for m, label, key in DETAILS]
    plans.append(("Tags", _tag_plan(keep, other)))
    for label, plan in plans:
        theirs = plan.moving + [duplicate for duplicate, _ in plan.duplicates]
        if plan.kept or theirs:
            rows.append(
                MergeRow(
                    label,
                    _listed(plan.kept),
                    _listed(sorted(theirs, key=lambda row: row.pk)),
                    _listed(plan.kept + plan.moving),
                )
            )
    return rows


def _listed(rows: Iterable[Any]) -> str:
    def one(row: Any) -> str:
        if isinstance(row, ContactTag):
            return row.tag.name
        text = format_phone(row.number) if isinstance(row, Phone) else str(row)
        return f"{text} ({row.label})" if row.label else text

    return ", ".join(one(row) for row in rows)


def _count_rows(keep: Contact, other: Contact, *, added: dict[str, int]) -> list[MergeRow]:
    """Counts of what moves whole; the result also holds what the merge adds (its timeline
    entry, and a note of the other's differing values)."""
    added = {"timeline entries": 1, **added}
    rows = []
    for model, label in MOVED_WHOLE:
        counts = dict(
            scoped(model, keep.workspace)
            .filter(contact__in=[keep, other])
            .values("contact_id")
            .annotate(n=Count("id"))
            .values_list("contact_id", "n")
        )
        mine, theirs = counts.get(keep.pk, 0), counts.get(other.pk, 0)
        result = mine + theirs + added.get(label, 0)
        if result:
            rows.append(MergeRow(label, str(mine), str(theirs), str(result)))
    return rows


def _reference_counts(keep: Contact, other: Contact) -> dict[str, int]:
    """Records outside the two that point at *other* and will point at *keep*."""
    counts = {
        "introductions": scoped(Contact, keep.workspace)
        .filter(introduced_by=other)
        .exclude(pk=keep.pk)
        .count(),
        "circle links": scoped(CircleMember, keep.workspace)
        .filter(linked_contact=other)
        .exclude(contact=keep)
        .count(),
    }
    for model, name in _references():
        if model._meta.app_label != "people":
            label = str(model._meta.verbose_name_plural)
            counts[label] = (
                counts.get(label, 0) + model._default_manager.filter(**{name: other}).count()
            )
    return {label: n for label, n in counts.items() if n}


def contact_merge(keep: Contact, other: Contact, *, actor: User | None) -> Contact:
    """Merge *other* into *keep* in one transaction: everything of both stays, on *keep*.

    E-mails, phones, addresses, links and tags both hold are kept once; facts, circle, dates,
    gifts, notes and timeline move whole; empty fields of *keep* are filled from *other*, and
    where both differ, the other's values are kept in a note. Every reference to *other* (people
    it introduced, circle links, records of other capabilities) then points at *keep*, and
    *other* is removed, from the search index too.
    """
    _check_mergeable(keep, other)
    with transaction.atomic():
        _lock(keep, other)
        fills, aside = _field_plan(keep, other)
        _fill(keep, other, fills)
        for model, _, key in DETAILS:
            _apply(model, _detail_plan(model, key, keep, other), keep)
        _apply(ContactTag, _tag_plan(keep, other), keep)
        for model, name in _references():
            if (model, name) not in _HANDLED:
                _repoint(model, name, keep, other)
        # A person is not in their own circle: a link between the two records goes.
        scoped(CircleMember, keep.workspace).filter(contact=keep, linked_contact=keep).update(
            linked_contact=None
        )
        other_id, other_name = other.pk, other.display_name
        other.delete()
        if aside:
            _note_aside(keep, other_id, other_name, aside, actor)
        timeline_add(
            keep,
            kind="merged",
            title=f"Merged with a duplicate record (#{other_id}, {other_name})",
            data={"other_id": other_id},
        )
        audit_record(keep.workspace, actor=actor, action="merge", obj=keep)
        search.unindex_contact(other_id)
        search.index_contact(keep.pk)
        contacts_merged.send(Contact, keep=keep, other_id=other_id)
    return keep


def _lock(keep: Contact, other: Contact) -> None:
    """Lock both rows (in id order, so two merges never wait on each other) and re-read them."""
    for contact in sorted((keep, other), key=lambda contact: contact.pk):
        try:
            contact.refresh_from_db(
                from_queryset=scoped(Contact, keep.workspace).select_for_update()
            )
        except Contact.DoesNotExist:
            raise ValidationError(
                f"Contact #{contact.pk} was just removed or merged; nothing was changed."
            ) from None


def _fill(keep: Contact, other: Contact, fills: dict[str, Any]) -> None:
    for name, value in fills.items():
        setattr(keep, name, value)
    keep.created_at = min(keep.created_at, other.created_at)
    if other.last_touch_at and (not keep.last_touch_at or other.last_touch_at > keep.last_touch_at):
        keep.last_touch_at = other.last_touch_at
    keep.touch_snoozed_until = keep.touch_snoozed_until or other.touch_snoozed_until
    keep.updated_at = timezone.now()
    keep.save()


def _apply(model: type[Any], plan: _DetailPlan, keep: Contact) -> None:
    """Move the other's details to *keep*; drop the ones *keep* already holds (their label
    fills an empty one of *keep*'s)."""
    manager = model._default_manager
    manager.filter(pk__in=[row.pk for row in plan.moving]).update(contact=keep)
    for duplicate, kept in plan.duplicates:
        if hasattr(kept, "label") and not kept.label and duplicate.label:
            manager.filter(pk=kept.pk).update(label=duplicate.label)
    manager.filter(pk__in=[duplicate.pk for duplicate, _ in plan.duplicates]).delete()


def _repoint(model: type[Any], name: str, keep: Contact, other: Contact) -> None:
    """Point *model*'s foreign key *name* at *keep* where it points at *other*.

    A row that would break a uniqueness rule duplicates one *keep* already holds (both records
    took part in one interaction; each has a rapport score, recomputed later), so it goes.
    """
    rows = model._default_manager.filter(**{name: other})
    try:
        with transaction.atomic():
            rows.update(**{name: keep})
    except IntegrityError:
        for pk in list(rows.values_list("pk", flat=True)):
            try:
                with transaction.atomic():
                    model._default_manager.filter(pk=pk).update(**{name: keep})
            except IntegrityError:
                model._default_manager.filter(pk=pk).delete()


def _note_aside(
    keep: Contact, other_id: int, other_name: str, aside: list[tuple[str, str]], actor: User | None
) -> None:
    lines = "\n".join(f"- {label}: {value}" for label, value in aside)
    Note.objects.create(
        workspace=keep.workspace,
        contact=keep,
        author=actor,
        body=f"Merged with another record of this person (#{other_id}, {other_name}), "
        f"which also said:\n\n{lines}",
    )
