"""The key of every warehouse table: the columns that tell its rows apart.

Every write replaces whole windows or tables (see :mod:`pipelines.warehouse.store`), so no key
may ever occur twice, however often a day is re-pulled or a range re-run. :func:`audit` checks
that on a whole warehouse; a table missing from :data:`KEYS` is reported too, so a new table
must declare its key here.

>>> from pipelines.warehouse.store import connect
>>> con = connect(":memory:")
>>> _ = con.raw_sql("CREATE TABLE dim_campaign AS SELECT * FROM (VALUES ('a'), ('a'), ('b')) "
...                 "t(campaign_key)")
>>> audit(con).duplicates
{'dim_campaign': 1}
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis.expr.types as ir
from ibis.backends import BaseBackend

_ADS = ("date", "customer_id", "campaign_id")
_GA4 = ("date", "property_id", "session_source", "session_medium", "session_campaign_id",
        "session_campaign_name")
_SERIES = ("grain", "level", "period_start", "series_key")
_ARM_METRIC = ("experiment_id", "arm", "metric_id")

KEYS: dict[str, tuple[str, ...]] = {
    # raw pulls: one row per day and the dimensions the API groups by
    "raw_ads_campaign_daily": _ADS,
    "raw_ads_ad_group_daily": (*_ADS, "ad_group_id"),
    "raw_ads_conversion_action_daily": (*_ADS, "ad_group_id", "conversion_action_id"),
    "raw_ga4_sessions_daily": _GA4,
    "raw_ga4_key_events_daily": (*_GA4, "event_name"),
    "raw_extracts": ("stream", "scope", "date"),
    "raw_revisions": ("stream", "scope", "key", "date", "measure", "seen_on"),
    "raw_orders": ("order_id",),
    "raw_experiment_units": ("experiment_id", "unit_id"),
    "raw_experiment_ga4_stats": _ARM_METRIC,
    # the unified model and its dimensions
    "campaign_daily": ("date", "campaign_key", "ad_group_key"),
    "campaign_daily_inputs": ("stream", "scope", "date"),
    "dim_campaign": ("campaign_key",),
    "dim_ad_group": ("ad_group_key",),
    # KPIs at every grain
    "kpi_rollup": _SERIES,
    "kpi_values": (*_SERIES, "metric"),
    "kpi_nowcast": (*_SERIES, "metric"),
    "kpi_inputs": ("stream", "scope", "date"),  # the model inputs the KPI tables were built from
    "kpi_dimensions": ("kind", "key"),  # the channels and names they carry
    "lag_curves": ("source", "measure", "age"),
    # experiments
    "experiment_stats": _ARM_METRIC,
    "experiment_stats_daily": (*_ARM_METRIC, "first_exposure_date"),
    "experiment_results": _ARM_METRIC,
    "experiment_history": ("day", *_ARM_METRIC),
    "experiment_effects": ("experiment_id", "metric_id", "effect"),
    # CLV
    "customer_clv": ("customer_key",),
    "clv_model": ("segment",),
    "clv_cohorts": ("cohort", "months_since"),
    "clv_by_acquisition": ("level", "group"),
    # budget
    "budget_plan": ("row",),
    "budget_pacing": ("level", "name", "period_start"),
    "response_curves": ("item", "measure"),
    "budget_scenarios": ("channel", "measure", "new_spend"),
    "recommendations": ("item", "action", "kpi"),
    "response_curve_store": ("scope", "item", "measure"),
    # the pipeline's own state
    "pipeline_state": ("key",),
}


@dataclass(frozen=True)
class KeyAudit:
    """Key values occurring more than once, per table (tables with none are left out); the
    tables :data:`KEYS` does not know; tables with rows that lack a key column."""

    checked: int
    duplicates: dict[str, int]
    undeclared: tuple[str, ...]
    missing_columns: dict[str, tuple[str, ...]]

    @property
    def clean(self) -> bool:
        return not (self.duplicates or self.undeclared or self.missing_columns)


def duplicated(table: ir.Table, key: tuple[str, ...]) -> ir.Table:
    """The key values of ``table`` that occur more than once, with how often."""
    counts = table.group_by(list(key)).aggregate(rows=table.count())
    return counts.filter(counts.rows > 1)


def audit(con: BaseBackend) -> KeyAudit:
    """Check every table of the warehouse against its declared key."""
    duplicates: dict[str, int] = {}
    missing: dict[str, tuple[str, ...]] = {}
    tables = sorted(name for name in con.list_tables() if not name.startswith("_"))
    for name in tables:
        key = KEYS.get(name)
        if key is None:
            continue
        table = con.table(name)
        absent = tuple(c for c in key if c not in table.columns)
        if absent:  # an empty placeholder (nothing to show yet) has no key columns
            if int(con.execute(table.count())):
                missing[name] = absent
            continue
        extra = int(con.execute(duplicated(table, key).count()))
        if extra:
            duplicates[name] = extra
    undeclared = tuple(t for t in tables if t not in KEYS)
    return KeyAudit(checked=len(tables) - len(undeclared), duplicates=duplicates,
                    undeclared=undeclared, missing_columns=missing)
