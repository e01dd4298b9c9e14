from typing import Any

import pytest

from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services
from goodwill.people.models import Contact, Fact

DAN = {
    "kind": "client",
    "first_name": "Dan",
    "last_name": "Ortiz",
    "organization": "Acme Corp",
    "role": "President",
    "emails": [{"label": "work", "address": "dan@acme.example"}],
    "phones": [{"label": "mobile", "number": "+1 415 555 0100"}],
    "tags": ["vip"],
}


class ContactApiTests(GoodwillTestCase):
    def create_dan(self):
        response = self.api("POST", "contacts", body=DAN)
        assert response.status_code == 201, response.content
        return response.json()

    def test_it_creates_and_reads_a_contact_in_the_contract_shape(self):
        dan = self.create_dan()
        assert dan["organization"] == "Acme Corp"
        assert dan["phones"] == [{"label": "mobile", "number": "+14155550100"}]
        assert dan["tags"] == ["vip"]
        assert self.api("GET", f"contacts/{dan['id']}").json() == dan

    def test_it_lists_filters_and_searches(self):
        dan = self.create_dan()
        self.api("POST", "contacts", body={"kind": "prospect", "first_name": "Eve"})
        body = self.api("GET", "contacts").json()
        # Counted up to 10,000, as every list: counting a million costs more than the page.
        assert (body["count"], body["count_exact"]) == (2, True)
        assert [c["first_name"] for c in body["items"]] == ["Eve", "Dan"]
        assert self.api("GET", "contacts?kind=client").json()["count"] == 1
        assert self.api("GET", "contacts?tag=VIP").json()["items"][0]["id"] == dan["id"]
        found = self.api("GET", "contacts?q=acm").json()
        assert (found["count"], found["count_exact"], found["items"][0]["id"]) == (
            1,
            True,
            dan["id"],
        )
        assert self.api("GET", "contacts?q=acm&kind=prospect").json()["count"] == 0

    def test_listing_costs_a_fixed_number_of_queries(self):
        for number in range(12):
            self.api("POST", "contacts", body={**DAN, "first_name": f"Dan{number}"})
        with self.assertNumQueries(9):
            assert len(self.api("GET", "contacts?limit=12").json()["items"]) == 12

    def test_it_patches_only_what_is_sent(self):
        dan = self.create_dan()
        response = self.api("PATCH", f"contacts/{dan['id']}", body={"kind": "friend", "tags": []})
        assert response.status_code == 200
        body = response.json()
        assert (body["kind"], body["tags"], body["last_name"]) == ("friend", [], "Ortiz")

    def test_bad_input_is_422_and_stores_nothing(self):
        for bad in [
            {**DAN, "emails": [{"address": "nope"}]},
            {**DAN, "phones": [{"number": "12"}]},
            {**DAN, "kind": "enemy"},
            {**DAN, "first_name": "x" * 101},
            {"kind": "client"},
            {**DAN, "cadence_days": 0},
        ]:
            response = self.api("POST", "contacts", body=bad)
            assert response.status_code == 422, bad
            assert response.json()["errors"], bad
        assert not Contact.objects.exists()

    def test_delete_erases_the_person(self):
        dan = self.create_dan()
        self.api("POST", f"contacts/{dan['id']}/facts", body={"category": "hobby", "text": "golf"})
        assert self.api("DELETE", f"contacts/{dan['id']}").status_code == 204
        assert self.api("GET", f"contacts/{dan['id']}").status_code == 404
        assert not Fact.objects.exists()


