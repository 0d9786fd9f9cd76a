"""Window writes: idempotent, scoped to one account, atomic; bad input named, nothing lost."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pandas as pd
import pytest

from pipelines.sources.streams import STREAMS
from pipelines.warehouse.conform import SchemaError
from pipelines.warehouse.store import (
    EXTRACTS_TABLE,
    WarehouseError,
    connect,
    transaction,
    write_extract,
)
from tests.kpi import handmade


def snapshot(con, table: str) -> pd.DataFrame:
    frame = con.execute(con.table(table))
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.fixture
def con(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    for extract in handmade.extracts():
        write_extract(con, extract)
    return con


def test_rewriting_a_window_any_number_of_times_gives_identical_tables(con):
    before = {s.table: snapshot(con, s.table) for s in STREAMS.values()}
    for _ in range(3):
        for extract in handmade.extracts():
            write_extract(con, extract)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(snapshot(con, table), frame)
    log = snapshot(con, EXTRACTS_TABLE)
    streams = {e.stream.name for e in handmade.extracts()}
    assert len(log) == len(streams) * 2  # one row per stream x date, not per write


def test_a_restated_day_replaces_the_old_rows_without_doubling(con):
    sessions = next(e for e in handmade.extracts() if e.stream.name == "ga4_sessions_daily")
    restated = sessions.frame[sessions.frame.date == handmade.D2].assign(sessions=1)
    write_extract(con, dataclasses.replace(
        sessions, window=handmade.Window(handmade.D2, handmade.D2), frame=restated))
    table = snapshot(con, "raw_ga4_sessions_daily")
    day2 = table[table.date == pd.Timestamp(handmade.D2)]
    assert len(day2) == len(restated) and set(day2.sessions) == {1}
    day1 = table[table.date == pd.Timestamp(handmade.D1)]
    assert day1.sessions.sum() == 680  # outside the window: untouched


def test_an_empty_pull_clears_its_window_for_that_account_only(con):
    campaigns = next(e for e in handmade.extracts() if e.stream.name == "ads_campaign_daily")
    other = campaigns.frame.assign(customer_id="222")
    write_extract(con, dataclasses.replace(campaigns, frame=other, scope="222"))
    write_extract(con, dataclasses.replace(campaigns, frame=campaigns.frame.iloc[0:0]))
    table = snapshot(con, "raw_ads_campaign_daily")
    assert set(table.customer_id) == {"222"}


def test_a_failure_inside_the_transaction_rolls_back(con):
    before = snapshot(con, "raw_ads_campaign_daily")
    with pytest.raises(RuntimeError, match="disk full"), transaction(con) as raw:
        raw.execute('DELETE FROM "raw_ads_campaign_daily"')
        raise RuntimeError("disk full")
    pd.testing.assert_frame_equal(snapshot(con, "raw_ads_campaign_daily"), before)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns=["clicks"]), r"ads_campaign_daily: .*missing \['clicks'\]"),
        (lambda f: f.assign(email="a@b.c"), r"unexpected \['email'\]"),
        (lambda f: f.assign(clicks="many"), r"ads_campaign_daily\.clicks: cannot read as int64"),
        (lambda f: f.assign(campaign_id=[None, "1", "2"]),
         r"ads_campaign_daily\.campaign_id: empty value in row 1"),
        (lambda f: f.assign(date=pd.Timestamp("2026-04-01")),
         r"3 rows fall outside the pulled window"),
        (lambda f: f.assign(customer_id="333"), r"rows for \['333'\] in a pull for 111"),
    ],
)
def test_bad_rows_are_named_and_nothing_stored_is_lost(con, change, message):
    before = snapshot(con, "raw_ads_campaign_daily")
    campaigns = next(e for e in handmade.extracts() if e.stream.name == "ads_campaign_daily")
    with pytest.raises((SchemaError, ValueError), match=message):
        write_extract(con, dataclasses.replace(campaigns, frame=change(campaigns.frame)))
    pd.testing.assert_frame_equal(snapshot(con, "raw_ads_campaign_daily"), before)


def test_a_locked_warehouse_says_so(tmp_path):
    path = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb, sys, time; c = duckdb.connect({str(path)!r}); "
         "print('ready', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(WarehouseError, match=f"locked by process {holder.pid} .*Nothing was "
                           "changed"):
            connect(path)
    finally:
        holder.kill()
        holder.communicate()


def test_the_warehouse_draws_no_progress_bar_on_the_terminal(tmp_path):
    # DuckDB's own bar for queries over 2 s would cut through the command line's output.
    con = connect(tmp_path / "w.duckdb")
    assert con.con.execute("SELECT current_setting('enable_progress_bar')").fetchall() == [
        (False,)]
