from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from goodwill.core.models import AuditEvent
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import search, services
from goodwill.people.models import (
    CircleMember,
    Contact,
    Email,
    Fact,
    Gift,
    ImportantDate,
    Note,
    Organization,
    Phone,
    TimelineEntry,
)
from goodwill.people.services import AddressInput, Labelled


class ContactServiceTests(GoodwillTestCase):
    def create(self, **overrides):
        details: dict[str, Any] = {
            "kind": "client",
            "first_name": "Dan",
            "last_name": "Ortiz",
            "organization": "Acme Corp",
            "role": "President",
            "emails": [Labelled("work", "Dan@Acme.example")],
            "phones": [Labelled("mobile", "+1 415-555-0100")],
            "tags": ["vip", "golf"],
        }
        details.update(overrides)
        return services.contact_create(self.workspace, actor=self.owner, **details)

    def test_it_creates_a_contact_with_details_organisation_tags_and_a_timeline_line(self):
        dan = self.create(addresses=[AddressInput(city="Austin", country="USA")])
        assert dan.organization.name == "Acme Corp"
        assert [e.address for e in dan.emails.all()] == ["dan@acme.example"]
        assert [p.number for p in dan.phones.all()] == ["+14155550100"]
        assert sorted(link.tag.name for link in dan.tag_links.all()) == ["golf", "vip"]
        assert dan.addresses.get().city == "Austin"
        assert TimelineEntry.objects.get(contact=dan).kind == "created"
        assert dan.sort_name == "ortiz dan"

    def test_several_people_share_one_organisation_whatever_the_case(self):
        dan = self.create()
        eve = self.create(first_name="Eve", organization="ACME CORP", role="Purchase manager")
        assert eve.organization == dan.organization
        assert Organization.objects.count() == 1

    def test_bad_input_is_refused_and_nothing_is_stored(self):
        cases: list[tuple[dict[str, Any], str]] = [
            ({"emails": [Labelled("", "not-an-email")]}, "emails"),
            ({"phones": [Labelled("", "123")]}, "phones"),
            ({"first_name": "x" * 101}, "first_name"),
            ({"first_name": "", "last_name": "", "nickname": ""}, "first_name"),
            ({"kind": "enemy"}, "kind"),
            ({"introduced_by": 999999}, "introduced_by"),
            ({"links": [Labelled("site", "not a url")]}, "links"),
        ]
        for overrides, field in cases:
            with self.assertRaises(ValidationError) as caught:
                self.create(**overrides)
            assert field in caught.exception.message_dict, overrides
        assert not Contact.objects.exists()
        assert not Organization.objects.exists()

    def test_an_introducer_from_another_workspace_is_refused(self):
        stranger = services.contact_create(
            self.other_workspace, actor=self.outsider, kind="friend", first_name="Stranger"
        )
        with self.assertRaises(ValidationError):
            self.create(introduced_by=stranger.pk)

    def test_update_changes_only_what_is_given_and_replaces_given_lists(self):
        dan = self.create()
        eve = self.create(first_name="Eve")
        services.contact_update(
            dan,
            actor=self.owner,
            kind="friend",
            emails=[Labelled("home", "dan@home.example")],
            introduced_by=eve.pk,
            tags=["golf"],
        )
        dan.refresh_from_db()
        assert dan.kind == "friend"
        assert dan.last_name == "Ortiz"
        assert [e.address for e in Email.objects.filter(contact=dan)] == ["dan@home.example"]
        assert Phone.objects.filter(contact=dan).count() == 1
        assert dan.introduced_by == eve
        assert list(eve.introduced.all()) == [dan]
        with self.assertRaises(ValidationError):
            services.contact_update(dan, actor=self.owner, introduced_by=dan.pk)

    def test_a_failed_update_changes_nothing(self):
        dan = self.create()
        with self.assertRaises(ValidationError):
            services.contact_update(
                dan, actor=self.owner, first_name="Daniel", phones=[Labelled("", "nope")]
            )
        dan.refresh_from_db()
        assert dan.first_name == "Dan"
        assert Phone.objects.filter(contact=dan).count() == 1

    def test_erase_removes_everything_and_keeps_only_an_anonymous_audit_line(self):
        dan = self.create()
        services.fact_add(dan, category="hobby", text="sailing")
        leo = services.circle_add(dan, name="Leo", relation="child", birthday="2017-11-27")
        services.date_add(dan, kind="birthday", date="1970-03-01")
        services.gift_add(dan, description="Baseball cards", for_member=leo.pk)
        services.note_add(dan, author=self.owner, body="Loves *golf*")
        contact_id = dan.pk
        services.contact_erase(dan, actor=self.owner)
        for model in (Contact, Fact, CircleMember, ImportantDate, Gift, Note, Email, TimelineEntry):
            assert not model.objects.exists(), model
        assert search.search(self.workspace, "sailing") == ([], 0)
        event = AuditEvent.objects.get()
        assert (event.action, event.object_type, event.object_id) == (
            "erase",
            "people.contact",
            str(contact_id),
        )
        assert event.actor == self.owner

    def test_bulk_update_touches_only_the_workspaces_contacts(self):
        dan, eve = self.create(), self.create(first_name="Eve")
        stranger = services.contact_create(
            self.other_workspace, actor=self.outsider, kind="friend", first_name="Stranger"
        )
        count = services.contacts_bulk_update(
            self.workspace,
            [dan.pk, eve.pk, stranger.pk],
            add_tag="newsletter",
            kind="prospect",
            cadence_days=30,
        )
        assert count == 2
        assert set(Contact.objects.filter(kind="prospect").values_list("pk", flat=True)) == {
            dan.pk,
            eve.pk,
        }
        assert Contact.objects.get(pk=stranger.pk).kind == "friend"
        assert Contact.objects.get(pk=dan.pk).cadence_days == 30
        hits, _ = search.search(self.workspace, "newsletter")
        assert {hit.contact_id for hit in hits} == {dan.pk, eve.pk}


