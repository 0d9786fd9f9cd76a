"""The incremental KPI roll-up equals the full rebuild, row for row, whatever the nights bring:
restatements on random days, backfills before the history, gaps of weeks, renamed and new
campaigns, campaigns moving channel, year, ISO-week and month boundaries."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets.catalog import CATALOG
from kpi import model, rollup, rollup_update, rollup_window
from kpi.rollup_window import Flags
from pipelines.retention import purge
from pipelines.warehouse.freshness import MODEL_INPUTS_TABLE
from pipelines.warehouse.store import connect

# 2020 has 53 ISO weeks: 2020-W53 runs from Monday 28 December to Sunday 3 January 2021.
START, END = dt.date(2020, 11, 20), dt.date(2021, 1, 6)
CURRENCY = "EUR"
TARGETS = (rollup.TargetRow("cpa", 40.0), rollup.TargetRow("cpa", 30.0, campaign="Brand"))
LOOKBACK = 9  # days still being restated (provisional) at the end of the history


@dataclasses.dataclass
class World:
    """What the model tables hold, as frames (tests change them night by night)."""

    facts: pd.DataFrame
    campaigns: pd.DataFrame
    ad_groups: pd.DataFrame
    inputs: pd.DataFrame
    rng: np.random.Generator
    night: int = 0

    @property
    def end(self) -> dt.date:
        return max(self.facts["date"])

    def spec(self, targets: Sequence[rollup.TargetRow] = TARGETS) -> rollup.RollupSpec:
        return rollup.RollupSpec(min(self.facts["date"]), self.end,
                                 self.end - dt.timedelta(days=LOOKBACK - 1), targets)


def _fact_rows(rng: np.random.Generator, days: Sequence[dt.date],
               ad_groups: pd.DataFrame) -> pd.DataFrame:
    rows = [{"date": d, "campaign_key": g.campaign_key, "ad_group_key": g.ad_group_key}
            for d in days for g in ad_groups.itertuples() if rng.random() < 0.85]
    frame = pd.DataFrame(rows, columns=["date", "campaign_key", "ad_group_key"])
    for fact in model.FACTS:  # small whole numbers: zero denominators happen too
        frame[fact] = rng.integers(0, 6, len(frame)).astype("float64")
    frame["currency"] = CURRENCY
    return frame


def _inputs(days: Sequence[dt.date], night: int) -> pd.DataFrame:
    pulled = pd.Timestamp("2021-03-01", tz="UTC") + pd.Timedelta(hours=night)
    return pd.DataFrame({"stream": "ads", "scope": "1", "date": list(days), "rows": 1,
                         "extracted_at": pulled})


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def world(seed: int) -> World:
    rng = np.random.default_rng(seed)
    campaigns = pd.DataFrame({
        "campaign_key": ["gads:1", "gads:2", "ga4:x"],
        "channel": ["Paid Search", "Display", "Organic Search"],
        "campaign_name": ["Brand", " ", "organic"]})  # a blank name shows the key
    ad_groups = pd.DataFrame({
        "ad_group_key": ["gads:1:a", "gads:1:b", "gads:2:a", "ga4:x:-"],
        "campaign_key": ["gads:1", "gads:1", "gads:2", "ga4:x"],
        "ad_group_name": ["exact", "broad", "banners", "(campaign level)"]})
    days = _days(START, END)
    facts = _fact_rows(rng, days, pd.concat([ad_groups, pd.DataFrame(
        {"ad_group_key": ["gads:9:z"], "campaign_key": ["gads:9"]})]))  # not in the dimensions
    return World(facts, campaigns, ad_groups, _inputs(days, 0), rng)


def store(con, w: World) -> None:
    """The world's model tables into ``con`` (as the model assets leave them)."""
    for name, frame in ((model.MODEL_TABLE, w.facts), (model.CAMPAIGN_DIM, w.campaigns),
                        (model.AD_GROUP_DIM, w.ad_groups), (MODEL_INPUTS_TABLE, w.inputs)):
        con.create_table(name, frame, overwrite=True)


