from goodwill.core.models import AuditEvent
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services
from goodwill.people.models import CircleMember, Contact, Fact, Gift, ImportantDate, Note
from goodwill.people.services import Labelled

NEW_CLIENT = {
    "kind": "client",
    "first_name": "Dan",
    "last_name": "Ortiz",
    "organization": "Acme Corp",
    "role": "President",
    "email_0": "dan@acme.example",
    "email_label_0": "work",
    "phone_0": "+1 415 555 0100",
    "tags": "vip, golf",
}


class ContactFormTests(GoodwillTestCase):
    def test_a_member_adds_a_client_and_lands_on_the_contact_page(self):
        self.login(self.assistant)
        response = self.client.post("/people/new/", NEW_CLIENT)
        dan = Contact.objects.get()
        self.assertRedirects(response, f"/people/{dan.pk}/")
        page = self.client.get(f"/people/{dan.pk}/")
        self.assertContains(page, "President at")
        self.assertContains(page, "+1 415-555-0100")
        self.assertContains(page, "vip")

    def test_bad_input_is_shown_on_the_form_and_nothing_is_stored(self):
        self.login(self.owner)
        for bad, message in [
            ({"email_0": "not-an-email"}, "is not an e-mail address"),
            ({"phone_0": "12"}, "phone number"),
            ({"first_name": "x" * 101}, "at most 100 characters"),
            ({"first_name": "", "last_name": ""}, "Give at least a first name"),
            ({"introduced_by": "999999"}, "No such record in this workspace"),
            ({"kind": "enemy"}, "Select a valid choice"),
        ]:
            response = self.client.post("/people/new/", {**NEW_CLIENT, **bad})
            self.assertContains(response, message, status_code=400, msg_prefix=str(bad))
        assert not Contact.objects.exists()

    def test_editing_changes_the_contact(self):
        dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan",
            emails=[Labelled("work", "dan@acme.example")],
        )  # fmt: skip
        self.login(self.owner)
        form = self.client.get(f"/people/{dan.pk}/edit/")
        self.assertContains(form, "dan@acme.example")
        response = self.client.post(f"/people/{dan.pk}/edit/", {**NEW_CLIENT, "kind": "friend"})
        self.assertRedirects(response, f"/people/{dan.pk}/")
        dan.refresh_from_db()
        assert dan.kind == "friend"
        assert dan.organization is not None
        assert dan.organization.name == "Acme Corp"


class ListTests(GoodwillTestCase):
    def setUp(self):
        self.dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz",
            organization="Acme", tags=["vip"],
        )  # fmt: skip
        services.circle_add(
            self.dan, name="Leo", relation="child", interests="collects baseball cards"
        )
        self.eve = services.contact_create(
            self.workspace, actor=self.owner, kind="prospect", first_name="Eve", last_name="Adams"
        )
        self.login(self.owner)

    def test_it_lists_filters_and_searches_with_the_matched_text(self):
        page = self.client.get("/people/")
        self.assertContains(page, "Dan Ortiz")
        self.assertContains(page, "Eve Adams")
        self.assertNotContains(self.client.get("/people/?kind=prospect"), "Dan Ortiz")
        self.assertNotContains(self.client.get("/people/?tag=vip"), "Eve Adams")
        found = self.client.get("/people/?q=baseb")
        self.assertContains(found, "Dan Ortiz")
        self.assertContains(found, "collects baseball cards")
        self.assertNotContains(found, "Eve Adams")

    def test_a_page_of_fifty_costs_a_fixed_number_of_queries(self):
        for number in range(60):
            services.contact_create(
                self.workspace, actor=self.owner, kind="client", first_name=f"P{number}",
                emails=[Labelled("", f"p{number}@x.example")], tags=["t"],
            )  # fmt: skip
        with self.assertNumQueries(10):
            response = self.client.get("/people/")
        assert len(response.context["rows"]) == 50
        self.assertContains(self.client.get("/people/?page=2"), "Page 2")

    def test_bulk_edit_changes_only_selected_contacts_of_the_workspace(self):
        stranger = services.contact_create(
            self.other_workspace, actor=self.outsider, kind="friend", first_name="Stranger"
        )
        response = self.client.post(
            "/people/bulk/",
            {
                "ids": [self.dan.pk, stranger.pk],
                "add_tag": "newsletter",
                "kind": "friend",
                "next": "/people/",
            },
        )
        self.assertRedirects(response, "/people/")
        assert Contact.objects.get(pk=self.dan.pk).kind == "friend"
        assert Contact.objects.get(pk=self.eve.pk).kind == "prospect"
        assert Contact.objects.get(pk=stranger.pk).kind == "friend"
        assert not stranger.tag_links.exists()

    def test_bulk_edit_needs_a_selection_and_ignores_offsite_next(self):
        response = self.client.post("/people/bulk/", {"kind": "friend"})
        self.assertRedirects(response, "/people/")
        response = self.client.post(
            "/people/bulk/",
            {"ids": [self.dan.pk], "kind": "friend", "next": "https://evil.example/"},
        )
        self.assertRedirects(response, "/people/")

    def test_organisations_list_their_people(self):
        page = self.client.get("/orgs/")
        self.assertContains(page, "Acme")
        assert self.dan.organization is not None
        self.assertContains(self.client.get(f"/orgs/{self.dan.organization.pk}/"), "Dan Ortiz")


