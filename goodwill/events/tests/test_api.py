from datetime import timedelta

from goodwill.agenda.services import today_in
from goodwill.core.testing import GoodwillTestCase
from goodwill.events import services
from goodwill.events.models import Attendance, Event
from goodwill.people import services as people
from goodwill.people.models import Contact
from goodwill.touchpoints.models import Due


class EventApiTests(GoodwillTestCase):
    def setUp(self):
        self.today = today_in(self.workspace)
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )

    def create(self, **extra):
        body = {"name": "Print Expo", "kind": "fair", "starts_on": str(self.today), **extra}
        return self.api("POST", "events", body=body)

    def test_create_add_people_list_change_and_delete(self):
        created = self.create(place="Stockholmsmässan")
        assert created.status_code == 201
        event = created.json()
        assert (event["name"], event["ends_on"], event["place"]) == (
            "Print Expo", None, "Stockholmsmässan"
        )  # fmt: skip
        base = f"events/{event['id']}"
        added = self.api("POST", f"{base}/attendees", body={"contact": self.dan.pk})
        assert added.status_code == 201
        assert added.json()["name"] == "Dan Ortiz"
        body = {"first_name": "Lena", "last_name": "Berg", "email": "lena@berg.example"}
        lena = self.api("POST", f"{base}/attendees", body=body, token=self.assistant_token)
        assert (lena.status_code, lena.json()["new"]) == (201, True)
        assert Contact.objects.get(pk=lena.json()["contact"]).met_at == "Print Expo"
        assert Due.objects.get().contact_id == lena.json()["contact"]  # the event is today
        names = [a["name"] for a in self.api("GET", f"{base}/attendees").json()["items"]]
        assert names == ["Lena Berg", "Dan Ortiz"]
        assert self.api("GET", "events").json()["count"] == 1
        assert self.api("GET", f"events?contact={self.dan.pk}").json()["count"] == 1
        moved = self.api("PATCH", base, body={"starts_on": str(self.today + timedelta(days=5))})
        assert moved.json()["starts_on"] == str(self.today + timedelta(days=5))
        assert moved.json()["name"] == "Print Expo"
        assert not Due.objects.exists()  # until it is over
        gone = self.api("DELETE", f"{base}/attendees/{self.dan.pk}")
        assert gone.status_code == 204
        assert self.api("GET", f"events?contact={self.dan.pk}").json()["count"] == 0
        assert self.api("DELETE", base).status_code == 204
        assert self.api("GET", base).status_code == 404
        assert Contact.objects.filter(first_name="Lena").exists()

    def test_bad_input_is_422_and_changes_nothing(self):
        for extra in (
            {"name": ""},
            {"kind": "party"},
            {"ends_on": "2020-01-01"},
            {"notes": "x" * 1_000_000},
            {"starts_on": "yesterday"},
        ):
            response = self.create(**extra)
            assert response.status_code == 422, extra
        assert "cannot end before it starts" in self.create(ends_on="2020-01-01").json()["detail"]
        assert not Event.objects.exists()
        event = services.event_create(
            self.workspace, actor=self.owner, name="Fair", starts_on=self.today
        )
        base = f"events/{event.pk}"
        unknown = self.api("POST", f"{base}/attendees", body={"contact": 99999})
        assert unknown.status_code == 422
        assert unknown.json()["detail"] == "There is no contact #99999."
        empty = self.api("POST", f"{base}/attendees", body={})
        assert "the name of someone new" in empty.json()["detail"]
        bad_email = {"first_name": "Eve", "email": "nope"}
        assert self.api("POST", f"{base}/attendees", body=bad_email).status_code == 422
        backwards = {"ends_on": str(self.today - timedelta(days=1))}
        assert self.api("PATCH", base, body=backwards).status_code == 422
        assert self.api("PATCH", base, body={"name": ""}).status_code == 422
        self.api("POST", f"{base}/attendees", body={"contact": self.dan.pk})
        twice = self.api("POST", f"{base}/attendees", body={"contact": self.dan.pk})
        assert (twice.status_code, "already" in twice.json()["detail"]) == (422, True)
        event.refresh_from_db()
        assert (event.name, event.ends_on) == ("Fair", None)
        assert Attendance.objects.count() == 1
        assert Contact.objects.count() == 1

    def test_an_outsider_gets_404(self):
        event = services.event_create(
            self.workspace, actor=self.owner, name="Fair", starts_on=self.today
        )
        services.attendee_add(event, self.dan)
        token = self.outsider_token
        base = f"events/{event.pk}"
        assert self.api("GET", base, token=token).status_code == 404
        assert self.api("PATCH", base, token=token, body={"name": "Mine"}).status_code == 404
        assert self.api("DELETE", base, token=token).status_code == 404
        assert self.api("GET", f"{base}/attendees", token=token).status_code == 404
        body = {"first_name": "Eve"}
        assert self.api("POST", f"{base}/attendees", token=token, body=body).status_code == 404
        gone = self.api("DELETE", f"{base}/attendees/{self.dan.pk}", token=token)
        assert gone.status_code == 404
        assert self.api("GET", f"events?contact={self.dan.pk}", token=token).status_code == 404
        assert self.api("GET", "events", token=token).json()["count"] == 0
        event.refresh_from_db()
        assert event.name == "Fair"
        assert Attendance.objects.count() == 1
        assert not Contact.objects.filter(first_name="Eve").exists()

    def test_the_list_costs_the_same_queries_however_many_events(self):
        services.event_create(self.workspace, actor=self.owner, name="One", starts_on=self.today)
        self.api("GET", "events")  # the token's last use is written once in a while
        with self.assertNumQueries(4) as few:
            self.api("GET", "events")
        for n in range(30):
            services.event_create(
                self.workspace, actor=self.owner, name=f"Meetup {n}",
                starts_on=self.today + timedelta(days=n - 15),
            )  # fmt: skip
        with self.assertNumQueries(len(few.captured_queries)):
            assert self.api("GET", "events").json()["count"] == 31

    def test_every_operation_has_a_summary(self):
        schema = self.client.get("/api/v1/openapi.json").json()
        operations = [
            operation
            for path, methods in schema["paths"].items()
            if path.startswith("/api/v1/events")
            for operation in methods.values()
        ]
        assert len(operations) == 8
        assert all(operation.get("summary") for operation in operations)
