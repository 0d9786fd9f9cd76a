"""Response curves recovered from noisy data; SLSQP allocation against a naive greedy."""

from __future__ import annotations

import doctest
import math
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest

from kpi.budget import allocate as allocate_module
from kpi.budget import response
from kpi.budget.allocate import (
    Allocation,
    ItemAllocation,
    allocate,
    curve_scenarios,
    project,
    what_if,
    what_ifs,
)
from kpi.budget.response import Curve, HillCurve, LogCurve, fit_curves, fit_response, fits_frame


def test_docstring_examples_run() -> None:
    for module in (response, allocate_module):
        assert doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0


# --- curves -----------------------------------------------------------------------------------

def noisy(curve: Curve, n: int = 150, seed: int = 1, noise: float = 0.05,
          low: float = 20.0, high: float = 900.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(low, high, n)
    return x, curve.response(x) * (1 + noise * rng.standard_normal(n))


def test_curve_formulas_by_hand() -> None:
    hill = HillCurve(top=1000.0, k=300.0, s=2.0)
    assert float(hill.response(300.0)) == pytest.approx(500.0)
    assert float(hill.response(600.0)) == pytest.approx(1000 * 4 / 5)
    assert float(hill.response(0.0)) == 0.0
    # dR/dx at k = top · s / (4k)
    assert float(hill.marginal(300.0)) == pytest.approx(1000 * 2 / (4 * 300))
    log = LogCurve(a=200.0, k=100.0)
    assert float(log.response(100.0)) == pytest.approx(200 * math.log(2))
    assert float(log.marginal(0.0)) == pytest.approx(2.0)
    for curve in (hill, log):  # marginal is the derivative of response
        x = np.array([50.0, 250.0, 800.0])
        numeric = (curve.response(x + 1e-4) - curve.response(x - 1e-4)) / 2e-4
        np.testing.assert_allclose(curve.marginal(x), numeric, rtol=1e-6)


def test_a_hill_curve_is_recovered_from_noisy_data() -> None:
    truth = HillCurve(top=1000.0, k=300.0, s=2.2)
    x, y = noisy(truth)
    fit = fit_response(x, y, "search")
    assert fit.ok and fit.kind == "hill" and fit.n == 150
    assert isinstance(fit.curve, HillCurve)
    assert fit.curve.top == pytest.approx(1000.0, rel=0.05)
    assert fit.curve.k == pytest.approx(300.0, rel=0.05)
    assert fit.curve.s == pytest.approx(2.2, rel=0.05)
    # pinned: the fit on this seed (top 983.36, k 295.43, s 2.235), its quality and choice
    assert (fit.curve.top, fit.curve.k, fit.curve.s) == pytest.approx(
        (983.359, 295.431, 2.2350), rel=1e-4)
    assert fit.r_squared == pytest.approx(0.98594, abs=1e-4)
    assert fit.aic_other is not None and fit.aic_other - fit.aic > 100  # log fits far worse


def test_whatever_shape_is_chosen_it_reproduces_a_log_truth() -> None:
    truth = LogCurve(a=500.0, k=200.0)
    x, y = noisy(truth, seed=2)
    fit = fit_response(x, y, "display")
    grid = np.linspace(50, 850, 9)
    np.testing.assert_allclose(fit.response(grid), truth.response(grid), rtol=0.03)
    np.testing.assert_allclose(fit.marginal(grid), truth.marginal(grid), rtol=0.15)


def test_headroom_is_the_elasticity_at_current_spend() -> None:
    truth = HillCurve(top=1000.0, k=300.0, s=2.0)
    x = np.concatenate([np.linspace(50, 900, 60), np.full(14, 300.0)])  # current spend = k
    fit = fit_response(x, truth.response(x), recent=14)
    assert fit.current_spend == pytest.approx(300.0)
    assert fit.average_return == pytest.approx(500 / 300, rel=1e-4)
    assert fit.marginal_return == pytest.approx(1000 * 2 / (4 * 300), rel=1e-4)
    assert fit.headroom == pytest.approx(1.0, rel=1e-3)  # s · (1 − R/top) = 2 · 0.5
    assert fit.saturation == pytest.approx(0.5, rel=1e-3)
    assert fit.r_squared == pytest.approx(1.0)
    log_fit = fit_response(x, LogCurve(300.0, 100.0).response(x))
    assert log_fit.kind == "log" and log_fit.saturation is None
    assert 0 < log_fit.headroom < 1  # concave: the next euro returns less than the average


@pytest.mark.parametrize(("spend", "outcome", "message"), [
    ([100.0, 120.0, 130.0], [1.0, 2.0, 3.0], "too few points (3; need at least 10)"),
    ([100.0] * 30, list(range(30)),
     "spend is constant (100 on every point): the curve cannot be identified"),
    (list(range(1, 31)), [0.0] * 30, "no response on any point: nothing to fit"),
    ([np.nan] * 25 + [1.0, 2.0], [1.0] * 27, "too few points (2; need at least 10)"),
])
def test_degenerate_input_gives_a_message_not_an_exception(spend, outcome, message) -> None:
    fit = fit_response(spend, outcome, "x")
    assert not fit.ok and fit.message == message and fit.kind is None
    with pytest.raises(ValueError, match="x: no curve"):
        fit.response(100.0)


def test_awkward_data_raises_no_warning() -> None:
    # Two spend levels only: the covariance of a 3-parameter curve cannot be estimated.
    x = np.array([100.0, 200.0] * 10)
    y = np.array([50.0, 80.0] * 10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fit_response(x, y)
        fit_response(np.arange(20.0), np.r_[np.zeros(19), 5.0])
    assert fit.ok
    np.testing.assert_allclose(fit.response(np.array([100.0, 200.0])), [50.0, 80.0], rtol=1e-3)


def test_fit_curves_by_item_and_week() -> None:
    x, y = noisy(HillCurve(1000.0, 300.0, 2.2), n=70)
    days = pd.date_range("2026-01-05", periods=70)  # a Monday
    frame = pd.concat([
        pd.DataFrame({"campaign_key": "gads:1", "date": days, "cost": x, "revenue": y}),
        pd.DataFrame({"campaign_key": "gads:2", "date": days[:5], "cost": x[:5],
                      "revenue": y[:5]}),
    ])
    fits = fit_curves(frame, "revenue")
    assert sorted(fits) == ["gads:1", "gads:2"]
    assert fits["gads:1"].kind == "hill" and fits["gads:1"].n == 70
    assert fits["gads:2"].message == "too few points (5; need at least 10)"
    weekly = fit_curves(frame, "revenue", grain="week", min_points=3)
    assert weekly["gads:1"].n == 10  # each week's daily means: still spend per day
    assert weekly["gads:1"].spend_max == pytest.approx(max(x[i:i + 7].mean()
                                                           for i in range(0, 70, 7)))
    assert weekly["gads:1"].current_spend == pytest.approx(x[-14:].mean())
    table = fits_frame(list(fits.values()))
    assert list(table["item"]) == ["gads:1", "gads:2"]
    assert {"top", "k", "s", "r_squared", "headroom", "message"} <= set(table)


def channel_days(seed: int = 3, weeks: int = 16, level: float = 1900.0) -> pd.DataFrame:
    """A channel spending about ``level`` a day (±35 % from week to week, noise within the
    week), conversions and revenue on a Hill curve; the data start and end mid-week."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2026-01-07", periods=7 * weeks - 3)  # a Wednesday to a Saturday
    week_level = level * rng.uniform(0.65, 1.35, weeks + 1)[(days - days[0]).days // 7]
    cost = week_level * rng.uniform(0.9, 1.1, len(days))
    curve = HillCurve(top=200.0, k=2500.0, s=1.4)
    conversions = curve.response(cost) * rng.uniform(0.9, 1.1, len(days))
    return pd.DataFrame({"channel": "Paid Search", "date": days, "cost": cost,
                         "conversions": conversions, "revenue": 60 * conversions})


@pytest.mark.parametrize("grain", ["week", "day"])
def test_what_ifs_are_per_day_at_either_grain(grain: str) -> None:
    """Issue 16: at week grain the what-if showed a week's spend as 'spend a day' (6.770 EUR on
    an account spending about 1.900 EUR a day)."""
    frame = channel_days()
    fits, scenarios = curve_scenarios(frame, by="channel", grain=grain, change=0.2)
    assert set(fits.measure) == {"conversions", "revenue"} and fits.kind.notna().all()
    spent = frame["cost"].tail(14).mean()  # the actual spend a day, last two weeks
    assert len(scenarios) == 4
    assert scenarios["spend"].tolist() == pytest.approx([spent] * 4, rel=0.05)
    per_day = frame["conversions"].tail(14).mean()
    conversions = scenarios[scenarios.measure == "conversions"]
    assert conversions["response"].tolist() == pytest.approx([per_day] * 2, rel=0.15)
    up = scenarios[scenarios.new_spend > scenarios.spend]
    assert up["new_spend"].tolist() == pytest.approx((up["spend"] * 1.2).tolist())


# --- allocation -------------------------------------------------------------------------------

def greedy_allocate(curves: Mapping[str, Curve], total: float, step: float) -> dict[str, float]:
    """The naive way: give each next ``step`` to the item whose response grows most by it."""
    spend = dict.fromkeys(curves, 0.0)
    left = total
    while left > 1e-9:
        inc = min(step, left)
        best = max(curves, key=lambda item: float(curves[item].response(spend[item] + inc)
                                                  - curves[item].response(spend[item])))
        spend[best] += inc
        left -= inc
    return spend


def total_response(curves: Mapping[str, Curve], spend: Mapping[str, float]) -> float:
    return sum(float(curves[item].response(spend[item])) for item in curves)


def test_greedy_gets_stuck_on_an_s_curve_and_slsqp_does_not() -> None:
    # A concave curve beside a steep S-curve whose foot is flat: the first 10 euros on the
    # S-curve return almost nothing, so greedy never starts climbing it.
    curves = {"display": LogCurve(a=200.0, k=500.0), "search": HillCurve(3000.0, 600.0, 4.0)}
    greedy = greedy_allocate(curves, 1000.0, step=10.0)
    assert greedy == pytest.approx({"display": 1000.0, "search": 0.0})
    assert total_response(curves, greedy) == pytest.approx(200 * math.log(3))  # 219.72
    best = allocate(curves, 1000.0)
    assert best["search"].spend == pytest.approx(1000.0)
    assert best.response == pytest.approx(3000 / (1 + 0.6 ** 4))  # 2655.81
    assert best.response > 10 * total_response(curves, greedy)


def test_greedy_is_fine_on_concave_curves() -> None:
    curves = {"a": LogCurve(300.0, 100.0), "b": LogCurve(100.0, 100.0)}
    greedy = greedy_allocate(curves, 400.0, step=1.0)
    assert greedy["a"] == pytest.approx(350.0, abs=1.0)
    assert total_response(curves, greedy) == pytest.approx(allocate(curves, 400.0).response,
                                                           rel=1e-4)


MIXED: dict[str, Curve] = {"a": HillCurve(1000.0, 300.0, 2.0), "b": HillCurve(800.0, 200.0, 1.5),
                           "c": LogCurve(300.0, 150.0)}


def test_slsqp_equalises_marginal_returns() -> None:
    result = allocate(MIXED, 900.0, current={"a": 300.0, "b": 300.0, "c": 300.0})
    assert result.success
    assert sum(row.spend for row in result.items) == pytest.approx(900.0)
    assert all(row.at_bound is None for row in result.items)
    marginals = [row.marginal for row in result.items]
    assert marginals == pytest.approx([result.multiplier] * 3, rel=1e-4)
    # pinned: the optimum for these curves
    assert [row.spend for row in result.items] == pytest.approx([446.94, 289.98, 163.08],
                                                                abs=0.01)
    assert result.multiplier == pytest.approx(0.95822, abs=1e-5)
    assert result.gain == pytest.approx(71.184, abs=1e-3)
    assert result.gain == pytest.approx(result.response - total_response(
        MIXED, {"a": 300.0, "b": 300.0, "c": 300.0}))


def test_no_feasible_split_beats_the_allocation() -> None:
    bounds = {"a": (100.0, 600.0), "b": (50.0, 400.0), "c": (0.0, 300.0)}
    result = allocate(MIXED, 800.0, bounds)
    rng = np.random.default_rng(3)
    lower = np.array([b[0] for b in bounds.values()])
    upper = np.array([b[1] for b in bounds.values()])
    for _ in range(300):
        x = project(rng.dirichlet(np.ones(3)) * 800.0, lower, upper, 800.0)
        assert x.sum() == pytest.approx(800.0)
        assert total_response(MIXED, dict(zip(MIXED, x, strict=True))) <= result.response + 1e-6


def test_items_at_a_bound_have_the_marginal_on_the_right_side() -> None:
    bounds = {"a": (0.0, 250.0), "b": (0.0, 900.0), "c": (400.0, 900.0)}
    result = allocate(MIXED, 900.0, bounds)
    assert result["a"].at_bound == "upper"
    assert result["c"].at_bound == "lower"
    assert result["b"].at_bound is None
    assert result.multiplier == pytest.approx(result["b"].marginal)
    assert result["a"].marginal > result.multiplier > result["c"].marginal
    frame = result.frame()
    assert frame["at_bound"].fillna("-").tolist() == ["upper", "-", "lower"]


def test_allocation_types() -> None:
    result = allocate({"a": LogCurve(1.0, 1.0)}, 5.0)
    assert isinstance(result, Allocation) and isinstance(result["a"], ItemAllocation)
    assert result["a"].spend == pytest.approx(5.0) and result.gain is None
    with pytest.raises(KeyError):
        result["zz"]


@pytest.mark.parametrize(("total", "bounds", "message"), [
    (100.0, {"a": (60.0, 80.0), "b": (60.0, 80.0)}, "total 100 is outside what the bounds"),
    (500.0, {"a": (0.0, 80.0), "b": (0.0, 80.0)}, "total 500 is outside what the bounds"),
    (100.0, {"z": (0.0, 1.0)}, "bounds for unknown item(s) z"),
    (100.0, {"a": (50.0, 10.0)}, "0 ≤ lower ≤ upper, not so for a"),
    (-1.0, None, "total must be a finite amount ≥ 0"),
])
def test_impossible_allocations_are_clear_errors(total, bounds, message) -> None:
    curves = {"a": LogCurve(1.0, 1.0), "b": LogCurve(1.0, 1.0)}
    with pytest.raises(ValueError) as info:
        allocate(curves, total, bounds)
    assert message in str(info.value)


def test_what_if_twenty_percent_by_hand() -> None:
    curve = HillCurve(1000.0, 300.0, 2.0)
    up, down = what_if(curve, 300.0, 0.2, "a"), what_if(curve, 300.0, -0.2, "a")
    assert (up.new_spend, down.new_spend) == pytest.approx((360.0, 240.0))
    assert up.response == pytest.approx(500.0)
    assert up.new_response == pytest.approx(1000 * 360**2 / (300**2 + 360**2))  # 590.16
    assert up.change == pytest.approx(90.164, abs=1e-3)
    assert down.change == pytest.approx(-109.756, abs=1e-3)
    assert up.incremental_return == pytest.approx(90.164 / 60, abs=1e-4)
    both = what_ifs(MIXED, {"a": 300.0, "b": 300.0, "c": 300.0})
    assert [(s.item, round(s.new_spend)) for s in both[:2]] == [("a", 360), ("a", 240)]
    assert len(both) == 6
