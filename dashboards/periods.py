"""The periods a reader can choose on the overview and trends pages, and their figures from sums.

A period is whole rows of one grain of ``kpi_values``: the latest complete ISO week, the last
4 complete weeks, the latest complete month, the latest complete quarter (three months). Its
measures are summed and its KPIs recomputed from the summed numerator and denominator of
:mod:`kpi.registry` (never averaged). It is compared with the period before it or with the
same ISO weeks / months a year earlier; when a compared period has no data its figures are
None (shown "–"), never 0.

>>> w47 = dt.date(2026, 11, 16)
>>> span = Span("week", (w47 - dt.timedelta(weeks=3), w47 - dt.timedelta(weeks=2),
...                      w47 - dt.timedelta(weeks=1), w47))
>>> [str(d) for d in (span.start, span.end, previous(span).start, year_ago(span).start)]
['2026-10-26', '2026-11-22', '2026-09-28', '2025-10-27']
>>> quarter = latest_span("quarter", [], [dt.date(2026, m, 1) for m in range(1, 12)])
>>> quarter.starts[0], quarter.end, year_ago(quarter).starts[-1]
(datetime.date(2026, 7, 1), datetime.date(2026, 9, 30), datetime.date(2025, 9, 1))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from kpi.language.translate import N_
from kpi.registry import KPIS, MEASURES

Period = Literal["week", "4weeks", "month", "quarter"]
Comparison = Literal["previous", "year"]
PERIODS: tuple[Period, ...] = ("week", "4weeks", "month", "quarter")
COMPARISONS: tuple[Comparison, ...] = ("previous", "year")
DEFAULT: tuple[Period, Comparison] = ("week", "previous")
GRAIN: dict[Period, str] = {"week": "week", "4weeks": "week", "month": "month",
                            "quarter": "month"}
LENGTH: dict[Period, int] = {"week": 1, "4weeks": 4, "month": 1, "quarter": 3}
PERIOD_KEYS = {"week": N_("per_week"), "4weeks": N_("per_4weeks"), "month": N_("per_month"),
               "quarter": N_("per_quarter")}
COMPARISON_KEYS = {"previous": N_("vs_previous"), "year": N_("vs_year")}


@dataclass(frozen=True)
class Span:
    """Consecutive whole periods of one grain (``week`` or ``month``), oldest first."""

    grain: str
    starts: tuple[dt.date, ...]

    @property
    def start(self) -> dt.date:
        return self.starts[0]

    @property
    def end(self) -> dt.date:
        return period_end(self.grain, self.starts[-1])


def period_end(grain: str, start: dt.date) -> dt.date:
    """The last day of the week or month starting on ``start``."""
    if grain == "week":
        return start + dt.timedelta(days=6)
    return _add_months(start, 1) - dt.timedelta(days=1)


def _add_months(start: dt.date, months: int) -> dt.date:
    index = start.year * 12 + start.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _shift(span: Span, steps: int) -> Span:
    if span.grain == "week":
        return Span("week", tuple(s + dt.timedelta(weeks=steps) for s in span.starts))
    return Span("month", tuple(_add_months(s, steps) for s in span.starts))


def latest_span(period: Period, complete_weeks: Iterable[dt.date],
                complete_months: Iterable[dt.date]) -> Span | None:
    """The latest complete ``period`` from the starts of the complete weeks and months, or None
    when there is none (a quarter needs its three months, 4 weeks their four weeks)."""
    grain, n = GRAIN[period], LENGTH[period]
    done = set(complete_weeks if grain == "week" else complete_months)
    if not done:
        return None
    last = max(done)
    while period == "quarter" and last.month % 3:  # back to a quarter's last month
        last = _add_months(last, -1)
    starts = tuple(sorted(_shift(Span(grain, (last,)), -i).start for i in range(n)))
    return Span(grain, starts) if set(starts) <= done else None


def previous(span: Span) -> Span:
    """The span of the same length just before ``span``."""
    return _shift(span, -len(span.starts))


def year_ago(span: Span) -> Span | None:
    """The same ISO weeks (or months) a year earlier; None when a week did not exist (W53)."""
    if span.grain == "month":
        return Span("month", tuple(s.replace(year=s.year - 1) for s in span.starts))
    starts = []
    for s in span.starts:
        year, week, _ = s.isocalendar()
        try:
            starts.append(dt.date.fromisocalendar(year - 1, week, 1))
        except ValueError:
            return None
    return Span("week", tuple(starts))


def compared(span: Span, vs: Comparison) -> Span | None:
    """The span ``span`` is compared with."""
    return previous(span) if vs == "previous" else year_ago(span)


@dataclass(frozen=True)
class Sums:
    """A span's figures: every measure summed, every KPI from the summed parts.

    ``targets``: a KPI's target when every period of the span has the same one, a measure's
    summed targets when every period has one; ``provisional``: a source may still restate a
    day of it; ``estimated``: part of it is a nowcast (expected final values)."""

    values: Mapping[str, float | None]
    targets: Mapping[str, float | None]
    provisional: bool
    estimated: bool


def _flag(value: object) -> bool:
    return False if value is None or pd.isna(value) else bool(value)


def span_sums(rows: pd.DataFrame, span: Span) -> Sums | None:
    """The figures of ``span`` from one series' rows (one level and channel; ``period_start``
    as dates), or None when a period of it has no rows."""
    part = rows[(rows["grain"] == span.grain) & rows["period_start"].isin(span.starts)]
    if set(part["period_start"]) != set(span.starts):
        return None
    part = part.drop_duplicates(["period_start", "metric"])
    by_metric = {m: g for m, g in part.groupby("metric", sort=False)}
    values: dict[str, float | None] = {}
    targets: dict[str, float | None] = {}
    n = len(span.starts)
    for measure in MEASURES:
        found = pd.to_numeric(by_metric[measure]["value"], errors="coerce") \
            if measure in by_metric else pd.Series(dtype=float)
        values[measure] = float(found.sum()) if len(found) == n and found.notna().all() else None
        goal = pd.to_numeric(by_metric[measure]["target"], errors="coerce") \
            if measure in by_metric else pd.Series(dtype=float)
        targets[measure] = float(goal.sum()) if len(goal) == n and goal.notna().all() else None
    for kpi in KPIS.values():
        values[kpi.id] = kpi.compute(values[kpi.numerator], values[kpi.denominator])
        goal = pd.to_numeric(by_metric[kpi.id]["target"], errors="coerce") \
            if kpi.id in by_metric else pd.Series(dtype=float)
        same = len(goal) == n and goal.notna().all() and goal.nunique() == 1
        targets[kpi.id] = float(goal.iloc[0]) if same else None
    estimated = "low" in part and pd.to_numeric(part["low"], errors="coerce").notna().any()
    return Sums(values, targets, provisional=bool(part["provisional"].map(_flag).any()),
                estimated=bool(estimated))
