"""The two ways ``kpi.clv.expectation`` sums a still-active customer's expected purchases: the
series and the logit quadrature agree wherever both run, the quadrature matches mpmath where it
is the one used (long horizons against short histories, tiny alpha), and the constant-dropout
closed form matches its own reference."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kpi.clv import expectation as clv_expectation
from kpi.clv.expectation import alive_purchases, constant_dropout_purchases
from kpi.clv.models import BgNbdParams
from tests.kpi import clv_reference as ref
from tests.kpi.test_clv_numerics import bgnbd_params, close, log_uniform


def test_docstring_examples_run() -> None:
    assert doctest.testmod(clv_expectation).failed == 0


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(params=bgnbd_params(), x=st.integers(0, 1000), s=log_uniform(1e-6, 50.0))
def test_series_and_quadrature_agree(params, x, s) -> None:
    k, b_x = params.r + x, params.b + x
    series = float(alive_purchases(k, b_x, params.a, s))
    quadrature = float(alive_purchases(k, b_x, params.a, s, max_terms=0))
    assert np.isfinite(series) and np.isfinite(quadrature)
    assert abs(series - quadrature) <= 1e-10 * series


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(params=bgnbd_params(), x=st.integers(0, 300), T=st.floats(0.0, 52.0),
       t=log_uniform(52.0, 1043.0))
@example(params=BgNbdParams(0.05, 1e-4, 0.01, 0.02, 0.0, 0), x=0, T=0.0, t=1043.0)  # s = 1e7
@example(params=BgNbdParams(0.24, 37.4, 96180.0, 174309.0, 0.0, 0), x=0, T=0.0, t=1043.0)
def test_quadrature_matches_mpmath_on_long_horizons(params, x, T, t) -> None:
    """s = t / (alpha + T) up to 1e7: where the series would need too many terms."""
    s = t / (params.alpha + T)
    ours = float(alive_purchases(params.r + x, params.b + x, params.a, s, max_terms=0))
    theirs = ref.alive_purchases(params.r, params.alpha, params.a, params.b, x, T, t)
    assert np.isfinite(ours)
    if theirs is not None:
        assert close(ours, theirs), (ours, theirs)


def test_a_row_the_series_cannot_finish_goes_to_the_quadrature() -> None:
    # s = 1e4 needs ~4e5 terms: over the default 3,000, so the quadrature answers.
    k, b_x, a, s = 1.5, 2.0, 0.5, 1e4
    both = alive_purchases([k, k], [b_x, b_x], a, [s, 0.5])
    assert both[0] == alive_purchases(k, b_x, a, s, max_terms=0)
    assert both[1] == pytest.approx(float(alive_purchases(k, b_x, a, 0.5, max_terms=0)),
                                    rel=1e-10)


@pytest.mark.parametrize("p", [0.0, 1e-12, 0.01, 0.3556, 0.999])
@pytest.mark.parametrize(("x", "T", "t"), [(0, 0.0, 1.0), (3, 52.0, 52.0), (1000, 10.0, 1043.0),
                                           (5, 1043.0, 1e-3)])
def test_constant_dropout_closed_form(p, x, T, t) -> None:
    r, alpha = 0.24, 37.4
    ours = float(constant_dropout_purchases(r + x, p, t / (alpha + T)))
    assert close(ours, ref.constant_dropout_purchases(r, alpha, p, x, T, t))


def test_nothing_is_bought_in_no_time() -> None:
    assert (alive_purchases([0.3, 5.0], [2.0, 1e6], 1e6, 0.0) == 0).all()
    assert constant_dropout_purchases(2.0, 0.4, 0.0) == 0
