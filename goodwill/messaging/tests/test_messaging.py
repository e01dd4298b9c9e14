import email
import email.policy
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import free_port
from goodwill.core import worker
from goodwill.core.testing import GoodwillTestCase
from goodwill.env import parse_email_url
from goodwill.messaging import services
from goodwill.messaging.defaults import DEFAULTS
from goodwill.messaging.models import MessageState, MessageTemplate, OutgoingMessage
from goodwill.messaging.placeholders import Values, placeholders_in, render
from goodwill.people import services as people
from goodwill.people.dates import PartialDate
from goodwill.people.models import CircleMember
from goodwill.people.services import Labelled
from goodwill.touchpoints import appreciation
from goodwill.touchpoints.models import DueState, Interaction


def dan_of(workspace, owner):
    return people.contact_create(
        workspace,
        actor=owner,
        kind="client",
        first_name="Daniel",
        last_name="Ortiz",
        nickname="Dan",
        emails=[Labelled("work", "dan@ortiz.example")],
    )


class PlaceholderTests(GoodwillTestCase):
    def setUp(self):
        self.dan = dan_of(self.workspace, self.owner)

    def test_placeholders_fill_and_anything_else_is_refused_by_name(self):
        values = Values.of(self.dan, self.owner, occasion="birthday")
        assert render("Happy {{ occasion }}, {{ name|upper }}!", values) == "Happy birthday, DAN!"
        for text, named in (
            ("{{ contact.emails }}", "contact.emails"),
            ("{{ password }}", "password"),
            ("{% load static %}", "Only text and placeholders"),
            ("{% if name %}x{% endif %}", "Only text and placeholders"),
            ("{{ name|safe }}", "safe"),
            ("{{ name", "not closed"),
            ("{{ }}", "cannot be read"),
        ):
            with pytest.raises(ValidationError, match=named.replace(".", r"\.")):
                placeholders_in(text)

    def test_a_placeholder_without_a_value_is_named_and_nothing_renders(self):
        values = Values.of(self.dan, self.owner)
        with pytest.raises(ValidationError, match="member_name"):
            render("Happy birthday to {{ member_name }}", values)


class ComposeTests(GoodwillTestCase):
    def setUp(self):
        self.dan = dan_of(self.workspace, self.owner)
        self.login(self.owner)

    def compose(self, **params):
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return self.client.get(f"/people/{self.dan.pk}/write/?{query}")

    def send(self, page, action="send", **changes):
        form = page.context["form"]
        data = {name: form[name].value() for name in form.fields}
        data.update(changes, action=action)
        return self.client.post(f"/people/{self.dan.pk}/write/", data)

    def test_a_thank_you_is_drafted_sent_over_smtp_logged_and_settles_the_due(self):
        smtp = self.smtp
        due, _ = appreciation.owe(self.dan, reason="purchase", about="the spring catalogue order")
        page = self.compose(due=due.pk)
        assert page.context["form"]["subject"].value() == "Thank you, Dan"
        assert "Thank you for the spring catalogue order." in page.context["form"]["body"].value()
        response = self.send(page)
        message = OutgoingMessage.objects.get()
        assert response.status_code == 302
        assert message.state == MessageState.QUEUED
        assert worker.jobs_run_ready("messages-test") == 1
        message.refresh_from_db()
        assert message.state == MessageState.SENT
        sent = email.message_from_bytes(smtp.envelopes[0].content, policy=email.policy.default)
        assert sent["To"] == "dan@ortiz.example"
        assert sent["Reply-To"] == self.owner.email
        assert sent["Auto-Submitted"] is None  # a person wrote it
        assert Interaction.objects.get().kind == "thank_you"
        due.refresh_from_db()
        assert due.state == DueState.SETTLED
        # The same form posted again (a double click) sends nothing more.
        self.send(page)
        worker.jobs_run_ready("messages-test")
        assert (OutgoingMessage.objects.count(), len(smtp.envelopes)) == (1, 1)

    @pytest.fixture(autouse=True)
    def _smtp(self, smtp):
        self.smtp = smtp

    def test_a_family_birthday_names_the_member(self):
        leo = CircleMember(workspace=self.workspace, contact=self.dan, name="Leo", relation="child")
        leo.set_partial_date(PartialDate.parse("2017-11-27"))
        leo.save()
        page = self.compose(member=leo.pk)
        assert page.context["form"]["subject"].value() == "Happy birthday to Leo"
        template = MessageTemplate.objects.get(occasion="circle_birthday")
        gap = self.compose(template=template.pk)
        assert "member_name" in " ".join(gap.context["problems"])

    def test_unsafe_messages_are_refused_and_nothing_is_stored(self):
        page = self.compose(occasion="check_in")
        other = dan_of(self.workspace, self.owner)
        people.contact_update(other, actor=self.owner, emails=[Labelled("", "eve@x.example")])
        for changes in (
            {"to_address": "eve@x.example"},
            {"to_address": ""},
            {"body": "Hi {{ first_name }}"},
            {"subject": ""},
        ):
            assert self.send(page, **changes).status_code == 400, changes
        with pytest.raises(ValidationError, match="not one of"):
            services.message_queue(
                self.dan, actor=self.owner, to_address="eve@x.example", subject="Hi",
                body="Hello", key="k1",
            )  # fmt: skip
        assert not OutgoingMessage.objects.exists()

    def test_open_in_my_mail_app_logs_it_at_once(self):
        response = self.send(self.compose(occasion="check_in"), action="own")
        assert response.status_code == 200
        self.assertContains(response, "mailto:dan%40ortiz.example?subject=How%20are%20things")
        message = OutgoingMessage.objects.get()
        assert message.state == MessageState.LOGGED
        assert Interaction.objects.get().kind == "email"
        assert not self.smtp.envelopes