def _repull(w: World, days: Sequence[dt.date]) -> None:
    """New facts for ``days`` (replacing theirs), pulled tonight."""
    w.night += 1
    keep = ~w.facts["date"].isin(days)
    groups = pd.concat([w.ad_groups[["ad_group_key", "campaign_key"]],
                        w.facts[["ad_group_key", "campaign_key"]]]).drop_duplicates()
    w.facts = pd.concat([w.facts[keep], _fact_rows(w.rng, days, groups)], ignore_index=True)
    w.inputs = pd.concat([w.inputs[~w.inputs["date"].isin(days)], _inputs(days, w.night)],
                         ignore_index=True)


def restate(w: World) -> None:
    """Random days anywhere in the history come back changed (and the re-pull window)."""
    picked = w.rng.choice(_days(min(w.facts["date"]), w.end), size=int(w.rng.integers(1, 6)))
    _repull(w, sorted({*picked, *_days(w.end - dt.timedelta(days=LOOKBACK - 1), w.end)}))


def gap(w: World) -> None:
    """Some nights without a run (up to 45 days), then one run that catches up."""
    days = int(w.rng.integers(1, 46))
    _repull(w, _days(w.end - dt.timedelta(days=LOOKBACK - 1), w.end + dt.timedelta(days=days)))


def backfill(w: World) -> None:
    """Older history pulled for the first time (it moves the first day of data)."""
    first = min(w.facts["date"])
    _repull(w, _days(first - dt.timedelta(days=int(w.rng.integers(1, 20))),
                     first - dt.timedelta(days=1)))


def rename(w: World) -> None:
    """A campaign and an ad group renamed (the dimension keeps the latest name)."""
    w.campaigns.loc[w.campaigns.campaign_key == "gads:2", "campaign_name"] = f"Video {w.night}"
    w.ad_groups.loc[w.ad_groups.ad_group_key == "gads:1:b", "ad_group_name"] = f"b{w.night}"
    _repull(w, [w.end])


def launch(w: World) -> None:
    """A new campaign starts on the next day."""
    key = f"gads:{100 + w.night}"
    w.campaigns = pd.concat([w.campaigns, pd.DataFrame(
        {"campaign_key": [key], "channel": ["Video"], "campaign_name": [f"Launch {w.night}"]})])
    w.ad_groups = pd.concat([w.ad_groups, pd.DataFrame(
        {"ad_group_key": [f"{key}:a"], "campaign_key": [key], "ad_group_name": ["new"]})])
    _repull(w, [w.end + dt.timedelta(days=1)])


def name_the_stray(w: World) -> None:
    """The campaign missing from the dimension appears in it: channel and names move over its
    whole history."""
    found = pd.DataFrame(
        {"campaign_key": ["gads:9"], "channel": ["Paid Search"], "campaign_name": ["Found"]})
    w.campaigns = pd.concat([w.campaigns[w.campaigns.campaign_key != "gads:9"], found])
    _repull(w, [w.end])


def quiet(w: World) -> None:
    """A night that re-pulls the window and finds nothing new."""
    w.night += 1


NIGHTS = {f.__name__: f for f in (restate, gap, backfill, rename, launch, name_the_stray, quiet)}


def frames(con) -> dict[str, pd.DataFrame]:
    result = {}
    for name in (rollup.ROLLUP_TABLE, rollup.VALUES_TABLE):
        frame = con.execute(con.table(name))
        result[name] = frame.sort_values(
            ["grain", "level", "series_key", "period_start", *(
                ["metric"] if "metric" in frame else [])]).reset_index(drop=True)
    return result


def full_rebuild(w: World, **spec) -> dict[str, pd.DataFrame]:
    con = connect(":memory:")
    store(con, w)
    rollup_update.update(con, w.spec(**spec), CURRENCY, upstream="m", full=True)
    return frames(con)


def assert_same(con, w: World, **spec) -> None:
    expected = full_rebuild(w, **spec)
    got = frames(con)
    for name in expected:
        pd.testing.assert_frame_equal(got[name], expected[name], obj=name)


