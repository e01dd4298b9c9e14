from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from goodwill.core.models import AuditEvent
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import search, services
from goodwill.people.duplicates import (
    MAX_SHARING,
    _references,
    _similar_names,
    contact_merge,
    duplicates_of,
    likely_duplicates,
    merge_preview,
)
from goodwill.people.models import (
    CircleMember,
    Contact,
    Email,
    Fact,
    Gift,
    ImportantDate,
    Note,
    Phone,
    TimelineEntry,
)
from goodwill.people.services import AddressInput, Labelled
from goodwill.touchpoints.models import Participation, RapportScore
from goodwill.touchpoints.services import interaction_log, rapport_refresh


class Builder(GoodwillTestCase):
    def contact(self, first, last="", **details):
        return services.contact_create(
            self.workspace,
            actor=self.owner,
            kind=details.pop("kind", "client"),
            first_name=first,
            last_name=last,
            **details,
        )

    def pairs(self, **kwargs):
        return {
            (p.first.pk, p.second.pk): p.reason for p in likely_duplicates(self.workspace, **kwargs)
        }


class LikelyDuplicateTests(Builder):
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
        assert self.pairs() == {
            (a.pk, b.pk): "same e-mail dan@acme.example",
            (c.pk, d.pk): "same phone +1 415-555-0100",
            (e.pk, f.pk): "same name",
            (g.pk, h.pk): "similar name",
        }
        assert [(p.second.pk, p.reason) for p in duplicates_of(a)] == [
            (b.pk, "same e-mail dan@acme.example")
        ]
        assert [p.second.pk for p in duplicates_of(h)] == [g.pk]
        # On a contact's page, every namesake alike with them, whoever came first.
        third = self.contact("Sam", "Lee")
        assert [(p.second.pk, p.reason) for p in duplicates_of(f)] == [
            (e.pk, "same name"),
            (third.pk, "same name"),
        ]

    def test_names_one_letter_apart_or_a_nickname_are_alike_but_short_names_are_not(self):
        jon = self.contact("Jon", "Smith")
        john = self.contact("John", "Smith")
        eric = self.contact("Eric", "Hale")
        erik = self.contact("Erik", "Hale")
        bob = self.contact("Bob", "Ray")
        robert = self.contact("Robert", "Ray", nickname="Bob")
        self.contact("Dan", "Moss")
        self.contact("Jan", "Moss")
        accented = self.contact("José", "Díaz")
        jose = self.contact("Jose", "Díaz")
        assert self.pairs() == {
            (jon.pk, john.pk): "similar name",
            (eric.pk, erik.pk): "similar name",
            (bob.pk, robert.pk): "similar name",
            (accented.pk, jose.pk): "same name",
        }

    def test_similar_names_cost_lookups_not_a_comparison_of_every_pair(self):
        assert _similar_names(["abcd", "acde"]) == set()  # two edits apart
        assert _similar_names(["mark", "mary"]) == {("mark", "mary")}
        assert _similar_names(["ann", "anna", "annabel"]) == {
            ("ann", "anna"),
            ("ann", "annabel"),
            ("anna", "annabel"),
        }

    def test_one_pair_with_every_reason(self):
        a = self.contact("Dan", "Ortiz", emails=[Labelled("", "dan@acme.example")])
        b = self.contact(
            "Dan",
            "Ortiz",
            emails=[Labelled("", "dan@acme.example")],
            phones=[Labelled("", "+14155550100")],
        )
        services.contact_update(a, actor=self.owner, phones=[Labelled("", "+14155550100")])
        assert self.pairs() == {
            (a.pk, b.pk): "same e-mail dan@acme.example, same phone +1 415-555-0100, same name"
        }

    def test_a_shared_office_line_is_not_a_duplicate(self):
        for number in range(MAX_SHARING + 1):
            self.contact(
                f"Person{number}", f"Family{number}", phones=[Labelled("", "+14155550100")]
            )
        one = self.contact("Tom", "Ray", emails=[Labelled("", "info@acme.example")])
        assert self.pairs() == {}
        assert duplicates_of(one) == []

    def test_the_limit_bounds_the_list(self):
        for number in range(5):
            self.contact("Sam", f"Lee{number}")
            self.contact("Sam", f"Lee{number}")
        assert len(self.pairs(limit=3)) == 3
        assert len(self.pairs()) == 5

    def test_other_workspaces_are_never_paired(self):
        mine = self.contact("Dan", "Ortiz", emails=[Labelled("", "dan@acme.example")])
        services.contact_create(
            self.other_workspace,
            actor=self.outsider,
            kind="client",
            first_name="Dan",
            last_name="Ortiz",
            emails=[Labelled("", "dan@acme.example")],
        )
        assert likely_duplicates(self.workspace) == []
        assert duplicates_of(mine) == []

    def test_it_costs_a_fixed_number_of_queries(self):
        for number in range(20):
            self.contact("Sam", f"Lee{number}", emails=[Labelled("", f"s{number}@x.example")])
            self.contact("Sam", f"Lee{number}", emails=[Labelled("", f"s{number}@x.example")])
        with self.assertNumQueries(7):
            assert len(likely_duplicates(self.workspace)) == 20
        one = Contact.objects.select_related("workspace").filter(last_name="Lee3")[0]
        with self.assertNumQueries(4):
            assert len(duplicates_of(one)) == 1


