"""A person's data, whole: as JSON (everything) and as a vCard 4.0 (what may be shared).

Exports are built in a fixed number of queries, whatever the person holds.
"""

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
    TimelineEntry,
)


def contact_export(contact: Contact) -> dict[str, Any]:
    """Everything Goodwill holds about one person, in the public contract's field names."""
    workspace = contact.workspace
    mine = {"contact": contact}
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
        "links": [{"label": link.label, "url": link.url} for link in contact.links.all()],
        "addresses": [
            {
                k: getattr(a, k)
                for k in ("label", "street", "city", "region", "postal_code", "country")
            }
            for a in contact.addresses.all()
        ],
        "tags": [
            t.tag.name for t in scoped(ContactTag, workspace).filter(**mine).select_related("tag")
        ],
        "cadence_days": contact.cadence_days,
        "preferred_channel": contact.preferred_channel,
        "contact_hours": contact.contact_hours,
        "how_we_met": contact.how_we_met,
        "met_at": contact.met_at,
        "introduced_by": (
            {"id": contact.introduced_by_id, "name": contact.introduced_by.display_name}
            if contact.introduced_by
            else None
        ),
        "facts": [
            {"category": f.category, "text": f.text, "private": f.private}
            for f in scoped(Fact, workspace).filter(**mine).order_by("category", "id")
        ],
        "circle": [
            {
                "name": m.name,
                "relation": m.relation,
                "birthday": str(m.partial_date) if m.partial_date else None,
                "interests": m.interests,
                "notes": m.notes,
                "linked_contact": m.linked_contact_id,
            }
            for m in scoped(CircleMember, workspace).filter(**mine).order_by("id")
        ],
        "dates": [
            {"label": d.label, "kind": d.kind, "date": str(d.partial_date)}
            for d in scoped(ImportantDate, workspace).filter(**mine).order_by("id")
        ],
        "gifts": [
            {
                "description": g.description,
                "occasion": g.occasion,
                "status": g.status,
                "cost": str(g.cost) if g.cost is not None else None,
                "given_on": g.given_on.isoformat() if g.given_on else None,
                "for": g.for_member.name if g.for_member else None,
            }
            for g in scoped(Gift, workspace)
            .filter(**mine)
            .select_related("for_member")
            .order_by("id")
        ],
        "notes": [
            {"body": n.body, "pinned": n.pinned, "created_at": n.created_at.isoformat()}
            for n in scoped(Note, workspace).filter(**mine).order_by("created_at", "id")
        ],
        "timeline": [
            {"kind": t.kind, "occurred_at": t.occurred_at.isoformat(), "title": t.title}
            for t in scoped(TimelineEntry, workspace).filter(**mine).order_by("occurred_at", "id")
        ],
        "created_at": contact.created_at.isoformat(),
        "updated_at": contact.updated_at.isoformat(),
    }


def contact_export_recorded(contact: Contact, *, actor: User | None) -> dict[str, Any]:
    """The JSON export, recorded in the audit trail (by type and id only)."""
    audit_record(contact.workspace, actor=actor, action="export", obj=contact)
    return contact_export(contact)


def contact_vcard_recorded(contact: Contact, *, actor: User | None) -> str:
    audit_record(contact.workspace, actor=actor, action="export", obj=contact)
    return contact_vcard(contact)


def _vcard_date(text: str) -> str:
    """RFC 6350 date: 19840412, or --0412 without a year."""
    return text.replace("-", "") if not text.startswith("--") else "--" + text[2:].replace("-", "")


def contact_vcard(contact: Contact) -> str:
    """A vCard 4.0 of the person. Private facts are left out: a vCard is made to be shared."""
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("fn").value = contact.display_name
    card.add("n").value = vobject.vcard.Name(family=contact.last_name, given=contact.first_name)
    if contact.nickname:
        card.add("nickname").value = contact.nickname
    if contact.organization:
        card.add("org").value = [contact.organization.name]
    if contact.role:
        card.add("title").value = contact.role
    for email in contact.emails.all():
        line = card.add("email")
        line.value = email.address
        if email.label:
            line.type_param = email.label
    for phone in contact.phones.all():
        line = card.add("tel")
        line.value = f"tel:{phone.number}"
        line.value_param = "uri"
        if phone.label:
            line.type_param = phone.label
    for link in contact.links.all():
        card.add("url").value = link.url
    for address in contact.addresses.all():
        card.add("adr").value = vobject.vcard.Address(
            street=address.street, city=address.city, region=address.region,
            code=address.postal_code, country=address.country,
        )  # fmt: skip
    for important in scoped(ImportantDate, contact.workspace).filter(contact=contact):
        value = str(important.partial_date)
        if important.kind == DateKind.BIRTHDAY:
            card.add("bday").value = _vcard_date(value)
        elif important.kind == DateKind.ANNIVERSARY:
            card.add("anniversary").value = _vcard_date(value)
    tags = [
        t.tag.name
        for t in scoped(ContactTag, contact.workspace).filter(contact=contact).select_related("tag")
    ]
    if tags:
        card.add("categories").value = tags
    shareable = (
        scoped(Fact, contact.workspace)
        .filter(contact=contact, private=False)
        .order_by("category", "id")
    )
    if facts := [f"{f.get_category_display()}: {f.text}" for f in shareable]:
        card.add("note").value = "\n".join(facts)
    return str(card.serialize())
