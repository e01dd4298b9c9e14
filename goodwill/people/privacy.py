"""A person's data, whole: as JSON (everything) and as a vCard 4.0 (what may be shared).

The JSON export is the person's right to see what we hold about them, so it holds everything,
private facts included. The vCard is made to be handed on (to a phone, to a colleague), so it
leaves out private facts and working notes, and keeps to what an address book shows.

Both are built in a fixed number of queries, whatever the person holds.
"""

import base64
from datetime import UTC
from typing import Any

from django.db.models import Prefetch, QuerySet

from goodwill.accounts.models import User, Workspace
from goodwill.core.audit import audit_record
from goodwill.core.scoping import scoped
from goodwill.people.models import (
    Address,
    CircleMember,
    Contact,
    ContactPhoto,
    ContactTag,
    DateKind,
    Email,
    Fact,
    Gift,
    ImportantDate,
    Link,
    Note,
    PartialDateFields,
    Phone,
    TimelineEntry,
)
from goodwill.people.vcard_writing import VCard, escaped, structured, text_list


def _date(row: PartialDateFields) -> str | None:
    """`YYYY-MM-DD`, or `--MM-DD` without a year (the public contract); None when unset."""
    value = row.partial_date
    return value.isoformat() if value else None


def _person(contact: Contact | None) -> dict[str, Any] | None:
    return {"id": contact.pk, "name": contact.display_name} if contact else None


def _tags(contact: Contact) -> list[str]:
    links = scoped(ContactTag, contact.workspace).filter(contact=contact).select_related("tag")
    return sorted((link.tag.name for link in links), key=str.lower)


def contact_export(contact: Contact) -> dict[str, Any]:
    """Everything Goodwill holds about one person, in the public contract's field names."""
    return {
        **_card_fields(contact),
        "facts": _facts(contact),
        "circle": _circle(contact),
        "dates": _dates(contact),
        "gifts": _gifts(contact),
        "notes": _notes(contact),
        "timeline": _timeline(contact),
    }


def _card_fields(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "kind": contact.kind,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "nickname": contact.nickname,
        "organization": contact.organization.name if contact.organization else None,
        "role": contact.role,
        "emails": [{"label": e.label, "address": e.address} for e in contact.emails.all()],
        "phones": [{"label": p.label, "number": p.number} for p in contact.phones.all()],
        "addresses": [
            {
                "label": a.label,
                "street": a.street,
                "city": a.city,
                "region": a.region,
                "postal_code": a.postal_code,
                "country": a.country,
            }
            for a in contact.addresses.all()
        ],
        "links": [{"label": link.label, "url": link.url} for link in contact.links.all()],
        "tags": _tags(contact),
        "cadence_days": contact.cadence_days,
        "preferred_channel": contact.preferred_channel,
        "contact_hours": contact.contact_hours,
        "how_we_met": contact.how_we_met,
        "met_at": contact.met_at,
        "introduced_by": _person(contact.introduced_by),
        "created_at": contact.created_at.isoformat(),
        "updated_at": contact.updated_at.isoformat(),
    }


def _facts(contact: Contact) -> list[dict[str, Any]]:
    facts = scoped(Fact, contact.workspace).filter(contact=contact).order_by("category", "id")
    return [
        {"id": f.pk, "category": f.category, "text": f.text, "private": f.private} for f in facts
    ]


def _circle(contact: Contact) -> list[dict[str, Any]]:
    members = (
        scoped(CircleMember, contact.workspace)
        .filter(contact=contact)
        .select_related("linked_contact")
        .order_by("id")
    )
    return [
        {
            "id": m.pk,
            "name": m.name,
            "relation": m.relation,
            "birthday": _date(m),
            "interests": m.interests,
            "notes": m.notes,
            "linked_contact": _person(m.linked_contact),
        }
        for m in members
    ]


def _dates(contact: Contact) -> list[dict[str, Any]]:
    dates = scoped(ImportantDate, contact.workspace).filter(contact=contact).order_by("id")
    return [{"id": d.pk, "label": d.label, "kind": d.kind, "date": _date(d)} for d in dates]


