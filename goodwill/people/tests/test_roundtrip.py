"""Property tests: whoever is exported as vCard or CSV and imported into an empty workspace comes
back as the same person (the fields each format carries)."""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from goodwill.accounts import services as accounts
from goodwill.accounts.models import User, Workspace
from goodwill.core.scoping import scoped
from goodwill.people import imports, services
from goodwill.people.dates import PartialDate
from goodwill.people.exports import contacts_export
from goodwill.people.models import Contact, DateKind
from goodwill.people.privacy import card_dates, card_list, card_tags, with_card_data
from goodwill.people.services import AddressInput, Labelled

# Letters of several scripts, and the characters vCard and CSV must escape or quote.
LETTERS = st.characters(categories=["Lu", "Ll", "Lo"], max_codepoint=0x9FFF)
TEXT_CHARS = st.one_of(LETTERS, st.sampled_from(' -.,;:&\\"/'))


def text(max_size: int) -> st.SearchStrategy[str]:
    """Text as a person types it: no leading or trailing space, no doubled spaces."""
    return (
        st.text(TEXT_CHARS, min_size=1, max_size=max_size)
        .map(lambda value: " ".join(value.split()))
        .filter(bool)
    )


names = st.one_of(st.just(""), st.text(LETTERS, min_size=1, max_size=20))
emails = st.builds(
    "{}.{}@{}.example".format,
    st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10),
    st.integers(0, 999),
    st.sampled_from(["acme", "hale", "berg"]),
)
# Valid numbers of the fictional 555-01xx range, in E.164.
phones = st.integers(100, 199).map(lambda n: f"+1415555{n:04d}")
dates = st.builds(
    PartialDate,
    month=st.integers(1, 12),
    day=st.integers(1, 28),
    year=st.one_of(st.none(), st.integers(1900, 2020)),
)
tags = st.lists(st.text(LETTERS, min_size=1, max_size=12), max_size=3)
addresses = st.builds(
    AddressInput,
    street=text(30),
    city=st.text(LETTERS, min_size=1, max_size=20),
    postal_code=st.text("0123456789", min_size=4, max_size=6),
    country=st.sampled_from(["", "Sweden", "USA"]),
)

people = st.fixed_dictionaries(
    {
        "first_name": st.text(LETTERS, min_size=1, max_size=20),
        "last_name": names,
        "nickname": names,
        "organization": st.one_of(st.just(""), text(30)),
        "role": st.one_of(st.just(""), text(30)),
        "emails": st.lists(emails, max_size=3, unique_by=lambda value: str(value).lower()),
        "phones": st.lists(phones, max_size=2, unique=True),
        "tags": tags,
        "addresses": st.lists(addresses, max_size=1),
        "birthday": st.one_of(st.none(), dates),
        "anniversary": st.one_of(st.none(), dates),
    }
)


class RoundTripTests(TestCase):
    def setUp(self) -> None:
        # Hypothesis runs setUp before each example, in the example's own transaction.
        self.owner = User.objects.filter(email="dan@ortiz.example").first() or (
            accounts.user_create(email="dan@ortiz.example", password="x" * 12, name="Dan")
        )

    def workspace(self, name: str) -> Workspace:
        return accounts.workspace_create(owner=self.owner, name=name, time_zone="Europe/Stockholm")

    def create(self, workspace: Workspace, person: dict[str, Any]) -> None:
        fields = {key: person[key] for key in ("first_name", "last_name", "nickname", "role")}
        contact = services.contact_create(
            workspace,
            actor=self.owner,
            organization=person["organization"],
            emails=[Labelled("work", address) for address in person["emails"]],
            phones=[Labelled("mobile", number) for number in person["phones"]],
            tags=person["tags"],
            addresses=person["addresses"],
            **fields,
        )
        for kind in (DateKind.BIRTHDAY, DateKind.ANNIVERSARY):
            if person[kind]:
                services.date_add(contact, kind=kind, date=person[kind].isoformat())

    def as_imported(self, workspace: Workspace) -> list[dict[str, Any]]:
        contacts = with_card_data(scoped(Contact, workspace).order_by("id"), workspace)
        return [
            {
                "first_name": c.first_name,
                "last_name": c.last_name,
                "nickname": c.nickname,
                "organization": c.organization.name if c.organization else "",
                "role": c.role,
                "emails": sorted(e.address for e in card_list(c, "emails")),
                "phones": sorted(p.number for p in card_list(c, "phones")),
                "tags": sorted(card_tags(c), key=str.lower),
                "addresses": [
                    (a.street, a.city, a.postal_code, a.country) for a in card_list(c, "addresses")
                ],
                "dates": {kind: row.partial_date for kind, row in card_dates(c).items()},
            }
            for c in contacts
        ]

    def round_trip(self, group: list[dict[str, Any]], format: str) -> None:
        source, target = self.workspace("Source"), self.workspace("Target")
        for person in group:
            self.create(source, person)
        data = "".join(
            contacts_export(source, scoped(Contact, source).order_by("id"), format=format)
        ).encode()
        imported = imports.import_prepare(
            target, actor=self.owner, filename=f"export.{format}", data=data
        )
        assert imported.preview["problems"] == []
        imports.import_choose(imported, default="keep")
        imports.import_confirm(imported, actor=self.owner, at_once=True)
        assert self.as_imported(target) == self.as_imported(source)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(people, min_size=1, max_size=4))
    def test_vcard_export_then_import_gives_the_same_people(self, group):
        self.round_trip(group, "vcf")

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(people, min_size=1, max_size=4))
    def test_csv_export_then_import_gives_the_same_people(self, group):
        # The CSV holds the first address only; the people here have at most one.
        self.round_trip(group, "csv")
