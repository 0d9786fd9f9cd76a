"""What the day's cost should have bought: leads (``cpl_high``) and revenue (``roas_low``).

Both judge the last day of a series against the recent rate of its own last four weeks (days
inside an open anomaly of the same series left out), lag-aware (the expectation scaled by the
measure's completeness at age 1):

- leads: a negative binomial around ``cost x leads per euro``, its dispersion ``k`` by moments
  from the series' own mature days (floored at :data:`MIN_K`: a quiet month is no licence for a
  narrow range); the last 1, 2 or 3 days judged together (Fisher's method, as broken tags);
- revenue is heavy-tailed (a few large baskets make a day), so it is modelled as a *compound*:
  ``N`` orders (negative binomial, as leads) each worth a log-normal order value whose
  coefficient of variation is estimated from the daily revenue per order (the sum of ``n``
  values approximated by one log-normal of the same mean and variance, Fenton-Wilkinson).
  A day is improbable when its revenue is improbable either overall (few orders *and* small
  ones) or given the orders already seen (the value per order fell: a price or value-tracking
  error, which a count test never sees).

>>> import numpy as np
>>> cdf = compound_cdf(np.array([0.0, 1000.0]), np.array([10.0, 10.0]), np.array([0.1, 0.1]),
...                    np.array([100.0, 100.0]), np.array([0.25, 0.25]))
>>> bool(cdf[0] < 1e-3), bool(0.2 < cdf[1] < 0.8)
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from kpi.alerts.baseline import Baseline

HISTORY = 28  # days of rate history (the last four weeks before the judged day)
MATURE_AGE = 8  # days at least this old count for the spread (their lag is ~all in)
MIN_K = 0.05  # floor on the NB dispersion of leads and orders (cpa_high's at 10 a day)
MIN_CV2, MAX_CV2 = 0.25, 25.0  # bounds on an order value's squared coefficient of variation
RUN_DAYS = 3  # leads are judged on their last 1, 2 or 3 days together
MAX_ORDERS = 2000  # order counts the compound sums over (spread evenly beyond)
P_ALERT, LEVEL, MIN_HISTORY = 0.0005, 0.99, 21  # as kpi.alerts.detect and .baseline
CPL_SHARE = 0.4  # leads: at most 40 % of what the day's cost buys at the recent CPL
ROAS_SHARE = 0.6  # revenue: at most 60 % of what the day's cost buys at the recent ROAS
MIN_EXPECTED_LEADS = MIN_EXPECTED_ORDERS = 3.0  # seen by now: fewer, and a zero is no news
Row = tuple[int, tuple[float, float, float, float]]  # column, (observed, expected, lower, upper)


@dataclass(frozen=True)
class Rate:
    """Per column: the recent outcome per euro, the NB dispersion, the days it rests on."""

    per_euro: np.ndarray
    k: np.ndarray
    days: np.ndarray


def recent_rate(final: np.ndarray, cost: np.ndarray, use: np.ndarray) -> Rate:
    """The rate of ``final`` (days x columns, the last row judged: not used) per euro of
    ``cost`` over the :data:`HISTORY` days before it where ``use``, and its NB dispersion by
    moments over the mature ones.

    >>> y, c = np.full((40, 1), 4.0), np.full((40, 1), 100.0)
    >>> r = recent_rate(y, c, np.ones((40, 1), bool))
    >>> float(r.per_euro[0]), float(r.k[0]), int(r.days[0])
    (0.04, 0.05, 28)
    """
    y, c = final[-HISTORY - 1:-1], cost[-HISTORY - 1:-1]
    u = use[-HISTORY - 1:-1] & np.isfinite(y) & (c > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(u, y, 0).sum(axis=0) / np.where(u, c, 0).sum(axis=0)
        rate = np.nan_to_num(rate)
        mature = u.copy()
        mature[len(u) - MATURE_AGE + 1:] = False
        mu = rate * c
        excess = np.where(mature, (y - mu) ** 2 - mu, 0).sum(axis=0)
        k = excess / np.maximum(np.where(mature, mu**2, 0).sum(axis=0), 1e-9)
    return Rate(rate, np.maximum(np.nan_to_num(k, nan=MIN_K), MIN_K), u.sum(axis=0))


def order_cv2(revenue: np.ndarray, orders: np.ndarray, use: np.ndarray) -> np.ndarray:
    """Squared coefficient of variation of one order's value, by moments from the daily
    revenue per order: ``E[n (v_d / m - 1)^2]`` over days with orders (bounded).

    >>> rev = np.array([[100.0], [300.0], [200.0], [0.0]])
    >>> n = np.array([[1.0], [1.0], [1.0], [0.0]])
    >>> round(float(order_cv2(rev, n, np.ones((4, 1), bool))[0]), 3)
    0.25
    """
    u = use & (orders > 0) & np.isfinite(revenue)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(u, revenue, 0).sum(axis=0) / np.where(u, orders, 0).sum(axis=0)
        dev = np.where(u, orders * (revenue / np.where(u, orders, 1) / m - 1) ** 2, 0)
        cv2 = dev.sum(axis=0) / u.sum(axis=0)
    return np.clip(np.nan_to_num(cv2, nan=MAX_CV2), MIN_CV2, MAX_CV2)


def _sum_lognormal(n: np.ndarray, value: np.ndarray, cv2: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(mu, sigma) of the log-normal matching the sum of ``n`` order values (mean ``value``)."""
    s2 = np.log1p(cv2 / np.maximum(n, 1))
    return np.log(np.maximum(n * value, 1e-12)) - s2 / 2, np.sqrt(s2)


