import email
import email.policy
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from goodwill.accounts import services
from goodwill.accounts.models import Invitation, Membership, Role, User, hash_token
from goodwill.core import worker
from goodwill.core.models import AuditEvent
from goodwill.core.testing import PASSWORD, GoodwillTestCase


class InvitationTests(GoodwillTestCase):
    @pytest.fixture(autouse=True)
    def _smtp(self, smtp):
        self.smtp = smtp

    def invite(self, address="nia@new.example", role=Role.ASSISTANT):
        return self.client.post("/settings/members/invite/", {"email": address, "role": role})

    def sent_link(self):
        """Run the worker, and return the path of the link in the one e-mail it sent."""
        assert worker.jobs_run_ready("invite-test") == 1
        sent = email.message_from_bytes(
            self.smtp.envelopes[-1].content, policy=email.policy.default
        )
        found = re.search(r"http://127\.0\.0\.1:8000(/invitations/\S+/)", sent.get_content())
        assert found
        return found.group(1), sent

    def test_an_owner_invites_a_new_person_who_creates_an_account_and_joins(self):
        self.login(self.owner)
        self.assertRedirects(self.invite(role=Role.OWNER), "/settings/members/")
        invitation = Invitation.objects.get()
        assert invitation.expires_at - invitation.created_at == timedelta(days=7)
        self.assertContains(self.client.get("/settings/members/"), "nia@new.example")
        path, sent = self.sent_link()
        assert sent["To"] == "nia@new.example"
        assert sent["Subject"] == "Join Ortiz Consulting on Goodwill"
        # Only the hash of the link's secret is stored.
        secret = path.split("/")[2]
        assert Invitation.objects.get().token_hash == hash_token(secret)
        self.client.logout()
        page = self.client.get(path)
        self.assertContains(page, "Create your account")
        weak = self.client.post(path, {"name": "Nia", "password": "123456789"})
        self.assertContains(weak, "too short", status_code=400)
        assert not User.objects.filter(email="nia@new.example").exists()
        response = self.client.post(path, {"name": "Nia Lane", "password": PASSWORD})
        self.assertRedirects(response, "/")
        nia = User.objects.get(email="nia@new.example")
        assert Membership.objects.get(user=nia).role == Role.OWNER
        self.assertContains(self.client.get("/"), "Ortiz Consulting")
        # Used once: the link now says so, and nobody else can join with it.
        self.client.logout()
        self.assertContains(self.client.get(path), "already been used", status_code=410)
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"invite", "invite-accept"} <= actions

    def test_an_existing_user_signs_in_and_joins_with_the_role(self):
        invitation = services.invitation_create(
            workspace=self.workspace, actor=self.owner, email=self.outsider.email
        )
        path, _ = self.sent_link()
        page = self.client.get(path)
        self.assertContains(page, "Sign in to accept")
        assert self.client.post(path, {"name": "X", "password": PASSWORD}).status_code == 400
        assert not Membership.objects.filter(workspace=self.workspace, user=self.outsider).exists()
        self.login(self.outsider)
        self.assertRedirects(self.client.post(path), "/")
        membership = Membership.objects.get(workspace=self.workspace, user=self.outsider)
        assert membership.role == Role.ASSISTANT
        invitation.refresh_from_db()
        assert invitation.accepted_by == self.outsider

    def test_an_expired_or_revoked_link_is_refused_clearly(self):
        self.login(self.owner)
        self.invite()
        path, _ = self.sent_link()
        Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        self.client.logout()
        self.assertContains(self.client.get(path), "has expired", status_code=410)
        assert self.client.post(path, {"name": "N", "password": PASSWORD}).status_code == 410
        assert not User.objects.filter(email="nia@new.example").exists()

        self.login(self.owner)
        self.assertContains(self.client.get("/settings/members/"), "Expired")
        Invitation.objects.update(expires_at=timezone.now() - timedelta(days=31))
        self.assertNotContains(self.client.get("/settings/members/"), "nia@new.example")
        self.invite("zed@new.example")
        path, _ = self.sent_link()
        invitation = Invitation.objects.get(email="zed@new.example")
        response = self.client.post(f"/settings/members/invitations/{invitation.pk}/revoke/")
        self.assertRedirects(response, "/settings/members/")
        self.client.logout()
        self.assertContains(self.client.get(path), "withdrawn", status_code=410)
        assert AuditEvent.objects.filter(action="invite-revoke").count() == 1

    def test_a_made_up_link_is_404(self):
        self.assertContains(self.client.get("/invitations/gwi_nope/"), "not valid", status_code=404)

    def test_inviting_again_replaces_the_old_link(self):
        self.login(self.owner)
        self.invite()
        first, _ = self.sent_link()
        self.invite()
        second, _ = self.sent_link()
        assert self.client.get(first).status_code == 410
        assert self.client.get(second).status_code == 200

    def test_a_member_or_a_bad_address_cannot_be_invited(self):
        self.login(self.owner)
        self.assertContains(self.invite(self.assistant.email), "already a member", status_code=400)
        assert self.invite("not-an-address").status_code == 400
        assert self.invite(role="boss").status_code == 400
        assert not Invitation.objects.exists()

    def test_only_owners_invite_and_revoke(self):
        invitation = services.invitation_create(
            workspace=self.workspace, actor=self.owner, email="nia@new.example"
        )
        self.login(self.assistant)
        assert self.invite("x@new.example").status_code == 403
        revoke = f"/settings/members/invitations/{invitation.pk}/revoke/"
        assert self.client.post(revoke).status_code == 403
        self.assertNotContains(self.client.get("/settings/members/"), "nia@new.example")
        self.login(self.outsider)
        assert self.client.post(revoke).status_code == 404
        invitation.refresh_from_db()
        assert invitation.state == "pending"
        assert Invitation.objects.count() == 1

    def test_a_link_sent_after_a_revocation_is_not_made(self):
        invitation = services.invitation_create(
            workspace=self.workspace, actor=self.owner, email="nia@new.example"
        )
        services.invitation_revoke(invitation, actor=self.owner)
        worker.jobs_run_ready("invite-test")
        assert self.smtp.envelopes == []

    def test_a_member_already_in_the_workspace_cannot_use_it_twice(self):
        services.invitation_create(
            workspace=self.workspace, actor=self.owner, email="other@x.example"
        )
        path, _ = self.sent_link()
        self.login(self.assistant)
        self.assertContains(self.client.post(path), "already a member", status_code=400)
        assert Invitation.objects.get().state == "pending"
