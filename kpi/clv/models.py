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

from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize
from scipy.special import digamma, expit, gammaln, log_expit

from kpi.clv.expectation import alive_purchases, constant_dropout_purchases

Array = NDArray[np.float64]

_LOG_BOUND = 20.0  # the search stays within exp(±20)
_LOG_LIMIT = 15.0  # a fit beyond exp(±15) is a boundary solution, reported as an error
_LOG_DRIFT = 10.0  # ... and so is a search stopped beyond exp(±10) short of a maximum
_GTOL_ACCEPT = 1e-6  # largest gradient of the mean log-likelihood (log-parameters) at a fit


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


# --- input checks -------------------------------------------------------------------------


def _column(name: str, values: ArrayLike) -> Array:
    """A finite, non-negative float array, or a ValueError naming the field and row."""
    array = np.asarray(values, dtype=np.float64)
    flat = array.reshape(-1)
    bad = ~np.isfinite(flat)
    if bad.any():
        row = int(np.argmax(bad))
        raise ValueError(f"{name}: row {row} is {flat[row]!r}; values must be finite numbers")
    if (flat < 0).any():
        row = int(np.argmax(flat < 0))
        raise ValueError(f"{name}: row {row} is {flat[row]!r}; values must be >= 0")
    return array


def _first_row(mask: Array) -> int:
    return int(np.argmax(mask.reshape(-1)))


def _summaries(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> tuple[Array, ...]:
    """Checked and broadcast (x, t_x, T): x whole, t_x <= T, t_x = 0 when x = 0."""
    x, tx, t_end = _column("frequency", frequency), _column("recency", recency), _column("T", T)
    try:
        x, tx, t_end = np.broadcast_arrays(x, tx, t_end)
    except ValueError:
        raise ValueError(f"frequency, recency and T have mismatched shapes "
                         f"{np.shape(frequency)}, {np.shape(recency)}, {np.shape(T)}") from None
    checks = (
        (x != np.round(x), "frequency: row {} is not a whole number of purchases"),
        (tx > t_end * (1 + 1e-12), "recency: row {} is greater than T"),
        ((x == 0) & (tx > 0), "recency: row {} is > 0 although frequency is 0"),
    )
    for mask, message in checks:
        if mask.any():
            raise ValueError(message.format(_first_row(mask)))
    return x, tx, t_end


def checked_summaries(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
                      weights: ArrayLike | None = None) -> tuple[Array, Array, Array, Array]:
    """(x, t_x, T, weights) as flat float arrays after the fits' input checks (ValueError
    naming the field and row otherwise).

    >>> [a.tolist() for a in checked_summaries([0, 2], [0, 3.5], [4, 6])]
    [[0.0, 2.0], [0.0, 3.5], [4.0, 6.0], [1.0, 1.0]]
    """
    x, tx, t_end = _flat_rows(frequency=frequency, recency=recency, T=T)
    x, tx, t_end = _summaries(x, tx, t_end)
    return x, tx, t_end, _weights(weights, x.size)


def _weights(weights: ArrayLike | None, n: int) -> Array:
    if weights is None:
        return np.ones(n)
    w = _column("weights", weights).reshape(-1)
    if w.size != n:
        raise ValueError(f"weights: {w.size} values for {n} customers")
    return w


def _flat_rows(**columns: ArrayLike) -> tuple[Array, ...]:
    """1-D columns of one length, or a ValueError naming the lengths."""
    arrays = tuple(np.asarray(c, dtype=np.float64).reshape(-1) for c in columns.values())
    lengths = {name: a.size for name, a in zip(columns, arrays, strict=True)}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"mismatched lengths: {lengths}")
    return arrays


# --- compression --------------------------------------------------------------------------


