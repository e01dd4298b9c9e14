from datetime import date

from icalendar import Calendar

from goodwill.accounts import services as accounts
from goodwill.agenda import calendar, services
from goodwill.agenda.models import CalendarFeed
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.people.dates import PartialDate
from goodwill.people.models import CircleMember, ImportantDate


class CalendarFeedTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )
        for text, kind in (("1980-04-12", "birthday"), ("--06-01", "anniversary")):
            row = ImportantDate(workspace=self.workspace, contact=self.dan, kind=kind)
            row.set_partial_date(PartialDate.parse(text))
            row.save()
        leo = CircleMember(
            workspace=self.workspace,
            contact=self.dan,
            name="Leo",
            relation="child",
            interests="baseball cards",
        )
        leo.set_partial_date(PartialDate.parse("2016-02-29"))
        leo.save()
        services.reminder_create(
            self.dan,
            actor=self.owner,
            title="Call about March",
            due_on=date(2027, 2, 10),
            repeat="yearly",
        )
        self.login(self.assistant)

    def fetch(self, url):
        response = self.client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        return Calendar.from_ical(response.getvalue())

    def address(self):
        page = self.client.post("/settings/calendar/", {"action": "create"})
        return page.context["address"].removeprefix("http://testserver")

    def test_the_feed_validates_and_holds_dates_birthdays_and_reminders(self):
        feed = self.fetch(self.address())
        events = {str(e["summary"]): e for e in feed.walk("VEVENT")}
        assert set(events) == {
            "Dan Ortiz's birthday (1980)",
            "Dan Ortiz's anniversary",
            "Leo's birthday (Dan Ortiz's child)",
            "Call about March (Dan Ortiz)",
        }
        birthday = events["Dan Ortiz's birthday (1980)"]
        assert birthday.decoded("dtstart") == date(1980, 4, 12)
        assert birthday["rrule"]["FREQ"] == ["YEARLY"]
        assert events["Dan Ortiz's anniversary"].decoded("dtstart") == date(2000, 6, 1)
        leo = events["Leo's birthday (Dan Ortiz's child)"]
        assert leo.decoded("dtstart") == date(2016, 2, 29)
        assert (leo["rrule"]["BYMONTH"], leo["rrule"]["BYMONTHDAY"]) == ([2], [-1])
        assert all(e.get("uid") and e.get("dtstamp") for e in events.values())

    def test_29_february_recurs_on_1_march_when_the_workspace_says_so(self):
        self.workspace.leap_day = "mar1"
        self.workspace.save()
        feed = self.fetch(self.address())
        leo = next(e for e in feed.walk("VEVENT") if str(e["summary"]).startswith("Leo"))
        assert leo["rrule"]["BYYEARDAY"] == [60]

    def test_a_new_address_replaces_the_old_and_revoking_ends_it(self):
        first = self.address()
        second = self.address()
        assert self.client.get(first).status_code == 404
        self.fetch(second)
        assert CalendarFeed.objects.get().last_fetched_at is not None
        self.client.post("/settings/calendar/", {"action": "revoke"})
        assert self.client.get(second).status_code == 404
        assert self.client.get("/calendar/not-a-token.ics").status_code == 404

    def test_a_removed_member_s_address_stops_working_and_nothing_leaks(self):
        address = self.address()
        accounts.member_remove(self.membership(self.assistant))
        assert self.client.get(address).status_code == 404
        self.login(self.outsider)
        outsider = self.client.post("/settings/calendar/", {"action": "create"})
        path = outsider.context["address"].removeprefix("http://testserver")
        body = self.client.get(path).getvalue()
        assert b"Ortiz" not in body
        assert calendar.feed_for_token("x" * 43) is None


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = ("SUMMARY:" + "Åsa Öberg's birthday, ünd so weiter " * 6).encode()
    folded = calendar.fold(line)
    parts = folded.split(b"\r\n")
    assert all(len(part) <= 75 for part in parts)
    assert all(part.startswith(b" ") for part in parts[1:])
    assert b"".join(part.removeprefix(b" ") for part in parts).decode() == line.decode()
