"""Calendar months: the monthly steering report's unit, and how its folders are named.

>>> m = CalendarMonth.parse("2026-11")
>>> m.start, m.end, m.label
(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), '2026-11')
>>> CalendarMonth.parse("2026-01").previous().label, m.a_year_earlier().label
('2025-12', '2025-11')
>>> [CalendarMonth.ended_by(dt.date(2026, 11, d)).label for d in (29, 30)]
['2026-10', '2026-11']
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class CalendarMonth:
    """A calendar month (1st to last day)."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"a month is 1 to 12, got {self.month}")

    @classmethod
    def parse(cls, text: str) -> CalendarMonth:
        """``2026-11``; a clear ValueError otherwise."""
        match = _MONTH.match(str(text))
        if match is None:
            raise ValueError(f"month must look like 2026-11 (year-month), got {text!r}")
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise ValueError(f"month must look like 2026-11 (year-month, month 01 to 12), "
                             f"got {text!r}")
        return cls(year, month)

    @classmethod
    def of(cls, day: dt.date) -> CalendarMonth:
        return cls(day.year, day.month)

    @classmethod
    def ended_by(cls, day: dt.date) -> CalendarMonth:
        """The latest month whose last day is ``day`` or earlier."""
        return cls.of(day + dt.timedelta(days=1)).previous()

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def next(self) -> CalendarMonth:
        return CalendarMonth(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> CalendarMonth:
        return CalendarMonth.of(self.start - dt.timedelta(days=1))

    def a_year_earlier(self) -> CalendarMonth:
        return CalendarMonth(self.year - 1, self.month)
