from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from goodwill.accounts.models import UserSession, describe_user_agent
from goodwill.core.testing import PASSWORD, GoodwillTestCase

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


class SessionTests(GoodwillTestCase):
    def sign_in(self, user, agent, ip):
        browser = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
        response = browser.post("/accounts/login/", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        return browser

    def test_each_signed_in_session_is_listed_with_its_device_and_this_one_marked(self):
        laptop = self.sign_in(self.owner, FIREFOX, "203.0.113.5")
        self.sign_in(self.owner, IPHONE, "198.51.100.7")
        self.sign_in(self.assistant, FIREFOX, "192.0.2.1")
        page = laptop.get("/accounts/me/")
        self.assertContains(page, "Firefox on Linux")
        self.assertContains(page, "Safari on iPhone")
        self.assertContains(page, "203.0.113.5")
        self.assertContains(page, "198.51.100.7")
        self.assertNotContains(page, "192.0.2.1")
        self.assertContains(page, "(this session)", count=1)
        self.assertContains(page, "Firefox on Linux <strong>(this session)</strong>")

    def test_last_seen_is_written_at_most_once_a_minute(self):
        laptop = self.sign_in(self.owner, FIREFOX, "203.0.113.5")
        record = UserSession.objects.get()
        stamp = record.last_seen_at
        laptop.get("/accounts/me/")
        record.refresh_from_db()
        assert record.last_seen_at == stamp
        # A minute later (as the session remembers it), the next request writes it again.
        session = laptop.session
        key, seen = session["seen"]
        session["seen"] = [key, seen - 61]
        session.save()
        laptop.get("/accounts/me/")
        record.refresh_from_db()
        assert record.last_seen_at > stamp

    def test_revoking_a_session_signs_that_browser_out_on_its_next_request(self):
        laptop = self.sign_in(self.owner, FIREFOX, "203.0.113.5")
        phone = self.sign_in(self.owner, IPHONE, "198.51.100.7")
        record = UserSession.objects.get(session_key=phone.session.session_key)
        response = laptop.post(f"/accounts/me/sessions/{record.pk}/revoke/")
        self.assertRedirects(response, "/accounts/me/")
        assert phone.get("/accounts/me/").status_code == 302
        assert laptop.get("/accounts/me/").status_code == 200
        assert not Session.objects.filter(session_key=record.session_key).exists()

    def test_sign_out_everywhere_else_keeps_only_this_session(self):
        laptop = self.sign_in(self.owner, FIREFOX, "203.0.113.5")
        phones = [self.sign_in(self.owner, IPHONE, f"198.51.100.{n}") for n in (1, 2)]
        assistant = self.sign_in(self.assistant, IPHONE, "192.0.2.1")
        laptop.post("/accounts/me/sessions/revoke-others/")
        assert all(phone.get("/accounts/me/").status_code == 302 for phone in phones)
        assert laptop.get("/accounts/me/").status_code == 200
        assert assistant.get("/accounts/me/").status_code == 200
        assert UserSession.objects.filter(user=self.owner).count() == 1

    def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(self):
        laptop = self.sign_in(self.owner, FIREFOX, "203.0.113.5")
        phone = self.sign_in(self.owner, IPHONE, "198.51.100.7")
        new = "another long passphrase"
        change = {
            "form": "password",
            "old_password": PASSWORD,
            "new_password1": new,
            "new_password2": new,
        }
        self.assertRedirects(laptop.post("/accounts/me/", change), "/accounts/me/")
        assert phone.get("/accounts/me/").status_code == 302
        page = laptop.get("/accounts/me/")
        assert [s.session_key for s in page.context["sessions"]] == [laptop.session.session_key]

    def test_signing_out_removes_the_session_from_the_list(self):
        laptop = self.sign_in(self.owner, FIREFOX, "203.0.113.5")
        laptop.post("/accounts/logout/")
        assert not UserSession.objects.exists()

    def test_an_expired_session_is_not_listed(self):
        laptop = self.sign_in(self.owner, FIREFOX, "203.0.113.5")
        phone = self.sign_in(self.owner, IPHONE, "198.51.100.7")
        Session.objects.filter(session_key=phone.session.session_key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
        assert len(laptop.get("/accounts/me/").context["sessions"]) == 1

    def test_nobody_can_revoke_someone_elses_session(self):
        phone = self.sign_in(self.owner, IPHONE, "198.51.100.7")
        record = UserSession.objects.get()
        outsider = self.sign_in(self.outsider, FIREFOX, "192.0.2.1")
        assert outsider.post(f"/accounts/me/sessions/{record.pk}/revoke/").status_code == 404
        assert outsider.post("/accounts/me/sessions/999999/revoke/").status_code == 404
        assert phone.get("/accounts/me/").status_code == 200
        signed_out = Client()
        response = signed_out.post(f"/accounts/me/sessions/{record.pk}/revoke/")
        assert response.status_code == 302
        assert UserSession.objects.filter(pk=record.pk).exists()

    def test_revoking_needs_a_csrf_token(self):
        laptop = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=FIREFOX)
        laptop.force_login(self.owner)
        record = UserSession.objects.get()
        assert laptop.post(f"/accounts/me/sessions/{record.pk}/revoke/").status_code == 403
        assert UserSession.objects.filter(pk=record.pk).exists()

    def test_devices_are_named_briefly(self):
        assert describe_user_agent(FIREFOX) == "Firefox on Linux"
        assert describe_user_agent(IPHONE) == "Safari on iPhone"
        edge = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131"
        assert describe_user_agent(edge) == "Edge on Windows"
        assert describe_user_agent("") == "Unknown device"
