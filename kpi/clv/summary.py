"""Inputs and roll-ups for CLV: per-customer RFM summaries (in the warehouse, with Ibis),
cumulative revenue per acquisition cohort, and CLV against acquisition cost per group.

Revenue must already be in one currency (the reporting currency) and timestamps in the
reporting time zone: a timestamp is cut to its date as stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

Period = Literal["D", "W"]
_PERIOD_DAYS: dict[Period, int] = {"D": 1, "W": 7}


def _as_table(orders: ir.Table | pd.DataFrame, *columns: str | None) -> ir.Table:
    """``orders`` as an Ibis table, or a ValueError naming a missing column."""
    if isinstance(orders, pd.DataFrame):
        table = ibis.memtable(orders)
    elif isinstance(orders, ir.Table):
        table = orders
    else:
        raise TypeError(f"orders: expected an Ibis table or a pandas DataFrame, "
                        f"got {type(orders).__name__}")
    missing = [c for c in columns if c is not None and c not in table.columns]
    if missing:
        raise ValueError(f"orders: no column {', '.join(map(repr, missing))} "
                         f"(columns: {', '.join(table.columns)})")
    return table


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _day(column: ir.Value) -> ir.DateValue:
    return column if column.type().is_date() else column.cast("date")


def _period_start(day: ir.DateValue, period: Period) -> ir.DateValue:
    return day.truncate("W") if period == "W" else day  # ISO weeks: Monday to Sunday


def rfm_summary(orders: ir.Table | pd.DataFrame, customer: str, timestamp: str,
                revenue: str | None, observation_end: dt.date | str, period: Period = "W",
                *, unit_days: float | None = None) -> ir.Table | pd.DataFrame:
    """One row per customer: ``frequency`` (repeat purchase periods), ``recency`` (first to last
    purchase period), ``T`` (first purchase period to the period of ``observation_end``) and,
    with ``revenue``, ``monetary_value`` (mean revenue of the repeat periods; 0 without any).

    Semantics of lifetimes' ``summary_data_from_transaction_data``: orders are grouped per
    customer and ``period`` ("D" days, "W" ISO weeks); several orders in one period count as
    one purchase whose revenue is their sum; the first period is not a repeat purchase. Times are
    in ``unit_days`` days (default: one period), so ``period="D", unit_days=7`` gives the exact
    weeks of the CDNOW summary. Orders after ``observation_end`` are dropped (lifetimes' code, by
    contrast, keeps the rest of the end date's week when ``period="W"``). Rows with a null
    timestamp are ignored. Returns an Ibis table for an Ibis table (it runs in the warehouse), a
    DataFrame sorted by customer for a DataFrame.

    >>> orders = pd.DataFrame({"id": [1, 1, 1, 2], "revenue": [10.0, 5.0, 7.0, 3.0],
    ...                        "at": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-15",
    ...                                              "2024-01-10"])})
    >>> rfm_summary(orders, "id", "at", "revenue", "2024-01-31", period="D")
       id  frequency  recency     T  monetary_value
    0   1          1     14.0  30.0             7.0
    1   2          0      0.0  21.0             0.0
    """
    if period not in _PERIOD_DAYS:
        raise ValueError(f"period: {period!r}; use 'D' or 'W'")
    unit = float(_PERIOD_DAYS[period] if unit_days is None else unit_days)
    if not unit > 0:
        raise ValueError(f"unit_days: {unit_days!r}; must be > 0")
    table = _as_table(orders, customer, timestamp, revenue)
    end = ibis.literal(_as_date(observation_end))
    day = _day(table[timestamp])
    table = table.filter(day <= end)
    start = _period_start(_day(table[timestamp]), period)
    values = {"value": table[revenue].sum().cast("float64")} if revenue else {}
    per = table.group_by([table[customer], start.name("period")]).aggregate(**values)
    per = per.mutate(first=per.period.min().over(group_by=per[customer]))
    repeat = per.period > per.first
    aggregates = {
        "n": per.count(),
        "first_period": per.period.min(),
        "last_period": per.period.max(),
    }
    if revenue:
        aggregates["repeat_value"] = repeat.ifelse(per.value.fill_null(0), 0.0).sum()
    sums = per.group_by(customer).aggregate(**aggregates)
    frequency = (sums.n - 1).cast("int64")
    columns = {
        "frequency": frequency,
        "recency": sums.last_period.delta(sums.first_period, unit="day").cast("float64") / unit,
        "T": _period_start(end, period).delta(sums.first_period, unit="day").cast("float64")
        / unit,
    }
    if revenue:
        columns["monetary_value"] = (frequency > 0).ifelse(
            sums.repeat_value / frequency.cast("float64"), 0.0)
    result = sums.select(customer, **columns)
    if isinstance(orders, pd.DataFrame):
        return result.order_by(customer).execute()
    return result


def cohort_clv(orders: ir.Table | pd.DataFrame, customer: str, timestamp: str, revenue: str,
               observation_end: dt.date | str | None = None) -> pd.DataFrame:
    """Cumulative revenue per customer by acquisition-month cohort and months since acquisition.

    A customer's cohort is the calendar month of their first order; month k covers the orders
    of calendar month cohort + k. Every cohort gets every month from 0 to the month of
    ``observation_end`` (default: the last order), zero-filled, so ``clv`` (cumulative revenue
    / cohort customers) never decreases when revenue is non-negative. ``complete`` is False for
    the month still running at ``observation_end``. The grouping runs in the warehouse; the small
    grid is filled in pandas.

    >>> orders = pd.DataFrame({"id": [1, 1, 2, 3], "eur": [10.0, 6.0, 4.0, 8.0],
    ...                        "at": pd.to_datetime(["2024-01-05", "2024-03-02", "2024-01-20",
    ...                                              "2024-02-11"])})
    >>> cohort_clv(orders, "id", "at", "eur", "2024-03-31")[["cohort", "months_since", "clv"]]
           cohort  months_since   clv
    0  2024-01-01             0   7.0
    1  2024-01-01             1   7.0
    2  2024-01-01             2  10.0
    3  2024-02-01             0   8.0
    4  2024-02-01             1   8.0
    """
    table = _as_table(orders, customer, timestamp, revenue)
    day = _day(table[timestamp])
    if observation_end is not None:
        table = table.filter(day <= ibis.literal(_as_date(observation_end)))
        day = _day(table[timestamp])
    dated = table.mutate(_day=day)
    dated = dated.mutate(_cohort=dated._day.min().over(group_by=dated[customer]).truncate("M"),
                         _month=dated._day.truncate("M"))

    def month_index(d: ir.DateValue) -> ir.IntegerValue:
        return d.year() * 12 + d.month()

    sums = dated.group_by(cohort=dated._cohort, months_since=month_index(dated._month)
                          - month_index(dated._cohort)).aggregate(
        revenue=dated[revenue].sum().cast("float64"))
    sizes = dated.group_by(cohort=dated._cohort).aggregate(customers=dated[customer].nunique())
    last = dated._day.max().name("last")
    frame = sums.execute()
    size = sizes.execute().set_index("cohort")["customers"]
    columns = ["cohort", "months_since", "customers", "revenue", "cumulative_revenue", "clv",
               "complete"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    end = _as_date(observation_end) if observation_end is not None else last.execute()
    end = pd.Timestamp(end)
    cohorts = pd.to_datetime(pd.Series(sorted(size.index)))
    end_month = end.year * 12 + end.month
    grid = pd.DataFrame([(c, k) for c in cohorts
                         for k in range(end_month - (c.year * 12 + c.month) + 1)],
                        columns=["cohort", "months_since"])
    frame["cohort"] = pd.to_datetime(frame["cohort"])
    out = grid.merge(frame, on=["cohort", "months_since"], how="left")
    out["revenue"] = out["revenue"].fillna(0.0)
    size.index = pd.to_datetime(size.index)
    out["customers"] = out["cohort"].map(size).astype("int64")
    out["cumulative_revenue"] = out.groupby("cohort")["revenue"].cumsum()
    out["clv"] = out["cumulative_revenue"] / out["customers"]
    row_month = out["cohort"].dt.year * 12 + out["cohort"].dt.month + out["months_since"]
    out["complete"] = row_month < end_month + int(end.is_month_end)
    out["cohort"] = out["cohort"].dt.date
    return out[columns].reset_index(drop=True)


def clv_by_group(customer_clv: pd.Series, customer_group: pd.Series,
                 acquisition_cost_by_group: Mapping[str, float] | pd.Series, *,
                 unassigned: str = "(unassigned)") -> pd.DataFrame:
    """CLV per acquisition group (channel, campaign) against what acquiring it cost.

    ``customer_clv`` and ``customer_group`` are indexed by customer; customers without a group
    fall in ``unassigned``. ``acquisition_cost_by_group`` is the spend that acquired each group's
    customers, in the CLV's currency. Per group: ``customers`` (all it acquired),
    ``total_clv`` (summed over those with a CLV), ``clv`` (their mean), ``acquisition_cost``,
    ``cac`` (cost / customers), ``clv_to_cac`` = total CLV / total cost -- a ratio of sums,
    never a mean of ratios -- and ``customers_without_clv``: customers whose CLV is null or not
    finite are left out of the sums and counted there (their group's CLV:CAC is then a lower
    bound). Ratios with a zero denominator are NaN.

    >>> clv = pd.Series({"a": 30.0, "b": 10.0, "c": 50.0, "d": float("nan")})
    >>> group = pd.Series({"a": "Search", "b": "Search", "c": "Social", "d": "Social"})
    >>> out = clv_by_group(clv, group, {"Search": 20.0, "Social": 25.0, "Video": 5.0})
    >>> out[["group", "customers", "total_clv", "clv", "cac", "clv_to_cac"]]
        group  customers  total_clv   clv   cac  clv_to_cac
    0  Search          2       40.0  20.0  10.0         2.0
    1  Social          2       50.0  50.0  12.5         2.0
    2   Video          0        0.0   NaN   NaN         0.0
    >>> out["customers_without_clv"].tolist()
    [0, 1, 0]
    """
    for name, series in (("customer_clv", customer_clv), ("customer_group", customer_group)):
        if series.index.has_duplicates:
            duplicated = series.index[series.index.duplicated()][0]
            raise ValueError(f"{name}: customer {duplicated!r} appears more than once")
    values = pd.to_numeric(customer_clv, errors="coerce").astype("float64")
    values = values.where(np.isfinite(values))  # inf -> NaN: no CLV
    costs = pd.Series(acquisition_cost_by_group, dtype="float64")
    if costs.isna().any() or (costs < 0).any() or not np.isfinite(costs).all():
        bad = costs.index[~(np.isfinite(costs) & (costs >= 0))][0]
        raise ValueError(f"acquisition_cost_by_group: group {bad!r} has cost {float(costs[bad])}; "
                         "costs must be finite and >= 0")
    groups = customer_group.reindex(values.index).astype("object").fillna(unassigned)
    per = values.groupby(groups.to_numpy()).agg(["size", "count", "sum"])
    labels = sorted(set(per.index) | set(costs.index), key=str)
    out = pd.DataFrame({"group": labels})
    out["customers"] = out["group"].map(per["size"]).fillna(0).astype("int64")
    valued = out["group"].map(per["count"]).fillna(0).astype("int64")
    out["customers_without_clv"] = out["customers"] - valued
    out["total_clv"] = out["group"].map(per["sum"]).fillna(0.0).astype("float64")
    out["acquisition_cost"] = out["group"].map(costs).fillna(0.0).astype("float64")
    customers = out["customers"].astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["clv"] = np.where(valued > 0, out["total_clv"] / valued.astype("float64"), np.nan)
        out["cac"] = np.where(customers > 0, out["acquisition_cost"] / customers, np.nan)
        out["clv_to_cac"] = np.where(out["acquisition_cost"] > 0,
                                     out["total_clv"] / out["acquisition_cost"], np.nan)
    return out[["group", "customers", "total_clv", "clv", "acquisition_cost", "cac",
                "clv_to_cac", "customers_without_clv"]]
