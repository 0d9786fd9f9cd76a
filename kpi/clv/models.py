"""Customer lifetime value models fitted by maximum likelihood: BG/NBD for the number of repeat
purchases and Gamma-Gamma for their value (Fader, Hardie & Lee 2005), BG/NBD's constant-dropout
limit (one dropout probability for all; ``kpi.clv.choice`` says when it is used), plus
discounted CLV. The expectations of future purchases are summed in ``kpi.clv.expectation``.

Inputs are the usual per-customer summaries (see ``kpi.clv.summary.rfm_summary``):
``frequency`` x = number of repeat purchases, ``recency`` t_x = time from first to last
purchase, ``T`` = time from first purchase to the end of observation, all in one time unit
(weeks, say); ``monetary_value`` = mean value of the repeat purchases (0 when x = 0).

Identical (x, t_x, T) rows are folded into one weighted row before fitting, so the cost of a fit
grows with the number of distinct summaries, not of customers.

>>> bg = BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=-9582.43,
...                  n_customers=2357)
>>> round(float(probability_alive(bg, frequency=2, recency=30.43, T=38.86)), 4)
0.7266
>>> round(float(expected_purchases(bg, 39, frequency=2, recency=30.43, T=38.86)), 3)
1.226
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import digamma, expit, gammaln, log_expit

from kpi.clv.expectation import alive_purchases, constant_dropout_purchases
from kpi.clv.gamma_gamma import GammaGammaParams, expected_average_value
from kpi.clv.likelihood import (
    LOG_LIMIT,
    Array,
    Levels,
    column,
    compress,
    flat_rows,
    interior,
    maximise,
    prepare,
    summaries,
    weights_of,
)


@dataclass(frozen=True)
class BgNbdParams:
    """Fitted BG/NBD: purchase rate lambda ~ Gamma(shape r, rate alpha); after each repeat
    purchase the customer drops out with probability p ~ Beta(a, b). ``alpha`` is in the time
    unit of the data. ``log_likelihood`` is the full log-likelihood at the optimum;
    ``n_customers`` the number of customers (the sum of the weights) it was fitted on."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int


@dataclass(frozen=True)
class ConstantDropoutParams:
    """BG/NBD's limit as a, b -> infinity with a / (a + b) -> p: purchase rate
    lambda ~ Gamma(shape r, rate alpha) as before, but every customer drops out with the same
    probability ``p`` after each repeat purchase (p = 0: nobody drops out, the NBD model). Fitted
    by maximum likelihood in its own right (``fit_constant_dropout``)."""

    r: float
    alpha: float
    p: float
    log_likelihood: float
    n_customers: int


PurchaseParams = BgNbdParams | ConstantDropoutParams


# --- BG/NBD -------------------------------------------------------------------------------

