from django.test import TestCase, override_settings

from goodwill.accounts.models import LoginFailure, Membership, User, Workspace
from goodwill.core.testing import PASSWORD, GoodwillTestCase

SIGNUP = {
    "name": "Ana Ruiz",
    "email": "Ana@Ruiz.example",
    "password": PASSWORD,
    "workspace_name": "Ruiz Bookkeeping",
    "time_zone": "Europe/Madrid",
}


class FreshInstallSignupTests(TestCase):
    def test_signup_is_open_on_a_fresh_install_and_creates_the_owner_and_workspace(self):
        response = self.client.post("/accounts/signup/", SIGNUP)
        self.assertRedirects(response, "/")
        user = User.objects.get()
        assert user.email == "ana@ruiz.example"
        membership = Membership.objects.get(user=user)
        assert membership.is_owner
        assert membership.workspace.slug == "ruiz-bookkeeping"
        assert membership.workspace.time_zone == "Europe/Madrid"
        self.assertContains(self.client.get("/"), "Ruiz Bookkeeping")

    def test_a_weak_password_is_refused_with_a_message_and_nothing_is_stored(self):
        response = self.client.post("/accounts/signup/", {**SIGNUP, "password": "12345"})
        assert response.status_code == 400
        self.assertContains(response, "This password is too short", status_code=400)
        assert not User.objects.exists()
        assert not Workspace.objects.exists()

    def test_a_bad_time_zone_is_refused(self):
        response = self.client.post("/accounts/signup/", {**SIGNUP, "time_zone": "Mars/Base"})
        assert response.status_code == 400
        assert not User.objects.exists()


class SignupClosedTests(GoodwillTestCase):
    def test_signup_is_closed_once_someone_has_signed_up(self):
        response = self.client.get("/accounts/signup/")
        self.assertContains(response, "Sign-up is closed", status_code=403)
        self.client.post("/accounts/signup/", SIGNUP)
        assert not User.objects.filter(email="ana@ruiz.example").exists()

    @override_settings(SIGNUP_OPEN=True)
    def test_the_operator_can_open_signup(self):
        self.client.post("/accounts/signup/", SIGNUP)
        assert User.objects.filter(email="ana@ruiz.example").exists()

    @override_settings(SIGNUP_OPEN=True)
    def test_an_address_already_taken_is_refused(self):
        response = self.client.post("/accounts/signup/", {**SIGNUP, "email": self.owner.email})
        self.assertContains(response, "already exists", status_code=400)
        assert Workspace.objects.count() == 2


