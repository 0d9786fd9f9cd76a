"""A goal's progress, forecast to the deadline and status, from its scope's daily series.

The daily series is lag-aware before it gets here (:mod:`kpi.review.goal_store`): the days
whose conversions are still arriving carry their nowcast and ``estimated`` is true, so nothing
is judged on raw immature counts.

The forecast is a two-stage bootstrap of days (why: daily leads and purchases are
over-dispersed counts with a weekday pattern, and cost and conversions move together; a
Poisson rate would be too narrow, a normal sum could go negative and independent measures
would lose the cost-conversion link a CPL needs):

1. the level: the last ``HISTORY_DAYS`` mature days resampled with replacement, their mean over
   the observed mean (the uncertainty of the run rate, which dominates far from the deadline);
2. each remaining day drawn from the history days of the same weekday (the day-to-day spread,
   the weekday pattern and the joint cost / conversions of one real day).

Where a budget plan line covers the scope, a path that would spend more than the remaining
budget is scaled down to it (spend stops, conversions with it). The 80 % interval is the paths'
10th and 90th percentiles; the probability the share of paths that meet the goal (volume and
condition). Paths are seeded from the goal and the day: a re-run gives the same figures.

>>> days = pd.date_range("2026-01-01", "2026-01-31").date
>>> daily = pd.DataFrame({"leads": 10.0, "cost": 300.0, "paid_leads": 10.0,
...                       "estimated": False}, index=days)
>>> goal = Goal(name="Leads", measure="leads", target=400, every="month")
>>> p = judge(goal, daily, dt.date(2026, 1, 20))
>>> p.actual, p.forecast, p.status
(200.0, 310.0, 'off_track')
>>> judge(goal.model_copy(update={"target": 250.0}), daily, dt.date(2026, 1, 20)).status
'on_track'
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.registry import KPIS
from kpi.review.settings import VOLUMES, Goal

HISTORY_DAYS = 28  # the recent mature days the forecast learns from
MIN_HISTORY = 7  # fewer: no forecast (unknown)
SIMULATIONS = 2000
ON_TRACK, OFF_TRACK = 0.8, 0.2  # probability of meeting the goal


@dataclass(frozen=True)
class Progress:
    """The judged figures of one goal on one night (``goal_progress``' figures)."""

    start: dt.date
    deadline: dt.date
    actual: float | None = None
    kpi_actual: float | None = None
    forecast: float | None = None
    forecast_low: float | None = None
    forecast_high: float | None = None
    kpi_forecast: float | None = None
    probability: float | None = None
    status: str = "unknown"
    reason: str | None = None


def measures(goal: Goal, cap: bool = True) -> tuple[str, ...]:
    """The daily measures a goal needs: its volume, its KPI's parts and (``cap``) cost for
    the budget cap.

    >>> measures(Goal(name="a", measure="leads", target=5, kpi="cpl", kpi_target=40,
    ...               every="month"))
    ('leads', 'cost', 'paid_leads')
    """
    out = [goal.measure] if goal.measure in VOLUMES else []
    kpi = goal.measure if goal.measure in KPIS else goal.kpi
    if kpi is not None:
        out += [KPIS[kpi].numerator, KPIS[kpi].denominator]
    if cap:
        out.append("cost")
    return tuple(dict.fromkeys(out))


def seed_of(*parts: object) -> int:
    """A stable seed from ``parts`` (the goal and the night).

    >>> seed_of("a", dt.date(2026, 1, 1)) == seed_of("a", dt.date(2026, 1, 1))
    True
    """
    text = "|".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def _ratio(num: np.ndarray | float, den: np.ndarray | float, scale: float) -> np.ndarray:
    num, den = np.asarray(num, float), np.asarray(den, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0) * scale, np.nan)


def _meets(value: np.ndarray, target: float, kpi: str) -> np.ndarray:
    if KPIS[kpi].direction == "lower":
        return np.isfinite(value) & (value <= target)
    return np.isfinite(value) & (value >= target)


def _paths(history: pd.DataFrame, cols: list[str], remaining: list[dt.date],
           budget_left: float | None, seed: int) -> np.ndarray:
    """Simulated sums over ``remaining`` days, shape (SIMULATIONS, len(cols))."""
    h = history[cols].to_numpy(float)
    n = len(h)
    rng = np.random.default_rng(seed)
    mean = h.mean(axis=0)
    level = h[rng.integers(0, n, (SIMULATIONS, n))].mean(axis=1)
    level = np.divide(level, mean, out=np.ones_like(level), where=mean > 0)
    weekdays = np.array([d.weekday() for d in history.index])
    sums = np.zeros((SIMULATIONS, len(cols)))
    for weekday in range(7):
        count = sum(d.weekday() == weekday for d in remaining)
        if not count:
            continue
        pool = np.flatnonzero(weekdays == weekday)
        pool = pool if len(pool) else np.arange(n)
        picks = h[pool[rng.integers(0, len(pool), (SIMULATIONS, count))]]
        if len(pool) > 1:  # a resample of k days is k/(k-1) too tight: widen its spread
            centre = h[pool].mean(axis=0)
            picks = np.maximum(centre + (picks - centre) * np.sqrt(len(pool) / (len(pool) - 1)),
                               0.0)
        sums += picks.sum(axis=1)
    sums *= level
    if budget_left is not None and "cost" in cols:
        cost = sums[:, cols.index("cost")]
        share = np.minimum(1.0, np.divide(max(budget_left, 0.0), cost, out=np.ones_like(cost),
                                          where=cost > 0))
        sums *= share[:, None]
    return sums


