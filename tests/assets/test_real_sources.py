"""The nightly job with the real GA4 and Google Ads connectors, served by local fake servers:
the raw tables equal the demo's, re-runs are identical, a quota stop loses nothing and the next
run resumes where the last good one ended."""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd

from assets.runner import failed_checks, run_nightly
from assets.settings import EXAMPLE_CONFIG, Paths
from experiments.sufficient import sufficient_statistics
from pipelines.config import Config, load_config
from pipelines.experiment_config import ExperimentDefinition
from pipelines.sources.base import Window
from pipelines.sources.demo.experiments import demo_units
from pipelines.sources.google_ads.source import click_view_start
from pipelines.sources.streams import STREAMS
from pipelines.warehouse.store import connect
from tests.assets.conftest import tables
from tests.fakes.fixtures import DEMO
from tests.fakes.ga4_server import GA4Fault, experiment_events
from tests.pipelines.test_connectors import demo_rows, rows

START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 20)
# The streams the Google fakes serve (Meta is not configured beside a real Google Ads account;
# tests/assets/test_real_meta.py runs Meta's connector against its own fake).
GOOGLE = {name: s for name, s in STREAMS.items() if s.source in ("google_ads", "ga4")}


def assert_click_view_within_its_90_days(con, since: dt.datetime) -> None:
    """The real connector stores the click view of its last 90 days only (the API's limit,
    counted from the clock, not the demo's morning) and never a raw gclid; the demo lists its
    whole history (tests/pipelines/test_connector_click_view.py compares the two)."""
    stored = con.execute(con.table(STREAMS["ads_click_view"].table))
    assert (pd.to_datetime(stored["date"]).dt.date >= click_view_start(since)).all()
    assert stored["gclid_key"].str.fullmatch(r"p_[0-9a-f]{16}").all()


def real_config(ga4_server, ads_server) -> Config:
    base = load_config(EXAMPLE_CONFIG).model_dump()
    base["history_start"] = START
    base["sources"] = {
        "google_ads": {"kind": "google_ads", "customer_ids": [DEMO.customer_id],
                       "login_customer_id": "999-000-1111", "endpoint": ads_server.endpoint,
                       "anonymous": True},
        "ga4": {"kind": "ga4", "property_id": DEMO.property_id, "endpoint": ga4_server.endpoint,
                "transport": "rest", "anonymous": True},
        "retry": {"max_retries": 2, "initial_seconds": 0.01, "max_seconds": 0.05},
    }
    return Config.model_validate(base)


def test_real_connectors_fill_the_same_raw_tables_as_the_demo(tmp_path, ga4_server, ads_server):
    paths = Paths(tmp_path / "data", EXAMPLE_CONFIG)
    config = real_config(ga4_server, ads_server)
    since = dt.datetime.now(dt.UTC)
    result = run_nightly(paths, config, START, END)
    assert result.success and failed_checks(result, "ERROR") == []
    con = connect(paths.warehouse)
    assert_click_view_within_its_90_days(con, since)
    for name, stream in GOOGLE.items():
        if name == "ads_click_view":
            continue
        stored = rows(con.execute(con.table(stream.table)), name)
        pd.testing.assert_frame_equal(stored, demo_rows(name, DEMO, Window(START, END)), obj=name)
    assert con.execute(con.table("raw_meta_adset_daily").count()) == 0
    before = tables(con)
    assert run_nightly(paths, config, END, END).success  # the nightly partition, again
    after = tables(connect(paths.warehouse))
    pulled = {"raw_extracts", "campaign_daily_inputs", "kpi_inputs",
              *(s.table for s in STREAMS.values())}
    for name in set(before) - pulled:
        pd.testing.assert_frame_equal(after[name], before[name], obj=name)
    for table in [*(s.table for s in STREAMS.values()), "campaign_daily_inputs", "kpi_inputs"]:
        # same rows; only the extraction time moved
        pd.testing.assert_frame_equal(after[table].drop(columns="extracted_at"),
                                      before[table].drop(columns="extracted_at"), obj=table)


