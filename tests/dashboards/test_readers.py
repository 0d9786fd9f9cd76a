"""The pages read only the periods they show (dashboards/readers.py), and a page rendered from
those rows is byte for byte the page rendered from the whole table: on a demo warehouse of 31
weeks with its nowcasts, in both ways of judging the newest weeks; and on a synthetic account
whose history is longer than any page shows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re

import pandas as pd
import pytest

from dashboards.drilldown import render_drilldown
from dashboards.drilldown_model import prepare_drilldown, prepare_in_pieces
from dashboards.maturity import judged_values
from dashboards.overview import render_overview
from dashboards.overview_attribution import MEASURES_READ
from dashboards.readers import (
    DRILLDOWN_WEEKS,
    drilldown_pieces,
    drilldown_rows,
    nowcast_rows,
    overview_rows,
    trends_rows,
)
from dashboards.trends import DAILY_WEEKS, render_trends
from kpi import nowcast_tables, rollup
from kpi.weekly import IsoWeek
from pipelines.warehouse.store import connect
from tests.dashboards.accounts import account_values
from tests.nowcast_demo import demo_rules, kpi_frames, warehouse

W47 = IsoWeek.parse("2026-W47")
START = dt.date(2026, 4, 20)  # 31 weeks before W47 ends: more than the drill-down shows
GENERATED = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def demo():
    """The warehouse (kpi_values and kpi_nowcast of every grain) and the whole tables."""
    rules = demo_rules()
    con = warehouse(START, W47.end, 7, rules)
    values, nowcast = kpi_frames(con, W47.end, rules, grains=("day", "week", "month"))
    con.create_table(rollup.VALUES_TABLE, values, overwrite=True)
    con.create_table(nowcast_tables.NOWCAST_TABLE, nowcast, overwrite=True)
    return con, values, nowcast


def _old(values: pd.DataFrame, nowcast: pd.DataFrame, grains: tuple[str, ...],
         levels: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the assets read before: every period of the page's grains and levels."""
    return (values[values["grain"].isin(grains) & values["level"].isin(levels)],
            nowcast[nowcast["level"].isin(levels)])


def same_page(page: str) -> str:
    """``page`` with its node ids numbered in order of appearance and without its script
    hashes: a node only in older history (a past newsletter) shifts the ids, nothing else."""
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    seen: dict[str, str] = {}
    return re.sub(r"\b(o?)n(\d+)\b",
                  lambda m: m.group(1) + seen.setdefault(m.group(2), f"N{len(seen)}"), page)


def _dates(frame: pd.DataFrame, grain: str, level: str | None = None) -> set[dt.date]:
    rows = frame[frame["grain"] == grain]
    if level is not None:
        rows = rows[rows["level"] == level]
    return set(pd.to_datetime(rows["period_start"]).dt.date)


@pytest.mark.parametrize("compare", ["nowcast", "same_age"])
def test_the_drilldown_reads_26_weeks_and_renders_the_same_page(demo, compare: str) -> None:
    con, values, nowcast = demo
    levels = ("total", "channel", "campaign", "ad_group")
    old, old_now = _old(values, nowcast, ("week",), levels)
    new, new_now = drilldown_rows(con), nowcast_rows(con, levels, ("week",))
    first = W47.start - dt.timedelta(weeks=DRILLDOWN_WEEKS - 1)
    assert min(_dates(old, "week")) < first == min(_dates(new, "week"))
    assert set(new["grain"]) == {"week"} and len(new) < len(old)
    assert set(new_now["grain"]) <= {"week", "month"} and len(new_now) < len(old_now)
    kw = {"lang": "fr", "generated_at": GENERATED, "compare": compare}
    assert same_page(render_drilldown(new, nowcast=new_now, **kw)) == same_page(
        render_drilldown(old, nowcast=old_now, **kw))


@pytest.mark.parametrize("compare", ["nowcast", "same_age"])
def test_trends_read_13_weeks_of_days_and_render_the_same_page(demo, compare: str) -> None:
    con, values, nowcast = demo
    old, old_now = _old(values, nowcast, ("day", "week", "month"), ("total",))
    new, new_now = trends_rows(con), nowcast_rows(con, ("total",), ("day", "week", "month"))
    days = _dates(new, "day")
    assert min(_dates(old, "day")) < max(days) - dt.timedelta(days=7 * DAILY_WEEKS - 1) == min(
        days)
    assert _dates(new, "week") == _dates(old, "week")  # the history charts show everything
    assert _dates(new, "month") == _dates(old, "month")
    kw = {"lang": "nl", "generated_at": GENERATED}
    assert render_trends(judged_values(new, new_now, compare), nowcast=new_now,
                         compare=compare, **kw) == render_trends(
        judged_values(old, old_now, compare), nowcast=old_now, compare=compare, **kw)


