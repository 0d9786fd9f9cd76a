"""What the CLV step reads from the warehouse: orders in the reporting currency, reduced there
(Ibis) to one row per customer, the cohorts and the media cost since the first order.

Only the reduced frames leave the warehouse; :func:`kpi.clv.tables.clv_tables` makes the tables
from them.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis.backends import BaseBackend

from kpi import model
from kpi.clv.acquisition import acquisition
from kpi.clv.catalog import ORDERS_TABLE
from kpi.clv.summary import cohort_clv, rfm_summary
from kpi.clv.tables import ClvInputs


def in_reporting_currency(con: BaseBackend, rules: model.ModelRules) -> ir.Table:
    """The stored orders with ``revenue`` converted to the reporting currency."""
    orders = con.table(ORDERS_TABLE)
    codes = con.execute(orders.select("currency").distinct())["currency"].tolist()
    return orders.mutate(revenue=model.to_reporting(orders.revenue, orders.currency, rules,
                                                    codes))


def acquisition_cost(con: BaseBackend, first: dt.date, by: str) -> pd.Series:
    """Media cost per campaign key or channel since ``first`` (reporting currency)."""
    facts, dims = con.table(model.MODEL_TABLE), con.table(model.CAMPAIGN_DIM)
    facts = facts.filter(facts.date >= first)
    joined = facts.join(dims.select("campaign_key", "channel"), "campaign_key")
    cost = con.execute(joined.group_by(by).aggregate(cost=joined.cost.sum()))
    return cost.set_index(by)["cost"]


def read_inputs(con: BaseBackend, rules: model.ModelRules) -> ClvInputs | None:
    """The CLV step's inputs, or None when there are no orders."""
    orders = in_reporting_currency(con, rules)
    bounds = con.execute(orders.aggregate(first=orders.order_date.min(),
                                          last=orders.order_date.max()))
    if bounds["first"].isna().all():
        return None
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
    who = con.execute(acquisition(orders, con.table(model.CAMPAIGN_DIM), rules))
    return ClvInputs(
        first=first, end=end, acquired=who, history=history, summary=summary,
        cohorts=cohort_clv(orders, "customer_key", "order_date", "revenue", end),
        cost={level: acquisition_cost(con, first, column)
              for level, column in (("channel", "channel"), ("campaign", "campaign_key"))})
