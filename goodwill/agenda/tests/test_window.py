"""Which yearly dates fall in a window: year-less dates, 29 February, the new year."""

from datetime import date

import pytest

from goodwill.agenda.window import Window
from goodwill.people.dates import PartialDate


def days_in(window: Window) -> set[tuple[int, int]]:
    """Every (month, day) of a leap year whose row the window's filters select."""
    picked = set()
    for month in range(1, 13):
        for day in range(1, 32):
            try:
                date(2000, month, day)
            except ValueError:
                continue
            if any(_matches(segment, month, day) for segment in window.segments()):
                picked.add((month, day))
    return picked


def _matches(condition, month, day) -> bool:
    """Evaluate a Q of month/day lookups in Python, as the database would."""
    if condition.children and all(isinstance(c, tuple) for c in condition.children):
        checks = {
            "month": lambda v: month == v,
            "day": lambda v: day == v,
            "day__gte": lambda v: day >= v,
            "day__lte": lambda v: day <= v,
        }
        results = [checks[key](value) for key, value in condition.children]
        return all(results) if condition.connector == "AND" else any(results)
    results = [_matches(child, month, day) for child in condition.children]
    return all(results) if condition.connector == "AND" else any(results)


@pytest.mark.parametrize(
    ("start", "days", "leap_day", "expected_first", "expected_last", "has_leap"),
    [
        (date(2026, 12, 25), 14, "feb28", (12, 25), (1, 8), False),
        (date(2027, 2, 20), 14, "feb28", (2, 20), (3, 6), True),  # common year: on 28 Feb
        (date(2027, 2, 20), 7, "mar1", (2, 20), (2, 27), False),  # 1 March is not in it
        (date(2027, 2, 25), 7, "mar1", (2, 25), (3, 4), True),
        (date(2028, 2, 20), 14, "feb28", (2, 20), (3, 5), True),  # leap year: its own day
    ],
)
def test_the_window_selects_its_days_and_29_february_where_it_recurs(
    start, days, leap_day, expected_first, expected_last, has_leap
):
    window = Window(start, days, leap_day)
    picked = days_in(window)
    assert expected_first in picked
    assert expected_last in picked
    assert ((2, 29) in picked) is has_leap
    assert picked - {(2, 29)} == {(d.month, d.day) for d in window.dates()} - {(2, 29)}


def test_occurrences_of_year_less_and_leap_day_dates():
    window = Window(date(2026, 12, 28), 14, "feb28")
    assert window.occurrence(PartialDate(month=1, day=3)) == date(2027, 1, 3)
    assert window.occurrence(PartialDate(month=12, day=28, year=1980)) == date(2026, 12, 28)
    assert window.occurrence(PartialDate(month=12, day=27)) is None  # yesterday: next year
    leap = PartialDate(month=2, day=29, year=2016)
    assert Window(date(2027, 2, 27), 3, "feb28").occurrence(leap) == date(2027, 2, 28)
    assert Window(date(2027, 2, 27), 3, "mar1").occurrence(leap) == date(2027, 3, 1)
    assert Window(date(2028, 2, 27), 3, "mar1").occurrence(leap) == date(2028, 2, 29)
    assert leap.turns_on(date(2027, 2, 28)) == 11


def _starts() -> list[date]:
    """Every week of three years (a leap year among them), and every day around the new year
    and the end of February."""
    from datetime import timedelta

    starts = {date(2026, 1, 1) + timedelta(days=n) for n in range(0, 3 * 366, 7)}
    for year in (2026, 2027, 2028):
        starts |= {date(year, 2, 15) + timedelta(days=n) for n in range(20)}
        starts |= {date(year, 12, 20) + timedelta(days=n) for n in range(15)}
    return sorted(starts)


@pytest.mark.parametrize("leap_day", ["feb28", "mar1"])
def test_every_day_of_the_year_is_found_exactly_when_it_recurs_in_the_window(leap_day):
    keys = []
    for month in range(1, 13):
        for day in range(1, 32):
            try:
                date(2000, month, day)
            except ValueError:
                continue
            keys.append((month, day))
    for start in _starts():
        for days in (0, 14, 60):
            window = Window(start, days, leap_day)
            segments = window.segments()
            latest = None  # the last day read so far, range by range, rows by (day, id)
            for segment in segments:
                inside = sorted(
                    (key for key in keys if _matches(segment, *key)), key=lambda k: k[1]
                )
                for month, day in inside:
                    on = window.occurrence(PartialDate(month=month, day=day))
                    assert on is not None, (start, days, month, day)
                    assert latest is None or on >= latest, (start, days, leap_day, month, day)
                    latest = on
            found = {key for key in keys if any(_matches(s, *key) for s in segments)}
            expected = {
                key for key in keys
                if window.occurrence(PartialDate(month=key[0], day=key[1])) is not None
            }  # fmt: skip
            assert found == expected, (start, days, leap_day, found ^ expected)