def _bgnbd_loglik(theta: Array, x: Levels, tx: Levels, t_end: Levels) -> tuple[Array, Array]:
    """Per-row BG/NBD log-likelihood and gradient in log-parameters (FHL 2005, eq. 6):
    L = B(a, b+x)/B(a, b) G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
      + [x > 0] B(a+1, b+x-1)/B(a, b) G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x)),
    written with the Beta functions expanded: log L = A + log(exp(t1) + exp(t2)) with
    A = lnG(r+x) - lnG(r) + r ln alpha + lnG(a+b) - lnG(b) - lnG(a+b+x),
    t1 = lnG(b+x) - (r+x) ln(alpha+T), t2 = ln a + lnG(b+x-1) - (r+x) ln(alpha+t_x)."""
    r, alpha, a, b = np.exp(theta)
    X, ix = x.values, x.index
    repeat = X > 0
    xs = np.where(repeat, X, 1.0)  # keeps b + x - 1 > 0 where the second term is absent
    # Per distinct frequency.
    k = r + X
    psi_abx = digamma(a + b + X)
    common = (gammaln(k) - gammaln(r) + r * np.log(alpha) + gammaln(a + b) - gammaln(b)
              - gammaln(a + b + X))
    first = gammaln(b + X)
    second = np.where(repeat, np.log(a) + gammaln(b + xs - 1), -np.inf)
    # Per distinct T and t_x.
    log_at, log_atx = np.log(alpha + t_end.values), np.log(alpha + tx.values)
    # Per row.
    k_row, lat, latx = k[ix], log_at[t_end.index], log_atx[tx.index]
    term1 = first[ix] - k_row * lat
    term2 = second[ix] - k_row * latx
    tail = np.logaddexp(term1, term2)
    ll = common[ix] + tail
    w1, w2 = np.exp(term1 - tail), np.exp(term2 - tail)  # shares of the two terms
    d_r = (digamma(k) - digamma(r) + np.log(alpha))[ix] - w1 * lat - w2 * latx
    d_alpha = r / alpha - k_row * (w1 / (alpha + t_end.values)[t_end.index]
                                   + w2 / (alpha + tx.values)[tx.index])
    d_a = (digamma(a + b) - psi_abx)[ix] + w2 / a
    d_b = ((digamma(a + b) - psi_abx - digamma(b))[ix] + w1 * digamma(b + X)[ix]
           + w2 * digamma(b + xs - 1)[ix])
    grad = np.column_stack([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
    return ll, grad


def fit_bgnbd(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
              weights: ArrayLike | None = None, *, compress_rows: bool = True) -> BgNbdParams:
    """Maximum-likelihood BG/NBD. ``weights`` counts customers per row (default 1 each);
    ``compress_rows=False`` skips folding identical rows (same optimum, slower).

    >>> p = fit_bgnbd([0, 1, 3, 0, 2, 1], [0, 4, 9, 0, 6, 1], [10, 10, 10, 12, 12, 12],
    ...               weights=[30, 8, 3, 25, 5, 6])
    >>> p.n_customers, round(p.r, 3) > 0
    (77, True)
    """
    x, tx, t_end = flat_rows(frequency=frequency, recency=recency, T=T)
    x, tx, t_end = summaries(x, tx, t_end)
    w = weights_of(weights, x.size)
    if x.size == 0 or w.sum() == 0:
        raise ValueError("fit_bgnbd: no customers to fit (empty input or all weights 0)")
    if w[x > 0].sum() == 0:
        raise ValueError("fit_bgnbd: no customer has a repeat purchase (all frequency 0); "
                         "BG/NBD cannot be estimated")
    (x, tx, t_end), w = prepare((x, tx, t_end), w, compress_rows)
    # Start at r = a = b = 1 with alpha matching the mean purchase rate r / alpha.
    alpha0 = (w @ t_end) / max(w @ x, 1e-9)
    start = np.log([1.0, float(np.clip(alpha0, 1e-6, 1e6)), 1.0, 1.0])
    levels = Levels.of(x), Levels.of(tx), Levels.of(t_end)
    optimum = maximise(lambda th: _bgnbd_loglik(th, *levels), start, w)
    r, alpha, a, b = interior(optimum, "fit_bgnbd", ("r", "alpha", "a", "b"))
    return BgNbdParams(float(r), float(alpha), float(a), float(b), optimum.log_likelihood,
                       round(float(w.sum())))


def _constant_loglik(theta: Array, x: Levels, tx: Levels,
                     t_end: Levels) -> tuple[Array, Array]:
    """Per-row log-likelihood and gradient of the constant-dropout model in
    (log r, log alpha, logit p): BG/NBD's eq. 6 with B(a, b+x)/B(a, b) -> (1-p)^x and
    B(a+1, b+x-1)/B(a, b) -> p (1-p)^(x-1). ``theta[2] = -inf`` is p = 0 (gradient 0 there)."""
    r, alpha = np.exp(theta[:2])
    log_p, log_q = log_expit(theta[2]), log_expit(-theta[2])
    p = np.exp(log_p)
    X, ix = x.values, x.index
    k = r + X
    common = gammaln(k) - gammaln(r) + r * np.log(alpha)
    first = X * log_q
    second = np.where(X > 0, log_p + (X - 1) * log_q, -np.inf)
    log_at, log_atx = np.log(alpha + t_end.values), np.log(alpha + tx.values)
    k_row, lat, latx = k[ix], log_at[t_end.index], log_atx[tx.index]
    term1 = first[ix] - k_row * lat
    term2 = second[ix] - k_row * latx
    tail = np.logaddexp(term1, term2)
    w1, w2 = np.exp(term1 - tail), np.exp(term2 - tail)
    d_r = (digamma(k) - digamma(r) + np.log(alpha))[ix] - w1 * lat - w2 * latx
    d_alpha = r / alpha - k_row * (w1 / (alpha + t_end.values)[t_end.index]
                                   + w2 / (alpha + tx.values)[tx.index])
    d_logit = -w1 * X[ix] * p + w2 * (1 - X[ix] * p)
    return common[ix] + tail, np.column_stack([d_r * r, d_alpha * alpha, d_logit])


_DROPOUT_STARTS = (0.02, 0.2, 0.6)  # starting values of p for the constant-dropout fit
_P_ZERO_GAIN = 1e-6  # log-likelihood a p > 0 must add over p = 0 to be reported


def fit_constant_dropout(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
                         weights: ArrayLike | None = None, *,
                         compress_rows: bool = True) -> ConstantDropoutParams:
    """Maximum-likelihood constant-dropout model (``ConstantDropoutParams``) on the same
    summaries as ``fit_bgnbd``. p = 0 (nobody drops out) is part of the parameter space: it is
    fitted as its own two-parameter model and chosen unless a p > 0 adds more than 1e-6 to the
    log-likelihood; p > 0 is searched from three starting values (its profile likelihood is
    flat towards 0, where a single search may stop anywhere).

    >>> c = fit_constant_dropout([0, 1, 3, 0, 2, 1], [0, 4, 9, 0, 6, 1], [10, 10, 10, 12, 12, 12],
    ...                          weights=[30, 8, 3, 25, 5, 6])
    >>> c.n_customers, 0 <= c.p < 1
    (77, True)
    """
    x, tx, t_end = flat_rows(frequency=frequency, recency=recency, T=T)
    x, tx, t_end = summaries(x, tx, t_end)
    w = weights_of(weights, x.size)
    if x.size == 0 or w.sum() == 0:
        raise ValueError("fit_constant_dropout: no customers to fit (empty input or all "
                         "weights 0)")
    if w[x > 0].sum() == 0:
        raise ValueError("fit_constant_dropout: no customer has a repeat purchase (all "
                         "frequency 0); the model cannot be estimated")
    (x, tx, t_end), w = prepare((x, tx, t_end), w, compress_rows)
    alpha0 = float(np.clip((w @ t_end) / max(w @ x, 1e-9), 1e-6, 1e6))
    levels = Levels.of(x), Levels.of(tx), Levels.of(t_end)

    def nbd(theta: Array) -> tuple[Array, Array]:
        ll, grad = _constant_loglik(np.append(theta, -np.inf), *levels)
        return ll, grad[:, :2]

    names = ("r", "alpha", "p")
    zero = maximise(nbd, np.log([1.0, alpha0]), w)
    tries = [maximise(lambda th: _constant_loglik(th, *levels),
                       np.array([0.0, np.log(alpha0), np.log(p0) - np.log1p(-p0)]), w)
             for p0 in _DROPOUT_STARTS]
    best = max(tries, key=lambda o: (o.converged, o.log_likelihood))
    n = round(float(w.sum()))
    if best.converged and best.log_likelihood > zero.log_likelihood + _P_ZERO_GAIN:
        r, alpha, _ = interior(best, "fit_constant_dropout", names, free=(False, False, True))
        if best.theta[2] > LOG_LIMIT:
            raise ValueError("fit_constant_dropout: no maximum inside the parameter space (p "
                             "runs to 1: every repeat buyer would leave after one purchase)")
        p = float(expit(best.theta[2]))
        return ConstantDropoutParams(float(r), float(alpha), p, best.log_likelihood, n)
    r, alpha = interior(zero, "fit_constant_dropout", names[:2])
    return ConstantDropoutParams(float(r), float(alpha), 0.0, zero.log_likelihood, n)


def probability_alive(params: PurchaseParams, frequency: ArrayLike, recency: ArrayLike,
                      T: ArrayLike) -> Array:
    """P(still active at T | x, t_x, T) = 1 / (1 + [x > 0] odds ((alpha+T)/(alpha+t_x))^(r+x))
    with odds = a/(b+x-1) (Fader, Hardie & Lee 2008 note, eq. 4), or p/(1-p) for constant
    dropout; 1 for customers without repeat purchases (and for p = 0). Evaluated as a logistic
    function of the log odds, so it stays in [0, 1] for any parameters."""
    x, tx, t_end = summaries(frequency, recency, T)
    r, alpha = params.r, params.alpha
    if isinstance(params, ConstantDropoutParams) and params.p == 0:
        return np.ones(np.broadcast(x, tx, t_end).shape)
    xs = np.where(x > 0, x, 1.0)
    if isinstance(params, ConstantDropoutParams):
        odds = np.log(params.p) - np.log1p(-params.p)
    else:
        odds = np.log(params.a) - np.log(params.b + xs - 1)
    log_odds = odds + (r + x) * np.log1p((t_end - tx) / (alpha + tx))
    return np.where(x > 0, expit(-log_odds), 1.0)


def expected_purchases(params: PurchaseParams, t: ArrayLike, frequency: ArrayLike,
                       recency: ArrayLike, T: ArrayLike) -> Array:
    """Expected purchases in (T, T + t] given (x, t_x, T): P(alive) x the expectation of a
    customer still active (FHL 2005, eq. 10; see ``kpi.clv.expectation`` for how it is summed:
    finite, between 0 and (r+x) t / (alpha+T), accurate to about 1e-12 for any parameters).
    Broadcasts ``t`` against the customers (pass ``t[:, None]`` for a grid of horizons)."""
    x, tx, t_end = summaries(frequency, recency, T)
    horizon = column("t", t)
    x, tx, t_end, horizon = np.broadcast_arrays(x, tx, t_end, horizon)
    if x.size == 0:
        return np.zeros(x.shape)
    # Depends on (x, T, t) only: once per distinct triple (weekly histories repeat a lot),
    # the same value per row as row by row.
    distinct, _, inverse = compress(x.reshape(-1), t_end.reshape(-1), horizon.reshape(-1))
    if_alive = _if_alive(params, *distinct)[inverse].reshape(x.shape)
    return if_alive * probability_alive(params, x, tx, t_end)


def _if_alive(params: PurchaseParams, x: Array, t_end: Array, t: Array) -> Array:
    """Expected purchases in (T, T+t] of a customer still active at T."""
    k, s = params.r + x, t / (params.alpha + t_end)
    if isinstance(params, ConstantDropoutParams):
        return constant_dropout_purchases(k, params.p, s)
    return alive_purchases(k, params.b + x, params.a, s)


def simulate_bgnbd(r: float, alpha: float, a: float, b: float, T: ArrayLike,
                   rng: np.random.Generator) -> tuple[Array, Array]:
    """Draw (frequency, recency) for customers observed for ``T`` from a BG/NBD process: each
    has lambda ~ Gamma(r, rate alpha) and p ~ Beta(a, b), buys at Poisson rate lambda while
    active and drops out with probability p after each repeat purchase. For tests and
    benchmarks; recency is exact (round it to the data's resolution if wanted).

    >>> x, tx = simulate_bgnbd(0.243, 4.414, 0.793, 2.426, np.full(1000, 39.0),
    ...                        np.random.default_rng(0))
    >>> bool((tx <= 39).all() and ((x == 0) == (tx == 0)).all())
    True
    """
    t_end = column("T", T).reshape(-1)
    n = t_end.size
    rate = rng.gamma(r, 1 / alpha, n)
    dropout = rng.beta(a, b, n)
    x, tx, now = np.zeros(n), np.zeros(n), np.zeros(n)
    active = np.arange(n)
    while active.size:
        with np.errstate(divide="ignore"):  # lambda can underflow to 0: no further purchase
            now[active] += rng.standard_exponential(active.size) / rate[active]
        active = active[now[active] <= t_end[active]]
        x[active] += 1
        tx[active] = now[active]
        active = active[rng.random(active.size) >= dropout[active]]
    return x, tx


# --- CLV ----------------------------------------------------------------------------------


def discounted_clv(bg: PurchaseParams, gg: GammaGammaParams | None, frequency: ArrayLike,
                   recency: ArrayLike, T: ArrayLike, monetary_value: ArrayLike,
                   horizon_periods: int, discount_rate_per_period: float, *,
                   period_length: float = 1.0,
                   memo: MutableMapping[tuple[float, float], float] | None = None) -> Array:
    """Discounted expected value of each customer's purchases over the next ``horizon_periods``
    periods of ``period_length`` model time units (e.g. months of 4.345 weeks):

        CLV = sum_{k=1..H} [E[Y(k L)] - E[Y((k-1) L)]] x E[M] / (1 + d)^k

    -- the discrete convention of lifetimes' ``customer_lifetime_value`` (purchases of period k
    discounted by k whole periods). E[M] is ``expected_average_value(gg, ...)``, or
    ``monetary_value`` as given when ``gg`` is None.

    ``memo`` maps (x, T) to the discounted purchases of a customer still active; pairs found
    there are not computed again, the others are added. Share one memo only between calls with
    the same ``bg``, horizon, rate and period length (e.g. the nights scored with one stored
    fit); each pair's value is the same whether it is computed alone or with others.

    >>> bg = BgNbdParams(0.243, 4.414, 0.793, 2.426, -9582.43, 2357)
    >>> gg = GammaGammaParams(6.25, 3.74, 15.44, 0.0, 946)
    >>> round(float(discounted_clv(bg, gg, 2, 30.43, 38.86, 22.35, 12, 0.01,
    ...                            period_length=4.345)), 2)
    36.29
    """
    if int(horizon_periods) != horizon_periods or horizon_periods < 1:
        raise ValueError(f"horizon_periods: {horizon_periods!r}; must be a whole number >= 1")
    if not np.isfinite(discount_rate_per_period) or discount_rate_per_period <= -1:
        raise ValueError(f"discount_rate_per_period: {discount_rate_per_period!r}; must be > -1")
    if not np.isfinite(period_length) or period_length <= 0:
        raise ValueError(f"period_length: {period_length!r}; must be > 0")
    x, tx, t_end = summaries(frequency, recency, T)
    value = (column("monetary_value", monetary_value) if gg is None
             else expected_average_value(gg, x, monetary_value))
    x, tx, t_end = np.broadcast_arrays(x, tx, t_end)
    # The purchases of a customer who is still active depend on (x, T) only: evaluate the
    # horizons once per distinct pair, then scale by each customer's P(alive).
    if x.size == 0:
        return np.zeros(x.shape)
    (ux, ut), _, inverse = compress(x.reshape(-1), t_end.reshape(-1))
    memo = {} if memo is None else memo
    known = np.array([(xi, ti) in memo for xi, ti in zip(ux.tolist(), ut.tolist(),
                                                          strict=True)], dtype=bool)
    pairs = np.array([memo.get((xi, ti), np.nan) for xi, ti in zip(ux.tolist(), ut.tolist(),
                                                                   strict=True)])
    if not known.all():
        new_x, new_t = ux[~known], ut[~known]
        steps = np.arange(int(horizon_periods) + 1, dtype=np.float64)[:, None] * period_length
        grid = np.broadcast_arrays(new_x, new_t, steps)
        per_period = np.maximum(np.diff(_if_alive(bg, *grid), axis=0), 0.0)  # rises with t
        discount = (1 + discount_rate_per_period) ** -np.arange(1, int(horizon_periods) + 1)
        # summed period by period, in order: each pair's sum is the same whatever the other
        # pairs (numpy's own sum is pairwise or not depending on the array's shape)
        total = np.zeros(new_x.size)
        for k, rate in enumerate(discount):
            total += rate * per_period[k]
        pairs[~known] = total
        memo.update(zip(zip(new_x.tolist(), new_t.tolist(), strict=True),
                        pairs[~known].tolist(), strict=True))
    if_alive = pairs[inverse].reshape(x.shape)
    return value * if_alive * probability_alive(bg, x, tx, t_end)
