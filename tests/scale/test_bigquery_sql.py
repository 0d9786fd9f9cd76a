"""The same transforms compile to BigQuery SQL without a connection.

Each transform is built on unbound tables (``ibis.table(schema, name=...)``) with the schemas the
pipeline writes, compiled with ``ibis.to_sql(..., dialect="bigquery")`` and checked for its
shape, not its text: the source tables it reads, the keys it groups by and the columns it
returns. The SQL is parsed with sqlglot (which Ibis compiles with) only to find those.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import ibis
import ibis.expr.types as ir
import pytest
import sqlglot
from sqlglot import exp

from assets.clv import ORDERS_SCHEMA
from assets.rules import model_rules, target_rows
from assets.settings import EXAMPLE_CONFIG
from experiments.history import DAY
from experiments.sufficient import COLUMNS as STAT_COLUMNS
from experiments.sufficient import sufficient_statistics
from kpi import model, rollup
from kpi.clv.summary import rfm_summary
from pipelines.config import load_config
from pipelines.sources.exposures import units_schema
from pipelines.sources.streams import STREAMS

CONFIG = load_config(EXAMPLE_CONFIG)
RULES = model_rules(CONFIG)
CURRENCIES = sorted({CONFIG.reporting.currency, *CONFIG.reporting.fx_rates})
START, END = dt.date(2026, 1, 5), dt.date(2026, 2, 1)
SPEC = rollup.RollupSpec(data_start=START, data_end=END, provisional_since=END,
                         targets=target_rows(CONFIG), other_channel=CONFIG.channels.other)
SPECS = [d.spec() for d in CONFIG.experiments]
_TYPES = {"date": "date", "string": "string", "int64": "int64", "float64": "float64",
          "timestamp": "timestamp('UTC')", "boolean": "boolean"}
ALL_RAW = {s.table for s in STREAMS.values()}  # every currency a raw table holds
# The raw tables the model's facts read: all but Google Ads' click view (the CRM matching's)
RAW_NAMES = ALL_RAW - {"raw_ads_click_view"}


def raw() -> Mapping[str, ir.Table]:
    """Unbound raw stream tables, in the streams' declared schemas."""
    return {name: ibis.table({c: _TYPES[t] for c, t in s.columns}, name=s.table)
            for name, s in STREAMS.items()}


def stored(expr: ir.Table, name: str) -> ir.Table:
    """An unbound table with ``expr``'s schema, as the assets read a table they wrote."""
    return ibis.table(expr.schema(), name=name)


def campaigns() -> ir.Table:
    return stored(model.campaign_dimension(raw(), RULES), model.CAMPAIGN_DIM)


def facts() -> ir.Table:
    return stored(model.campaign_daily(raw(), RULES, CURRENCIES, START, END), model.MODEL_TABLE)


def sums() -> ir.Table:
    ad_groups = stored(model.ad_group_dimension(raw(), campaigns()), model.AD_GROUP_DIM)
    return rollup.rollup(facts(), campaigns(), ad_groups, SPEC)


def units() -> ir.Table:
    return ibis.table(ibis.Schema.from_pyarrow(units_schema(CONFIG.experiments)),
                      name="raw_experiment_units")


def orders() -> ir.Table:
    """Orders in the reporting currency, as assets.clv gives them to rfm_summary."""
    t = ibis.table(ibis.Schema.from_pyarrow(ORDERS_SCHEMA), name="raw_orders")
    return t.mutate(revenue=model.to_reporting(t.revenue, t.currency, RULES, CURRENCIES))


def sources(tree: exp.Expression) -> set[str]:
    """Every table read, common table expressions left out."""
    ctes = {c.alias for c in tree.find_all(exp.CTE)}
    return {t.name for t in tree.find_all(exp.Table)} - ctes


def groupings(tree: exp.Expression) -> list[tuple[str, ...]]:
    """The output names grouped by, per GROUP BY (Ibis groups by position: 1, 2, ...)."""
    found = []
    for group in tree.find_all(exp.Group):
        select = group.parent
        names = []
        for key in group.expressions:
            if isinstance(key, exp.Literal) and key.is_int:
                key = select.expressions[int(key.name) - 1]
            names.append(key.alias_or_name)
        found.append(tuple(names))
    return found


def compiled(expr: ir.Table) -> tuple[str, exp.Expression]:
    sql = ibis.to_sql(expr, dialect="bigquery")
    assert sql.strip(), "empty SQL"
    return sql, sqlglot.parse_one(sql, read="bigquery")


ROLLUP_COLUMNS = ["grain", "level", "period_start", "period_end", "previous_start",
                  "period_label", "complete", "provisional", "series_key", "channel",
                  "campaign_key", "campaign_name", "ad_group_key", "ad_group_name", *model.FACTS]
