"""Goals judged on planted histories: the status follows the run rate, a ratio goal both ways,
the 80 % interval covers the realised total about as often as it says, recurring goals on
awkward days, thin data degrades to unknown with a reason, the budget cap binds."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kpi.review.goals import judge
from kpi.review.settings import Goal

WEEKDAY = np.array([1.15, 1.2, 1.1, 1.05, 0.95, 0.7, 0.6])  # Monday first: B2B leads


def history(end: dt.date, days: int = 120, seed: int = 0, leads: float = 40.0,
            cpl: float = 35.0, dispersion: float = 8.0) -> pd.DataFrame:
    """Daily leads (negative binomial around a weekday pattern) and cost up to ``end`` and
    ``days`` beyond it (the future the forecast must cover)."""
    rng = np.random.default_rng(seed)
    index = [end - dt.timedelta(days=days - 1) + dt.timedelta(days=i) for i in range(2 * days)]
    mean = leads * WEEKDAY[[d.weekday() for d in index]]
    counts = rng.negative_binomial(dispersion, dispersion / (dispersion + mean)).astype(float)
    cost = counts * cpl * rng.lognormal(0, 0.15, len(index)) + rng.gamma(5, 10, len(index))
    return pd.DataFrame({"leads": counts, "paid_leads": counts, "cost": cost,
                         "estimated": False}, index=index)


def upto(frame: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    return frame[frame.index <= day]


@pytest.mark.parametrize("end", [dt.date(2026, 3, 10), dt.date(2026, 11, 17)])
def test_a_goal_below_the_run_rate_is_on_track_one_above_it_off_track(end) -> None:
    frame = history(end, seed=end.toordinal())
    start, deadline = end.replace(day=1), end.replace(day=28)
    days = (deadline - start).days + 1
    run_rate = 40.0 * WEEKDAY.mean() * days
    fixed = {"name": "Leads", "measure": "leads", "start": start, "deadline": deadline}
    easy = judge(Goal(**fixed, target=0.6 * run_rate), upto(frame, end), end)
    hard = judge(Goal(**fixed, target=1.5 * run_rate), upto(frame, end), end)
    assert easy.status in ("on_track", "achieved") and easy.probability >= 0.8
    assert hard.status == "off_track" and hard.probability < 0.2
    assert easy.forecast_low <= easy.forecast <= easy.forecast_high
    assert easy.forecast == pytest.approx(hard.forecast)  # the target does not move it
    assert easy.actual == frame.loc[start:end, "leads"].sum()


def test_a_ratio_goal_both_ways_and_a_condition() -> None:
    end = dt.date(2026, 5, 12)
    frame = upto(history(end, seed=3, cpl=35.0), end)
    kept = judge(Goal(name="CPL", measure="cpl", target=45.0, every="month"), frame, end)
    broken = judge(Goal(name="CPL", measure="cpl", target=28.0, every="month"), frame, end)
    assert kept.status == "on_track" and broken.status == "off_track"
    assert 30 < kept.forecast < 42 and kept.forecast_low < kept.forecast < kept.forecast_high
    # "N leads at CPL <= limit": met only when both are
    both = judge(Goal(name="L", measure="leads", target=500, kpi="cpl", kpi_target=28.0,
                      every="month"), frame, end)
    assert both.status == "off_track" and both.kpi_actual is not None
    assert both.kpi_forecast == pytest.approx(kept.forecast, rel=1e-9)


def test_the_80_percent_interval_covers_the_realised_total(record_property) -> None:
    hits, n = 0, 0
    for seed in range(60):
        end = dt.date(2026, 1, 6) + dt.timedelta(days=11 * seed)
        frame = history(end, seed=seed, leads=15.0 + seed, dispersion=4.0 + seed % 5)
        goal = Goal(name="Leads", measure="leads", target=100, every="month")
        start, deadline = goal.period(end)
        progress = judge(goal, upto(frame, end), end)
        realised = frame.loc[start:deadline, "leads"].sum()
        hits += progress.forecast_low <= realised <= progress.forecast_high
        n += 1
    coverage = hits / n
    record_property("figure", f"goal forecast: 80 % interval covered the realised month "
                              f"total in {hits} of {n} planted histories ({coverage:.0%})")
    assert 0.7 <= coverage <= 0.95


@pytest.mark.parametrize(("as_of", "start", "deadline"), [
    (dt.date(2026, 4, 1), dt.date(2026, 4, 1), dt.date(2026, 4, 30)),  # a month's first day
    (dt.date(2026, 4, 30), dt.date(2026, 4, 1), dt.date(2026, 4, 30)),  # its last day
    (dt.date(2026, 3, 31), dt.date(2026, 3, 1), dt.date(2026, 3, 31)),  # a quarter's last
    (dt.date(2026, 2, 28), dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
])
def test_a_recurring_goal_on_awkward_days(as_of, start, deadline) -> None:
    frame = upto(history(as_of, seed=as_of.day), as_of)
    goal = Goal(name="Leads", measure="leads", target=10_000, every="month")
    progress = judge(goal, frame, as_of)
    assert (progress.start, progress.deadline) == (start, deadline)
    assert progress.actual == frame.loc[start:as_of, "leads"].sum()
    if as_of == deadline:  # judged on what happened
        assert progress.status == "missed" and progress.forecast == progress.actual
    else:
        assert progress.status == "off_track" and progress.forecast > progress.actual
    quarter = Goal(name="Q", measure="leads", target=1, every="quarter").period(as_of)
    assert quarter[0].month in (1, 4) and quarter[1] in (dt.date(2026, 3, 31),
                                                         dt.date(2026, 6, 30))


def test_thin_data_is_unknown_with_a_reason_not_a_crash() -> None:
    goal = Goal(name="Leads", measure="leads", target=100, every="month")
    day = dt.date(2026, 6, 10)
    empty = judge(goal, pd.DataFrame(), day)
    assert (empty.status, empty.reason, empty.forecast) == ("unknown", "no_data", None)
    short = judge(goal, upto(history(day, days=4), day), day)
    assert (short.status, short.reason) == ("unknown", "short_history")
    no_cost = judge(Goal(name="C", measure="cpl", target=40, every="month"),
                    upto(history(day), day).drop(columns=["cost"]), day)
    assert (no_cost.status, no_cost.reason) == ("unknown", "no_cost")


def test_immature_days_are_not_the_history_and_the_budget_caps_the_forecast() -> None:
    day = dt.date(2026, 9, 14)
    frame = upto(history(day, seed=5), day).copy()
    frame.loc[frame.index[-3:], "estimated"] = True  # nowcasts: counted, not learned from
    frame.loc[frame.index[-3:], "leads"] = 1000.0
    goal = Goal(name="Leads", measure="leads", target=1500, every="month")
    free = judge(goal, frame, day)
    assert free.actual > 3000  # the nowcast days count towards progress
    assert free.forecast - free.actual < 40 * 1.3 * 16  # but do not inflate the run rate
    capped = judge(goal, frame, day, budget_left=2000.0)
    assert capped.forecast - capped.actual <= 2000.0 / 30 + 1e-6 < free.forecast - free.actual
    assert capped.forecast_high <= free.forecast_high


def test_a_goal_not_started_yet() -> None:
    day = dt.date(2026, 9, 14)
    goal = Goal(name="Q4", measure="leads", target=2000, start=dt.date(2026, 10, 1),
                deadline=dt.date(2026, 12, 31))
    progress = judge(goal, upto(history(day), day), day)
    assert progress.status == "not_started" and progress.actual == 0.0
    assert progress.forecast > 2000
