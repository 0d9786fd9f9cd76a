"""The review cycle in the nightly run (kpi.review): each goal's progress, forecast and
status (``goal_progress``), then the risk register (``risk_register``); a warning check each."""

import dagster as dg

from assets.resources import SettingsResource, WarehouseResource
from experiments.catalog import RESULTS_TABLE
from kpi.alerts.store import ALERTS_TABLE, campaign_names
from kpi.budget.catalog import PACING_TABLE
from kpi.nowcast_tables import NOWCAST_TABLE
from kpi.review import goal_store, risk_store
from kpi.review.risks import GOAL_SEVERITY
from kpi.review.settings import RISK_OWNERS
from kpi.review.tables import GOALS_TABLE, RISKS_TABLE
from kpi.rollup import VALUES_TABLE

GOALS_CHECK, RISKS_CHECK = "no_goal_off_track", "no_open_high_risk"


@dg.asset(
    name=GOALS_TABLE, group_name="kpi", kinds={"duckdb"},
    deps=[dg.AssetKey(VALUES_TABLE), dg.AssetKey(NOWCAST_TABLE), dg.AssetKey(PACING_TABLE)],
    check_specs=[dg.AssetCheckSpec(GOALS_CHECK, asset=GOALS_TABLE,
                                   description="No goal is off track or missed (warns only).")],
    description="The configured goals' progress, forecast to the deadline with an 80 % "
    "interval, probability of meeting them and status, one row per goal per night.")
def goal_progress(warehouse: WarehouseResource, settings: SettingsResource) -> dg.MaterializeResult:
    con, config = warehouse.connect(), settings.load()
    as_of = goal_store.last_day(con)
    if as_of is None or not config.goals:
        return dg.MaterializeResult(metadata={"goals": len(config.goals)}, check_results=[
            dg.AssetCheckResult(check_name=GOALS_CHECK, passed=True, description="no goals")])
    rows = goal_store.judge_all(con, config.goals, as_of, config.risks.owner_of("goal"))
    goal_store.write_progress(con, rows, as_of)
    bad = [r["name"] for r in rows if r["status"] in ("off_track", "missed")]
    return dg.MaterializeResult(
        metadata={"as_of": as_of.isoformat(), "goals": len(rows),
                  **{s: sum(r["status"] == s for r in rows) for s in GOAL_SEVERITY}},
        check_results=[dg.AssetCheckResult(
            check_name=GOALS_CHECK, passed=not bad, severity=dg.AssetCheckSeverity.WARN,
            description=f"off track: {', '.join(bad)}" if bad else "no goal off track")])


@dg.asset(
    name=RISKS_TABLE, group_name="kpi", kinds={"duckdb"},
    deps=[dg.AssetKey(GOALS_TABLE), dg.AssetKey(PACING_TABLE), dg.AssetKey(ALERTS_TABLE),
          dg.AssetKey(RESULTS_TABLE)],
    check_specs=[dg.AssetCheckSpec(RISKS_CHECK, asset=RISKS_TABLE,
                                   description="No high risk is open (warns only).")],
    description="The risk register: goals at risk, pacing out of band, open anomalies, "
    "sample-ratio mismatches and data-quality flags, each with an owner, first seen and status.")
def risk_register(warehouse: WarehouseResource, settings: SettingsResource) -> dg.MaterializeResult:
    con, config = warehouse.connect(), settings.load()
    night = goal_store.last_day(con)
    if night is None:
        return dg.MaterializeResult(metadata={"status": "no data yet"}, check_results=[
            dg.AssetCheckResult(check_name=RISKS_CHECK, passed=True, description="no data")])
    owners = {kind: config.risks.owner_of(kind) for kind in RISK_OWNERS}
    register = risk_store.nightly(con, night, owners, campaign_names(con))
    high = [r for r in register if r.status == "open" and r.severity == "high"]
    return dg.MaterializeResult(
        metadata={"night": night.isoformat(), "open": sum(r.status == "open" for r in register),
                  "kept": len(register)},
        check_results=[dg.AssetCheckResult(
            check_name=RISKS_CHECK, passed=not high, severity=dg.AssetCheckSeverity.WARN,
            metadata={"sample": dg.MetadataValue.json(
                [{"kind": r.kind, "subject": r.subject, "detail": r.detail} for r in high[:5]])},
            description=f"{len(high)} high risks open" if high else "no high risk open")])


REVIEW_ASSETS = (goal_progress, risk_register)
