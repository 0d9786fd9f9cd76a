"""The whole asset graph on the demo account, in process: checks pass, re-runs are identical,
late conversions are re-pulled, and a failed run leaves the last good tables in place."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from assets.kpis import night_spec
from assets.model import RULES_STATE
from assets.runner import failed_checks, failure_reason, run_nightly
from assets.settings import EXAMPLE_CONFIG, Paths
from dashboards.page import PLOTLY_FILE
from kpi import rollup_update
from pipelines.crm_config import CrmSource
from pipelines.sources.streams import STREAMS
from pipelines.warehouse.store import connect, read_state
from tests.assets.conftest import END, START, assert_same_tables, copy_of, demo_config, tables


def test_a_range_run_materialises_everything_and_passes_its_checks(built):
    paths, result = built
    assert failed_checks(result, "ERROR") == []
    con = connect(paths.warehouse)
    counts = {name: con.table(name).count().execute() for name in con.list_tables()}
    for table in ("raw_ads_campaign_daily", "raw_ads_ad_group_daily",
                  "raw_ads_conversion_action_daily", "raw_ga4_sessions_daily",
                  "raw_ga4_key_events_daily", "campaign_daily", "dim_campaign", "dim_ad_group",
                  "kpi_rollup", "kpi_values"):
        assert counts.get(table, 0) > 0, table
    days = con.execute(con.table("campaign_daily").select("date").distinct())
    assert len(days) == (END - START).days + 1
    for page in ("overview", "drilldown", "experiments", "budget", "leads", "clv", "email",
                 "trends", "quality"):
        for lang in ("nl", "fr", "en"):
            assert (paths.output / f"{page}.{lang}.html").stat().st_size > 5_000, page
        assert (paths.output / f"{page}.html").exists()
    assert (paths.output / PLOTLY_FILE).stat().st_size > 4_000_000  # shared by every page


def test_rerunning_a_partition_gives_identical_tables(built, next_night, tmp_path):
    before = tables(connect(built[0].warehouse, read_only=True))
    paths, first = next_night  # the built folder, then END re-run on top of it
    assert first.success
    assert_same_tables(tables(connect(paths.warehouse, read_only=True)), before)
    copy = copy_of(next_night, tmp_path / "copy")  # and re-run once more
    assert run_nightly(copy, demo_config(), END, END).success
    assert_same_tables(tables(connect(copy.warehouse)), before)


def without_crm(end: dt.date = END):
    """The short demo without its CRM."""
    base = demo_config(end)
    return demo_config(end, sources=base.sources.model_copy(update={"crm": CrmSource()}))


@pytest.fixture(scope="module")
def ads_only(tmp_path_factory):
    """The short demo history without the CRM: a night then costs the ad platforms' re-pull
    window alone. (With a CRM, a deal won tonight also rebuilds its lead's date, weeks back:
    tests/kpi/test_crm_model.py.)"""
    paths = Paths(data_dir=tmp_path_factory.mktemp("ads_only"), config=EXAMPLE_CONFIG)
    result = run_nightly(paths, without_crm(), START, END)
    assert result.success
    return paths, result


def test_the_next_night_re_pulls_late_conversions(ads_only, tmp_path, monkeypatch):
    copy = copy_of(ads_only, tmp_path / "late")
    # This 70-day history is cheaper to roll up whole than its re-pulled months: roll up the
    # window anyway, to compare it with the whole.
    monkeypatch.setattr(rollup_update, "FULL_SHARE", float("inf"))
    con = connect(copy.warehouse)

    def conversions(day: dt.date) -> float:
        t = con.table("raw_ads_campaign_daily")
        return float(t.filter(t.date == day).conversions.sum().execute())

    recent, old = END - dt.timedelta(days=2), END - dt.timedelta(days=40)
    before_recent, before_old = conversions(recent), conversions(old)
    nextday = END + dt.timedelta(days=1)
    result = run_nightly(copy, without_crm(end=nextday), nextday, nextday)
    assert result.success and failed_checks(result, "ERROR") == []
    con = connect(copy.warehouse)
    assert conversions(recent) > before_recent  # still arriving: re-pulled and grown
    assert conversions(old) == before_old  # outside the 30-day window: untouched
    days = con.execute(con.table("campaign_daily").select("date").distinct())
    assert len(days) == (nextday - START).days + 1
    # The KPI tables rolled up the re-pulled window only, and equal a rebuild from scratch.
    kpi = {m.asset_key.path[-1]: m.metadata
           for m in result.asset_materializations_for_node("kpi_tables")}
    assert kpi["kpi_values"]["mode"].value == "incremental"
    assert 0 < kpi["kpi_values"]["days_read"].value < 62  # the window's months, not 70 days
    incremental = tables(con)
    con.disconnect()
    whole = tmp_path / "whole.duckdb"
    whole.write_bytes(copy.warehouse.read_bytes())
    con = connect(whole)
    done = rollup_update.update(con, night_spec(con, without_crm(end=nextday)), "EUR",
                                upstream=read_state(con, RULES_STATE), full=True)
    assert done.mode == "full"
    rebuilt = tables(con)
    for name in ("kpi_rollup", "kpi_values"):
        pd.testing.assert_frame_equal(incremental[name], rebuilt[name], obj=name)


def test_a_failed_run_leaves_the_last_good_tables(built, tmp_path):
    copy = copy_of(built, tmp_path / "fail")
    before = tables(connect(copy.warehouse))
    # Reporting in USD without an exchange rate: the model cannot convert EUR costs.
    broken = demo_config()
    broken = broken.model_copy(update={
        "reporting": broken.reporting.model_copy(update={"currency": "USD"})})
    result = run_nightly(copy, broken, END, END)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_failure)
    assert "no exchange rate from EUR to USD" in str(failure.event_specific_data)
    after = tables(connect(copy.warehouse))
    for table in ("campaign_daily", "kpi_rollup", "kpi_values", "dim_campaign"):
        pd.testing.assert_frame_equal(after[table], before[table], obj=table)


def test_changed_rules_rebuild_the_whole_model_history(built, tmp_path):
    copy = copy_of(built, tmp_path / "rules")
    old_day = START + dt.timedelta(days=3)  # far outside the 30-day window of the next run

    def leads_on(day: dt.date) -> float:
        t = connect(copy.warehouse).table("campaign_daily")
        return float(t.filter(t.date == day).leads.sum().execute())

    ads_leads = leads_on(old_day)
    config = demo_config()
    ga4 = config.model_copy(update={"conversions": config.conversions.model_copy(
        update={"attribution": "ga4"})})
    result = run_nightly(copy, ga4, END, END)
    assert result.success and failed_checks(result, "ERROR") == []
    meta = next(m for m in result.asset_materializations_for_node("campaign_daily"))
    assert meta.metadata["rebuilt_whole_history"].value is True
    ga4_leads = leads_on(old_day)
    assert ga4_leads != ads_leads  # GA4 does not see phone leads: the old day was rebuilt
    result = run_nightly(copy, ga4, END, END)  # same rules again: only the window
    meta = next(m for m in result.asset_materializations_for_node("campaign_daily"))
    assert meta.metadata["rebuilt_whole_history"].value is False
    assert leads_on(old_day) == ga4_leads


def test_after_a_gap_longer_than_the_repull_window_the_model_rebuilds_what_changed(ads_only,
                                                                                  tmp_path):
    copy = copy_of(ads_only, tmp_path / "gap")
    later = END + dt.timedelta(days=45)  # 45 nights without a run: more than the 30-day window
    result = run_nightly(copy, without_crm(end=later), later, later)
    assert result.success and failed_checks(result, "ERROR") == []
    con = connect(copy.warehouse)
    days = con.execute(con.table("campaign_daily").select("date").distinct())
    assert len(days) == (later - START).days + 1
    meta = next(m for m in result.asset_materializations_for_node("campaign_daily")).metadata
    # The raw pulls reached back to the day after the last one pulled; so did the model, and
    # no further: the nightly cost is what changed.
    assert meta["windows"].value == f"{END + dt.timedelta(days=1)}..{later}"
    assert meta["days_rebuilt"].value == 45
    again = run_nightly(copy, without_crm(end=later), later, later)
    meta = next(m for m in again.asset_materializations_for_node("campaign_daily")).metadata
    assert meta["days_rebuilt"].value == 30  # caught up: only the re-pull window again


def test_a_blocking_check_stops_the_run_with_its_own_advice(built, tmp_path):
    copy = copy_of(built, tmp_path / "hole")
    hole = START + dt.timedelta(days=10)  # never pulled: gone from every raw table and the log
    con = connect(copy.warehouse)
    for table in [*(s.table for s in STREAMS.values()), "raw_extracts", "campaign_daily",
                  "campaign_daily_inputs"]:
        con.raw_sql(f"DELETE FROM {table} WHERE date = '{hole}'")
    con.disconnect()
    result = run_nightly(copy, demo_config(), END, END)
    assert not result.success
    assert failure_reason(result) == (
        f"model_no_missing_days: 1 days without any data, first {hole}: backfill them (a "
        "Dagster backfill of the nightly job, or campaign-kpi run --date for each)")