def compress(*columns: Array, weights: Array | None = None) -> tuple[tuple[Array, ...], Array,
                                                                    NDArray[np.intp]]:
    """Distinct rows of ``columns``, their summed weights (counts when ``weights`` is None) and
    the index of each input row's distinct row -- what ``np.unique(axis=0, return_inverse=True,
    return_counts=True)`` gives, by one lexsort (about 10 times faster on a million rows).

    >>> rows, counts, inverse = compress(np.array([1.0, 0, 1]), np.array([2.0, 0, 2]))
    >>> rows, counts.tolist(), inverse.tolist()
    ((array([0., 1.]), array([0., 2.])), [1.0, 2.0], [1, 0, 1])
    """
    n = columns[0].size
    order = np.lexsort(columns[::-1])
    ordered = [c[order] for c in columns]
    new = np.ones(n, dtype=bool)  # first row of each run of equal rows
    if n > 1:
        new[1:] = np.logical_or.reduce([c[1:] != c[:-1] for c in ordered])
    group = np.cumsum(new) - 1
    inverse = np.empty(n, dtype=np.intp)
    inverse[order] = group
    w = None if weights is None else weights[order]
    summed = np.bincount(group, weights=w, minlength=int(group[-1]) + 1 if n else 0)
    return tuple(c[new] for c in ordered), summed.astype(np.float64), inverse


def _prepare(columns: Sequence[Array], weights: Array, fold: bool) -> tuple[tuple[Array, ...],
                                                                            Array]:
    """Fold identical rows (optional) and drop zero-weight rows."""
    if fold:
        columns, weights, _ = compress(*columns, weights=weights)
    keep = weights > 0
    return tuple(c[keep] for c in columns), weights[keep]


# --- optimisation -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Optimum:
    """Where the search stopped: log-parameters, full log-likelihood, whether the gradient
    vanished there, and the optimiser's own message."""

    theta: Array
    log_likelihood: float
    converged: bool
    message: str


def _maximise(loglik: Callable[[Array], tuple[Array, Array]], start: Array,
              weights: Array) -> _Optimum:
    """Maximise sum(weights * loglik) over log-parameters with analytic gradients: SLSQP within
    exp(±20), then Newton steps. (Not L-BFGS-B: its tiny multithreaded BLAS calls ran 10-20x
    slower on a 2-core machine whenever another process held a core.)

    ``loglik(theta)`` returns the per-row log-likelihood and its gradient (rows x params)."""
    total = float(weights.sum())

    def negative_mean(theta: Array) -> tuple[float, Array]:
        with np.errstate(all="ignore"):
            ll, grad = loglik(theta)
            value, gradient = -(weights @ ll) / total, -(weights @ grad) / total
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            return 1e300, np.zeros_like(theta)  # outside the usable region: push back
        return float(value), gradient

    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * start.size
    result = optimize.minimize(negative_mean, start, jac=True, method="SLSQP", bounds=bounds,
                               options={"ftol": 1e-15, "maxiter": 1000})
    theta, grad = _newton_polish(lambda th: negative_mean(th)[1], result.x,
                                 negative_mean(result.x)[1])
    value = negative_mean(theta)[0]
    converged = value < 1e300 and np.max(np.abs(grad)) <= _GTOL_ACCEPT
    return _Optimum(theta, -value * total, bool(converged), str(result.message))


def _interior(optimum: _Optimum, model: str, names: Sequence[str],
              free: Sequence[bool] | None = None) -> Array:
    """The parameters, or a ValueError when the search ran to the edge of the space or did not
    converge. A log-parameter far from 0 means a boundary solution (e.g. no spread between
    customers): the likelihood keeps rising towards infinity and the optimiser stops on the
    way. ``free`` leaves out parameters whose boundary the caller handles itself."""
    theta = optimum.theta
    checked = np.ones(theta.size, bool) if free is None else ~np.asarray(free)
    limit = _LOG_LIMIT if optimum.converged else _LOG_DRIFT
    if np.max(np.abs(theta[checked]), initial=0.0) > limit:
        shown = ", ".join(f"{n} {v:.3g}" for n, v in zip(names, np.exp(theta), strict=True))
        raise ValueError(f"{model}: no maximum inside the parameter space ({shown}); the data "
                         "do not identify the model (too few customers or too uniform "
                         "purchases)")
    if not optimum.converged:
        raise ValueError(f"{model}: the likelihood could not be maximised ({optimum.message}); "
                         "check the data's time unit and that it has enough repeat buyers")
    return np.exp(theta)


