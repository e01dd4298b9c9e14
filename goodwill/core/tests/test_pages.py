from django.test import RequestFactory

from goodwill.core.testing import GoodwillTestCase
from goodwill.core.views import server_error


class ServerErrorPageTests(GoodwillTestCase):
    def test_the_500_page_renders_without_any_context(self):
        response = server_error(RequestFactory().get("/"))
        assert response.status_code == 500
        assert b"Something went wrong on our side" in response.content
