import json

import vobject

from goodwill.core.models import AuditEvent
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import privacy, services
from goodwill.people.models import Contact
from goodwill.people.services import AddressInput, Labelled


class ExportTests(GoodwillTestCase):
    def setUp(self):
        self.dan = services.contact_create(
            self.workspace,
            actor=self.owner,
            kind="client",
            first_name="Dan",
            last_name="Ortiz",
            nickname="Danny",
            organization="Acme",
            role="President",
            emails=[Labelled("work", "dan@acme.example")],
            phones=[Labelled("mobile", "+1 415 555 0100")],
            addresses=[AddressInput(street="1 Main St", city="Austin", country="USA")],
            tags=["vip"],
        )
        services.fact_add(self.dan, category="like", text="Jazz")
        services.fact_add(self.dan, category="other", text="Knee surgery", private=True)
        leo = services.circle_add(self.dan, name="Leo", relation="child", birthday="--11-27")
        services.date_add(self.dan, kind="birthday", date="--04-12")
        services.date_add(self.dan, kind="anniversary", date="2001-06-30")
        services.gift_add(self.dan, description="Cards", for_member=leo.pk)
        services.note_add(self.dan, author=self.owner, body="Met at the expo")

    def test_the_json_export_holds_everything_in_the_contract_shape(self):
        data = privacy.contact_export(self.dan)
        json.dumps(data)
        assert data["organization"] == "Acme"
        assert data["phones"] == [{"label": "mobile", "number": "+14155550100"}]
        assert {f["text"] for f in data["facts"]} == {"Jazz", "Knee surgery"}
        assert data["circle"][0]["birthday"] == "--11-27"
        assert {d["date"] for d in data["dates"]} == {"--04-12", "2001-06-30"}
        assert data["gifts"][0]["for"] == "Leo"
        assert data["notes"][0]["body"] == "Met at the expo"
        assert data["tags"] == ["vip"]
        assert [t["kind"] for t in data["timeline"]] == ["created", "note"]

    def test_the_export_costs_a_fixed_number_of_queries(self):
        dan = Contact.objects.select_related("organization", "introduced_by", "workspace").get(
            pk=self.dan.pk
        )
        with self.assertNumQueries(11):
            privacy.contact_export(dan)

    def test_the_vcard_reads_back_and_leaves_private_facts_out(self):
        text = privacy.contact_vcard(self.dan)
        card = vobject.readOne(text)
        assert card.version.value == "4.0"
        assert card.fn.value == "Dan Ortiz"
        assert card.nickname.value == "Danny"
        assert card.org.value == ["Acme"]
        assert card.email.value == "dan@acme.example"
        assert card.tel.value == "tel:+14155550100"
        assert card.bday.value == "--0412"
        assert card.anniversary.value == "20010630"
        assert card.categories.value == ["vip"]
        assert "Jazz" in card.note.value
        assert "Knee surgery" not in text


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
        assert (
            self.api(
                "GET", f"contacts/{self.dan.pk}/export", token=self.assistant_token
            ).status_code
            == 403
        )
        assert (
            self.api("DELETE", f"contacts/{self.dan.pk}", token=self.assistant_token).status_code
            == 403
        )
        assert Contact.objects.filter(pk=self.dan.pk).exists()

    def test_an_outsider_gets_404(self):
        assert (
            self.api("GET", f"contacts/{self.dan.pk}/export", token=self.outsider_token).status_code
            == 404
        )
        self.login(self.outsider)
        for suffix in ("export.json", "export.vcf"):
            assert self.client.get(f"/people/{self.dan.pk}/{suffix}").status_code == 404

    def test_owners_download_json_and_vcard_pages_and_assistants_may_not(self):
        self.login(self.owner)
        data = self.client.get(f"/people/{self.dan.pk}/export.json")
        assert data["Content-Disposition"] == f'attachment; filename="contact-{self.dan.pk}.json"'
        assert json.loads(data.content)["first_name"] == "Dan"
        card = self.client.get(f"/people/{self.dan.pk}/export.vcf")
        assert card["Content-Type"].startswith("text/vcard")
        assert b"FN:Dan" in card.content
        self.login(self.assistant)
        assert self.client.get(f"/people/{self.dan.pk}/export.json").status_code == 403
