"""The unified campaign model (partitioned by day) and its dimension tables (rebuilt whole)."""

import dagster as dg

from assets.partitions import partition_dates, pull_window
from assets.resources import SettingsResource, WarehouseResource
from assets.rules import model_rules
from kpi import model
from kpi.model_crm import CRM_TABLE
from pipelines.sources.base import Window
from pipelines.sources.factory import lookback_days
from pipelines.sources.streams import STREAMS
from pipelines.warehouse.freshness import (
    MODEL_INPUTS_TABLE,
    input_logs,
    rebuild_windows,
    unmodelled_dates,
)
from pipelines.warehouse.store import (
    read_state,
    replace_tables,
    replace_window,
)

RULES_STATE = f"{model.MODEL_TABLE}.rules"
RAW_KEYS = [dg.AssetKey(s.table) for s in STREAMS.values()]
# The CRM's facts by lead date (assets.crm_funnel), stacked into the model with a CRM.
MODEL_DEPS = [*RAW_KEYS, dg.AssetKey(CRM_TABLE)]
MODELLED = tuple(dict.fromkeys(s.source for s in STREAMS.values()))  # platforms the model reads


def widest_restatement(config) -> int:
    """The longest restatement window of the configured platforms the model reads (days a run
    rebuilds): Google Ads' conversion window, GA4's and Meta's restatement."""
    return max((lookback_days(config, p) for p in MODELLED
                if getattr(config.sources, p).kind != "none"), default=1)


def raw_tables(con):
    """Every raw stream table, by stream name."""
    return {name: con.table(stream.table) for name, stream in STREAMS.items()}


def crm_table(con):
    """The CRM's facts by lead date (``crm_daily``), or None without a CRM."""
    return con.table(CRM_TABLE) if CRM_TABLE in con.list_tables() else None


def _other_shape(con, expr) -> bool:
    """Whether the stored model has other columns than ``expr`` (facts added or dropped)."""
    tables = con.list_tables()
    return model.MODEL_TABLE in tables and (
        set(con.table(model.MODEL_TABLE).columns) != set(expr.columns))


def model_assets(partitions: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    @dg.asset(
        name=model.MODEL_TABLE,
        group_name="model",
        deps=MODEL_DEPS,
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        kinds={"duckdb", "ibis"},
        description="Daily additive facts per campaign and ad group, Google Ads, Meta "
                    "and GA4 on one key.",
    )
    def campaign_daily(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                       settings: SettingsResource) -> dg.MaterializeResult:
        config = settings.load()
        rules = model_rules(config)
        widest = widest_restatement(config)
        window = pull_window(partition_dates(context), widest, config.history_start)
        con = warehouse.connect()
        # Rules changed since the model was built (attribution, conversion lists, FX, channels):
        # rebuild the whole history so that old and new days mean the same thing. Otherwise
        # rebuild this run's window plus every day the raw layer changed since the last build,
        # however far back (a gap longer than the re-pull window, an interrupted run).
        rebuilt_all = read_state(con, RULES_STATE) != rules.fingerprint()
        if rebuilt_all:
            windows = [Window(config.history_start, window.end)]
            context.log.info("model rules changed: rebuilding the whole history")
        else:
            windows = rebuild_windows(window, unmodelled_dates(con))
        raw, crm = raw_tables(con), crm_table(con)
        log = input_logs(con)
        currencies = con.execute(model.currency_codes(raw))["currency_code"].tolist()
        rows = 0
        for part in windows:
            expr = model.campaign_daily(raw, rules, currencies, part.start, part.end, crm)
            if rebuilt_all and _other_shape(con, expr):
                # Built by a version with other facts: replaced whole, never mixed with new rows.
                replace_tables(con, {model.MODEL_TABLE: expr})
            inputs = log.filter(log.date.between(part.start, part.end))
            rows += replace_window(con, model.MODEL_TABLE, expr, part,
                                   state={RULES_STATE: rules.fingerprint()},
                                   companions={MODEL_INPUTS_TABLE: inputs})
        return dg.MaterializeResult(metadata={
            "dagster/row_count": rows,
            "window_start": windows[0].start.isoformat(),
            "window_end": windows[-1].end.isoformat(),
            "windows": ", ".join(f"{w.start}..{w.end}" for w in windows),
            "days_rebuilt": sum(w.days for w in windows),
            "rebuilt_whole_history": rebuilt_all,
            "rules_fingerprint": rules.fingerprint(),
            "currency": config.reporting.currency,
        })

    @dg.multi_asset(
        name="campaign_dimensions",
        specs=[
            dg.AssetSpec(model.CAMPAIGN_DIM, group_name="model", deps=MODEL_DEPS,
                         kinds={"duckdb", "ibis"},
                         description="One row per campaign: platform, channel, latest name."),
            dg.AssetSpec(model.AD_GROUP_DIM, group_name="model", deps=RAW_KEYS,
                         kinds={"duckdb", "ibis"},
                         description="One row per ad group (and campaign level), latest name."),
        ],
    )
    def dimensions(warehouse: WarehouseResource, settings: SettingsResource):
        config = settings.load()
        con = warehouse.connect()
        raw = raw_tables(con)
        campaigns = model.campaign_dimension(raw, model_rules(config), crm_table(con))
        counts = replace_tables(con, {
            model.CAMPAIGN_DIM: campaigns,
            model.AD_GROUP_DIM: model.ad_group_dimension(raw, campaigns),
        })
        for table, rows in counts.items():
            yield dg.MaterializeResult(asset_key=table, metadata={"dagster/row_count": rows})

    return [campaign_daily, dimensions]
