"""Idempotency: each asset re-materialised on its own, again and again, and backfills that
overlap earlier runs (and come out of order) leave tables identical to one clean run, with no
key occurring twice in any table (:mod:`pipelines.warehouse.keys`)."""

from __future__ import annotations

import datetime as dt
import os

import dagster as dg
import pandas as pd
import pytest

from assets.catalog import CATALOG
from assets.jobs import NIGHTLY_JOB
from assets.runner import nightly_definitions, run_nightly
from assets.settings import Paths
from kpi.alerts.store import ALERTS_TABLE, REPLAY_DAYS
from kpi.crm.facts import LOG_STREAM
from kpi.review.tables import GOALS_TABLE, RISKS_TABLE
from kpi.rollup_update import INPUTS_TABLE
from pipelines.warehouse import keys
from pipelines.warehouse.freshness import CRM_LOG_TABLE, MODEL_INPUTS_TABLE
from pipelines.warehouse.store import connect
from tests.assets.conftest import END, START, assert_same_tables, copy_of, demo_config, tables

# Re-materialisations of each asset on its own, on top of the build (which the full reruns of
# tests/e2e repeat again); CAMPAIGN_KPI_REPEATS sets more.
REPEATS = int(os.environ.get("CAMPAIGN_KPI_REPEATS", "1"))

pytestmark = pytest.mark.slow


def audited(paths: Paths) -> dict:
    con = connect(paths.warehouse, read_only=True)
    try:
        audit = keys.audit(con, CATALOG)
        assert audit.clean, audit
        return tables(con)
    finally:
        con.disconnect()


def steps(paths: Paths) -> list[tuple[str, list[dg.AssetKey]]]:
    """Each step of the nightly job (an asset, or the assets one function writes together);
    the weekly and monthly reports have jobs and partitions of their own."""
    defs = nightly_definitions(paths, demo_config())
    nightly = defs.resolve_job_def(NIGHTLY_JOB).asset_layer.executable_asset_keys
    return sorted((d.node_def.name, sorted(d.keys)) for d in defs.resolve_asset_graph().assets_defs
                  if d.is_executable and d.keys and set(d.keys) <= nightly)


def test_every_asset_rematerialised_alone_changes_nothing(built, tmp_path, record_property):
    paths = copy_of(built, tmp_path / "data")
    before = audited(paths)
    job = nightly_definitions(paths, demo_config()).resolve_job_def(NIGHTLY_JOB)
    done = []
    with dg.DagsterInstance.ephemeral() as instance:
        for _ in range(REPEATS):
            for name, selection in steps(paths):
                result = job.execute_in_process(partition_key=END.isoformat(),
                                                asset_selection=selection, instance=instance,
                                                raise_on_error=False)
                assert result.success, name
                done.append(name)
    assert_same_tables(audited(paths), before)
    figure = (f"idempotency: {len(set(done))} steps x {REPEATS} re-materialisations on top of "
              f"the build, {len(before)} tables identical, 0 duplicate keys")
    record_property("figure", figure)
    print(figure)


# Runs over overlapping ranges, an older day after a newer one, the last day last.
BACKFILLS = (
    (START, END - dt.timedelta(days=30)),
    (END - dt.timedelta(days=40), END - dt.timedelta(days=3)),
    (END - dt.timedelta(days=20), END - dt.timedelta(days=12)),
    (END, END),
)


def test_overlapping_backfills_end_as_one_clean_run(built, tmp_path, record_property):
    paths = Paths(data_dir=tmp_path / "data", config=built[0].config)
    config = demo_config()
    for first, last in BACKFILLS:
        assert run_nightly(paths, config, first, last).success, (first, last)
        audited(paths)  # no duplicate key after any of them
    expected = tables(connect(built[0].warehouse, read_only=True))
    got = audited(paths)
    # The alerts are a log of the mornings judged: the backfills judged the 30 mornings before
    # their first end as well (a first run replays REPLAY_DAYS). Every alert of the clean run
    # is there with the same days and status (its expected range may differ: a baseline
    # leaves out the days of an anomaly open on the same series, and the backfills saw one
    # more); an extra one was opened on a morning only the backfills judged.
    clean_alerts, backfill_alerts = expected.pop(ALERTS_TABLE), got.pop(ALERTS_TABLE)
    first_morning = END + dt.timedelta(days=1 - REPLAY_DAYS)
    extra = backfill_alerts[~backfill_alerts["alert_id"].isin(clean_alerts["alert_id"])]
    assert (extra["opened_on"] < pd.Timestamp(first_morning)).all(), extra
    same = backfill_alerts[backfill_alerts["alert_id"].isin(clean_alerts["alert_id"])]
    who = ["alert_id", "kind", "key", "since", "last_day", "status", "opened_on", "closed_on"]
    pd.testing.assert_frame_equal(same[who].reset_index(drop=True), clean_alerts[who],
                                  obj=ALERTS_TABLE)
    # Goals and risks are kept night by night: the backfills judged the nights they ended on
    # too. The last night's goal rows are the clean run's, row for row; the risks open after
    # it are the same (first seen earlier when an earlier backfill saw them already).
    clean_goals, backfill_goals = expected.pop(GOALS_TABLE), got.pop(GOALS_TABLE)
    last = backfill_goals["as_of"] == backfill_goals["as_of"].max()
    assert (backfill_goals.loc[~last, "as_of"] < pd.Timestamp(END)).all()
    pd.testing.assert_frame_equal(backfill_goals[last].reset_index(drop=True), clean_goals,
                                  obj=GOALS_TABLE)
    clean_risks, backfill_risks = expected.pop(RISKS_TABLE), got.pop(RISKS_TABLE)
    what = ["kind", "level", "key", "detail", "owner", "last_seen"]
    opened = backfill_risks[backfill_risks["status"] == "open"].sort_values(what)
    pd.testing.assert_frame_equal(opened[what].reset_index(drop=True),
                                  clean_risks.sort_values(what)[what].reset_index(drop=True),
                                  obj=RISKS_TABLE)
    # The CRM log says on which night a lead date's facts last changed: after backfills that
    # is an earlier night for some dates. Which dates and how many rows are the same.
    for frames in (got, expected):
        for name in (CRM_LOG_TABLE, MODEL_INPUTS_TABLE, INPUTS_TABLE):
            crm = frames[name]["stream"] == LOG_STREAM
            assert crm.any(), name
            frames[name].loc[crm, "extracted_at"] = pd.NaT
            frames[name] = frames[name].sort_values(list(frames[name].columns),
                                                    ignore_index=True)
    assert_same_tables(got, expected)
    figure = (f"idempotency: {len(BACKFILLS)} overlapping backfills (out of order) equal one "
              f"clean run over {START}..{END}: {len(expected)} tables, 0 duplicate keys")
    record_property("figure", figure)
    print(figure)