def judge(goal: Goal, daily: pd.DataFrame, as_of: dt.date, budget_left: float | None = None,
          seed: int = 0) -> Progress:
    """``goal`` judged on ``as_of`` from ``daily`` (index: dates; a column per measure of
    :func:`measures`, lag-completed; ``estimated``: the day holds a nowcast). ``budget_left``:
    the media budget left for the scope between ``as_of`` and the deadline, when a plan covers
    it. Never raises on thin data: the status is unknown and ``reason`` says why."""
    start, deadline = goal.period(as_of)
    base = Progress(start, deadline)
    needed = list(measures(goal, cap=budget_left is not None))
    missing = [c for c in needed if c not in daily.columns]
    if daily.empty or missing:
        return Progress(start, deadline, reason="no_data" if daily.empty
                        else "no_" + missing[0])
    daily = daily.sort_index()
    upto = daily[daily.index <= as_of]
    so_far = upto[upto.index >= start][needed].sum()
    history = upto[~upto["estimated"].astype(bool)].tail(HISTORY_DAYS)
    first_remaining = max(as_of + dt.timedelta(days=1), start)
    remaining = [first_remaining + dt.timedelta(days=i)
                 for i in range((deadline - first_remaining).days + 1)]
    if remaining and len(history) < MIN_HISTORY:
        return Progress(start, deadline, reason="short_history")
    sums = (_paths(history, needed, remaining, budget_left, seed) if remaining
            else np.zeros((1, len(needed))))
    totals = so_far.to_numpy(float)[None, :] + sums
    col = {c: totals[:, i] for i, c in enumerate(needed)}
    kpi = goal.measure if goal.measure in KPIS else goal.kpi
    meets = np.ones(len(totals), bool)
    figures: dict[str, float | None] = {}
    if kpi is not None:
        spec = KPIS[kpi]
        limit = goal.target if goal.measure in KPIS else goal.kpi_target
        path_kpi = _ratio(col[spec.numerator], col[spec.denominator], spec.scale)
        meets &= _meets(path_kpi, float(limit), kpi)
        now = _ratio(so_far[spec.numerator], so_far[spec.denominator], spec.scale)
        expected = _ratio(col[spec.numerator].mean(), col[spec.denominator].mean(), spec.scale)
        figures["kpi_actual"] = float(now) if np.isfinite(now) else None
        figures["kpi_forecast"] = float(expected) if np.isfinite(expected) else None
        if goal.measure in KPIS:  # the KPI is the measure: its own interval
            finite = path_kpi[np.isfinite(path_kpi)]
            figures.update(actual=figures["kpi_actual"], forecast=figures["kpi_forecast"],
                           kpi_actual=None, kpi_forecast=None)
            if len(finite):
                figures["forecast_low"] = float(np.quantile(finite, 0.1))
                figures["forecast_high"] = float(np.quantile(finite, 0.9))
    if goal.measure in VOLUMES:
        volume = col[goal.measure]
        meets &= volume >= goal.target
        figures.update(actual=float(so_far[goal.measure]), forecast=float(volume.mean()),
                       forecast_low=float(np.quantile(volume, 0.1)),
                       forecast_high=float(np.quantile(volume, 0.9)))
    probability = float(meets.mean())
    status = _status(goal, as_of, start, deadline, probability, figures)
    return Progress(**{**base.__dict__, **figures, "probability": probability,
                       "status": status})


def _status(goal: Goal, as_of: dt.date, start: dt.date, deadline: dt.date, probability: float,
            figures: dict[str, float | None]) -> str:
    """achieved / missed at the deadline (or a volume reached early), else by probability."""
    if as_of < start:
        return "not_started"
    if as_of >= deadline:
        return "achieved" if probability >= 0.5 else "missed"
    reached = (goal.measure in VOLUMES and goal.kpi is None
               and (figures.get("actual") or 0.0) >= goal.target)
    if reached:
        return "achieved"
    if probability >= ON_TRACK:
        return "on_track"
    return "off_track" if probability < OFF_TRACK else "at_risk"
