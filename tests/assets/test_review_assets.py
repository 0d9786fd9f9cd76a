"""Goals and risks in the nightly run on the demo: every example goal judged on the last day
with a realistic mix of statuses, the register with owners from the config, a re-run of the
night identical, and the weekly report showing both."""

from __future__ import annotations

import dagster as dg
import pandas as pd

from assets.jobs import NIGHTLY_JOB
from assets.report import report_paths
from assets.runner import nightly_definitions, run_weekly_report
from dashboards.review_sections import review_block
from kpi.language.format import format_date
from kpi.review.tables import GOALS_TABLE, RISKS_TABLE, STATUSES
from pipelines.warehouse.store import connect
from tests.assets.conftest import END, copy_of, demo_config, read
from tests.assets.test_report_asset import W11


def test_every_goal_is_judged_on_the_last_day_with_a_mix_of_statuses(warehouse) -> None:
    goals = read(warehouse, GOALS_TABLE)
    config = demo_config()
    assert sorted(goals["name"]) == sorted(g.name for g in config.goals)
    assert set(pd.to_datetime(goals["as_of"]).dt.date) == {END}
    assert set(goals["status"]) <= set(STATUSES)
    assert {"on_track", "off_track"} <= set(goals["status"])
    judged = goals[goals["status"] != "unknown"]
    assert judged["reason"].isna().all() and judged["forecast"].notna().all()
    assert (judged["forecast_low"] <= judged["forecast"]).all()
    assert (judged["forecast"] <= judged["forecast_high"]).all()
    # the ratio goal carries the KPI itself; the conditioned one its KPI beside the volume
    roas = goals[goals["measure"] == "roas"].iloc[0]
    assert 1 < roas["actual"] < 10 and pd.isna(roas["kpi_actual"])
    leads = goals[goals["kpi"] == "cpl"].iloc[0]
    assert leads["kpi_actual"] > 0 and leads["actual"] > 100


def test_the_register_names_owners_and_what_is_at_risk(warehouse) -> None:
    risks = read(warehouse, RISKS_TABLE)
    goals = read(warehouse, GOALS_TABLE)
    bad = set(goals.loc[goals["status"].isin(["at_risk", "off_track", "missed"]), "goal_id"])
    mine = risks[risks["kind"] == "goal"]
    assert set(mine["key"]) == bad and set(mine["owner"]) == {"Sofie"}
    srm = risks[risks["kind"] == "srm"]
    assert list(srm["key"]) == ["checkout-srm"] and list(srm["owner"]) == ["Lotte"]
    assert set(risks["status"]) == {"open"} and risks["risk_id"].is_unique
    assert (risks.loc[risks["kind"] == "pacing", "owner"] == "Jonas").all()


def test_a_rerun_of_the_night_changes_nothing_and_the_report_shows_it(built, tmp_path) -> None:
    paths = copy_of(built, tmp_path / "copy")
    before = {t: read(connect(paths.warehouse, read_only=True), t)
              for t in (GOALS_TABLE, RISKS_TABLE)}
    job = nightly_definitions(paths, demo_config()).resolve_job_def(NIGHTLY_JOB)
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            partition_key=END.isoformat(), instance=instance,
            asset_selection=[dg.AssetKey(GOALS_TABLE), dg.AssetKey(RISKS_TABLE)])
    assert result.success
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks == {"no_goal_off_track": False, "no_open_high_risk": False}  # warnings
    con = connect(paths.warehouse, read_only=True)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(read(con, table), frame, obj=table)
    block = review_block(before[GOALS_TABLE], before[RISKS_TABLE], "fr")
    assert len(block.goals) == len(demo_config().goals) and block.risks
    con.disconnect()
    with dg.instance_for_test() as instance:
        assert run_weekly_report(paths, demo_config(), W11, languages=("nl",), pdf=False,
                                 instance=instance).success
    page = report_paths(paths.output, W11, "nl")[0].read_text(encoding="utf-8")
    assert "Doelen en risico&#39;s" in page and "Stand op " + format_date(END, "nl") in page
    for name in before[GOALS_TABLE]["name"]:
        assert name.replace("&", "&amp;") in page
    assert "Niet op schema" in page and "Sofie" in page
    # a campaign's goal is shown with the campaign's name, not its key
    assert "Search – Warmtepompen – NL · " in page and "gads:2087345005 · " not in page