class MergeTests(Builder):
    def setUp(self):
        self.keep = self.contact(
            "Dan",
            "Ortiz",
            emails=[Labelled("", "dan@acme.example")],
            addresses=[AddressInput(city="Austin")],
            tags=["vip"],
            how_we_met="Trade fair",
        )
        self.other = self.contact(
            "Daniel",
            "Ortiz",
            kind="prospect",
            role="President",
            organization="Acme",
            emails=[Labelled("work", "DAN@acme.example"), Labelled("home", "dan@home.example")],
            phones=[Labelled("mobile", "+14155550100")],
            addresses=[AddressInput(city="austin"), AddressInput(city="Boston")],
            tags=["vip", "golf"],
            cadence_days=30,
        )

    def fill_both(self):
        keep, other = self.keep, self.other
        services.fact_add(keep, category="like", text="Jazz")
        services.fact_add(other, category="hobby", text="Sailing", private=True)
        leo = services.circle_add(other, name="Leo", relation="child", interests="baseball cards")
        services.circle_add(keep, name="Maria", relation="spouse")
        services.date_add(keep, kind="birthday", date="--04-12")
        services.date_add(other, kind="client_since", date="2019-01-01")
        services.gift_add(other, description="Cards", for_member=leo.pk)
        services.note_add(keep, author=self.owner, body="Keep's note")
        services.note_add(other, author=self.owner, body="Other's note")
        return leo

    def test_merging_keeps_everything_of_both(self):
        leo = self.fill_both()
        # Each was introduced by the other (two records of one person), and a third party each.
        services.contact_update(self.keep, actor=self.owner, introduced_by=self.other.pk)
        friend = self.contact("Eve", introduced_by=self.other.pk)
        aunt = self.contact("Ann")
        services.circle_add(aunt, name="Dan", relation="sibling", linked_contact=self.other.pk)
        timeline_before = TimelineEntry.objects.filter(contact__in=[self.keep, self.other]).count()

        contact_merge(self.keep, self.other, actor=self.owner)

        assert not Contact.objects.filter(pk=self.other.pk).exists()
        keep = Contact.objects.select_related("organization").get(pk=self.keep.pk)
        assert (keep.first_name, keep.kind, keep.role, str(keep.organization)) == (
            "Dan",
            "client",
            "President",
            "Acme",
        )
        assert (keep.cadence_days, keep.how_we_met, keep.introduced_by) == (30, "Trade fair", None)
        emails = Email.objects.filter(contact=keep).order_by("id")
        assert [(e.label, e.address) for e in emails] == [
            ("work", "dan@acme.example"),
            ("home", "dan@home.example"),
        ]
        assert list(Phone.objects.filter(contact=keep).values_list("number", flat=True)) == [
            "+14155550100"
        ]
        assert sorted(a.city for a in keep.addresses.all()) == ["Austin", "Boston"]
        assert sorted(link.tag.name for link in keep.tag_links.all()) == ["golf", "vip"]
        assert sorted(Fact.objects.filter(contact=keep).values_list("text", "private")) == [
            ("Jazz", False),
            ("Sailing", True),
        ]
        assert sorted(m.name for m in CircleMember.objects.filter(contact=keep)) == ["Leo", "Maria"]
        assert ImportantDate.objects.filter(contact=keep).count() == 2
        assert Gift.objects.get(description="Cards").contact == keep
        assert Gift.objects.get(description="Cards").for_member == leo
        notes = Note.objects.filter(contact=keep)
        assert {"Keep's note", "Other's note"} <= {n.body for n in notes}
        # Where both differ, nothing is lost: the other's first name and kind go into a note.
        aside = notes.get(body__startswith="Merged with another record")
        assert "- First name: Daniel" in aside.body
        assert "- Kind: Prospect" in aside.body
        assert Contact.objects.get(pk=friend.pk).introduced_by == keep
        assert CircleMember.objects.get(contact=aunt).linked_contact == keep
        timeline = TimelineEntry.objects.filter(contact=keep)
        assert timeline.count() == timeline_before + 1
        assert timeline.get(kind="merged").title.startswith("Merged with a duplicate record")
        assert AuditEvent.objects.get(action="merge").object_id == str(keep.pk)
        hits, _ = search.search(self.workspace, "baseball")
        assert [hit.contact_id for hit in hits] == [keep.pk]
        hits, _ = search.search(self.workspace, "Daniel")
        assert [hit.contact_id for hit in hits] == [keep.pk]

    def test_the_preview_shows_the_result_without_writing(self):
        self.fill_both()
        services.contact_update(self.keep, actor=self.owner, introduced_by=self.other.pk)
        keep, other = (
            Contact.objects.select_related("workspace", "organization", "introduced_by")
            .filter(pk__in=[self.keep.pk, self.other.pk])
            .order_by("pk")
        )
        # One count for each other capability's reference to a contact.
        elsewhere = [model for model, _ in _references() if model._meta.app_label != "people"]
        with self.assertNumQueries(13 + len(elsewhere)):
            preview = merge_preview(keep, other)
        rows = {row.label: row for row in preview["fields"]}
        assert (rows["First name"].keep, rows["First name"].other) == ("Dan", "Daniel")
        assert (rows["First name"].result, rows["First name"].aside) == ("Dan", True)
        assert (rows["Role"].keep, rows["Role"].result) == ("", "President")
        assert rows["Organisation"].result == "Acme"
        assert rows["Keep in touch"].result == "every 30 days"
        assert rows["Introduced by"].result == ""
        assert preview["filled"] == ["Organisation", "Role", "Keep in touch"]
        assert [label for label, _ in preview["aside"]] == ["First name", "Kind"]
        details = {row.label: row for row in preview["details"]}
        assert details["E-mails"].result == "dan@acme.example, dan@home.example (home)"
        assert details["Addresses"].result == "Austin, Boston"
        assert details["Tags"].result == "vip, golf"
        counts = {row.label: (row.keep, row.other, row.result) for row in preview["counts"]}
        assert counts["facts"] == ("1", "1", "2")
        # The merge adds a note of the other's differing values, and a timeline entry.
        assert counts["notes"] == ("1", "1", "3")
        keep_entries = TimelineEntry.objects.filter(contact=self.keep).count()
        other_entries = TimelineEntry.objects.filter(contact=self.other).count()
        assert counts["timeline entries"] == (
            str(keep_entries),
            str(other_entries),
            str(keep_entries + other_entries + 1),
        )
        assert Contact.objects.filter(pk=self.other.pk).exists()
        assert Email.objects.filter(contact=self.other).count() == 2
        assert not AuditEvent.objects.filter(action="merge").exists()

    def test_interactions_of_both_stay_with_the_person(self):
        eve = self.contact("Eve")
        both = interaction_log(
            self.workspace,
            actor=self.owner,
            kind="meal",
            contact_ids=[self.keep.pk, self.other.pk, eve.pk],
        )
        later = timezone.now() - timedelta(days=1)
        alone = interaction_log(
            self.workspace,
            actor=self.owner,
            kind="call",
            contact_ids=[self.other.pk],
            occurred_at=later,
        )
        rapport_refresh(self.workspace, [self.keep.pk, self.other.pk])
        preview = merge_preview(self.keep, self.other)
        assert preview["references"]["participations"] == 2

        contact_merge(self.keep, self.other, actor=self.owner)

        parts = Participation.objects.filter(contact=self.keep)
        assert sorted(p.interaction_id for p in parts) == sorted([both.pk, alone.pk])
        assert Participation.objects.filter(interaction=both).count() == 2
        assert RapportScore.objects.filter(contact=self.keep).count() == 1
        assert Contact.objects.get(pk=self.keep.pk).last_touch_at is not None

    def test_a_contact_cannot_be_merged_with_itself_or_across_workspaces(self):
        stranger = services.contact_create(
            self.other_workspace, actor=self.outsider, kind="client", first_name="S"
        )
        before = Contact.objects.count(), Email.objects.count(), TimelineEntry.objects.count()
        with self.assertRaisesMessage(ValidationError, "cannot be merged with itself"):
            contact_merge(self.keep, self.keep, actor=self.owner)
        with self.assertRaisesMessage(ValidationError, "cannot be merged with itself"):
            merge_preview(self.keep, Contact.objects.get(pk=self.keep.pk))
        with self.assertRaisesMessage(ValidationError, "one workspace"):
            contact_merge(self.keep, stranger, actor=self.owner)
        after = Contact.objects.count(), Email.objects.count(), TimelineEntry.objects.count()
        assert before == after
        assert not AuditEvent.objects.filter(action="merge").exists()

    def test_a_record_merged_meanwhile_is_refused(self):
        stale = Contact.objects.get(pk=self.other.pk)
        contact_merge(self.keep, self.other, actor=self.owner)
        with self.assertRaisesMessage(ValidationError, "was just removed or merged"):
            contact_merge(self.keep, stale, actor=self.owner)


class DuplicateApiTests(Builder):
    def setUp(self):
        self.keep = self.contact("Dan", "Ortiz")
        self.other = self.contact("Dan", "Ortiz")

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

    def test_an_outsider_gets_404_and_sees_nothing(self):
        response = self.api(
            "POST",
            f"contacts/{self.keep.pk}/merge",
            token=self.outsider_token,
            body={"other": self.other.pk},
        )
        assert response.status_code == 404
        assert self.api("GET", "contacts/duplicates", token=self.outsider_token).json() == []
        assert Contact.objects.count() == 2
