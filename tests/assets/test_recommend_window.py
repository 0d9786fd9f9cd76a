"""The recommendations read their judging and response-curve windows only: on a history shorter
than the windows they are those of the whole history; on a longer one, the window starts on the
right day and deleting every older day changes nothing."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from assets.budget import _arrow, recommendation_frames
from kpi.budget.reads import window_days
from pipelines.config import Config
from pipelines.sources.streams import ADS_CAMPAIGN_DAILY
from pipelines.warehouse.store import connect
from tests.assets.conftest import START, copy_of, demo_config, read


def _config(**rules) -> Config:
    base = demo_config()
    return Config.model_validate({**base.model_dump(), "recommendations": {
        **base.recommendations.model_dump(), **rules}})


def _frames(con, config: Config) -> tuple[dt.date, dict[str, pd.DataFrame]]:
    """The last judged day and tonight's recommendation tables by name."""
    out = recommendation_frames(con, config)
    return out.last, out.frames()


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as Python objects, missing ones as None (how a stored string column spells a
    missing value is not the point here)."""
    return frame.astype(object).where(frame.notna(), None)


def _same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    assert left.keys() == right.keys()
    for name in left:
        pd.testing.assert_frame_equal(_sorted(left[name]), _sorted(right[name]), obj=name)


def _drop_before(con, day: dt.date) -> None:
    """Delete every model and Ads campaign row dated before ``day``."""
    for table in ("campaign_daily", ADS_CAMPAIGN_DAILY.table):
        con.raw_sql(f"DELETE FROM {table} WHERE date < DATE '{day.isoformat()}'")


def test_a_history_shorter_than_the_windows_gives_the_whole_history_tables(
        warehouse) -> None:
    config = demo_config()  # judged on 56 days, curves on 365: the 70 days are all read
    last, frames = _frames(warehouse, config)
    assert last - dt.timedelta(days=config.recommendations.curve_days) < START
    _, whole = _frames(warehouse, _config(curve_days=3660))
    _same(frames, whole)
    assert not frames["recommendations"].empty
    # and they are what the nightly run stored
    stored = {name: _plain(read(warehouse, name)) for name in frames}
    _same({name: _plain(_arrow(frame).to_pandas()) for name, frame in frames.items()}, stored)


def test_a_longer_history_is_read_from_the_window_only(built, tmp_path) -> None:
    # judged on 14 days, daily curves on 28: the 70-day history is longer than both
    config = _config(judge_days=14, curve_days=28, curve_grain="day")
    copy = copy_of(built, tmp_path / "copy")
    con = connect(copy.warehouse)
    last, days = window_days(con, config.recommendations)
    first = last - dt.timedelta(days=27)
    assert days["date"].min() == pd.Timestamp(first) and days["date"].max() == pd.Timestamp(last)
    _, full = _frames(con, config)
    curves = full["response_curves"]
    assert curves.kind.notna().any() and (curves.n <= 28).all()
    assert not full["recommendations"].empty

    before = con.table("campaign_daily").count().execute()
    _drop_before(con, first)
    assert con.table("campaign_daily").count().execute() < before
    _, window_only = _frames(con, config)
    _same(full, window_only)
