"""A person's data, whole: as JSON (everything) and as a vCard 4.0 (what may be shared).

The JSON export is the person's right to see what we hold about them, so it holds everything,
private facts included. The vCard is made to be handed on (to a phone, to a colleague), so it
leaves out private facts and working notes, and keeps to what an address book shows.

Both are built in a fixed number of queries, whatever the person holds.
"""

from datetime import UTC
from typing import Any

import vobject

from goodwill.accounts.models import User
from goodwill.core.audit import audit_record
from goodwill.core.scoping import scoped
from goodwill.people.models import (
    CircleMember,
    Contact,
    ContactTag,
    DateKind,
    Fact,
    Gift,
    ImportantDate,
    Note,
    PartialDateFields,
    TimelineEntry,
)


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


def _add(card: Any, name: str, value: Any, *, type_: str | None = None) -> Any:
    line = card.add(name)
    line.value = value
    if type_:
        line.type_param = type_
    return line


def contact_vcard(contact: Contact) -> str:
    """A vCard 4.0 (RFC 6350) of the person, without private facts or notes."""
    card = vobject.vCard()
    _add(card, "version", "4.0")
    _add(card, "kind", "individual")
    _add(card, "fn", contact.display_name)
    _add(card, "n", vobject.vcard.Name(family=contact.last_name, given=contact.first_name))
    if contact.nickname:
        _add(card, "nickname", contact.nickname)
    if contact.organization:
        _add(card, "org", [contact.organization.name])
    if contact.role:
        _add(card, "title", contact.role)
    _add_reachability(card, contact)
    _add_dates(card, contact)
    _add_circle(card, contact)
    if tags := _tags(contact):
        _add(card, "categories", tags)
    shareable = scoped(Fact, contact.workspace).filter(contact=contact, private=False)
    if facts := [
        f"{f.get_category_display()}: {f.text}" for f in shareable.order_by("category", "id")
    ]:
        _add(card, "note", "\n".join(facts))
    rev = contact.updated_at.astimezone(UTC)
    _add(card, "rev", rev.strftime("%Y%m%dT%H%M%SZ"))
    return str(card.serialize())


def _add_reachability(card: Any, contact: Contact) -> None:
    for email in contact.emails.all():
        _add(card, "email", email.address, type_=_TYPES.get(email.label.lower()))
    for phone in contact.phones.all():
        # E.164 as a tel: URI, the form RFC 6350 recommends for TEL.
        line = _add(card, "tel", f"tel:{phone.number}", type_=_TEL_TYPES.get(phone.label.lower()))
        line.value_param = "uri"
    for address in contact.addresses.all():
        value = vobject.vcard.Address(
            street=address.street,
            city=address.city,
            region=address.region,
            code=address.postal_code,
            country=address.country,
        )
        _add(card, "adr", value, type_=_TYPES.get(address.label.lower()))
    for link in contact.links.all():
        _add(card, "url", link.url)


def _add_dates(card: Any, contact: Contact) -> None:
    """BDAY and ANNIVERSARY: a vCard holds at most one of each, so the first of each kind."""
    dates = scoped(ImportantDate, contact.workspace).filter(
        contact=contact, kind__in=[DateKind.BIRTHDAY, DateKind.ANNIVERSARY]
    )
    written: set[str] = set()
    for important in dates.order_by("id"):
        name = "bday" if important.kind == DateKind.BIRTHDAY else "anniversary"
        if name not in written and important.partial_date:
            _add(card, name, _vcard_date(important))
            written.add(name)


def _add_circle(card: Any, contact: Contact) -> None:
    """The circle as RELATED names (text values: they have no card of their own to point to)."""
    members = scoped(CircleMember, contact.workspace).filter(contact=contact).order_by("id")
    for member in members:
        line = _add(card, "related", member.name, type_=_RELATED_TYPES.get(member.relation))
        line.value_param = "text"
