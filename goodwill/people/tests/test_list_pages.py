"""The people list (filters, search, pages, bulk edit, saved views), the contact form, the
organisation pages and the mental-note box, through the pages as a member uses them."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from goodwill.accounts.models import Workspace
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import search, services
from goodwill.people.models import (
    Address,
    Contact,
    Email,
    Link,
    Note,
    Organization,
    Phone,
    SavedFilter,
    Tag,
)
from goodwill.people.services import AddressInput, Labelled


def person(workspace: Workspace, first: str, last: str = "", **fields: Any) -> Contact:
    fields.setdefault("kind", "client")
    return services.contact_create(
        workspace, actor=None, first_name=first, last_name=last, **fields
    )


def query_count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


FULL_FORM = {
    "kind": "client",
    "first_name": "Dan",
    "last_name": "Ortiz",
    "nickname": "Danny",
    "organization": "Ortiz Outdoor Supply",
    "role": "President",
    "email_0": "Dan@Ortiz-Outdoor.example",
    "email_label_0": "work",
    "email_1": "danny@home.example",
    "email_label_1": "home",
    "phone_0": "+1 415 555 0100",
    "phone_label_0": "mobile",
    "link_0": "ortiz-outdoor.example/about",
    "link_label_0": "website",
    "street": "1 Market St",
    "city": "San Francisco",
    "region": "CA",
    "postal_code": "94105",
    "country": "USA",
    "preferred_channel": "phone",
    "contact_hours": "mornings",
    "how_we_met": "At the **trade fair**",
    "met_at": "Outdoor Expo 2024",
    "cadence_days": "30",
    "tags": "vip, golf",
}


class ListTests(GoodwillTestCase):
    def setUp(self) -> None:
        self.dan = person(
            self.workspace, "Dan", "Ortiz", organization="Acme", role="President",
            emails=[Labelled("work", "dan@acme.example"), Labelled("home", "dan@home.example")],
            phones=[Labelled("", "+14155550100")], tags=["vip", "golf"],
        )  # fmt: skip
        self.eve = person(self.workspace, "Eve", "Adams", kind="prospect", tags=["golf"])
        self.stranger = person(self.other_workspace, "Dan", "Stranger", tags=["vip"])
        self.login(self.assistant)

    def names(self, url: str) -> list[str]:
        response = self.client.get(url)
        assert response.status_code == 200, url
        return [row.contact.display_name for row in response.context["page"].rows]

    def test_it_lists_the_workspaces_people_by_last_name_with_their_details(self):
        page = self.client.get("/people/")
        assert self.names("/people/") == ["Eve Adams", "Dan Ortiz"]
        self.assertContains(page, '<span class="badge kind-client">Client</span>', html=True)
        self.assertContains(page, '<span class="badge kind-prospect">Prospect</span>', html=True)
        self.assertContains(page, "Acme")
        self.assertContains(page, "President")
        self.assertContains(page, "dan@acme.example")
        self.assertNotContains(page, "dan@home.example")  # the first e-mail only
        self.assertContains(page, "+1 415-555-0100")
        self.assertContains(page, 'href="?tag=vip"')
        self.assertContains(page, f'href="/people/{self.dan.pk}/"')
        self.assertContains(page, "2 people")
        self.assertNotContains(page, "Stranger")

    def test_it_filters_by_kind_and_tag(self):
        assert self.names("/people/?kind=prospect") == ["Eve Adams"]
        assert self.names("/people/?tag=VIP") == ["Dan Ortiz"]
        assert self.names("/people/?tag=golf&kind=client") == ["Dan Ortiz"]
        assert self.names("/people/?tag=nosuchtag") == []
        # An unknown kind or a bad page number is ignored, not an error.
        assert self.names("/people/?kind=enemy&page=abc") == ["Eve Adams", "Dan Ortiz"]
        self.assertContains(self.client.get("/people/?tag=nosuchtag"), "Nobody matches")

    def test_search_shows_the_hits_in_rank_order_with_the_matched_text_escaped(self):
        services.fact_add(self.eve, category="like", text="Dan's <b>favourite</b> golfer")
        hits, _ = search.search(self.workspace, "dan")
        expected = [Contact.objects.get(pk=hit.contact_id).display_name for hit in hits]
        assert sorted(expected) == ["Dan Ortiz", "Eve Adams"]
        assert self.names("/people/?q=dan") == expected
        page = self.client.get("/people/?q=favourite")
        self.assertContains(page, "&lt;b&gt;favourite&lt;/b&gt;")
        self.assertNotContains(page, "<b>favourite")
        self.assertContains(page, "1 match for “favourite”")

    def test_a_search_with_a_kind_or_tag_counts_only_what_matches_both(self):
        assert self.names("/people/?q=dan&kind=prospect") == []
        page = self.client.get("/people/?q=golf&kind=prospect")
        assert [row.contact.display_name for row in page.context["page"].rows] == ["Eve Adams"]
        self.assertContains(page, "1 match for “golf”")
        assert self.names("/people/?q=golf&tag=vip") == ["Dan Ortiz"]

    def test_pages_of_fifty_keep_the_filters_and_do_not_count_everyone(self):
        for number in range(118):
            person(self.workspace, f"P{number:03d}", "Zed", tags=["many"])
        first = self.client.get("/people/?tag=many")
        assert len(first.context["page"].rows) == 50
        assert first.context["page"].total is None
        self.assertContains(first, "People 1\u201350")
        self.assertContains(first, 'href="?tag=many&amp;page=2"')
        third = self.client.get("/people/?tag=many&page=3")
        assert len(third.context["page"].rows) == 18
        self.assertContains(third, "118 people")
        self.assertContains(third, 'href="?tag=many&amp;page=2"')
        self.assertNotContains(third, "Next →")
        beyond = self.client.get("/people/?tag=many&page=9")
        self.assertContains(beyond, "No more people here")

    def test_search_results_are_paged_too(self):
        for number in range(55):
            person(self.workspace, f"Quinn{number:02d}", "Searchable")
        first = self.client.get("/people/?q=searchable")
        assert len(first.context["page"].rows) == 50
        self.assertContains(first, "55 matches for “searchable”")
        self.assertContains(first, 'href="?q=searchable&amp;page=2"')
        second = self.client.get("/people/?q=searchable&page=2")
        assert len(second.context["page"].rows) == 5
        names = {row.contact.display_name for row in first.context["page"].rows}
        assert names.isdisjoint(row.contact.display_name for row in second.context["page"].rows)

    def test_a_page_costs_the_same_queries_for_two_people_or_fifty(self):
        for url in ["/people/", "/people/?tag=golf", "/people/?q=a"]:
            small = query_count(self.client, url)
            assert small <= 13, (url, small)
            setattr(self, f"small_{url}", small)
        for number in range(60):
            person(
                self.workspace, f"Anna{number}", "Adler", organization=f"Org {number % 7}",
                emails=[Labelled("", f"a{number}@x.example")], tags=["golf", f"t{number}"],
                phones=[Labelled("", f"+1415555{number:04d}")],
            )  # fmt: skip
        for url in ["/people/", "/people/?tag=golf", "/people/?q=a"]:
            with self.assertNumQueries(getattr(self, f"small_{url}")):
                response = self.client.get(url)
            assert len(response.context["page"].rows) == 50, url

    def test_the_page_has_a_link_to_add_a_person_and_to_filter_by_each_tag(self):
        page = self.client.get("/people/")
        self.assertContains(page, 'href="/people/new/"')
        self.assertContains(page, '<option value="golf">golf</option>', html=True)


class BulkEditTests(GoodwillTestCase):
    def setUp(self) -> None:
        self.dan = person(self.workspace, "Dan", "Ortiz")
        self.eve = person(self.workspace, "Eve", "Adams", kind="prospect")
        self.stranger = person(self.other_workspace, "Olga", "Stranger", kind="friend")
        self.login(self.owner)

    def bulk(self, **data: Any) -> Any:
        return self.client.post("/people/bulk/", {"next": "/people/?kind=client", **data})

    def test_it_tags_rekinds_and_sets_the_cadence_of_the_selected_people(self):
        response = self.bulk(
            ids=[self.dan.pk, self.eve.pk], add_tag="Newsletter", kind="friend", cadence_days="45"
        )
        self.assertRedirects(response, "/people/?kind=client", fetch_redirect_response=False)
        for contact in (self.dan, self.eve):
            contact.refresh_from_db()
            assert contact.kind == "friend"
            assert contact.cadence_days == 45
            assert [link.tag.name for link in contact.tag_links.all()] == ["Newsletter"]
        self.assertContains(self.client.get("/people/"), "Updated 2 people.")
        assert self.client.get("/people/?q=newsletter").context["page"].total == 2

    def test_it_clears_the_cadence_back_to_the_kinds_default(self):
        services.contact_update(self.dan, actor=None, cadence_days=10)
        self.bulk(ids=[self.dan.pk], clear_cadence="on")
        self.dan.refresh_from_db()
        assert self.dan.cadence_days is None

    def test_ids_of_another_workspace_are_ignored(self):
        self.bulk(ids=[self.dan.pk, self.stranger.pk], add_tag="vip", kind="customer")
        self.stranger.refresh_from_db()
        assert self.stranger.kind == "friend"
        assert not self.stranger.tag_links.exists()
        assert not Tag.objects.filter(workspace=self.other_workspace).exists()
        self.assertContains(self.client.get("/people/"), "Updated 1 person.")
        self.login(self.outsider)
        self.client.post("/people/bulk/", {"ids": [self.dan.pk], "kind": "partner"})
        self.dan.refresh_from_db()
        assert self.dan.kind == "customer"

    def test_bad_or_empty_requests_say_why_and_change_nothing(self):
        cases: list[tuple[dict[str, Any], str]] = [
            ({"kind": "friend"}, "Select at least one person."),
            ({"ids": [self.dan.pk]}, "Choose a change: a tag, a kind or a cadence."),
            ({"ids": [self.dan.pk], "cadence_days": "0"}, "greater than or equal to 1"),
            ({"ids": [self.dan.pk], "kind": "enemy"}, "Select a valid choice"),
            ({"ids": ["x"], "kind": "friend"}, "Select a valid choice"),
            (
                {"ids": [self.dan.pk], "cadence_days": "5", "clear_cadence": "on"},
                "Either set a cadence or clear it",
            ),
        ]
        for data, message in cases:
            self.bulk(**data)
            self.assertContains(self.client.get("/people/"), message, msg_prefix=str(data))
        self.dan.refresh_from_db()
        assert (self.dan.kind, self.dan.cadence_days) == ("client", None)

    def test_it_goes_back_to_the_list_and_never_off_site(self):
        response = self.bulk(ids=[self.dan.pk], kind="friend", next="https://evil.example/")
        self.assertRedirects(response, "/people/", fetch_redirect_response=False)
        assert self.client.get("/people/bulk/").status_code == 405


class SavedFilterTests(GoodwillTestCase):
    def setUp(self) -> None:
        person(self.workspace, "Dan", "Ortiz", tags=["vip"])
        self.login(self.owner)

    def test_a_member_saves_the_current_view_sees_it_and_removes_it(self):
        page = self.client.get("/people/?kind=client&tag=vip")
        self.assertContains(page, "Save this view")
        response = self.client.post(
            "/people/views/save/", {"name": " VIP clients ", "kind": "client", "tag": "vip"}
        )
        self.assertRedirects(response, "/people/?kind=client&tag=vip")
        saved = SavedFilter.objects.get()
        assert (saved.name, saved.user, saved.workspace) == (
            "VIP clients",
            self.owner,
            self.workspace,
        )
        page = self.client.get("/people/")
        self.assertContains(page, '<a href="/people/?kind=client&amp;tag=vip">VIP clients</a>')
        self.assertNotContains(page, "Save this view")  # nothing to save on the plain list
        response = self.client.post(f"/people/views/{saved.pk}/delete/")
        self.assertRedirects(response, "/people/")
        assert not SavedFilter.objects.exists()

    def test_a_search_is_saved_with_its_words(self):
        self.client.post("/people/views/save/", {"name": "Golfers", "q": "golf  club"})
        assert SavedFilter.objects.get().query == "q=golf+club"

    def test_views_are_each_members_own(self):
        saved = services.saved_filter_create(
            self.workspace, user=self.owner, name="Mine", query={"kind": "client"}
        )
        self.login(self.assistant)
        self.assertNotContains(self.client.get("/people/"), "Mine")
        assert self.client.post(f"/people/views/{saved.pk}/delete/").status_code == 404
        self.login(self.outsider)
        assert self.client.post(f"/people/views/{saved.pk}/delete/").status_code == 404
        assert SavedFilter.objects.filter(pk=saved.pk).exists()

    def test_a_view_needs_a_name_and_a_filter(self):
        for data, message in [
            ({"name": "", "kind": "client"}, "Give the view a name."),
            ({"name": "Everyone"}, "Search or filter the list first"),
            ({"name": "x" * 81, "kind": "client"}, "Keep the name under 80 characters."),
        ]:
            response = self.client.post("/people/views/save/", data, follow=True)
            self.assertContains(response, message, msg_prefix=str(data))
        assert not SavedFilter.objects.exists()


class ContactFormTests(GoodwillTestCase):
    def setUp(self) -> None:
        self.eve = person(self.workspace, "Eve", "Adams")
        self.stranger = person(self.other_workspace, "Olga", "Stranger")
        self.login(self.assistant)

    def test_a_member_adds_a_person_with_every_detail(self):
        response = self.client.post("/people/new/", {**FULL_FORM, "introduced_by": self.eve.pk})
        dan = Contact.objects.get(first_name="Dan")
        self.assertRedirects(response, f"/people/{dan.pk}/", fetch_redirect_response=False)
        assert (dan.kind, dan.last_name, dan.nickname, dan.role) == (
            "client", "Ortiz", "Danny", "President",
        )  # fmt: skip
        assert dan.organization is not None
        assert dan.organization.name == "Ortiz Outdoor Supply"
        assert [(e.label, e.address) for e in dan.emails.all()] == [
            ("work", "dan@ortiz-outdoor.example"), ("home", "danny@home.example"),
        ]  # fmt: skip
        assert [(p.label, p.number) for p in dan.phones.all()] == [("mobile", "+14155550100")]
        assert [(link.label, link.url) for link in dan.links.all()] == [
            ("website", "https://ortiz-outdoor.example/about")
        ]
        assert str(dan.addresses.get()) == "1 Market St, 94105, San Francisco, CA, USA"
        assert (dan.preferred_channel, dan.contact_hours, dan.met_at) == (
            "phone", "mornings", "Outdoor Expo 2024",
        )  # fmt: skip
        assert dan.how_we_met == "At the **trade fair**"
        assert dan.introduced_by == self.eve
        assert dan.cadence_days == 30
        assert sorted(link.tag.name for link in dan.tag_links.all()) == ["golf", "vip"]

    def test_the_form_offers_the_kind_asked_for_and_the_lookup_box(self):
        page = self.client.get("/people/new/?kind=customer&organization=Acme")
        self.assertContains(page, '<option value="customer" selected>Customer</option>', html=True)
        self.assertContains(page, 'value="Acme"')
        self.assertContains(page, 'hx-get="/people/lookup/"')
        self.assertContains(page, 'for="id_email_0"')

    def test_bad_input_is_shown_on_its_field_and_nothing_is_stored(self):
        before = [model.objects.count() for model in (Contact, Organization, Tag, Email, Phone)]
        for bad, message in [
            ({"email_1": "danny@"}, "“danny@” is not an e-mail address."),
            ({"phone_0": "12"}, "is not a"),
            ({"phone_0": "+1 415 555 01"}, "is not a valid phone number"),
            ({"first_name": "D" * 101}, "Ensure this value has at most 100 characters"),
            ({"first_name": "", "last_name": "", "nickname": ""}, "Give at least a first name"),
            ({"introduced_by": "999999"}, "No such record in this workspace."),
            ({"introduced_by": str(self.stranger.pk)}, "No such record in this workspace."),
            ({"introduced_by": "Eve"}, "Enter a whole number."),
            ({"link_0": "javascript:alert(1)"}, "is not a web address"),
            ({"cadence_days": "0"}, "greater than or equal to 1"),
            ({"tags": "ok, " + "t" * 61}, "Keep each tag under 60 characters."),
            ({"kind": "enemy"}, "Select a valid choice"),
        ]:
            response = self.client.post("/people/new/", {**FULL_FORM, **bad})
            self.assertContains(response, message, status_code=400, msg_prefix=str(bad))
            self.assertContains(response, "Nothing is saved yet", status_code=400)
            # What was typed is still there to correct.
            self.assertContains(response, 'value="Ortiz Outdoor Supply"', status_code=400)
        after = [model.objects.count() for model in (Contact, Organization, Tag, Email, Phone)]
        assert after == before

    def test_the_form_shows_a_service_error_on_the_field_it_names(self):
        response = self.client.post("/people/new/", {**FULL_FORM, "email_0": "not-an-email"})
        errors = response.context["form"].errors
        assert errors["email_0"] == ["“not-an-email” is not an e-mail address."]
        response = self.client.post(
            "/people/new/", {**FULL_FORM, "phone_label_1": "x", "phone_1": "12"}
        )
        assert "“12” is not a" in response.context["form"].errors["phone_1"][0]
        response = self.client.post("/people/new/", {**FULL_FORM, "introduced_by": "999999"})
        assert response.context["form"].errors["introduced_by"] == [
            "No such record in this workspace."
        ]

    def test_editing_shows_the_person_and_saves_changes(self):
        dan = person(
            self.workspace, "Dan", "Ortiz", organization="Acme", introduced_by=self.eve.pk,
            emails=[Labelled("work", "dan@acme.example")], tags=["vip"],
            phones=[Labelled("", "+14155550100")],
            addresses=[AddressInput(label="office", city="Chicago")],
        )  # fmt: skip
        form = self.client.get(f"/people/{dan.pk}/edit/")
        for text in ['value="dan@acme.example"', 'value="Acme"', 'value="vip"', 'value="Chicago"']:
            self.assertContains(form, text)
        self.assertContains(form, f'Introduced by <a href="/people/{self.eve.pk}/">Eve Adams</a>')
        response = self.client.post(
            f"/people/{dan.pk}/edit/", {**FULL_FORM, "kind": "friend", "introduced_by": ""}
        )
        self.assertRedirects(response, f"/people/{dan.pk}/", fetch_redirect_response=False)
        dan.refresh_from_db()
        assert dan.kind == "friend"
        assert dan.introduced_by is None
        assert dan.organization is not None
        assert dan.organization.name == "Ortiz Outdoor Supply"
        assert dan.emails.count() == 2
        address = dan.addresses.get()
        assert (address.label, address.city) == ("office", "San Francisco")

    def test_a_bad_edit_changes_nothing(self):
        dan = person(self.workspace, "Dan", "Ortiz", emails=[Labelled("work", "dan@acme.example")])
        for bad, message in [
            ({"email_0": "nope"}, "is not an e-mail address"),
            ({"introduced_by": str(dan.pk)}, "Someone cannot introduce themselves."),
            ({"introduced_by": str(self.stranger.pk)}, "No such record in this workspace."),
        ]:
            response = self.client.post(f"/people/{dan.pk}/edit/", {**FULL_FORM, **bad})
            self.assertContains(response, message, status_code=400, msg_prefix=str(bad))
            self.assertContains(response, "Edit Dan Ortiz", status_code=400)
        dan.refresh_from_db()
        assert (dan.first_name, dan.kind, dan.organization) == ("Dan", "client", None)
        assert [e.address for e in dan.emails.all()] == ["dan@acme.example"]

    def test_editing_keeps_what_the_form_has_no_room_for(self):
        emails = [Labelled("", f"dan{n}@x.example") for n in range(5)]
        addresses = [AddressInput(city="Chicago"), AddressInput(label="cabin", city="Duluth")]
        dan = person(self.workspace, "Dan", "Ortiz", emails=emails, addresses=addresses)
        form = self.client.get(f"/people/{dan.pk}/edit/")
        self.assertContains(form, 'value="dan4@x.example"')
        data = {key: value for key, value in FULL_FORM.items() if not key.startswith("email")}
        data.update({f"email_{n}": f"dan{n}@x.example" for n in range(5)})
        self.client.post(f"/people/{dan.pk}/edit/", data)
        assert dan.emails.count() == 5
        assert [a.city for a in Address.objects.filter(contact=dan).order_by("id")] == [
            "San Francisco", "Duluth",
        ]  # fmt: skip
        assert Link.objects.filter(contact=dan).count() == 1


class LookupTests(GoodwillTestCase):
    def setUp(self) -> None:
        self.dan = person(self.workspace, "Dan", "Ortiz", organization="Acme")
        person(self.other_workspace, "Dan", "Stranger")
        self.login(self.owner)

    def test_it_offers_matching_people_to_pick_or_choose(self):
        picks = self.client.get("/people/lookup/", {"q": "orti", "pick": "id_introduced_by"})
        self.assertContains(picks, f'data-pick="{self.dan.pk}"')
        self.assertContains(picks, 'data-pick-into="id_introduced_by"')
        self.assertContains(picks, "Acme")
        self.assertNotContains(picks, "Stranger")
        choices = self.client.get("/people/lookup/", {"who": "dan"})
        self.assertContains(choices, f'<input type="radio" name="contact" value="{self.dan.pk}"')
        self.assertNotContains(choices, "Stranger")

    def test_it_says_when_nobody_matches_and_never_echoes_a_bad_target(self):
        self.assertContains(self.client.get("/people/lookup/", {"q": "zzz"}), "Nobody matches")
        response = self.client.get("/people/lookup/", {"q": "dan", "pick": '"><script>'})
        self.assertNotContains(response, "<script>")
        self.assertNotContains(response, "data-pick=")
        self.assertContains(self.client.get("/people/lookup/"), "Type a name")


class OrganizationTests(GoodwillTestCase):
    def setUp(self) -> None:
        self.dan = person(self.workspace, "Dan", "Ortiz", organization="Acme", role="President")
        self.eve = person(self.workspace, "Eve", "Adams", organization="acme", kind="prospect")
        person(self.workspace, "Bo", "Berg", organization="Berg Print House")
        assert self.dan.organization is not None
        self.acme = self.dan.organization
        self.login(self.assistant)

    def test_the_list_counts_each_organisations_people(self):
        page = self.client.get("/orgs/")
        rows = [(org.name, org.people_count) for org in page.context["page"].object_list]
        assert rows == [("Acme", 2), ("Berg Print House", 1)]
        self.assertContains(page, f'href="/orgs/{self.acme.pk}/"')

    def test_the_list_costs_the_same_queries_for_any_number(self):
        small = query_count(self.client, "/orgs/")
        for number in range(60):
            person(self.workspace, f"P{number}", organization=f"Org {number:02d}")
        with self.assertNumQueries(small):
            response = self.client.get("/orgs/")
        assert len(response.context["page"].object_list) == 50
        self.assertContains(self.client.get("/orgs/?page=2"), "Org 59")

    def test_the_organisation_page_lists_its_people_with_role_and_kind(self):
        page = self.client.get(f"/orgs/{self.acme.pk}/")
        assert [c.display_name for c in page.context["page"].object_list] == [
            "Eve Adams",
            "Dan Ortiz",
        ]
        self.assertContains(page, "President")
        self.assertContains(page, '<span class="badge kind-prospect">Prospect</span>', html=True)
        self.assertNotContains(page, "Bo Berg")
        self.assertContains(page, "/people/new/?organization=Acme")

    def test_editing_renames_and_people_are_found_by_the_new_name(self):
        before = dict(
            Contact.objects.filter(organization=self.acme).values_list("pk", "updated_at")
        )
        response = self.client.post(
            f"/orgs/{self.acme.pk}/edit/",
            {"name": "Acme Holdings", "website": "https://acme.example", "notes": "Pays late"},
        )
        self.assertRedirects(response, f"/orgs/{self.acme.pk}/")
        self.acme.refresh_from_db()
        assert (self.acme.name, self.acme.website, self.acme.notes) == (
            "Acme Holdings", "https://acme.example", "Pays late",
        )  # fmt: skip
        page = self.client.get(f"/orgs/{self.acme.pk}/")
        self.assertContains(page, "Pays late")
        self.assertContains(page, 'href="https://acme.example"')
        found = self.client.get("/people/?q=holdings").context["page"].rows
        assert {row.contact.display_name for row in found} == {"Dan Ortiz", "Eve Adams"}
        # Newer cards, so that address books syncing over CardDAV fetch the new name.
        after = dict(Contact.objects.filter(organization=self.acme).values_list("pk", "updated_at"))
        assert all(after[pk] > before[pk] for pk in before)

    def test_a_bad_edit_says_why_and_changes_nothing(self):
        for data, message in [
            ({"name": ""}, "This field is required."),
            ({"name": "berg print house"}, "Another organisation is already called"),
            ({"name": "Acme", "website": "javascript:alert(1)"}, "Enter a valid URL."),
            ({"name": "A" * 201}, "at most 200 characters"),
        ]:
            response = self.client.post(f"/orgs/{self.acme.pk}/edit/", data)
            self.assertContains(response, message, status_code=400, msg_prefix=str(data))
            self.assertContains(response, "Edit Acme", status_code=400)
        self.acme.refresh_from_db()
        assert (self.acme.name, self.acme.website) == ("Acme", "")


class MentalNoteTests(GoodwillTestCase):
    def setUp(self) -> None:
        self.dan = person(self.workspace, "Dan", "Ortiz")
        self.dana = person(self.workspace, "Dana", "Ray")
        self.login(self.assistant)

    def test_the_box_is_on_every_members_page(self):
        for url in ["/", "/people/", "/orgs/", f"/people/{self.dan.pk}/"]:
            self.assertContains(
                self.client.get(url), "<summary>Mental note</summary>", msg_prefix=url
            )
        self.client.logout()
        self.assertNotContains(self.client.get("/accounts/login/"), "Mental note")

    def test_a_chosen_person_gets_the_note_and_the_member_goes_back(self):
        response = self.client.post(
            "/people/notes/quick/",
            {"who": "da", "contact": self.dana.pk, "body": "Loves *jazz*", "next": "/orgs/"},
        )
        self.assertRedirects(response, "/orgs/", fetch_redirect_response=False)
        note = Note.objects.get()
        assert (note.contact, note.author, note.body) == (self.dana, self.assistant, "Loves *jazz*")
        self.assertContains(self.client.get("/orgs/"), "Note filed on Dana Ray.")

    def test_it_goes_to_the_persons_page_rather_than_off_site(self):
        response = self.client.post(
            "/people/notes/quick/",
            {"contact": self.dan.pk, "body": "x", "next": "https://evil.example/"},
        )
        self.assertRedirects(response, f"/people/{self.dan.pk}/", fetch_redirect_response=False)

    def test_a_name_typed_without_choosing_is_looked_up(self):
        response = self.client.post("/people/notes/quick/", {"who": "ortiz", "body": "One"})
        self.assertRedirects(response, f"/people/{self.dan.pk}/", fetch_redirect_response=False)
        response = self.client.post("/people/notes/quick/", {"who": "da", "body": "Two"})
        self.assertContains(response, "Who is the note about?")
        self.assertContains(response, "Two")
        assert Note.objects.count() == 1

    def test_bad_input_keeps_the_note_and_stores_nothing(self):
        for data, message in [
            ({"contact": self.dan.pk, "body": "   "}, "Write something first."),
            ({"contact": self.dan.pk, "body": "x" * 20001}, "at most 20000 characters"),
            ({"who": "zed", "body": "Keep me"}, "Nobody matches “zed”"),
            ({"who": "", "body": "Keep me"}, "Say whom the note is about."),
        ]:
            response = self.client.post("/people/notes/quick/", data)
            self.assertContains(response, message, status_code=400, msg_prefix=str(data)[:80])
        self.assertContains(response, "Keep me", status_code=400)
        assert not Note.objects.exists()
        assert self.client.get("/people/notes/quick/").status_code == 405


class OutsiderTests(GoodwillTestCase):
    """Every page and action of this module is a 404 for another workspace's records."""

    def setUp(self) -> None:
        self.dan = person(
            self.workspace, "Dan", "Ortiz", organization="Acme", tags=["vip"],
            emails=[Labelled("", "dan@acme.example")],
        )  # fmt: skip
        assert self.dan.organization is not None
        self.acme = self.dan.organization
        self.saved = services.saved_filter_create(
            self.workspace, user=self.owner, name="VIP", query={"tag": "vip"}
        )

    def test_every_page_is_404_for_an_outsider(self):
        self.login(self.outsider)
        for url in [
            f"/people/{self.dan.pk}/edit/",
            f"/orgs/{self.acme.pk}/",
            f"/orgs/{self.acme.pk}/edit/",
        ]:
            assert self.client.get(url).status_code == 404, url
        posts: list[tuple[str, dict[str, Any]]] = [
            (f"/people/{self.dan.pk}/edit/", {**FULL_FORM, "first_name": "Hacked"}),
            (f"/orgs/{self.acme.pk}/edit/", {"name": "Hacked"}),
            (f"/people/views/{self.saved.pk}/delete/", {}),
            ("/people/notes/quick/", {"contact": self.dan.pk, "body": "Hacked"}),
        ]
        for url, data in posts:
            assert self.client.post(url, data).status_code == 404, url
        self.dan.refresh_from_db()
        self.acme.refresh_from_db()
        assert (self.dan.first_name, self.acme.name) == ("Dan", "Acme")
        assert SavedFilter.objects.filter(pk=self.saved.pk).exists()
        assert not Note.objects.exists()

    def test_an_outsider_never_sees_the_workspaces_people_in_lists(self):
        self.login(self.outsider)
        for url in [
            "/people/", "/people/?q=dan", "/people/?tag=vip", "/orgs/",
            "/people/lookup/?q=dan", "/people/lookup/?who=ortiz",
        ]:  # fmt: skip
            response = self.client.get(url)
            assert response.status_code == 200, url
            self.assertNotContains(response, "Ortiz", msg_prefix=url)
            self.assertNotContains(response, "Acme", msg_prefix=url)
        self.assertNotContains(self.client.get("/people/"), "VIP")

    def test_anonymous_visitors_are_sent_to_login(self):
        gets = [
            "/people/", "/people/new/", f"/people/{self.dan.pk}/edit/", "/people/lookup/",
            "/orgs/", f"/orgs/{self.acme.pk}/", f"/orgs/{self.acme.pk}/edit/",
        ]  # fmt: skip
        for url in gets:
            self.assertRedirects(
                self.client.get(url), f"/accounts/login/?next={url}", fetch_redirect_response=False
            )
        posts = [
            "/people/new/", "/people/bulk/", "/people/views/save/",
            f"/people/views/{self.saved.pk}/delete/", "/people/notes/quick/",
            f"/orgs/{self.acme.pk}/edit/",
        ]  # fmt: skip
        for url in posts:
            response = self.client.post(url, {"name": "x", "ids": [self.dan.pk], "kind": "friend"})
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/"), url
        assert Contact.objects.get(pk=self.dan.pk).kind == "client"
        assert SavedFilter.objects.count() == 1
