"""The demo's customers as ``assets/clv.py`` hands them to ``kpi.clv.predict.predict_clv``,
without Dagster or a warehouse: demo orders -> weekly RFM summary (``rfm_summary``, on a DuckDB
memtable) + orders and revenue to date + the first order's value -> segment.

The nights the CLV regression tests pin were found on the demo orders as they were drawn before
each day got its own seed: ``tests.kpi.legacy_demo_orders`` draws them still (the default);
pass ``draw=pipelines.sources.orders.demo.demo_orders`` for today's demo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from kpi.clv.summary import rfm_summary
from tests.kpi.legacy_demo_orders import demo_orders as legacy_demo_orders

HISTORY_START = dt.date(2025, 10, 1)  # data/campaign-kpi.example.yaml
HIGH_VALUE_FIRST_ORDER = 1000.0  # clv.high_value_first_order there


def demo_customers(end: dt.date, seed: int = 7, history_start: dt.date = HISTORY_START,
                   draw: Callable[..., pd.DataFrame] = legacy_demo_orders) -> pd.DataFrame:
    """One row per demo customer: RFM in weeks, orders, revenue to date, first order value,
    segment (``high_value`` from a first order of 1,000 EUR)."""
    orders = draw(history_start, end, seed)
    last = orders["order_date"].max()  # the asset's observation end: the last order's day
    summary = rfm_summary(orders, "customer_key", "order_date", "revenue", last, "W")
    ordered = orders.sort_values(["ordered_at", "order_id"], kind="stable")
    per = ordered.groupby("customer_key").agg(
        orders=("revenue", "size"), revenue_to_date=("revenue", "sum"),
        first_order_value=("revenue", "first"))
    customers = summary.merge(per.reset_index(), on="customer_key")
    customers["segment"] = np.where(customers["first_order_value"] >= HIGH_VALUE_FIRST_ORDER,
                                    "high_value", "standard")
    return customers
