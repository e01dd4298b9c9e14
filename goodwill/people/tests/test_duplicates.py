from django.core.exceptions import ValidationError

from goodwill.core.models import AuditEvent
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import search, services
from goodwill.people.duplicates import (
    contact_merge,
    duplicates_of,
    likely_duplicates,
    merge_preview,
)
from goodwill.people.models import CircleMember, Contact, Email, Fact, Note, TimelineEntry
from goodwill.people.services import Labelled


class DuplicateTests(GoodwillTestCase):
    def contact(self, first, last="", **details):
        return services.contact_create(
            self.workspace,
            actor=self.owner,
            kind="client",
            first_name=first,
            last_name=last,
            **details,
        )

    def test_it_finds_pairs_by_email_phone_and_name(self):
        a = self.contact("Dan", "Ortiz", emails=[Labelled("", "dan@acme.example")])
        b = self.contact("Daniel", "O.", emails=[Labelled("", "DAN@acme.example")])
        c = self.contact("Eve", phones=[Labelled("", "+1 415 555 0100")])
        d = self.contact("Evie", phones=[Labelled("", "+14155550100")])
        e = self.contact("Sam", "Lee")
        f = self.contact("Sam", "LEE")
        g = self.contact("Kat", "Berg")
        h = self.contact("Katarina", "Berg")
        self.contact("Karl", "Berg")
        self.contact("Nobody", "Else")
        pairs = {(p.first.pk, p.second.pk): p.reason for p in likely_duplicates(self.workspace)}
        assert pairs == {
            (a.pk, b.pk): "same e-mail dan@acme.example",
            (c.pk, d.pk): "same phone +14155550100",
            (e.pk, f.pk): "same name",
            (g.pk, h.pk): "similar name",
        }
        assert [p.second.pk for p in duplicates_of(a)] == [b.pk]

    def test_other_workspaces_are_never_paired(self):
        self.contact("Dan", "Ortiz")
        services.contact_create(
            self.other_workspace,
            actor=self.outsider,
            kind="client",
            first_name="Dan",
            last_name="Ortiz",
        )
        assert likely_duplicates(self.workspace) == []

    def test_merging_keeps_everything_of_both(self):
        keep = self.contact("Dan", "Ortiz", emails=[Labelled("", "dan@acme.example")], tags=["vip"])
        other = self.contact(
            "Dan",
            "Ortiz",
            role="President",
            emails=[Labelled("", "dan@acme.example"), Labelled("home", "dan@home.example")],
            tags=["vip", "golf"],
        )
        services.fact_add(keep, category="like", text="Jazz")
        services.fact_add(other, category="hobby", text="Sailing")
        services.circle_add(other, name="Leo", relation="child", interests="baseball cards")
        services.note_add(other, author=self.owner, body="Old note")
        friend = self.contact("Eve", introduced_by=other.pk)
        aunt = self.contact("Ann")
        services.circle_add(aunt, name="Dan", relation="sibling", linked_contact=other.pk)
        preview = merge_preview(keep, other)
        assert preview["filled"] == ["role"]
        assert Contact.objects.filter(pk=other.pk).exists()

        contact_merge(keep, other, actor=self.owner)

        assert not Contact.objects.filter(pk=other.pk).exists()
        keep.refresh_from_db()
        assert keep.role == "President"
        assert sorted(Email.objects.filter(contact=keep).values_list("address", flat=True)) == [
            "dan@acme.example",
            "dan@home.example",
        ]
        assert sorted(Fact.objects.filter(contact=keep).values_list("text", flat=True)) == [
            "Jazz",
            "Sailing",
        ]
        assert CircleMember.objects.get(name="Leo").contact == keep
        assert Note.objects.get().contact == keep
        assert sorted(link.tag.name for link in keep.tag_links.all()) == ["golf", "vip"]
        assert Contact.objects.get(pk=friend.pk).introduced_by == keep
        assert CircleMember.objects.get(contact=aunt).linked_contact == keep
        assert TimelineEntry.objects.filter(contact=keep, kind="merged").exists()
        assert AuditEvent.objects.get(action="merge").object_id == str(keep.pk)
        hits, _ = search.search(self.workspace, "baseball")
        assert [hit.contact_id for hit in hits] == [keep.pk]

    def test_a_contact_cannot_be_merged_with_itself_or_across_workspaces(self):
        dan = self.contact("Dan")
        stranger = services.contact_create(
            self.other_workspace, actor=self.outsider, kind="client", first_name="S"
        )
        with self.assertRaises(ValidationError):
            contact_merge(dan, dan, actor=self.owner)
        with self.assertRaises(ValidationError):
            contact_merge(dan, stranger, actor=self.owner)
        assert Contact.objects.count() == 2


class MergePageAndApiTests(GoodwillTestCase):
    def setUp(self):
        self.keep = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )
        self.other = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )
        services.fact_add(self.other, category="like", text="Jazz")

    def test_the_duplicates_page_and_a_merge_after_preview(self):
        self.login(self.assistant)
        self.assertContains(self.client.get("/people/duplicates/"), "same name")
        url = f"/people/{self.keep.pk}/merge/"
        self.assertContains(self.client.get(url, {"with": self.other.pk}), "1 facts")
        self.assertContains(
            self.client.get(f"/people/{self.keep.pk}/"), "This may be the same person"
        )
        response = self.client.post(
            url, {"with": self.other.pk, "keep": self.keep.pk, "confirm": "1"}
        )
        self.assertRedirects(response, f"/people/{self.keep.pk}/")
        assert not Contact.objects.filter(pk=self.other.pk).exists()

    def test_choosing_the_other_record_to_keep(self):
        self.login(self.owner)
        url = f"/people/{self.keep.pk}/merge/"
        response = self.client.post(
            url, {"with": self.other.pk, "keep": self.other.pk, "confirm": "1"}
        )
        self.assertRedirects(response, f"/people/{self.other.pk}/")
        assert not Contact.objects.filter(pk=self.keep.pk).exists()

    def test_bad_merges_change_nothing(self):
        self.login(self.owner)
        url = f"/people/{self.keep.pk}/merge/"
        assert self.client.post(url, {"with": self.keep.pk, "confirm": "1"}).status_code == 400
        assert self.client.get(url).status_code == 404
        assert self.client.get(url, {"with": "abc"}).status_code == 404
        assert Contact.objects.count() == 2

    def test_an_outsider_gets_404(self):
        self.login(self.outsider)
        url = f"/people/{self.keep.pk}/merge/"
        assert self.client.post(url, {"with": self.other.pk, "confirm": "1"}).status_code == 404
        self.assertNotContains(self.client.get("/people/duplicates/"), "Dan Ortiz")
        response = self.api(
            "POST",
            f"contacts/{self.keep.pk}/merge",
            token=self.outsider_token,
            body={"other": self.other.pk},
        )
        assert response.status_code == 404
        assert self.api("GET", "contacts/duplicates", token=self.outsider_token).json() == []
        assert Contact.objects.count() == 2

    def test_the_api_lists_and_merges(self):
        assert self.api("GET", "contacts/duplicates").json() == [
            {"first": self.keep.pk, "second": self.other.pk, "reason": "same name"}
        ]
        response = self.api("POST", f"contacts/{self.keep.pk}/merge", body={"other": self.other.pk})
        assert response.status_code == 200
        assert not Contact.objects.filter(pk=self.other.pk).exists()
        itself = self.api("POST", f"contacts/{self.keep.pk}/merge", body={"other": self.keep.pk})
        assert itself.status_code == 422
        assert "cannot be merged with itself" in itself.json()["detail"]