def _gifts(contact: Contact) -> list[dict[str, Any]]:
    gifts = (
        scoped(Gift, contact.workspace)
        .filter(contact=contact)
        .select_related("for_member")
        .order_by("id")
    )
    return [
        {
            "id": g.pk,
            "description": g.description,
            "occasion": g.occasion,
            "status": g.status,
            "cost": str(g.cost) if g.cost is not None else None,
            "given_on": g.given_on.isoformat() if g.given_on else None,
            "for_member": {"id": g.for_member.pk, "name": g.for_member.name}
            if g.for_member
            else None,
            "created_at": g.created_at.isoformat(),
        }
        for g in gifts
    ]


def _notes(contact: Contact) -> list[dict[str, Any]]:
    notes = scoped(Note, contact.workspace).filter(contact=contact).order_by("created_at", "id")
    return [
        {"id": n.pk, "body": n.body, "pinned": n.pinned, "created_at": n.created_at.isoformat()}
        for n in notes
    ]


def _timeline(contact: Contact) -> list[dict[str, Any]]:
    entries = (
        scoped(TimelineEntry, contact.workspace)
        .filter(contact=contact)
        .order_by("occurred_at", "id")
    )
    return [
        {
            "kind": t.kind,
            "occurred_at": t.occurred_at.isoformat(),
            "title": t.title,
            "data": t.data,
        }
        for t in entries
    ]


def contact_export_recorded(contact: Contact, *, actor: User | None) -> dict[str, Any]:
    """The JSON export, recorded in the audit trail (by type and id only)."""
    audit_record(contact.workspace, actor=actor, action="export", obj=contact)
    return contact_export(contact)


def contact_vcard_recorded(contact: Contact, *, actor: User | None) -> str:
    """The vCard, recorded in the audit trail (by type and id only)."""
    audit_record(contact.workspace, actor=actor, action="export", obj=contact)
    return contact_vcard(contact)


# Our free-text labels, mapped to the TYPE values RFC 6350 defines. A label outside these has no
# standard meaning, so it is left out rather than sent as a TYPE no address book understands.
_TYPES = {"home": "home", "personal": "home", "private": "home", "work": "work", "office": "work"}
_TEL_TYPES = {
    **_TYPES,
    "mobile": "cell",
    "cell": "cell",
    "fax": "fax",
    "pager": "pager",
    "text": "text",
    "sms": "text",
}
# RFC 6350 RELATED types for the circle's relations (a pet or "other" has none).
_RELATED_TYPES = {
    "spouse": "spouse",
    "partner": "sweetheart",
    "child": "child",
    "parent": "parent",
    "sibling": "sibling",
    "assistant": "agent",
}


def _vcard_date(row: PartialDateFields) -> str:
    """RFC 6350 date: 19840412, or --0412 without a year."""
    value = row.partial_date
    assert value is not None
    if value.year is None:
        return f"--{value.month:02d}{value.day:02d}"
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def with_card_data(contacts: QuerySet[Contact], workspace: Workspace) -> QuerySet[Contact]:
    """*contacts* with everything a vCard (or a CSV row) shows, in nine queries however many:
    the contacts with their organisation and photo, then their e-mails, phones, addresses,
    links, tags, birthdays and anniversaries, circle and shareable facts."""
    card_dates = scoped(ImportantDate, workspace).filter(
        kind__in=[DateKind.BIRTHDAY, DateKind.ANNIVERSARY]
    )
    # Each into a list (to_attr): a related manager's cache would cost a queryset per person.
    return contacts.select_related("organization", "photo").prefetch_related(
        *(
            Prefetch(name, queryset=scoped(model, workspace).order_by("id"), to_attr=f"card_{name}")
            for name, model in (
                ("emails", Email),
                ("phones", Phone),
                ("addresses", Address),
                ("links", Link),
            )
        ),
        Prefetch(
            "tag_links",
            queryset=scoped(ContactTag, workspace).select_related("tag"),
            to_attr="card_tag_links",
        ),
        Prefetch("dates", queryset=card_dates.order_by("id"), to_attr="card_dates"),
        Prefetch(
            "circle", queryset=scoped(CircleMember, workspace).order_by("id"), to_attr="card_circle"
        ),
        Prefetch(
            "facts",
            queryset=scoped(Fact, workspace).filter(private=False).order_by("category", "id"),
            to_attr="card_facts",
        ),
    )


