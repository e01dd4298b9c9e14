import base64

import pyotp
import pytest
from django.test import Client

from goodwill.accounts import services
from goodwill.accounts.models import RecoveryCode, TwoFactor
from goodwill.core.testing import PASSWORD, GoodwillTestCase


class TwoFactorSetupTests(GoodwillTestCase):
    def test_it_is_switched_on_only_after_a_correct_code_and_shows_codes_once(self):
        self.login(self.owner)
        page = self.client.get("/accounts/me/two-factor/")
        secret = page.context["secret"]
        qr = page.context["qr"]
        assert qr.startswith("data:image/svg+xml")
        self.assertContains(page, f'<img src="{qr}"')
        wrong = self.client.post("/accounts/me/two-factor/", {"code": "000000"})
        self.assertContains(wrong, "not right", status_code=400)
        assert not services.two_factor_is_on(self.owner)
        right = self.client.post("/accounts/me/two-factor/", {"code": pyotp.TOTP(secret).now()})
        self.assertRedirects(right, "/accounts/me/two-factor/codes/", fetch_redirect_response=False)
        assert services.two_factor_is_on(self.owner)
        codes = self.client.get("/accounts/me/two-factor/codes/").context["codes"]
        assert len(codes) == 10 == len(set(codes))
        stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
        assert not any(code in stored or code.replace("-", "") in stored for code in codes)
        again = self.client.get("/accounts/me/two-factor/codes/")
        assert again.context["codes"] is None
        self.assertContains(again, "You have 10 unused recovery codes")
        self.assertContains(self.client.get("/accounts/me/"), "10 recovery codes left")

    def test_the_setup_page_is_for_signed_in_users_only(self):
        response = self.client.get("/accounts/me/two-factor/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert not TwoFactor.objects.exists()


class TwoFactorSignInTests(GoodwillTestCase):
    def setUp(self):
        device = services.two_factor_begin(self.owner)
        self.totp = pyotp.TOTP(device.secret)
        self.codes = services.two_factor_confirm(self.owner, self.totp.now())
        # A fresh start: the confirming code above would otherwise count as used.
        TwoFactor.objects.update(last_used_step=0)

    def password_step(self, browser=None, next_url=""):
        browser = browser or Client()
        form = {"email": self.owner.email, "password": PASSWORD, "next": next_url}
        response = browser.post("/accounts/login/", form)
        self.assertRedirects(response, "/accounts/login/code/", fetch_redirect_response=False)
        return browser

    def test_a_correct_password_alone_does_not_sign_in(self):
        browser = self.password_step()
        assert browser.get("/accounts/me/").status_code == 302
        assert "_auth_user_id" not in browser.session

    def test_a_current_code_completes_the_sign_in_once(self):
        browser = self.password_step(next_url="/people/")
        code = self.totp.now()
        self.assertRedirects(
            browser.post("/accounts/login/code/", {"code": code}),
            "/people/",
            fetch_redirect_response=False,
        )
        assert browser.get("/accounts/me/").status_code == 200
        # The same code cannot sign in a second time.
        other = self.password_step()
        response = other.post("/accounts/login/code/", {"code": code})
        self.assertContains(response, "already used", status_code=400)
        assert other.get("/accounts/me/").status_code == 302

    def test_a_recovery_code_works_once(self):
        browser = self.password_step()
        spaced = self.codes[0].upper().replace("-", " ")
        self.assertRedirects(
            browser.post("/accounts/login/code/", {"code": spaced}), "/", target_status_code=200
        )
        other = self.password_step()
        assert other.post("/accounts/login/code/", {"code": self.codes[0]}).status_code == 400
        assert services.recovery_codes_left(self.owner) == 9

    def test_new_recovery_codes_replace_the_old_ones(self):
        self.login(self.owner)
        self.client.post("/accounts/me/two-factor/codes/")
        new = self.client.get("/accounts/me/two-factor/codes/").context["codes"]
        assert set(new).isdisjoint(self.codes)
        self.client.logout()
        browser = self.password_step()
        assert browser.post("/accounts/login/code/", {"code": self.codes[1]}).status_code == 400
        assert browser.post("/accounts/login/code/", {"code": new[1]}).status_code == 302

    def test_wrong_codes_are_rate_limited(self):
        browser = self.password_step()
        for _ in range(services.CODE_LIMIT):
            assert browser.post("/accounts/login/code/", {"code": "123456"}).status_code == 400
        response = browser.post("/accounts/login/code/", {"code": self.totp.now()})
        self.assertContains(response, "Too many wrong codes", status_code=429)
        assert browser.get("/accounts/me/").status_code == 302

    def test_the_second_step_expires(self):
        browser = self.password_step()
        session = browser.session
        session["two_factor_pending"]["until"] = 0
        session.save()
        response = browser.post("/accounts/login/code/", {"code": self.totp.now()})
        self.assertRedirects(response, "/accounts/login/")
        assert browser.get("/accounts/me/").status_code == 302

    def test_the_second_step_needs_a_correct_password_first(self):
        response = Client().get("/accounts/login/code/")
        self.assertRedirects(response, "/accounts/login/")

    def test_turning_it_off_needs_the_password(self):
        self.login(self.owner)
        wrong = self.client.post("/accounts/me/two-factor/off/", {"password": "not it at all"})
        self.assertContains(wrong, "not your password", status_code=400)
        assert services.two_factor_is_on(self.owner)
        right = self.client.post("/accounts/me/two-factor/off/", {"password": PASSWORD})
        self.assertRedirects(right, "/accounts/me/")
        assert not services.two_factor_is_on(self.owner)
        assert not RecoveryCode.objects.filter(user=self.owner).exists()
        browser = Client()
        login = {"email": self.owner.email, "password": PASSWORD}
        self.assertRedirects(browser.post("/accounts/login/", login), "/")

    def test_another_users_two_factor_is_untouched(self):
        self.login(self.outsider)
        off = self.client.post("/accounts/me/two-factor/off/", {"password": PASSWORD})
        assert off.status_code == 302
        assert services.two_factor_is_on(self.owner)
        assert self.client.get("/accounts/me/two-factor/codes/").status_code == 302

    def test_the_secret_is_a_valid_base32_key(self):
        secret = TwoFactor.objects.get().secret
        assert len(base64.b32decode(secret)) >= 16


class TwoFactorCommandTests(GoodwillTestCase):
    def test_an_operator_switches_it_off_for_a_user(self):
        import io

        from django.core.management import CommandError, call_command

        device = services.two_factor_begin(self.owner)
        services.two_factor_confirm(self.owner, pyotp.TOTP(device.secret).now())
        out = io.StringIO()
        call_command("twofactor", "off", "DAN@ortiz.example", stdout=out)
        assert "off for dan@ortiz.example" in out.getvalue()
        assert not services.two_factor_is_on(self.owner)
        assert not RecoveryCode.objects.exists()
        with pytest.raises(CommandError, match="not on"):
            call_command("twofactor", "off", self.owner.email)
        with pytest.raises(CommandError, match="No user"):
            call_command("twofactor", "off", "nobody@x.example")


class NewPagesPolicyTests(GoodwillTestCase):
    def test_the_new_pages_send_the_strict_policy_and_have_no_inline_script_or_style(self):
        pages = ["/accounts/password/reset/", "/accounts/password/reset/sent/"]
        signed_in = ["/accounts/me/", "/accounts/me/two-factor/", "/settings/members/"]
        for path in pages:
            self.check_page(path)
        self.login(self.owner)
        for path in signed_in:
            self.check_page(path)

    def check_page(self, path):
        response = self.client.get(path)
        assert response.status_code == 200, path
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        html = response.content.decode()
        for inline in (" style=", "<style", "<script>", " onclick="):
            assert inline not in html, (path, inline)