class SubResourceApiTests(GoodwillTestCase):
    def setUp(self):
        self.dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        self.base = f"contacts/{self.dan.pk}"

    def test_a_note_over_20000_characters_is_refused_and_not_stored(self):
        from django.core.exceptions import ValidationError

        from goodwill.people.models import Note

        long = {"body": "x" * 20001}
        assert self.api("POST", f"{self.base}/notes", body=long).status_code == 422
        note = services.note_add(self.dan, author=self.owner, body="short")
        # Every caller, not only the API's schema, is held to the limit.
        with pytest.raises(ValidationError, match="20,000"):
            services.note_add(self.dan, author=self.owner, body=long["body"])
        with pytest.raises(ValidationError, match="20,000"):
            services.note_update(note, **long)
        assert list(Note.objects.values_list("body", flat=True)) == ["short"]

    def test_facts_circle_dates_gifts_notes_round_trip(self):
        cases: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
            "facts": ({"category": "like", "text": "jazz", "private": True}, {"private": False}),
            "circle": (
                {
                    "name": "Leo",
                    "relation": "child",
                    "birthday": "--11-27",
                    "interests": "baseball cards",
                },
                {"birthday": "2017-11-27"},
            ),
            "dates": ({"kind": "birthday", "date": "1970-03-01"}, {"label": "Big day"}),
            "gifts": ({"description": "Rookie card", "cost": "12.50"}, {"status": "given"}),
            "notes": ({"body": "Likes **golf**"}, {"pinned": True}),
        }
        for name, (create, patch) in cases.items():
            created = self.api("POST", f"{self.base}/{name}", body=create)
            assert created.status_code == 201, (name, created.content)
            item = created.json()
            listed = self.api("GET", f"{self.base}/{name}").json()
            assert listed["count"] == 1, name
            changed = self.api("PATCH", f"{self.base}/{name}/{item['id']}", body=patch)
            assert changed.status_code == 200, (name, changed.content)
            for key, value in patch.items():
                assert changed.json()[key] == value, (name, key)
            assert self.api("DELETE", f"{self.base}/{name}/{item['id']}").status_code == 204
            assert self.api("GET", f"{self.base}/{name}").json()["count"] == 0, name

    def test_an_invalid_date_is_422_with_the_reason(self):
        response = self.api(
            "POST", f"{self.base}/dates", body={"kind": "custom", "date": "2023-02-30"}
        )
        assert response.status_code == 422
        assert "February 2023 has no day 30" in response.json()["detail"]

    def test_the_timeline_is_newest_first(self):
        services.note_add(self.dan, author=self.owner, body="Second")
        body = self.api("GET", f"{self.base}/timeline").json()
        assert [entry["kind"] for entry in body["items"]] == ["note", "created"]


class OutsiderApiTests(GoodwillTestCase):
    def test_every_people_endpoint_is_404_for_another_workspace(self):
        dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        fact = services.fact_add(dan, category="like", text="jazz")
        leo = services.circle_add(dan, name="Leo", relation="child")
        day = services.date_add(dan, kind="birthday", date="--03-01")
        gift = services.gift_add(dan, description="Card")
        note = services.note_add(dan, author=self.owner, body="Hello")
        base = f"contacts/{dan.pk}"
        reads = [
            base,
            *(
                f"{base}/{name}"
                for name in ("facts", "circle", "dates", "gifts", "notes", "timeline")
            ),
        ]
        acme = services.organization_for_name(self.workspace, "Acme")
        assert acme is not None
        reads.append(f"organizations/{acme.pk}")
        for path in reads:
            assert self.api("GET", path, token=self.outsider_token).status_code == 404, path
        items = {"facts": fact, "circle": leo, "dates": day, "gifts": gift, "notes": note}
        for name, item in items.items():
            path = f"{base}/{name}/{item.pk}"
            assert self.api("PATCH", path, token=self.outsider_token, body={}).status_code == 404
            assert self.api("DELETE", path, token=self.outsider_token).status_code == 404
        assert (
            self.api("PATCH", base, token=self.outsider_token, body={"kind": "friend"}).status_code
            == 404
        )
        assert self.api("DELETE", base, token=self.outsider_token).status_code == 404
        assert self.api("GET", "contacts", token=self.outsider_token).json()["count"] == 0
        assert self.api("GET", "contacts?q=jazz", token=self.outsider_token).json()["count"] == 0
        assert Contact.objects.get(pk=dan.pk).kind == "client"
        assert Fact.objects.filter(pk=fact.pk).exists()

    def test_a_sub_record_of_another_contact_is_404(self):
        dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        eve = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Eve"
        )
        fact = services.fact_add(eve, category="like", text="jazz")
        assert self.api("DELETE", f"contacts/{dan.pk}/facts/{fact.pk}").status_code == 404
        assert Fact.objects.filter(pk=fact.pk).exists()
