"""Lag curves and nowcasts: how complete the newest days are, and what they will become."""

import dagster as dg

from assets.kpis import MODEL_KEYS
from assets.resources import SettingsResource, WarehouseResource
from assets.rules import model_rules
from kpi import nowcast_tables
from pipelines.sources.streams import (
    ADS_CONVERSION_ACTION_DAILY,
    GA4_KEY_EVENTS_DAILY,
    GA4_SESSIONS_DAILY,
    META_ADSET_DAILY,
)
from pipelines.warehouse.store import replace_with_arrow

REVISION_KEYS = [dg.AssetKey(s.table) for s in (ADS_CONVERSION_ACTION_DAILY,
                                                GA4_KEY_EVENTS_DAILY, GA4_SESSIONS_DAILY,
                                                META_ADSET_DAILY)]


@dg.multi_asset(
    name="lag_tables",
    specs=[
        dg.AssetSpec(nowcast_tables.CURVES_TABLE, group_name="kpi", deps=REVISION_KEYS,
                     kinds={"duckdb", "pandas"},
                     description="Chain-ladder completeness by source, measure and age."),
        dg.AssetSpec(nowcast_tables.NOWCAST_TABLE, group_name="kpi",
                     deps=[*MODEL_KEYS, nowcast_tables.CURVES_TABLE],
                     kinds={"duckdb", "pandas"},
                     description="Nowcasts with 80 % intervals for the periods still filling."),
    ],
)
def lag_tables(warehouse: WarehouseResource, settings: SettingsResource):
    config = settings.load()
    tables = nowcast_tables.lag_tables(warehouse.connect(), model_rules(config),
                                       config.channels.other)
    counts = replace_with_arrow(warehouse.connect(), nowcast_tables.as_arrow(tables))
    for table, rows in counts.items():
        yield dg.MaterializeResult(asset_key=table, metadata={
            "dagster/row_count": rows, "as_of": str(tables.night)})
