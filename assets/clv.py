"""Orders and customer lifetime value: orders pulled (pseudonymous; the demo's by the days a night
re-pulls, a file whole: pipelines.sources.orders.nightly), purchase histories summarised in the
warehouse, BG/NBD + Gamma-Gamma fitted once a week and every customer scored each night
(kpi.clv.refit), CLV per customer, cohort, acquisition channel and campaign against what
acquiring them cost (kpi.clv.tables)."""

import datetime as dt

import dagster as dg
import pandas as pd
import pyarrow as pa

from assets.resources import SettingsResource, WarehouseResource
from assets.rules import model_rules
from kpi import model
from kpi.clv import tables as clv
from kpi.clv.catalog import (
    ACQUISITION_TABLE,
    COHORTS_TABLE,
    CUSTOMERS_TABLE,
    MODEL_TABLE,
    ORDERS_TABLE,
)
from kpi.clv.reads import read_inputs
from kpi.clv.refit import FIT_STATE, StoredFit, fit_basis
from pipelines.config import Config
from pipelines.privacy import PseudonymKeyError, pseudonym_key
from pipelines.sources.factory import demo_end, yesterday
from pipelines.sources.orders import OrdersFileError, demo_orders, read_orders
from pipelines.sources.orders.crm_deals import stored_won_deal_orders
from pipelines.sources.orders.nightly import (
    ORDERS_STATE,
    OrdersPlan,
    OrdersState,
    orders_basis,
    plan_orders,
)
from pipelines.warehouse.store import read_state, replace_since, replace_with_arrow

ORDERS_SCHEMA = pa.schema([
    ("customer_key", pa.string()), ("order_id", pa.string()), ("order_date", pa.date32()),
    ("ordered_at", pa.timestamp("us", tz="UTC")), ("revenue", pa.float64()),
    ("currency", pa.string()), ("source", pa.string()), ("medium", pa.string()),
    ("campaign", pa.string()), ("campaign_id", pa.string())])
NOTHING = pa.schema([("note", pa.string())])


def _arrow(frame: pd.DataFrame) -> pa.Table:
    return (pa.Table.from_pandas(frame, preserve_index=False) if not frame.empty
            else NOTHING.empty_table())


def _orders(config: Config, since: dt.date | None) -> tuple[pd.DataFrame, dt.date]:
    """The configured orders (revenue still in each order's currency) dated ``since`` or later
    (None: all; the demo only, a file is read whole) and the last day."""
    source = config.sources.orders
    if source.kind == "demo":
        end = demo_end(config)
        return demo_orders(config.history_start, end, config.demo.seed, since=since), end
    if source.kind == "file":
        try:
            frame = read_orders(source.path, key=pseudonym_key(),
                                time_zone=config.reporting.time_zone)
        except (OrdersFileError, PseudonymKeyError) as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from None
        return frame, yesterday(config)
    return pd.DataFrame(columns=ORDERS_SCHEMA.names), yesterday(config)


def _orders_plan(con, config: Config) -> tuple[OrdersPlan, str]:
    """Tonight's days of orders (pipelines.sources.orders.nightly) and the state's basis."""
    source = config.sources.orders
    basis = orders_basis(kind=source.kind, path=str(source.path), start=config.history_start,
                         seed=config.demo.seed, won_deals=source.won_deals)
    if source.kind != "demo" or source.won_deals:  # a deal closes on any day: whole
        return OrdersPlan(None, f"{source.kind}: written whole"), basis
    stored = read_state(con, ORDERS_STATE) if ORDERS_TABLE in con.list_tables() else None
    return plan_orders(stored, basis, config.history_start, demo_end(config)), basis


