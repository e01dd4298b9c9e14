from datetime import date

import pytest
from django.core.exceptions import ValidationError

from goodwill.people.dates import FEB28, MAR1, PartialDate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1984-04-12", PartialDate(month=4, day=12, year=1984)),
        ("--04-12", PartialDate(month=4, day=12)),
        ("--0412", PartialDate(month=4, day=12)),
        ("--02-29", PartialDate(month=2, day=29)),
        ("2000-02-29", PartialDate(month=2, day=29, year=2000)),
    ],
)
def test_it_reads_full_and_yearless_dates(text, expected):
    assert PartialDate.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-02-30", "February 2023 has no day 30"),
        ("2023-02-29", "February 2023 has no day 29"),
        ("--13-01", "no month 13"),
        ("--04-31", "April has no day 31"),
        ("12/04/1984", "is not a date"),
        ("", "is not a date"),
        ("0000-01-01", "out of range"),
    ],
)
def test_it_explains_bad_dates(text, message):
    with pytest.raises(ValidationError, match=message):
        PartialDate.parse(text)


def test_it_writes_the_public_contract_forms():
    assert PartialDate(month=4, day=2).isoformat() == "--04-02"
    assert PartialDate(month=4, day=2, year=984).isoformat() == "0984-04-02"
    assert PartialDate(month=4, day=2, year=1984).label() == "2 April 1984"
    assert PartialDate(month=4, day=2).label() == "2 April"


def test_next_occurrence_is_today_or_later():
    birthday = PartialDate(month=11, day=22, year=1990)
    assert birthday.next_occurrence(date(2026, 11, 22)) == date(2026, 11, 22)
    assert birthday.next_occurrence(date(2026, 11, 23)) == date(2027, 11, 22)
    assert birthday.next_occurrence(date(2026, 1, 1)) == date(2026, 11, 22)


def test_a_leap_day_birthday_moves_in_common_years_as_the_workspace_chooses():
    leapling = PartialDate(month=2, day=29, year=2000)
    assert leapling.next_occurrence(date(2026, 1, 1), FEB28) == date(2026, 2, 28)
    assert leapling.next_occurrence(date(2026, 1, 1), MAR1) == date(2026, 3, 1)
    assert leapling.next_occurrence(date(2027, 3, 2), FEB28) == date(2028, 2, 29)
    assert leapling.next_occurrence(date(2026, 2, 28), FEB28) == date(2026, 2, 28)


def test_years_count_completed_years_and_need_a_year():
    birthday = PartialDate(month=4, day=12, year=1984)
    assert birthday.years_at(date(2026, 4, 11)) == 41
    assert birthday.years_at(date(2026, 4, 12)) == 42
    assert PartialDate(month=4, day=12).years_at(date(2026, 4, 12)) is None
    assert birthday.turns_on(date(2026, 4, 12)) == 42
    assert PartialDate(month=2, day=29, year=2000).turns_on(date(2026, 2, 28)) == 26
