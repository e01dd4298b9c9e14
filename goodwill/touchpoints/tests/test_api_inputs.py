"""Inputs of the touchpoints API that the API fuzz found failing (500) or misdocumented."""

from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.touchpoints.models import Interaction


class InteractionInputTests(GoodwillTestCase):
    def test_it_refuses_a_contact_id_past_64_bits_without_failing(self):
        dan = people.contact_create(self.workspace, actor=self.owner, first_name="Dan")
        for body in (
            {"kind": "call", "contacts": [dan.pk, 2**70]},
            {"kind": "call", "contacts": [0]},
        ):
            response = self.api("POST", "/interactions", body=body)
            assert response.status_code == 422, response.content
            assert response.json()["errors"][0]["loc"][:2] == ["body", "payload"]
        assert not Interaction.objects.exists()

    def test_a_contacts_snooze_is_documented_with_the_days_it_takes(self):
        """The reminders' snooze input (until or days) shared the name SnoozeIn with this one
        (days only), so the schema offered `until`, which this operation ignores."""
        spec = self.client.get("/api/v1/openapi.json").json()
        body = spec["paths"]["/api/v1/contacts/{contact_id}/snooze"]["post"]["requestBody"]
        ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert set(spec["components"]["schemas"][ref]["properties"]) == {"days"}
