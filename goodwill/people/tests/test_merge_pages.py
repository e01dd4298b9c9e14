import json

import vobject

from goodwill.core.models import AuditEvent
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services
from goodwill.people.models import Contact, Fact, TimelineEntry


class MergePageTests(GoodwillTestCase):
    def setUp(self):
        self.keep = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )
        self.other = services.contact_create(
            self.workspace,
            actor=self.owner,
            kind="client",
            first_name="Dan",
            last_name="Ortiz",
            role="President",
        )
        services.fact_add(self.other, category="like", text="Jazz")
        self.url = f"/people/{self.keep.pk}/merge/"

    def state(self):
        return (
            sorted(Contact.objects.values_list("pk", flat=True)),
            sorted(Fact.objects.values_list("contact_id", flat=True)),
            TimelineEntry.objects.count(),
            AuditEvent.objects.filter(action="merge").count(),
        )

    def test_the_duplicates_page_lists_pairs_with_a_review_link(self):
        self.login(self.assistant)
        response = self.client.get("/people/duplicates/")
        self.assertContains(response, "same name")
        self.assertContains(response, f'href="{self.url}?with={self.other.pk}"')

    def test_the_preview_shows_both_and_the_result(self):
        self.login(self.assistant)
        response = self.client.get(self.url, {"with": self.other.pk})
        assert response.status_code == 200
        self.assertContains(response, "President")
        self.assertContains(response, '<th scope="row">Facts</th><td>0</td><td>1</td>')
        self.assertContains(response, f"Merge into #{self.keep.pk} Dan Ortiz")
        self.assertContains(response, "goodwill/merge.css")
        assert Contact.objects.filter(pk=self.other.pk).exists()

    def test_assistants_merge_after_the_preview(self):
        self.login(self.assistant)
        response = self.client.post(self.url, {"with": self.other.pk, "keep": self.keep.pk})
        self.assertRedirects(response, f"/people/{self.keep.pk}/")
        assert not Contact.objects.filter(pk=self.other.pk).exists()
        assert Fact.objects.get().contact_id == self.keep.pk
        assert AuditEvent.objects.get(action="merge").actor == self.assistant

    def test_choosing_the_other_record_to_keep(self):
        self.login(self.owner)
        preview = self.client.get(self.url, {"with": self.other.pk, "keep": self.other.pk})
        self.assertContains(preview, f"Merge into #{self.other.pk} Dan Ortiz")
        response = self.client.post(self.url, {"with": self.other.pk, "keep": self.other.pk})
        self.assertRedirects(response, f"/people/{self.other.pk}/")
        assert not Contact.objects.filter(pk=self.keep.pk).exists()

    def test_a_merge_with_itself_is_refused_and_changes_nothing(self):
        self.login(self.owner)
        before = self.state()
        for method in (self.client.get, self.client.post):
            response = method(self.url, {"with": self.keep.pk})
            assert response.status_code == 400
            self.assertContains(response, "cannot be merged with itself", status_code=400)
        assert self.state() == before

    def test_bad_input_gets_a_clear_answer_and_changes_nothing(self):
        self.login(self.owner)
        before = self.state()
        missing = self.client.post(self.url, {})
        self.assertContains(missing, "Choose the record to merge with", status_code=400)
        stray = self.client.post(self.url, {"with": self.other.pk, "keep": "12345678"})
        self.assertContains(stray, "Choose which of the two records stays", status_code=400)
        assert self.client.get(self.url, {"with": "abc"}).status_code == 404
        assert self.client.post(self.url, {"with": "12345678"}).status_code == 404
        assert (
            self.client.get("/people/12345678/merge/", {"with": self.other.pk}).status_code == 404
        )
        assert self.state() == before

    def test_another_workspace_s_record_is_a_404(self):
        stranger = services.contact_create(
            self.other_workspace, actor=self.outsider, kind="client", first_name="Dan"
        )
        self.login(self.owner)
        before = self.state()
        assert self.client.get(self.url, {"with": stranger.pk}).status_code == 404
        assert self.client.post(self.url, {"with": stranger.pk}).status_code == 404
        assert self.state() == before
        assert Contact.objects.filter(pk=stranger.pk).exists()


class OutsiderTests(GoodwillTestCase):
    """Every page of this module, one by one: another workspace's contact is a 404."""

    def setUp(self):
        self.dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )
        self.twin = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )
        self.mine = services.contact_create(
            self.other_workspace, actor=self.outsider, kind="client", first_name="Olga"
        )
        self.login(self.outsider)

    def test_the_duplicates_page_shows_only_their_own_workspace(self):
        response = self.client.get("/people/duplicates/")
        assert response.status_code == 200
        self.assertNotContains(response, "Dan Ortiz")

    def test_the_merge_page(self):
        url = f"/people/{self.dan.pk}/merge/"
        assert self.client.get(url, {"with": self.twin.pk}).status_code == 404
        assert self.client.post(url, {"with": self.twin.pk}).status_code == 404
        own = f"/people/{self.mine.pk}/merge/"
        assert self.client.get(own, {"with": self.dan.pk}).status_code == 404
        assert self.client.post(own, {"with": self.dan.pk, "keep": self.dan.pk}).status_code == 404
        assert Contact.objects.count() == 3

    def test_the_json_export(self):
        assert self.client.get(f"/people/{self.dan.pk}/export.json").status_code == 404

    def test_the_vcard_export(self):
        assert self.client.get(f"/people/{self.dan.pk}/export.vcf").status_code == 404
        assert not AuditEvent.objects.filter(action="export").exists()


class ExportPageTests(GoodwillTestCase):
    def setUp(self):
        self.dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )
        services.fact_add(self.dan, category="like", text="Jazz")
        services.fact_add(self.dan, category="other", text="Knee surgery", private=True)
        services.date_add(self.dan, kind="birthday", date="--04-12")

    def test_owners_download_everything_as_json(self):
        self.login(self.owner)
        response = self.client.get(f"/people/{self.dan.pk}/export.json")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert (
            response["Content-Disposition"] == f'attachment; filename="contact-{self.dan.pk}.json"'
        )
        data = json.loads(response.content)
        assert data["first_name"] == "Dan"
        assert {f["text"] for f in data["facts"]} == {"Jazz", "Knee surgery"}
        event = AuditEvent.objects.get(action="export")
        assert (event.object_id, event.actor) == (str(self.dan.pk), self.owner)

    def test_owners_download_a_vcard_without_private_facts(self):
        self.login(self.owner)
        response = self.client.get(f"/people/{self.dan.pk}/export.vcf")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/vcard")
        assert (
            response["Content-Disposition"] == f'attachment; filename="contact-{self.dan.pk}.vcf"'
        )
        card = vobject.readOne(response.content.decode())
        assert (card.fn.value, card.bday.value) == ("Dan Ortiz", "--0412")
        assert b"Knee surgery" not in response.content
        assert AuditEvent.objects.filter(action="export").count() == 1

    def test_assistants_may_not_export(self):
        self.login(self.assistant)
        for suffix in ("export.json", "export.vcf"):
            assert self.client.get(f"/people/{self.dan.pk}/{suffix}").status_code == 403
        assert not AuditEvent.objects.filter(action="export").exists()

    def test_signed_out_visitors_go_to_the_login_page(self):
        response = self.client.get(f"/people/{self.dan.pk}/export.json")
        assert response.status_code == 302
        assert "/login" in response["Location"]
