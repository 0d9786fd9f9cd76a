"""The real Meta connector (facebook-business SDK) against the fake Graph API serving the demo's
Meta account (tests/fakes/meta_demo.py): row for row what the demo source stores, over a
quarter in several report runs and many pages, under faults, and idempotently into DuckDB."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from pipelines.sources.base import Window
from pipelines.sources.demo import DemoSettings, DemoSource
from pipelines.sources.demo.meta_world import META_ACCOUNT_ID
from pipelines.sources.meta_ads.report_run import RunSettings
from pipelines.sources.streams import META_ADSET_DAILY
from pipelines.warehouse.store import connect, write_extracts
from tests.fakes.fixtures import DEMO
from tests.fakes.meta_demo import DemoMetaAccount
from tests.fakes.meta_server import MetaFault, on
from tests.pipelines.test_meta_connector import Sleeps, meta, rows

STREAM = META_ADSET_DAILY
QUARTER = Window(DEMO.start, DEMO.end)
SIX_WEEKS = Window(dt.date(2026, 2, 1), dt.date(2026, 3, 14))
ACCOUNT = DemoMetaAccount(DEMO)
RUNS = RunSettings(page_size=40, poll_s=0.01, timeout_s=10)


def demo_rows(window: Window, settings: DemoSettings = DEMO) -> pd.DataFrame:
    """What the demo source stores for ``window``, comparable (:func:`rows`)."""
    return rows(DemoSource(settings).pull(STREAM, window).frame)


def assert_same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Row for row, every column but extracted_at; floats to 1e-9."""
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=0, atol=1e-9)


def pull(server, window: Window, sleep=None, **change):
    return meta(server, ACCOUNT, sleep=sleep, runs=RUNS, **change).pull(STREAM, window)


