from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from goodwill.agenda import services
from goodwill.agenda.agenda import agenda
from goodwill.agenda.models import Reminder, ReminderState
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import services as people
from goodwill.people.dates import PartialDate
from goodwill.people.models import CircleMember, Contact, Gift, ImportantDate
from goodwill.touchpoints import appreciation


def at(zone: str, year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


class AgendaTests(GoodwillTestCase):
    def setUp(self):
        self.workspace.time_zone = "Europe/Stockholm"
        self.workspace.save()
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan", last_name="Ortiz"
        )
        # The clock is kept out of the way, so only what a test adds is on the agenda.
        Contact.objects.update(touch_due_at=timezone.now() + timedelta(days=400))

    def birthday(self, contact, text, **extra):
        row = ImportantDate(workspace=contact.workspace, contact=contact, kind="birthday", **extra)
        row.set_partial_date(PartialDate.parse(text))
        row.save()
        return row

    def child(self, contact, name, text, interests=""):
        member = CircleMember(
            workspace=self.workspace,
            contact=contact,
            name=name,
            relation="child",
            interests=interests,
        )
        member.set_partial_date(PartialDate.parse(text))
        member.save()
        return member

    def titles(self, **kwargs):
        return [(item.on, item.title) for item in agenda(self.workspace, **kwargs).items]

    def test_birthdays_of_contacts_and_their_circle_with_gift_ideas(self):
        now = at("Europe/Stockholm", 2026, 11, 22, 12)
        leo = self.child(self.dan, "Leo", "2017-11-27", interests="baseball cards")
        Gift.objects.create(
            workspace=self.workspace, contact=self.dan, for_member=leo, description="Rookie card"
        )
        self.birthday(self.dan, "--12-01")
        self.birthday(self.dan, "1980-12-20")  # beyond 14 days
        items = agenda(self.workspace, now=now).items
        assert [(i.on, i.title) for i in items] == [
            (date(2026, 11, 27), "Leo, Dan Ortiz's child, turns 9"),
            (date(2026, 12, 1), "Dan Ortiz"),
        ]
        assert items[0].detail == "gift ideas: Rookie card — baseball cards"
        assert items[0].ideas == ["Rookie card"]
        longer = [t for _, t in self.titles(now=now, days=30)]
        assert "Dan Ortiz turns 46" in longer

    def test_the_new_year_and_the_workspace_day(self):
        self.birthday(self.dan, "--01-02")
        self.birthday(self.dan, "--12-31")
        # 31 December 23:30 in Honolulu is already 1 January in Tongatapu.
        moment = at("Pacific/Honolulu", 2026, 12, 31, 23, 30)
        self.workspace.time_zone = "Pacific/Honolulu"
        self.workspace.save()
        assert [on for on, _ in self.titles(now=moment, days=3)] == [
            date(2026, 12, 31), date(2027, 1, 2),
        ]  # fmt: skip
        self.workspace.time_zone = "Pacific/Tongatapu"
        self.workspace.save()
        assert [on for on, _ in self.titles(now=moment, days=3)] == [date(2027, 1, 2)]

    def test_29_february_in_a_common_year(self):
        self.birthday(self.dan, "2016-02-29")
        moment = at("Europe/Stockholm", 2027, 2, 25, 9)
        assert self.titles(now=moment, days=7) == [(date(2027, 2, 28), "Dan Ortiz turns 11")]
        self.workspace.leap_day = "mar1"
        self.workspace.save()
        assert self.titles(now=moment, days=7) == [(date(2027, 3, 1), "Dan Ortiz turns 11")]

    def test_thanks_touches_and_reminders_overdue_show_on_today(self):
        now = timezone.now()
        today = services.today_in(self.workspace, now)
        appreciation.owe(self.dan, reason="purchase", event_at=now - timedelta(days=3))
        Contact.objects.filter(pk=self.dan.pk).update(touch_due_at=now - timedelta(days=5))
        services.reminder_create(
            self.dan, actor=self.owner, title="Call about March", due_on=today - timedelta(days=2)
        )
        services.reminder_create(
            self.dan, actor=self.owner, title="Send the proof", due_on=today + timedelta(days=3)
        )
        items = agenda(self.workspace, now=now).items
        assert [(i.kind, i.on == today, i.overdue) for i in items] == [
            ("reminder", True, True),
            ("thanks", True, True),
            ("touch", True, True),
            ("reminder", False, False),
        ]

    def test_paging_and_the_other_workspace(self):
        for number in range(5):
            contact = people.contact_create(
                self.workspace, actor=self.owner, kind="client", first_name=f"P{number}"
            )
            self.birthday(contact, f"--12-0{number + 1}")
        other = people.contact_create(
            self.other_workspace, actor=self.outsider, kind="client", first_name="Zed"
        )
        self.birthday(other, "--12-01")
        now = at("Europe/Stockholm", 2026, 11, 30, 12)
        first = agenda(self.workspace, now=now, limit=3)
        second = agenda(self.workspace, now=now, limit=3, offset=3)
        assert (len(first.items), first.more, len(second.items), second.more) == (3, True, 2, False)
        names = [i.title for i in first.items + second.items]
        assert names == ["P0", "P1", "P2", "P3", "P4"]


