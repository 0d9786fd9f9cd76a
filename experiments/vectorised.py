"""Welch tests of many comparisons at once, on numpy arrays of sufficient statistics.

This is the one implementation: :func:`experiments.compare` calls it with arrays of length 1.
Inputs are per-arm n, mean and unit-level variance (``variance / n`` is the variance of the
mean). Absolute lift = mean_t − mean_c; relative lift = mean_t / mean_c − 1 with the delta-method
variance V_t / m_c² + V_c m_t² / m_c⁴, tested on the relative scale (its own p-value). Degrees of
freedom are Welch–Satterthwaite for both scales (``distribution="z"`` uses df = inf). One-sided
means H1: treatment > control. Degenerate rows get NaN and a message in ``error``.

The relative lift is undefined (NaN, with a message) when the control mean is zero or negative,
and when the treatment arm is all zeros (no conversions) against a control with some: the
estimate is then −100 % and the delta-method variance V_t / m_c² + V_c m_t² / m_c⁴ is exactly 0
(V_t = 0 and m_t = 0), so the "interval" would be the single point −100 % with p = 0. The
absolute difference stays defined in both cases.

>>> r = welch([1000], [0.004], [0.004 * 0.996], [1000], [0.0], [0.0], relative=True)
>>> float(r.estimate[0]), r.error[0] == ZERO_TREATMENT
(nan, True)

>>> r = welch([10000], [0.10], [0.09], [10000], [0.11], [0.11 * 0.89], relative=True)
>>> round(float(r.estimate[0]), 5), round(float(r.p_value[0]), 5)
(0.1, 0.02789)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from experiments.results import Distribution

F = NDArray[np.float64]

TOO_SMALL = "an arm has fewer than 2 units"
ALL_ZERO = "all values are zero in both arms (e.g. no conversions)"
NO_VARIANCE = "zero variance in both arms"
BAD_CONTROL = "control mean is zero or negative: relative lift is undefined"
ZERO_TREATMENT = ("the treatment has only zeros (e.g. no conversions): the delta-method "
                  "relative lift has no interval")
NOT_FINITE = "statistics are missing or not finite"


@dataclass(frozen=True)
class Tests:
    """Arrays of estimates, standard errors, df, CI bounds, p-values and error messages."""

    estimate: F
    se: F
    df: F
    ci_low: F
    ci_high: F
    p_value: F
    error: NDArray[np.object_]  # None or a message per row


def welch_df(n_c: ArrayLike, var_c: ArrayLike, n_t: ArrayLike, var_t: ArrayLike) -> F:
    """Welch–Satterthwaite degrees of freedom (inf when both variances are 0)."""
    n_c, var_c, n_t, var_t = (np.asarray(x, dtype=float) for x in (n_c, var_c, n_t, var_t))
    with np.errstate(divide="ignore", invalid="ignore"):
        a, b = var_c / n_c, var_t / n_t
        return (a + b) ** 2 / (a * a / (n_c - 1) + b * b / (n_t - 1))


def quantile(alpha: ArrayLike, df: ArrayLike, two_sided: bool, distribution: Distribution) -> F:
    """The critical value: t (or z) at 1 − alpha/2 two-sided, 1 − alpha one-sided."""
    level = 1 - np.asarray(alpha, dtype=float) / (2 if two_sided else 1)
    if distribution == "z":
        return np.asarray(special.ndtri(level), dtype=float)
    return np.asarray(special.stdtrit(np.asarray(df, dtype=float), level), dtype=float)


def interval(
    estimate: ArrayLike, se: ArrayLike, df: ArrayLike, alpha: ArrayLike = 0.05,
    two_sided: bool = True, distribution: Distribution = "t",
) -> tuple[F, F]:
    """CI bounds; one-sided intervals are (estimate − q·se, +inf)."""
    est, se = np.asarray(estimate, dtype=float), np.asarray(se, dtype=float)
    half = quantile(alpha, df, two_sided, distribution) * se
    high = est + half if two_sided else np.full_like(est + half, np.inf)
    return est - half, high


def p_values(z: ArrayLike, df: ArrayLike, two_sided: bool, distribution: Distribution) -> F:
    """p-value of a t (or z) statistic; one-sided tests H1: estimate > 0."""
    z = np.asarray(z, dtype=float)
    df = np.inf if distribution == "z" else np.asarray(df, dtype=float)
    tail = special.stdtr(df, -np.abs(z) if two_sided else -z)  # sf(x) = cdf(-x)
    return np.asarray(2 * tail if two_sided else tail, dtype=float)


def welch(
    n_c: ArrayLike, mean_c: ArrayLike, var_c: ArrayLike,
    n_t: ArrayLike, mean_t: ArrayLike, var_t: ArrayLike,
    *, relative: bool = False, alpha: ArrayLike = 0.05, two_sided: bool = True,
    distribution: Distribution = "t",
) -> Tests:
    """Welch tests of treatment vs control for every row (``alpha`` may be an array)."""
    n_c, m_c, v_c, n_t, m_t, v_t = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (n_c, mean_c, var_c, n_t, mean_t, var_t))
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        a, b = v_c / n_c, v_t / n_t
        if relative:
            est = m_t / m_c - 1
            var = b / m_c**2 + a * m_t**2 / m_c**4
        else:
            est = m_t - m_c
            var = a + b
        se = np.sqrt(var)
        df = welch_df(n_c, v_c, n_t, v_t) if distribution == "t" else np.full_like(est, np.inf)
        p = p_values(est / se, df, two_sided, distribution)
        low, high = interval(est, se, df, alpha, two_sided, distribution)

    error = np.full(est.shape, None, dtype=object)
    zero_var = (v_c == 0) & (v_t == 0)
    masks = [  # lowest priority first: later masks overwrite earlier ones
        (relative & (m_c <= 0), BAD_CONTROL),
        (relative & (m_c > 0) & (m_t == 0) & (v_t == 0) & (v_c > 0), ZERO_TREATMENT),
        (zero_var, NO_VARIANCE),
        (zero_var & (m_c == 0) & (m_t == 0), ALL_ZERO),
        (~np.isfinite(n_c + m_c + v_c + n_t + m_t + v_t), NOT_FINITE),
        ((n_c < 2) | (n_t < 2), TOO_SMALL),
    ]
    for mask, message in masks:
        error[mask] = message
    bad = error != None  # noqa: E711 (elementwise on an object array)
    out = [np.where(bad, np.nan, x) for x in (est, se, df, low, high, p)]
    return Tests(*out, error=error)
