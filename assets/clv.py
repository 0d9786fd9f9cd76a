"""Orders and customer lifetime value: orders pulled (pseudonymous; the demo's by the days a night
re-pulls, a file whole: pipelines.sources.orders.nightly), purchase histories summarised in the
warehouse, BG/NBD + Gamma-Gamma fitted once a week and every customer scored each night
(kpi.clv.refit), CLV per customer, cohort, acquisition channel and campaign against what
acquiring them cost."""

import datetime as dt

import dagster as dg
import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

from assets.resources import SettingsResource, WarehouseResource
from assets.rules import model_rules
from kpi import model
from kpi.clv.acquisition import acquisition
from kpi.clv.predict import ClvTerms, predict_clv
from kpi.clv.refit import FIT_STATE, StoredFit, fit_basis, refit_reason
from kpi.clv.summary import clv_by_group, cohort_clv, rfm_summary
from pipelines.config import Config
from pipelines.privacy import PseudonymKeyError, pseudonym_key
from pipelines.sources.factory import demo_end, yesterday
from pipelines.sources.orders import OrdersFileError, demo_orders, read_orders
from pipelines.sources.orders.nightly import (
    ORDERS_STATE,
    OrdersPlan,
    OrdersState,
    orders_basis,
    plan_orders,
)
from pipelines.warehouse.store import read_state, replace_since, replace_with_arrow

ORDERS_TABLE = "raw_orders"
MODEL_TABLE = "clv_model"
CUSTOMERS_TABLE = "customer_clv"
COHORTS_TABLE = "clv_cohorts"
ACQUISITION_TABLE = "clv_by_acquisition"
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
                         seed=config.demo.seed)
    if source.kind != "demo":
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
        "customers": int(totals["customers"][0]), "observation_end": end.isoformat()})


def _in_reporting_currency(con, config: Config) -> ibis.Table:
    orders = con.table(ORDERS_TABLE)
    rules = model_rules(config)
    codes = con.execute(orders.select("currency").distinct())["currency"].tolist()
    return orders.mutate(revenue=model.to_reporting(orders.revenue, orders.currency, rules,
                                                    codes))


def _segments(customers: pd.DataFrame, config: Config) -> pd.Series:
    """``standard``, or ``high_value`` for a first order at or above the configured amount."""
    threshold = config.clv.high_value_first_order
    if threshold is None:
        return pd.Series("all", index=customers.index)
    return pd.Series(np.where(customers["first_order_value"] >= threshold, "high_value",
                              "standard"), index=customers.index)


def _acquisition_cost(con, first: dt.date, by: str) -> pd.Series:
    """Media cost per campaign key or channel since ``first`` (reporting currency)."""
    facts, dims = con.table(model.MODEL_TABLE), con.table(model.CAMPAIGN_DIM)
    facts = facts.filter(facts.date >= first)
    joined = facts.join(dims.select("campaign_key", "channel"), "campaign_key")
    cost = con.execute(joined.group_by(by).aggregate(cost=joined.cost.sum()))
    return cost.set_index(by)["cost"]


def _fit_basis(config: Config) -> str:
    """What the stored CLV fit depends on: a change refits (kpi.clv.refit)."""
    source = config.sources.orders
    return fit_basis(orders=source.kind, path=str(source.path), start=config.history_start,
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
    orders = _in_reporting_currency(con, config)
    bounds = con.execute(orders.aggregate(first=orders.order_date.min(),
                                          last=orders.order_date.max()))
    if bounds["first"].isna().all():
        counts = replace_with_arrow(con, {t: NOTHING.empty_table() for t in (
            MODEL_TABLE, CUSTOMERS_TABLE, COHORTS_TABLE, ACQUISITION_TABLE)})
        for table, rows in counts.items():
            yield dg.MaterializeResult(asset_key=table, metadata={"dagster/row_count": rows,
                                                                  "note": "no orders"})
        return
    first = pd.Timestamp(bounds["first"][0]).date()
    end = pd.Timestamp(bounds["last"][0]).date()
    # purchase days and months in the reporting time zone (order_date), weeks as the unit
    summary = con.execute(rfm_summary(orders, "customer_key", "order_date", "revenue", end,
                                      "W"))
    ranked = orders.mutate(_first=ibis.row_number().over(
        group_by="customer_key", order_by=[orders.ordered_at, orders.order_id]) == 0)
    history = con.execute(ranked.group_by("customer_key").aggregate(
        orders=ranked.count(), revenue_to_date=ranked.revenue.sum(),
        first_order_value=ranked.revenue.max(where=ranked._first)))
    who = con.execute(acquisition(orders, con.table(model.CAMPAIGN_DIM), model_rules(config)))
    customers = who.merge(history, on="customer_key").merge(summary, on="customer_key")
    customers["segment"] = _segments(customers, config)
    c = config.clv
    stored, basis = StoredFit.from_json(read_state(con, FIT_STATE)), _fit_basis(config)
    why = refit_reason(stored, basis, end)  # None: score with the stored fit (kpi.clv.refit)
    terms = ClvTerms.of(c.horizon_months, c.annual_discount_rate, c.gross_margin)
    predicted = predict_clv(customers, terms, fits=None if why else stored.segments,
                            fitted_on=end, memos=None if why else stored.memos_for(terms))
    keep = StoredFit(basis, end if why else stored.fitted_on, predicted.fits, terms,
                     predicted.memos)
    customers = predicted.customers.sort_values("customer_key").reset_index(drop=True)
    fitted = predicted.models.assign(observation_end=pd.Timestamp(end),
                                     gross_margin_set=c.margin_set)
    cohorts = cohort_clv(orders, "customer_key", "order_date", "revenue", end)
    clv, groups = customers.set_index("customer_key")["clv"], []
    for level, column in (("channel", "channel"), ("campaign", "campaign_key")):
        cost = _acquisition_cost(con, first, column)
        table = clv_by_group(clv, customers.set_index("customer_key")[column], cost)
        groups.append(table.assign(level=level))
    by_group = pd.concat(groups, ignore_index=True)
    by_group.insert(0, "level", by_group.pop("level"))
    by_group["since"] = pd.Timestamp(first)
    counts = replace_with_arrow(con, {MODEL_TABLE: _arrow(fitted),
                                      CUSTOMERS_TABLE: _arrow(customers),
                                      COHORTS_TABLE: _arrow(cohorts),
                                      ACQUISITION_TABLE: _arrow(by_group)},
                                state={FIT_STATE: keep.to_json()})
    meta = {"observation_end": end.isoformat(), "customers": len(customers),
            "fit": f"refitted: {why}" if why else
            f"scored with the fit of {keep.fitted_on.isoformat()}",
            "customers_without_clv": predicted.customers_without_clv,
            "clv_status": "; ".join(f"{s}: {t}" for s, t in zip(fitted["segment"],
                                                               fitted["status"], strict=True))}
    if customers["clv"].notna().any():
        meta["mean_clv"] = float(np.round(customers["clv"].mean(), 2))
    notes = fitted["message"].dropna()
    if len(notes):
        meta["model"] = "; ".join(notes)
    for table, rows in counts.items():
        yield dg.MaterializeResult(asset_key=table, metadata={"dagster/row_count": rows, **meta})


CLV_ASSETS = [raw_orders, clv_tables]