class ReminderTests(GoodwillTestCase):
    def setUp(self):
        self.dan = people.contact_create(
            self.workspace, actor=self.owner, kind="client", first_name="Dan"
        )
        self.today = services.today_in(self.workspace)

    def remind(self, due_on, repeat="never"):
        return services.reminder_create(
            self.dan, actor=self.owner, title="Call Dan", due_on=due_on, repeat=repeat
        )

    def test_done_closes_a_one_off_and_moves_a_repeating_one(self):
        once = self.remind(self.today)
        services.reminder_done(once)
        assert once.state == ReminderState.DONE
        with pytest.raises(ValidationError):
            services.reminder_done(once)
        monthly = self.remind(date(2026, 1, 31), "monthly")
        now = at("UTC", 2026, 1, 31, 12)
        services.reminder_done(monthly, now=now)
        assert monthly.due_on == date(2026, 2, 28)
        services.reminder_done(monthly, now=now)
        assert monthly.due_on == date(2026, 3, 31)  # back on the 31st after February
        yearly = self.remind(date(2024, 2, 29), "yearly")
        services.reminder_done(yearly, now=at("UTC", 2024, 2, 29, 12))
        assert yearly.due_on == date(2025, 2, 28)
        weekly = self.remind(date(2026, 1, 1), "weekly")
        services.reminder_done(weekly, now=at("UTC", 2026, 1, 20, 12))
        assert weekly.due_on == date(2026, 1, 22)  # the next one after today, not after 1 Jan
        assert weekly.done_count == 1

    def test_snooze_and_dismiss(self):
        reminder = self.remind(self.today)
        services.reminder_snooze(reminder, until=self.today + timedelta(days=7))
        assert reminder.show_on == self.today + timedelta(days=7)
        for bad in (self.today, self.today + timedelta(days=400)):
            with pytest.raises(ValidationError):
                services.reminder_snooze(reminder, until=bad)
        services.reminder_dismiss(reminder)
        assert Reminder.objects.get().state == ReminderState.DISMISSED

    def test_bad_input_is_refused(self):
        for title, due_on, repeat in (
            ("", self.today, "never"),
            ("x" * 201, self.today, "never"),
            ("Call", self.today, "hourly"),
            ("Call", date(1900, 1, 1), "never"),
        ):
            with pytest.raises(ValidationError):
                self.remind_with(title, due_on, repeat)
        assert not Reminder.objects.exists()

    def remind_with(self, title, due_on, repeat):
        return services.reminder_create(
            self.dan, actor=self.owner, title=title, due_on=due_on, repeat=repeat
        )
