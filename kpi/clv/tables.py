"""The CLV step as one pure function: from what the warehouse reduced (:class:`ClvInputs`, read
by :mod:`kpi.clv.reads`), the stored fit and the ``clv:`` settings, the four CLV tables, the fit
to store for the next night and what the run says about them (:class:`ClvTables`).

Customers are segmented by their first order, scored with the stored fit or refitted
(:mod:`kpi.clv.refit` says when), and their CLV summed per acquisition channel and campaign
against what acquiring them cost.

>>> out = clv_tables(None, ClvSettings(), stored=None, basis="demo")
>>> out.metadata, out.fit is None, sorted(out.frames())
({'note': 'no orders'}, True, ['clv_by_acquisition', 'clv_cohorts', 'clv_model', 'customer_clv'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi.clv.catalog import ACQUISITION_TABLE, COHORTS_TABLE, CUSTOMERS_TABLE, MODEL_TABLE
from kpi.clv.predict import ClvTerms, predict_clv
from kpi.clv.refit import StoredFit, refit_reason
from kpi.clv.settings import ClvSettings
from kpi.clv.summary import clv_by_group

LEVELS = (("channel", "channel"), ("campaign", "campaign_key"))  # level, customers' column


@dataclass(frozen=True)
class ClvInputs:
    """What the warehouse reduced the orders (in the reporting currency) to.

    ``acquired``: per customer the first order's campaign and channel
    (:func:`kpi.clv.acquisition.acquisition`); ``history``: orders, ``revenue_to_date`` and
    ``first_order_value`` per customer; ``summary``: the weekly frequency / recency / T
    (:func:`kpi.clv.summary.rfm_summary`); ``cohorts``: :func:`kpi.clv.summary.cohort_clv`;
    ``cost``: media cost since ``first`` per ``channel`` and per ``campaign`` key; ``first`` and
    ``end``: the first and the last day with orders."""

    first: dt.date
    end: dt.date
    acquired: pd.DataFrame
    history: pd.DataFrame
    summary: pd.DataFrame
    cohorts: pd.DataFrame
    cost: Mapping[str, pd.Series] = field(default_factory=dict)


@dataclass(frozen=True)
class ClvTables:
    """The CLV tables, the fit to store (None: leave the stored one) and the run's metadata."""

    model: pd.DataFrame
    customers: pd.DataFrame
    cohorts: pd.DataFrame
    by_acquisition: pd.DataFrame
    fit: StoredFit | None
    metadata: Mapping[str, object]

    def frames(self) -> dict[str, pd.DataFrame]:
        """Each table under its warehouse name."""
        return {MODEL_TABLE: self.model, CUSTOMERS_TABLE: self.customers,
                COHORTS_TABLE: self.cohorts, ACQUISITION_TABLE: self.by_acquisition}


def segments(customers: pd.DataFrame, settings: ClvSettings) -> pd.Series:
    """``standard``, or ``high_value`` for a first order at or above the configured amount
    (``all`` when no amount is configured).

    >>> first = pd.DataFrame({"first_order_value": [20.0, 900.0]})
    >>> segments(first, ClvSettings(high_value_first_order=500)).tolist()
    ['standard', 'high_value']
    >>> segments(first, ClvSettings()).tolist()
    ['all', 'all']
    """
    threshold = settings.high_value_first_order
    if threshold is None:
        return pd.Series("all", index=customers.index)
    return pd.Series(np.where(customers["first_order_value"] >= threshold, "high_value",
                              "standard"), index=customers.index)


def by_acquisition(customers: pd.DataFrame, cost: Mapping[str, pd.Series],
                   since: dt.date) -> pd.DataFrame:
    """CLV per acquisition channel and campaign against its media cost (``level`` first)."""
    clv, groups = customers.set_index("customer_key")["clv"], []
    for level, column in LEVELS:
        table = clv_by_group(clv, customers.set_index("customer_key")[column], cost[level])
        groups.append(table.assign(level=level))
    out = pd.concat(groups, ignore_index=True)
    out.insert(0, "level", out.pop("level"))
    out["since"] = pd.Timestamp(since)
    return out


def clv_tables(inputs: ClvInputs | None, settings: ClvSettings, stored: StoredFit | None,
               basis: str) -> ClvTables:
    """The CLV tables from ``inputs`` (None: there are no orders, every table empty), scoring
    with ``stored`` unless :func:`kpi.clv.refit.refit_reason` gives a reason to refit;
    ``basis`` is what the fit depends on (:func:`kpi.clv.refit.fit_basis`)."""
    if inputs is None:
        empty = pd.DataFrame()
        return ClvTables(empty, empty, empty, empty, None, {"note": "no orders"})
    end = inputs.end
    customers = inputs.acquired.merge(inputs.history, on="customer_key").merge(
        inputs.summary, on="customer_key")
    customers["segment"] = segments(customers, settings)
    why = refit_reason(stored, basis, end)  # None: score with the stored fit
    terms = ClvTerms.of(settings.horizon_months, settings.annual_discount_rate,
                        settings.gross_margin)
    predicted = predict_clv(customers, terms, fits=None if why else stored.segments,
                            fitted_on=end, memos=None if why else stored.memos_for(terms))
    keep = StoredFit(basis, end if why else stored.fitted_on, predicted.fits, terms,
                     predicted.memos)
    customers = predicted.customers.sort_values("customer_key").reset_index(drop=True)
    fitted = predicted.models.assign(observation_end=pd.Timestamp(end),
                                     gross_margin_set=settings.margin_set)
    meta: dict[str, object] = {
        "observation_end": end.isoformat(), "customers": len(customers),
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
    return ClvTables(fitted, customers, inputs.cohorts,
                     by_acquisition(customers, inputs.cost, inputs.first), keep, meta)
