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

import pandas as pd
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton

from dashboards.formatting import babel_locale, format_range, format_week
from dashboards.periods import LENGTH, Period, Span, year_ago
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
    """Fast sums over a grain's rows: measures, targets and flags by period start."""

    def __init__(self, rows: pd.DataFrame) -> None:
        self.values = rows.pivot_table(index="period_start", columns="metric", values="value",
                                       aggfunc="first")
        self.targets = rows.pivot_table(index="period_start", columns="metric",
                                        values="target", aggfunc="first")
        flags = rows.drop_duplicates("period_start").set_index("period_start")
        self.provisional = flags["provisional"].map(_flag)
        self.complete = flags["complete"].map(_flag)

    def has(self, span: Span) -> bool:
        return all(s in self.values.index for s in span.starts)

    def value(self, span: Span, metric: str) -> float | None:
        """``metric`` over ``span``: a stored value for one period, else from summed parts."""
        if not self.has(span):
            return None
        if len(span.starts) == 1 and metric in self.values:
            found = self.values.at[span.start, metric]
            return None if pd.isna(found) else float(found)
        if metric in MEASURES:
            if metric not in self.values:
                return None
            part = self.values.loc[list(span.starts), metric]
            return None if part.isna().any() else float(part.sum())
        kpi = KPIS[metric]
        return kpi.compute(self.value(span, kpi.numerator), self.value(span, kpi.denominator))

    def target(self, span: Span, metric: str) -> float | None:
        if metric not in self.targets or not self.has(span):
            return None
        part = self.targets.loc[list(span.starts), metric]
        if part.isna().any():
            return None
        if metric in MEASURES:
            return float(part.sum())
        return float(part.iloc[0]) if part.nunique() == 1 else None


def period_rows(rows: pd.DataFrame, period: Period, metrics: Sequence[str]) -> pd.DataFrame:
    """The history of ``metrics`` by ``period`` (columns :data:`COLUMNS`), from the account's
    rows of the period's grain (``period_start`` as dates)."""
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    if LENGTH[period] == 1:
        return rows[rows["metric"].isin(metrics)]
    sums = Sums(rows)
    done = {s for s, ok in sums.complete.items() if ok}
    records = []
    for span in _blocks(list(sums.values.index), done, period):
        provisional = bool(sums.provisional.loc[list(span.starts)].any())
        complete = bool(sums.complete.loc[list(span.starts)].all())
        for metric in metrics:
            records.append({"metric": metric, "period_start": span.start,
                            "period_end": span.end, "value": sums.value(span, metric),
                            "target": sums.target(span, metric), "provisional": provisional,
                            "complete": complete})
    return pd.DataFrame(records, columns=COLUMNS)


def year_ago_values(rows: pd.DataFrame, shown: pd.DataFrame, period: Period,
                    metric: str) -> list[float | None]:
    """For each point of ``shown`` (one metric's :func:`period_rows`), the same period a year
    earlier (same ISO weeks, same months), None where there is no data."""
    sums = Sums(rows) if not rows.empty else None
    grain = "week" if period in ("week", "4weeks") else "month"
    out: list[float | None] = []
    for start in shown["period_start"]:
        span = Span(grain, _starts(start, period))
        before = year_ago(span)
        out.append(None if sums is None or before is None else sums.value(before, metric))
    return out


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
