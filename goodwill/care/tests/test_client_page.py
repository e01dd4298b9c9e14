"""A contact's private client page (E1), rating a resolved case and the good touch (E7), and the
status link in every update e-mail."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from goodwill.care import client, links, services
from goodwill.care.models import Case, CaseEntry, ClientLink, Status
from goodwill.care.tests.test_public import old_stamp
from goodwill.core.testing import GoodwillTestCase
from goodwill.messaging.models import OutgoingMessage
from goodwill.people import services as people
from goodwill.people.services import Labelled
from goodwill.touchpoints.models import Interaction


class ClientPageTests(GoodwillTestCase):
    def setUp(self):
        self.ada = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Ada",
            emails=[Labelled("", "ada@example.org")],
        )  # fmt: skip
        self.bob = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Bob"
        )
        self.mine = services.case_open(self.ada, actor=self.owner, type="change", subject="Logo")
        services.case_reply(self.mine, actor=self.owner, body="Secret margin", public=False)
        services.case_open(self.bob, actor=self.owner, type="complaint", subject="Bob's gripe")

    def page_url(self) -> str:
        link = ClientLink.objects.get(contact=self.ada)
        return f"/p/{self.workspace.slug}/c/{links.client_token(link)}/"

    def test_a_member_makes_the_page_and_e_mails_it(self):
        self.login(self.assistant)
        manage = f"/people/{self.ada.pk}/client-page/"
        self.assertContains(self.client.get(manage), "Make their page")
        assert self.client.post(manage, {"action": "make"}).status_code == 302
        url = self.page_url()
        self.assertContains(self.client.get(manage), url)
        self.client.post(manage, {"action": "send"})
        self.client.post(manage, {"action": "send"})  # a double click sends once
        [message] = OutgoingMessage.objects.filter(subject__startswith="Your page")
        assert url in message.body
        assert message.to_address == "ada@example.org"
        self.client.post(manage, {"action": "make"})
        assert self.client.get(url).status_code == 404  # the old link stopped working
        self.client.post(manage, {"action": "revoke"})
        assert not ClientLink.objects.exists()
        client.client_link_make(self.bob)
        with pytest.raises(ValidationError, match="no e-mail"):
            client.client_link_send(self.bob, actor=self.owner)

    def test_the_page_shows_only_their_cases_and_never_notes(self):
        client.client_link_make(self.ada)
        page = self.client.get(self.page_url())
        self.assertContains(page, "Hello Ada")
        self.assertContains(page, "#1 Logo")
        self.assertContains(page, links.case_token(self.mine))
        self.assertContains(page, "09:00 to 17:00")
        self.assertNotContains(page, "Bob")
        self.assertNotContains(page, "Secret margin")

    def test_they_file_a_request_from_the_page(self):
        client.client_link_make(self.ada)
        url = self.page_url()
        data = {"type": "question", "subject": "", "text": "Can we move the call?\nThanks",
                "website": "", "stamp": old_stamp()}  # fmt: skip
        assert self.client.post(url, data).status_code == 302
        case = Case.objects.get(number=3)
        assert (case.contact, case.subject, case.customer_email) == (
            self.ada, "Can we move the call?", "ada@example.org",
        )  # fmt: skip
        assert OutgoingMessage.objects.filter(key=f"case-ack-{case.pk}").exists()
        for bad in ({"website": "spam.example"}, {"text": ""}, {"type": "rant"},
                    {"stamp": "forged"}, {"text": "x" * 10001}):  # fmt: skip
            assert self.client.post(url, {**data, **bad}).status_code == 400, bad
        assert Case.objects.count() == 3

    def test_they_say_which_of_their_purchases_it_is_about(self):
        from goodwill.clients.services import purchase_create

        vase = purchase_create(self.ada, actor=self.owner, amount="60", description="Blue vase")
        bobs = purchase_create(self.bob, actor=self.owner, amount="9", description="Bob's card")
        client.client_link_make(self.ada)
        url = self.page_url()
        page = self.client.get(url)
        self.assertContains(page, "Blue vase")
        self.assertNotContains(page, "Bob's card")
        data = {"type": "return", "subject": "Cracked", "text": "It cracked", "website": "",
                "stamp": old_stamp()}  # fmt: skip
        assert self.client.post(url, {**data, "purchase": str(bobs.pk)}).status_code == 400
        assert self.client.post(url, {**data, "purchase": str(vase.pk)}).status_code == 302
        assert Case.objects.get(subject="Cracked").purchase == vase

    def test_wrong_tokens_and_outsiders_see_nothing(self):
        client.client_link_make(self.ada)
        url = self.page_url()
        assert self.client.get(url[:-5] + "xxxx/").status_code == 404
        other = f"/p/{self.other_workspace.slug}/c/{url.split('/')[-2]}/"
        assert self.client.get(other).status_code == 404
        self.login(self.outsider)
        manage = f"/people/{self.ada.pk}/client-page/"
        assert self.client.get(manage).status_code == 404
        assert self.client.post(manage, {"action": "revoke"}).status_code == 404
        assert ClientLink.objects.exists()


class RatingAndTouchTests(GoodwillTestCase):
    def setUp(self):
        self.ada = people.contact_create(
            self.workspace, actor=self.owner, kind="customer", first_name="Ada",
            emails=[Labelled("", "ada@example.org")],
        )  # fmt: skip

    def status_url(self, case: Case) -> str:
        return f"/p/{self.workspace.slug}/case/{links.case_token(case)}/"

    def test_every_update_e_mail_carries_the_status_link(self):
        case = services.case_open(self.ada, actor=self.owner, type="return", subject="Size")
        services.case_reply(case, actor=self.owner, body="Send it back", public=True)
        services.case_set_status(case, Status.RESOLVED, actor=self.owner)
        bodies = list(OutgoingMessage.objects.order_by("id").values_list("body", flat=True))
        assert len(bodies) == 2
        assert all(self.status_url(case) in body for body in bodies)
        assert "rate how we did" in bodies[1]

    def test_a_complaint_put_right_in_time_is_a_good_touch_and_can_be_rated(self):
        case = services.case_open(self.ada, actor=self.owner, type="complaint", subject="Chip")
        url = self.status_url(case)
        assert self.client.post(url, {"action": "rate", "rating": "5"}).status_code == 400
        services.case_set_status(case, Status.RESOLVED, actor=self.owner)
        self.assertContains(self.client.get(url), "How did we do?")
        self.client.post(url, {"action": "accept"})
        touch = Interaction.objects.get(kind="put_right")
        assert (touch.direction, touch.participations.get().contact) == ("theirs", self.ada)
        for bad in ("0", "6", "five", ""):
            response = self.client.post(url, {"action": "rate", "rating": bad})
            assert response.status_code == 400, bad
        long = {"action": "rate", "rating": "4", "comment": "x" * 2001}
        assert self.client.post(url, long).status_code == 400
        rated = {"action": "rate", "rating": "4", "comment": "<b>Quick</b>"}
        assert self.client.post(url, rated).status_code == 302
        case.refresh_from_db()
        assert (case.rating, case.rating_comment) == (4, "<b>Quick</b>")
        self.login(self.owner)
        self.assertContains(self.client.get(f"/care/{case.number}/"), "&lt;b&gt;Quick&lt;/b&gt;")
        assert self.api("GET", f"cases/{case.number}").json()["rating"] == 4

    def test_a_late_complaint_or_another_type_is_no_good_touch(self):
        late = services.case_open(
            self.ada, actor=self.owner, type="complaint", subject="Late",
            filed_at=timezone.now() - timedelta(days=30),
        )  # fmt: skip
        question = services.case_open(self.ada, actor=self.owner, type="question", subject="?")
        for case in (late, question):
            services.case_set_status(case, Status.RESOLVED, actor=self.owner)
            services.case_accept(case)
        assert not Interaction.objects.filter(kind="put_right").exists()
        spam = services.case_open(self.ada, actor=self.owner, type="complaint", subject="Spam")
        services.case_set_status(spam, Status.CLOSED, actor=self.owner, reason="spam")
        with pytest.raises(ValidationError):
            services.case_rate(spam, rating=1)
        assert not CaseEntry.objects.filter(kind="customer").exists()
