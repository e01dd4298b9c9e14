"""Every place a password is chosen runs the same checks (settings.AUTH_PASSWORD_VALIDATORS)."""

import io
import sys

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from goodwill.accounts import services
from goodwill.accounts.models import Invitation, User
from goodwill.core.testing import PASSWORD, GoodwillTestCase

# (password, what the refusal says) for a user whose address is nia@lane.example
WEAK = [
    ("short1", "too short"),
    ("1234567890123", "entirely numeric"),
    ("password1234", "too common"),
    ("nia.lane.example", "too similar"),
]


class PasswordStrengthTests(GoodwillTestCase):
    @override_settings(SIGNUP_OPEN=True)
    def test_signup(self):
        for password, says in WEAK:
            form = {
                "name": "Nia Lane", "email": "nia@lane.example", "password": password,
                "workspace_name": "Lane", "time_zone": "UTC",
            }  # fmt: skip
            response = self.client.post("/accounts/signup/", form)
            self.assertContains(response, says, status_code=400)
        assert not User.objects.filter(email="nia@lane.example").exists()

    def test_invitation_acceptance(self):
        invitation = services.invitation_create(
            workspace=self.workspace, actor=self.owner, email="nia@lane.example"
        )
        raw = services.invitation_issue_link(invitation)
        for password, says in WEAK:
            form = {"name": "Nia Lane", "password": password}
            response = self.client.post(f"/invitations/{raw}/", form)
            self.assertContains(response, says, status_code=400)
        assert not User.objects.filter(email="nia@lane.example").exists()

    def test_reset_and_account_page(self):
        nia = services.user_create(email="nia@lane.example", password=PASSWORD, name="Nia Lane")
        self.login(nia)  # before the link is made: signing in changes last_login, which it hashes
        nia.refresh_from_db()
        uid = urlsafe_base64_encode(force_bytes(nia.pk))
        reset = f"/accounts/password/reset/{uid}/{default_token_generator.make_token(nia)}/"
        for password, says in WEAK:
            pair = {"new_password1": password, "new_password2": password}
            self.assertContains(self.client.post(reset, pair), says, status_code=400)
            change = {"form": "password", "old_password": PASSWORD, **pair}
            self.assertContains(self.client.post("/accounts/me/", change), says, status_code=400)
        nia.refresh_from_db()
        assert nia.check_password(PASSWORD)

    def test_the_createuser_command(self):
        for password, says in WEAK:
            sys.stdin = io.StringIO(password + "\n")
            try:
                with pytest.raises(CommandError, match=says):
                    call_command(
                        "createuser", "nia@lane.example", "--name", "Nia Lane",
                        "--password-stdin", stdout=io.StringIO(),
                    )  # fmt: skip
            finally:
                sys.stdin = sys.__stdin__
        assert not User.objects.filter(email="nia@lane.example").exists()
        assert not Invitation.objects.exists()
