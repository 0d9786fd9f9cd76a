"""Recommendations that follow the money: with a CRM, lead campaigns can be judged on cost per
SQL, per won deal or revenue ROAS, on lead dates old enough for their deals to be decided.

Planted: two Search campaigns at their budget, 100 a day each for 120 days. "cheap" buys
leads at 20 (5 a day) that almost never become customers (1 won deal); "money" buys leads at
50 (2 a day) of which 30 are won. The last 45 days' leads have no won deal yet (immature)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi.budget import recommend
from kpi.budget.assess import Settings, assess
from kpi.budget.settings import RecommendationSettings
from kpi.budget.tables import judging
from kpi.rollup import TargetRow

DAYS = pd.date_range("2026-01-01", periods=120, freq="D")
MATURE_AFTER = 45
TARGETS = (TargetRow("cpl", 35.0), TargetRow("cost_per_won_deal", 1000.0),
           TargetRow("revenue_roas", 3.0))


def spread(total: int, days: int) -> np.ndarray:
    base = np.full(days, total // days, dtype=float)
    base[np.linspace(0, days - 1, total % days).astype(int)] += 1 if total % days else 0
    return base


def lead_campaign(key: str, leads: int, won: int) -> pd.DataFrame:
    decided = len(DAYS) - MATURE_AFTER
    won_days = np.concatenate([spread(won, decided), np.zeros(MATURE_AFTER)])
    return pd.DataFrame({
        "date": DAYS, "campaign_key": key, "cost": 100.0, "clicks": 50.0,
        "leads": spread(leads, len(DAYS)), "purchases": 0.0, "revenue": 0.0,
        "crm_sqls": spread(leads // 4, len(DAYS)), "crm_won_deals": won_days,
        "crm_won_revenue": won_days * 5000.0})


@pytest.fixture
def planted() -> tuple[pd.DataFrame, pd.DataFrame]:
    facts = pd.concat([lead_campaign("gads:cheap", 600, 1), lead_campaign("gads:money", 240, 30)])
    budgets = pd.DataFrame({"date": np.tile(DAYS, 2), "budget": 100.0,
                            "campaign_key": ["gads:cheap"] * 120 + ["gads:money"] * 120})
    return facts, budgets


def actions(recs) -> list[tuple[str, str]]:
    return [(r.action, r.item) for r in recs]


def test_on_cpl_the_cheap_lead_campaign_is_scaled(planted) -> None:
    facts, budgets = planted
    recs = recommend.recommend(facts, TARGETS, budgets=budgets, reallocate=False)
    assert actions(recs) == [("scale", "gads:cheap"), ("pause", "gads:money")]
    assert {r.kpi for r in recs} == {"cpl"}


def test_on_cost_per_won_deal_the_recommendation_follows_the_money(planted) -> None:
    facts, budgets = planted
    settings = Settings(lead_goal="cost_per_won_deal",
                        mature_after=(("crm_won_deals", MATURE_AFTER),))
    recs = recommend.recommend(facts, TARGETS, budgets=budgets, settings=settings,
                               reallocate=False)
    assert actions(recs) == [("pause", "gads:cheap"), ("scale", "gads:money")]
    pause, scale = recs
    judged = len(DAYS) - MATURE_AFTER  # lead dates whose deals are decided
    assert (pause.kpi, pause.cost, pause.volume, pause.days) == (
        "cost_per_won_deal", 100.0 * judged, 1.0, judged)
    assert pause.lower > 1000 * 1.2  # 7,500 / 4.74 (Garwood, 95 %)
    assert scale.value == pytest.approx(7500 / 30) and scale.upper < 1000
    assert "cost per won deal" in scale.sentence("en")
    assert "Judged on leads at least 45 days old" in scale.sentence("en")
    assert "coût par affaire gagnée" in pause.sentence("fr")
    assert "kosten per gewonnen deal" in pause.sentence("nl")


def test_without_the_maturity_shift_recent_leads_look_worthless(planted) -> None:
    facts, budgets = planted
    settings = Settings(lead_goal="cost_per_won_deal")
    money = assess(facts, TARGETS, budgets=budgets, settings=settings)[1]
    assert money.estimate.value == pytest.approx(12000 / 30)  # 60 % worse than judged fairly


def test_on_revenue_roas_the_money_campaign_is_scaled(planted) -> None:
    facts, budgets = planted
    settings = Settings(lead_goal="revenue_roas",
                        mature_after=(("crm_won_revenue", MATURE_AFTER),))
    recs = recommend.recommend(facts, TARGETS, budgets=budgets, settings=settings,
                               reallocate=False)
    assert ("scale", "gads:money") in actions(recs)
    assert ("scale", "gads:cheap") not in actions(recs)
    scale = next(r for r in recs if r.item == "gads:money")
    assert scale.kpi == "revenue_roas" and scale.value == pytest.approx(30 * 5000 / 7500)


def test_a_lead_goal_without_a_target_falls_back_to_cpl(planted) -> None:
    facts, budgets = planted
    settings = Settings(lead_goal="cost_per_sql")
    recs = recommend.recommend(facts, TARGETS, budgets=budgets, settings=settings,
                               reallocate=False)
    assert {r.kpi for r in recs} == {"cpl"}


def test_without_crm_facts_the_lead_goal_is_cpl_and_old_frames_still_work(planted) -> None:
    facts, _ = planted
    plain = facts.drop(columns=["crm_sqls", "crm_won_deals", "crm_won_revenue"])
    rules = judging(RecommendationSettings(lead_goal="cost_per_won_deal"), crm=False)
    assert rules.lead_goal == "cpl" and rules.mature_after == ()
    assert {a.goal.kpi for a in assess(plain, TARGETS, settings=rules)} == {"cpl"}


@pytest.mark.parametrize("history_days", [30, 58])  # no mature lead day; 13 of them (< 14)
def test_too_recent_leads_are_judged_on_cpl_for_now_and_say_so(planted, history_days) -> None:
    facts, budgets = planted
    recent = facts[facts["date"] < DAYS[history_days]]
    shop = lead_campaign("gads:shop", 0, 0).assign(purchases=4.0, revenue=400.0, leads=0.0)
    shop = shop[shop["date"] < DAYS[history_days]]
    settings = Settings(lead_goal="cost_per_won_deal",
                        mature_after=(("crm_won_deals", MATURE_AFTER),))
    targets = (*TARGETS, TargetRow("roas", 3.0))
    assessed = {a.item: a for a in assess(pd.concat([recent, shop]), targets,
                                                    budgets=budgets, settings=settings)}
    assert set(assessed) == {"gads:cheap", "gads:money", "gads:shop"}  # nobody left out
    assert {k: a.goal.kpi for k, a in assessed.items()} == {
        "gads:cheap": "cpl", "gads:money": "cpl", "gads:shop": "roas"}
    assert assessed["gads:cheap"].wanted == "cost_per_won_deal"
    assert assessed["gads:shop"].wanted is None
    recs = recommend.recommend(recent, TARGETS, budgets=budgets, settings=settings,
                               reallocate=False)
    assert actions(recs)[0] == ("scale", "gads:cheap") and {r.kpi for r in recs} == {"cpl"}
    scale = recs[0]
    assert "too recent for cost per won deal (their outcome takes about 45 days)" in (
        scale.sentence("en"))
    assert "te recent voor kosten per gewonnen deal" in scale.sentence("nl")
    assert "trop récents pour le coût par affaire gagnée" in scale.sentence("fr")


def test_enough_mature_lead_days_are_judged_on_the_crm_goal(planted) -> None:
    facts, _ = planted
    settings = Settings(lead_goal="cost_per_won_deal",
                        mature_after=(("crm_won_deals", MATURE_AFTER),))
    recent = facts[facts["date"] < DAYS[MATURE_AFTER + 14]]  # exactly 14 mature lead days
    kpis = {a.goal.kpi for a in assess(recent, TARGETS, settings=settings)}
    assert kpis == {"cost_per_won_deal"}
