"""Curves fitted once a week (issue 17): a refit night gives exactly the tables of fitting
every night; a night later in the same ISO week reuses the stored curves (not fitted again
even when the data moved) with fresh judging data; a new week or other rules refit."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from assets.budget import _arrow, recommendation_frames
from assets.dashboards import _curves_fitted
from assets.rules import model_rules, target_rows
from kpi.budget.allocate import curve_scenarios
from kpi.budget.catalog import CURVES_TABLE, RECOMMENDATIONS_TABLE, SCENARIOS_TABLE, STORE_TABLE
from kpi.budget.reads import budgets as read_budgets
from kpi.budget.reads import crm_connected, crm_maturity, window_days
from kpi.budget.recommend import recommend, recommendations_frame
from kpi.budget.tables import judging
from pipelines.config import Config
from pipelines.sources.demo.world import INEFFICIENT_CAMPAIGN_ID
from pipelines.warehouse.store import connect, replace_with_arrow
from tests.assets.conftest import copy_of, demo_config

INEFFICIENT = f"gads:{INEFFICIENT_CAMPAIGN_ID}"
DECISIONS = (CURVES_TABLE, SCENARIOS_TABLE, RECOMMENDATIONS_TABLE)


def _config() -> Config:
    """Daily curves on 28 days (the 70-day test history is too short for weekly ones)."""
    base = demo_config()
    return Config.model_validate({**base.model_dump(), "recommendations": {
        **base.recommendations.model_dump(), "curve_grain": "day", "judge_days": 14,
        "curve_days": 28}})


def _frames(con, config: Config) -> tuple[dt.date, dict[str, pd.DataFrame]]:
    """The last judged day and tonight's recommendation tables by name."""
    out = recommendation_frames(con, config)
    return out.last, out.frames()


def fitted_every_night(con, config: Config) -> dict[str, pd.DataFrame]:
    """The tables as the step made them before curves were stored: every curve fitted."""
    rules = config.recommendations
    last, days = window_days(con, config.recommendations)
    paid = days[days.groupby("campaign_key")["cost"].transform("sum") > 0]
    by_channel = paid.groupby(["channel", "date"], as_index=False)[
        ["cost", "conversions", "revenue"]].sum()
    fits, scenarios = curve_scenarios(by_channel, by="channel", grain=rules.curve_grain,
                                      change=rules.scenario_change)
    names = dict(zip(paid["campaign_key"], paid["campaign_name"], strict=False))
    channels = dict(zip(paid["campaign_key"], paid["channel"], strict=False))
    recs = recommend(paid, target_rows(config), budgets=read_budgets(con, days["date"].min().date(),
                                                                     model_rules(config)),
                     channels=channels, names=names,
                     settings=judging(config.recommendations, crm_connected(con),
                                      crm_maturity(con, config.recommendations)),
                     currency=config.reporting.currency)
    table = recommendations_frame(recs)
    table.insert(0, "as_of", pd.Timestamp(last))
    table.insert(2, "campaign_name", table["item"].map(names))
    table.insert(3, "channel", table["item"].map(channels))
    return {CURVES_TABLE: fits, SCENARIOS_TABLE: scenarios, RECOMMENDATIONS_TABLE: table}


def _same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame],
          names=DECISIONS) -> None:
    for name in names:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


def _store(con, frames: dict[str, pd.DataFrame], **change) -> pd.DataFrame:
    """Write the night's tables, the store with ``change`` applied to its columns."""
    store = frames[STORE_TABLE].assign(**change)
    replace_with_arrow(con, {name: _arrow(frame) for name, frame in
                             {**frames, STORE_TABLE: store}.items()})
    return store


@pytest.fixture(scope="module")
def night(built, tmp_path_factory):
    """A copy of the demo warehouse and its refit night (nothing stored yet)."""
    paths = copy_of(built, tmp_path_factory.mktemp("reuse") / "copy")
    con = connect(paths.warehouse)
    config = _config()
    last, frames = _frames(con, config)
    return con, config, last, frames


def test_a_refit_night_is_exactly_fitting_every_night(night) -> None:
    con, config, last, frames = night
    _same(frames, fitted_every_night(con, config))
    assert (frames[RECOMMENDATIONS_TABLE]["action"] == "pause").any()
    store = frames[STORE_TABLE]
    assert set(store.scope) == {"campaign", "channel"} and (store.fitted_on
                                                            == pd.Timestamp(last)).all()
    assert len(store[store.scope == "channel"]) == frames[CURVES_TABLE].kind.notna().sum()


