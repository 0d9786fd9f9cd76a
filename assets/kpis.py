"""KPI tables, brought up to date each run at the cost of what changed (kpi.rollup_update): the
periods the model's changes and the night's flags touch, or everything when the rules changed
or the run asks for it (``campaign-kpi run --full``)."""

import dagster as dg

from assets.model import MODELLED, RULES_STATE
from assets.resources import SettingsResource, WarehouseResource
from assets.rules import target_rows
from kpi import model, rollup, rollup_update
from pipelines.sources.factory import lookback_days
from pipelines.warehouse.freshness import as_date, latest_pulled, provisional_since
from pipelines.warehouse.store import read_state

MODEL_KEYS = [dg.AssetKey(model.MODEL_TABLE), dg.AssetKey(model.CAMPAIGN_DIM),
              dg.AssetKey(model.AD_GROUP_DIM)]


class KpiRunConfig(dg.Config):
    full: bool = False  # rebuild every period from the whole history, not only what changed


def night_spec(con, config) -> rollup.RollupSpec:
    """What the night's KPI tables are built with: the days of data, the first day still being
    restated, the targets; a Failure while the model is empty."""
    facts = con.table(model.MODEL_TABLE)
    bounds = con.execute(facts.aggregate(start=facts.date.min(), end=facts.date.max()))
    if bounds["start"].isna().all():
        raise dg.Failure(description="campaign_daily is empty: materialise the raw pulls and "
                         "the model first (campaign-kpi demo, or run --date for a day)")
    return rollup.RollupSpec(
        data_start=as_date(bounds["start"][0]),
        data_end=as_date(bounds["end"][0]),
        provisional_since=provisional_since(
            latest_pulled(con), {p: lookback_days(config, p) for p in MODELLED}),
        targets=target_rows(config),
        other_channel=config.channels.other,
    )


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
def kpi_tables(config: KpiRunConfig, warehouse: WarehouseResource, settings: SettingsResource):
    chosen = settings.load()
    con = warehouse.connect()
    spec = night_spec(con, chosen)
    done = rollup_update.update(con, spec, chosen.reporting.currency,
                                upstream=read_state(con, RULES_STATE), full=config.full)
    for table, rows in done.rows.items():
        yield dg.MaterializeResult(asset_key=table, metadata={
            "dagster/row_count": rows,
            "data_start": spec.data_start.isoformat(),
            "data_end": spec.data_end.isoformat(),
            "provisional_since": str(spec.provisional_since),
            "mode": done.mode,
            "reason": done.reason,
            "periods_rolled_up": done.periods,
            "days_read": done.days_read,
            "series_redone": len(done.series),
        })
