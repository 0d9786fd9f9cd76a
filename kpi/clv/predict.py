"""CLV per customer and one model record per segment, from purchase-history summaries: fit the
purchase model (``kpi.clv.choice``) and the spend model, predict, and value the horizon.

Nothing here stops for one segment's or one customer's data. A segment whose purchase model
cannot be fitted keeps its customers at their revenue to date; a customer whose history is not
valid, or whose figures come out non-finite, gets null values and a reason in ``clv_note``
while everyone else is valued as usual.

>>> summary = pd.DataFrame({
...     "segment": "all", "frequency": [0, 1, 3, 0, 2, 1], "recency": [0.0, 4, 9, 0, 6, 1],
...     "T": [10.0, 10, 10, 12, 12, 12], "monetary_value": [0.0, 20, 30, 0, 25, 15],
...     "orders": [1, 2, 4, 1, 3, 2], "revenue_to_date": [10.0, 30, 120, 15, 70, 40]})
>>> result = predict_clv(summary, ClvTerms(horizon_weeks=52, weekly_discount_rate=0.002))
>>> result.models[["segment", "status", "spend_model"]].to_dict("records")
[{'segment': 'all', 'status': 'constant_dropout', 'spend_model': 'own_mean_order_value'}]
>>> result.customers_without_clv, bool(result.customers["clv"].notna().all())
(0, True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from kpi.clv.choice import NOT_FITTED, PurchaseFit, fit_purchase_model
from kpi.clv.gamma_gamma import GammaGammaParams, fit_gamma_gamma
from kpi.clv.models import (
    ConstantDropoutParams,
    discounted_clv,
    expected_purchases,
    probability_alive,
)

WEEKS_PER_MONTH = 52 / 12
# clv_note: why a customer's figures are missing or only partly modelled (null when fine).
NO_PURCHASE_MODEL: Final = "no_purchase_model"  # segment without a purchase model: CLV is
#                                                  the revenue to date, P(alive) etc. null
INVALID_HISTORY: Final = "invalid_history"  # frequency / recency / T not a valid history
NOT_COMPUTABLE: Final = "not_computable"  # the model gave no finite figure: left null
NOTES = (NO_PURCHASE_MODEL, INVALID_HISTORY, NOT_COMPUTABLE)
# spend_model: how a future purchase is valued.
GAMMA_GAMMA: Final = "gamma_gamma"
OWN_MEAN_ORDER_VALUE: Final = "own_mean_order_value"
PREDICTED = ("p_alive", "expected_purchases", "future_value", "clv")
# fallback: what a segment's CLV falls back on (null when both models were fitted): the
# purchase model's status (no_repeat_buyers, not_fitted: CLV = revenue to date), else
# own_mean_order_value (no spend model).
MODEL_COLUMNS = (
    "segment", "status", "fallback", "message", "customers", "customers_without_clv",
    "repeat_customers",
    "horizon_weeks", "weekly_discount_rate", "gross_margin", "r", "alpha", "a", "b",
    "p_dropout", "bgnbd_log_likelihood", "constant_dropout_log_likelihood", "spend_model", "p",
    "q", "v", "gamma_gamma_log_likelihood", "mean_order_value", "fitted_on", "fitted_customers")
_TEXT = ("segment", "status", "fallback", "message", "spend_model")
_COUNTS = ("customers", "customers_without_clv", "repeat_customers", "horizon_weeks",
           "fitted_customers")
_DATES = ("fitted_on",)


@dataclass(frozen=True)
class ClvTerms:
    """How far ahead and at what rate future purchases count: ``horizon_weeks`` weeks
    discounted at ``weekly_discount_rate`` a week, valued at ``gross_margin`` of revenue.

    >>> ClvTerms.of(horizon_months=12, annual_discount_rate=0.10, gross_margin=0.4)
    ClvTerms(horizon_weeks=52, weekly_discount_rate=0.0018345..., gross_margin=0.4)
    """

    horizon_weeks: int
    weekly_discount_rate: float
    gross_margin: float = 1.0

    @classmethod
    def of(cls, horizon_months: int, annual_discount_rate: float,
           gross_margin: float = 1.0) -> ClvTerms:
        """From the configuration's months and annual rate (weeks of 52/12 per month)."""
        return cls(round(horizon_months * WEEKS_PER_MONTH),
                   (1 + annual_discount_rate) ** (1 / 52) - 1, gross_margin)