def test_a_daily_quota_stops_the_run_loses_nothing_and_the_next_run_resumes(
        tmp_path, ga4_server, ads_server):
    paths = Paths(tmp_path / "data", EXAMPLE_CONFIG)
    config = real_config(ga4_server, ads_server)
    assert run_nightly(paths, config, START, END - dt.timedelta(days=5)).success
    before = tables(connect(paths.warehouse))
    ga4_server.script(GA4Fault("quota_daily", nth=1, times=100))
    failed = run_nightly(paths, config, END - dt.timedelta(days=1),
                         END - dt.timedelta(days=1))
    assert not failed.success
    failure = next(e for e in failed.all_events if e.is_failure)
    assert "daily quota is exhausted" in str(failure.event_specific_data)
    after = tables(connect(paths.warehouse))
    # GA4 wrote nothing and the model and KPIs were not rebuilt on half the data (the Google
    # Ads pull, a separate asset, succeeded and stored its window: that is good data).
    for name in ("raw_ga4_sessions_daily", "raw_ga4_key_events_daily", "campaign_daily",
                 "kpi_rollup", "kpi_values", "dim_campaign"):
        pd.testing.assert_frame_equal(after[name], before[name], obj=name)
    ga4_server.clear_faults()
    resumed = run_nightly(paths, config, END, END)  # GA4 re-pulls 3 days, but 5 are missing
    assert resumed.success and failed_checks(resumed, "ERROR") == []
    meta = next(m for m in resumed.asset_materializations_for_node("pull_ga4")
                if m.asset_key.path == ["raw_ga4_sessions_daily"])
    assert meta.metadata["window_start"].value == (END - dt.timedelta(days=4)).isoformat()
    con = connect(paths.warehouse)
    days = con.execute(con.table("raw_ga4_sessions_daily").select("date").distinct())
    assert len(days) == (END - START).days + 1


def test_experiments_from_ga4_reach_the_same_decisions_as_unit_data(
        tmp_path, ga4_server, ads_server):
    """Experiments read from GA4 (user-scoped custom dimension per experiment, proportion
    metrics) give the same statistics and decisions as the same users' unit rows."""
    base = real_config(ga4_server, ads_server)
    delta = END - dt.date(2026, 11, 22)  # the sample's experiments, moved into this history
    on_units = [  # proportion metrics, read from the units' converted column
        ExperimentDefinition.model_validate({
            **d.model_dump(), "start": d.start + delta, "end": d.end + delta,
            "metrics": [m.model_dump() for m in d.metrics if m.kind == "proportion"]})
        for d in base.experiments]
    definitions = [  # the same, read from GA4: converted = sent generate_lead
        {**d.model_dump(), "metrics": [{**m.model_dump(), "numerator": "generate_lead"}
                                       for m in d.metrics]} for d in on_units]
    specs = [d.spec() for d in on_units]
    units = demo_units(tuple(specs), END)
    ga4_server.experiments = experiment_events(units)
    config = Config.model_validate({**base.model_dump(), "experiments": definitions,
                                    "sources": {**base.sources.model_dump(),
                                                "experiments": {"kind": "ga4"}}})
    paths = Paths(tmp_path / "data", EXAMPLE_CONFIG)
    assert run_nightly(paths, config, END, END).success
    con = connect(paths.warehouse)
    stats = con.execute(con.table("experiment_stats"))
    assert con.table("raw_experiment_units").count().execute() == 0
    expected = sufficient_statistics(ibis.memtable(units), specs).to_pandas()
    pd.testing.assert_frame_equal(stats, expected, check_dtype=False)
    results = con.execute(con.table("experiment_results")).set_index(["experiment_id", "arm"])
    assert results.loc[("lp-offer-nl", "b"), "decision"] == "wins"
    assert set(results.loc["checkout-srm", "decision"]) == {"srm"}