def conditional_cdf(r: np.ndarray, n: np.ndarray, value: np.ndarray, cv2: np.ndarray
                    ) -> np.ndarray:
    """P(R <= r) given ``n`` orders (1 where there are none: nothing to judge)."""
    mu, sigma = _sum_lognormal(n, value, cv2)
    with np.errstate(divide="ignore"):
        z = (np.log(np.maximum(r, 1e-12)) - mu) / sigma
    return np.where(n > 0, stats.norm.cdf(z), 1.0)


def compound_cdf(r: np.ndarray, orders: np.ndarray, k: np.ndarray, value: np.ndarray,
                 cv2: np.ndarray) -> np.ndarray:
    """P(R <= r) for R the sum of NB(``orders``, ``k``) order values, each of mean ``value``
    and squared coefficient of variation ``cv2`` (columns vectorised)."""
    size = 1 / k
    p = size / (size + np.maximum(orders, 1e-9))
    top = float(np.max(stats.nbinom.ppf(1 - 1e-9, size, p), initial=1))
    # every count up to MAX_ORDERS; beyond, MAX_ORDERS counts spread evenly, each carrying the
    # probability of the counts nearest to it (a large shop's tail stays summed whole)
    n = np.unique(np.concatenate([np.arange(1, min(top, MAX_ORDERS) + 1), np.round(
        np.linspace(MAX_ORDERS, max(top, MAX_ORDERS), MAX_ORDERS))]))[:, None]
    edges = np.concatenate([[0.5], (n[1:, 0] + n[:-1, 0]) / 2, [np.inf]])
    weight = np.diff(stats.nbinom.cdf(np.floor(edges)[:, None], size, p), axis=0)
    mu, sigma = _sum_lognormal(n, value[None, :], cv2[None, :])
    with np.errstate(divide="ignore"):
        z = (np.log(np.maximum(r, 1e-12))[None, :] - mu) / sigma
    given = stats.norm.cdf(z)
    return stats.nbinom.pmf(0, size, p) + (weight * given).sum(axis=0)