class LoginTests(GoodwillTestCase):
    def test_it_signs_in_with_any_case_of_the_address_and_goes_to_next(self):
        response = self.client.post(
            "/accounts/login/",
            {"email": "DAN@ortiz.example", "password": PASSWORD, "next": "/settings/"},
        )
        self.assertRedirects(response, "/settings/")

    def test_it_ignores_an_offsite_next(self):
        response = self.client.post(
            "/accounts/login/",
            {"email": self.owner.email, "password": PASSWORD, "next": "https://evil.example/"},
        )
        self.assertRedirects(response, "/")

    def test_a_wrong_password_says_so(self):
        response = self.client.post(
            "/accounts/login/", {"email": self.owner.email, "password": "wrong password"}
        )
        self.assertContains(response, "do not match", status_code=400)
        assert LoginFailure.objects.count() == 1

    def test_it_locks_an_address_after_five_failures_even_for_the_right_password(self):
        for _ in range(5):
            self.client.post("/accounts/login/", {"email": self.owner.email, "password": "nope"})
        response = self.client.post(
            "/accounts/login/", {"email": self.owner.email, "password": PASSWORD}
        )
        self.assertContains(response, "Too many failed attempts", status_code=429)
        assert "_auth_user_id" not in self.client.session
        other = self.client.post(
            "/accounts/login/", {"email": self.assistant.email, "password": PASSWORD}
        )
        assert other.status_code == 302

    def test_it_locks_an_ip_that_guesses_across_many_addresses(self):
        for number in range(25):
            self.client.post(
                "/accounts/login/", {"email": f"guess{number}@example.com", "password": "x"}
            )
        response = self.client.post(
            "/accounts/login/", {"email": self.owner.email, "password": PASSWORD}
        )
        assert response.status_code == 429

    def test_a_successful_login_forgets_earlier_failures(self):
        for _ in range(4):
            self.client.post("/accounts/login/", {"email": self.owner.email, "password": "nope"})
        self.client.post("/accounts/login/", {"email": self.owner.email, "password": PASSWORD})
        assert not LoginFailure.objects.filter(email=self.owner.email).exists()

    def test_logout_needs_a_post(self):
        self.login(self.owner)
        assert self.client.get("/accounts/logout/").status_code == 405
        self.assertRedirects(self.client.post("/accounts/logout/"), "/accounts/login/")
        self.assertRedirects(self.client.get("/"), "/accounts/login/?next=/")

    def test_pages_need_a_login(self):
        for url in ["/", "/settings/", "/settings/members/", "/settings/tokens/", "/accounts/me/"]:
            response = self.client.get(url)
            self.assertRedirects(response, f"/accounts/login/?next={url}", msg_prefix=url)

    def test_a_user_without_a_workspace_is_asked_to_create_one(self):
        loner = User.objects.create_user("loner@example.com", PASSWORD)
        self.login(loner)
        self.assertRedirects(self.client.get("/"), "/workspaces/new/")
        response = self.client.post("/workspaces/new/", {"name": "Solo", "time_zone": "UTC"})
        self.assertRedirects(response, "/")
        assert Membership.objects.get(user=loner).is_owner

    def test_the_password_can_be_changed(self):
        self.login(self.owner)
        new = "an even better passphrase"
        response = self.client.post(
            "/accounts/me/",
            {
                "form": "password",
                "old_password": PASSWORD,
                "new_password1": new,
                "new_password2": new,
            },
        )
        self.assertRedirects(response, "/accounts/me/")
        self.owner.refresh_from_db()
        assert self.owner.check_password(new)
        assert self.client.get("/").status_code == 200

    def test_a_wrong_old_password_changes_nothing(self):
        self.login(self.owner)
        response = self.client.post(
            "/accounts/me/",
            {
                "form": "password",
                "old_password": "wrong",
                "new_password1": "x" * 12,
                "new_password2": "x" * 12,
            },
        )
        assert response.status_code == 400
        self.owner.refresh_from_db()
        assert self.owner.check_password(PASSWORD)


class WorkspaceSwitchTests(GoodwillTestCase):
    def test_a_member_of_two_workspaces_can_switch(self):
        Membership.objects.create(workspace=self.other_workspace, user=self.owner)
        self.login(self.owner)
        self.assertContains(self.client.get("/"), "Ortiz Consulting")
        self.client.post("/workspaces/switch/", {"workspace": self.other_workspace.slug})
        self.assertContains(self.client.get("/settings/"), "Outside Bakery")

    def test_switching_to_a_workspace_one_is_not_in_is_404(self):
        self.login(self.owner)
        response = self.client.post("/workspaces/switch/", {"workspace": self.other_workspace.slug})
        assert response.status_code == 404
        self.assertContains(self.client.get("/settings/"), "Ortiz Consulting")


class AdminLoginTests(GoodwillTestCase):
    def test_the_admin_signs_in_through_the_throttled_login(self):
        response = self.client.get("/admin/login/?next=/admin/")
        self.assertRedirects(
            response, "/accounts/login/?next=/admin/", fetch_redirect_response=False
        )
        for _ in range(5):
            self.client.post("/admin/login/", {"username": self.owner.email, "password": "x"})
        assert "_auth_user_id" not in self.client.session


class AccountWithoutWorkspaceTests(GoodwillTestCase):
    def test_a_user_without_a_workspace_can_still_manage_their_account(self):
        loner = User.objects.create_user("loner@example.com", PASSWORD)
        self.login(loner)
        self.assertContains(self.client.get("/accounts/me/"), "Change password")
        assert self.client.post("/accounts/me/test-email/").status_code == 302


class SignupRateLimitTests(GoodwillTestCase):
    def test_one_address_cannot_flood_the_sign_up_page(self):
        statuses = {self.client.post("/accounts/signup/", {}).status_code for _ in range(20)}
        assert 429 not in statuses
        response = self.client.post("/accounts/signup/", {})
        assert response.status_code == 429