def test_later_in_the_week_the_stored_curves_are_reused_with_fresh_judging(night) -> None:
    con, config, last, frames = night
    monday = last - dt.timedelta(days=last.weekday())
    stored = _store(con, frames, fitted_on=pd.Timestamp(monday))
    # Same data: the very same tables, and the store keeps its fit day.
    _, again = _frames(con, config)
    _same(again, frames)
    pd.testing.assert_frame_equal(again[STORE_TABLE], stored)

    # Fresh data: the inefficient campaign's cost triples over the judged days.
    first = last - dt.timedelta(days=config.recommendations.judge_days - 1)
    con.raw_sql(f"UPDATE campaign_daily SET cost = cost * 3 WHERE campaign_key = "
                f"'{INEFFICIENT}' AND date BETWEEN DATE '{first}' AND DATE '{last}'")
    try:
        _, fresh = _frames(con, config)
        refit = fitted_every_night(con, config)
    finally:
        con.raw_sql(f"UPDATE campaign_daily SET cost = cost / 3 WHERE campaign_key = "
                    f"'{INEFFICIENT}' AND date BETWEEN DATE '{first}' AND DATE '{last}'")
    # curves not fitted again: the store is unchanged although a refit would move them
    pd.testing.assert_frame_equal(fresh[STORE_TABLE], stored)
    params = ["kind", "top", "k", "s", "a", "r_squared"]
    mine = refit[CURVES_TABLE].reindex(columns=[*params, "item", "measure"])
    kept = fresh[CURVES_TABLE].reindex(columns=[*params, "item", "measure"])
    assert not mine.equals(kept)
    assert kept.equals(frames[CURVES_TABLE].reindex(columns=[*params, "item", "measure"]))
    # the judgement is tonight's: the tripled cost is in the pause, as in a refit
    pause = fresh[RECOMMENDATIONS_TABLE].set_index(["item", "action"]).loc[(INEFFICIENT,
                                                                             "pause")]
    before = frames[RECOMMENDATIONS_TABLE].set_index(["item", "action"]).loc[(INEFFICIENT,
                                                                              "pause")]
    assert pause["cost"] == pytest.approx(3 * before["cost"])
    ref = refit[RECOMMENDATIONS_TABLE].set_index(["item", "action"]).loc[(INEFFICIENT, "pause")]
    assert (pause["value"], pause["lower"], pause["upper"]) == (
        ref["value"], ref["lower"], ref["upper"])
    # and the channel scenarios sit at tonight's spend on the stored curves
    assert not fresh[SCENARIOS_TABLE]["spend"].equals(frames[SCENARIOS_TABLE]["spend"])
    pd.testing.assert_series_equal(fresh[SCENARIOS_TABLE]["spend"],
                                   refit[SCENARIOS_TABLE]["spend"])


@pytest.mark.parametrize("change", ["previous week", "other rules"])
def test_a_new_week_or_other_rules_refit_every_curve(night, change) -> None:
    con, config, last, frames = night
    planted = frames[STORE_TABLE].assign(k=frames[STORE_TABLE]["k"] * 2)  # would show
    if change == "previous week":
        planted["fitted_on"] = pd.Timestamp(last - dt.timedelta(days=last.weekday() + 1))
    else:
        planted["rules"] = "older rules"
    _store(con, {**frames, STORE_TABLE: planted})
    _, refit = _frames(con, config)
    _same(refit, frames)
    pd.testing.assert_frame_equal(refit[STORE_TABLE], frames[STORE_TABLE])


def test_a_campaign_without_a_stored_curve_is_fitted_the_others_reused(night) -> None:
    con, config, last, frames = night
    monday = pd.Timestamp(last - dt.timedelta(days=last.weekday()))
    store = frames[STORE_TABLE].assign(fitted_on=monday)
    campaigns = store[store.scope == "campaign"]
    gone = campaigns["item"].iloc[0]
    _store(con, {**frames, STORE_TABLE: store[store["item"] != gone]})
    _, night2 = _frames(con, config)
    _same(night2, frames)
    after = night2[STORE_TABLE].set_index("item")
    assert after.loc[gone, "fitted_on"] == pd.Timestamp(last)
    assert (after.drop(index=gone)["fitted_on"] == monday).all()


def test_the_budget_page_is_told_the_oldest_fit_day(night) -> None:
    con, _, last, frames = night
    monday = pd.Timestamp(last - dt.timedelta(days=last.weekday()))
    store = frames[STORE_TABLE].copy()
    store.loc[store.index[0], "fitted_on"] = monday
    _store(con, {**frames, STORE_TABLE: store})
    assert _curves_fitted(con) == monday.date()
    _store(con, {**frames, STORE_TABLE: store.iloc[:0]})  # stored empty: no day to say
    assert _curves_fitted(con) is None