class PersonalDetailTests(GoodwillTestCase):
    def setUp(self):
        self.dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )

    def test_facts_are_validated_and_searchable(self):
        fact = services.fact_add(
            self.dan, category="hobby", text="  collects stamps ", private=True
        )
        assert fact.text == "collects stamps"
        assert search.search(self.workspace, "stamp")[1] == 1
        with self.assertRaises(ValidationError):
            services.fact_add(self.dan, category="secret", text="x")
        with self.assertRaises(ValidationError):
            services.fact_add(self.dan, category="like", text="x" * 501)
        services.fact_update(fact, private=False, text="collects coins")
        fact.refresh_from_db()
        assert (fact.text, fact.private) == ("collects coins", False)

    def test_a_circle_member_with_a_yearless_birthday_and_interests(self):
        leo = services.circle_add(
            self.dan, name="Leo", relation="child", birthday="--11-27", interests="baseball cards"
        )
        assert str(leo.partial_date) == "--11-27"
        assert search.search(self.workspace, "baseb")[0][0].contact_id == self.dan.pk
        with self.assertRaises(ValidationError) as caught:
            services.circle_add(self.dan, name="Mia", relation="child", birthday="2023-02-30")
        assert "February 2023 has no day 30" in str(caught.exception)
        assert CircleMember.objects.count() == 1

    def test_dates_accept_the_public_formats_only(self):
        important = services.date_add(self.dan, kind="client_since", date="2019-06-01")
        assert important.partial_date is not None
        assert important.partial_date.years_at(date(2026, 6, 1)) == 7
        for bad in ["", "June 2019", "2019-13-01"]:
            with self.assertRaises(ValidationError):
                services.date_add(self.dan, kind="custom", date=bad)

    def test_a_gift_given_is_dated_and_lands_on_the_timeline(self):
        leo = services.circle_add(self.dan, name="Leo", relation="child")
        gift = services.gift_add(
            self.dan, description="Rookie card", cost=Decimal("12.50"), for_member=leo.pk
        )
        services.gift_update(gift, status="given")
        gift.refresh_from_db()
        assert gift.given_on is not None
        entry = TimelineEntry.objects.get(contact=self.dan, kind="gift")
        assert entry.title == "Gave Rookie card for Leo"

    def test_a_gift_for_someone_elses_circle_member_is_refused(self):
        eve = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Eve"
        )
        mia = services.circle_add(eve, name="Mia", relation="child")
        with self.assertRaises(ValidationError):
            services.gift_add(self.dan, description="Doll", for_member=mia.pk)
        with self.assertRaises(ValidationError):
            services.gift_add(self.dan, description="Doll", cost=Decimal("-1"))
        assert not Gift.objects.exists()

    def test_notes_need_text_and_leave_the_timeline_when_removed(self):
        with self.assertRaises(ValidationError):
            services.note_add(self.dan, author=self.owner, body="   ")
        note = services.note_add(self.dan, author=self.owner, body="Met at the **expo**")
        assert TimelineEntry.objects.filter(kind="note").count() == 1
        assert search.search(self.workspace, "expo")[1] == 1
        services.note_remove(note)
        assert not TimelineEntry.objects.filter(kind="note").exists()
        assert search.search(self.workspace, "expo")[1] == 0


class LocalPhoneTests(GoodwillTestCase):
    def test_local_numbers_are_read_in_the_workspaces_country(self):
        with self.assertRaises(ValidationError):
            services.contact_create(
                self.workspace,
                actor=self.owner,
                first_name="Ann",
                phones=[Labelled("", "020 7946 0958")],
            )
        self.workspace.country = "GB"
        self.workspace.save()
        ann = services.contact_create(
            self.workspace,
            actor=self.owner,
            first_name="Ann",
            phones=[Labelled("", "020 7946 0958")],
        )
        assert ann.phones.get().number == "+442079460958"