@pytest.mark.parametrize("compare", ["nowcast", "same_age"])
def test_the_overview_reads_4_weeks_and_a_quarter_of_channels_and_renders_the_same_page(
        demo, compare: str) -> None:
    con, values, nowcast = demo
    old, old_now = _old(values, nowcast, ("week", "month"), ("total", "channel", "campaign"))
    old = old[(old["level"] != "campaign") | old["metric"].isin(MEASURES_READ)]
    new, new_now = overview_rows(con), nowcast_rows(con, ("total", "channel"), ("week", "month"))
    assert _dates(new, "week", "campaign") == {W47.start - dt.timedelta(weeks=k)
                                               for k in range(4)}
    assert _dates(new, "week", "channel") == {W47.start - dt.timedelta(weeks=k) for k in range(4)}
    assert _dates(new, "week", "total") == _dates(old, "week", "total")
    assert _dates(new, "month", "total") == _dates(old, "month", "total")
    assert min(_dates(new, "month", "channel")) == dt.date(2026, 7, 1)  # Q3: latest complete
    assert len(new) < len(old) / 3
    kw = {"lang": "en", "generated_at": GENERATED}
    assert render_overview(judged_values(new, new_now, compare), nowcast=new_now,
                           compare=compare, **kw) == render_overview(
        judged_values(old, old_now, compare), nowcast=old_now, compare=compare, **kw)


def test_a_long_history_is_cut_in_the_warehouse_to_what_the_drilldown_shows() -> None:
    values = account_values(30, weeks=40)  # the last week incomplete
    con = connect(":memory:")
    con.create_table(rollup.VALUES_TABLE, values)
    rows = drilldown_rows(con)
    weeks = sorted(_dates(rows, "week"))
    assert len(weeks) == DRILLDOWN_WEEKS + 1  # 26 complete weeks and the running one
    stored = values.sort_values(list(rollup.VALUES_ORDER), ignore_index=True)
    assert render_drilldown(rows, lang="en", generated_at=GENERATED) == render_drilldown(
        stored, lang="en", generated_at=GENERATED)
    assert nowcast_rows(con, ("total",)) is None  # no nowcast table: no nowcasts


def test_without_a_complete_week_the_readers_still_answer() -> None:
    values = account_values(3, weeks=1)  # one running week only
    con = connect(":memory:")
    con.create_table(rollup.VALUES_TABLE, values)
    assert len(drilldown_rows(con)) == len(values)
    assert set(overview_rows(con)["level"]) == {"total"}
    assert set(trends_rows(con)["grain"]) == {"week"}  # no daily rows: the weekly ones


def test_the_drilldown_rows_are_the_frame_ibis_would_return(demo) -> None:
    """The drill-down reads Arrow batches and sorts in pandas (less peak memory): the same
    frame, the same dtypes and order, as ``con.execute`` of the sorted query; empty too."""
    con, _, _ = demo
    from dashboards.readers import _frame, in_order

    t = con.table(rollup.VALUES_TABLE)
    weeks = t.filter(t.grain == "week")
    pd.testing.assert_frame_equal(_frame(con, weeks), con.execute(in_order(weeks)))
    nothing = t.filter(t.grain == "no such grain")
    pd.testing.assert_frame_equal(_frame(con, nothing), con.execute(in_order(nothing)),
                                  check_index_type=False)
    assert len(drilldown_rows(con)) > 0


@pytest.mark.parametrize("compare", ["nowcast", "same_age"])
@pytest.mark.parametrize("campaigns", [1, 3, 1000])
def test_the_drilldown_judged_in_pieces_is_the_drilldown_of_all_rows(
        demo, compare: str, campaigns: int) -> None:
    """The asset reads the drill-down's rows a few campaigns at a time (bounded memory at any
    account size): the same numbers and the same page as from every row at once."""
    con, _, _ = demo
    now = nowcast_rows(con, ("total", "channel", "campaign", "ad_group"), ("week",))
    rows = drilldown_rows(con)
    pieces = list(drilldown_pieces(con, campaigns=campaigns))
    keys = rows.loc[rows["level"].isin(["campaign", "ad_group"]), "campaign_key"].nunique()
    assert keys > 3 and len(pieces) == 1 + math.ceil(keys / campaigns)
    assert set(pieces[0]["level"]) == {"total", "channel"}
    assert sum(map(len, pieces)) == len(rows)
    seen = [k for p in pieces[1:] for k in set(p["campaign_key"])]
    assert len(seen) == len(set(seen)) == keys  # whole series: each campaign in one piece
    whole = prepare_drilldown(rows, nowcast=now, compare=compare)
    parts = prepare_in_pieces(iter(pieces), nowcast=now, compare=compare)
    assert whole.state == "ok" and len(whole.views) == 4
    assert dataclasses.replace(parts, nowcast=None) == dataclasses.replace(whole, nowcast=None)
    kw = {"lang": "nl", "generated_at": GENERATED}
    assert render_drilldown(parts, **kw) == render_drilldown(whole, **kw)


def test_pieces_in_two_currencies_are_refused_like_rows_in_two() -> None:
    values = account_values(4, weeks=3)
    usd = values["campaign_key"].eq(values["campaign_key"].dropna().iloc[0])
    values.loc[usd, "currency"] = "USD"
    with pytest.raises(ValueError, match=r"mixes currencies \['EUR', 'USD'\]"):
        prepare_in_pieces([values[~usd], values[usd]])
    with pytest.raises(ValueError, match=r"mixes currencies \['EUR', 'USD'\]"):
        prepare_drilldown(values)
    assert prepare_in_pieces([]).state == "no_data"