ROLLUP_KEYS = ("period_start", "period_end", "previous_start")
# name: (expression, tables read, GROUP BY keys (each must appear), columns returned)
CASES = {
    "currency_codes": (lambda: model.currency_codes(raw()), ALL_RAW, [],
                       ["currency_code"]),
    "campaign_daily": (
        lambda: model.campaign_daily(raw(), RULES, CURRENCIES, START, END), RAW_NAMES,
        [("date", "campaign_key", "ad_group_key"), ("date", "customer_id", "campaign_id")],
        ["date", "campaign_key", "ad_group_key", *model.FACTS, "currency"]),
    "dim_campaign": (
        lambda: model.campaign_dimension(raw(), RULES),
        {"raw_ads_campaign_daily", "raw_ga4_sessions_daily", "raw_meta_adset_daily"}, [],
        ["campaign_key", "platform", "channel", "campaign_id", "campaign_name", "source",
         "medium", "first_date", "last_date"]),
    "dim_ad_group": (
        lambda: model.ad_group_dimension(raw(), campaigns()),
        {"raw_ads_ad_group_daily", "raw_meta_adset_daily", model.CAMPAIGN_DIM}, [],
        ["ad_group_key", "campaign_key", "ad_group_id", "ad_group_name"]),
    "kpi_rollup": (
        sums, {model.MODEL_TABLE, model.CAMPAIGN_DIM, model.AD_GROUP_DIM},
        [ROLLUP_KEYS, (*ROLLUP_KEYS, "channel"),
         (*ROLLUP_KEYS, "channel", "campaign_key", "campaign_name"),  # names are grouped on
         (*ROLLUP_KEYS, "channel", "campaign_key", "ad_group_key", "campaign_name",
          "ad_group_name")],
        ROLLUP_COLUMNS),
    "kpi_values": (
        lambda: rollup.kpi_values(stored(sums(), rollup.ROLLUP_TABLE), SPEC,
                                  CONFIG.reporting.currency),
        {rollup.ROLLUP_TABLE}, [],
        [c for c in ROLLUP_COLUMNS if c not in model.FACTS and c != "previous_start"]
        + ["metric", "kind", "value", "numerator", "denominator", "previous_value", "target",
           "change", "vs_target", "on_target", "currency"]),
    "experiment_stats": (
        lambda: sufficient_statistics(units(), SPECS), {"raw_experiment_units"},
        [("experiment_id", "arm")], list(STAT_COLUMNS)),
    "experiment_stats_daily": (
        lambda: sufficient_statistics(units(), SPECS, by=(DAY,)), {"raw_experiment_units"},
        [("experiment_id", "arm", DAY)],
        [*STAT_COLUMNS[:3], DAY, *STAT_COLUMNS[3:]]),
    "rfm_summary": (
        lambda: rfm_summary(orders(), "customer_key", "order_date", "revenue", END, "W"),
        {"raw_orders"}, [("customer_key", "period"), ("customer_key",)],
        ["customer_key", "frequency", "recency", "T", "monetary_value"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_compiles_to_bigquery(name):
    build, tables, keys, columns = CASES[name]
    expr = build()
    assert expr.schema().names == tuple(columns)
    _, tree = compiled(expr)
    assert sources(tree) == set(tables)
    found = groupings(tree)
    for key in keys:
        assert key in found, f"{name}: no GROUP BY {key}; found {found}"
    outer = tree.find(exp.Select) if not isinstance(tree, exp.Select) else tree
    if not outer.is_star:
        assert [e.alias_or_name for e in outer.expressions] == list(columns)


def test_rollup_groups_once_per_grain_and_level():
    _, tree = compiled(sums())
    rollups = [g for g in groupings(tree) if g[:3] == ROLLUP_KEYS]
    assert len(rollups) == len(rollup.GRAINS) * len(rollup.LEVELS)


def test_bigquery_idioms():
    """Spot checks that BigQuery's own functions are used (dates, regexes, windows)."""
    window, _ = compiled(model.campaign_daily(raw(), RULES, CURRENCIES, START, END))
    assert "BETWEEN DATE(2026, 1, 5) AND DATE(2026, 2, 1)" in window
    dims, _ = compiled(model.campaign_dimension(raw(), RULES))
    assert "REGEXP_CONTAINS(" in dims and "ROW_NUMBER() OVER" in dims
    weeks, _ = compiled(rfm_summary(orders(), "customer_key", "order_date", "revenue", END, "W"))
    # ISO weeks start on Monday (BigQuery's plain WEEK starts on Sunday).
    assert "DATE_TRUNC(`t1`.`order_date`, WEEK(MONDAY))" in weeks and "DATE_DIFF(" in weeks
    weekly, _ = compiled(sums())
    assert "WEEK(MONDAY)" in weekly and "MONTH)" in weekly
