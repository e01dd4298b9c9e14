"""Which yearly dates fall in a window of days, as an indexed filter on (month, day).

A yearly date is stored as its month and day. A window of days (at most MAX_DAYS, so it spans
at most two calendar years) becomes one range of days per month it touches; 29 February joins
the window in a common year on the day the workspace celebrates it instead (28 February or
1 March).
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from goodwill.people.dates import MAR1, PartialDate

MAX_DAYS = 60


@dataclass(frozen=True)
class Window:
    start: date
    days: int  # the window is start … start + days, both included
    leap_day: str

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days)

    def ends_at(self, zone: ZoneInfo) -> datetime:
        """The instant the window's last day ends in *zone*."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days + 1)]

    def segments(self) -> list[Q]:
        """Filters on (month, day) in calendar order: rows in one, ordered by (day, id), come in
        date order. A range of days per month, split where 29 February joins its stand-in day
        in a common year, so it comes on that day."""
        spans: dict[tuple[int, int], list[int]] = {}
        for day in self.dates():
            spans.setdefault((day.year, day.month), []).append(day.day)
        segments = []
        for (year, month), days in spans.items():
            stand_in = date(year, *self._leap_stand_in())
            if calendar.isleap(year) or stand_in.month != month or stand_in.day not in days:
                segments.append(Q(month=month, day__gte=min(days), day__lte=max(days)))
                continue
            before = [d for d in days if d < stand_in.day]
            after = [d for d in days if d > stand_in.day]
            if before:
                segments.append(Q(month=month, day__gte=min(before), day__lte=max(before)))
            segments.append(Q(month=month, day=stand_in.day) | Q(month=2, day=29))
            if after:
                segments.append(Q(month=month, day__gte=min(after), day__lte=max(after)))
        return segments

    def _leap_stand_in(self) -> tuple[int, int]:
        return (3, 1) if self.leap_day == MAR1 else (2, 28)

    def occurrence(self, value: PartialDate) -> date | None:
        """The day *value* recurs within the window, or None."""
        on = value.next_occurrence(self.start, self.leap_day)
        return on if on <= self.end else None
