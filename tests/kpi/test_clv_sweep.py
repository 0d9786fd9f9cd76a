"""The demo's CLV night after night, without Dagster: ``predict_clv`` on the demo orders as the
nightly run sees them (``demo_orders(2025-10-01, end, seed)``; each end date draws its own
demo), for every fourth day from 2026-10-01 to 2027-01-31 plus the nights named in issue 15,
seeds 1-5 on two nights, and the real date. Every customer gets a finite CLV, and the model
choice follows the likelihood rule, not where an optimiser happened to stop.

Dates are sampled (every fourth day, not every day) to keep the test under a minute on one
core: each night costs about 0.7 s (0.4 s to draw the demo, 0.3 s to fit and predict). On the
previous code 22 of the 123 days from 2026-10-01 to 2027-01-31 (seed 7) gave a non-finite CLV.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kpi.clv.choice import CONSTANT_DROPOUT, FITTED, SPREAD_GAIN
from kpi.clv.predict import ClvPrediction, ClvTerms, predict_clv
from pipelines.sources.orders.demo import demo_orders
from tests.kpi.clv_demo import demo_customers

TERMS = ClvTerms.of(horizon_months=12, annual_discount_rate=0.10)
FIRST, LAST = dt.date(2026, 10, 1), dt.date(2027, 1, 31)
NAMED = (dt.date(2026, 11, 1), dt.date(2026, 11, 22), dt.date(2026, 12, 4),
         dt.date(2026, 12, 20))  # passes, the failing night, another failing night
NIGHTS = sorted({FIRST + dt.timedelta(days=d) for d in range(0, (LAST - FIRST).days + 1, 4)}
                | set(NAMED))
SEEDED = [(end, seed) for end in (dt.date(2026, 12, 4), LAST) for seed in range(1, 6)]
PREDICTED = ("p_alive", "expected_purchases", "future_value", "clv")


def night(end: dt.date, seed: int = 7) -> ClvPrediction:
    return predict_clv(demo_customers(end, seed), TERMS)


@pytest.fixture(scope="module")
def sweep() -> pd.DataFrame:
    """One row per night and segment: status, likelihood gain, customers without CLV, and how
    many predicted values are not finite."""
    rows = []
    for end, seed in [(end, 7) for end in NIGHTS] + SEEDED:
        result = night(end, seed)
        bad = (~np.isfinite(result.customers[list(PREDICTED)])).groupby(
            result.customers["segment"]).sum().sum(axis=1)
        for _, model in result.models.iterrows():
            rows.append({
                "end": end, "seed": seed, "segment": model["segment"],
                "status": model["status"],
                "gain": model["bgnbd_log_likelihood"] - model["constant_dropout_log_likelihood"],
                "without_clv": int(model["customers_without_clv"]),
                "non_finite": int(bad[model["segment"]]), "customers": int(model["customers"])})
    return pd.DataFrame(rows)


def test_every_customer_has_a_finite_clv_every_night(sweep) -> None:
    assert len(sweep) == 2 * (len(NIGHTS) + len(SEEDED))
    assert sweep["without_clv"].sum() == 0
    assert sweep["non_finite"].sum() == 0


def test_the_model_choice_follows_the_likelihood_rule(sweep) -> None:
    # The webshop segment (15,000+ customers) shows dropout varying between customers every
    # night and seed; installations (~500 repeat buyers) often do not.
    standard = sweep[sweep["segment"] == "standard"]
    assert (standard["status"] == FITTED).all()
    high = sweep[sweep["segment"] == "high_value"]
    assert set(high["status"]) == {FITTED, CONSTANT_DROPOUT}
    # BG/NBD exactly when its spread of dropout adds more than 1 (or the constant-dropout
    # model has no maximum); the ridge (gain <= 0) always gives the constant-dropout model
    kept = high["gain"] > SPREAD_GAIN
    assert (high.loc[kept, "status"] == FITTED).all()
    assert (high.loc[~kept, "status"] == CONSTANT_DROPOUT).all()
    ridge = high[high["end"] == dt.date(2026, 12, 4)].query("seed == 7")
    assert ridge["status"].tolist() == [CONSTANT_DROPOUT]


def test_the_same_night_gives_the_same_answer_whatever_the_row_order() -> None:
    customers = demo_customers(dt.date(2026, 12, 20))
    first = predict_clv(customers, TERMS)
    shuffled = customers.sample(frac=1.0, random_state=3)
    second = predict_clv(shuffled, TERMS)
    pd.testing.assert_frame_equal(first.models, second.models, rtol=1e-6)
    again = second.customers.loc[customers.index]
    for column in PREDICTED:
        np.testing.assert_allclose(again[column], first.customers[column], rtol=1e-6)


@pytest.mark.parametrize("days_back", [1, 0], ids=["yesterday (make demo)", "today"])
def test_demo_clv_on_the_real_date(days_back: int) -> None:
    """``datetime.date.today()``: what ``campaign-kpi demo`` runs tonight (to yesterday), on
    today's demo orders (the other nights here are the legacy draw's, see clv_demo)."""
    end = dt.date.today() - dt.timedelta(days=days_back)
    result = predict_clv(demo_customers(end, draw=demo_orders), TERMS)
    assert result.customers_without_clv == 0
    assert np.isfinite(result.customers[list(PREDICTED)]).all(axis=None)
    assert set(result.models["status"]) <= {FITTED, CONSTANT_DROPOUT}
