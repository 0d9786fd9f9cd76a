"""Budget: the plan file, pacing against it, response curves with what-if scenarios, and the
pause / scale / reallocate recommendations (kpi.budget.tables: what is read, kpi.budget.reads)."""


import dagster as dg
import pandas as pd
import pyarrow as pa

from assets.model import RULES_STATE
from assets.resources import SettingsResource, WarehouseResource
from assets.rules import model_rules, target_rows
from kpi import model
from kpi.budget import reads
from kpi.budget import tables as budget
from kpi.budget.catalog import (
    CURVES_TABLE,
    PACING_TABLE,
    PLAN_TABLE,
    RECOMMENDATIONS_TABLE,
    SCENARIOS_TABLE,
    STORE_TABLE,
)
from kpi.budget.plan import PlanError, load_costs, load_plan
from kpi.budget.reads import EmptyModelError
from kpi.crm.tables import CURVE_TABLE as CRM_CURVE_TABLE
from kpi.nowcast_tables import CURVES_TABLE as LAG_CURVES_TABLE
from pipelines.config import Config
from pipelines.sources.streams import ADS_CAMPAIGN_DAILY
from pipelines.warehouse.store import read_state, replace_with_arrow

NOTHING = pa.schema([("note", pa.string())])  # the shape of a table with nothing to say yet
MODEL_DEPS = [model.MODEL_TABLE, model.CAMPAIGN_DIM]


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """A frame as Arrow; an empty frame as an empty table (no columns to infer)."""
    if frame.empty:
        return NOTHING.empty_table()
    frame = frame.copy()
    for column in frame.columns:  # all-None object columns have no Arrow type: make them text
        if frame[column].dtype == object and frame[column].isna().all():
            frame[column] = frame[column].astype("string")
    return pa.Table.from_pandas(frame, preserve_index=False)


def _plan(config: Config):
    try:
        plan = load_plan(config.budget.plan) if config.budget.plan else ()
        costs = load_costs(config.budget.costs) if config.budget.costs else ()
    except PlanError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    return plan, costs


@dg.multi_asset(
    name="budget_pacing_tables",
    specs=[
        dg.AssetSpec(PLAN_TABLE, group_name="budget", kinds={"duckdb"},
                     description="The validated budget plan: one row per period x channel or "
                     "campaign (media budget, production costs, agency fees)."),
        dg.AssetSpec(PACING_TABLE, group_name="budget", deps=[PLAN_TABLE, *MODEL_DEPS],
                     kinds={"duckdb", "pandas"},
                     description="Per plan line as of the last day of data: spend to date, "
                     "expected from the planned daily profile, pacing %, projected end-of-"
                     "period spend and total cost, status (on track / watch / investigate)."),
    ],
)
def budget_pacing_tables(warehouse: WarehouseResource, settings: SettingsResource):
    config = settings.load()
    plan, costs = _plan(config)
    con = warehouse.connect()
    as_of, first = reads.data_end(con), budget.pacing_start(plan)
    spend = reads.campaign_days(con, first) if plan and as_of is not None else None
    out = budget.pacing_tables(plan, costs, spend, as_of, config.budget,
                               config.reporting.currency, config.reporting.fx_rates)
    counts = replace_with_arrow(con, {t: _arrow(f) for t, f in out.frames().items()})
    yield dg.MaterializeResult(asset_key=PLAN_TABLE, metadata={
        "dagster/row_count": counts[PLAN_TABLE],
        "file": str(config.budget.plan) if config.budget.plan else "none configured"})
    yield dg.MaterializeResult(asset_key=PACING_TABLE, metadata={
        "dagster/row_count": counts[PACING_TABLE], **out.metadata})


@dg.multi_asset(
    name="recommendation_tables",
    specs=[
        dg.AssetSpec(CURVES_TABLE, group_name="budget", deps=MODEL_DEPS,
                     kinds={"duckdb", "scipy"},
                     description="A diminishing-returns curve (Hill or log) per channel for "
                     "conversions and revenue: fit, current spend, average and marginal return."),
        dg.AssetSpec(SCENARIOS_TABLE, group_name="budget", deps=[CURVES_TABLE],
                     kinds={"duckdb", "scipy"},
                     description="What if a channel's daily spend moves by +/- the configured "
                     "share: expected conversions and revenue from its curve."),
        dg.AssetSpec(RECOMMENDATIONS_TABLE, group_name="budget",
                     deps=[*MODEL_DEPS, ADS_CAMPAIGN_DAILY.table, LAG_CURVES_TABLE,
                           CRM_CURVE_TABLE],
                     kinds={"duckdb", "scipy"},
                     description="Pause / scale / reallocate, with the numbers behind each and "
                     "a sentence in nl, fr and en."),
        dg.AssetSpec(STORE_TABLE, group_name="budget", deps=MODEL_DEPS, kinds={"duckdb"},
                     description="The response curves' parameters per campaign and channel, "
                     "with the day they were fitted on: fitted on the first night of an ISO "
                     "week (or after a rule change), reused on the other nights."),
    ],
)
def recommendation_tables(warehouse: WarehouseResource, settings: SettingsResource):
    con = warehouse.connect()
    try:
        out = recommendation_frames(con, settings.load())
    except EmptyModelError as exc:
        raise dg.Failure(description=str(exc)) from None
    counts = replace_with_arrow(con, {key: _arrow(frame) for key, frame in out.frames().items()})
    for key in (CURVES_TABLE, SCENARIOS_TABLE):
        yield dg.MaterializeResult(asset_key=key, metadata={"dagster/row_count": counts[key]})
    yield dg.MaterializeResult(asset_key=STORE_TABLE, metadata={
        "dagster/row_count": counts[STORE_TABLE], "fitted_tonight": out.fitted_tonight,
        "reused": counts[STORE_TABLE] - out.fitted_tonight})
    yield dg.MaterializeResult(asset_key=RECOMMENDATIONS_TABLE, metadata={
        "dagster/row_count": counts[RECOMMENDATIONS_TABLE],
        "judged_until": out.last.isoformat(), "actions": dg.MetadataValue.json(out.actions)})


def recommendation_frames(con, config: Config) -> budget.RecommendationTables:
    """Tonight's recommendation tables: the window's days, the campaigns' budgets and the
    stored curves read from the warehouse, then :func:`kpi.budget.tables.recommendation_tables`
    (:class:`reads.EmptyModelError` before the model has rows)."""
    rules = config.recommendations
    last, days = reads.window_days(con, rules)
    paid = not budget.paid_days(days).empty
    crm = config.sources.crm.kind != "none" and reads.crm_connected(con)
    return budget.recommendation_tables(
        days, last, stored=reads.stored_curves(con),
        budgets=reads.budgets(con, days["date"].min().date(), model_rules(config)) if paid
        else None,
        rules=budget.curve_rules(rules, config.reporting.currency,
                                 read_state(con, RULES_STATE)),
        targets=target_rows(config), settings=rules, currency=config.reporting.currency,
        crm=crm, mature_after=reads.crm_maturity(con, rules) if crm else None)


BUDGET_ASSETS = [budget_pacing_tables, recommendation_tables]
