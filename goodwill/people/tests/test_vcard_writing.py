"""The vCard writer against vobject: for any person, vcard_of() writes what vobject wrote (folded
at 75 octets where vobject left a line whole), and vobject reads it back to the same values."""

import base64
import re
from datetime import UTC
from typing import Any

import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from goodwill.core.scoping import scoped
from goodwill.core.testing import GoodwillTestCase
from goodwill.people.dates import PartialDate
from goodwill.people.models import (
    Address,
    CircleMember,
    Contact,
    ContactPhoto,
    ContactTag,
    DateKind,
    Email,
    Fact,
    FactCategory,
    ImportantDate,
    Link,
    Organization,
    Phone,
    Relation,
    Tag,
)
from goodwill.people.privacy import (
    _RELATED_TYPES,
    _TEL_TYPES,
    _TYPES,
    _vcard_date,
    card_dates,
    card_list,
    card_tags,
    vcard_of,
    with_card_data,
)
from goodwill.people.vcard_writing import folded


def vobject_vcard(contact: Contact) -> str:
    """vcard_of() as it was, with vobject: the reference the writer must match."""
    card = vobject.vCard()

    def add(name: str, value: Any, *, type_: str | None = None) -> Any:
        line = card.add(name)
        line.value = value
        if type_:
            line.type_param = type_
        return line

    add("version", "4.0")
    add("kind", "individual")
    add("fn", contact.display_name)
    add("n", vobject.vcard.Name(family=contact.last_name, given=contact.first_name))
    if contact.nickname:
        add("nickname", contact.nickname)
    if contact.organization:
        add("org", [contact.organization.name])
    if contact.role:
        add("title", contact.role)
    for email in card_list(contact, "emails"):
        add("email", email.address, type_=_TYPES.get(email.label.lower()))
    for phone in card_list(contact, "phones"):
        tel = add("tel", f"tel:{phone.number}", type_=_TEL_TYPES.get(phone.label.lower()))
        tel.value_param = "uri"
    for a in card_list(contact, "addresses"):
        value = vobject.vcard.Address(
            street=a.street, city=a.city, region=a.region, code=a.postal_code, country=a.country
        )
        add("adr", value, type_=_TYPES.get(a.label.lower()))
    for link in card_list(contact, "links"):
        add("url", link.url)
    dates = card_dates(contact)
    for kind, name in ((DateKind.BIRTHDAY, "bday"), (DateKind.ANNIVERSARY, "anniversary")):
        if kind in dates:
            add(name, _vcard_date(dates[kind]))
    for member in card_list(contact, "circle"):
        related = add("related", member.name, type_=_RELATED_TYPES.get(member.relation))
        related.value_param = "text"
    if tags := card_tags(contact):
        add("categories", tags)
    facts = [f"{f.get_category_display()}: {f.text}" for f in card_list(contact, "facts")]
    if facts:
        add("note", "\n".join(facts))
    if photo := getattr(contact, "photo", None):
        encoded = base64.b64encode(bytes(photo.data)).decode("ascii")
        add("photo", f"data:{photo.media_type};base64,{encoded}").encoded = True
    add("rev", contact.updated_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
    return str(card.serialize())


def content_lines(text: str) -> list[str]:
    """The content lines of *text*, each with its folds and its CRLF."""
    return re.findall(r"[^\r\n]*\r\n(?: [^\r\n]*\r\n)*", text)


def folded_by_octets(line: str) -> str:
    """*line* (no CRLF) folded as vobject folds a line of 75 characters or more: at 75 octets,
    a continuation's space included, never inside a character."""
    parts, part, size = [], "", 0
    for char in line:
        octets = len(char.encode())
        if size + octets > 75:
            parts.append(part)
            part, size = " ", 1
        part, size = part + char, size + octets
    return "\r\n".join([*parts, part]) + "\r\n"


def unfolded(text: str) -> str:
    """*text* with its folds undone (RFC 6350 section 3.2)."""
    return text.replace("\r\n ", "")


# Letters of several scripts (one to four octets each in UTF-8), and what vCard must escape.
LETTERS = st.characters(categories=["Lu", "Ll", "Lo"])
SPECIAL = st.sampled_from([" ", ";", ",", "\\", "\n", "\r", ":", '"', "é", "€", "😀"])


def text(max_size: int, *, min_size: int = 0) -> st.SearchStrategy[str]:
    """Text of up to *max_size* characters, often long enough to be folded."""
    chars = st.one_of(LETTERS, LETTERS, SPECIAL)
    long = st.text(chars, min_size=max(min_size, max_size // 2), max_size=max_size)
    return st.one_of(st.text(chars, min_size=min_size, max_size=20), long)


LABELS = st.sampled_from(["", "home", "Work", "mobile", "fax", "Golf club", "personal"])
URLS = st.builds(
    "https://{}.example/{}".format,
    st.text("abcdefghij", min_size=1, max_size=8),
    st.text("abcdefghij0123456789,;=@.%~", max_size=90),
)
DATES = st.builds(
    PartialDate,
    month=st.integers(1, 12),
    day=st.integers(1, 28),
    year=st.one_of(st.none(), st.integers(1900, 2020)),
)

people = st.fixed_dictionaries(
    {
        "first_name": text(100),
        "last_name": text(100),
        "nickname": text(100),
        "organization": st.one_of(st.none(), text(200)),
        "role": text(120),
        "emails": st.lists(st.tuples(LABELS, text(60, min_size=1)), max_size=3),
        "phones": st.lists(st.tuples(LABELS, st.integers(100, 199)), max_size=3),
        "addresses": st.lists(
            st.tuples(LABELS, text(200), text(100), text(100), text(20), text(100)), max_size=3
        ),
        "links": st.lists(URLS, max_size=2),
        "tags": st.lists(text(60, min_size=1), max_size=4, unique_by=str.lower),
        "dates": st.lists(st.tuples(st.sampled_from(DateKind.values), DATES), max_size=4),
        "circle": st.lists(
            st.tuples(text(120, min_size=1), st.sampled_from(Relation.values)), max_size=3
        ),
        "facts": st.lists(
            st.tuples(st.sampled_from(FactCategory.values), text(500), st.booleans()), max_size=3
        ),
        "photo": st.one_of(
            st.none(),
            st.tuples(st.sampled_from(ContactPhoto.MEDIA_TYPES), st.binary(min_size=1)),
        ),
    }
)


class VCardWritingTests(TestCase, GoodwillTestCase):
    def create(self, person: dict[str, Any]) -> Contact:
        ws = self.workspace
        organization = (
            Organization.objects.create(workspace=ws, name=person["organization"])
            if person["organization"] is not None
            else None
        )
        names = {key: person[key] for key in ("first_name", "last_name", "nickname", "role")}
        contact = Contact.objects.create(workspace=ws, organization=organization, **names)
        for label, address in person["emails"]:
            Email.objects.create(workspace=ws, contact=contact, label=label, address=address)
        for label, number in person["phones"]:
            Phone.objects.create(
                workspace=ws, contact=contact, label=label, number=f"+1415555{number:04d}"
            )
        for label, street, city, region, code, country in person["addresses"]:
            Address.objects.create(
                workspace=ws,
                contact=contact,
                label=label,
                street=street,
                city=city,
                region=region,
                postal_code=code,
                country=country,
            )
        for url in person["links"]:
            Link.objects.create(workspace=ws, contact=contact, url=url)
        for name in person["tags"]:
            tag = Tag.objects.create(workspace=ws, name=name)
            ContactTag.objects.create(workspace=ws, contact=contact, tag=tag)
        for kind, date in person["dates"]:
            important = ImportantDate(workspace=ws, contact=contact, kind=kind)
            important.set_partial_date(date)
            important.save()
        for name, relation in person["circle"]:
            CircleMember.objects.create(workspace=ws, contact=contact, name=name, relation=relation)
        for category, fact, private in person["facts"]:
            Fact.objects.create(
                workspace=ws, contact=contact, category=category, text=fact, private=private
            )
        if person["photo"]:
            media_type, data = person["photo"]
            ContactPhoto.objects.create(
                workspace=ws, contact=contact, media_type=media_type, data=data
            )
        return with_card_data(scoped(Contact, ws).filter(pk=contact.pk), ws).get()

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(people)
    def test_it_writes_what_vobject_wrote(self, person: dict[str, Any]) -> None:
        contact = self.create(person)
        text = vcard_of(contact)
        reference = vobject_vcard(contact)
        lines = content_lines(text)
        assert "".join(lines) == text
        for line, expected in zip(lines, content_lines(reference), strict=True):
            whole = expected.removesuffix("\r\n")
            if len(whole) < 75 < len(whole.encode()) and not whole.startswith("PHOTO:"):
                # vobject left a line of fewer than 75 characters whole, whatever its octets.
                assert line == folded_by_octets(whole)
            else:
                assert line == expected
        for part in text.removesuffix("\r\n").split("\r\n"):
            assert part.startswith("PHOTO:") or len(part.encode()) <= 75, part
        self.assert_reads_back(text, contact)

    def assert_reads_back(self, text: str, contact: Contact) -> None:
        card = vobject.readOne(text)

        def values(name: str) -> list[Any]:
            return [line.value for line in card.contents.get(name, [])]

        def types(name: str) -> list[list[str] | None]:
            return [line.params.get("TYPE") for line in card.contents.get(name, [])]

        def expected_types(rows: list[Any], types: dict[str, str]) -> list[list[str] | None]:
            return [[types[r.label.lower()]] if r.label.lower() in types else None for r in rows]

        def read_as(value: str) -> str:
            """*value* as vobject reads it: each line break (CRLF, LF or CR) a LF."""
            return value.replace("\r\n", "\n").replace("\r", "\n")

        emails, phones = card_list(contact, "emails"), card_list(contact, "phones")
        addresses, circle = card_list(contact, "addresses"), card_list(contact, "circle")
        assert values("version") == ["4.0"]
        assert values("fn") == [read_as(contact.display_name)]
        name = card.n.value
        assert (name.family, name.given) == (
            read_as(contact.last_name),
            read_as(contact.first_name),
        )
        assert values("nickname") == ([read_as(contact.nickname)] if contact.nickname else [])
        org = contact.organization
        assert values("org") == ([[read_as(org.name)]] if org else [])
        assert values("title") == ([read_as(contact.role)] if contact.role else [])
        assert values("email") == [read_as(e.address) for e in emails]
        assert types("email") == expected_types(emails, _TYPES)
        assert values("tel") == [f"tel:{p.number}" for p in phones]
        assert types("tel") == expected_types(phones, _TEL_TYPES)
        assert [line.params["VALUE"] for line in card.contents.get("tel", [])] == [["uri"]] * len(
            phones
        )
        assert [(a.street, a.city, a.region, a.code, a.country) for a in values("adr")] == [
            tuple(read_as(v) for v in (a.street, a.city, a.region, a.postal_code, a.country))
            for a in addresses
        ]
        assert types("adr") == expected_types(addresses, _TYPES)
        assert values("url") == [link.url for link in card_list(contact, "links")]
        dates = card_dates(contact)
        for kind, name in ((DateKind.BIRTHDAY, "bday"), (DateKind.ANNIVERSARY, "anniversary")):
            assert values(name) == ([_vcard_date(dates[kind])] if kind in dates else [])
        assert values("related") == [read_as(m.name) for m in circle]
        assert types("related") == [
            [_RELATED_TYPES[m.relation]] if m.relation in _RELATED_TYPES else None for m in circle
        ]
        tags = [read_as(tag) for tag in card_tags(contact)]
        assert values("categories") == ([tags] if tags else [])
        facts = [f"{f.get_category_display()}: {f.text}" for f in card_list(contact, "facts")]
        assert values("note") == (["\n".join(read_as(fact) for fact in facts)] if facts else [])
        assert values("rev") == [contact.updated_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")]
        assert self.photo_of(text) == self.photo_expected(contact)

    def photo_of(self, text: str) -> str | None:
        """The PHOTO value as written: vobject reads a data: URI as text and cuts it at ","."""
        for line in unfolded(text).split("\r\n"):
            if line.startswith("PHOTO"):
                return str(vobject.base.parseLine(line)[2])
        return None

    def photo_expected(self, contact: Contact) -> str | None:
        photo = getattr(contact, "photo", None)
        if photo is None:
            return None
        return f"data:{photo.media_type};base64,{base64.b64encode(bytes(photo.data)).decode()}"

    def test_it_folds_a_short_line_of_many_octets(self) -> None:
        contact = self.create(
            {**EMPTY, "first_name": "Zoë", "role": "é" * 40, "nickname": "x" * 67 + "😀😀"}
        )
        text = vcard_of(contact)
        # vobject left TITLE (46 characters, 86 octets) whole.
        assert "TITLE:" + "é" * 40 + "\r\n" in vobject_vcard(contact)
        assert "TITLE:" + "é" * 34 + "\r\n " + "é" * 6 + "\r\n" in text
        # 9 + 67 octets of ASCII; a four-octet character goes whole to the next line.
        assert "NICKNAME:" + "x" * 66 + "\r\n x😀😀\r\n" in text

    def test_it_escapes_text_but_not_the_photo(self) -> None:
        person = {
            **EMPTY,
            "first_name": "Ann; Jr.",
            "last_name": "Lee, \\ Ho\nWu",
            "organization": "A;B",
            "tags": ["b,c", "a;d"],
            "circle": [("Leo", "child"), ("Rex", "pet")],
            "facts": [("like", "Jazz, blues", False), ("other", "Secret", True)],
            "photo": ("image/png", b"\x89PNG"),
        }
        contact = self.create(person)
        rev = contact.updated_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        assert vcard_of(contact) == (
            "BEGIN:VCARD\r\n"
            "VERSION:4.0\r\n"
            "CATEGORIES:a\\;d,b\\,c\r\n"
            "FN:Ann\\; Jr. Lee\\, \\\\ Ho\\nWu\r\n"
            "KIND:individual\r\n"
            "N:Lee\\, \\\\ Ho\\nWu;Ann\\; Jr.;;;\r\n"
            "NOTE:Likes: Jazz\\, blues\r\n"
            "ORG:A\\;B\r\n"
            "PHOTO:data:image/png;base64,iVBORw==\r\n"
            "RELATED;TYPE=child;VALUE=text:Leo\r\n"
            "RELATED;VALUE=text:Rex\r\n"
            f"REV:{rev}\r\n"
            "END:VCARD\r\n"
        )


EMPTY: dict[str, Any] = {
    "first_name": "",
    "last_name": "",
    "nickname": "",
    "organization": None,
    "role": "",
    "emails": [],
    "phones": [],
    "addresses": [],
    "links": [],
    "tags": [],
    "dates": [],
    "circle": [],
    "facts": [],
    "photo": None,
}


def test_it_folds_ascii_at_75_then_74_octets() -> None:
    assert folded("x" * 75) == "x" * 75 + "\r\n"
    assert folded("x" * 150) == "x" * 75 + "\r\n " + "x" * 74 + "\r\n " + "x" + "\r\n"
    assert re.fullmatch(r"(x{75}\r\n)( x{74}\r\n)*( x{1,74}\r\n)", folded("x" * 1000))
