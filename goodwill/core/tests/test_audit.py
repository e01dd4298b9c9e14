"""The audit trail: every write a person makes is recorded once, by type and id, for owners."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from goodwill.core import acting
from goodwill.core.models import AuditEvent
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.people.models import Contact


def trail(workspace):
    return list(
        AuditEvent.objects.filter(workspace=workspace)
        .order_by("pk")
        .values_list("action", "object_type", "actor__email", "via")
    )


class AuditTrailTests(GoodwillTestCase):
    def create_over_api(self, token=None, **body):
        response = self.api("post", "contacts", token=token, body={"first_name": "Lena", **body})
        assert response.status_code == 201, response.content
        return Contact.objects.get(pk=response.json()["id"])

    def test_api_writes_are_recorded_once_with_the_token_user(self):
        contact = self.create_over_api(token=self.assistant_token, last_name="Park")
        created = trail(self.workspace)
        assert ("create", "people.contact", "ava@ortiz.example", "api") in created
        # Saved more than once in that request, but created, not also changed.
        assert [row for row in created if row[1] == "people.contact"] == [
            ("create", "people.contact", "ava@ortiz.example", "api")
        ]
        response = self.api("patch", f"contacts/{contact.pk}", body={"nickname": "Lee"})
        assert response.status_code == 200
        assert trail(self.workspace)[-1] == ("change", "people.contact", "dan@ortiz.example", "api")

    def test_erasing_records_the_erasure_and_nothing_of_the_person(self):
        contact = self.create_over_api(last_name="Uniquename", nickname="Secretnick")
        self.api("post", f"contacts/{contact.pk}/facts", body={"text": "Collects Meissen"})
        AuditEvent.objects.all().delete()
        assert self.api("delete", f"contacts/{contact.pk}").status_code == 204
        assert trail(self.workspace) == [("erase", "people.contact", "dan@ortiz.example", "api")]
        self.login(self.owner)
        page = self.client.get("/settings/audit/")
        assert page.status_code == 200
        self.assertContains(page, f"#{contact.pk}")
        for text in ("Lena", "Uniquename", "Secretnick", "Meissen"):
            self.assertNotContains(page, text)

    def test_pages_record_the_signed_in_member(self):
        self.login(self.owner)
        response = self.client.post("/people/new/", {"first_name": "Mira", "kind": "client"})
        assert response.status_code == 302, response.content
        assert ("create", "people.contact", "dan@ortiz.example", "web") in trail(self.workspace)

    def test_nothing_is_recorded_outside_a_persons_action(self):
        people.contact_create(self.workspace, actor=None, first_name="Seeded")
        assert trail(self.workspace) == []
        with acting.acting(self.owner.pk, "cli"):
            people.contact_create(self.workspace, actor=self.owner, first_name="Typed")
        assert trail(self.workspace) == [("create", "people.contact", "dan@ortiz.example", "cli")]

    def test_a_visitor_filing_a_case_is_recorded_as_public(self):
        from goodwill.care.tests.test_public import old_stamp

        data = {
            "name": "Ada Lovelace", "email": "ada@example.org", "type": "complaint",
            "subject": "Order 1042", "text": "The mug arrived broken.", "website": "",
            "stamp": old_stamp(),
        }  # fmt: skip
        assert self.client.post(f"/p/{self.workspace.slug}/", data).status_code == 200
        recorded = trail(self.workspace)
        assert ("create", "care.case", None, "public") in recorded

    def test_owners_see_a_member_change_how_they_sign_in(self):
        import pyotp

        from goodwill.accounts import services as accounts
        from goodwill.core.testing import PASSWORD

        device = accounts.two_factor_begin(self.assistant)
        accounts.two_factor_confirm(self.assistant, pyotp.TOTP(device.secret).now())
        accounts.two_factor_disable(self.assistant, PASSWORD)
        accounts.password_set(self.assistant, "a much longer passphrase 42")
        recorded = [row[:3] for row in trail(self.workspace)]
        assert recorded == [
            ("two-factor-on", "accounts.user", "ava@ortiz.example"),
            ("two-factor-off", "accounts.user", "ava@ortiz.example"),
            ("password-change", "accounts.user", "ava@ortiz.example"),
        ]
        assert trail(self.other_workspace) == []


class AuditPageTests(GoodwillTestCase):
    def setUp(self):
        for n in range(3):
            with acting.acting(self.owner.pk, "web"):
                people.contact_create(self.workspace, actor=self.owner, first_name=f"P{n}")
        with acting.acting(self.outsider.pk, "web"):
            people.contact_create(self.other_workspace, actor=self.outsider, first_name="Olaf")

    def test_owners_see_their_workspace_only(self):
        self.login(self.owner)
        page = self.client.get("/settings/audit/")
        assert page.status_code == 200
        ours = Contact.objects.filter(workspace=self.workspace).values_list("pk", flat=True)
        theirs = Contact.objects.get(first_name="Olaf").pk
        for pk in ours:
            self.assertContains(page, f'href="/people/{pk}/"')
        self.assertNotContains(page, f'href="/people/{theirs}/"')
        self.assertContains(page, "Dan Ortiz")

    def test_actions_on_the_workspace_itself_are_listed(self):
        self.login(self.owner)
        assert self.client.get("/settings/backup/download").status_code == 200
        page = self.client.get("/settings/audit/")
        self.assertContains(page, "<td>downloaded a backup of</td>")
        self.assertContains(page, f"Workspace #{self.workspace.pk}")

    def test_a_named_action_replaces_the_automatic_event_of_its_record(self):
        from goodwill.core.audit import audit_record

        contact = Contact.objects.filter(workspace=self.workspace).earliest("pk")
        AuditEvent.objects.all().delete()
        with acting.acting(self.owner.pk, "web"):
            contact.save()
            audit_record(self.workspace, actor=self.owner, action="merge", obj=contact)
            contact.save()
        assert trail(self.workspace) == [("merge", "people.contact", "dan@ortiz.example", "web")]

    def test_assistants_may_not_read_the_trail(self):
        self.login(self.assistant)
        assert self.client.get("/settings/audit/").status_code == 403
        assert self.api("get", "audit", token=self.assistant_token).status_code == 403

    def test_filters_narrow_the_trail(self):
        contact = Contact.objects.filter(workspace=self.workspace).earliest("pk")
        with acting.acting(self.assistant.pk, "web"):
            people.contact_update(contact, actor=self.assistant, nickname="Pip")
        self.login(self.owner)
        page = self.client.get(f"/settings/audit/?actor={self.assistant.pk}")
        self.assertContains(page, "<td>changed</td>")
        self.assertNotContains(page, "<td>created</td>")
        page = self.client.get("/settings/audit/?action=nonsense&actor=x&page=-3")
        assert page.status_code == 200
        history = self.client.get(f"/settings/audit/?type=people.contact&id={contact.pk}")
        self.assertContains(history, "<td>changed</td>")
        self.assertContains(history, "<td>created</td>")
        assert history.content.count(b"<tr>") == 3  # the header and two events

    def test_api_lists_filters_and_isolates(self):
        body = self.api("get", "audit").json()
        assert body["count"] == 3
        assert {item["actor"] for item in body["items"]} == {"dan@ortiz.example"}
        assert self.api("get", "audit?action=delete").json()["count"] == 0
        assert self.api("get", "audit?action=nonsense").status_code == 422
        assert self.api("get", f"audit?actor={2**70}").status_code == 422
        outsider = self.api("get", "audit", token=self.outsider_token).json()
        assert outsider["count"] == 1

    def test_the_page_costs_the_same_queries_for_many_rows(self):
        self.login(self.owner)
        self.client.get("/settings/audit/")
        with CaptureQueriesContext(connection) as few:
            self.client.get("/settings/audit/")
        for n in range(20):
            with acting.acting(self.owner.pk, "web"):
                people.contact_create(self.workspace, actor=self.owner, first_name=f"Q{n}")
        with CaptureQueriesContext(connection) as many:
            self.client.get("/settings/audit/")
        assert len(many) == len(few)


class DemoAuditTests(GoodwillTestCase):
    def test_the_demo_workspace_shows_who_made_its_records(self):
        from goodwill.core.demo import DEMO_EMAIL, build_demo

        workspace = build_demo()
        recorded = set(trail(workspace))
        assert ("create", "people.contact", DEMO_EMAIL, "cli") in recorded
        self.client.force_login(workspace.memberships.get(role="owner").user)
        self.assertContains(self.client.get("/settings/audit/"), "<td>created</td>")
