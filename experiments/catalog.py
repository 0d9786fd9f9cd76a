"""The tables the experiment steps write (see :mod:`pipelines.warehouse.catalog`)."""

from pipelines.warehouse.catalog import Table

STATS_TABLE = "experiment_stats"
DAILY_STATS_TABLE = "experiment_stats_daily"
HISTORY_TABLE = "experiment_history"
RESULTS_TABLE = "experiment_results"
EFFECTS_TABLE = "experiment_effects"
ARM_METRIC = ("experiment_id", "arm", "metric_id")

TABLES = (
    Table(STATS_TABLE, ARM_METRIC,
          kept="sufficient statistics per experiment, arm and metric (sums, no unit ids)"),
    Table(DAILY_STATS_TABLE, (*ARM_METRIC, "first_exposure_date"),
          dated_by="first_exposure_date"),
    Table(RESULTS_TABLE, ARM_METRIC,
          kept="the latest result per experiment, arm and metric (aggregates, no unit ids; the "
               "dates describe the experiment)"),
    # the primary metric as seen each morning
    Table(HISTORY_TABLE, ("day", *ARM_METRIC), dated_by="day"),
    Table(EFFECTS_TABLE, ("experiment_id", "metric_id", "effect"),
          kept="factorial effects of the latest evaluation (aggregates)"),
)
