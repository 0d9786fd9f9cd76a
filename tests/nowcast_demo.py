"""An in-memory warehouse as a nightly-run account would have it on the morning after a day:
raw pulls with their revision history, the model and its dimensions (for the nowcast tests
and the backtest benchmark; the pipeline's own assets are tested end to end elsewhere)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from assets.rules import model_rules
from assets.settings import EXAMPLE_CONFIG
from kpi import model
from pipelines.config import Config, load_config
from pipelines.sources.base import Window
from pipelines.sources.demo.source import DemoSettings, DemoSource
from pipelines.sources.streams import STREAMS
from pipelines.warehouse.store import connect, write_extracts

MEASURES = ("conversions", "leads", "purchases", "revenue")


def demo_rules(config: Config | None = None) -> model.ModelRules:
    return model_rules(config or load_config(EXAMPLE_CONFIG))


def warehouse(start: dt.date, end: dt.date, seed: int, rules: model.ModelRules,
              traffic_scale: float = 1.0):
    """The warehouse on the morning after ``end`` (history from ``start``)."""
    con = connect(":memory:")
    source = DemoSource(DemoSettings(start, end, seed=seed, traffic_scale=traffic_scale))
    window = Window(start, end)
    write_extracts(con, [source.pull(s, window) for s in STREAMS.values()])
    raw = {name: con.table(s.table) for name, s in STREAMS.items()}
    currencies = con.execute(model.currency_codes(raw))["currency_code"].tolist()
    con.create_table(model.MODEL_TABLE, model.campaign_daily(raw, rules, currencies, start, end))
    con.create_table(model.CAMPAIGN_DIM, model.campaign_dimension(raw, rules))
    con.create_table(model.AD_GROUP_DIM,
                     model.ad_group_dimension(raw, con.table(model.CAMPAIGN_DIM)))
    return con


def weekly_totals(con) -> pd.DataFrame:
    """The model's account totals per ISO week (index: the Monday)."""
    daily = con.execute(con.table(model.MODEL_TABLE))
    daily["week"] = pd.to_datetime(daily["date"]).dt.to_period("W-SUN").dt.start_time.dt.date
    return daily.groupby("week")[list(MEASURES)].sum()


def kpi_frames(con, end: dt.date, rules: model.ModelRules,
               grains: tuple[str, ...] = ("week",)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(kpi_values, kpi_nowcast) of ``grains`` as the nightly run would write them."""
    import ibis

    from assets.rules import target_rows
    from kpi import rollup
    from kpi.nowcast_tables import lag_tables

    config = load_config(EXAMPLE_CONFIG)
    facts = con.table(model.MODEL_TABLE)
    start = pd.Timestamp(con.execute(facts.date.min())).date()
    spec = rollup.RollupSpec(start, end, None, target_rows(config), grains=grains,
                             levels=("total", "channel", "campaign"))
    sums = rollup.rollup(facts, con.table(model.CAMPAIGN_DIM), con.table(model.AD_GROUP_DIM),
                         spec)
    con.create_table(rollup.ROLLUP_TABLE, sums, overwrite=True)
    values = con.execute(rollup.kpi_values(
        ibis.table(sums.schema(), name=rollup.ROLLUP_TABLE), spec, "EUR"))
    nowcast = lag_tables(con, rules, grains=grains).nowcast
    return values, nowcast
