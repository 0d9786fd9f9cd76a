"""Which KPI periods a night has to roll up again: the periods holding a changed day of the
model, the periods whose ``provisional`` or ``complete`` flag the night moves, and (for
``kpi_values``) the periods right after those, whose previous value and change move with them.

Pure date arithmetic: no engine, no Ibis.

>>> d = dt.date
>>> night = Flags(d(2026, 1, 1), d(2026, 3, 31), d(2026, 3, 29))
>>> s = scope([d(2026, 3, 31)], night, night, ("day", "week", "month"))
>>> sorted(s.rollup)
[('day', datetime.date(2026, 3, 31)), ('month', datetime.date(2026, 3, 1)), \
('week', datetime.date(2026, 3, 30))]
>>> sorted(s.values - s.rollup)
[('day', datetime.date(2026, 4, 1)), ('month', datetime.date(2026, 4, 1)), \
('week', datetime.date(2026, 4, 6))]
>>> s.days
((datetime.date(2026, 3, 1), datetime.date(2026, 4, 5)),)
>>> Flags.from_json(night.to_json()) == night
True
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Period = tuple[str, dt.date]  # (grain, first day of the period)
Span = tuple[dt.date, dt.date]  # first and last day, inclusive
ONE_DAY = dt.timedelta(days=1)


def period_start(day: dt.date, grain: str) -> dt.date:
    """First day of the day, ISO week (Monday) or month holding ``day``."""
    if grain == "day":
        return day
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def next_start(start: dt.date, grain: str) -> dt.date:
    """First day of the period after the one starting on ``start``."""
    if grain == "day":
        return start + ONE_DAY
    if grain == "week":
        return start + dt.timedelta(days=7)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_start(start: dt.date, grain: str) -> dt.date:
    """First day of the period before the one starting on ``start``."""
    return period_start(start - ONE_DAY, grain)


def period_end(start: dt.date, grain: str) -> dt.date:
    """Last day of the period starting on ``start``."""
    return next_start(start, grain) - ONE_DAY


@dataclass(frozen=True)
class Flags:
    """What a night's flags depend on besides the facts: ``complete`` needs the period inside
    ``data_start``..``data_end``; ``provisional`` a period ending on or after
    ``provisional_since`` (none without it)."""

    data_start: dt.date
    data_end: dt.date
    provisional_since: dt.date | None

    def to_json(self) -> str:
        return json.dumps({k: v and v.isoformat() for k, v in vars(self).items()}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Flags:
        values = json.loads(text)
        return cls(**{k: v and dt.date.fromisoformat(v) for k, v in values.items()})


def each_day(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    return (first + dt.timedelta(days=i) for i in range((last - first).days + 1))


def flag_days(before: Flags, after: Flags) -> tuple[set[dt.date], set[dt.date]]:
    """(period ends, period starts) whose periods may carry another flag after the night than
    before: ``provisional`` flips for periods ending between the two provisional_since,
    ``complete`` for periods ending between the two data_end or starting between the two
    data_start. No provisional_since stands for a day after every period."""
    latest = max(before.data_end, after.data_end) + dt.timedelta(days=32)
    old, new = (f.provisional_since or latest for f in (before, after))
    ends = set(each_day(min(old, new), max(old, new) - ONE_DAY))
    ends |= set(each_day(min(before.data_end, after.data_end) + ONE_DAY,
                      max(before.data_end, after.data_end)))
    starts = set(each_day(min(before.data_start, after.data_start),
                       max(before.data_start, after.data_start) - ONE_DAY))
    return ends, starts


@dataclass(frozen=True)
class Scope:
    """The rows a night replaces: ``rollup`` periods are summed again from the facts of
    ``days``; ``values`` periods (those plus each one's next period) get their KPI rows again."""

    rollup: frozenset[Period]
    values: frozenset[Period]
    days: tuple[Span, ...]

    @property
    def day_count(self) -> int:
        """How many days of facts the night reads."""
        return sum((end - start).days + 1 for start, end in self.days)


def _merged(spans: Iterable[Span]) -> tuple[Span, ...]:
    merged: list[list[dt.date]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + ONE_DAY:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


def scope(changed: Iterable[dt.date], before: Flags, after: Flags,
          grains: Sequence[str]) -> Scope:
    """The periods of every grain to roll up again after the model changed on ``changed`` days
    and the flags' inputs moved from ``before`` to ``after``."""
    ends, starts = flag_days(before, after)
    periods: set[Period] = set()
    for grain in grains:
        periods |= {(grain, period_start(d, grain)) for d in changed}
        periods |= {(grain, period_start(d, grain)) for d in ends
                    if period_end(period_start(d, grain), grain) == d}
        periods |= {(grain, d) for d in starts if period_start(d, grain) == d}
    following = {(g, next_start(s, g)) for g, s in periods}
    return Scope(rollup=frozenset(periods), values=frozenset(periods | following),
                 days=_merged((s, period_end(s, g)) for g, s in periods))