class ContactPageTests(GoodwillTestCase):
    def setUp(self):
        self.dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )
        self.url = f"/people/{self.dan.pk}/"
        self.login(self.owner)

    def test_quick_adds_land_on_the_page(self):
        posts = [
            ("facts/add/", {"category": "hobby", "text": "Sailing"}, Fact),
            (
                "circle/add/",
                {
                    "name": "Leo",
                    "relation": "child",
                    "birthday": "--11-27",
                    "interests": "baseball cards",
                },
                CircleMember,
            ),
            ("dates/add/", {"kind": "client_since", "date": "2019-03-15"}, ImportantDate),
            ("gifts/add/", {"description": "Rookie card", "status": "idea"}, Gift),
            ("notes/add/", {"body": "Likes **golf**"}, Note),
        ]
        for suffix, data, model in posts:
            response = self.client.post(self.url + suffix, data)
            assert response.status_code == 302, (suffix, response.content[:500])
            assert model._default_manager.filter(contact=self.dan).count() == 1, suffix
        page = self.client.get(self.url)
        for text in [
            "Sailing",
            "Leo",
            "baseball cards",
            "15 March 2019",
            "Rookie card",
            "<strong>golf</strong>",
        ]:
            self.assertContains(page, text)

    def test_a_fact_added_with_htmx_returns_the_facts_list(self):
        response = self.client.post(
            self.url + "facts/add/",
            {"category": "like", "text": "Jazz"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        self.assertContains(response, 'id="facts-list"')
        self.assertContains(response, "Jazz")
        self.assertNotContains(response, "<html")

    def test_bad_quick_adds_show_the_reason_and_store_nothing(self):
        for suffix, data, message in [
            (
                "dates/add/",
                {"kind": "birthday", "date": "2023-02-30"},
                "February 2023 has no day 30",
            ),
            (
                "circle/add/",
                {"name": "Mia", "relation": "child", "birthday": "13/01"},
                "is not a date",
            ),
            ("facts/add/", {"category": "like", "text": "x" * 501}, "at most 500 characters"),
            ("notes/add/", {"body": ""}, "This field is required"),
        ]:
            response = self.client.post(self.url + suffix, data)
            self.assertContains(response, message, status_code=400, msg_prefix=suffix)
        assert not ImportantDate.objects.exists()
        assert not CircleMember.objects.exists()
        assert not Fact.objects.exists()

    def test_a_gift_for_another_contacts_circle_member_is_refused(self):
        eve = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Eve"
        )
        mia = services.circle_add(eve, name="Mia", relation="child")
        response = self.client.post(
            self.url + "gifts/add/", {"description": "Doll", "for_member": mia.pk, "status": "idea"}
        )
        assert response.status_code == 400
        assert not Gift.objects.exists()

    def test_presentation_mode_hides_private_facts(self):
        services.fact_add(self.dan, category="other", text="Knee surgery", private=True)
        services.fact_add(self.dan, category="like", text="Jazz")
        self.assertContains(self.client.get(self.url), "Knee surgery")
        self.client.post("/people/presentation/", {"next": self.url})
        page = self.client.get(self.url)
        self.assertNotContains(page, "Knee surgery")
        self.assertContains(page, "Jazz")
        self.assertContains(page, "Presentation mode: private facts are hidden")
        self.client.post("/people/presentation/", {"next": self.url})
        self.assertContains(self.client.get(self.url), "Knee surgery")

    def test_a_birthday_soon_shows_the_gift_ideas(self):
        from datetime import timedelta

        from django.utils import timezone

        soon = timezone.localdate(timezone=self.workspace.zone) + timedelta(days=3)
        leo = services.circle_add(
            self.dan,
            name="Leo",
            relation="child",
            birthday=f"{soon.year - 9}-{soon.month:02d}-{soon.day:02d}",
        )
        services.gift_add(self.dan, description="Baseball cards", for_member=leo.pk)
        page = self.client.get(self.url)
        self.assertContains(page, "turns 9 on")
        self.assertContains(page, "Gift ideas: Baseball cards")

    def test_the_timeline_pages_by_keyset(self):
        for number in range(25):
            services.timeline_add(self.dan, kind="note", title=f"Entry {number}")
        page = self.client.get(self.url)
        cursor = page.context["older_cursor"]
        assert len(page.context["timeline"]) == 20
        older = self.client.get(self.url, {"older": cursor}, headers={"HX-Request": "true"})
        assert len(older.context["timeline"]) == 6
        self.assertNotContains(older, "<html")
        assert self.client.get(self.url, {"older": "garbage"}).status_code == 200

    def test_the_contact_page_costs_a_fixed_number_of_queries(self):
        for number in range(10):
            services.fact_add(self.dan, category="like", text=f"Thing {number}")
            services.circle_add(
                self.dan, name=f"Kid {number}", relation="child", birthday="--05-01"
            )
            services.note_add(self.dan, author=self.owner, body=f"Note {number}")
            services.gift_add(self.dan, description=f"Gift {number}")
        with self.assertNumQueries(23):
            self.client.get(self.url)

    def test_erasing_is_for_owners_after_typing_the_name(self):
        services.fact_add(self.dan, category="like", text="Jazz")
        self.login(self.assistant)
        assert self.client.post(self.url + "erase/", {"confirm": "Dan Ortiz"}).status_code == 403
        self.login(self.owner)
        self.assertContains(self.client.get(self.url + "erase/"), "1 facts")
        response = self.client.post(self.url + "erase/", {"confirm": "Dan"})
        assert response.status_code == 400
        assert Contact.objects.filter(pk=self.dan.pk).exists()
        response = self.client.post(self.url + "erase/", {"confirm": "dan ortiz"})
        self.assertRedirects(response, "/people/")
        assert not Contact.objects.exists()
        assert not Fact.objects.exists()
        assert AuditEvent.objects.get().action == "erase"


class OutsiderPageTests(GoodwillTestCase):
    def test_every_people_page_is_404_for_another_workspace(self):
        dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", organization="Acme"
        )
        fact = services.fact_add(dan, category="like", text="Jazz")
        leo = services.circle_add(dan, name="Leo", relation="child")
        day = services.date_add(dan, kind="birthday", date="--03-01")
        gift = services.gift_add(dan, description="Card")
        note = services.note_add(dan, author=self.owner, body="Hello")
        self.login(self.outsider)
        base = f"/people/{dan.pk}/"
        assert dan.organization is not None
        for url in [base, base + "edit/", f"/orgs/{dan.organization.pk}/"]:
            assert self.client.get(url).status_code == 404, url
        posts = [
            base + "edit/", base + "facts/add/", base + "circle/add/", base + "dates/add/",
            base + "gifts/add/", base + "notes/add/",
            f"{base}facts/{fact.pk}/private/", f"{base}facts/{fact.pk}/remove/",
            f"{base}circle/{leo.pk}/remove/", f"{base}dates/{day.pk}/remove/",
            f"{base}gifts/{gift.pk}/advance/", f"{base}gifts/{gift.pk}/remove/",
            f"{base}notes/{note.pk}/pin/", f"{base}notes/{note.pk}/remove/",
            base + "erase/",
        ]  # fmt: skip
        for url in posts:
            assert (
                self.client.post(
                    url, {"confirm": "Dan", "text": "x", "category": "like"}
                ).status_code
                == 404
            ), url
        assert self.client.get(base + "erase/").status_code == 404
        self.assertNotContains(self.client.get("/people/?q=jazz"), "Dan")
        assert Fact.objects.get(pk=fact.pk).private is False
        assert Contact.objects.filter(pk=dan.pk).exists()

    def test_anonymous_visitors_are_sent_to_login(self):
        for url in ["/people/", "/people/new/", "/orgs/"]:
            self.assertRedirects(self.client.get(url), f"/accounts/login/?next={url}")


