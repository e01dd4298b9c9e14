"""Dates that may lack a year: birthdays, anniversaries, "client since".

Stored as (year or None, month, day); written as ISO `YYYY-MM-DD`, or `--MM-DD` when the year is
unknown (the public contract, and vCard's own year-less form). 29 February recurs on 28 February
or 1 March in common years, as the workspace chooses.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

FEB28 = "feb28"
MAR1 = "mar1"

_FULL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_YEARLESS = re.compile(r"^--(\d{2})-?(\d{2})$")


@dataclass(frozen=True, order=True)
class PartialDate:
    month: int
    day: int
    year: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValidationError(f"There is no month {self.month}.")
        # A year-less date is checked against a leap year, so --02-29 is allowed.
        year = self.year if self.year is not None else 2000
        if self.year is not None and not 1 <= self.year <= 9999:
            raise ValidationError(f"The year {self.year} is out of range.")
        if not 1 <= self.day <= calendar.monthrange(year, self.month)[1]:
            name = calendar.month_name[self.month]
            raise ValidationError(
                f"{name} {self.year or ''} has no day {self.day}.".replace("  ", " ")
            )

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Read `YYYY-MM-DD`, `--MM-DD` or `--MMDD`; anything else is a ValidationError."""
        value = (text or "").strip()
        if match := _FULL.match(value):
            year, month, day = (int(part) for part in match.groups())
            return cls(month=month, day=day, year=year)
        if match := _YEARLESS.match(value):
            month, day = (int(part) for part in match.groups())
            return cls(month=month, day=day)
        raise ValidationError(
            f"“{value}” is not a date: write 1984-04-12, or --04-12 when the year is unknown."
        )

    def isoformat(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return self.isoformat()

    def in_year(self, year: int, leap_day: str = FEB28) -> date:
        """This date's anniversary in *year*; 29 February moves in common years."""
        if self.month == 2 and self.day == 29 and not calendar.isleap(year):
            return date(year, 3, 1) if leap_day == MAR1 else date(year, 2, 28)
        return date(year, self.month, self.day)

    def next_occurrence(self, today: date, leap_day: str = FEB28) -> date:
        """The first anniversary on or after *today*."""
        this_year = self.in_year(today.year, leap_day)
        return this_year if this_year >= today else self.in_year(today.year + 1, leap_day)

    def years_at(self, on: date) -> int | None:
        """Completed years on *on* (an age, or years as a client), None without a year."""
        if self.year is None:
            return None
        return on.year - self.year - ((on.month, on.day) < (self.month, self.day))

    def turns_on(self, occurrence: date) -> int | None:
        """The age reached (or years completed) on an anniversary returned by next_occurrence,
        counted by the calendar year, so a leap-day birthday moved to 28 February still counts."""
        return None if self.year is None else occurrence.year - self.year

    def label(self) -> str:
        """For people: "12 April 1984" or "12 April"."""
        text = f"{self.day} {calendar.month_name[self.month]}"
        return f"{text} {self.year}" if self.year is not None else text
