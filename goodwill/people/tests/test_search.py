import pytest

from goodwill.core.testing import GoodwillTestCase
from goodwill.people import search, services
from goodwill.people.services import Labelled


class SearchTests(GoodwillTestCase):
    def setUp(self):
        self.dan = services.contact_create(
            self.workspace,
            actor=self.owner,
            kind="client",
            first_name="Dan",
            last_name="Ortiz",
            organization="Acme Outdoor",
            phones=[Labelled("mobile", "+1 415 555 0100")],
            emails=[Labelled("", "dan@acme.example")],
        )
        services.circle_add(
            self.dan, name="Leo", relation="child", interests="collects baseball cards"
        )
        self.jose = services.contact_create(
            self.workspace, actor=self.owner, kind="friend", first_name="José", last_name="Núñez"
        )
        services.note_add(self.jose, author=self.owner, body="Talked about Dan's baseball team")

    def ids(self, query, workspace=None):
        hits, total = search.search(workspace or self.workspace, query)
        assert total == len(hits)
        return [hit.contact_id for hit in hits]

    def test_a_prefix_finds_a_circle_members_interests_with_the_matched_text(self):
        hits, total = search.search(self.workspace, "baseb card")
        assert total == 1
        assert hits[0].contact_id == self.dan.pk
        assert "baseball cards" in hits[0].snippet

    def test_every_word_must_match(self):
        assert set(self.ids("baseball")) == {self.dan.pk, self.jose.pk}
        assert self.ids("baseball leo") == [self.dan.pk]
        assert self.ids("baseball nobody") == []

    def test_accents_do_not_matter(self):
        assert self.ids("jose nunez") == [self.jose.pk]
        assert self.ids("JOSÉ") == [self.jose.pk]

    def test_phones_e_mails_and_organisations_are_found(self):
        for query in ["5550100", "555 0100", "4155550100", "+1 415", "dan@acme", "acme outd"]:
            assert self.ids(query) == [self.dan.pk], query

    @pytest.mark.filterwarnings("ignore")
    def test_hostile_queries_are_plain_text(self):
        for query in [
            '"',
            "a*",
            "NOT",
            "-x",
            "a:b",
            "((",
            "'; drop table people_search; --",
            "NEAR(",
            "^",
            "*",
        ]:
            search.search(self.workspace, query)
        assert search.search(self.workspace, "  ") == ([], 0)
        assert self.ids("ortiz") == [self.dan.pk]

    def test_another_workspaces_people_are_never_found(self):
        other = services.contact_create(
            self.other_workspace,
            actor=self.outsider,
            kind="client",
            first_name="Dan",
            last_name="Other",
        )
        assert other.pk not in self.ids("dan")
        assert self.ids("dan", self.other_workspace) == [other.pk]
        assert self.ids("baseball", self.other_workspace) == []

    def test_the_index_follows_changes_and_erasure(self):
        services.contact_update(self.dan, actor=self.owner, last_name="Ortega")
        assert self.ids("ortega") == [self.dan.pk]
        assert self.ids("ortiz") == []
        services.contact_erase(self.dan, actor=self.owner)
        assert self.ids("baseball") == [self.jose.pk]

    def test_results_page_and_count(self):
        for number in range(5):
            services.contact_create(
                self.workspace,
                actor=self.owner,
                kind="prospect",
                first_name=f"Pat{number}",
                last_name="Lee",
            )
        first, total = search.search(self.workspace, "lee", limit=2)
        second, _ = search.search(self.workspace, "lee", limit=2, offset=2)
        assert total == 5
        assert len(first) == len(second) == 2
        assert not {h.contact_id for h in first} & {h.contact_id for h in second}

    def test_a_workspace_can_be_reindexed(self):
        # No search between unindex and reindex: see SqliteSearch.write on SQLite 3.40's FTS5.
        search.unindex_contact(self.dan.pk)
        assert search.reindex_workspace(self.workspace.pk) == 2
        assert self.ids("leo") == [self.dan.pk]
        search.unindex_contact(self.dan.pk)
        assert self.ids("leo") == []

    def test_a_name_match_ranks_before_a_passing_mention(self):
        assert self.ids("dan")[0] == self.dan.pk