class DeliveryTests(GoodwillTestCase):
    def setUp(self):
        self.dan = dan_of(self.workspace, self.owner)

    def queue(self):
        message, _ = services.message_queue(
            self.dan, actor=self.owner, to_address="dan@ortiz.example", subject="Hi",
            body="Hello Dan", key=f"k{free_port()}",
        )  # fmt: skip
        return message

    def test_a_temporary_failure_is_retried_later_a_permanent_one_fails(self):
        nobody = {"default": parse_email_url(f"smtp://127.0.0.1:{free_port()}")}
        # Scoped to this test: a MAILERS left pointing at a closed port fails later tests.
        self.enterContext(self.settings(MAILERS=nobody))
        message = self.queue()
        assert not services.message_send(message.pk)
        message.refresh_from_db()
        assert (message.state, message.attempts) == (MessageState.QUEUED, 1)
        assert message.next_attempt_at > timezone.now() + timedelta(seconds=30)
        assert "refused" in message.last_error.lower()
        assert services.messages_send_due() == 0  # not yet
        for step in range(1, len(services.BACKOFF) + 1):
            services.messages_send_due(timezone.now() + timedelta(days=step))
        message.refresh_from_db()
        assert message.state == MessageState.FAILED
        services.message_retry(message)
        assert message.state == MessageState.QUEUED
        assert not Interaction.objects.exists()

    def test_a_claimed_message_of_a_dead_worker_is_sent_once_after_the_lease(self):
        message = self.queue()
        OutgoingMessage.objects.filter(pk=message.pk).update(
            state=MessageState.SENDING, claimed_at=timezone.now(), attempts=1
        )
        assert services.messages_send_due() == 0
        assert services.messages_send_due(timezone.now() + services.LEASE * 2) == 1
        assert services.messages_send_due(timezone.now() + services.LEASE * 4) == 0


class IsolationTests(GoodwillTestCase):
    def test_an_outsider_gets_404_everywhere(self):
        dan = dan_of(self.workspace, self.owner)
        services.templates_ensure(self.workspace)
        template = MessageTemplate.objects.filter(workspace=self.workspace).earliest("pk")
        message, _ = services.message_queue(
            dan, actor=self.owner, to_address="dan@ortiz.example", subject="Hi", body="Hello",
            key="k",
        )  # fmt: skip
        due, _ = appreciation.owe(dan, reason="purchase")
        self.login(self.outsider)
        own = dan_of(self.other_workspace, self.outsider)
        for url in (
            f"/people/{dan.pk}/write/",
            f"/messages/{message.pk}/",
            f"/messages/templates/{template.pk}/",
            f"/people/{own.pk}/write/?due={due.pk}",
            f"/people/{own.pk}/write/?template={template.pk}",
        ):
            assert self.client.get(url).status_code == 404, url
        for url in (
            f"/messages/{message.pk}/retry/",
            f"/messages/templates/{template.pk}/archive/",
        ):
            assert self.client.post(url).status_code == 404, url
        self.assertNotContains(self.client.get("/messages/"), "Hello")
        template.refresh_from_db()
        assert not template.archived


class Refusing:
    """An SMTP server that refuses every recipient for good (550)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 No such mailbox here"


class PermanentFailureTests(GoodwillTestCase):
    def test_a_permanent_refusal_fails_at_once_and_shows(self):
        from aiosmtpd.controller import Controller

        port = free_port()
        controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
        controller.start()
        self.enterContext(
            self.settings(MAILERS={"default": parse_email_url(f"smtp://127.0.0.1:{port}")})
        )
        try:
            dan = dan_of(self.workspace, self.owner)
            message, _ = services.message_queue(
                dan, actor=self.owner, to_address="dan@ortiz.example", subject="Hi",
                body="Hello", key="k",
            )  # fmt: skip
            assert not services.message_send(message.pk)
        finally:
            controller.stop()
        message.refresh_from_db()
        assert (message.state, message.attempts) == (MessageState.FAILED, 1)
        self.login(self.owner)
        page = self.client.get(f"/messages/{message.pk}/")
        self.assertContains(page, "No such mailbox here")
        self.assertContains(page, "Try again")


class TemplatePageTests(GoodwillTestCase):
    def test_templates_ship_can_be_added_refused_and_archived(self):
        self.login(self.assistant)
        page = self.client.get("/messages/templates/")
        self.assertContains(page, "Happy birthday")
        self.assertContains(page, "{{ member_name }}")
        bad = self.client.post(
            "/messages/templates/new/",
            {"occasion": "other", "name": "Oops", "subject": "Hi {{ email }}", "body": "x"},
        )
        assert bad.status_code == 400
        self.assertContains(bad, "{{ email }} is not a placeholder", status_code=400)
        good = self.client.post(
            "/messages/templates/new/",
            {"occasion": "other", "name": "Spring", "subject": "Spring, {{ name }}", "body": "Hi"},
        )
        assert good.status_code == 302
        spring = MessageTemplate.objects.get(name="Spring")
        self.client.post(f"/messages/templates/{spring.pk}/archive/", {"archived": "1"})
        spring.refresh_from_db()
        assert spring.archived
        assert MessageTemplate.objects.filter(workspace=self.workspace).count() == len(DEFAULTS) + 1


class OutboxPageTests(GoodwillTestCase):
    def test_the_outbox_shows_the_workspace_s_own_logging_address(self):
        from goodwill.messaging.inbound import logging_address

        self.login(self.owner)
        page = self.client.get("/messages/")
        self.assertContains(page, logging_address(self.workspace))
        self.assertNotContains(page, logging_address(self.other_workspace))
