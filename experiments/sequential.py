"""Always-valid inference: asymptotic confidence sequences (Waudby-Smith et al., 2023).

As gbstats: with N the total units of both arms and s² = N · Var(estimate), the two-sided
confidence sequence is estimate ± sqrt(s²) · sqrt(2 (Nρ² + 1) / (N² ρ²) · ln(sqrt(Nρ² + 1) / α)),
with ρ chosen so the sequence is tightest at N = N* (the tuning parameter, default
N* = 5,000 total units; eq. 161 of arXiv:2103.06476v7):
ρ = sqrt((−2 ln α + ln(−2 ln α + 1)) / N*). One may look after every batch (daily peeking) and
still have P(ever excluding the true lift) ≤ α, asymptotically. One-sided requests use the
two-sided sequence at the same α (conservative). The always-valid p-value is the smallest α
whose sequence excludes 0, found by bisection on log α.

>>> lo, hi = confidence_sequence([0.1], [0.04], [20000])
>>> round(float(lo[0]), 4), round(float(hi[0]), 4)
(-0.0251, 0.2251)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

F = NDArray[np.float64]
DEFAULT_TUNING = 5000  # N*: total units (both arms) where the sequence is tightest


def rho(alpha: ArrayLike, tuning: float = DEFAULT_TUNING) -> F:
    """The mixture parameter ρ that minimises the width at N = tuning."""
    log_a = np.log(np.asarray(alpha, dtype=float))
    return np.sqrt((-2 * log_a + np.log(-2 * log_a + 1)) / tuning)


def halfwidth(
    se: ArrayLike, n_total: ArrayLike, alpha: ArrayLike = 0.05, tuning: float = DEFAULT_TUNING
) -> F:
    """Half-width of the asymptotic confidence sequence for an estimate with standard error se."""
    se, n = np.asarray(se, dtype=float), np.asarray(n_total, dtype=float)
    alpha = np.asarray(alpha, dtype=float)
    r2 = rho(alpha, tuning) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = se**2 * n
        return np.sqrt(s2 * 2 * (n * r2 + 1) / (n**2 * r2) * np.log(np.sqrt(n * r2 + 1) / alpha))


def confidence_sequence(
    estimate: ArrayLike, se: ArrayLike, n_total: ArrayLike, alpha: ArrayLike = 0.05,
    tuning: float = DEFAULT_TUNING,
) -> tuple[F, F]:
    """Lower and upper bounds of the confidence sequence at the current sample size."""
    est = np.asarray(estimate, dtype=float)
    half = halfwidth(se, n_total, alpha, tuning)
    return est - half, est + half


def p_value(
    estimate: ArrayLike, se: ArrayLike, n_total: ArrayLike, tuning: float = DEFAULT_TUNING,
    iterations: int = 60,
) -> F:
    """Always-valid p-value: the smallest alpha whose sequence excludes 0 (1 if none does)."""
    est = np.abs(np.asarray(estimate, dtype=float))
    se, n = np.broadcast_arrays(np.asarray(se, dtype=float), np.asarray(n_total, dtype=float))
    lo = np.full(est.shape, np.log(1e-300))  # excludes 0 at exp(hi), not at exp(lo)
    hi = np.zeros(est.shape)
    if not np.any(np.isfinite(est)):
        return np.full(est.shape, np.nan)
    excluded_at_1 = halfwidth(se, n, 1 - 1e-12, tuning) < est
    for _ in range(iterations):
        mid = (lo + hi) / 2
        with np.errstate(invalid="ignore"):
            excludes = halfwidth(se, n, np.exp(mid), tuning) < est
        hi, lo = np.where(excludes, mid, hi), np.where(excludes, lo, mid)
    p = np.where(excluded_at_1, np.exp(hi), 1.0)
    return np.where(np.isfinite(est) & np.isfinite(se) & (se > 0), p, np.nan)