class SavedViewTests(GoodwillTestCase):
    def test_a_filtered_view_is_saved_listed_and_removed(self):
        self.login(self.owner)
        response = self.client.post(
            "/people/views/save/", {"name": "VIP clients", "kind": "client", "tag": "vip"}
        )
        self.assertRedirects(response, "/people/?kind=client&tag=vip")
        page = self.client.get("/people/")
        self.assertContains(page, "VIP clients")
        self.assertContains(page, "?kind=client&amp;tag=vip")
        self.login(self.assistant)
        self.assertNotContains(self.client.get("/people/"), "VIP clients")
        from goodwill.people.models import SavedFilter

        saved = SavedFilter.objects.get()
        assert self.client.post(f"/people/views/{saved.pk}/delete/").status_code == 404
        self.login(self.outsider)
        assert self.client.post(f"/people/views/{saved.pk}/delete/").status_code == 404
        self.login(self.owner)
        self.client.post(f"/people/views/{saved.pk}/delete/")
        assert not SavedFilter.objects.exists()

    def test_a_view_needs_a_name_and_a_filter(self):
        from goodwill.people.models import SavedFilter

        self.login(self.owner)
        self.client.post("/people/views/save/", {"name": "", "kind": "client"})
        self.client.post("/people/views/save/", {"name": "Everyone"})
        self.client.post("/people/views/save/", {"name": "x" * 81, "kind": "client"})
        assert not SavedFilter.objects.exists()


