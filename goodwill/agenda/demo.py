"""The demo's reminders: one today, one later this week, and a yearly one."""

from datetime import date, timedelta

from goodwill.accounts.models import User, Workspace
from goodwill.agenda.models import Reminder
from goodwill.agenda.services import reminder_create, today_in
from goodwill.core.demo import demo_step
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact

# (who, what, days from today or a fixed (month, day) the next time it comes, repeat)
REMINDERS: list[tuple[str, str, int | tuple[int, int], str]] = [
    ("Priya", "Send Priya the print proofs", 0, "never"),
    ("Sofia", "Ask Sofia how the board-game café plan is going", 4, "never"),
    ("Dan", "Call Dan about the March campaign", (2, 10), "yearly"),
]


def _day(today: date, when: int | tuple[int, int]) -> date:
    if isinstance(when, int):
        return today + timedelta(days=when)
    month, day = when
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


@demo_step
def reminders(workspace: Workspace, owner: User) -> None:
    people = {c.first_name: c for c in scoped(Contact, workspace)}
    today = today_in(workspace)
    for who, title, when, repeat in REMINDERS:
        contact = people.get(who)
        if contact is None or scoped(Reminder, workspace).filter(title=title).exists():
            continue
        reminder_create(contact, actor=owner, title=title, due_on=_day(today, when), repeat=repeat)
