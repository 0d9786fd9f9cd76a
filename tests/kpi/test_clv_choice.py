"""Which purchase model a segment gets: planted heterogeneous dropout keeps BG/NBD, planted
constant dropout (and no dropout) gives the constant-dropout model with the planted figures, the
demo's ridge night always gives the same answer, CDNOW keeps its published fit, and segments
without a model say why."""

from __future__ import annotations

import datetime as dt
import doctest
import re

import numpy as np
import pandas as pd
import pytest

from kpi.clv import choice as clv_choice
from kpi.clv import models as clv
from kpi.clv.choice import (
    CONSTANT_DROPOUT,
    FITTED,
    NO_REPEAT_BUYERS,
    NOT_FITTED,
    SPREAD_GAIN,
    fit_purchase_model,
)
from tests.kpi.clv_demo import demo_customers
from tests.kpi.test_clv import PUBLISHED_BGNBD, dataset


def planted(r: float, alpha: float, a: float, b: float, n: int = 20_000, seed: int = 11):
    """(x, t_x, T) of ``n`` customers observed 26-78 weeks (recency to the day)."""
    rng = np.random.default_rng(seed)
    T = rng.integers(26 * 7, 78 * 7 + 1, n) / 7
    x, tx = clv.simulate_bgnbd(r, alpha, a, b, T, rng)
    return x, np.round(tx * 7) / 7, T


def test_docstring_examples_run() -> None:
    assert doctest.testmod(clv_choice).failed == 0


def test_heterogeneous_dropout_keeps_bgnbd() -> None:
    fit = fit_purchase_model(*planted(0.243, 4.414, 0.793, 2.426))
    assert fit.status == FITTED and fit.message is None
    assert isinstance(fit.params, clv.BgNbdParams)
    assert fit.bgnbd_log_likelihood - fit.constant_dropout_log_likelihood > 100
    for name, true in PUBLISHED_BGNBD.items():
        assert getattr(fit.params, name) == pytest.approx(true, rel=0.2), name


def test_one_dropout_probability_for_all_gives_the_constant_dropout_model() -> None:
    # Beta(3e6, 7e6) is p = 0.3 for everyone: BG/NBD's a and b run off along the ridge.
    fit = fit_purchase_model(*planted(0.5, 8.0, 3e6, 7e6))
    assert fit.status == CONSTANT_DROPOUT
    assert isinstance(fit.params, clv.ConstantDropoutParams)
    assert fit.params.p == pytest.approx(0.3, rel=0.1)
    assert fit.params.r == pytest.approx(0.5, rel=0.1)
    assert fit.params.alpha == pytest.approx(8.0, rel=0.15)
    assert re.search(r"one dropout probability for all: p = 0\.(29|30)", fit.message)
    gain = fit.bgnbd_log_likelihood - fit.constant_dropout_log_likelihood
    assert np.isnan(gain) or gain <= SPREAD_GAIN


def test_nobody_dropping_out_is_p_zero() -> None:
    fit = fit_purchase_model(*planted(0.5, 8.0, 1e-9, 1.0))  # p ~ Beta(1e-9, 1): all 0
    assert fit.status == CONSTANT_DROPOUT and fit.params.p == 0.0
    assert "no customer seen to drop out: p = 0" in fit.message
    assert fit.params.r / fit.params.alpha == pytest.approx(0.5 / 8.0, rel=0.05)


def test_the_ridge_night_gets_the_same_model_every_time() -> None:
    """The demo's high-value segment on 2026-12-04: BG/NBD runs up the ridge (a 96,180,
    b 174,309, where the optimiser happened to stop); the choice does not depend on that."""
    customers = demo_customers(dt.date(2026, 12, 4))
    group = customers[customers["segment"] == "high_value"]
    columns = [group[c].to_numpy(float) for c in ("frequency", "recency", "T")]
    fit = fit_purchase_model(*columns)
    assert fit.status == CONSTANT_DROPOUT
    assert fit.params.p == pytest.approx(0.35558, abs=1e-4)
    assert fit.bgnbd_log_likelihood - fit.constant_dropout_log_likelihood <= 1e-3
    order = np.random.default_rng(3).permutation(len(group))
    again = fit_purchase_model(*(c[order] for c in columns))
    assert again.status == CONSTANT_DROPOUT
    assert again.params.p == pytest.approx(fit.params.p, rel=1e-6)
    assert again.params.r == pytest.approx(fit.params.r, rel=1e-6)


def test_cdnow_keeps_the_published_fit() -> None:
    cdnow = pd.read_csv(dataset("cdnow_customers_summary_with_transactions.csv"))
    fit = fit_purchase_model(cdnow.x, cdnow.t_x, cdnow["T"])
    assert fit.status == FITTED
    assert fit.params == clv.fit_bgnbd(cdnow.x, cdnow.t_x, cdnow["T"])
    assert fit.params.log_likelihood == pytest.approx(-9582.43, abs=0.005)


def test_no_repeat_buyers_and_unidentified_data_have_no_model() -> None:
    fit = fit_purchase_model([0, 0, 0], [0, 0, 0], [3, 5, 8])
    assert (fit.params, fit.status, fit.message) == (
        None, NO_REPEAT_BUYERS, "nobody in the segment bought twice yet")
    assert fit_purchase_model([], [], []).status == NO_REPEAT_BUYERS
    # One purchase rate for all and no dropout: both models run to a boundary.
    T = np.full(2000, 52.0)
    x, tx = clv.simulate_bgnbd(1e6, 2e6, 1e-6, 1e6, T, np.random.default_rng(0))
    fit = fit_purchase_model(x, tx, T)
    assert fit.params is None and fit.status == NOT_FITTED
    assert fit.message.startswith("BG/NBD: fit_bgnbd: no maximum inside")
    assert "; constant dropout: fit_constant_dropout: no maximum inside" in fit.message


def test_invalid_input_still_raises() -> None:
    with pytest.raises(ValueError, match="recency: row 1 is greater than T"):
        fit_purchase_model([1, 2], [2, 7], [5, 6])
    with pytest.raises(ValueError, match="no customer has a repeat purchase"):
        clv.fit_constant_dropout([0, 0], [0, 0], [5, 6])
