"""The warehouse transforms, unchanged, give the same rows on PySpark (local mode) as on DuckDB.

Each case builds one transform on the same inputs in both backends (see conftest), executes it,
and compares the frames sorted by the transform's keys: strings, integers, booleans and dates
exactly, floating-point columns to a relative 1e-9 (sums in another order).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import ibis.expr.types as ir
import pandas as pd
import pytest

from experiments.history import DAY
from experiments.sufficient import KEYS as STAT_KEYS
from experiments.sufficient import sufficient_statistics
from kpi import model, rollup
from kpi.clv.summary import cohort_clv, rfm_summary
from pipelines.sources.streams import STREAMS
from tests.scale.conftest import ORDERS, UNITS, Context

pytest.importorskip("pyspark")

# PySpark reads each collected result from a local socket that it leaves to the garbage
# collector (pyspark.util._load_from_socket / py4j): harmless here, and a ResourceWarning,
# which pyproject turns into an error. Only that message is ignored, and only in this module.
# PySpark 4.0's toPandas passes ``copy=False`` to ``Series.astype``, which pandas 3 deprecates
# (a Pandas4Warning, raised for every float column it converts): third-party, harmless.
pytestmark = [
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
    pytest.mark.filterwarnings(
        "ignore:The copy keyword is deprecated:pandas.errors.Pandas4Warning"),
]


@dataclass(frozen=True)
class Case:
    build: Callable[[object, Context], ir.Table]
    keys: tuple[str, ...]


def raw(con) -> Mapping[str, ir.Table]:
    """The raw stream tables by stream name, as assets.model.raw_tables gives them."""
    return {name: con.table(stream.table) for name, stream in STREAMS.items()}


def orders(con, ctx: Context) -> ir.Table:
    """Orders in the reporting currency, as kpi.clv.reads.in_reporting_currency makes them."""
    t = con.table(ORDERS)
    return t.mutate(revenue=model.to_reporting(t.revenue, t.currency, ctx.rules, ctx.currencies))


ROLLUP_KEYS = ("grain", "level", "period_start", "series_key")
CASES: dict[str, Case] = {
    "currency_codes": Case(lambda con, ctx: model.currency_codes(raw(con)), ("currency_code",)),
    "campaign_daily": Case(
        lambda con, ctx: model.campaign_daily(raw(con), ctx.rules, ctx.currencies, ctx.start,
                                              ctx.end),
        ("date", "campaign_key", "ad_group_key")),
    "dim_campaign": Case(lambda con, ctx: model.campaign_dimension(raw(con), ctx.rules),
                         ("campaign_key",)),
    "dim_ad_group": Case(
        lambda con, ctx: model.ad_group_dimension(
            raw(con), model.campaign_dimension(raw(con), ctx.rules)),
        ("ad_group_key",)),
    "kpi_rollup": Case(
        lambda con, ctx: rollup.rollup(con.table(model.MODEL_TABLE), con.table(model.CAMPAIGN_DIM),
                                       con.table(model.AD_GROUP_DIM), ctx.spec),
        ROLLUP_KEYS),
    "kpi_values": Case(
        lambda con, ctx: rollup.kpi_values(con.table(rollup.ROLLUP_TABLE), ctx.spec,
                                           ctx.config.reporting.currency),
        (*ROLLUP_KEYS, "metric")),
    "experiment_stats": Case(
        lambda con, ctx: sufficient_statistics(con.table(UNITS), ctx.experiments), STAT_KEYS),
    "experiment_stats_daily": Case(
        lambda con, ctx: sufficient_statistics(con.table(UNITS), ctx.experiments, by=(DAY,)),
        (*STAT_KEYS, DAY)),
    "rfm_weeks": Case(
        lambda con, ctx: rfm_summary(orders(con, ctx), "customer_key", "order_date", "revenue",
                                     ctx.end, "W"),
        ("customer_key",)),
    "rfm_days_in_weeks": Case(
        lambda con, ctx: rfm_summary(orders(con, ctx), "customer_key", "order_date", "revenue",
                                     ctx.end, "D", unit_days=7),
        ("customer_key",)),
}


def normalised(frame: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """Rows sorted by ``keys``; dates and timestamps as datetime64[us] and missing values as
    None, so that only values (not each backend's pandas conversion) are compared."""
    frame = frame.sort_values(list(keys)).reset_index(drop=True)
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            frame[column] = values.astype("datetime64[us]")
        elif isinstance(values.dtype, pd.StringDtype) or values.dtype == object:
            frame[column] = values.astype(object).where(values.notna(), None)
    return frame


def assert_same(duck: pd.DataFrame, spark: pd.DataFrame, keys: tuple[str, ...], name: str):
    assert list(spark.columns) == list(duck.columns), name
    assert len(spark) == len(duck), f"{name}: {len(spark)} rows on Spark, {len(duck)} on DuckDB"
    left, right = normalised(duck, keys), normalised(spark, keys)
    floats = [c for c in left.columns if pd.api.types.is_float_dtype(left[c])]
    exact = [c for c in left.columns if c not in floats]
    pd.testing.assert_frame_equal(left[exact], right[exact], check_exact=True, obj=name)
    pd.testing.assert_frame_equal(left[floats], right[floats], check_exact=False, rtol=1e-9,
                                  atol=1e-9, obj=name)


@pytest.mark.parametrize("name", list(CASES))
def test_same_rows_on_spark_as_on_duckdb(name, duck, spark, context):
    case = CASES[name]
    expected = duck.execute(case.build(duck, context))
    actual = spark.execute(case.build(spark, context))
    assert len(expected) > 0, f"{name}: the demo input gives no rows, nothing is compared"
    assert_same(expected, actual, case.keys, name)


def test_cohort_clv_same_on_spark(duck, spark, context):
    """cohort_clv groups in the warehouse and fills the grid in pandas: the same frame."""
    def run(con):
        return cohort_clv(orders(con, context), "customer_key", "order_date", "revenue",
                          context.end)

    expected, actual = run(duck), run(spark)
    assert len(expected) > 0
    assert_same(expected, actual, ("cohort", "months_since"), "clv_cohorts")


def test_inputs_exercise_what_engines_treat_differently(inputs, spark):
    """The comparison means something: it runs on Spark, and the demo's inputs hold nulls
    (conversions without an ad group become campaign-level rows through ``fill_null``)."""
    assert spark.name == "pyspark"
    assert inputs["raw_ads_conversion_action_daily"].column("ad_group_id").null_count > 0
