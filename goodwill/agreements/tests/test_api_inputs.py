"""Inputs of the agreements API that the API fuzz found failing (500)."""

from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people


class BreachListInputTests(GoodwillTestCase):
    def test_an_offset_past_what_the_database_counts_is_refused_not_a_500(self):
        dan = people.contact_create(self.workspace, actor=self.owner, first_name="Dan")
        path = f"/contacts/{dan.pk}/breaches"
        assert self.api("GET", f"{path}?offset={2**64}").status_code == 422
        assert self.api("GET", f"{path}?limit=0").status_code == 422
        assert self.api("GET", f"{path}?offset=5&limit=2").json() == []