def card_list(contact: Contact, name: str) -> list[Any]:
    """The *name* rows ("emails", "phones", "addresses", "links", "tag_links", "dates",
    "circle", "facts") of a contact loaded by with_card_data()."""
    return list(getattr(contact, f"card_{name}"))


def card_tags(contact: Contact) -> list[str]:
    """The tags of a contact loaded by with_card_data(), A to Z."""
    return sorted((link.tag.name for link in card_list(contact, "tag_links")), key=str.lower)


def card_dates(contact: Contact) -> dict[str, ImportantDate]:
    """The first birthday and the first anniversary (a vCard holds at most one of each) of a
    contact loaded by with_card_data(), by kind."""
    first: dict[str, ImportantDate] = {}
    for important in card_list(contact, "dates"):
        if important.partial_date:
            first.setdefault(important.kind, important)
    return first


def contact_vcard(contact: Contact) -> str:
    """A vCard 4.0 (RFC 6350) of the person, without private facts or notes."""
    loaded = with_card_data(
        scoped(Contact, contact.workspace).filter(pk=contact.pk), contact.workspace
    )
    return vcard_of(loaded.get())


def vcard_of(contact: Contact) -> str:
    """The vCard 4.0 of a contact loaded by with_card_data() (no query of its own)."""
    card = VCard()
    card.add("VERSION", "4.0")
    card.add("KIND", "individual")
    card.add("FN", escaped(contact.display_name))
    card.add("N", structured(contact.last_name, contact.first_name, "", "", ""))
    if contact.nickname:
        card.add("NICKNAME", escaped(contact.nickname))
    if contact.organization:
        card.add("ORG", structured(contact.organization.name))
    if contact.role:
        card.add("TITLE", escaped(contact.role))
    _add_reachability(card, contact)
    _add_dates(card, contact)
    _add_circle(card, contact)
    if tags := card_tags(contact):
        card.add("CATEGORIES", text_list(tags))
    shareable = card_list(contact, "facts")
    if facts := [f"{f.get_category_display()}: {f.text}" for f in shareable]:
        card.add("NOTE", escaped("\n".join(facts)))
    if photo := _photo_of(contact):
        # RFC 6350 section 6.2.4: the picture inline, as a data: URI. A URI, not text: its ";"
        # and "," are not escaped.
        encoded = base64.b64encode(bytes(photo.data)).decode("ascii")
        card.add("PHOTO", f"data:{photo.media_type};base64,{encoded}", fold=False)
    rev = contact.updated_at.astimezone(UTC)
    card.add("REV", rev.strftime("%Y%m%dT%H%M%SZ"))
    return card.text()


def _photo_of(contact: Contact) -> ContactPhoto | None:
    try:
        return contact.photo
    except ContactPhoto.DoesNotExist:
        return None


def _add_reachability(card: VCard, contact: Contact) -> None:
    for email in card_list(contact, "emails"):
        card.add("EMAIL", escaped(email.address), type_=_TYPES.get(email.label.lower()))
    for phone in card_list(contact, "phones"):
        # E.164 as a tel: URI, the form RFC 6350 recommends for TEL.
        type_ = _TEL_TYPES.get(phone.label.lower())
        card.add("TEL", escaped(f"tel:{phone.number}"), type_=type_, value_type="uri")
    for address in card_list(contact, "addresses"):
        # Post office box, extended address, street, locality, region, postal code, country.
        value = structured(
            "",
            "",
            address.street,
            address.city,
            address.region,
            address.postal_code,
            address.country,
        )
        card.add("ADR", value, type_=_TYPES.get(address.label.lower()))
    for link in card_list(contact, "links"):
        card.add("URL", escaped(link.url))


def _add_dates(card: VCard, contact: Contact) -> None:
    """BDAY and ANNIVERSARY: a vCard holds at most one of each, so the first of each kind."""
    dates = card_dates(contact)
    for kind, name in ((DateKind.BIRTHDAY, "BDAY"), (DateKind.ANNIVERSARY, "ANNIVERSARY")):
        if kind in dates:
            card.add(name, _vcard_date(dates[kind]))


def _add_circle(card: VCard, contact: Contact) -> None:
    """The circle as RELATED names (text values: they have no card of their own to point to)."""
    for member in card_list(contact, "circle"):
        type_ = _RELATED_TYPES.get(member.relation)
        card.add("RELATED", escaped(member.name), type_=type_, value_type="text")