@dataclass(frozen=True)
class SegmentFit:
    """A segment's fitted models, kept between refits: the purchase model (``params`` None:
    no model, and ``purchase.message`` says why), the spend model (None: each customer's own
    mean order value, ``spend_message`` says why), the observation end of the night it was
    fitted (``fitted_on``) and how many customers it was fitted on."""

    purchase: PurchaseFit
    spend: GammaGammaParams | None
    spend_message: str | None
    fitted_on: dt.date | None
    customers: int

    @property
    def reusable(self) -> bool:
        """Whether other nights may score with it (a segment without a purchase model is
        fitted again every night: new repeat buyers may give it one)."""
        return self.purchase.params is not None


@dataclass(frozen=True)
class ClvPrediction:
    """``customers``: the input rows plus ``p_alive``, ``expected_purchases`` (over the
    horizon), ``future_value`` (discounted, times the margin), ``clv`` (margin x revenue to
    date + future value) and ``clv_note``; ``models``: one row per segment (``MODEL_COLUMNS``);
    ``fits``: the models each segment was scored with (fitted tonight or reused); ``memos``:
    each segment's discounted purchases per (x, T) under its fit (see ``discounted_clv``)."""

    customers: pd.DataFrame
    models: pd.DataFrame
    fits: Mapping[str, SegmentFit] = field(default_factory=dict)
    memos: Mapping[str, Mapping[tuple[float, float], float]] = field(default_factory=dict)

    @property
    def customers_without_clv(self) -> int:
        return int(self.customers["clv"].isna().sum())


def predict_clv(customers: pd.DataFrame, terms: ClvTerms, *, segment: str = "segment",
                fits: Mapping[str, SegmentFit] | None = None,
                fitted_on: dt.date | None = None,
                memos: Mapping[str, Mapping[tuple[float, float], float]] | None = None,
                ) -> ClvPrediction:
    """Fit and predict each ``segment`` of ``customers`` apart. Needs the columns
    ``frequency``, ``recency``, ``T`` (weeks), ``monetary_value``, ``orders`` and
    ``revenue_to_date``; keeps the others and the row order. A segment with a reusable fit in
    ``fits`` is only scored with it (no fitting); the others are fitted, ``fitted_on`` the
    date recorded with their fit. ``memos`` (per segment, for the same terms) are the values
    a reused fit computed on earlier nights: only new (x, T) pairs are computed."""
    parts, records, used, memo_out = [], [], {}, {}
    rows = customers.assign(_row=np.arange(len(customers)))
    for name, group in rows.groupby(segment, sort=True, dropna=False):
        stored = (fits or {}).get(name)
        reused = stored is not None and stored.reusable
        fit = stored if reused else fit_segment(group, fitted_on)
        memo = dict((memos or {}).get(name, {})) if reused else {}
        predicted, record = score_segment(group, terms, fit, memo)
        parts.append(predicted)
        records.append({"segment": name, **record})
        used[name], memo_out[name] = fit, memo
    if parts:
        out = pd.concat(parts).sort_values("_row").drop(columns="_row")
    else:
        out = customers.assign(**{c: pd.Series(dtype="float64") for c in PREDICTED},
                               clv_note=pd.Series(dtype="string"))
    models = pd.DataFrame(records, columns=list(MODEL_COLUMNS))
    models = models.astype({**{c: "string" for c in _TEXT}, **{c: "Int64" for c in _COUNTS},
                            **{c: "datetime64[us]" for c in _DATES},
                            **{c: "float64" for c in MODEL_COLUMNS
                               if c not in _TEXT and c not in _COUNTS and c not in _DATES}})
    return ClvPrediction(out, models, used, memo_out)