@dg.asset(
    name=ORDERS_TABLE,
    group_name="raw",
    kinds={"duckdb"},
    description="One row per order: pseudonymous customer key, order id, time, revenue and "
    "currency, acquisition UTM values and Google Ads campaign id.",
)
def raw_orders(warehouse: WarehouseResource, settings: SettingsResource) -> dg.MaterializeResult:
    config = settings.load()
    con = warehouse.connect()
    plan, basis = _orders_plan(con, config)
    frame, end = _orders(config, plan.since)
    won = (stored_won_deal_orders(con, config.reporting.time_zone)
           if config.sources.orders.won_deals else None)
    if won is not None and not won.orders.empty:
        frame = pd.concat([frame, won.orders], ignore_index=True) if not frame.empty \
            else won.orders
    table = pa.Table.from_pandas(frame[list(ORDERS_SCHEMA.names)], schema=ORDERS_SCHEMA,
                                 preserve_index=False)
    state = {ORDERS_STATE: OrdersState(basis, end).to_json()}
    if plan.since is None:
        written = replace_with_arrow(con, {ORDERS_TABLE: table}, state=state)[ORDERS_TABLE]
    else:
        written = replace_since(con, ORDERS_TABLE, table, "order_date", plan.since, state)
    stored = con.table(ORDERS_TABLE)
    totals = con.execute(stored.aggregate(rows=stored.count(),
                                          customers=stored.customer_key.nunique()))
    return dg.MaterializeResult(metadata={
        "dagster/row_count": int(totals["rows"][0]), "rows_written": written,
        "written": plan.reason, "source": config.sources.orders.kind,
        "customers": int(totals["customers"][0]), "observation_end": end.isoformat(),
        **({"won_deals": len(won.orders), "won_deals_left_out": str(won.skipped)}
           if won is not None else {})})


def _fit_basis(config: Config) -> str:
    """What the stored CLV fit depends on: a change refits (kpi.clv.refit)."""
    source = config.sources.orders
    return fit_basis(orders=source.kind, path=str(source.path), start=config.history_start,
                     won_deals=source.won_deals,
                     seed=config.demo.seed, segments=config.clv.high_value_first_order,
                     currency=config.reporting.currency, rates=config.reporting.fx_rates)


@dg.multi_asset(
    name="clv_tables",
    specs=[
        dg.AssetSpec(MODEL_TABLE, group_name="clv", deps=[ORDERS_TABLE],
                     kinds={"duckdb", "scipy"},
                     description="The fitted BG/NBD and Gamma-Gamma parameters (weeks), or why "
                     "they could not be fitted; fitted once an ISO week (kpi.clv.refit), "
                     "fitted_on and fitted_customers say when and on how many customers."),
        dg.AssetSpec(CUSTOMERS_TABLE, group_name="clv",
                     deps=[ORDERS_TABLE, model.CAMPAIGN_DIM], kinds={"duckdb", "ibis"},
                     description="Per pseudonymous customer: acquisition, purchase history "
                     "(frequency, recency, T in weeks), revenue to date, P(alive), expected "
                     "purchases and discounted future value over the horizon, CLV."),
        dg.AssetSpec(COHORTS_TABLE, group_name="clv", deps=[ORDERS_TABLE],
                     kinds={"duckdb", "ibis"},
                     description="Cumulative revenue per customer by acquisition month and "
                     "months since acquisition."),
        dg.AssetSpec(ACQUISITION_TABLE, group_name="clv",
                     deps=[CUSTOMERS_TABLE, model.MODEL_TABLE], kinds={"duckdb", "pandas"},
                     description="CLV per acquisition channel and campaign against media cost: "
                     "CAC and CLV:CAC."),
    ],
)
def clv_tables(warehouse: WarehouseResource, settings: SettingsResource):
    config = settings.load()
    con = warehouse.connect()
    out = clv.clv_tables(read_inputs(con, model_rules(config)), config.clv,
                         StoredFit.from_json(read_state(con, FIT_STATE)), _fit_basis(config))
    state = {FIT_STATE: out.fit.to_json()} if out.fit is not None else None
    counts = replace_with_arrow(con, {t: _arrow(f) for t, f in out.frames().items()},
                                state=state)
    for table, rows in counts.items():
        yield dg.MaterializeResult(asset_key=table,
                                   metadata={"dagster/row_count": rows, **out.metadata})


CLV_ASSETS = [raw_orders, clv_tables]
