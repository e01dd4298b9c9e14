import email
import email.policy
import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from goodwill.accounts import services
from goodwill.accounts.models import UserSession
from goodwill.core import worker
from goodwill.core.models import RateLimitHit
from goodwill.core.testing import PASSWORD, GoodwillTestCase

NEW_PASSWORD = "a new and long passphrase"


class PasswordResetTests(GoodwillTestCase):
    @pytest.fixture(autouse=True)
    def _smtp(self, smtp):
        self.smtp = smtp

    def ask(self, address, **extra):
        return self.client.post("/accounts/password/reset/", {"email": address}, **extra)

    def link_sent(self):
        assert worker.jobs_run_ready("reset-test") == 1
        assert len(self.smtp.envelopes) == 1
        sent = email.message_from_bytes(self.smtp.envelopes[0].content, policy=email.policy.default)
        assert sent["To"] == self.owner.email
        assert sent["Subject"] == "Reset your Goodwill password"
        body = sent.get_content()
        path = re.search(r"http://127\.0\.0\.1:8000(/accounts/password/reset/\S+/)", body)
        assert path, body
        return path.group(1)

    def set_password(self, path, password=NEW_PASSWORD):
        return self.client.post(path, {"new_password1": password, "new_password2": password})

    def test_the_login_page_offers_a_reset(self):
        self.assertContains(self.client.get("/accounts/login/"), 'href="/accounts/password/reset/"')

    def test_a_link_is_e_mailed_over_smtp_and_works_once(self):
        response = self.ask("DAN@ortiz.example")
        self.assertRedirects(response, "/accounts/password/reset/sent/")
        path = self.link_sent()
        self.assertContains(self.client.get(path), "Choose a new password")
        response = self.set_password(path)
        self.assertRedirects(response, "/accounts/login/")
        self.owner.refresh_from_db()
        assert self.owner.check_password(NEW_PASSWORD)
        # The same link again: refused with a clear page, and the password stays.
        again = self.client.get(path)
        self.assertContains(again, "This link no longer works", status_code=400)
        assert self.set_password(path, "yet another passphrase").status_code == 400
        self.owner.refresh_from_db()
        assert self.owner.check_password(NEW_PASSWORD)
        login = {"email": self.owner.email, "password": NEW_PASSWORD}
        self.assertRedirects(self.client.post("/accounts/login/", login), "/")

    def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(self):
        known = self.ask(self.owner.email)
        unknown = self.ask("nobody@nowhere.example")
        assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
        assert worker.jobs_run_ready("reset-test") == 1
        assert [e.rcpt_tos for e in self.smtp.envelopes] == [[self.owner.email]]

    def test_an_expired_link_is_refused(self):
        class TwoHoursAgo(PasswordResetTokenGenerator):
            def _now(self):
                # The generator itself works in naive local time.
                return datetime.now() - timedelta(hours=2)  # noqa: DTZ005

        uid = urlsafe_base64_encode(force_bytes(self.owner.pk))
        token = TwoHoursAgo().make_token(self.owner)
        path = f"/accounts/password/reset/{uid}/{token}/"
        self.assertContains(self.client.get(path), "no longer works", status_code=400)
        assert self.set_password(path).status_code == 400
        self.owner.refresh_from_db()
        assert self.owner.check_password(PASSWORD)

    def test_a_made_up_link_is_refused(self):
        for path in ("/accounts/password/reset/xx/yy/", "/accounts/password/reset/MQ/1-2/"):
            self.assertContains(self.client.get(path), "no longer works", status_code=400)

    def test_a_weak_password_is_refused_and_the_link_still_works(self):
        self.ask(self.owner.email)
        path = self.link_sent()
        response = self.set_password(path, "password1")
        self.assertContains(response, "This password is too common", status_code=400)
        self.owner.refresh_from_db()
        assert self.owner.check_password(PASSWORD)
        self.assertRedirects(self.set_password(path), "/accounts/login/")

    def test_requests_are_rate_limited_per_address_and_nothing_more_is_sent(self):
        for _ in range(services.RESET_LIMIT_PER_EMAIL):
            assert self.ask(self.owner.email).status_code == 302
        response = self.ask(self.owner.email)
        self.assertContains(response, "Too many reset requests", status_code=429)
        worker.jobs_run_ready("reset-test")
        assert len(self.smtp.envelopes) == services.RESET_LIMIT_PER_EMAIL

    def test_requests_are_rate_limited_per_ip(self):
        for number in range(services.RESET_LIMIT_PER_IP):
            assert self.ask(f"someone{number}@x.example").status_code == 302
        self.assertContains(self.ask(self.owner.email), "Too many", status_code=429)
        other_ip = self.ask(self.owner.email, REMOTE_ADDR="10.0.0.9")
        assert other_ip.status_code == 302
        # Only hashes of the addresses are kept for counting.
        assert not RateLimitHit.objects.filter(key__contains="@").exists()

    def test_a_reset_signs_out_every_session_of_the_account(self):
        other = self.client_class()
        other.force_login(self.owner)
        assert other.get("/accounts/me/").status_code == 200
        assert UserSession.objects.filter(user=self.owner).count() == 1
        self.ask(self.owner.email)
        self.set_password(self.link_sent())
        assert other.get("/accounts/me/").status_code == 302
        assert not UserSession.objects.filter(user=self.owner).exists()
