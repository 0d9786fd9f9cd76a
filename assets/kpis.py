"""KPI tables, rebuilt whole from the model each run (cheap, and always consistent: previous
periods, provisional flags and targets never go stale)."""

import dagster as dg
import ibis

from assets.resources import SettingsResource, WarehouseResource
from assets.rules import target_rows
from kpi import model, rollup
from pipelines.sources.factory import lookback_days
from pipelines.warehouse.freshness import as_date, latest_pulled, provisional_since
from pipelines.warehouse.store import replace_tables

MODEL_KEYS = [dg.AssetKey(model.MODEL_TABLE), dg.AssetKey(model.CAMPAIGN_DIM),
              dg.AssetKey(model.AD_GROUP_DIM)]


@dg.multi_asset(
    name="kpi_tables",
    specs=[
        dg.AssetSpec(rollup.ROLLUP_TABLE, group_name="kpi", deps=MODEL_KEYS,
                     kinds={"duckdb", "ibis"},
                     description="Sums of every measure per grain x period x level x series."),
        dg.AssetSpec(rollup.VALUES_TABLE, group_name="kpi", deps=[rollup.ROLLUP_TABLE],
                     kinds={"duckdb", "ibis"},
                     description="Every KPI and measure with previous period, change, target."),
    ],
)
def kpi_tables(warehouse: WarehouseResource, settings: SettingsResource):
    config = settings.load()
    con = warehouse.connect()
    facts = con.table(model.MODEL_TABLE)
    bounds = con.execute(facts.aggregate(start=facts.date.min(), end=facts.date.max()))
    if bounds["start"].isna().all():
        raise dg.Failure(description="campaign_daily is empty: materialise the raw pulls and "
                         "the model first (campaign-kpi demo, or run --date for a day)")
    latest = latest_pulled(con)
    spec = rollup.RollupSpec(
        data_start=as_date(bounds["start"][0]),
        data_end=as_date(bounds["end"][0]),
        provisional_since=provisional_since(
            latest, {p: lookback_days(config, p) for p in ("google_ads", "ga4")}),
        targets=target_rows(config),
        other_channel=config.channels.other,
    )
    sums = rollup.rollup(facts, con.table(model.CAMPAIGN_DIM), con.table(model.AD_GROUP_DIM), spec)
    # kpi_values reads kpi_rollup as just rebuilt, in the same transaction.
    rebuilt = ibis.table(sums.schema(), name=rollup.ROLLUP_TABLE)
    counts = replace_tables(con, {
        rollup.ROLLUP_TABLE: sums,
        rollup.VALUES_TABLE: rollup.kpi_values(rebuilt, spec, config.reporting.currency),
    })
    for table, rows in counts.items():
        yield dg.MaterializeResult(asset_key=table, metadata={
            "dagster/row_count": rows,
            "data_start": spec.data_start.isoformat(),
            "data_end": spec.data_end.isoformat(),
            "provisional_since": str(spec.provisional_since),
        })