def _histories(summary: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """(x, t_x, T, m, revenue, orders) as floats, and which rows are valid histories."""
    columns = tuple(pd.to_numeric(summary[c], errors="coerce").to_numpy(np.float64)
                    for c in ("frequency", "recency", "T", "monetary_value", "revenue_to_date",
                              "orders"))
    return (*columns, _valid_history(*columns[:3]))


def fit_segment(summary: pd.DataFrame, fitted_on: dt.date | None = None) -> SegmentFit:
    """Fit one segment's purchase model and, when there is one, its spend model (on the
    valid histories; the expensive part of a night, see ``assets/clv.py`` for how often)."""
    x, tx, t_end, m, revenue, orders, valid = _histories(summary)
    fit = _fit_purchases(x[valid], tx[valid], t_end[valid])
    spend, message = None, None
    if fit.params is not None:
        with np.errstate(all="ignore"):
            own_mean = revenue[valid] / orders[valid]
        spend, message = _fit_spend(x[valid], m[valid], own_mean)
    return SegmentFit(fit, spend, message, fitted_on, int(valid.sum()))


def predict_segment(summary: pd.DataFrame, terms: ClvTerms) -> tuple[pd.DataFrame, dict]:
    """One segment fitted and scored: its customers with the ``PREDICTED`` columns and
    ``clv_note``, and its model record (``MODEL_COLUMNS`` but ``segment``)."""
    return score_segment(summary, terms, fit_segment(summary))


def score_segment(summary: pd.DataFrame, terms: ClvTerms, segment_fit: SegmentFit,
                  memo: MutableMapping[tuple[float, float], float] | None = None,
                  ) -> tuple[pd.DataFrame, dict]:
    """One segment scored with ``segment_fit`` (vectorised; no fitting): as
    :func:`predict_segment`; ``memo`` as in ``discounted_clv`` (filled in)."""
    x, tx, t_end, m, revenue, orders, valid = _histories(summary)
    fit = segment_fit.purchase
    record: dict[str, object] = {
        "customers": len(summary), "repeat_customers": int((valid & (x > 0)).sum()),
        "horizon_weeks": terms.horizon_weeks, "weekly_discount_rate":
        terms.weekly_discount_rate, "gross_margin": terms.gross_margin,
        "fitted_on": pd.Timestamp(segment_fit.fitted_on) if segment_fit.fitted_on else pd.NaT,
        "fitted_customers": segment_fit.customers}
    record |= _purchase_record(fit)
    values = {c: np.full(len(summary), np.nan) for c in PREDICTED}
    note = np.where(valid, None, INVALID_HISTORY).astype(object)
    if fit.params is None:
        values["future_value"][valid] = 0.0  # revenue to date only
        note[valid] = NO_PURCHASE_MODEL
        record["spend_model"] = None
    else:
        with np.errstate(all="ignore"):
            own_mean = revenue[valid] / orders[valid]
        spend, value, spend_record = _spend(segment_fit, x[valid], m[valid], own_mean)
        messages = (record["message"], spend_record.pop("message", None))
        record |= spend_record
        try:
            predicted = _predict(fit, spend, x[valid], tx[valid], t_end[valid], value, terms,
                                 memo)
        except (ValueError, ArithmeticError) as exc:  # not expected: null, and say why
            predicted = {c: np.full(int(valid.sum()), np.nan) for c in PREDICTED[:3]}
            messages += (f"prediction: {exc}",)
        for column, column_values in predicted.items():
            values[column][valid] = column_values
        record["message"] = "; ".join(filter(None, messages)) or None
    with np.errstate(all="ignore"):
        values["clv"][valid] = terms.gross_margin * revenue[valid] + values["future_value"][valid]
    # A value the model should have given but did not: null, and so is the CLV it is part of.
    expected = np.column_stack([valid & (fit.params is not None)] * 2 + [valid] * 2)
    broken = expected & ~np.isfinite(np.column_stack([values[c] for c in PREDICTED]))
    bad = broken.any(axis=1)
    for j, column in enumerate(PREDICTED):
        values[column][broken[:, j] | (bad & (column == "clv"))] = np.nan
    note[bad] = NOT_COMPUTABLE
    record["customers_without_clv"] = int(np.isnan(values["clv"]).sum())
    record["fallback"] = (record["status"] if fit.params is None else
                          OWN_MEAN_ORDER_VALUE if record["spend_model"] == OWN_MEAN_ORDER_VALUE
                          else None)
    return summary.assign(**values, clv_note=pd.array(note, dtype="string")), record


def _predict(fit: PurchaseFit, spend: GammaGammaParams | None, x: np.ndarray, tx: np.ndarray,
             t_end: np.ndarray, value: np.ndarray, terms: ClvTerms,
             memo: MutableMapping[tuple[float, float], float] | None = None,
             ) -> dict[str, np.ndarray]:
    """P(alive), expected purchases over the horizon and discounted future value x margin;
    ``value`` is the mean value to shrink (Gamma-Gamma) or to use (own mean, NaN = unknown)."""
    known = np.isfinite(value)
    with np.errstate(all="ignore"):  # anything non-finite is caught by the caller, row by row
        future = terms.gross_margin * discounted_clv(
            fit.params, spend, x, tx, t_end, np.where(known, np.maximum(value, 0.0), 0.0),
            terms.horizon_weeks, terms.weekly_discount_rate, memo=memo)
        return {"p_alive": probability_alive(fit.params, x, tx, t_end),
                "expected_purchases": expected_purchases(fit.params, terms.horizon_weeks, x,
                                                         tx, t_end),
                "future_value": np.where(known, future, np.nan)}


def _valid_history(x: np.ndarray, tx: np.ndarray, t_end: np.ndarray) -> np.ndarray:
    """Rows the models accept: whole x >= 0, 0 <= t_x <= T finite, t_x = 0 when x = 0."""
    with np.errstate(invalid="ignore"):
        return (np.isfinite(x) & np.isfinite(tx) & np.isfinite(t_end) & (x >= 0)
                & (x == np.round(x)) & (tx >= 0) & (tx <= t_end) & ((x > 0) | (tx == 0)))


def _fit_purchases(x: np.ndarray, tx: np.ndarray, t_end: np.ndarray) -> PurchaseFit:
    try:
        return fit_purchase_model(x, tx, t_end)
    except (ValueError, ArithmeticError) as exc:  # numerical trouble: no model, say why
        return PurchaseFit(None, NOT_FITTED, f"purchase model: {exc}")


def _or_nan(value: float | None) -> float:
    """A missing figure as the table's null (NaN in a float column)."""
    return float("nan") if value is None else value


def _purchase_record(fit: PurchaseFit) -> dict[str, object]:
    params = fit.params
    record: dict[str, object] = {
        "status": fit.status, "message": fit.message, "r": np.nan, "alpha": np.nan,
        "a": np.nan, "b": np.nan, "p_dropout": np.nan,
        "bgnbd_log_likelihood": _or_nan(fit.bgnbd_log_likelihood),
        "constant_dropout_log_likelihood": _or_nan(fit.constant_dropout_log_likelihood)}
    if isinstance(params, ConstantDropoutParams):
        record |= {"r": params.r, "alpha": params.alpha, "p_dropout": params.p}
    elif params is not None:
        record |= {"r": params.r, "alpha": params.alpha, "a": params.a, "b": params.b}
    return record


def _fit_spend(x: np.ndarray, m: np.ndarray,
               own_mean: np.ndarray) -> tuple[GammaGammaParams | None, str | None]:
    """Gamma-Gamma on the repeat buyers with a positive mean value, or None and why."""
    repeat = (x > 0) & np.isfinite(m) & (m > 0)
    try:
        with np.errstate(all="ignore"):
            return fit_gamma_gamma(x[repeat], m[repeat]), None
    except (ValueError, ArithmeticError) as exc:
        return None, f"Gamma-Gamma: {exc}"


def _spend(fit: SegmentFit, x: np.ndarray, m: np.ndarray,
           own_mean: np.ndarray) -> tuple[GammaGammaParams | None, np.ndarray, dict]:
    """The values to value purchases with: Gamma-Gamma's (the repeat buyers' mean values
    shrunk) or, without a spend model, each customer's own mean order value. Returns (model or
    None, the values to pass to ``discounted_clv``, the record's spend columns)."""
    repeat = (x > 0) & np.isfinite(m) & (m > 0)
    gg = fit.spend
    if gg is None:
        with np.errstate(all="ignore"):
            mean = float(np.nanmean(own_mean)) if np.isfinite(own_mean).any() else np.nan
        return None, own_mean, {"spend_model": OWN_MEAN_ORDER_VALUE,
                                "message": fit.spend_message, "mean_order_value": mean}
    return gg, np.where(repeat, m, 0.0), {
        "spend_model": GAMMA_GAMMA, "p": gg.p, "q": gg.q, "v": gg.v,
        "gamma_gamma_log_likelihood": gg.log_likelihood, "mean_order_value": gg.mean_value}
