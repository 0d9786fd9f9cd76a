"""Fixtures for dashboard tests: a synthetic ``kpi_values`` table and a real headless browser."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pytest

from kpi.registry import KPIS, MEASURES
from tests.conversion_views import views

HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "</script><script>alert(2)</script>"
HOSTILE_MARKUP = "<b>Bold</b> & <i>Co</i>"  # markup Plotly would render if it were not escaped
CHANNELS = ("Google Ads – Search", "Google Ads – PMax", "Paid social", HOSTILE_IMG,
            HOSTILE_SCRIPT, HOSTILE_MARKUP)
TARGETS = {"cpa": 55.0, "roas": 1.8}
FIRST_DAY = dt.date(2026, 7, 15)  # a Wednesday: the first ISO week is incomplete
LAST_DAY = dt.date(2026, 11, 25)  # a Wednesday: the last week is incomplete, W47 is the latest full
RESTATED_FROM = LAST_DAY - dt.timedelta(days=29)  # days inside the Ads conversion window


def _measures(rng: np.random.Generator, week: int, share: float, days: int) -> dict[str, float]:
    """Plausible weekly sums for one channel: a slow trend, weekly noise, partial weeks."""
    scale = share * days / 7 * (1 + 0.01 * week) * rng.uniform(0.85, 1.15)
    impressions = round(180_000 * scale)
    clicks = round(impressions * rng.uniform(0.012, 0.03))
    sessions = round(clicks * rng.uniform(0.8, 0.95))
    leads = round(sessions * rng.uniform(0.01, 0.02))
    purchases = round(sessions * rng.uniform(0.012, 0.025))
    sums = {
        "impressions": impressions, "clicks": clicks,
        "cost": round(clicks * rng.uniform(0.6, 1.1), 2),
        "sessions": sessions, "engaged_sessions": round(sessions * rng.uniform(0.5, 0.7)),
        "leads": leads, "purchases": purchases, "conversions": leads + purchases,
        "revenue": round(purchases * rng.uniform(70, 110), 2),
    }
    # The fixture's channels are paid ones: their paid facts are all of their facts.
    return {**sums, **views(sums), **{m.id: sums.get(m.paid_of, 0.0) for m in MEASURES.values()
                                      if m.paid_of}}


def _rows(dims: dict[str, object], sums: dict[str, float], base: dict[str, object],
          targets: dict[str, float]) -> list[dict[str, object]]:
    rows = [{**base, **dims, "metric": m, "kind": "measure", "value": float(sums[m]),
             "numerator": None, "denominator": None, "target": None}
            for m in MEASURES]
    for kpi in KPIS.values():
        num, den = sums[kpi.numerator], sums[kpi.denominator]
        value = kpi.compute(num, den)
        rows.append({**base, **dims, "metric": kpi.id, "kind": "kpi",
                     "value": np.nan if value is None else value, "numerator": float(num),
                     "denominator": float(den), "target": targets.get(kpi.id)})
    return rows


def build_kpi_values(channels: Sequence[str] = CHANNELS, *, seed: int = 7,
                     first_day: dt.date = FIRST_DAY, last_day: dt.date = LAST_DAY,
                     targets: dict[str, float] | None = None) -> pd.DataFrame:
    """A week-grain ``kpi_values`` table (total and channel levels) following the input contract."""
    rng = np.random.default_rng(seed)
    targets = TARGETS if targets is None else targets
    shares = rng.dirichlet(np.ones(len(channels)) * 3)
    start = first_day - dt.timedelta(days=first_day.weekday())
    rows: list[dict[str, object]] = []
    week = 0
    while start <= last_day:
        end = start + dt.timedelta(days=6)
        days = (min(end, last_day) - max(start, first_day)).days + 1
        year, number, _ = start.isocalendar()
        base = {"grain": "week", "period_start": start, "period_end": end,
                "period_label": f"{year}-W{number:02d}",
                "complete": start >= first_day and end <= last_day,
                "provisional": end >= RESTATED_FROM, "currency": "EUR",
                "campaign_key": None, "campaign_name": None, "ad_group_key": None,
                "ad_group_name": None}
        per_channel = {c: _measures(rng, week, share, days)
                       for c, share in zip(channels, shares, strict=True)}
        for channel, sums in per_channel.items():
            rows += _rows({"level": "channel", "channel": channel}, sums, base, {})
        total = {m: sum(s[m] for s in per_channel.values()) for m in MEASURES}
        rows += _rows({"level": "total", "channel": None}, total, base, targets)
        start, week = start + dt.timedelta(days=7), week + 1
    return _with_comparisons(pd.DataFrame(rows))


def _with_comparisons(frame: pd.DataFrame) -> pd.DataFrame:
    """previous_value, change, vs_target and on_target as the KPI pipeline defines them."""
    frame = frame.sort_values(["level", "channel", "metric", "period_start"], na_position="first")
    keys = [frame["level"], frame["channel"].fillna(""), frame["metric"]]
    frame["previous_value"] = frame.groupby(keys, sort=False)["value"].shift(1)
    frame["change"] = frame["value"] / frame["previous_value"] - 1
    frame["vs_target"] = frame["value"] / frame["target"] - 1

    def on_target(row: pd.Series) -> object:
        if pd.isna(row["target"]) or pd.isna(row["value"]) or row["metric"] not in KPIS:
            return None
        kpi = KPIS[row["metric"]]
        return not kpi.is_better(row["target"], row["value"])

    frame["on_target"] = frame.apply(on_target, axis=1).astype(object)
    return frame.reset_index(drop=True)


@pytest.fixture(scope="session")
def kpi_values() -> pd.DataFrame:
    """20 weeks × 6 channels (three with hostile names), targets for CPA and ROAS."""
    return build_kpi_values()


@pytest.fixture(scope="session")
def make_kpi_values() -> Callable[..., pd.DataFrame]:
    """The builder behind ``kpi_values``, for tests that need a variant."""
    return build_kpi_values