def update(con, w: World, **change) -> rollup_update.Outcome:
    """The night's update; incremental however much of this short history it reads."""
    return rollup_update.update(con, w.spec(), CURRENCY, **{
        "upstream": "m", "full_share": float("inf"), **change})


def run_nights(names: Sequence[str], seed: int) -> list[rollup_update.Outcome]:
    """A full build, then one incremental night per name; the tables then equal a full rebuild
    (a night that went wrong stays wrong: later nights only touch what changed)."""
    w = world(seed)
    con = connect(":memory:")
    store(con, w)
    outcomes = [update(con, w)]
    for name in names:
        NIGHTS[name](w)
        store(con, w)
        outcomes.append(update(con, w))
    assert_same(con, w)
    return outcomes


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(st.sampled_from(sorted(NIGHTS)), min_size=1, max_size=2),
       seed=st.integers(0, 2**16))
def test_incremental_nights_equal_the_full_rebuild(names, seed):
    run_nights(names, seed)


def test_a_restatement_rolls_up_only_its_periods():
    w = world(3)
    con = connect(":memory:")
    store(con, w)
    first = update(con, w)
    assert first.mode == "full" and first.reason.startswith("no kpi_rollup")
    _repull(w, [dt.date(2020, 12, 2)])  # a Wednesday: its day, its ISO week and December
    store(con, w)
    done = update(con, w)
    assert (done.mode, done.periods, done.days_read) == ("incremental", 3, 32)  # 30 Nov..31 Dec
    assert_same(con, w)
    quiet(w)
    done = update(con, w)
    assert (done.mode, done.periods, done.days_read) == ("incremental", 0, 0)
    assert_same(con, w)
    # More than half of this short history to read: cheaper whole.
    _repull(w, [dt.date(2020, 11, 25), dt.date(2020, 12, 25)])
    store(con, w)
    done = rollup_update.update(con, w.spec(), CURRENCY, upstream="m")
    assert done.mode == "full" and done.reason == "the changes reach 61 of 48 days"
    assert_same(con, w)


@pytest.mark.parametrize("night", sorted(NIGHTS))
def test_every_kind_of_night_equals_the_full_rebuild(night):
    _, done = run_nights([night], seed=11)
    # A campaign moving channel over its history is rebuilt whole; all else goes incremental.
    assert done.mode == ("full" if night == "name_the_stray" else "incremental")


def test_renamed_campaigns_redo_their_series_and_targets_follow_the_name():
    w = world(5)
    con = connect(":memory:")
    store(con, w)
    update(con, w)
    w.campaigns.loc[w.campaigns.campaign_key == "gads:1", "campaign_name"] = "Generic"
    store(con, w)
    done = update(con, w)
    assert done.mode == "incremental" and done.series == ("gads:1",) and done.periods == 0
    assert_same(con, w)
    v = con.table(rollup.VALUES_TABLE)
    old = v.filter((v.metric == "cpa") & (v.campaign_key == "gads:1"))
    assert set(con.execute(old)["target"]) == {40.0}  # "Brand" had 30; the account target now


def test_a_target_change_rebuilds_whole():
    w = world(1)
    con = connect(":memory:")
    store(con, w)
    update(con, w)
    restate(w)
    store(con, w)
    tighter = (rollup.TargetRow("cpa", 35.0),)
    done = rollup_update.update(con, w.spec(tighter), CURRENCY, upstream="m")
    assert done.mode == "full" and "targets" in done.reason
    assert_same(con, w, targets=tighter)
    again = rollup_update.update(con, w.spec(tighter), CURRENCY, upstream="m")
    assert again.mode == "incremental"
    # so does a change of the model's rules, and asking for it
    assert rollup_update.update(con, w.spec(tighter), CURRENCY, upstream="m2").mode == "full"
    forced = rollup_update.update(con, w.spec(tighter), CURRENCY, upstream="m2", full=True)
    assert forced.mode == "full" and forced.reason == "asked for (--full)"


