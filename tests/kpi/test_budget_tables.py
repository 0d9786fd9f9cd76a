"""The budget steps as pure functions (kpi.budget.tables), without Dagster or a warehouse:
planted pacing, planted campaigns to pause and scale, and the curve store kept or refitted."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kpi.budget.plan import parse_plan
from kpi.budget.settings import BudgetSettings, RecommendationSettings
from kpi.budget.tables import (
    curve_rules,
    pacing_start,
    pacing_tables,
    paid_days,
    recommendation_tables,
)
from kpi.rollup import TargetRow

NOV = pd.date_range("2026-11-01", "2026-11-10")
DAYS = pd.date_range("2026-01-05", periods=56)
SETTINGS = RecommendationSettings(judge_days=28, curve_days=56, curve_grain="day",
                                  exclude_recent_days=0)


def test_pacing_tables_find_the_overspending_line() -> None:
    plan = parse_plan([
        {"month": "2026-11", "level": "channel", "name": "Paid Search", "media_budget": 3000,
         "currency": "EUR"},
        {"month": "2026-11", "level": "channel", "name": "Display", "media_budget": 3000,
         "currency": "EUR"}])
    spend = pd.concat([  # Search at plan (100 a day), Display at twice it
        pd.DataFrame({"date": NOV, "channel": "Paid Search", "campaign_key": "gads:1",
                      "cost": 100.0, "clicks": 7.0}),
        pd.DataFrame({"date": NOV, "channel": "Display", "campaign_key": "gads:2",
                      "cost": 200.0, "clicks": 7.0})])
    assert pacing_start(plan) == dt.date(2026, 11, 1) and pacing_start(()) is None
    out = pacing_tables(plan, (), spend, dt.date(2026, 11, 10), BudgetSettings(), "EUR", {})
    assert list(out.plan["name"]) == ["Paid Search", "Display"]
    assert list(out.pacing["spend_to_date"]) == pytest.approx([1000.0, 2000.0])
    assert list(out.pacing["status"]) == ["on_track", "investigate"]
    assert out.metadata == {"as_of": "2026-11-10", "current_lines": 2,
                            "investigate": "Display 200%"}
    before = pacing_tables(plan, (), spend, dt.date(2026, 10, 31), BudgetSettings(), "EUR", {})
    assert before.metadata["current_lines"] == 0  # the plan's period has not begun
    nothing = pacing_tables(plan, (), None, None, BudgetSettings(), "EUR", {})
    assert nothing.pacing.empty and len(nothing.plan) == 2


def _campaign(key: str, channel: str, cost: np.ndarray, leads: np.ndarray) -> pd.DataFrame:
    n = len(DAYS)
    return pd.DataFrame({"date": DAYS, "campaign_key": key, "cost": cost, "clicks": cost,
                         "leads": leads, "purchases": np.zeros(n), "conversions": leads,
                         "revenue": np.zeros(n), "channel": channel,
                         "campaign_name": key.upper()})


@pytest.fixture(scope="module")
def days() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    wobble = rng.uniform(60.0, 140.0, len(DAYS))
    return pd.concat([
        _campaign("gads:bad", "Paid Search", np.full(len(DAYS), 100.0),
                  rng.poisson(0.35, len(DAYS)).astype(float)),  # CPL ~ 285 vs 40
        _campaign("gads:good", "Paid Search", wobble, rng.poisson(wobble / 20.0).astype(float)),
        _campaign("gads:idle", "Display", np.zeros(len(DAYS)), np.ones(len(DAYS))),
    ], ignore_index=True)


def _night(days, stored=None, rules="r1"):
    return recommendation_tables(days, DAYS[-1].date(), budgets=None, stored=stored,
                                 rules=rules, targets=(TargetRow("cpl", 40.0),),
                                 settings=SETTINGS, currency="EUR")


def test_recommendation_tables_pause_the_planted_campaign_and_keep_what_they_fitted(
        days) -> None:
    assert set(paid_days(days)["campaign_key"]) == {"gads:bad", "gads:good"}
    out = _night(days)
    last = pd.Timestamp(DAYS[-1])
    recs = out.recommendations
    assert (recs["as_of"] == last).all()
    pause = recs[recs["action"] == "pause"]
    assert list(pause["item"]) == ["gads:bad"] and list(pause["campaign_name"]) == ["GADS:BAD"]
    assert list(pause["channel"]) == ["Paid Search"]
    assert "gads:idle" not in set(recs["item"])  # no cost: not judged
    assert out.actions == recs["action"].value_counts().to_dict()
    assert set(out.frames()) == {"response_curves", "budget_scenarios", "recommendations",
                                 "response_curve_store"}
    store = out.store
    assert len(store) and (store["fitted_on"] == last).all() and (store["rules"] == "r1").all()
    assert out.fitted_tonight == len(store)

    again = _night(days, stored=store)  # the same night again: every curve reused
    for name, frame in out.frames().items():
        pd.testing.assert_frame_equal(again.frames()[name], frame, obj=name)
    monday = last - pd.Timedelta(days=last.weekday())
    kept = _night(days, stored=store.assign(fitted_on=monday))
    assert (kept.store["fitted_on"] == monday).all() and kept.fitted_tonight == 0
    refit = _night(days, stored=store.assign(fitted_on=monday), rules="r2")  # other rules
    assert (refit.store["fitted_on"] == last).all() and (refit.store["rules"] == "r2").all()


def test_curve_rules_change_with_what_the_curves_depend_on() -> None:
    base = curve_rules(SETTINGS, "EUR", "model-1")
    assert base == curve_rules(SETTINGS, "EUR", "model-1")
    assert base != curve_rules(SETTINGS, "USD", "model-1")
    assert base != curve_rules(SETTINGS, "EUR", "model-2")
    assert base != curve_rules(SETTINGS.model_copy(update={"curve_days": 90}), "EUR", "model-1")
    # judging alone does not touch the curves
    assert base == curve_rules(SETTINGS.model_copy(update={"pause_margin": 0.5}), "EUR",
                               "model-1")
