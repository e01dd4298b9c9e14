import pytest

from goodwill.core import worker
from goodwill.core.testing import GoodwillTestCase
from goodwill.messaging import services
from goodwill.messaging.defaults import DEFAULTS
from goodwill.messaging.models import MessageTemplate, OutgoingMessage
from goodwill.people import services as people
from goodwill.people.services import Labelled
from goodwill.touchpoints.models import Interaction


class MessagesApiTests(GoodwillTestCase):
    @pytest.fixture(autouse=True)
    def _smtp(self, smtp):
        self.smtp = smtp

    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan",
            emails=[Labelled("", "dan@ortiz.example")],
        )  # fmt: skip

    def test_templates_render_send_once_and_log(self):
        templates = self.api("GET", "message-templates").json()
        assert templates["count"] == len(DEFAULTS)
        check_in = next(t for t in templates["items"] if t["occasion"] == "check_in")
        rendered = self.api(
            "POST", "messages/render", body={"contact": self.dan.pk, "template": check_in["id"]}
        ).json()
        assert rendered["subject"] == "How are things, Dan?"
        body = {
            "contact": self.dan.pk, "to_address": "dan@ortiz.example", "key": "api-1",
            **rendered,
        }  # fmt: skip
        first = self.api("POST", "messages", body=body)
        again = self.api("POST", "messages", body=body)
        assert (first.status_code, again.status_code) == (201, 200)
        assert worker.jobs_run_ready("api-test") == 1
        message = self.api("GET", f"messages/{first.json()['id']}").json()
        assert message["state"] == "sent"
        assert len(self.smtp.envelopes) == 1
        assert Interaction.objects.get().kind == "email"
        own = self.api("POST", "messages", body={**body, "key": "api-2", "own_mail_app": True})
        assert own.json()["state"] == "logged"
        assert self.api("GET", f"messages?contact={self.dan.pk}").json()["count"] == 2

    def test_bad_input_is_422_naming_the_problem(self):
        services.templates_ensure(self.workspace)
        family = MessageTemplate.objects.get(workspace=self.workspace, occasion="circle_birthday")
        gap = self.api(
            "POST", "messages/render", body={"contact": self.dan.pk, "template": family.pk}
        )
        assert gap.status_code == 422
        assert "member_name" in gap.content.decode()
        for body in (
            {"to_address": "eve@x.example"},
            {"body": "Hi {{ name }}"},
            {"subject": ""},
            {"key": ""},
        ):
            full = {
                "contact": self.dan.pk, "to_address": "dan@ortiz.example", "subject": "Hi",
                "body": "Hello", "key": "k", **body,
            }  # fmt: skip
            assert self.api("POST", "messages", body=full).status_code == 422, body
        bad_template = {"occasion": "other", "name": "x", "subject": "{{ secret }}", "body": "x"}
        response = self.api("POST", "message-templates", body=bad_template)
        assert response.status_code == 422
        assert "secret" in response.content.decode()
        assert not OutgoingMessage.objects.exists()

    def test_an_outsider_gets_404(self):
        services.templates_ensure(self.workspace)
        template = MessageTemplate.objects.filter(workspace=self.workspace).earliest("pk")
        message, _ = services.message_queue(
            self.dan, actor=self.owner, to_address="dan@ortiz.example", subject="Hi",
            body="Hello", key="k",
        )  # fmt: skip
        token = self.outsider_token
        assert self.api("GET", f"messages/{message.pk}", token=token).status_code == 404
        assert self.api("GET", f"message-templates/{template.pk}", token=token).status_code == 404
        patch = self.api(
            "PATCH", f"message-templates/{template.pk}", token=token, body={"name": "x"}
        )
        assert patch.status_code == 404
        body = {
            "contact": self.dan.pk,
            "to_address": "dan@ortiz.example",
            "subject": "Hi",
            "body": "Hello",
            "key": "o",
        }
        assert self.api("POST", "messages", token=token, body=body).status_code == 404
        render = {"contact": self.dan.pk, "template": template.pk}
        assert self.api("POST", "messages/render", token=token, body=render).status_code == 404
        assert self.api("GET", "messages", token=token).json()["count"] == 0
        mine = self.api("GET", "logging-address").json()["address"]
        theirs = self.api("GET", "logging-address", token=token).json()["address"]
        assert mine != theirs
        template.refresh_from_db()
        assert template.name != "x"
