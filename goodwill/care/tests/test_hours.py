"""Business hours across weekends, time zones and daylight saving."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from goodwill.accounts.models import Workspace, default_business_hours
from goodwill.care.hours import add_business_hours, business_hours_between


def studio(zone: str, **hours) -> Workspace:
    business = default_business_hours()
    business.update(hours)
    return Workspace(name="Studio", slug="s", time_zone=zone, business_hours=business)


def at(zone: str, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        ((2026, 11, 30, 10, 0), 4, (2026, 11, 30, 14, 0)),  # Monday, within the day
        ((2026, 11, 30, 15, 0), 4, (2026, 12, 1, 11, 0)),  # into Tuesday
        ((2026, 12, 4, 16, 0), 2, (2026, 12, 7, 10, 0)),  # Friday evening to Monday
        ((2026, 12, 5, 11, 0), 1, (2026, 12, 7, 10, 0)),  # filed on Saturday
        ((2026, 11, 30, 20, 0), 0, (2026, 12, 1, 9, 0)),  # no time: the next opening
        ((2026, 11, 30, 9, 0), 16, (2026, 12, 1, 17, 0)),  # exactly two days
    ],
)
def test_hours_count_only_while_open(start, hours, expected):
    workspace = studio("Europe/Stockholm")
    result = add_business_hours(workspace, at("Europe/Stockholm", *start), hours)
    assert result == at("Europe/Stockholm", *expected)
    assert business_hours_between(workspace, at("Europe/Stockholm", *start), result) == hours


def test_the_workspace_s_zone_decides_not_the_filer_s():
    workspace = studio("Pacific/Auckland")
    # Monday 08:00 in Honolulu is Tuesday 07:00 in Auckland: two hours from 09:00 there.
    filed = at("Pacific/Honolulu", 2026, 11, 30, 8, 0)
    assert add_business_hours(workspace, filed, 2) == at("Pacific/Auckland", 2026, 12, 1, 11, 0)


def test_a_day_when_clocks_change_inside_the_hours_counts_real_hours():
    # Open around the clock on Sunday 29 March 2026, when Stockholm skips 02:00-03:00.
    workspace = studio("Europe/Stockholm", sunday=["00:00", "23:59"])
    start = at("Europe/Stockholm", 2026, 3, 29, 0, 0)
    assert add_business_hours(workspace, start, 4) == at("Europe/Stockholm", 2026, 3, 29, 5, 0)
    autumn = at("Europe/Stockholm", 2026, 10, 25, 0, 0)  # 03:00 becomes 02:00 again
    assert add_business_hours(workspace, autumn, 4) == at("Europe/Stockholm", 2026, 10, 25, 3, 0)


def test_a_workspace_that_is_never_open_is_an_error():
    closed: dict[str, list[str]] = {day: [] for day in default_business_hours()}
    workspace = Workspace(name="x", slug="x", time_zone="UTC", business_hours=closed)
    with pytest.raises(ValueError, match="never open"):
        add_business_hours(workspace, at("UTC", 2026, 1, 1, 0, 0), 1)
