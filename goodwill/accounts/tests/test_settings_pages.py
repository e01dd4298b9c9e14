from goodwill.accounts.models import ApiToken, Membership, Workspace, default_business_hours
from goodwill.accounts.services import token_authenticate
from goodwill.core.testing import GoodwillTestCase


def settings_form(**overrides):
    data = {
        "name": "Ortiz Consulting", "time_zone": "America/Chicago", "leap_day": "feb28",
        "currency": "EUR",
    }  # fmt: skip
    for day, span in default_business_hours().items():
        data[f"{day}_open"], data[f"{day}_close"] = span or ["", ""]
    data.update(overrides)
    return data


class WorkspaceSettingsTests(GoodwillTestCase):
    def test_an_owner_changes_name_time_zone_and_hours(self):
        self.login(self.owner)
        response = self.client.post(
            "/settings/",
            settings_form(name="Ortiz & Co", time_zone="Europe/Lisbon", friday_close="13:00"),
        )
        self.assertRedirects(response, "/settings/")
        self.workspace.refresh_from_db()
        assert self.workspace.name == "Ortiz & Co"
        assert self.workspace.time_zone == "Europe/Lisbon"
        assert self.workspace.business_hours["friday"] == ["09:00", "13:00"]
        assert self.workspace.business_hours["sunday"] == []

    def test_bad_hours_are_refused_with_a_message_and_change_nothing(self):
        self.login(self.owner)
        before = Workspace.objects.get(pk=self.workspace.pk).business_hours
        for bad in [
            {"monday_open": "18:00", "monday_close": "09:00"},
            {"tuesday_open": "09:00", "tuesday_close": ""},
            {"wednesday_open": "25:99"},
        ]:
            response = self.client.post("/settings/", settings_form(name="Changed", **bad))
            assert response.status_code == 400, bad
            self.workspace.refresh_from_db()
            assert self.workspace.name == "Ortiz Consulting"
            assert self.workspace.business_hours == before

    def test_an_assistant_sees_but_cannot_change_settings(self):
        self.login(self.assistant)
        self.assertContains(self.client.get("/settings/"), "Only owners can change")
        response = self.client.post("/settings/", settings_form(name="Hijacked"))
        assert response.status_code == 403
        self.workspace.refresh_from_db()
        assert self.workspace.name == "Ortiz Consulting"

    def test_business_hours_know_when_the_business_is_open(self):
        from datetime import datetime
        from zoneinfo import ZoneInfo

        chicago = ZoneInfo("America/Chicago")
        assert self.workspace.is_open_at(datetime(2026, 11, 23, 10, 0, tzinfo=chicago))
        assert not self.workspace.is_open_at(datetime(2026, 11, 23, 17, 0, tzinfo=chicago))
        assert not self.workspace.is_open_at(datetime(2026, 11, 22, 10, 0, tzinfo=chicago))


class MemberTests(GoodwillTestCase):
    def test_members_are_listed_for_every_member(self):
        self.login(self.assistant)
        response = self.client.get("/settings/members/")
        self.assertContains(response, self.owner.email)
        self.assertNotContains(response, self.outsider.email)

    def test_an_owner_adds_an_existing_user(self):
        self.login(self.owner)
        response = self.client.post(
            "/settings/members/add/", {"email": self.outsider.email, "role": "assistant"}
        )
        self.assertRedirects(response, "/settings/members/")
        assert Membership.objects.filter(workspace=self.workspace, user=self.outsider).exists()

    def test_adding_an_unknown_or_existing_member_explains_why_not(self):
        self.login(self.owner)
        response = self.client.post(
            "/settings/members/add/", {"email": "nobody@example.com", "role": "assistant"}
        )
        self.assertContains(response, "must sign up first", status_code=400)
        response = self.client.post(
            "/settings/members/add/", {"email": self.assistant.email, "role": "owner"}
        )
        self.assertContains(response, "already a member", status_code=400)
        assert not self.membership(self.assistant).is_owner

    def test_an_assistant_cannot_add_or_remove_members(self):
        self.login(self.assistant)
        response = self.client.post("/settings/members/add/", {"email": self.outsider.email})
        assert response.status_code == 403
        owner_membership = self.membership(self.owner)
        response = self.client.post(f"/settings/members/{owner_membership.pk}/remove/")
        assert response.status_code == 403
        assert Membership.objects.filter(pk=owner_membership.pk).exists()

    def test_removing_a_member_stops_their_tokens_at_once(self):
        assert token_authenticate(self.assistant_token) is not None
        self.login(self.owner)
        membership = self.membership(self.assistant)
        self.client.post(f"/settings/members/{membership.pk}/remove/")
        assert not Membership.objects.filter(pk=membership.pk).exists()
        assert token_authenticate(self.assistant_token) is None
        assert self.api("GET", "me", token=self.assistant_token).status_code == 401

    def test_a_removed_assistant_loses_their_token_and_open_session_on_the_next_request(self):
        from django.test import Client

        from goodwill.core.models import AuditEvent
        from goodwill.people.services import contact_create

        contact = contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Lia", last_name="Ruiz"
        )
        assistant = Client()
        assistant.force_login(self.assistant)
        assert assistant.get(f"/people/{contact.pk}/").status_code == 200
        assert self.api("GET", "me", token=self.assistant_token).status_code == 200
        self.login(self.owner)
        membership = self.membership(self.assistant)
        self.client.post(f"/settings/members/{membership.pk}/remove/")
        assert self.api("GET", "me", token=self.assistant_token).status_code == 401
        page = assistant.get(f"/people/{contact.pk}/")
        self.assertRedirects(page, "/workspaces/new/", fetch_redirect_response=False)
        self.assertNotContains(assistant.get("/workspaces/new/"), "Ortiz Consulting")
        event = AuditEvent.objects.get(action="member-remove")
        assert (event.actor, event.object_id) == (self.owner, str(membership.pk))

    def test_the_last_owner_cannot_be_removed(self):
        from django.core.exceptions import ValidationError

        from goodwill.accounts.services import member_remove

        with self.assertRaises(ValidationError):
            member_remove(self.membership(self.owner))

    def test_an_outsider_cannot_remove_a_member_of_another_workspace(self):
        self.login(self.outsider)
        membership = self.membership(self.assistant)
        response = self.client.post(f"/settings/members/{membership.pk}/remove/")
        assert response.status_code == 404
        assert Membership.objects.filter(pk=membership.pk).exists()


