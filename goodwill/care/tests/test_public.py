"""Intake without an account and the acknowledgement, e-mailed over real SMTP."""

import email
import email.policy
import re
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.utils import timezone

from goodwill.accounts.models import hash_token
from goodwill.care import intake
from goodwill.care.models import Case, CaseEntry
from goodwill.care.services import case_reply
from goodwill.core import worker
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.people.models import Contact
from goodwill.people.services import Labelled


def old_stamp(seconds: int = 60) -> str:
    then = timezone.now() - timedelta(seconds=seconds)
    with mock.patch("django.core.signing.time.time", return_value=then.timestamp()):
        return signing.TimestampSigner(salt=intake.FORM_SALT).sign(str(int(then.timestamp())))


class PublicIntakeTests(GoodwillTestCase):
    @pytest.fixture(autouse=True)
    def _smtp(self, smtp, settings):
        settings.SITE_URL = "https://goodwill.example"
        self.smtp = smtp

    def post(self, **changes):
        data = {
            "name": "Ada Lovelace", "email": "ada@example.org", "type": "complaint",
            "subject": "Order 1042", "text": "The mug arrived broken.", "website": "",
            "stamp": old_stamp(), **changes,
        }  # fmt: skip
        return self.client.post(f"/p/{self.workspace.slug}/", data)

    def test_a_stranger_files_a_complaint_and_gets_the_acknowledgement(self):
        assert self.client.get(f"/p/{self.workspace.slug}/").status_code == 200
        response = self.post()
        assert response.status_code == 200
        self.assertContains(response, "case #1")
        case = Case.objects.get()
        assert (case.contact.first_name, case.contact.kind, case.source) == (
            "Ada",
            "customer",
            "public",
        )
        assert worker.jobs_run_ready("care-test") == 1
        message = email.message_from_bytes(
            self.smtp.envelopes[0].content, policy=email.policy.default
        )
        assert message["Subject"] == "We have your complaint (case #1)"
        # Automatic, so that the customer's autoresponder does not answer it (no loops).
        assert message["Auto-Submitted"] == "auto-generated"
        body = message.get_content()
        assert "We are sorry this happened" in body
        assert "expect our first answer by" in body
        found = re.search(r"https://goodwill\.example(/p/\S+)", body)
        assert found is not None
        link = found.group(1)
        page = self.client.get(link)
        self.assertContains(page, "Case #1: Order 1042")
        case_reply(case, actor=self.owner, body="A new mug leaves today.", public=True)
        case_reply(case, actor=self.owner, body="Supplier is sloppy", public=False)
        page = self.client.get(link)
        self.assertContains(page, "A new mug leaves today.")
        self.assertNotContains(page, "Supplier is sloppy")
        assert self.client.get(link[:-3] + "xyz/").status_code == 404

    def test_a_known_address_lands_on_its_contact(self):
        dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan",
            emails=[Labelled("", "dan@ortiz.example")],
        )  # fmt: skip
        self.post(email="DAN@ortiz.example", type="question")
        assert Case.objects.get().contact == dan
        assert Contact.objects.count() == 1

    def test_bad_input_is_refused_and_nothing_is_stored(self):
        for changes in (
            {"website": "http://spam.example"},
            {"stamp": "forged"},
            {
                "stamp": signing.TimestampSigner(salt=intake.FORM_SALT).sign(
                    str(int(timezone.now().timestamp()))
                )
            },
            {"email": ""},
            {"email": "not-an-address"},
            {"text": "x" * 1_000_000},
            {"type": "rant"},
        ):
            assert self.post(**changes).status_code == 400, list(changes)
        assert not Case.objects.exists()
        assert not Contact.objects.exists()
        assert self.client.get("/p/no-such-studio/").status_code == 404

    def test_what_is_shown_back_is_escaped(self):
        self.post(subject="<script>alert(1)</script>", text="<b>bold</b>")
        case = Case.objects.get()
        token = "t0ken"
        case.public_token_hash = hash_token(token)
        case.save()
        page = self.client.get(f"/p/{self.workspace.slug}/case/{token}/")
        assert b"<script>alert(1)</script>" not in page.content
        self.assertContains(page, "&lt;script&gt;")

    def test_filings_are_limited_per_address(self):
        for _ in range(intake.PER_ADDRESS_PER_HOUR):
            assert self.post().status_code == 200
        refused = self.post()
        assert refused.status_code == 400
        self.assertContains(refused, "several requests", status_code=400)
        assert Case.objects.count() == intake.PER_ADDRESS_PER_HOUR

    def test_filed_outside_working_hours_says_so(self):
        self.workspace.time_zone = "Europe/Stockholm"
        self.workspace.save()
        saturday = datetime(2026, 12, 5, 11, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
        with mock.patch("django.utils.timezone.now", return_value=saturday):
            filed = intake.file_public(
                self.workspace, name="Ada", email="ada@example.org", type="return",
                subject="Wrong size", text="Too small", stamp=old_stamp(),
            )  # fmt: skip
        body = filed.case.contact.messages.get().body
        assert (
            "outside our working hours: expect our first answer by Monday 7 December, 17:00" in body
        )
        assert not CaseEntry.objects.exists()


class StatusPageTests(GoodwillTestCase):
    @pytest.fixture(autouse=True)
    def _smtp(self, smtp, settings):
        settings.SITE_URL = "https://goodwill.example"
        self.smtp = smtp

    def setUp(self):
        self.filed = intake.file_public(
            self.workspace, name="Ada Lovelace", email="ada@example.org", type="complaint",
            subject="Order 1042", text="Broken mug", stamp=old_stamp(),
        )  # fmt: skip
        self.case = self.filed.case
        self.token = "known-token"
        self.case.public_token_hash = hash_token(self.token)
        self.case.save()
        self.url = f"/p/{self.workspace.slug}/case/{self.token}/"

    def test_the_customer_writes_accepts_and_reopens(self):
        from goodwill.care.services import case_set_status
        from goodwill.touchpoints.models import Due

        assert (
            self.client.post(
                self.url, {"action": "reply", "body": "It was the big one."}
            ).status_code
            == 302
        )
        self.assertContains(self.client.get(self.url), "It was the big one.")
        assert self.client.post(self.url, {"action": "reply", "body": ""}).status_code == 400
        assert (
            self.client.post(self.url, {"action": "accept"}).status_code == 400
        )  # not resolved yet
        case_set_status(self.case, "resolved", actor=self.owner)
        self.client.post(self.url, {"action": "accept"})
        self.case.refresh_from_db()
        assert (self.case.status, self.case.close_reason) == ("closed", "resolved")
        assert Due.objects.get().about == "accepting the resolution of case #1"
        self.client.post(self.url, {"action": "reopen", "body": "The new one leaks."})
        self.case.refresh_from_db()
        assert self.case.status == "in_progress"

    def test_lost_link_e_mails_fresh_links_and_says_nothing_on_screen(self):
        page = f"/p/{self.workspace.slug}/lost/"
        for address in ("ada@example.org", "nobody@example.org", "not an address"):
            response = self.client.post(page, {"email": address})
            self.assertContains(response, "If we have cases from that address")
        assert self.client.get(self.url).status_code == 404  # the old link stopped working
        worker.jobs_run_ready("care-test")
        subjects = [
            email.message_from_bytes(e.content, policy=email.policy.default)["Subject"]
            for e in self.smtp.envelopes
        ]
        assert subjects.count(f"Your links to your cases with {self.workspace.name}") == 1
        self.client.post(page, {"email": "ada@example.org"})  # again within the hour
        worker.jobs_run_ready("care-test")
        assert len(self.smtp.envelopes) == len(subjects)
