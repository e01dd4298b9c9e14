from datetime import timedelta

from goodwill.agenda import services
from goodwill.agenda.models import Reminder, ReminderState
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.people.dates import PartialDate
from goodwill.people.models import CircleMember


class AgendaPageTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )
        self.today = services.today_in(self.workspace)
        leo = CircleMember(workspace=self.workspace, contact=self.dan, name="Leo", relation="child")
        soon = self.today + timedelta(days=3)
        leo.set_partial_date(PartialDate(month=soon.month, day=soon.day, year=2017))
        leo.save()
        self.reminder = services.reminder_create(
            self.dan, actor=self.owner, title="Call about March", due_on=self.today
        )
        self.login(self.assistant)

    def test_the_dashboard_and_the_agenda_page_show_what_is_coming(self):
        for url in ("/", "/agenda/", "/agenda/?days=30", "/agenda/?days=7&page=2"):
            response = self.client.get(url)
            assert response.status_code == 200, url
        page = self.client.get("/")
        self.assertContains(page, "Coming up")
        self.assertContains(page, "Leo, Dan Ortiz&#x27;s child")
        self.assertContains(page, "Call about March")
        self.assertContains(self.client.get("/agenda/?days=banana"), "Call about March")

    def test_reminder_actions_from_the_agenda(self):
        back = {"next": "/agenda/"}
        assert (
            self.client.post(
                f"/reminders/{self.reminder.pk}/snooze/", {"days": "7", **back}
            ).status_code
            == 302
        )
        self.reminder.refresh_from_db()
        assert self.reminder.show_on == self.today + timedelta(days=7)
        self.client.post(f"/reminders/{self.reminder.pk}/snooze/", {"days": "0"})
        self.reminder.refresh_from_db()
        assert self.reminder.show_on == self.today + timedelta(days=7)
        until = self.today + timedelta(days=40)
        self.assertContains(self.client.get(f"/reminders/{self.reminder.pk}/"), "Snooze until")
        self.client.post(f"/reminders/{self.reminder.pk}/snooze/", {"until": str(until)})
        self.reminder.refresh_from_db()
        assert self.reminder.show_on == until
        self.client.post(f"/reminders/{self.reminder.pk}/snooze/", {"until": "not-a-day"})
        self.reminder.refresh_from_db()
        assert self.reminder.show_on == until
        self.client.post(f"/reminders/{self.reminder.pk}/done/", back)
        self.reminder.refresh_from_db()
        assert self.reminder.state == ReminderState.DONE

    def test_adding_changing_and_deleting_on_the_contact_page(self):
        page = self.client.get(f"/people/{self.dan.pk}/")
        self.assertContains(page, "Remind me")
        response = self.client.post(
            f"/people/{self.dan.pk}/reminders/",
            {"title": "Birthday card", "due_on": "2027-02-01", "repeat": "yearly"},
        )
        assert response.status_code == 302
        added = Reminder.objects.get(title="Birthday card")
        assert added.repeat == "yearly"
        bad = self.client.post(f"/people/{self.dan.pk}/reminders/", {"title": "", "due_on": "x"})
        assert bad.status_code == 400
        edit = self.client.post(
            f"/reminders/{added.pk}/",
            {"title": "Birthday card for Leo", "due_on": "2027-02-02", "repeat": "yearly"},
        )
        assert edit.status_code == 302
        added.refresh_from_db()
        assert (added.title, str(added.due_on)) == ("Birthday card for Leo", "2027-02-02")
        self.client.post(f"/reminders/{added.pk}/delete/")
        assert not Reminder.objects.filter(pk=added.pk).exists()

    def test_an_outsider_gets_404_and_sees_nothing(self):
        self.login(self.outsider)
        pk = self.reminder.pk
        for url in (
            f"/reminders/{pk}/done/",
            f"/reminders/{pk}/dismiss/",
            f"/reminders/{pk}/delete/",
        ):
            assert self.client.post(url).status_code == 404, url
        assert self.client.get(f"/reminders/{pk}/").status_code == 404
        body = {"title": "x", "due_on": "2027-01-01", "repeat": "never"}
        assert self.client.post(f"/people/{self.dan.pk}/reminders/", body).status_code == 404
        self.assertNotContains(self.client.get("/agenda/"), "Call about March")
        self.assertNotContains(self.client.get("/"), "Leo")
        self.reminder.refresh_from_db()
        assert self.reminder.state == ReminderState.OPEN


class AgendaApiTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        self.today = services.today_in(self.workspace)

    def test_reminders_through_the_api_and_the_agenda(self):
        body = {"contact": self.dan.pk, "title": "Call Dan", "due_on": str(self.today)}
        created = self.api("POST", "reminders", body=body)
        assert created.status_code == 201
        rid = created.json()["id"]
        agenda = self.api("GET", "agenda?days=7").json()
        assert agenda["start"] == str(self.today)
        assert [(i["kind"], i["ref"]) for i in agenda["items"] if i["kind"] == "reminder"] == [
            ("reminder", rid)
        ]
        snoozed = self.api("POST", f"reminders/{rid}/snooze", body={"days": 1}).json()
        assert snoozed["show_on"] == str(self.today + timedelta(days=1))
        changed = self.api("PATCH", f"reminders/{rid}", body={"repeat": "weekly"}).json()
        assert changed["repeat"] == "weekly"
        done = self.api("POST", f"reminders/{rid}/done").json()
        assert (done["state"], done["due_on"]) == ("open", str(self.today + timedelta(days=7)))
        assert self.api("POST", f"reminders/{rid}/dismiss").json()["state"] == "dismissed"
        assert self.api("POST", f"reminders/{rid}/dismiss").status_code == 422
        assert self.api("GET", "reminders?state=all").json()["count"] == 1
        assert self.api("DELETE", f"reminders/{rid}").status_code == 204

    def test_bad_input_is_422_and_changes_nothing(self):
        for body in (
            {"contact": self.dan.pk, "title": "", "due_on": str(self.today)},
            {"contact": self.dan.pk, "title": "x", "due_on": "tomorrow"},
            {"contact": self.dan.pk, "title": "x", "due_on": str(self.today), "repeat": "daily"},
            {"contact": self.dan.pk, "title": "x", "due_on": "1800-01-01"},
        ):
            assert self.api("POST", "reminders", body=body).status_code == 422, body
        for query in ("days=-1", "days=61", "limit=0", "days=x"):
            assert self.api("GET", f"agenda?{query}").status_code == 422, query
        reminder = services.reminder_create(
            self.dan, actor=self.owner, title="Call", due_on=self.today
        )
        for snooze in ({}, {"days": 0}, {"until": str(self.today)}):
            response = self.api("POST", f"reminders/{reminder.pk}/snooze", body=snooze)
            assert response.status_code == 422, snooze
        assert Reminder.objects.count() == 1

    def test_an_outsider_gets_404(self):
        reminder = services.reminder_create(
            self.dan, actor=self.owner, title="Call", due_on=self.today
        )
        token = self.outsider_token
        for method, path in (
            ("GET", f"reminders/{reminder.pk}"),
            ("PATCH", f"reminders/{reminder.pk}"),
            ("DELETE", f"reminders/{reminder.pk}"),
            ("POST", f"reminders/{reminder.pk}/done"),
            ("POST", f"reminders/{reminder.pk}/dismiss"),
            ("GET", f"reminders?contact={self.dan.pk}"),
        ):
            empty: dict[str, str] | None = {} if method in ("PATCH", "POST") else None
            assert self.api(method, path, token=token, body=empty).status_code == 404, path
        body = {"contact": self.dan.pk, "title": "x", "due_on": str(self.today)}
        assert self.api("POST", "reminders", token=token, body=body).status_code == 404
        assert self.api("GET", "agenda", token=token).json()["items"] == []
        reminder.refresh_from_db()
        assert reminder.state == "open"
