"""ISO 8601 weeks (Monday to Sunday): the weekly report's unit, and how its folders are named.

>>> IsoWeek.parse("2026-W47").start, IsoWeek.parse("2026-W47").end
(datetime.date(2026, 11, 16), datetime.date(2026, 11, 22))
>>> IsoWeek.parse("2026-W01").previous().label
'2025-W52'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_WEEK = re.compile(r"^\s*(\d{4})-?[Ww](\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO 8601 week (Monday to Sunday)."""

    year: int
    week: int

    def __post_init__(self) -> None:
        dt.date.fromisocalendar(self.year, self.week, 1)  # ValueError on week 53 of a 52-week year

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """``2026-W47`` (or ``2026W47``); a clear ValueError otherwise."""
        match = _WEEK.match(str(text))
        if match is None:
            raise ValueError(f"week must look like 2026-W47, got {text!r}")
        year, week = int(match[1]), int(match[2])
        try:
            return cls(year, week)
        except ValueError:
            raise ValueError(f"{year} has no ISO week {week} (got {text!r})") from None

    @classmethod
    def of(cls, day: dt.date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def ended_by(cls, day: dt.date) -> IsoWeek:
        """The latest week whose Sunday is ``day`` or earlier.

        >>> [IsoWeek.ended_by(dt.date(2026, 11, d)).label for d in (21, 22, 23)]
        ['2026-W46', '2026-W47', '2026-W47']
        """
        return cls.of(day - dt.timedelta(days=(day.weekday() + 1) % 7))

    @property
    def start(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=6)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def previous(self) -> IsoWeek:
        return IsoWeek.of(self.start - dt.timedelta(days=7))

    def a_year_earlier(self) -> IsoWeek | None:
        """The same week number a year earlier; None for week 53 when that year had 52."""
        try:
            return IsoWeek(self.year - 1, self.week)
        except ValueError:
            return None
