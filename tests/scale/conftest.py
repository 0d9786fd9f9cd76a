"""Fixtures for the portability tests: the demo's own inputs, loaded identically into an
in-memory DuckDB and a local PySpark session, and the values the assets pass the transforms."""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import dataclass

import ibis
import pyarrow as pa
import pytest

from assets.rules import model_rules, target_rows
from assets.settings import EXAMPLE_CONFIG
from experiments.spec import ExperimentSpec
from kpi import model, rollup
from kpi.model import ModelRules
from pipelines.config import Config, load_config
from pipelines.sources.streams import STREAMS
from pipelines.warehouse.store import connect
from tests.assets.conftest import demo_config, shifted
from tests.shared_build import shared_folder

# Four weeks of demo history: enough for every grain (a month boundary is not crossed, but
# February's first day is) while keeping the Spark jobs small.
START, END = dt.date(2026, 1, 5), dt.date(2026, 2, 1)
RAW_TABLES = tuple(s.table for s in STREAMS.values())
ORDERS, UNITS = "raw_orders", "raw_experiment_units"
# Tables the assets build and later transforms read (the roll-ups read the model and dimensions,
# kpi_values reads kpi_rollup as stored).
BUILT_TABLES = (model.MODEL_TABLE, model.CAMPAIGN_DIM, model.AD_GROUP_DIM, rollup.ROLLUP_TABLE)
# One unit in this many (by a hash of its id) keeps the experiment input at a few thousand rows.
UNIT_SAMPLE = 40
UNUSED = ("extracted_at", "ordered_at")


@dataclass(frozen=True)
class Context:
    """What the assets hand the transforms, derived from the demo configuration."""

    config: Config
    rules: ModelRules
    currencies: tuple[str, ...]
    spec: rollup.RollupSpec
    experiments: tuple[ExperimentSpec, ...]
    start: dt.date = START
    end: dt.date = END


def scale_config() -> Config:
    """The sample configuration over the short history, its experiments inside that history."""
    return demo_config(END, experiments=shifted(load_config(EXAMPLE_CONFIG).experiments, END))


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory):
    """The demo warehouse over START..END, built once per test run and shared with the
    reliability tests' ``cli_demo`` (``campaign-kpi demo`` on :func:`scale_config`, as the Spark
    and BigQuery demos are run): the xdist workers share it, the tests only read it."""
    from tests.reliability.runs import WAREHOUSE, build_demo  # it imports this module

    folder = shared_folder(tmp_path_factory, "cli-demo", build_demo)
    return folder / "data" / WAREHOUSE


@pytest.fixture(scope="session")
def inputs(demo_warehouse) -> dict[str, pa.Table]:
    """Every input table as Arrow, read once from the demo warehouse.

    The UTC pull and order times (UNUSED) are dropped: no transform under test reads them, and
    leaving them out keeps the loaders' time-zone conversions out of the comparison.
    """
    con = connect(demo_warehouse, read_only=True)
    try:
        frames = {}
        for name in (*RAW_TABLES, ORDERS, UNITS, *BUILT_TABLES):
            table = con.table(name)
            table = table.drop(*[c for c in UNUSED if c in table.columns])
            if name == UNITS:
                table = table.filter(table.unit_id.hash() % UNIT_SAMPLE == 0)
            frames[name] = con.to_pyarrow(table)
    finally:
        con.disconnect()
    for name, frame in frames.items():
        assert frame.num_rows > 0, f"demo produced no rows in {name}"
    return frames


@pytest.fixture(scope="session")
def context(inputs) -> Context:
    config = scale_config()
    currencies = sorted(set().union(*[
        inputs[t].column("currency_code").unique().to_pylist() for t in RAW_TABLES]))
    dates = inputs[model.MODEL_TABLE].column("date").to_pylist()
    spec = rollup.RollupSpec(
        data_start=min(dates), data_end=max(dates),
        provisional_since=END - dt.timedelta(days=3),  # some periods provisional, some not
        targets=target_rows(config), other_channel=config.channels.other)
    return Context(config=config, rules=model_rules(config), currencies=tuple(currencies),
                   spec=spec, experiments=tuple(d.spec() for d in config.experiments))


@pytest.fixture(scope="session")
def duck(inputs):
    """A fresh in-memory DuckDB holding the inputs."""
    con = ibis.duckdb.connect()
    for name, frame in inputs.items():
        con.create_table(name, frame)
    yield con
    con.disconnect()


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory):
    """One small local Spark session for the whole run (~10 s to start), stopped at the end."""
    from pyspark.sql import SparkSession

    scratch = tmp_path_factory.mktemp("spark")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("campaign-kpi-parity")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    # Drop the sockets PySpark left open while the test module's warning filter still applies.
    gc.collect()


@pytest.fixture(scope="session")
def spark(spark_session, inputs):
    """Ibis on the Spark session, the inputs registered as temporary views (nothing written to
    a warehouse directory). Arrow tables go in directly, so nulls stay nulls."""
    for name, frame in inputs.items():
        spark_session.createDataFrame(frame).createOrReplaceTempView(name)
    return ibis.pyspark.connect(spark_session)