class TokenPageTests(GoodwillTestCase):
    def test_a_new_token_is_shown_once_and_stored_hashed(self):
        self.login(self.assistant)
        response = self.client.post(
            "/settings/tokens/", {"name": "backup script", "read_only": "on"}, follow=True
        )
        self.assertRedirects(response, "/settings/tokens/")
        assert "no-store" in response["Cache-Control"]
        raw = response.context["raw_token"]
        assert raw.startswith("gw_")
        token = ApiToken.objects.get(name="backup script")
        assert token.read_only
        assert raw not in token.token_hash
        assert token_authenticate(raw) == token
        self.assertNotContains(self.client.get("/settings/tokens/"), raw)

    def test_a_token_needs_a_name(self):
        self.login(self.owner)
        response = self.client.post("/settings/tokens/", {"name": "  "})
        assert response.status_code == 400
        assert ApiToken.objects.count() == 3

    def test_an_assistant_sees_only_their_own_tokens_and_an_owner_all(self):
        self.login(self.assistant)
        response = self.client.get("/settings/tokens/")
        self.assertContains(response, "assistant")
        self.assertNotContains(response, self.owner.email)
        self.login(self.owner)
        self.assertContains(self.client.get("/settings/tokens/"), self.assistant.email)

    def test_revoking_stops_the_token(self):
        self.login(self.owner)
        token = ApiToken.objects.get(user=self.owner)
        self.assertRedirects(
            self.client.post(f"/settings/tokens/{token.pk}/revoke/"), "/settings/tokens/"
        )
        assert self.api("GET", "me").status_code == 401

    def test_an_assistant_cannot_revoke_the_owners_token(self):
        self.login(self.assistant)
        token = ApiToken.objects.get(user=self.owner)
        assert self.client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
        assert self.api("GET", "me").status_code == 200

    def test_an_outsider_gets_404_for_another_workspaces_token(self):
        self.login(self.outsider)
        token = ApiToken.objects.get(user=self.owner)
        assert self.client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None


class ErrorPageTests(GoodwillTestCase):
    def test_an_unknown_page_is_a_friendly_404(self):
        self.login(self.owner)
        response = self.client.get("/no/such/page/")
        self.assertContains(response, "can't find that page", status_code=404)

    def test_pages_send_a_strict_content_security_policy(self):
        response = self.client.get("/accounts/login/")
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert response["X-Frame-Options"] == "DENY"


class WorkspaceCountryAndLeapDayTests(GoodwillTestCase):
    def test_an_owner_sets_the_country_and_the_leap_day_rule(self):
        from goodwill.accounts.tests.test_settings_pages import settings_form

        self.login(self.owner)
        response = self.client.post("/settings/", settings_form(country="SE", leap_day="mar1"))
        self.assertRedirects(response, "/settings/")
        self.workspace.refresh_from_db()
        assert (self.workspace.country, self.workspace.leap_day) == ("SE", "mar1")
        response = self.client.post("/settings/", settings_form(country="XX"))
        assert response.status_code == 400
        self.workspace.refresh_from_db()
        assert self.workspace.country == "SE"


class CurrencyTests(GoodwillTestCase):
    def test_an_owner_sets_the_currency_and_a_made_up_one_is_refused(self):
        self.login(self.owner)
        assert self.client.post("/settings/", settings_form(currency="SEK")).status_code == 302
        self.workspace.refresh_from_db()
        assert self.workspace.currency == "SEK"
        for bad in ("XXX", "DEM", "sekk", ""):
            assert self.client.post("/settings/", settings_form(currency=bad)).status_code == 400
        self.workspace.refresh_from_db()
        assert self.workspace.currency == "SEK"
