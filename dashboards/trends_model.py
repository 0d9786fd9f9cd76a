"""The trends page's history by period: the account's weeks, blocks of 4 weeks, months and
quarters, each block's KPIs recomputed from its summed measures (:mod:`dashboards.periods`),
and the same periods a year earlier for the comparison overlay.

A block of 4 weeks ends on the latest complete week and every 4 weeks before it; a quarter is
three calendar months. A block is drawn when each of its periods has rows; it is complete when
each is complete, provisional when any is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton

from dashboards.periods import GRAIN, LENGTH, PERIODS, Period, Span, year_ago
from kpi.language.format import babel_locale, format_range, format_week
from kpi.registry import KPIS, MEASURES

COLUMNS = ["metric", "period_start", "period_end", "value", "target", "provisional", "complete"]


def _flag(value: object) -> bool:
    return False if value is None or pd.isna(value) else bool(value)


def _blocks(starts: Sequence[dt.date], done: set[dt.date], period: Period) -> list[Span]:
    """The spans of ``period`` over the periods ``starts`` (all present), oldest first."""
    have = set(starts)
    if not have:
        return []
    if period == "4weeks":
        ends = sorted(done or have)
        last = ends[-1]
        spans = []
        while True:
            span = Span("week", tuple(last - dt.timedelta(weeks=k) for k in range(3, -1, -1)))
            if not set(span.starts) <= have:
                break
            spans.append(span)
            last -= dt.timedelta(weeks=4)
        return spans[::-1]
    spans = []
    for first in sorted({dt.date(s.year, (s.month - 1) // 3 * 3 + 1, 1) for s in have}):
        span = Span("month", tuple(dt.date(first.year, first.month + k, 1) for k in range(3)))
        if set(span.starts) <= have:
            spans.append(span)
    return spans


class Sums:
    """Fast sums over one grain's rows: values, targets and flags by (period start, metric)."""

    def __init__(self, rows: pd.DataFrame) -> None:
        rows = rows.drop_duplicates(["period_start", "metric"])
        starts = list(rows["period_start"])
        keys = list(zip(starts, rows["metric"], strict=True))
        self.values = {k: None if pd.isna(v) else float(v)
                       for k, v in zip(keys, rows["value"], strict=True)}
        self.targets = {k: None if pd.isna(v) else float(v)
                        for k, v in zip(keys, rows["target"], strict=True)}
        self.starts = sorted(set(starts))
        self.provisional: dict[dt.date, bool] = {}
        self.complete: dict[dt.date, bool] = {}
        for start, prov, done in zip(starts, rows["provisional"], rows["complete"], strict=True):
            self.provisional[start] = self.provisional.get(start, False) or _flag(prov)
            self.complete[start] = self.complete.get(start, True) and _flag(done)

    def has(self, span: Span) -> bool:
        return all(s in self.complete for s in span.starts)

    def value(self, span: Span, metric: str) -> float | None:
        """``metric`` over ``span``: a stored value for one period, else from summed parts."""
        if not self.has(span):
            return None
        if len(span.starts) == 1 and (span.start, metric) in self.values:
            return self.values[(span.start, metric)]
        if metric in MEASURES:
            parts = [self.values.get((s, metric)) for s in span.starts]
            if any(v is None for v in parts):
                return None
            return float(sum(parts))  # type: ignore[arg-type]
        kpi = KPIS[metric]
        return kpi.compute(self.value(span, kpi.numerator), self.value(span, kpi.denominator))

    def target(self, span: Span, metric: str) -> float | None:
        parts = [self.targets.get((s, metric)) for s in span.starts]
        if not parts or any(v is None for v in parts):
            return None
        if metric in MEASURES:
            return float(sum(parts))  # type: ignore[arg-type]
        return parts[0] if len(set(parts)) == 1 else None


@dataclass(frozen=True)
class History:
    """The account's history by every period of the switch: each period's rows
    (:data:`COLUMNS`, every metric asked for) and the same periods a year earlier."""

    rows: dict[str, pd.DataFrame]
    year_ago: dict[str, dict[tuple[dt.date, str], float | None]]


def history(weeks: pd.DataFrame, months: pd.DataFrame, metrics: Sequence[str]) -> History:
    """:class:`History` from the account's week and month rows (``period_start`` as dates)."""
    sums = {"week": Sums(weeks), "month": Sums(months)}
    rows: dict[str, pd.DataFrame] = {}
    before: dict[str, dict[tuple[dt.date, str], float | None]] = {}
    for period in PERIODS:
        grain = GRAIN[period]
        source, found = (weeks, sums["week"]) if grain == "week" else (months, sums["month"])
        rows[period] = period_rows(source, found, period, metrics)
        before[period] = {}
        for start in rows[period]["period_start"].drop_duplicates():
            earlier = year_ago(Span(grain, _starts(start, period)))
            for metric in metrics:
                before[period][(start, metric)] = (None if earlier is None
                                                   else found.value(earlier, metric))
    return History(rows, before)


def period_rows(rows: pd.DataFrame, sums: Sums, period: Period,
                metrics: Sequence[str]) -> pd.DataFrame:
    """The history of ``metrics`` by ``period`` (columns :data:`COLUMNS`), from the account's
    rows of the period's grain and their :class:`Sums`."""
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    if LENGTH[period] == 1:
        return rows[rows["metric"].isin(metrics)]
    done = {s for s, ok in sums.complete.items() if ok}
    records = []
    for span in _blocks(sums.starts, done, period):
        provisional = any(sums.provisional[s] for s in span.starts)
        complete = all(sums.complete[s] for s in span.starts)
        for metric in metrics:
            records.append({"metric": metric, "period_start": span.start,
                            "period_end": span.end, "value": sums.value(span, metric),
                            "target": sums.target(span, metric), "provisional": provisional,
                            "complete": complete})
    return pd.DataFrame(records, columns=COLUMNS)


def _starts(start: dt.date, period: Period) -> tuple[dt.date, ...]:
    if period in ("week", "4weeks"):
        return tuple(start + dt.timedelta(weeks=k) for k in range(LENGTH[period]))
    return tuple(dt.date(start.year, start.month + k, 1) for k in range(LENGTH[period]))


def point_label(period: Period, lang: str) -> Callable[[dt.date, dt.date], str]:
    """How a point of ``period`` is named in the hover: a week, a range, a month, a quarter."""
    loc = babel_locale(lang)
    if period == "week":
        return lambda s, e: format_week(s, e, lang)
    if period == "4weeks":
        return lambda s, e: format_range(s, e, lang)
    if period == "month":
        return lambda s, e: format_skeleton("yMMMM", s, locale=loc)
    return lambda s, e: f"{babel_format_date(s, 'QQQ y', locale=loc)} · {format_range(s, e, lang)}"
