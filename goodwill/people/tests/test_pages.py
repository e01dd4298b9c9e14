from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services
from goodwill.people.models import Contact, Fact

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


class PresentationModeSearchTests(GoodwillTestCase):
    def test_search_results_show_no_matched_text_in_presentation_mode(self):
        dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        services.fact_add(dan, category="other", text="Recovering from knee surgery", private=True)
        self.login(self.owner)
        self.assertContains(self.client.get("/people/", {"q": "knee"}), "knee surgery")
        self.client.post("/people/presentation/", {"next": "/people/"})
        page = self.client.get("/people/", {"q": "knee"})
        self.assertContains(page, "Dan")
        self.assertNotContains(page, "surgery")
