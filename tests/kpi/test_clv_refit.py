"""The weekly refit (kpi.clv.refit): a refit night gives what fitting every night gives; a reuse
night scores every customer with the stored parameters (planted ones here) and fits nothing; the
(x, T) memo changes no value; the stored fit round-trips exactly."""

from __future__ import annotations

import dataclasses
import datetime as dt
import doctest

import numpy as np
import pandas as pd
import pytest

from kpi.clv import predict as clv_predict
from kpi.clv import refit as clv_refit
from kpi.clv.choice import CONSTANT_DROPOUT, FITTED, PurchaseFit
from kpi.clv.gamma_gamma import GammaGammaParams
from kpi.clv.models import (
    BgNbdParams,
    ConstantDropoutParams,
    discounted_clv,
    probability_alive,
)
from kpi.clv.predict import ClvTerms, SegmentFit, fit_segment, predict_clv
from kpi.clv.refit import StoredFit, refit_reason
from pipelines.sources.orders.demo import demo_orders
from tests.kpi.clv_demo import demo_customers

TERMS = ClvTerms.of(horizon_months=12, annual_discount_rate=0.10, gross_margin=0.4)
END = dt.date(2026, 3, 15)
PREDICTED = ["p_alive", "expected_purchases", "future_value", "clv", "clv_note"]


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return demo_customers(END, seed=3, history_start=dt.date(2025, 11, 1), draw=demo_orders)


def test_docstring_examples_run() -> None:
    assert doctest.testmod(clv_refit).failed == 0


def test_a_refit_night_is_what_fitting_every_night_gives(customers) -> None:
    every_night = predict_clv(customers, TERMS)
    refit = predict_clv(customers, TERMS, fits=None, fitted_on=END)
    pd.testing.assert_frame_equal(refit.customers, every_night.customers)
    columns = [c for c in every_night.models.columns if c != "fitted_on"]
    pd.testing.assert_frame_equal(refit.models[columns], every_night.models[columns])
    assert (refit.models["fitted_on"] == pd.Timestamp(END)).all()
    assert set(refit.fits) == {"high_value", "standard"}
    assert all(f.fitted_on == END for f in refit.fits.values())
    assert refit.models.set_index("segment")["fitted_customers"].to_dict() == {
        name: fit.customers for name, fit in refit.fits.items()}


def test_a_reuse_night_scores_with_the_stored_parameters_and_fits_nothing(customers,
                                                                           monkeypatch):
    planted = {
        "standard": SegmentFit(
            PurchaseFit(BgNbdParams(0.9, 20.0, 0.8, 3.0, -1.0, 1234), FITTED, None),
            GammaGammaParams(6.0, 3.8, 45.0, -2.0, 321), None, dt.date(2026, 3, 9), 1234),
        "high_value": SegmentFit(
            PurchaseFit(ConstantDropoutParams(0.3, 35.0, 0.4, -3.0, 55), CONSTANT_DROPOUT,
                        "planted"),
            None, "Gamma-Gamma: planted", dt.date(2026, 3, 9), 55),
    }

    def no_fitting(*_args, **_kwargs):
        raise AssertionError("a reuse night must not fit")

    monkeypatch.setattr(clv_predict, "fit_segment", no_fitting)
    result = predict_clv(customers, TERMS, fits=planted, fitted_on=END)
    models = result.models.set_index("segment")
    assert models.loc["standard", ["r", "alpha", "a", "b", "p", "q", "v"]].tolist() == [
        0.9, 20.0, 0.8, 3.0, 6.0, 3.8, 45.0]
    assert models.loc["high_value", "p_dropout"] == 0.4
    assert models.loc["high_value", "spend_model"] == "own_mean_order_value"
    assert models.loc["high_value", "message"] == "planted; Gamma-Gamma: planted"
    assert (models["fitted_on"] == pd.Timestamp(2026, 3, 9)).all()
    assert models["fitted_customers"].to_dict() == {"high_value": 55, "standard": 1234}
    assert models["customers"].sum() == len(customers)  # today's customers, all scored
    out = result.customers.set_index("customer_key")
    for name, fit in planted.items():
        mine = customers[customers["segment"] == name]
        x, tx, t_end, m = (mine[c].to_numpy(float) for c in ("frequency", "recency", "T",
                                                              "monetary_value"))
        alive = probability_alive(fit.purchase.params, x, tx, t_end)
        np.testing.assert_array_equal(out.loc[mine["customer_key"], "p_alive"], alive)
        if fit.spend is not None:
            value = np.where(x > 0, m, 0.0)
        else:
            value = mine["revenue_to_date"].to_numpy(float) / mine["orders"].to_numpy(float)
        future = TERMS.gross_margin * discounted_clv(
            fit.purchase.params, fit.spend, x, tx, t_end, value, TERMS.horizon_weeks,
            TERMS.weekly_discount_rate)
        np.testing.assert_allclose(out.loc[mine["customer_key"], "future_value"], future,
                                   rtol=1e-12)
    assert result.fits == planted