def test_a_quarter_equals_the_demo_row_for_row(demo_meta_server):
    extract = pull(demo_meta_server, QUARTER)
    expected = demo_rows(QUARTER)
    assert len(expected) == 7 * 90 + 30  # 7 ad sets every day, Advantage+ from day 60 on
    assert_same(rows(extract.frame), expected)
    assert extract.scope == META_ACCOUNT_ID and extract.metadata["report_runs"] == 3
    spans = [r.params["time_range"] for r in demo_meta_server.of("start")]
    assert spans == ['{"since":"2026-01-01","until":"2026-01-31"}',
                     '{"since":"2026-02-01","until":"2026-03-03"}',
                     '{"since":"2026-03-04","until":"2026-03-31"}']
    pages = demo_meta_server.of("results")
    per_run = (7 * 31, 7 * 31 + 2, 8 * 28)  # Advantage+ delivers from March 2
    assert len(pages) == sum(-(-n // RUNS.page_size) for n in per_run) == 18
    assert len({(r.path, r.params.get("after")) for r in pages}) == len(pages)  # each page once
    assert extract.frame.leads.sum() > 0 and extract.frame.purchase_value.sum() > 0
    assert (extract.frame.leads_view > 0).any() and (extract.frame.purchases_view > 0).any()


def test_the_restatement_window_equals_the_demo_seen_that_morning(demo_meta_server):
    """Any morning: the account seen on ``as_of`` is the demo whose last day is the day before."""
    morning = dt.date(2026, 3, 15)
    demo_meta_server.restate(morning)
    window = Window(morning - dt.timedelta(days=28), morning + dt.timedelta(days=2))
    extract = pull(demo_meta_server, window)
    yesterday = DemoSettings(DEMO.start, morning - dt.timedelta(days=1), seed=DEMO.seed)
    assert extract.frame.date.max() == yesterday.end  # nothing of days not yet over
    assert_same(rows(extract.frame), demo_rows(window, yesterday))


FAULTS = {  # name: (faults, failed requests, throttle pauses)
    "code 17 on a result page": ((MetaFault("code_17", nth=3, when=on("results")),), 1, 0),
    "code 80004 on a result page": ((MetaFault("code_80004", nth=5, when=on("results")),),
                                    1, 0),
    "code 80004 on a status poll": ((MetaFault("code_80004", nth=2, when=on("status")),), 1, 0),
    "throttling headers": ((MetaFault("throttle_headers", nth=2, when=on("results"),
                                      regain_minutes=0.0005),), 0, 1),
    "a run that stays running": ((MetaFault("job_running", nth=2, when=on("start"), polls=6),),
                                 0, 0),
    "a run that fails and is started again": ((MetaFault("job_failed", nth=2,
                                                         when=on("start")),), 0, 0),
    "all of them in one pull": ((
        MetaFault("code_17", nth=2, when=on("results")),
        MetaFault("code_80004", nth=7, when=on("results")),
        MetaFault("throttle_headers", nth=4, when=on("results"), regain_minutes=0.0005),
        MetaFault("job_running", nth=1, when=on("start"), polls=4),
        MetaFault("job_failed", nth=2, when=on("start")),
        MetaFault("code_80004", nth=3, when=on("status"))), 3, 1),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_faults_lose_or_double_no_row(demo_meta_server, name):
    faults, failed, pauses = FAULTS[name]
    demo_meta_server.script(*faults)
    extract = pull(demo_meta_server, SIX_WEEKS, chunk_days=14)
    assert_same(rows(extract.frame), demo_rows(SIX_WEEKS))
    errors = [r for r in demo_meta_server.requests if r.status != 200]
    assert len(errors) == failed == extract.metadata["retries"]  # each error: one retry
    assert extract.metadata["throttle_pauses"] == pauses
    started = 3 + ("fails" in name or "all" in name)  # 42 days in 14-day runs, one again
    assert extract.metadata["report_runs"] == started == len(demo_meta_server.of("start"))
    polls = len(demo_meta_server.of("status"))
    assert polls >= 2 * started + 4 * ("running" in name or "all" in name)


def test_reruns_into_the_warehouse_change_nothing(demo_meta_server, tmp_path):
    con = connect(tmp_path / "warehouse.duckdb")
    write_extracts(con, [pull(demo_meta_server, QUARTER)])
    first = con.table(STREAM.table).to_pandas()
    assert_same(rows(first), demo_rows(QUARTER))
    demo_meta_server.script(*FAULTS["all of them in one pull"][0])
    write_extracts(con, [pull(demo_meta_server, SIX_WEEKS, sleep=Sleeps(), chunk_days=14)])
    write_extracts(con, [pull(demo_meta_server, QUARTER)])
    again = con.table(STREAM.table).to_pandas()
    assert_same(rows(again), rows(first))


def test_a_later_morning_changes_only_the_restated_conversions(demo_meta_server, tmp_path):
    """Night after night (the account's morning moves, the connector re-pulls 28 days): the
    stored rows equal the demo seen on the last morning, and only conversions were restated."""
    con = connect(tmp_path / "warehouse.duckdb")
    night = dt.date(2026, 3, 20)  # the last day pulled on the first night
    demo_meta_server.restate(night + dt.timedelta(days=1))
    write_extracts(con, [pull(demo_meta_server, Window(DEMO.start, night))])
    before = rows(con.table(STREAM.table).to_pandas())
    night += dt.timedelta(days=1)
    demo_meta_server.restate(night + dt.timedelta(days=1))
    window = Window(night - dt.timedelta(days=27), night)
    write_extracts(con, [pull(demo_meta_server, window)])
    after = rows(con.table(STREAM.table).to_pandas())
    assert_same(after, demo_rows(Window(DEMO.start, night),
                                 dataclasses.replace(DEMO, end=night)))
    old = after[after.date < night].reset_index(drop=True)
    assert len(old) == len(before) and len(after) == len(before) + 8
    changed = [c for c in old.columns if not old[c].equals(before[c])]
    assert set(changed) <= {"leads", "purchases", "purchase_value", "leads_view",
                            "purchases_view", "purchase_value_view"} and changed
    moved = old.ne(before).any(axis=1)
    assert old.date[moved].min() >= window.start  # older days were final already
    assert (old.leads >= before.leads).all() and (old.purchases >= before.purchases).all()
