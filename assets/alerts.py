"""Anomaly alerts in the nightly run (kpi.alerts): the day after the model's last day is the
morning judged; the ``alerts`` table keeps every alert, opened once, updated while it lasts,
closed when back in range. A warning check counts the open ones."""

import datetime as dt

import dagster as dg

from assets.kpis import MODEL_KEYS
from assets.resources import WarehouseResource
from kpi import model
from kpi.alerts.store import ALERTS_TABLE, nightly
from kpi.nowcast_tables import CURVES_TABLE
from pipelines.warehouse.freshness import as_date

ALERTS_CHECK = "no_open_anomaly"


@dg.asset(
    name=ALERTS_TABLE, group_name="kpi", deps=[*MODEL_KEYS, dg.AssetKey(CURVES_TABLE)],
    kinds={"duckdb"},
    check_specs=[dg.AssetCheckSpec(ALERTS_CHECK, asset=ALERTS_TABLE,
                                   description="No anomaly is open (warns only).")],
    description="Anomalies of the paid campaigns' daily series against their expected ranges: "
    "broken tags, spend spikes, stopped campaigns, CPA, GA4 vs Ads, sources without rows.")
def alerts(warehouse: WarehouseResource) -> dg.MaterializeResult:
    con = warehouse.connect()
    facts = con.table(model.MODEL_TABLE)
    last = con.execute(facts.date.max())
    if last is None:
        return dg.MaterializeResult(metadata={"status": "no data yet"}, check_results=[
            dg.AssetCheckResult(check_name=ALERTS_CHECK, passed=True, description="no data")])
    morning = as_date(last) + dt.timedelta(days=1)
    kept = nightly(con, morning)
    open_now = [a for a in kept if a.status == "open"]
    return dg.MaterializeResult(
        metadata={"morning": morning.isoformat(), "open": len(open_now),
                  "opened": sum(a.new for a in kept), "kept": len(kept)},
        check_results=[dg.AssetCheckResult(
            check_name=ALERTS_CHECK, passed=not open_now, severity=dg.AssetCheckSeverity.WARN,
            metadata={"open": len(open_now), "sample": dg.MetadataValue.json(
                [{"kind": a.kind, "key": a.key, "since": str(a.since)} for a in open_now[:5]])},
            description=f"{len(open_now)} open anomalies" if open_now else "no open anomaly")])
