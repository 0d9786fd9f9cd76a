"""A planted account for the period switch: two years and two months of days (1 October 2024
to Wednesday 25 November 2026), one paid channel, summed exactly into ISO weeks and calendar
months, as ``kpi_values`` rows (total and channel level). Every day's sums are known, so any
period's CPA is sum(cost) / sum(paid purchases) of its days."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from kpi.registry import MEASURES
from tests.conversion_views import views
from tests.dashboards.conftest import _rows, _with_comparisons

FIRST = dt.date(2024, 10, 1)
LAST = dt.date(2026, 11, 25)  # a Wednesday: W48 and November are running
CHANNEL = "Search <b>NL</b>"
TARGETS = {"cpa": 55.0}


def daily_sums(seed: int = 5) -> pd.DataFrame:
    """One row per day with every measure (all conversions paid)."""
    rng = np.random.default_rng(seed)
    rows = []
    day = FIRST
    while day <= LAST:
        clicks = int(rng.integers(800, 1200))
        purchases = int(rng.integers(10, 30))
        leads = int(rng.integers(5, 20))
        sums = {"impressions": clicks * 30, "clicks": clicks, "cost": round(clicks * 0.8, 2),
                "sessions": int(clicks * 0.9), "engaged_sessions": int(clicks * 0.5),
                "leads": leads, "purchases": purchases, "conversions": leads + purchases,
                "revenue": round(purchases * 90.0, 2)}
        sums.update({**views(sums), **{m.id: sums.get(m.paid_of, 0.0) for m in MEASURES.values()
                                       if m.paid_of}})
        rows.append({"day": day, **sums})
        day += dt.timedelta(days=1)
    return pd.DataFrame(rows)


def _period_rows(days: pd.DataFrame, grain: str) -> list[dict[str, object]]:
    key = days["day"].map(lambda d: d - dt.timedelta(days=d.weekday()) if grain == "week"
                          else d.replace(day=1))
    out = []
    for start, part in days.groupby(key):
        end = (start + dt.timedelta(days=6) if grain == "week"
               else (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
               - dt.timedelta(days=1))
        year, week, _ = start.isocalendar()
        base = {"grain": grain, "period_start": pd.Timestamp(start),
                "period_end": pd.Timestamp(end),
                "period_label": f"{year}-W{week:02d}" if grain == "week" else f"{start:%Y-%m}",
                "complete": start >= FIRST and end <= LAST, "provisional": False,
                "currency": "EUR", "campaign_key": None, "campaign_name": None,
                "ad_group_key": None, "ad_group_name": None}
        sums = {m: float(part[m].sum()) for m in MEASURES}
        out += _rows({"level": "total", "channel": None}, sums, base, TARGETS)
        out += _rows({"level": "channel", "channel": CHANNEL}, sums, base, {})
    return out


def planted_values(first: dt.date = FIRST) -> pd.DataFrame:
    """Week and month rows of the planted days from ``first`` on."""
    days = daily_sums()
    days = days[days["day"] >= first]
    return pd.concat([_with_comparisons(pd.DataFrame(_period_rows(days, grain)))
                      for grain in ("week", "month")], ignore_index=True)


def summed(start: dt.date, end: dt.date) -> dict[str, float]:
    """Every measure summed over the planted days ``start`` to ``end`` inclusive."""
    days = daily_sums()
    part = days[(days["day"] >= start) & (days["day"] <= end)]
    return {m: float(part[m].sum()) for m in MEASURES}
