"""Experiments: exposures pulled whole each run, reduced to sufficient statistics in the
warehouse (Ibis), evaluated by the engine, and shown on experiments.html."""

import dagster as dg
import pyarrow as pa

from assets.resources import SettingsResource, WarehouseResource
from experiments.catalog import (
    DAILY_STATS_TABLE,
    EFFECTS_TABLE,
    HISTORY_TABLE,
    RESULTS_TABLE,
    STATS_TABLE,
)
from experiments.history import DAY, history
from experiments.sufficient import sufficient_statistics
from experiments.table import effects_frame, results_frame, started
from pipelines.privacy import PseudonymKeyError
from pipelines.sources.exposures import (
    GA4_STATS_TABLE,
    UNITS_TABLE,
    ExposuresError,
    pull_exposures,
    stats_schema,
)
from pipelines.sources.factory import experiments_as_of
from pipelines.sources.retry import SourceError
from pipelines.warehouse.store import replace_tables, replace_with_arrow

EMPTY_RESULT = pa.schema([("experiment_id", pa.string()), ("arm", pa.string()),
                          ("metric_id", pa.string()), ("decision", pa.string())])


@dg.multi_asset(
    name="pull_experiments",
    specs=[
        dg.AssetSpec(UNITS_TABLE, group_name="experiments", kinds={"duckdb"},
                     description="One row per unit and experiment (demo or file): arm, first "
                     "exposure, metric columns; unit ids pseudonymised."),
        dg.AssetSpec(GA4_STATS_TABLE, group_name="experiments", kinds={"duckdb",
                                                                        "googleanalytics"},
                     description="Users and converting users per experiment arm from GA4 "
                     "(when experiments come from GA4)."),
    ],
)
def pull_experiments(warehouse: WarehouseResource, settings: SettingsResource):
    config = settings.load()
    as_of = experiments_as_of(config)
    try:
        pulled = pull_exposures(config, as_of)
    except (ExposuresError, SourceError, PseudonymKeyError) as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    counts = replace_with_arrow(warehouse.connect(), {UNITS_TABLE: pulled.units,
                                                      GA4_STATS_TABLE: pulled.ga4_stats})
    meta = {k: v for k, v in pulled.metadata.items() if isinstance(v, str | int | float | bool)}
    for table, rows in counts.items():
        yield dg.MaterializeResult(asset_key=table,
                                   metadata={"dagster/row_count": rows, **meta})


@dg.multi_asset(
    name="reduce_experiments",
    specs=[
        dg.AssetSpec(STATS_TABLE, group_name="experiments", deps=[UNITS_TABLE, GA4_STATS_TABLE],
                     kinds={"duckdb", "ibis"},
                     description="Sufficient statistics per experiment x arm x metric: n, sums, "
                     "squares and cross products (what the engine needs, computed in the "
                     "warehouse)."),
        dg.AssetSpec(DAILY_STATS_TABLE, group_name="experiments", deps=[UNITS_TABLE],
                     kinds={"duckdb", "ibis"},
                     description="The same per daily cohort (first exposure date), for the "
                     "day-by-day history; unit-level sources only."),
    ],
)
def reduce_experiments(warehouse: WarehouseResource, settings: SettingsResource):
    config = settings.load()
    con = warehouse.connect()
    specs = [d.spec() for d in config.experiments]
    if not specs:
        empty = stats_schema().empty_table()
        counts = replace_with_arrow(con, {STATS_TABLE: empty, DAILY_STATS_TABLE: empty})
    elif config.sources.experiments.kind == "ga4":
        counts = replace_tables(con, {STATS_TABLE: con.table(GA4_STATS_TABLE)})
        counts |= replace_with_arrow(con, {DAILY_STATS_TABLE: stats_schema().empty_table()})
    else:
        units = con.table(UNITS_TABLE)
        counts = replace_tables(con, {
            STATS_TABLE: sufficient_statistics(units, specs),
            DAILY_STATS_TABLE: sufficient_statistics(units, specs, by=(DAY,))})
    for table, rows in counts.items():
        yield dg.MaterializeResult(asset_key=table, metadata={"dagster/row_count": rows,
                                                              "experiments": len(specs)})


@dg.multi_asset(
    name="evaluate_experiments",
    specs=[
        dg.AssetSpec(RESULTS_TABLE, group_name="experiments", deps=[STATS_TABLE],
                     kinds={"duckdb", "scipy"},
                     description="One row per experiment x arm x metric: lifts with CIs and "
                     "p-values, SRM, adjusted results, Bayesian, sequential, power, decision "
                     "and the decision in nl/fr/en."),
        dg.AssetSpec(EFFECTS_TABLE, group_name="experiments", deps=[STATS_TABLE],
                     kinds={"duckdb", "scipy"},
                     description="Main effects and interactions of factorial experiments."),
        dg.AssetSpec(HISTORY_TABLE, group_name="experiments", deps=[DAILY_STATS_TABLE],
                     kinds={"duckdb", "scipy"},
                     description="Each treatment arm x metric evaluated as of every day of the "
                     "experiment: what a team looking each morning saw."),
    ],
)
def evaluate_experiments(warehouse: WarehouseResource, settings: SettingsResource):
    config = settings.load()
    con = warehouse.connect()
    specs = [d.spec() for d in config.experiments]
    as_of = experiments_as_of(config)
    stats = con.execute(con.table(STATS_TABLE))
    results = results_frame(stats, specs, as_of)
    effects = effects_frame(stats, specs, as_of)
    past = history(con.execute(con.table(DAILY_STATS_TABLE)), specs, as_of)
    tables = {name: (pa.Table.from_pandas(frame, preserve_index=False) if not frame.empty
                     else EMPTY_RESULT.empty_table())
              for name, frame in ((RESULTS_TABLE, results), (EFFECTS_TABLE, effects),
                                  (HISTORY_TABLE, past))}
    counts = replace_with_arrow(con, tables)
    decisions = (results[~results["is_control"]]["decision"].value_counts().to_dict()
                 if not results.empty else {})
    yield dg.MaterializeResult(asset_key=RESULTS_TABLE, metadata={
        "dagster/row_count": counts[RESULTS_TABLE], "as_of": as_of.isoformat(),
        "experiments_started": len(started(specs, as_of)), "experiments": len(specs),
        "decisions": dg.MetadataValue.json(decisions)})
    for table in (EFFECTS_TABLE, HISTORY_TABLE):
        yield dg.MaterializeResult(asset_key=table,
                                   metadata={"dagster/row_count": counts[table]})


EXPERIMENT_ASSETS = [pull_experiments, reduce_experiments, evaluate_experiments]
