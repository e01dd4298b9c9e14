"""Inputs that the API fuzz found failing (500): lists and the bulk page with huge numbers."""

from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services
from goodwill.people.models import Contact, ContactTag


class HugeNumberTests(GoodwillTestCase):
    def test_a_list_offset_past_64_bits_is_refused_not_a_500(self):
        response = self.api("GET", f"/contacts?offset={2**64}")
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["query", "offset"]
        assert self.api("GET", "/contacts?offset=1000000000").json()["items"] == []

    def test_the_bulk_change_refuses_an_id_past_64_bits(self):
        dan = services.contact_create(self.workspace, actor=self.owner, first_name="Dan")
        self.login(self.owner)
        response = self.client.post(
            "/people/bulk/", {"ids": [dan.pk, 2**70], "add_tag": "vip"}, follow=True
        )
        assert response.status_code == 200
        assert "Select people from the list." in response.content.decode()
        assert not ContactTag.objects.filter(contact=dan).exists()


class UnstorableTextTests(GoodwillTestCase):
    def test_text_a_database_cannot_store_is_a_422_and_nothing_is_stored(self):
        """PostgreSQL refuses NUL characters and unpaired surrogates, which JSON can carry."""
        bodies = [
            ("contacts", {"first_name": "Lena\x00"}),
            ("contacts", {"first_name": "\ud800"}),
            ("contacts", {"first_name": "Lena", "tags": ["a\x00"]}),
            ("message-templates", {"name": "x", "subject": "s", "body": "a\x00b"}),
        ]
        for path, body in bodies:
            response = self.api("post", path, body=body)
            assert response.status_code == 422, (body, response.content)
            assert "NUL" in response.json()["errors"][0]["msg"]
        assert not Contact.objects.exists()

    def test_a_nul_in_a_search_is_not_a_server_error(self):
        assert self.api("get", "contacts?q=a%00b").status_code in (200, 422)
        self.login(self.owner)
        assert self.client.get("/people/?q=a%00b").status_code in (200, 400)