def compound_interval(level: float, orders: np.ndarray, k: np.ndarray, value: np.ndarray,
                      cv2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The central ``level`` interval of the compound revenue (bisection on its cdf)."""
    a = (1 - level) / 2
    out = []
    for target in (a, 1 - a):
        lo, hi = np.zeros_like(orders), np.maximum(orders * value, 1.0) * 50
        for _ in range(40):
            mid = (lo + hi) / 2
            below = compound_cdf(mid, orders, k, value, cv2) < target
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        out.append(hi)
    return out[0], out[1]


def _per(cost: float, count: float) -> float:
    """Cost per lead (infinite for none)."""
    return float(cost / count) if count > 0 else float("inf")


def leads_low(cost: np.ndarray, seen: np.ndarray, final: np.ndarray,
              shares: tuple[float, ...], judged: np.ndarray, use: np.ndarray
              ) -> list[tuple[int, tuple[float, float, float, float], int]]:
    """Columns whose leads on the last 1, 2 or :data:`RUN_DAYS` days (``seen`` at ages 1, 2,
    ...: ``shares`` of the final expected) are each far below what their cost bought at the
    recent rate, improbably so over the run (Fisher's method: two low days weigh what one
    cannot); as cost per lead of the last day, with the run's length.

    >>> cost, leads = np.full((40, 1), 100.0), np.full((40, 1), 20.0)
    >>> leads[-1] = 2  # 2 leads where 20 were bought (CPL 5,00 €): 50,00 €
    >>> [(j, round(v[0]), round(v[1]), run) for j, v, run in leads_low(
    ...     cost, leads, leads, (1.0,), np.array([True]), np.ones((40, 1), bool))]
    [(0, 50, 5, 1)]
    """
    r = recent_rate(final, cost, use)
    near = judged & (r.days >= MIN_HISTORY)
    log_p, total = np.zeros(len(near)), np.zeros(len(near))
    found: dict[int, int] = {}
    for run, share in enumerate(shares[:RUN_DAYS], start=1):
        if len(cost) <= run + HISTORY:
            break
        mean = r.per_euro * cost[-run]
        b = Baseline(mean=mean, spread=r.k, n=r.days, dispersion=r.k)
        low_p, _ = b.count_tail(seen[-run], share)
        near &= seen[-run] <= CPL_SHARE * mean * share
        total += mean * share
        log_p += np.log(np.maximum(low_p, 1e-300))
        hit = near & (total >= MIN_EXPECTED_LEADS) & (stats.chi2.sf(-2 * log_p, 2 * run) < P_ALERT)
        for j in np.flatnonzero(hit):
            found.setdefault(int(j), run)
    mean = r.per_euro * cost[-1]
    lo, hi = Baseline(mean=mean, spread=r.k, n=r.days, dispersion=r.k).count_interval(
        LEVEL, shares[0])
    c, s0 = cost[-1], shares[0]
    return [(j, (_per(c[j], seen[-1, j] / s0), _per(c[j], mean[j]), _per(c[j], hi[j] / s0),
                 _per(c[j], lo[j] / s0)), run) for j, run in sorted(found.items())]


def revenue_low(cost: np.ndarray, orders: np.ndarray, revenue: np.ndarray,
                orders_final: np.ndarray, revenue_final: np.ndarray,
                shares: tuple[float, float], judged: np.ndarray, use: np.ndarray) -> list[Row]:
    """Columns whose last day's revenue is far below what its cost buys at the recent ROAS
    and improbable under the compound, or whose orders are each worth far less than usual
    and improbably so given their number (a price error), as ROAS.

    >>> cost, orders = np.full((40, 1), 100.0), np.full((40, 1), 20.0)
    >>> revenue = orders * 50 * np.exp(np.resize([-0.2, 0.2], (40, 1)))
    >>> revenue[-1] = 400  # 20 orders at a fifth of their value
    >>> [(j, round(v[0], 1), round(v[1], 1)) for j, v in revenue_low(
    ...     cost, orders, revenue, orders, revenue, (1.0, 1.0), np.array([True]),
    ...     np.ones((40, 1), bool))]
    [(0, 4.0, 10.2)]
    """
    share_o, share_r = shares
    per_order = recent_rate(orders_final, cost, use)
    roas = recent_rate(revenue_final, cost, use).per_euro
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.nan_to_num(roas / per_order.per_euro)
    cv2 = order_cv2(revenue[-HISTORY - 1:-1], orders[-HISTORY - 1:-1], use[-HISTORY - 1:-1])
    expected = per_order.per_euro * cost[-1] * share_o  # orders seen by now
    due = roas * cost[-1] * share_r  # revenue seen by now at the recent ROAS
    with np.errstate(invalid="ignore", divide="ignore"):
        per = np.where(orders[-1] > 0, revenue[-1] / orders[-1], 0.0)
    low = revenue[-1] <= ROAS_SHARE * due  # far below overall: few orders and small ones
    cheap = (per <= ROAS_SHARE * value) & (revenue[-1] < due)  # each order worth far less
    j = np.flatnonzero(judged & (per_order.days >= MIN_HISTORY) & (expected >= MIN_EXPECTED_ORDERS)
                       & (value > 0) & (low | cheap))
    if not len(j):
        return []
    p_all = compound_cdf(revenue[-1, j], expected[j], per_order.k[j], value[j], cv2[j])
    p_given = conditional_cdf(revenue[-1, j], orders[-1, j], value[j], cv2[j])
    overall = low[j] & (p_all < P_ALERT)
    given = ~overall & cheap[j] & (p_given < P_ALERT)
    j, overall = j[overall | given], overall[overall | given]
    lo, hi = compound_interval(LEVEL, expected[j], per_order.k[j], value[j], cv2[j])
    mean = roas[j] * cost[-1, j] * share_r
    # a price error: the range is that of the orders seen, at their usual value
    mu, sigma = _sum_lognormal(orders[-1, j], value[j], cv2[j])
    z = stats.norm.ppf(1 - (1 - LEVEL) / 2)
    lo = np.where(overall, lo, np.exp(mu - z * sigma))
    hi = np.where(overall, hi, np.exp(mu + z * sigma))
    mean = np.where(overall, mean, orders[-1, j] * value[j])
    q = share_r * cost[-1, j]
    return [(int(c), (float(revenue[-1, c] / q[i]), float(mean[i] / q[i]), float(lo[i] / q[i]),
                      float(hi[i] / q[i]))) for i, c in enumerate(j)]
