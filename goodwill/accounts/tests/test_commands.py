import io
import sys

import pytest
from django.core.management import CommandError, call_command

from goodwill.accounts.models import ApiToken, Membership, User
from goodwill.accounts.services import token_authenticate
from goodwill.core.testing import PASSWORD, GoodwillTestCase


def authenticated(raw: str) -> ApiToken:
    token = token_authenticate(raw)
    assert token is not None
    return token


class CreateUserTests(GoodwillTestCase):
    def run_createuser(self, *args, password=PASSWORD):
        sys.stdin = io.StringIO(password + "\n")
        try:
            out = io.StringIO()
            call_command("createuser", *args, "--password-stdin", stdout=out)
            return out.getvalue()
        finally:
            sys.stdin = sys.__stdin__

    def test_it_creates_a_user_with_a_workspace(self):
        out = self.run_createuser("ana@ruiz.example", "--name", "Ana", "--workspace", "Ruiz Books")
        assert "Created workspace Ruiz Books (ruiz-books)" in out
        user = User.objects.get(email="ana@ruiz.example")
        assert user.check_password(PASSWORD)
        assert Membership.objects.get(user=user).is_owner

    def test_it_creates_an_operator(self):
        self.run_createuser("ops@example.com", "--staff")
        assert User.objects.get(email="ops@example.com").is_staff

    def test_it_refuses_a_weak_password_or_a_taken_address_and_stores_nothing(self):
        with pytest.raises(CommandError, match="too short"):
            self.run_createuser("weak@example.com", "--workspace", "W", password="123")
        with pytest.raises(CommandError, match="already exists"):
            self.run_createuser(self.owner.email)
        assert not User.objects.filter(email="weak@example.com").exists()

    def test_a_bad_time_zone_rolls_back_the_user_too(self):
        with pytest.raises(CommandError, match="not a known time zone"):
            self.run_createuser("tz@example.com", "--workspace", "W", "--time-zone", "Nowhere/X")
        assert not User.objects.filter(email="tz@example.com").exists()


class TokenCommandTests(GoodwillTestCase):
    def test_it_prints_a_token_that_reads_me(self):
        out = io.StringIO()
        call_command("token", "create", self.assistant.email, "--name", "cli", stdout=out)
        raw = out.getvalue().strip()
        assert authenticated(raw).user == self.assistant
        response = self.api("GET", "me", token=raw)
        assert response.json()["email"] == self.assistant.email

    def test_it_makes_read_only_tokens(self):
        out = io.StringIO()
        call_command("token", "create", self.owner.email, "--name", "ro", "--read-only", stdout=out)
        assert authenticated(out.getvalue().strip()).read_only

    def test_it_needs_a_workspace_when_the_user_has_several(self):
        Membership.objects.create(workspace=self.other_workspace, user=self.owner)
        with pytest.raises(CommandError, match="several workspaces"):
            call_command("token", "create", self.owner.email, "--name", "x")
        out = io.StringIO()
        call_command(
            "token",
            "create",
            self.owner.email,
            "--name",
            "x",
            "--workspace",
            self.other_workspace.slug,
            stdout=out,
        )
        assert authenticated(out.getvalue().strip()).workspace == self.other_workspace

    def test_it_explains_an_unknown_user_or_workspace(self):
        with pytest.raises(CommandError, match="No user"):
            call_command("token", "create", "ghost@example.com", "--name", "x")
        with pytest.raises(CommandError, match="not a member"):
            call_command(
                "token",
                "create",
                self.owner.email,
                "--name",
                "x",
                "--workspace",
                self.other_workspace.slug,
            )