def _newton_polish(gradient: Callable[[Array], Array], theta: Array, grad: Array,
                   steps: int = 4) -> tuple[Array, Array]:
    """A few Newton steps on the gradient (Hessian by central differences of the analytic
    gradient): the optimiser stops once the objective stops changing in floating point, which on
    a flat ridge (Gamma-Gamma's p and v) can leave the parameters off in the 7th digit."""
    h = 1e-5
    for _ in range(steps):
        if np.max(np.abs(grad)) < 1e-12:
            break
        eye = np.eye(theta.size) * h
        hessian = np.array([(gradient(theta + e) - gradient(theta - e)) / (2 * h) for e in eye])
        hessian = (hessian + hessian.T) / 2
        try:
            step = np.linalg.solve(hessian, -grad)
        except np.linalg.LinAlgError:
            break
        candidate = theta + step
        new_grad = gradient(candidate)
        if not (np.all(np.isfinite(new_grad)) and np.max(np.abs(new_grad)) < np.max(np.abs(grad))
                and np.max(np.abs(step)) < 0.1):
            break
        theta, grad = candidate, new_grad
    return theta, grad


# --- BG/NBD -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Levels:
    """A column as its distinct values and each row's index into them: functions of one column
    (gammaln of r + x, log of alpha + T, ...) are evaluated once per distinct value."""

    values: Array
    index: NDArray[np.intp]

    @classmethod
    def of(cls, column: Array) -> _Levels:
        values, index = np.unique(column, return_inverse=True)
        return cls(values, index.reshape(-1))


def _bgnbd_loglik(theta: Array, x: _Levels, tx: _Levels, t_end: _Levels) -> tuple[Array, Array]:
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
    x, tx, t_end = _flat_rows(frequency=frequency, recency=recency, T=T)
    x, tx, t_end = _summaries(x, tx, t_end)
    w = _weights(weights, x.size)
    if x.size == 0 or w.sum() == 0:
        raise ValueError("fit_bgnbd: no customers to fit (empty input or all weights 0)")
    if w[x > 0].sum() == 0:
        raise ValueError("fit_bgnbd: no customer has a repeat purchase (all frequency 0); "
                         "BG/NBD cannot be estimated")
    (x, tx, t_end), w = _prepare((x, tx, t_end), w, compress_rows)
    # Start at r = a = b = 1 with alpha matching the mean purchase rate r / alpha.
    alpha0 = (w @ t_end) / max(w @ x, 1e-9)
    start = np.log([1.0, float(np.clip(alpha0, 1e-6, 1e6)), 1.0, 1.0])
    levels = _Levels.of(x), _Levels.of(tx), _Levels.of(t_end)
    optimum = _maximise(lambda th: _bgnbd_loglik(th, *levels), start, w)
    r, alpha, a, b = _interior(optimum, "fit_bgnbd", ("r", "alpha", "a", "b"))
    return BgNbdParams(float(r), float(alpha), float(a), float(b), optimum.log_likelihood,
                       round(float(w.sum())))


