"""CLV per customer and the model record per segment (``kpi.clv.predict``): the nights that
failed now give every customer a finite CLV; a segment, a customer or a value that cannot be
modelled is stored as null with a reason and counted, and the rest of the run goes on."""

from __future__ import annotations

import datetime as dt
import doctest

import numpy as np
import pandas as pd
import pytest

from kpi.clv import predict as clv_predict
from kpi.clv.choice import STATUSES
from kpi.clv.predict import (
    GAMMA_GAMMA,
    INVALID_HISTORY,
    MODEL_COLUMNS,
    NO_PURCHASE_MODEL,
    NOT_COMPUTABLE,
    OWN_MEAN_ORDER_VALUE,
    ClvTerms,
    predict_clv,
)
from tests.kpi.clv_demo import demo_customers

TERMS = ClvTerms.of(horizon_months=12, annual_discount_rate=0.10, gross_margin=0.4)


def test_docstring_examples_run() -> None:
    assert doctest.testmod(clv_predict, optionflags=doctest.ELLIPSIS).failed == 0


def test_terms_from_the_configuration() -> None:
    terms = ClvTerms.of(horizon_months=6, annual_discount_rate=0.10)
    assert terms.horizon_weeks == 26 and terms.gross_margin == 1.0
    assert (1 + terms.weekly_discount_rate) ** 52 == pytest.approx(1.10)


@pytest.mark.parametrize(("end", "high_value"), [(dt.date(2026, 12, 4), "constant_dropout"),
                                                 (dt.date(2026, 11, 1), "fitted")])
def test_the_failed_nights_value_every_customer(end, high_value) -> None:
    """2026-12-04 stopped the demo (customer c_000399: no finite CLV); 2026-11-01's
    high-value fit has a + b < 1."""
    customers = demo_customers(end)
    result = predict_clv(customers, TERMS)
    out, models = result.customers, result.models.set_index("segment")
    assert result.customers_without_clv == 0 and out["clv_note"].isna().all()
    for column in ("p_alive", "expected_purchases", "future_value", "clv"):
        assert np.isfinite(out[column]).all(), column
    assert out["p_alive"].between(0, 1).all() and (out["future_value"] >= 0).all()
    np.testing.assert_allclose(out["clv"], 0.4 * out["revenue_to_date"] + out["future_value"])
    assert list(out["customer_key"]) == list(customers["customer_key"])  # same rows, same order
    assert models.loc["high_value", "status"] == high_value
    assert models.loc["standard", "status"] == "fitted"
    assert (models["spend_model"] == GAMMA_GAMMA).all()
    assert (models["customers_without_clv"] == 0).all()
    assert models["customers"].sum() == len(customers)
    assert float(out.loc[out["customer_key"] == "c_000399", "clv"].iloc[0]) > 0


def summaries(**change) -> pd.DataFrame:
    """Two segments of plausible weekly histories: ``a`` (a model fits) and ``b``."""
    rng = np.random.default_rng(5)
    n = 600
    T = rng.integers(1, 60, n).astype(float)
    x = np.minimum(rng.poisson(1.2, n), T).astype(float)
    tx = np.where(x > 0, np.ceil(rng.uniform(0, 1, n) * T), 0.0)
    tx = np.maximum(tx, x)
    tx = np.minimum(tx, T)
    m = np.where(x > 0, rng.gamma(6.0, 15.0, n), 0.0)
    frame = pd.DataFrame({
        "customer_key": [f"c_{i:04d}" for i in range(n)], "segment": np.where(
            np.arange(n) < 400, "a", "b"), "frequency": x, "recency": tx, "T": T,
        "monetary_value": m, "orders": x + 1, "revenue_to_date": m * x + 80.0})
    for column, values in change.items():
        frame[column] = values
    return frame


def test_a_segment_without_repeat_buyers_keeps_its_revenue_to_date() -> None:
    frame = summaries()
    b = frame["segment"] == "b"
    frame.loc[b, ["frequency", "recency", "monetary_value"]] = 0.0
    frame.loc[b, "orders"] = 1
    result = predict_clv(frame, TERMS)
    models = result.models.set_index("segment")
    assert models.loc["b", "status"] == "no_repeat_buyers"
    assert models.loc["b", "fallback"] == "no_repeat_buyers"  # counted by a warning check
    assert pd.isna(models.loc["a", "fallback"])
    assert models.loc["b", "message"] == "nobody in the segment bought twice yet"
    assert pd.isna(models.loc["b", "spend_model"]) and np.isnan(models.loc["b", "r"])
    out = result.customers
    lost = out[b]
    assert (lost["clv_note"] == NO_PURCHASE_MODEL).all()
    assert lost["p_alive"].isna().all() and lost["expected_purchases"].isna().all()
    assert (lost["future_value"] == 0).all()
    np.testing.assert_allclose(lost["clv"], 0.4 * lost["revenue_to_date"])
    kept = out[~b]  # the other segment is valued as usual
    assert kept["clv_note"].isna().all() and np.isfinite(kept["clv"]).all()
    assert models.loc["a", "status"] in ("fitted", "constant_dropout")
    assert result.customers_without_clv == 0


