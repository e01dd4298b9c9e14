from django.core.exceptions import ValidationError

from goodwill.core.testing import GoodwillTestCase
from goodwill.people import search, services
from goodwill.people.cards import (
    NO_NAME,
    Card,
    CardWriter,
    card_checked,
    card_contact_create,
    card_contact_fill,
    card_contact_replace,
    card_contact_unfill,
)
from goodwill.people.dates import PartialDate
from goodwill.people.models import (
    Contact,
    ContactPhoto,
    ContactTag,
    Email,
    Fact,
    ImportantDate,
    Note,
    Organization,
    Phone,
    Tag,
    TimelineEntry,
)
from goodwill.people.services import AddressInput, Labelled

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def tom(**overrides: object) -> Card:
    card = Card(
        first_name="Tom",
        last_name="Hale",
        organization="Hale Roofing",
        role="Owner",
        emails=[Labelled("work", "Tom@Hale.example")],
        phones=[Labelled("mobile", "(415) 555-0100")],
        links=[Labelled("", "www.hale.example")],
        addresses=[AddressInput(label="work", street="1 Main St", city="Springfield")],
        birthday=PartialDate(month=4, day=12),
        anniversary=PartialDate(month=6, day=1, year=2001),
        tags=["roofers", "Roofers", "vip"],
        note="Met at the fair.",
        photo=PNG,
        photo_type="image/png",
    )
    for key, value in overrides.items():
        setattr(card, key, value)
    return card


class CardCheckedTests(GoodwillTestCase):
    def setUp(self) -> None:
        self.workspace.country = "US"

    def test_it_cleans_values_and_warns_for_each_one_left_out(self):
        card = tom(
            emails=[Labelled("work", " Tom@Hale.example "), Labelled("", "not an address")],
            phones=[Labelled("mobile", "(415) 555-0100"), Labelled("", "12")],
            links=[Labelled("", "www.hale.example"), Labelled("", "http://")],
        )
        checked, warnings = card_checked(self.workspace, card)
        assert checked.emails == [Labelled("work", "tom@hale.example")]
        assert checked.phones == [Labelled("mobile", "+14155550100")]
        assert checked.links == [Labelled("", "https://www.hale.example")]
        assert checked.tags == ["roofers", "vip"]
        assert len(warnings) == 3, warnings
        assert "“not an address” is not an e-mail address; left out." in warnings

    def test_a_person_without_a_name_is_called_by_their_organisation_or_address(self):
        nameless = tom(first_name="", last_name="")
        assert card_checked(self.workspace, nameless)[0].nickname == "Hale Roofing"
        nameless = tom(first_name="", last_name="", organization="")
        assert card_checked(self.workspace, nameless)[0].nickname == "tom@hale.example"
        with self.assertRaisesMessage(ValidationError, NO_NAME):
            card_checked(self.workspace, Card(phones=[Labelled("", "+14155550100")]))

    def test_a_photo_that_is_not_an_image_is_left_out(self):
        checked, warnings = card_checked(self.workspace, tom(photo_type="application/pdf"))
        assert (checked.photo, checked.photo_type) == (b"", "")
        assert len(warnings) == 1


