import json
from decimal import Decimal

import vobject

from goodwill.core.models import AuditEvent
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import privacy, services
from goodwill.people.models import Contact
from goodwill.people.services import AddressInput, Labelled


class ExportTests(GoodwillTestCase):
    def setUp(self):
        self.ann = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Ann", last_name="Lee"
        )
        self.dan = services.contact_create(
            self.workspace,
            actor=self.owner,
            kind="client",
            first_name="Dan",
            last_name="Ortiz",
            nickname="Danny",
            organization="Acme",
            role="President",
            emails=[Labelled("work", "dan@acme.example"), Labelled("Golf club", "d@golf.example")],
            phones=[Labelled("mobile", "+1 415 555 0100")],
            addresses=[AddressInput(label="home", street="1 Main St", city="Austin")],
            links=[Labelled("website", "https://dan.example")],
            tags=["vip", "golf"],
            how_we_met="At the trade fair",
            met_at="Expo 2024",
            introduced_by=self.ann.pk,
            cadence_days=30,
        )
        services.fact_add(self.dan, category="like", text="Jazz")
        services.fact_add(self.dan, category="other", text="Knee surgery", private=True)
        self.leo = services.circle_add(
            self.dan,
            name="Leo",
            relation="child",
            birthday="--11-27",
            interests="baseball cards",
            linked_contact=self.ann.pk,
        )
        services.date_add(self.dan, kind="birthday", date="--04-12")
        services.date_add(self.dan, kind="anniversary", date="2001-06-30")
        services.date_add(self.dan, kind="custom", date="2019-02-28", label="First order")
        services.gift_add(
            self.dan, description="Cards", for_member=self.leo.pk, cost=Decimal("12.50")
        )
        services.note_add(self.dan, author=self.owner, body="Met at the **expo**", pinned=True)

    def test_the_json_export_holds_everything_in_the_contract_shape(self):
        data = privacy.contact_export(self.dan)
        assert json.loads(json.dumps(data)) == data
        assert {key: data[key] for key in ("id", "kind", "first_name", "last_name")} == {
            "id": self.dan.pk,
            "kind": "client",
            "first_name": "Dan",
            "last_name": "Ortiz",
        }
        assert (data["nickname"], data["organization"], data["role"]) == (
            "Danny",
            "Acme",
            "President",
        )
        assert data["emails"] == [
            {"label": "work", "address": "dan@acme.example"},
            {"label": "Golf club", "address": "d@golf.example"},
        ]
        assert data["phones"] == [{"label": "mobile", "number": "+14155550100"}]
        assert data["addresses"][0]["street"] == "1 Main St"
        assert data["links"] == [{"label": "website", "url": "https://dan.example"}]
        assert data["tags"] == ["golf", "vip"]
        assert (data["cadence_days"], data["how_we_met"], data["met_at"]) == (
            30,
            "At the trade fair",
            "Expo 2024",
        )
        assert data["introduced_by"] == {"id": self.ann.pk, "name": "Ann Lee"}
        assert [(f["category"], f["text"], f["private"]) for f in data["facts"]] == [
            ("like", "Jazz", False),
            ("other", "Knee surgery", True),
        ]
        [leo] = data["circle"]
        assert (leo["name"], leo["relation"], leo["birthday"], leo["interests"]) == (
            "Leo",
            "child",
            "--11-27",
            "baseball cards",
        )
        assert leo["linked_contact"] == {"id": self.ann.pk, "name": "Ann Lee"}
        assert [(d["kind"], d["date"], d["label"]) for d in data["dates"]] == [
            ("birthday", "--04-12", ""),
            ("anniversary", "2001-06-30", ""),
            ("custom", "2019-02-28", "First order"),
        ]
        [gift] = data["gifts"]
        assert gift["cost"] == "12.50"
        assert gift["for_member"] == {"id": leo["id"], "name": "Leo"}
        assert [(n["body"], n["pinned"]) for n in data["notes"]] == [("Met at the **expo**", True)]
        assert [t["kind"] for t in data["timeline"]][:1] == ["created"]
        assert "note" in [t["kind"] for t in data["timeline"]]

    def test_the_export_costs_a_fixed_number_of_queries(self):
        def export_with(extra):
            for number in range(extra):
                services.fact_add(self.dan, category="like", text=f"Thing {number}")
                services.circle_add(self.dan, name=f"Kid {number}", relation="child")
                services.note_add(self.dan, author=self.owner, body=f"Note {number}")
                services.gift_add(self.dan, description=f"Gift {number}")
            dan = Contact.objects.get(pk=self.dan.pk)
            with self.assertNumQueries(14):
                privacy.contact_export(dan)

        export_with(0)
        export_with(10)

    def test_the_vcard_reads_back_with_every_field(self):
        text = privacy.contact_vcard(self.dan)
        assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
        card = vobject.readOne(text)
        assert card.version.value == "4.0"
        assert card.fn.value == "Dan Ortiz"
        assert (card.n.value.family, card.n.value.given) == ("Ortiz", "Dan")
        assert card.nickname.value == "Danny"
        assert card.org.value == ["Acme"]
        assert card.title.value == "President"
        emails = {line.value: line.params.get("TYPE") for line in card.contents["email"]}
        # "Golf club" is no vCard type: the address goes without one.
        assert emails == {"dan@acme.example": ["work"], "d@golf.example": None}
        assert card.tel.value == "tel:+14155550100"
        assert card.tel.params == {"TYPE": ["cell"], "VALUE": ["uri"]}
        assert (card.adr.value.street, card.adr.value.city) == ("1 Main St", "Austin")
        assert card.adr.params["TYPE"] == ["home"]
        assert card.url.value == "https://dan.example"
        assert card.bday.value == "--0412"
        assert card.anniversary.value == "20010630"
        assert card.related.value == "Leo"
        assert card.related.params == {"TYPE": ["child"], "VALUE": ["text"]}
        assert sorted(card.categories.value) == ["golf", "vip"]
        assert card.note.value == "Likes: Jazz"
        assert card.kind.value == "individual"

    def test_the_vcard_leaves_private_facts_and_notes_out(self):
        text = privacy.contact_vcard(self.dan)
        assert "Knee surgery" not in text
        assert "expo" not in text

    def test_a_birthday_with_a_year_and_only_one_birthday_per_card(self):
        ann = self.ann
        services.date_add(ann, kind="birthday", date="1984-02-29")
        services.date_add(ann, kind="birthday", date="--05-01", label="Second, by mistake")
        card = vobject.readOne(privacy.contact_vcard(ann))
        assert [line.value for line in card.contents["bday"]] == ["19840229"]
        assert "note" not in card.contents

    def test_a_card_with_no_details_is_still_valid(self):
        bare = services.contact_create(
            self.workspace, actor=self.owner, kind="customer", nickname="Bubbles"
        )
        card = vobject.readOne(privacy.contact_vcard(bare))
        assert card.fn.value == "Bubbles"
        assert card.nickname.value == "Bubbles"
        assert "email" not in card.contents


class ExportAccessTests(GoodwillTestCase):
    def setUp(self):
        self.dan = services.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )

    def test_owners_export_over_the_api_and_it_is_audited(self):
        response = self.api("GET", f"contacts/{self.dan.pk}/export")
        assert response.status_code == 200
        assert response.json()["first_name"] == "Dan"
        event = AuditEvent.objects.get(action="export")
        assert (event.object_id, event.actor) == (str(self.dan.pk), self.owner)

    def test_assistants_may_not_export_or_erase_over_the_api(self):
        export = self.api("GET", f"contacts/{self.dan.pk}/export", token=self.assistant_token)
        assert export.status_code == 403
        erase = self.api("DELETE", f"contacts/{self.dan.pk}", token=self.assistant_token)
        assert erase.status_code == 403
        assert Contact.objects.filter(pk=self.dan.pk).exists()
        assert not AuditEvent.objects.filter(action="export").exists()
