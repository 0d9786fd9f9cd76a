"""Degenerate input returns results with messages and NaNs; it never raises."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments import (
    ProportionStats,
    RatioStats,
    SampleMeanStats,
    bayes_compare,
    compare,
    exact_test,
    srm_test,
)
from experiments.vectorised import ALL_ZERO, BAD_CONTROL, NO_VARIANCE, TOO_SMALL


def test_empty_arm() -> None:
    r = compare(ProportionStats(0, 0), ProportionStats(100, 5))
    assert r.error == TOO_SMALL and math.isnan(r.relative.p_value)
    assert math.isnan(r.absolute.estimate)
    assert bayes_compare(ProportionStats(0, 0), ProportionStats(100, 5)).error


def test_zero_conversions_in_both_arms() -> None:
    r = compare(ProportionStats(1000, 0), ProportionStats(1000, 0))
    assert r.error == ALL_ZERO and math.isnan(r.absolute.ci_low)


def test_zero_variance() -> None:
    r = compare(SampleMeanStats(10, 50, 250), SampleMeanStats(10, 60, 360))
    assert r.error == NO_VARIANCE


def test_control_mean_zero_keeps_the_absolute_lift() -> None:
    r = compare(ProportionStats(1000, 0), ProportionStats(1000, 7))
    assert r.error == BAD_CONTROL and math.isnan(r.relative.estimate)
    assert r.absolute.estimate == 0.007


def test_negative_control_mean() -> None:
    r = compare(SampleMeanStats(100, -50, 400), SampleMeanStats(100, 20, 300))
    assert r.error == BAD_CONTROL


def test_ratio_with_zero_denominator() -> None:
    r = compare(RatioStats(10, 5, 5, 0, 0, 0), RatioStats(10, 5, 5, 10, 12, 6))
    assert r.error is not None


def test_srm_bad_input() -> None:
    assert srm_test([10, 20], [1]).error
    assert srm_test([0, 0], [1, 1]).error
    assert srm_test([10, 20], [0, 1]).error


def test_exact_on_empty_arm() -> None:
    assert exact_test(ProportionStats(0, 0), ProportionStats(10, 1)).error


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60), st.integers(0, 60))
def test_any_counts_give_a_result_never_an_exception(n1: int, s1: int, n2: int, s2: int) -> None:
    c, t = ProportionStats(n1, min(s1, n1)), ProportionStats(n2, min(s2, n2))
    r = compare(c, t)
    if r.error is None:
        assert 0 <= r.absolute.p_value <= 1 and r.absolute.ci_low <= r.absolute.ci_high
        assert (r.relative.p_value < 0.05) == (r.relative.ci_low > 0 or r.relative.ci_high < 0)
    else:
        assert np.isnan(r.relative.p_value) or r.error == BAD_CONTROL
