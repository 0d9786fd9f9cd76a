"""The revision history: what each pull saw, only changes, idempotent, and a demo backfill that
leaves the history nightly runs would have left."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from assets.catalog import CATALOG
from pipelines.retention import purge
from pipelines.sources.base import Window
from pipelines.sources.demo.source import DemoSettings, DemoSource
from pipelines.sources.streams import STREAMS
from pipelines.warehouse.keys import audit
from pipelines.warehouse.revisions import REVISED, REVISIONS_TABLE
from pipelines.warehouse.store import connect, write_extracts

START = dt.date(2026, 8, 1)
TRACKED = [STREAMS[name] for name in REVISED]


def revisions(con) -> pd.DataFrame:
    frame = con.execute(con.table(REVISIONS_TABLE))
    return frame.sort_values(["stream", "key", "date", "measure", "seen_on"]) \
        .reset_index(drop=True)


def nightly(con, night: dt.date, start: dt.date = START, scale: float = 0.3) -> None:
    """What the nightly run does on ``night``: pull yesterday plus each source's restatement
    window (Ads 30 days, Meta 28, GA4 3 days), as the source reports it that morning."""
    source = DemoSource(DemoSettings(start, night - dt.timedelta(days=1), traffic_scale=scale))
    extracts = []
    for stream in TRACKED:
        back = {"google_ads": 30, "meta_ads": 28}.get(stream.source, 3)
        window = Window(max(start, night - dt.timedelta(days=1 + back)),
                        night - dt.timedelta(days=1))
        extract = source.pull(stream, window)
        extracts.append(dataclasses.replace(extract, history=None))  # a real API's pull
    write_extracts(con, extracts)


def backfill(con, end: dt.date, start: dt.date = START, scale: float = 0.3) -> None:
    source = DemoSource(DemoSettings(start, end, traffic_scale=scale))
    write_extracts(con, [source.pull(s, Window(start, end)) for s in TRACKED])


def test_a_demo_backfill_leaves_the_history_nightly_runs_would_have_left():
    end = START + dt.timedelta(days=44)
    replayed, generated = connect(":memory:"), connect(":memory:")
    for k in range(1, 46):
        nightly(replayed, START + dt.timedelta(days=k))
    backfill(generated, end)
    mine, theirs = revisions(generated), revisions(replayed)
    assert len(mine) > 1000
    pd.testing.assert_frame_equal(mine, theirs)


def test_the_latest_revision_of_every_key_is_what_the_raw_table_holds():
    con = connect(":memory:")
    backfill(con, START + dt.timedelta(days=60))
    latest = con.raw_sql(
        "SELECT key, date, arg_max(value, seen_on) AS v FROM raw_revisions "
        "WHERE stream = 'ads_conversion_action_daily' AND measure = 'conversions' "
        "GROUP BY ALL").df()
    raw = con.raw_sql(
        "SELECT campaign_id || '|' || coalesce(ad_group_id, '') || '|' || conversion_action_id "
        "AS key, date, conversions FROM raw_ads_conversion_action_daily").df()
    both = latest.merge(raw, on=["key", "date"], how="outer").fillna(0.0)
    assert len(both) == len(raw) > 100
    assert (both["v"] == both["conversions"]).all()


def test_rerunning_a_night_adds_nothing_and_only_changes_are_stored():
    con = connect(":memory:")
    for k in range(1, 12):
        nightly(con, START + dt.timedelta(days=k))
    before = revisions(con)
    nightly(con, START + dt.timedelta(days=11))
    nightly(con, START + dt.timedelta(days=11))
    pd.testing.assert_frame_equal(revisions(con), before)
    # every stored row differs from the one before it for the same cell
    same = before.groupby(["stream", "key", "date", "measure"])["value"].diff() == 0
    assert not same.any()
    assert before["age"].between(1, 31).all()
    assert audit(con, CATALOG).clean


def test_a_key_that_disappears_is_stored_as_zero_and_a_second_pull_the_same_night_replaces():
    con = connect(":memory:")
    nightly(con, START + dt.timedelta(days=5))
    source = DemoSource(DemoSettings(START, START + dt.timedelta(days=5), traffic_scale=0.3))
    stream = STREAMS["ga4_sessions_daily"]
    window = Window(START + dt.timedelta(days=3), START + dt.timedelta(days=5))
    extract = source.pull(stream, window)
    gone = extract.frame.iloc[0]
    write_extracts(con, [dataclasses.replace(extract, frame=extract.frame.iloc[1:],
                                             history=None)])
    rows = revisions(con)
    night = START + dt.timedelta(days=6)
    zero = rows[(rows["seen_on"] == pd.Timestamp(night)) & (rows["value"] == 0)]
    assert pd.Timestamp(gone["date"]) in set(zero["date"])
    # the same night pulled again with the row back: the zero is replaced, not kept
    write_extracts(con, [dataclasses.replace(extract, history=None)])
    again = revisions(con)
    assert not ((again["seen_on"] == pd.Timestamp(night)) & (again["value"] == 0)).any()


def test_retention_purges_old_revisions(tmp_path):
    con = connect(":memory:")
    backfill(con, START + dt.timedelta(days=40))
    cutoff = START + dt.timedelta(days=20)
    summary = purge(con, cutoff, tmp_path / "out", CATALOG)
    assert summary.deleted[REVISIONS_TABLE] > 0
    assert revisions(con)["date"].min() >= pd.Timestamp(cutoff)


@pytest.mark.parametrize("scale", [0.02, 1.0])
def test_history_rows_are_for_the_window_and_before_the_night(scale):
    end = START + dt.timedelta(days=50)
    source = DemoSource(DemoSettings(START, end, traffic_scale=scale))
    window = Window(end - dt.timedelta(days=10), end)
    for stream in TRACKED:
        history = source.pull(stream, window).history
        assert history is not None
        assert history["date"].between(window.start, window.end).all()
        assert (history["seen_on"] <= end).all() and (history["seen_on"] > history["date"]).all()
