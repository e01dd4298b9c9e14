from datetime import timedelta

from goodwill.agenda.services import today_in
from goodwill.core.testing import GoodwillTestCase
from goodwill.events import services
from goodwill.events.models import Attendance, Event
from goodwill.people import services as people
from goodwill.people.models import Contact
from goodwill.touchpoints.models import Due


class PageCase(GoodwillTestCase):
    def setUp(self):
        self.today = today_in(self.workspace)
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )
        self.login(self.assistant)

    def event(self, days: int = -2, name: str = "Print Expo") -> Event:
        return services.event_create(
            self.workspace, actor=self.owner, name=name, starts_on=self.today + timedelta(days)
        )


class EventPageTests(PageCase):
    def test_add_an_event_and_who_was_there_from_the_pages(self):
        self.assertContains(self.client.get("/events/"), "No events yet")
        form = {
            "name": "Print Expo 2026",
            "kind": "fair",
            "starts_on": str(self.today - timedelta(days=2)),
            "ends_on": str(self.today - timedelta(days=1)),
            "place": "Stockholmsmässan",
            "notes": "<b>Bring cards</b>",
        }
        response = self.client.post("/events/new/", form)
        event = Event.objects.get()
        self.assertRedirects(response, f"/events/{event.pk}/")
        page = self.client.get(f"/events/{event.pk}/")
        self.assertContains(page, "&lt;b&gt;Bring cards&lt;/b&gt;")
        self.assertContains(page, 'hx-vals=\'{"pick": "id_contact"}\'')
        added = self.client.post(
            f"/events/{event.pk}/attendees/", {"contact": self.dan.pk, "note": "Said hello"}
        )
        assert added.status_code == 302
        new = {
            "person-first_name": "Lena",
            "person-last_name": "Berg",
            "person-email": "lena@berg.example",
            "person-kind": "prospect",
            "person-note": "Wants a logo",
        }
        assert self.client.post(f"/events/{event.pk}/attendees/new/", new).status_code == 302
        lena = Contact.objects.get(first_name="Lena")
        assert lena.met_at == "Print Expo 2026"
        page = self.client.get(f"/events/{event.pk}/")
        self.assertContains(page, f'href="/people/{lena.pk}/"')
        self.assertContains(page, "follow-up due")
        listing = self.client.get("/events/")
        self.assertContains(listing, "Print Expo 2026")
        self.assertContains(listing, "(1 new)")
        self.client.post(f"/events/{event.pk}/attendees/{lena.pk}/remove/")
        assert not Due.objects.exists()
        assert list(Attendance.objects.values_list("contact", flat=True)) == [self.dan.pk]

    def test_edit_and_delete(self):
        event = self.event()
        self.assertContains(self.client.get(f"/events/{event.pk}/edit/"), "Print Expo")
        form = {"name": "Print Expo (day two)", "kind": "fair", "starts_on": str(self.today)}
        self.assertRedirects(
            self.client.post(f"/events/{event.pk}/edit/", form), f"/events/{event.pk}/"
        )
        event.refresh_from_db()
        assert (event.name, event.starts_on) == ("Print Expo (day two)", self.today)
        assert self.client.get(f"/events/{event.pk}/delete/").status_code == 405
        self.assertRedirects(self.client.post(f"/events/{event.pk}/delete/"), "/events/")
        assert not Event.objects.exists()
        assert Contact.objects.filter(pk=self.dan.pk).exists()

    def test_bad_input_is_answered_on_the_form_and_nothing_is_stored(self):
        day = str(self.today)
        for form, message in (
            ({"name": "", "kind": "fair", "starts_on": day}, "This field is required"),
            ({"name": "Fair", "kind": "fair", "starts_on": day, "ends_on": "2020-01-01"},
             "cannot end before it starts"),
            ({"name": "Fair", "kind": "fair", "starts_on": day, "notes": "x" * 1_000_000},
             "at most 20000 characters"),
            ({"name": "Fair", "kind": "party", "starts_on": day}, "Select a valid choice"),
        ):  # fmt: skip
            response = self.client.post("/events/new/", form)
            self.assertContains(response, message, status_code=400)
        assert not Event.objects.exists()
        event = self.event()
        unknown = self.client.post(f"/events/{event.pk}/attendees/", {"contact": 99999})
        self.assertContains(unknown, "There is no contact #99999.", status_code=400)
        zed = people.contact_create(
            self.other_workspace, actor=self.outsider, kind="friend", first_name="Zed"
        )
        elsewhere = self.client.post(f"/events/{event.pk}/attendees/", {"contact": zed.pk})
        self.assertContains(elsewhere, f"There is no contact #{zed.pk}.", status_code=400)
        nameless = self.client.post(
            f"/events/{event.pk}/attendees/new/", {"person-first_name": "", "person-kind": "x"}
        )
        assert nameless.status_code == 400
        edited = self.client.post(
            f"/events/{event.pk}/edit/", {"name": " ", "kind": "fair", "starts_on": day}
        )
        assert edited.status_code == 400
        assert not Attendance.objects.exists()
        assert Contact.objects.filter(workspace=self.workspace).count() == 1
        event.refresh_from_db()
        assert event.name == "Print Expo"

    def test_an_outsider_gets_404_everywhere(self):
        event = self.event()
        services.attendee_add(event, self.dan, new=True)
        self.login(self.outsider)
        base = f"/events/{event.pk}"
        assert self.client.get(f"{base}/").status_code == 404
        assert self.client.get(f"{base}/edit/").status_code == 404
        edit = {"name": "Mine", "kind": "fair", "starts_on": str(self.today)}
        assert self.client.post(f"{base}/edit/", edit).status_code == 404
        assert self.client.post(f"{base}/attendees/", {"contact": self.dan.pk}).status_code == 404
        new = {"person-first_name": "Eve", "person-kind": "prospect"}
        assert self.client.post(f"{base}/attendees/new/", new).status_code == 404
        assert self.client.post(f"{base}/attendees/{self.dan.pk}/remove/").status_code == 404
        assert self.client.post(f"{base}/delete/").status_code == 404
        self.assertNotContains(self.client.get("/events/"), "Print Expo")
        event.refresh_from_db()
        assert event.name == "Print Expo"
        assert Attendance.objects.count() == 1
        assert not Contact.objects.filter(first_name="Eve").exists()

    def test_the_list_costs_the_same_queries_however_many_events(self):
        self.event()
        with self.assertNumQueries(6) as few:
            self.client.get("/events/")
        for n in range(60):
            event = self.event(days=n - 30, name=f"Meetup {n}")
            services.attendee_add(event, self.dan, new=n % 2 == 0)
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get("/events/")
        assert len(response.context["page"].object_list) == 50
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get("/events/?page=2")

    def test_an_event_page_costs_the_same_queries_however_many_attendees(self):
        event = self.event()
        services.attendee_add(event, self.dan, new=True)
        with self.assertNumQueries(9) as few:
            self.client.get(f"/events/{event.pk}/")
        for n in range(30):
            person = people.contact_create(
                self.workspace, actor=self.owner, kind="friend", first_name=f"Friend {n}",
                organization=f"Org {n}",
            )  # fmt: skip
            services.attendee_add(event, person, new=n % 2 == 0)
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get(f"/events/{event.pk}/")

    def test_the_contact_page_shows_the_events_panel(self):
        event = self.event(name="Design Drinks")
        services.attendee_add(event, self.dan)
        page = self.client.get(f"/people/{self.dan.pk}/")
        self.assertContains(page, f'href="/events/{event.pk}/"')
        self.assertContains(page, "Design Drinks")
