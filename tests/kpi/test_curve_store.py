"""The curve store: fits survive the round trip exactly, are reused only in their ISO week
under the same rules, and a reused curve is read at the fresh spend while the KPI judgement
comes from the fresh facts."""

from __future__ import annotations

import datetime as dt
import doctest

import numpy as np
import pandas as pd
import pytest

from kpi.budget import curve_store, recommend
from kpi.budget.assess import assess
from kpi.budget.curve_store import reusable, rules_key, same_week, store_rows
from kpi.budget.response import (
    HillCurve,
    LogCurve,
    ResponseFit,
    fit_curves,
    fit_response,
    reuse_fit,
)
from tests.kpi.test_recommend import TARGETS, revenue_campaign

MONDAY = dt.date(2026, 11, 30)


def test_docstring_examples_run() -> None:
    assert doctest.testmod(curve_store).failed == 0


def noisy(curve, n: int = 60, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(50.0, 600.0, n)
    return x, curve.response(x) * rng.uniform(0.9, 1.1, n)


@pytest.mark.parametrize("curve", [HillCurve(900.0, 250.0, 2.0), LogCurve(300.0, 120.0)])
def test_a_reused_fit_on_its_own_points_is_the_fit(curve) -> None:
    x, y = noisy(curve)
    fit = fit_response(x, y, "gads:1")
    assert fit.ok
    assert reuse_fit(fit, x, y) == fit
    # on fresh points only the current spend and what is read there change
    later = reuse_fit(fit, x * 1.5, y)
    assert later.curve == fit.curve and later.r_squared == fit.r_squared and later.n == fit.n
    assert later.current_spend == pytest.approx(1.5 * x[-14:].mean())
    assert later.marginal_return == pytest.approx(float(fit.marginal(later.current_spend)))


def test_fits_survive_the_store_exactly_and_curveless_ones_are_not_kept() -> None:
    hill = fit_response(*noisy(HillCurve(900.0, 250.0, 2.0)), "gads:1")
    log = fit_response(*noisy(LogCurve(300.0, 120.0), seed=6), "Search")
    failed = fit_response([10.0] * 20, [5.0] * 20, "gads:2")
    fits = {("campaign", "gads:1", "revenue"): hill, ("channel", "Search", "conversions"): log,
            ("campaign", "gads:2", "leads"): failed}
    rows = store_rows(fits, {}, MONDAY, "r")
    assert len(rows) == 2 and (rows.fitted_on == np.datetime64(MONDAY)).all()
    kept = reusable(rows, MONDAY + dt.timedelta(days=3), "r")
    assert set(kept) == {("campaign", "gads:1", "revenue"), ("channel", "Search", "conversions")}
    # stored without the current-spend fields; read at the same points, the very same fit
    x, y = noisy(HillCurve(900.0, 250.0, 2.0))
    assert reuse_fit(kept[("campaign", "gads:1", "revenue")].fit, x, y) == hill
    assert reuse_fit(kept[("channel", "Search", "conversions")].fit,
                     *noisy(LogCurve(300.0, 120.0), seed=6)) == log
    # a reused curve keeps its day when stored again; a new one gets tonight's
    again = store_rows(fits, kept, MONDAY + dt.timedelta(days=3), "r")
    assert (again.fitted_on == np.datetime64(MONDAY)).all()
    assert (store_rows(fits, {}, MONDAY + dt.timedelta(days=3), "r").fitted_on
            == np.datetime64(MONDAY + dt.timedelta(days=3))).all()


def test_reused_within_the_iso_week_under_the_same_rules_only() -> None:
    fit = ResponseFit("gads:1", LogCurve(90.0, 40.0), 52, r_squared=0.8)
    rows = store_rows({("campaign", "gads:1", "leads"): fit}, {}, MONDAY, rules_key(a=1))
    sunday = MONDAY + dt.timedelta(days=6)
    assert set(reusable(rows, sunday, rules_key(a=1))) == {("campaign", "gads:1", "leads")}
    assert reusable(rows, sunday + dt.timedelta(days=1), rules_key(a=1)) == {}  # new week
    assert reusable(rows, MONDAY - dt.timedelta(days=1), rules_key(a=1)) == {}  # earlier day
    assert reusable(rows, sunday, rules_key(a=2)) == {}  # other rules
    assert reusable(None, sunday, rules_key(a=1)) == {}
    assert rules_key(a=1) != rules_key(a=1.5)
    assert all(same_week(MONDAY, MONDAY + dt.timedelta(days=d)) for d in range(7))


def test_fit_curves_reuses_the_stored_items_and_fits_the_others() -> None:
    x, y = noisy(HillCurve(900.0, 250.0, 2.0), n=40)
    days = pd.date_range("2026-01-05", periods=40)
    frame = pd.concat([pd.DataFrame({"channel": c, "date": days, "cost": x * f,
                                     "revenue": y * f}) for c, f in (("A", 1.0), ("B", 2.0))])
    fresh = fit_curves(frame, "revenue", by="channel", grain="day")
    planted = ResponseFit("A", LogCurve(5000.0, 800.0), 40, r_squared=0.5, spend_cv=0.4)
    mixed = fit_curves(frame, "revenue", by="channel", grain="day", stored={"A": planted})
    assert mixed["B"] == fresh["B"]  # fitted as before
    assert mixed["A"].curve == planted.curve and mixed["A"].r_squared == 0.5
    assert mixed["A"].current_spend == fresh["A"].current_spend  # read at tonight's spend
    assert mixed["A"].marginal_return == pytest.approx(5000.0 / (800.0 + x[-14:].mean()))


def test_assess_reads_a_stored_curve_at_fresh_spend_and_judges_on_fresh_facts() -> None:
    facts = revenue_campaign(LogCurve(a=5800.0, k=1000.0))  # headroom: scaled when fitted
    fitted = recommend.recommend(facts, TARGETS)
    assert [r.action for r in fitted] == ["scale"]
    (base,) = assess(facts, TARGETS)
    # a stored curve that says the campaign is saturated: no scale on a reuse night
    saturated = ResponseFit("gads:shop", HillCurve(top=2200.0, k=120.0, s=1.5), 28,
                            r_squared=0.95, spend_cv=0.3)
    (a,) = assess(facts, TARGETS, stored={("gads:shop", "revenue"): saturated})
    assert a.fit.curve == saturated.curve and a.reliable_curve and a.headroom is False
    assert a.fit.current_spend == pytest.approx(facts.cost.tail(14).mean())
    assert a.fit.marginal_return == pytest.approx(
        float(saturated.curve.marginal(facts.cost.tail(14).mean())))
    assert (a.estimate, a.days, a.current_spend, a.goal) == (
        base.estimate, base.days, base.current_spend, base.goal)
    assert recommend.decide((a,)).items == ()
    # fresh facts: twice the cost for the same revenue, ROAS halves, the stored curve stays
    dearer = facts.assign(cost=facts.cost * 2)
    (b,) = assess(dearer, TARGETS, stored={("gads:shop", "revenue"): saturated})
    assert b.estimate.value == pytest.approx(base.estimate.value / 2)
    assert b.fit.curve == saturated.curve
    assert b.fit.current_spend == pytest.approx(2 * a.fit.current_spend)
    # a stored curve for another measure is not this goal's: fitted as usual
    (c,) = assess(facts, TARGETS, stored={("gads:shop", "leads"): saturated})
    assert c == base