def test_a_failed_write_leaves_the_tables_and_the_next_night_catches_up(monkeypatch):
    w = world(2)
    con = connect(":memory:")
    store(con, w)
    update(con, w)
    before = frames(con)
    restate(w)
    store(con, w)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rollup, "kpi_values", broken)
    with pytest.raises(RuntimeError):
        update(con, w)
    monkeypatch.undo()
    for name, frame in frames(con).items():
        pd.testing.assert_frame_equal(frame, before[name], obj=name)
    gap(w)  # more nights pass before the next good run
    store(con, w)
    assert update(con, w).mode == "incremental"
    assert_same(con, w)


def test_scope_follows_the_flags_across_boundaries():
    d = dt.date
    # The provisional window leaves Sunday 3 January 2021 (end of 2020-W53) behind: that day
    # and its week change flag though none of their days changed.
    before = Flags(d(2020, 11, 1), d(2021, 1, 11), d(2021, 1, 3))
    after = Flags(d(2020, 11, 1), d(2021, 1, 12), d(2021, 1, 4))
    s = rollup_window.scope([d(2021, 1, 12)], before, after, rollup.GRAINS)
    assert s.rollup == {("day", d(2021, 1, 3)), ("week", d(2020, 12, 28)),
                        ("day", d(2021, 1, 12)), ("week", d(2021, 1, 11)),
                        ("month", d(2021, 1, 1))}
    assert ("week", d(2021, 1, 4)) in s.values  # after W53: its previous value moved
    assert s.days == ((d(2020, 12, 28), d(2021, 1, 31)),)
    # A month ending: December becomes complete when its last day arrives.
    s = rollup_window.scope([], Flags(d(2020, 11, 1), d(2020, 12, 30), None),
                            Flags(d(2020, 11, 1), d(2020, 12, 31), None), ("month",))
    assert s.rollup == {("month", d(2020, 12, 1))}


def test_a_purge_then_a_night_equals_the_full_rebuild(tmp_path):
    w = world(4)
    con = connect(tmp_path / "w.duckdb")
    store(con, w)
    update(con, w)
    cutoff = dt.date(2020, 12, 9)  # a Wednesday: its week and December began before it
    # retention: every table, the KPI periods that began before
    purge(con, cutoff, tmp_path, CATALOG)
    w.facts = w.facts[w.facts["date"] >= cutoff]
    w.inputs = w.inputs[w.inputs["date"] >= cutoff]
    assert update(con, w).mode == "incremental"  # the week and month cut in two come back
    assert_same(con, w)


@pytest.mark.parametrize(("days", "seed"), [(2, 0), (12, 3), (10_000, 1)])
def test_a_whole_rebuild_in_pieces_writes_the_one_query_rows(days: int, seed: int,
                                                             monkeypatch) -> None:
    """A whole rebuild writes ``kpi_values`` a few days of periods at a time (bounded memory):
    the same rows as the one query over the whole roll-up, whatever the piece's length."""
    w = world(seed)
    NIGHTS["backfill"](w)  # a first day mid-week and mid-month
    con = connect(":memory:")
    store(con, w)
    monkeypatch.setattr(rollup_update, "PIECE_DAYS", days)
    assert rollup_update.update(con, w.spec(), CURRENCY, upstream="m").mode == "full"
    stored = con.table(rollup.ROLLUP_TABLE)
    pieces = rollup_update.value_pieces(stored, w.spec(), CURRENCY)
    history = (w.spec().data_end - w.spec().data_start).days + 1
    assert len(pieces) == 1 if history <= 2 * days else len(pieces) >= max(2, history // days)
    one = con.execute(rollup.kpi_values(stored, w.spec(), CURRENCY))
    order = ["grain", "level", "series_key", "period_start", "metric"]
    pd.testing.assert_frame_equal(frames(con)[rollup.VALUES_TABLE],
                                  one.sort_values(order).reset_index(drop=True), obj="kpi_values")