def test_a_segment_without_a_stored_model_is_fitted_again(customers) -> None:
    failed = SegmentFit(PurchaseFit(None, "not_fitted", "planted failure"), None, None,
                        dt.date(2026, 3, 9), 10)
    stored = predict_clv(customers, TERMS, fitted_on=dt.date(2026, 3, 9)).fits
    result = predict_clv(customers, TERMS, fits={**stored, "high_value": failed},
                         fitted_on=END)
    assert result.fits["standard"] == stored["standard"]  # reused as it was
    assert result.fits["high_value"].fitted_on == END  # fitted tonight
    fresh = fit_segment(customers[customers["segment"] == "high_value"], END)
    assert result.fits["high_value"] == fresh
    assert result.models.set_index("segment").loc["high_value", "status"] != "not_fitted"


def test_the_memo_changes_no_value_and_is_used(customers) -> None:
    fits = predict_clv(customers, TERMS).fits
    plain = predict_clv(customers, TERMS, fits=fits)
    first = predict_clv(customers, TERMS, fits=fits, memos={})
    again = predict_clv(customers, TERMS, fits=fits, memos=first.memos)
    for result in (first, again):
        pd.testing.assert_frame_equal(result.customers, plain.customers)
    assert again.memos == first.memos and len(first.memos["standard"]) > 10
    # a (x, T) value found in the memo is taken as it is (planted: twice the right one)
    standard = customers[customers["segment"] == "standard"]
    row = standard[standard["frequency"] > 0].iloc[0]
    pair = (float(row["frequency"]), float(row["T"]))
    planted = {**first.memos, "standard": {**first.memos["standard"],
                                           pair: 2 * first.memos["standard"][pair]}}
    doubled = predict_clv(customers, TERMS, fits=fits, memos=planted).customers
    same = (standard["frequency"] == pair[0]) & (standard["T"] == pair[1])
    keys = standard.loc[same, "customer_key"]
    out, base = doubled.set_index("customer_key"), plain.customers.set_index("customer_key")
    np.testing.assert_allclose(out.loc[keys, "future_value"], 2 * base.loc[keys, "future_value"],
                               rtol=1e-12)
    others = standard.loc[~same, "customer_key"]
    np.testing.assert_array_equal(out.loc[others, "future_value"],
                                  base.loc[others, "future_value"])


def test_a_pairs_value_does_not_depend_on_the_other_pairs() -> None:
    bg = BgNbdParams(0.243, 4.414, 0.793, 2.426, 0.0, 0)
    x = np.array([0.0, 1, 2, 5, 2, 9])
    t_end = np.array([3.0, 10, 30, 52, 156, 156])
    alone = [float(discounted_clv(bg, None, x[i:i + 1], np.zeros(1), t_end[i:i + 1],
                                  np.ones(1), 52, 0.002)[0] / probability_alive(
        bg, x[i:i + 1], np.zeros(1), t_end[i:i + 1])[0]) for i in range(x.size)]
    together = discounted_clv(bg, None, x, np.zeros(x.size), t_end, np.ones(x.size), 52,
                              0.002) / probability_alive(bg, x, np.zeros(x.size), t_end)
    assert together.tolist() == alone


def test_the_stored_fit_round_trips_exactly(customers) -> None:
    result = predict_clv(customers, TERMS, fitted_on=END, memos={})
    stored = StoredFit("basis", END, result.fits, TERMS, result.memos)
    back = StoredFit.from_json(stored.to_json())
    assert back == stored
    assert back.memos_for(TERMS) == result.memos
    assert back.memos_for(dataclasses.replace(TERMS, horizon_weeks=26)) == {}
    assert StoredFit.from_json(None) is None and StoredFit.from_json("{not json") is None
    rescored = predict_clv(customers, TERMS, fits=back.segments, memos=back.memos_for(TERMS))
    pd.testing.assert_frame_equal(rescored.customers, result.customers)


@pytest.mark.parametrize(("fitted_on", "night", "reason"), [
    (dt.date(2026, 3, 9), dt.date(2026, 3, 15), None),  # Monday .. Sunday of one ISO week
    (dt.date(2026, 3, 12), dt.date(2026, 3, 12), None),  # the same night again
    (dt.date(2026, 3, 9), dt.date(2026, 3, 16), "a new ISO week"),
    (dt.date(2025, 12, 29), dt.date(2026, 1, 4), None),  # ISO week 2026-W01 spans the year
    (dt.date(2026, 3, 12), dt.date(2026, 3, 10), "the observation end is before the stored "
     "fit's"),
])
def test_refit_once_an_iso_week(fitted_on, night, reason) -> None:
    stored = StoredFit("b", fitted_on, {})
    assert refit_reason(stored, "b", night) == reason
    assert refit_reason(stored, "c", night) == "the orders, segments or currency changed"