class MentalNoteTests(GoodwillTestCase):
    def setUp(self):
        self.dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )
        self.dana = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dana", last_name="Ray"
        )
        self.login(self.owner)

    def test_the_box_is_on_every_page_and_the_lookup_offers_people(self):
        self.assertContains(self.client.get("/"), "Mental note")
        lookup = self.client.get("/people/lookup/", {"who": "ortiz"})
        self.assertContains(lookup, f'value="{self.dan.pk}"')
        self.assertNotContains(lookup, "Dana")

    def test_one_match_files_the_note_and_goes_back(self):
        response = self.client.post(
            "/people/notes/quick/", {"who": "ortiz", "body": "Loves jazz", "next": "/people/"}
        )
        self.assertRedirects(response, "/people/")
        assert Note.objects.get().contact == self.dan

    def test_several_matches_ask_which_person_and_keep_the_note(self):
        response = self.client.post("/people/notes/quick/", {"who": "dan", "body": "Loves jazz"})
        self.assertContains(response, "Who is the note about?")
        self.assertContains(response, "Loves jazz")
        assert not Note.objects.exists()
        response = self.client.post(
            "/people/notes/quick/", {"who": "dan", "contact": self.dana.pk, "body": "Loves jazz"}
        )
        assert response.status_code == 302
        assert Note.objects.get().contact == self.dana

    def test_no_match_or_no_text_keeps_what_was_typed(self):
        response = self.client.post("/people/notes/quick/", {"who": "zed", "body": "Keep me"})
        self.assertContains(response, "Nobody matches", status_code=400)
        self.assertContains(response, "Keep me", status_code=400)
        response = self.client.post("/people/notes/quick/", {"who": "ortiz", "body": "  "})
        assert response.status_code == 400
        assert not Note.objects.exists()

    def test_an_outsider_cannot_file_on_another_workspaces_contact(self):
        self.login(self.outsider)
        response = self.client.post("/people/notes/quick/", {"contact": self.dan.pk, "body": "x"})
        assert response.status_code == 404
        self.assertNotContains(self.client.get("/people/lookup/", {"who": "ortiz"}), "Ortiz")
        assert not Note.objects.exists()


class CircleLinkTests(GoodwillTestCase):
    def test_a_circle_member_can_be_linked_to_their_own_contact(self):
        dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        maria = services.contact_create(
            self.workspace, actor=self.owner, kind="friend", first_name="Maria"
        )
        stranger = services.contact_create(
            self.other_workspace, actor=self.outsider, kind="friend", first_name="S"
        )
        self.login(self.owner)
        url = f"/people/{dan.pk}/circle/add/"
        response = self.client.post(
            url, {"name": "S", "relation": "spouse", "linked_contact": stranger.pk}
        )
        self.assertContains(response, "No such record in this workspace", status_code=400)
        self.client.post(url, {"name": "Maria", "relation": "spouse", "linked_contact": maria.pk})
        self.assertContains(self.client.get(f"/people/{dan.pk}/"), f'href="/people/{maria.pk}/"')