def _constant_loglik(theta: Array, x: _Levels, tx: _Levels,
                     t_end: _Levels) -> tuple[Array, Array]:
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
    x, tx, t_end = _flat_rows(frequency=frequency, recency=recency, T=T)
    x, tx, t_end = _summaries(x, tx, t_end)
    w = _weights(weights, x.size)
    if x.size == 0 or w.sum() == 0:
        raise ValueError("fit_constant_dropout: no customers to fit (empty input or all "
                         "weights 0)")
    if w[x > 0].sum() == 0:
        raise ValueError("fit_constant_dropout: no customer has a repeat purchase (all "
                         "frequency 0); the model cannot be estimated")
    (x, tx, t_end), w = _prepare((x, tx, t_end), w, compress_rows)
    alpha0 = float(np.clip((w @ t_end) / max(w @ x, 1e-9), 1e-6, 1e6))
    levels = _Levels.of(x), _Levels.of(tx), _Levels.of(t_end)

    def nbd(theta: Array) -> tuple[Array, Array]:
        ll, grad = _constant_loglik(np.append(theta, -np.inf), *levels)
        return ll, grad[:, :2]

    names = ("r", "alpha", "p")
    zero = _maximise(nbd, np.log([1.0, alpha0]), w)
    tries = [_maximise(lambda th: _constant_loglik(th, *levels),
                       np.array([0.0, np.log(alpha0), np.log(p0) - np.log1p(-p0)]), w)
             for p0 in _DROPOUT_STARTS]
    best = max(tries, key=lambda o: (o.converged, o.log_likelihood))
    n = round(float(w.sum()))
    if best.converged and best.log_likelihood > zero.log_likelihood + _P_ZERO_GAIN:
        r, alpha, _ = _interior(best, "fit_constant_dropout", names, free=(False, False, True))
        if best.theta[2] > _LOG_LIMIT:
            raise ValueError("fit_constant_dropout: no maximum inside the parameter space (p "
                             "runs to 1: every repeat buyer would leave after one purchase)")
        p = float(expit(best.theta[2]))
        return ConstantDropoutParams(float(r), float(alpha), p, best.log_likelihood, n)
    r, alpha = _interior(zero, "fit_constant_dropout", names[:2])
    return ConstantDropoutParams(float(r), float(alpha), 0.0, zero.log_likelihood, n)


def probability_alive(params: PurchaseParams, frequency: ArrayLike, recency: ArrayLike,
                      T: ArrayLike) -> Array:
    """P(still active at T | x, t_x, T) = 1 / (1 + [x > 0] odds ((alpha+T)/(alpha+t_x))^(r+x))
    with odds = a/(b+x-1) (Fader, Hardie & Lee 2008 note, eq. 4), or p/(1-p) for constant
    dropout; 1 for customers without repeat purchases (and for p = 0). Evaluated as a logistic
    function of the log odds, so it stays in [0, 1] for any parameters."""
    x, tx, t_end = _summaries(frequency, recency, T)
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
    x, tx, t_end = _summaries(frequency, recency, T)
    horizon = _column("t", t)
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
    t_end = _column("T", T).reshape(-1)
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


# --- Gamma-Gamma --------------------------------------------------------------------------


def _gg_loglik(theta: Array, x: _Levels, z: Array, log_z: Array) -> tuple[Array, Array]:
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
    x, m = _flat_rows(frequency=frequency, monetary_value=monetary_value)
    x, m = _column("frequency", x), _column("monetary_value", m)
    if (x != np.round(x)).any():
        raise ValueError(f"frequency: row {_first_row(x != np.round(x))} is not a whole number")
    w = _weights(weights, x.size)
    if x.size == 0:
        raise ValueError("fit_gamma_gamma: no customers to fit (empty input)")
    repeat = (x > 0) & (w > 0)
    if not repeat.any():
        raise ValueError("fit_gamma_gamma: no repeat buyers (frequency > 0); the spend model "
                         "is fitted on repeat purchases only")
    zero = repeat & (m == 0)
    if zero.any():
        raise ValueError(f"monetary_value: row {_first_row(zero)} is 0 for a repeat buyer; "
                         "the spend model needs positive purchase values")
    (x, m), w = _prepare((x[repeat], m[repeat]), w[repeat], compress_rows)
    mean_value = (w @ m) / w.sum()
    start = np.log([1.0, 2.0, mean_value])  # p v / (q - 1) = the observed mean at the start
    levels, log_m = _Levels.of(x), np.log(m)
    optimum = _maximise(lambda th: _gg_loglik(th, levels, m, log_m), start, w)
    p, q, v = _interior(optimum, "fit_gamma_gamma", ("p", "q", "v"))
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
    x, m = _column("frequency", frequency), _column("monetary_value", monetary_value)
    return (params.v + x * m) * params.p / (params.p * x + params.q - 1)


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
    x, tx, t_end = _summaries(frequency, recency, T)
    value = (_column("monetary_value", monetary_value) if gg is None
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
