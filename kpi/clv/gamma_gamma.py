"""The Gamma-Gamma spend model (Fader, Hardie & Lee 2005): the value of a customer's purchases,
fitted by maximum likelihood on the repeat buyers, and the expected value of a purchase given
what a customer spent so far.

>>> g = GammaGammaParams(p=6.25, q=3.74, v=15.44, log_likelihood=0.0, n_customers=946)
>>> round(g.mean_value, 2)
35.22
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import digamma, gammaln

from kpi.clv.likelihood import (
    Array,
    Levels,
    column,
    first_row,
    flat_rows,
    interior,
    maximise,
    prepare,
    weights_of,
)


@dataclass(frozen=True)
class GammaGammaParams:
    """Fitted Gamma-Gamma spend model: a purchase's value ~ Gamma(p, nu) with the customer's
    nu ~ Gamma(q, v) (``v`` is the paper's gamma). Fitted on repeat buyers only."""

    p: float
    q: float
    v: float
    log_likelihood: float
    n_customers: int

    @property
    def mean_value(self) -> float:
        """Population mean value of a purchase, p v / (q - 1) (infinite when q <= 1)."""
        return self.p * self.v / (self.q - 1) if self.q > 1 else float("inf")


def _gg_loglik(theta: Array, x: Levels, z: Array, log_z: Array) -> tuple[Array, Array]:
    """Per-row log density of the mean value z of x purchases (Fader, Hardie & Lee 2005;
    Fader & Hardie 2013 note, eq. 5): G(px+q)/(G(px) G(q)) v^q x^(px) z^(px-1) / (v+xz)^(px+q).
    ``log_z`` is log(z), which does not depend on the parameters."""
    p, q, v = np.exp(theta)
    px = p * x.values
    log_x = np.log(x.values)
    # Per distinct frequency.
    lead = gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + px * log_x
    psi = digamma(px + q)
    d_p_x = x.values * (psi - digamma(px) + log_x)
    d_q_x = psi - digamma(q) + np.log(v)
    # Per row.
    ix = x.index
    xz = x.values[ix] * z
    log_vxz = np.log(v + xz)
    pxq = (px + q)[ix]
    ll = lead[ix] + (px[ix] - 1) * log_z - pxq * log_vxz
    d_p = d_p_x[ix] + x.values[ix] * (log_z - log_vxz)
    d_q = d_q_x[ix] - log_vxz
    d_v = q / v - pxq / (v + xz)
    return ll, np.column_stack([d_p * p, d_q * q, d_v * v])


def fit_gamma_gamma(frequency: ArrayLike, monetary_value: ArrayLike,
                    weights: ArrayLike | None = None, *,
                    compress_rows: bool = True) -> GammaGammaParams:
    """Maximum-likelihood Gamma-Gamma on the repeat buyers (frequency > 0) among the rows;
    ``monetary_value`` is the mean value of their repeat purchases and must be > 0.

    >>> rng = np.random.default_rng(2)
    >>> x = rng.integers(1, 6, 20_000)  # repeat purchases
    >>> nu = rng.gamma(3.0, 1 / 15.0, 20_000)  # q = 3, v = 15
    >>> m = rng.gamma(6.0 * x, 1 / (nu * x))  # mean of x values ~ Gamma(p = 6, nu)
    >>> g = fit_gamma_gamma(x, m)
    >>> g.n_customers, round(g.p, 1), round(g.q, 1), round(g.v, 1)
    (20000, 6.2, 3.1, 14.7)
    """
    x, m = flat_rows(frequency=frequency, monetary_value=monetary_value)
    x, m = column("frequency", x), column("monetary_value", m)
    if (x != np.round(x)).any():
        raise ValueError(f"frequency: row {first_row(x != np.round(x))} is not a whole number")
    w = weights_of(weights, x.size)
    if x.size == 0:
        raise ValueError("fit_gamma_gamma: no customers to fit (empty input)")
    repeat = (x > 0) & (w > 0)
    if not repeat.any():
        raise ValueError("fit_gamma_gamma: no repeat buyers (frequency > 0); the spend model "
                         "is fitted on repeat purchases only")
    zero = repeat & (m == 0)
    if zero.any():
        raise ValueError(f"monetary_value: row {first_row(zero)} is 0 for a repeat buyer; "
                         "the spend model needs positive purchase values")
    (x, m), w = prepare((x[repeat], m[repeat]), w[repeat], compress_rows)
    mean_value = (w @ m) / w.sum()
    start = np.log([1.0, 2.0, mean_value])  # p v / (q - 1) = the observed mean at the start
    levels, log_m = Levels.of(x), np.log(m)
    optimum = maximise(lambda th: _gg_loglik(th, levels, m, log_m), start, w)
    p, q, v = interior(optimum, "fit_gamma_gamma", ("p", "q", "v"))
    if q <= 1:  # would make every expected value infinite: say so now, not at prediction time
        raise ValueError(f"fit_gamma_gamma: q = {q:.4g} <= 1, so the fitted mean purchase value "
                         "p v / (q - 1) is infinite (a few very large purchases among many "
                         "small ones)")
    return GammaGammaParams(float(p), float(q), float(v), optimum.log_likelihood,
                            round(float(w.sum())))


def expected_average_value(params: GammaGammaParams, frequency: ArrayLike,
                           monetary_value: ArrayLike) -> Array:
    """E[value of a purchase | x, mean value m] = (v + x m) p / (p x + q - 1): a weighted mean of
    the population mean p v/(q-1) and the customer's own m (the population mean when x = 0).

    >>> g = GammaGammaParams(p=6.25, q=3.74, v=15.44, log_likelihood=0.0, n_customers=946)
    >>> round(float(expected_average_value(g, 2, 22.35)), 2)
    24.66
    """
    if params.q <= 1:
        raise ValueError(f"expected_average_value: q = {params.q:.4g} <= 1, so the mean "
                         "purchase value is infinite")
    x, m = column("frequency", frequency), column("monetary_value", monetary_value)
    return (params.v + x * m) * params.p / (params.p * x + params.q - 1)