def test_invalid_histories_are_left_out_and_counted() -> None:
    frame = summaries()
    frame.loc[3, "recency"] = frame.loc[3, "T"] + 5  # after the end of observation
    frame.loc[7, "T"] = np.nan
    frame.loc[11, ["frequency", "recency"]] = [-1.0, 0.0]
    alone = predict_clv(summaries().drop(index=[3, 7, 11]), TERMS)
    result = predict_clv(frame, TERMS)
    out = result.customers
    bad = out.index.isin([3, 7, 11])
    assert (out.loc[bad, "clv_note"] == INVALID_HISTORY).all()
    assert out.loc[bad, ["p_alive", "expected_purchases", "future_value", "clv"]].isna().all(
        axis=None)
    assert result.customers_without_clv == 3
    assert result.models.set_index("segment").loc["a", "customers_without_clv"] == 3
    # the others as if the three were not there
    pd.testing.assert_frame_equal(out[~bad], alone.customers)


def test_a_value_that_comes_out_non_finite_is_null_with_a_reason() -> None:
    frame = summaries()
    frame.loc[4, "revenue_to_date"] = np.inf  # a corrupt revenue
    result = predict_clv(frame, TERMS)
    row = result.customers.loc[4]
    assert row["clv_note"] == NOT_COMPUTABLE and np.isnan(row["clv"])
    assert np.isfinite(row["future_value"]) and np.isfinite(row["p_alive"])
    assert result.customers_without_clv == 1
    assert result.customers.drop(index=4)["clv_note"].isna().all()


def test_without_a_spend_model_purchases_are_valued_at_the_customers_own_mean() -> None:
    frame = summaries()
    frame["monetary_value"] = np.where(frame["frequency"] > 0, 50.0, 0.0)  # no spread at all
    result = predict_clv(frame, TERMS)
    models = result.models.set_index("segment")
    assert (models["spend_model"] == OWN_MEAN_ORDER_VALUE).all()
    assert (models["fallback"] == OWN_MEAN_ORDER_VALUE).all()
    assert models["message"].str.contains("Gamma-Gamma: fit_gamma_gamma").all()
    assert np.isfinite(result.customers["clv"]).all()


def test_the_model_record() -> None:
    result = predict_clv(summaries(), TERMS)
    models = result.models
    assert tuple(models.columns) == MODEL_COLUMNS
    assert set(models["status"]) <= set(STATUSES)
    assert str(models["status"].dtype) == "string" and str(models["customers"].dtype) == "Int64"
    assert models["horizon_weeks"].tolist() == [52, 52]
    for _, row in models.iterrows():
        if row["status"] == "fitted":
            assert np.isfinite(row[["a", "b"]].astype(float)).all() and np.isnan(row["p_dropout"])
        else:
            assert np.isnan(row[["a", "b"]].astype(float)).all() and 0 <= row["p_dropout"] < 1


def test_no_customers() -> None:
    empty = summaries().iloc[:0]
    result = predict_clv(empty, TERMS)
    assert result.customers.empty and result.models.empty
    assert "clv_note" in result.customers.columns and result.customers_without_clv == 0


def test_refunds_and_broken_order_counts_do_not_stop_the_segment() -> None:
    frame = summaries()
    repeat = frame.index[frame["frequency"] > 0]
    frame.loc[repeat[0], "monetary_value"] = -20.0  # refunds exceed the repeat purchases
    result = predict_clv(frame, TERMS)
    assert result.customers_without_clv == 0 and np.isfinite(result.customers["clv"]).all()
    # without a spend model each customer's own mean order value is used: 0 orders has none
    flat = summaries(monetary_value=np.where(frame["frequency"] > 0, 50.0, 0.0))
    flat.loc[repeat[1], "orders"] = 0
    result = predict_clv(flat, TERMS)
    out = result.customers
    assert out.loc[repeat[1], "clv_note"] == NOT_COMPUTABLE
    assert np.isnan(out.loc[repeat[1], "future_value"]) and np.isnan(out.loc[repeat[1], "clv"])
    assert np.isfinite(out.loc[repeat[1], "p_alive"])
    assert result.customers_without_clv == 1
    assert out.drop(index=repeat[1])["clv_note"].isna().all()
