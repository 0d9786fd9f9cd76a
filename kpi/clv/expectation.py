"""How many purchases a customer who is still active will make: the numerics behind BG/NBD's
conditional expectation, finite and accurate for every legal input.

A customer with x repeat purchases who is still active at T has purchase rate
lambda ~ Gamma(k = r + x, rate alpha + T) and dropout probability p ~ Beta(a, b + x) (the
posteriors, independent given that she is active). Over the next t she would buy
N ~ NegBin(k, z) times if she never dropped out, with s = t / (alpha + T) and z = s / (1 + s);
her (n+1)-th purchase happens if N > n and she stayed after each of the first n, which has
probability E[(1 - p)^n] = w_n = prod_{j<n} (b+x+j) / (a+b+x+j). So

    E[purchases in (T, T+t] | active at T] = sum_{m>=1} P(N = m) W_m,   W_m = w_0 + ... + w_{m-1}

-- the same number as Fader, Hardie & Lee's (2005) eq. 10 bracket,
(a+b+x-1)/(a-1) [1 - (1+s)^-k 2F1(k, b+x; a+b+x-1; z)], but a sum of positive terms: no
cancellation, no pole at a = 1 or at a + b + x = 1, no overflow when a and b are large (the
2F1 itself then grows like (1+s)^(a-1)), and each partial sum stays below the exact value,
which stays below E[N] = k s. The terms are summed in log space until a geometric bound on the
rest is below 1e-17 of the sum: term m+1 / term m <= rho_m = (k+m) z / m, falling towards z.

Where that would take more than ``max_terms`` terms (long horizons against a short history:
z near 1), the same expectation is integrated over the dropout posterior instead,

    E = E_p[(1 - (1 + p s)^-k) / p],   p ~ Beta(a, b + x),

by composite Gauss-Legendre in u = logit(p), where both the Beta density (log-concave in u) and
(1 - (1+ps)^-k)/p are smooth on a scale of one unit or of the density's width; the tails next
to p = 0 and p = 1 are integrated in closed form with the regularised incomplete beta function
(there (1 - (1+ps)^-k)/p is a short Taylor polynomial).

As a, b -> infinity with a / (a + b) -> p the posterior collapses onto p and both tend to the
constant-dropout value ``constant_dropout_purchases`` (1 - (1 + p s)^-k) / p.

>>> round(float(alive_purchases(2.243, 4.426, 0.793, 39 / (4.414 + 38.86))), 6)
1.687399
>>> float(alive_purchases(2.0, 5.0, 1.0, 0.0))
0.0
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import betainc, log_expit, roots_legendre

Array = NDArray[np.float64]

MAX_TERMS = 3000  # terms of the series before the quadrature takes over
_SERIES_TOLERANCE = 1e-17  # bound on the rest of the series, relative to its sum
_PANELS, _NODES = 64, 12  # composite Gauss-Legendre in logit(p)
_LEFT = 1e-9  # below p = _LEFT / ((k+1) s) the integrand is k s (1 - (k+1) p s / 2)
_RIGHT = 1e-15  # above p = 1 - _RIGHT it is linear in p
_DENSITY_DROP = 50.0  # the quadrature covers where the log density is within 50 of its top
_GL_X, _GL_W = roots_legendre(_NODES)


def constant_dropout_purchases(k: ArrayLike, p: float, s: ArrayLike) -> Array:
    """(1 - (1 + p s)^-k) / p: the expectation when every customer drops out with the same
    probability p after each purchase (k s when p = 0: nobody drops out).

    >>> round(float(constant_dropout_purchases(1.0, 0.5, 2.0)), 6)  # (1 - 1/2) / 0.5
    1.0
    >>> float(constant_dropout_purchases(1.5, 0.0, 2.0))
    3.0
    """
    k, s = np.broadcast_arrays(np.asarray(k, np.float64), np.asarray(s, np.float64))
    if p == 0:
        return k * s
    return -np.expm1(-k * np.log1p(p * s)) / p


def alive_purchases(k: ArrayLike, b_x: ArrayLike, a: float, s: ArrayLike, *,
                    max_terms: int = MAX_TERMS) -> Array:
    """E[purchases in (T, T+t] | active at T] for purchase-rate shape ``k`` = r + x,
    dropout posterior Beta(``a``, ``b_x`` = b + x) and ``s`` = t / (alpha + T) (broadcast);
    ``max_terms=0`` forces the quadrature (for tests)."""
    k, b_x, s = (np.asarray(v, np.float64) for v in np.broadcast_arrays(k, b_x, s))
    shape = k.shape
    k, b_x, s = k.ravel(), b_x.ravel(), s.ravel()
    out = np.zeros(k.size)
    # Terms the series needs, roughly: past the mean k s by ten standard deviations, then a
    # geometric tail at rate z = s / (1 + s).
    needed = k * s + 10 * np.sqrt(k * s * (1 + s)) + 40 * (1 + s)
    todo = np.flatnonzero(s > 0)
    slow = todo[needed[todo] > max_terms]
    quick = todo[needed[todo] <= max_terms]
    if quick.size:
        value, converged = _series(k[quick], b_x[quick], a, s[quick], max_terms)
        out[quick] = value
        slow = np.concatenate([slow, quick[~converged]])
    if slow.size:
        out[slow] = _quadrature(k[slow], b_x[slow], a, s[slow])
    return np.minimum(out, k * s).reshape(shape)  # E[N] = k s bounds it; rounding aside


def _series(k: Array, b_x: Array, a: float, s: Array, max_terms: int,
            block: int = 16) -> tuple[Array, Array]:
    """sum_m P(N = m) W_m (module docstring) for s > 0, ``block`` terms at a time for all rows
    still summing; whether each row converged within ``max_terms``."""
    log_z = np.log(s) - np.log1p(s)
    z = np.exp(log_z)
    log_pm = -k * np.log1p(s)  # log P(N = m) at the last term summed (m = 0 to start)
    total, cumulative, w = np.zeros(k.size), np.zeros(k.size), np.ones(k.size)
    converged = np.zeros(k.size, dtype=bool)
    active = np.arange(k.size)
    for first in range(1, max_terms + 1, block):
        i = active
        m = np.arange(first, min(first + block, max_terms + 1), dtype=np.float64)
        kk, bb = k[i, None], b_x[i, None]
        logs = log_pm[i, None] + np.cumsum(np.log((kk + m - 1) / m) + log_z[i, None], axis=1)
        ratio = (bb + m - 1) / (a + bb + m - 1)  # w_m / w_{m-1}
        before = w[i, None] * np.cumprod(ratio, axis=1) / ratio  # w_{m-1}
        sums = cumulative[i, None] + np.cumsum(before, axis=1)  # W_m
        term = np.exp(logs + np.log(sums))
        running = total[i, None] + np.cumsum(term, axis=1)
        rho = (kk + m) * z[i, None] / m  # bounds every later ratio of terms
        with np.errstate(divide="ignore"):
            rest = np.where(rho < 1, term * rho / (1 - rho), np.inf)
        done = rest <= _SERIES_TOLERANCE * running
        stop = done.any(axis=1)
        at = np.where(stop, done.argmax(axis=1), m.size - 1)
        rows = np.arange(i.size)
        total[i] = running[rows, at]
        converged[i[stop]] = True
        log_pm[i], cumulative[i] = logs[:, -1], sums[:, -1]
        w[i] = before[:, -1] * ratio[:, -1]
        active = i[~stop]
        if active.size == 0:
            break
    return total, converged


def _quadrature(k: Array, b_x: Array, a: float, s: Array) -> Array:
    """E_p[(1 - (1+ps)^-k) / p] for p ~ Beta(a, b_x) (module docstring), row by row."""
    n = k.size
    a_ = np.full(n, float(a))
    ks = k * s
    # Left tail [0, p_lo]: (1 - (1+ps)^-k)/p = k s (1 - (k+1) p s / 2 + O((k+1)^2 p^2 s^2)).
    p_lo = np.minimum(_LEFT / ((k + 1) * s), 0.5)
    mean_shift = a_ / (a_ + b_x)  # E[p 1{p<c}] = a/(a+b) I_c(a+1, b)
    left = ks * (betainc(a_, b_x, p_lo)
                 - (k + 1) * s / 2 * mean_shift * betainc(a_ + 1, b_x, p_lo))
    # Right tail [1 - q_hi, 1]: h(1) + h'(1) (p - 1), E[(1-p) 1{1-p<c}] = b/(a+b) I_c(b+1, a).
    q_hi = _RIGHT
    h1 = -np.expm1(-k * np.log1p(s))
    dh1 = ks * np.exp(-(k + 1) * np.log1p(s)) - h1
    right = (h1 * betainc(b_x, a_, q_hi)
             - dh1 * b_x / (a_ + b_x) * betainc(b_x + 1, a_, q_hi))
    # Middle, in u = logit(p), trimmed to where the density is within e^-50 of its top.
    u_lo, u_hi = np.log(p_lo) - np.log1p(-p_lo), np.log1p(-q_hi) - np.log(q_hi)
    u_top = np.clip(np.log(a) - np.log(b_x), u_lo, u_hi)
    top = _log_density_u(u_top, a, b_x)
    u_lo = _crossing(u_lo, u_top, top - _DENSITY_DROP, a, b_x)
    u_hi = _crossing(u_hi, u_top, top - _DENSITY_DROP, a, b_x)
    width = (u_hi - u_lo) / _PANELS
    centres = u_lo[:, None] + width[:, None] * (np.arange(_PANELS) + 0.5)
    u = (centres[:, :, None] + width[:, None, None] / 2 * _GL_X).reshape(n, -1)
    weight = np.tile(_GL_W, _PANELS) * (width / 2)[:, None]
    log_p = log_expit(u)
    p = np.exp(log_p)
    h = -np.expm1(-k[:, None] * np.log1p(p * s[:, None])) / p
    density = np.exp(_log_density_u(u, a, b_x[:, None]) - top[:, None])  # at most 1
    # Normalised by the density's integral over the same nodes, times its exact mass there: no
    # 1 / B(a, b + x) to round (large a and b), and most of the quadrature's error cancels.
    mass = (weight * density).sum(axis=1)
    # (1 - p at the upper end from expit(-u): 1 - expit(u) would round it away)
    exact = (1 - betainc(b_x, a_, np.exp(log_expit(-u_hi)))) - betainc(a_, b_x,
                                                                       np.exp(log_expit(u_lo)))
    middle = (weight * density * h).sum(axis=1) / mass * exact
    return left + middle + right


def _log_density_u(u: Array, a: float, b_x: Array) -> Array:
    """log of p^a (1-p)^b_x, the Beta(a, b_x) density in u = logit(p) without 1 / B(a, b_x)."""
    return a * log_expit(u) + b_x * log_expit(-u)


def _crossing(outer: Array, top_at: Array, level: Array, a: float, b_x: Array) -> Array:
    """Where the (concave) log density falls to ``level`` between ``top_at`` and ``outer``:
    ``outer`` itself when it stays above; bisection otherwise."""
    inside, outside = top_at.copy(), outer.copy()
    above = _log_density_u(outer, a, b_x) >= level
    for _ in range(80):
        mid = (inside + outside) / 2
        high = _log_density_u(mid, a, b_x) >= level
        inside = np.where(high, mid, inside)
        outside = np.where(high, outside, mid)
    return np.where(above, outer, outside)
