from unittest.mock import patch

from django.db import connection

from goodwill.core.testing import GoodwillTestCase
from goodwill.people import search
from goodwill.people.models import (
    CircleMember,
    Contact,
    ContactTag,
    Email,
    Fact,
    Note,
    Organization,
    Phone,
    Tag,
)


class SearchTests(GoodwillTestCase):
    """Records are made with the models and indexed by hand, as the services do after a change."""

    def setUp(self):
        acme = Organization.objects.create(workspace=self.workspace, name="Acme Outdoor")
        self.dan = self.contact(first_name="Dan", last_name="Ortiz", organization=acme)
        Email.objects.create(workspace=self.workspace, contact=self.dan, address="dan@acme.example")
        Phone.objects.create(workspace=self.workspace, contact=self.dan, number="+14155550100")
        CircleMember.objects.create(
            workspace=self.workspace,
            contact=self.dan,
            name="Leo",
            relation="child",
            interests="collects baseball cards",
        )
        self.jose = self.contact(first_name="José", last_name="Núñez")
        Note.objects.create(
            workspace=self.workspace, contact=self.jose, body="Talked about Dan's baseball team"
        )
        search.index_contact(self.dan.pk)
        search.index_contact(self.jose.pk)

    def contact(self, workspace=None, **fields):
        return Contact.objects.create(workspace=workspace or self.workspace, **fields)

    def ids(self, query, workspace=None):
        hits, total = search.search(workspace or self.workspace, query)
        assert total == len(hits)
        return [hit.contact_id for hit in hits]

    def rows(self, workspace=None):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM people_search WHERE workspace_id = %s",
                [(workspace or self.workspace).pk],
            )
            return cursor.fetchone()[0]

    def test_it_finds_a_prefix_of_a_circle_members_interests_and_shows_it(self):
        hits, total = search.search(self.workspace, "baseb card")
        assert total == 1
        assert hits[0].contact_id == self.dan.pk
        assert "collects baseball cards" in hits[0].snippet
        assert hits[0].rank > 0
        assert self.ids("bas") == self.ids("baseball")

    def test_it_requires_every_word(self):
        assert set(self.ids("baseball")) == {self.dan.pk, self.jose.pk}
        assert self.ids("baseball leo") == [self.dan.pk]
        assert self.ids("baseball nobody") == []

    def test_it_ignores_accents_and_case(self):
        assert self.ids("jose nunez") == [self.jose.pk]
        assert self.ids("JOSÉ") == [self.jose.pk]
        hits, _ = search.search(self.workspace, "nunez")
        assert "José Núñez" in hits[0].snippet

    def test_it_finds_a_phone_number_however_it_is_typed(self):
        for query in ["5550100", "555 0100", "555-0100", "4155550100", "(415) 555", "+1 415 555"]:
            assert self.ids(query) == [self.dan.pk], query

    def test_it_finds_names_organisations_and_e_mails(self):
        for query in ["dan ortiz", "acme outd", "dan@acme.example", "acme.exa"]:
            assert self.ids(query) == [self.dan.pk], query

    def test_it_finds_every_part_of_the_person_record(self):
        ana = self.contact(
            first_name="Ana",
            nickname="Nan",
            role="purchase manager",
            how_we_met="Sat next to each other on a flight",
            met_at="Outdoor Retailer expo",
        )
        Fact.objects.create(
            workspace=self.workspace,
            contact=ana,
            category="food",
            text="allergic to shellfish",
            private=True,
        )
        tag = Tag.objects.create(workspace=self.workspace, name="golfers")
        ContactTag.objects.create(workspace=self.workspace, contact=ana, tag=tag)
        search.index_contact(ana.pk)
        for query in ["nan", "purchase manag", "flight", "retailer expo", "shellfish", "golf"]:
            assert self.ids(query) == [ana.pk], query

    def test_it_shows_what_matched_in_a_note(self):
        hits, _ = search.search(self.workspace, "team")
        assert hits[0].contact_id == self.jose.pk
        assert "baseball team" in hits[0].snippet

    def test_it_treats_query_syntax_as_plain_text(self):
        for query in [
            '"',
            "a*",
            "NOT",
            "-x",
            "a:b",
            "((",
            "'; drop table people_search; --",
            "NEAR(",
            "NEAR(dan ortiz, 2)",
            "dan OR jose",
            "dan AND",
            "^",
            "*",
            "!!",
            "dan & | ! <-> :*",
            "_",
            "\x00",
            "½ ﬁ \U0001d518 ١٢٣ ǅ 中文 e\u0301",
        ]:
            search.search(self.workspace, query)
        assert self.ids('"dan" -ortiz*') == [self.dan.pk]
        assert search.search(self.workspace, "  ") == ([], 0)
        assert search.search(self.workspace, "") == ([], 0)

    def test_it_never_finds_another_workspaces_people(self):
        olga = self.contact(self.other_workspace, first_name="Dan", last_name="Baker")
        search.index_contact(olga.pk)
        assert olga.pk not in self.ids("dan")
        assert self.ids("dan", self.other_workspace) == [olga.pk]
        assert self.ids("baseball", self.other_workspace) == []

    def test_it_forgets_a_contact_that_is_unindexed_or_deleted(self):
        search.unindex_contact(self.dan.pk)
        assert self.ids("baseball") == [self.jose.pk]
        jose_pk = self.jose.pk
        self.jose.delete()
        search.index_contact(jose_pk)
        assert self.ids("baseball") == []
        assert self.rows() == 0

    def test_it_follows_a_change_when_reindexed(self):
        Contact.objects.filter(pk=self.dan.pk).update(last_name="Ortega")
        search.index_contact(self.dan.pk)
        assert self.ids("ortega") == [self.dan.pk]
        assert self.ids("ortiz") == []

    def test_it_pages_the_hits_and_counts_them_all(self):
        people = [self.contact(first_name=f"Pat{n}", last_name="Lee") for n in range(5)]
        for person in people:
            search.index_contact(person.pk)
        first, total = search.search(self.workspace, "lee", limit=2)
        second, _ = search.search(self.workspace, "lee", limit=2, offset=2)
        last, _ = search.search(self.workspace, "lee", limit=2, offset=4)
        assert total == 5
        assert (len(first), len(second), len(last)) == (2, 2, 1)
        pages = [hit.contact_id for hit in first + second + last]
        assert sorted(pages) == [person.pk for person in people]
        assert search.search(self.workspace, "lee", limit=2, offset=10) == ([], 5)
        assert search.search(self.workspace, "lee", limit=0) == ([], 5)

    def test_it_ranks_a_name_before_a_passing_mention(self):
        baker = self.contact(first_name="Bea", last_name="Baker")
        customer = self.contact(first_name="Carl", last_name="Chu")
        Note.objects.create(
            workspace=self.workspace,
            contact=customer,
            body="Buys bread for the office every Friday; asked the baker about rye and spelt.",
        )
        for person in (customer, baker):
            search.index_contact(person.pk)
        hits, _ = search.search(self.workspace, "baker")
        assert [hit.contact_id for hit in hits] == [baker.pk, customer.pk]
        assert hits[0].rank > hits[1].rank

    def test_it_counts_up_to_a_cap_and_says_there_are_more(self):
        for n in range(5):
            search.index_contact(self.contact(first_name=f"Pat{n}", last_name="Lee").pk)
        with patch.object(search, "COUNTED", 3):
            hits, total = search.search(self.workspace, "lee", limit=2)
            assert (len(hits), total) == (2, 4)  # 4: more than 3
            self.login(self.owner)
            page = self.client.get("/people/?q=lee")
            listed = self.api("GET", "contacts?q=lee&limit=2").json()
        self.assertContains(page, "More than 3 matches for")
        assert (listed["count"], listed["count_exact"], len(listed["items"])) == (3, False, 2)
        assert search.search(self.workspace, "lee")[1] == 5

    def test_among_many_matches_the_names_are_ranked_first(self):
        # Ten people mention bakers in notes, made first so they come first in the table; only
        # a window of the first matches is ranked (three here), yet the Baker whose name
        # matches comes first.
        for n in range(10):
            mention = self.contact(first_name=f"Carl{n}", last_name="Chu")
            Note.objects.create(
                workspace=self.workspace, contact=mention, body="Asked the baker about rye."
            )
            search.index_contact(mention.pk)
        baker = self.contact(first_name="Bea", last_name="Baker")
        search.index_contact(baker.pk)
        with patch.object(search, "RANKED", 2), patch.object(search, "COUNTED", 2):
            hits, total = search.search(self.workspace, "baker", limit=1)
            deeper, _ = search.search(self.workspace, "baker", limit=5, offset=5)
        assert ([hit.contact_id for hit in hits], total) == ([baker.pk], 3)  # more than 2
        # A page deeper than the window widens it: the page is full.
        assert len(deeper) == 5

    def test_it_reindexes_a_workspace_in_batches(self):
        people = [self.contact(first_name="Kim", last_name=f"Park{n}") for n in range(4)]
        gone = self.contact(first_name="Kim", last_name="Gone")
        search.index_contact(gone.pk)
        Contact.objects.filter(pk=gone.pk).delete()
        assert search.reindex_workspace(self.workspace.pk, batch_size=2) == 6
        assert sorted(self.ids("kim")) == [person.pk for person in people]
        assert self.ids("baseball leo") == [self.dan.pk]
        assert self.ids("dan") == [self.dan.pk, self.jose.pk]
        assert self.rows() == 6

    def test_reindexing_a_deleted_workspace_removes_its_entries(self):
        olga = self.contact(self.other_workspace, first_name="Olga")
        search.index_contact(olga.pk)
        Contact.objects.filter(pk=olga.pk).delete()
        assert search.reindex_workspace(self.other_workspace.pk) == 0
        assert self.rows(self.other_workspace) == 0
        assert self.rows() == 2

    def test_a_snippet_shows_the_words_around_the_best_match(self):
        text = "one two three four five six seven eight nine ten eleven twelve baseball cards"
        assert search.snippet(text, ["baseb", "card"]) == (
            "…three four five six seven eight nine ten eleven twelve baseball cards"
        )
        assert search.snippet("Met José at the\nexpo", ["jose"]) == "Met José at the expo"
        assert search.snippet("nothing here", ["baseb"]) == ""
