"""Budget through the pipeline on the demo: the plan, pacing against it, curves, scenarios and
the recommendations that find the planted campaigns; a bad plan stops the run, losing nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from assets.runner import check_descriptions, failed_checks, failure_reason, run_nightly
from pipelines.config import Config
from pipelines.sources.demo.world import BUDGET_LIMITED_CAMPAIGN_ID, INEFFICIENT_CAMPAIGN_ID
from pipelines.warehouse.store import connect
from tests.assets.conftest import END, copy_of, demo_config, read, tables

INEFFICIENT = f"gads:{INEFFICIENT_CAMPAIGN_ID}"
BUDGET_LIMITED = f"gads:{BUDGET_LIMITED_CAMPAIGN_ID}"


def test_the_plan_is_stored_and_the_current_month_paced(warehouse) -> None:
    plan = read(warehouse, "budget_plan")
    assert len(plan) == 135 and set(plan.level) == {"channel"}  # 5 channels x 27 months
    pacing = read(warehouse, "budget_pacing")
    march = pacing[(pacing.period_start == pd.Timestamp("2026-03-01").date())
                   | (pd.to_datetime(pacing.period_start) == pd.Timestamp("2026-03-01"))]
    assert len(march) == 5 and (march.days_elapsed == 15).all()
    assert "Paid Social" in set(march["name"])  # Meta paced like the Google channels
    spend = read(warehouse, "campaign_daily").merge(read(warehouse, "dim_campaign"),
                                                    on="campaign_key")
    spend = spend[pd.to_datetime(spend.date) >= pd.Timestamp("2026-03-01")]
    for _, line in march.iterrows():  # spend to date is the model's, pacing its ratio
        mine = spend.loc[spend.channel == line["name"], "cost"].sum()
        assert line.spend_to_date == pytest.approx(mine)
        assert line.pacing == pytest.approx(line.spend_to_date / line.expected_to_date)
        assert line.expected_to_date == pytest.approx(line.media_budget * 15 / 31)
    by_channel = march.set_index("name")
    assert by_channel.loc["Display", "status"] == "investigate"  # planned 25 % too much
    assert by_channel.loc["Display", "direction"] == "under"
    assert by_channel.loc["Shopping & PMax", "direction"] == "over"  # planned 14 % too little


def test_recommendations_find_the_planted_campaigns(warehouse) -> None:
    recs = read(warehouse, "recommendations")
    pause = recs[recs.action == "pause"]
    assert INEFFICIENT in set(pause["item"])
    row = pause.set_index("item").loc[INEFFICIENT]
    assert row.kpi == "cpl" and row.lower > row.target * 1.2  # clearly, not by noise
    assert row.text_en.startswith("Pause Display – Prospecting – Duurzaam wonen: cost per "
                                  "lead (CPL)")
    assert row.text_nl.startswith("Pauzeer Display – Prospecting – Duurzaam wonen")
    scale = recs[recs.action == "scale"].set_index("item")
    assert BUDGET_LIMITED in scale.index and scale.loc[BUDGET_LIMITED, "budget_limited"]
    assert "full daily budget" in scale.loc[BUDGET_LIMITED, "text_en"]
    assert INEFFICIENT not in scale.index and BUDGET_LIMITED not in set(pause["item"])
    assert recs[["text_nl", "text_fr", "text_en"]].notna().all().all()


def test_too_short_a_history_for_weekly_curves_says_so(warehouse) -> None:
    curves = read(warehouse, "response_curves")  # 9 full weeks in the test history
    assert set(curves.measure) == {"conversions", "revenue"} and len(curves) == 10  # 5 channels
    assert curves.kind.isna().all()
    assert set(curves.message) == {"too few points (9; need at least 10)"}
    assert read(warehouse, "budget_scenarios").empty


def test_daily_curves_give_consistent_scenarios(built, tmp_path) -> None:
    copy = copy_of(built, tmp_path / "copy")
    base = demo_config()
    config = Config.model_validate({**base.model_dump(), "recommendations": {
        **base.recommendations.model_dump(), "curve_grain": "day"}})
    assert run_nightly(copy, config, END, END).success
    con = connect(copy.warehouse)
    curves = read(con, "response_curves")
    assert curves.kind.isin(["hill", "log"]).all() and (curves.n >= 50).all()
    scenarios = read(con, "budget_scenarios")
    up = scenarios[scenarios.new_spend > scenarios.spend]
    down = scenarios[scenarios.new_spend < scenarios.spend]
    assert len(up) == len(down) == 10  # 5 channels (Paid Social: Meta) x 2 measures, ±20 %
    assert up.new_spend.tolist() == pytest.approx((up.spend * 1.2).tolist())
    assert (up.change > 0).all() and (down.change < 0).all()
    # diminishing returns: the 20 % added bring back less than the 20 % removed cost
    merged = up.merge(down, on=["channel", "measure"], suffixes=("_up", "_down"))
    assert (merged.change_up <= -merged.change_down + 1e-9).all()


def test_a_bad_plan_stops_the_run_naming_the_row_and_keeps_the_last_good_tables(
        built, tmp_path) -> None:
    copy = copy_of(built, tmp_path / "copy")
    before = tables(connect(copy.warehouse))
    bad = tmp_path / "plan.csv"
    bad.write_text("month,level,name,media_budget,currency\n2026-03,channel,Display,-5,EUR\n",
                   encoding="utf-8")
    base = demo_config()
    config = Config.model_validate({**base.model_dump(), "budget": {"plan": str(bad)}})
    result = run_nightly(copy, config, END, END)
    assert not result.success
    assert failure_reason(result) == ("budget_pacing_tables: plan.csv row 2, media_budget: "
                                      "must be ≥ 0, got -5")
    after = tables(connect(copy.warehouse))
    for name in ("budget_plan", "budget_pacing", "recommendations"):
        pd.testing.assert_frame_equal(after[name], before[name], obj=name)


def test_without_a_plan_pacing_is_empty_and_recommendations_still_come(built, tmp_path):
    copy = copy_of(built, tmp_path / "copy")
    base = demo_config()
    config = Config.model_validate({**base.model_dump(), "budget": {}})
    assert run_nightly(copy, config, END, END).success
    con = connect(copy.warehouse)
    assert con.table("budget_pacing").count().execute() == 0
    assert con.table("recommendations").count().execute() > 0


def test_off_pace_lines_raise_a_warning(built) -> None:
    _, result = built
    assert "budget_on_pace" in failed_checks(result, "WARN")
    said = check_descriptions(result)["budget_on_pace"]
    assert said.startswith("pacing to investigate: ")
    assert "Display 80% (under)" in said and "Shopping & PMax 118% (over)" in said