class CardWritingTests(GoodwillTestCase):
    def setUp(self) -> None:
        self.workspace.country = "US"

    def checked(self, card: Card) -> Card:
        return card_checked(self.workspace, card)[0]

    def test_it_creates_a_contact_with_everything_the_card_holds(self):
        contact = card_contact_create(self.workspace, self.checked(tom()), actor=self.owner)
        assert contact.organization is not None
        assert contact.organization.name == "Hale Roofing"
        assert list(contact.emails.values_list("address", flat=True)) == ["tom@hale.example"]
        dates = {d.kind: d.partial_date for d in ImportantDate.objects.filter(contact=contact)}
        assert dates["birthday"] == PartialDate(month=4, day=12)
        assert Note.objects.get(contact=contact).body == "Met at the fair."
        assert bytes(ContactPhoto.objects.get(contact=contact).data) == PNG
        assert search.search(self.workspace, "hale")[1] == 1

    def test_replacing_sets_the_card_fields_and_keeps_what_only_goodwill_holds(self):
        contact = card_contact_create(self.workspace, self.checked(tom()), actor=self.owner)
        services.fact_add(contact, category="like", text="Baseball cards")
        edited = tom(
            first_name="Thomas",
            emails=[Labelled("home", "tom@home.example")],
            phones=[],
            birthday=None,
            anniversary=PartialDate(month=6, day=2, year=2001),
            tags=["vip"],
            photo=b"",
            photo_type="",
        )
        card_contact_replace(contact, self.checked(edited), actor=self.owner)
        contact.refresh_from_db()
        assert contact.first_name == "Thomas"
        assert list(contact.emails.values_list("address", flat=True)) == ["tom@home.example"]
        assert not Phone.objects.filter(contact=contact).exists()
        dates = {d.kind: d.partial_date for d in ImportantDate.objects.filter(contact=contact)}
        assert dates == {"anniversary": PartialDate(month=6, day=2, year=2001)}
        assert [link.tag.name for link in ContactTag.objects.filter(contact=contact)] == ["vip"]
        assert not ContactPhoto.objects.filter(contact=contact).exists()
        assert Fact.objects.filter(contact=contact, text="Baseball cards").exists()

    def test_filling_adds_only_what_is_missing_and_unfilling_takes_it_back(self):
        contact = services.contact_create(
            self.workspace,
            actor=self.owner,
            first_name="Tom",
            emails=[Labelled("", "tom@hale.example")],
            tags=["vip"],
        )
        filled = card_contact_fill(contact, self.checked(tom()), actor=self.owner)
        contact.refresh_from_db()
        assert (contact.first_name, contact.last_name) == ("Tom", "Hale")
        assert contact.organization is not None
        assert contact.organization.name == "Hale Roofing"
        assert Email.objects.filter(contact=contact).count() == 1
        assert Phone.objects.filter(contact=contact).count() == 1
        assert ContactTag.objects.filter(contact=contact).count() == 2
        assert set(filled.fields) == {"last_name", "role", "organization"}

        card_contact_unfill(contact, filled)
        contact.refresh_from_db()
        assert (contact.first_name, contact.last_name, contact.role) == ("Tom", "", "")
        assert contact.organization is None
        assert Phone.objects.filter(contact=contact).count() == 0
        assert ContactTag.objects.filter(contact=contact).count() == 1
        assert not Note.objects.filter(contact=contact).exists()
        assert not ContactPhoto.objects.filter(contact=contact).exists()

    def test_unfilling_leaves_what_the_person_changed_since(self):
        contact = services.contact_create(self.workspace, actor=self.owner, first_name="Tom")
        filled = card_contact_fill(contact, self.checked(tom()), actor=self.owner)
        contact.refresh_from_db()
        services.contact_update(contact, actor=self.owner, last_name="Hale-Smith")
        card_contact_unfill(contact, filled)
        contact.refresh_from_db()
        assert contact.last_name == "Hale-Smith"

    def test_the_writer_creates_many_in_bulk_and_reuses_organisations_and_tags(self):
        services.contact_create(
            self.workspace, actor=self.owner, first_name="Ann", organization="hale roofing"
        )
        cards = [self.checked(tom(first_name=f"Tom {n}")) for n in range(30)]
        writer = CardWriter(self.workspace, actor=self.owner)
        ids = writer.write(cards)
        assert len(ids) == 30
        assert Organization.objects.filter(workspace=self.workspace).count() == 1
        assert Tag.objects.filter(workspace=self.workspace).count() == 2
        created = Contact.objects.filter(pk__in=ids)
        assert created.filter(sort_name__startswith="hale tom").count() == 30
        assert all(c.touch_due_at for c in created)
        assert TimelineEntry.objects.filter(contact__in=created).count() == 30
        assert search.search(self.workspace, "tom")[1] == 30
        assert not Contact.objects.filter(workspace=self.other_workspace).exists()


class PhotoTests(GoodwillTestCase):
    def test_the_photo_shows_on_the_contact_page_travels_in_the_vcard_and_stays_private(self):
        checked = card_checked(self.workspace, tom())[0]
        contact = card_contact_create(self.workspace, checked, actor=self.owner)
        self.login(self.assistant)
        page = self.client.get(f"/people/{contact.pk}/")
        self.assertContains(page, f'src="/people/{contact.pk}/photo"')
        photo = self.client.get(f"/people/{contact.pk}/photo")
        assert (photo.status_code, photo["Content-Type"], photo.content) == (200, "image/png", PNG)
        self.login(self.owner)
        vcard = self.client.get(f"/people/{contact.pk}/export.vcf").content.decode()
        assert "PHOTO:data:image/png;base64," in vcard.replace("\r\n ", "")
        self.login(self.outsider)
        assert self.client.get(f"/people/{contact.pk}/photo").status_code == 404

    def test_a_person_without_a_photo_has_none(self):
        contact = services.contact_create(self.workspace, actor=self.owner, first_name="Ann")
        self.login(self.owner)
        self.assertNotContains(self.client.get(f"/people/{contact.pk}/"), "person-photo")
        assert self.client.get(f"/people/{contact.pk}/photo").status_code == 404
