"""Power: sample size per arm for a relative MDE, the MDE for a given n, days to reach power.

Normal approximation with unequal variances: n per arm = (z_{1−α/2} + z_power)² (V_c + V_t) / δ²
with δ = mde · baseline. For proportions V = p(1 − p) at the control rate and at the treated
rate p(1 + mde); for means and ratios pass the unit-level variance (assumed equal in both arms).
For sequential designs :func:`sequential_sample_size` finds the smallest n where the
confidence sequence has the same power (δ ≥ halfwidth(n) + z_power · se(n)).

>>> sample_size(0.10, mde=0.10)
14749
>>> round(mde(14749, 0.10), 3)
0.1
>>> days_to_power(14749, 10000, 20)
10
"""

from __future__ import annotations

import math

from scipy import stats

from experiments.results import MetricKind
from experiments.sequential import DEFAULT_TUNING, halfwidth


def _variances(baseline: float, variance: float | None, rel_mde: float,
               kind: MetricKind) -> tuple[float, float]:
    if kind == "proportion":
        treated = baseline * (1 + rel_mde)
        return baseline * (1 - baseline), treated * (1 - treated)
    if variance is None:
        raise ValueError(f"variance is required for {kind!r} metrics")
    return variance, variance


def _z(alpha: float, power: float, two_sided: bool) -> float:
    return float(stats.norm.ppf(1 - alpha / (2 if two_sided else 1)) + stats.norm.ppf(power))


def sample_size(
    baseline: float, variance: float | None = None, *, mde: float, kind: MetricKind = "proportion",
    alpha: float = 0.05, power: float = 0.8, two_sided: bool = True,
) -> int:
    """Units per arm to detect a relative lift ``mde`` (0.05 = +5 %) with the given power."""
    if baseline <= 0 or mde <= 0:
        raise ValueError("baseline and mde must be positive")
    v_c, v_t = _variances(baseline, variance, mde, kind)
    return math.ceil(_z(alpha, power, two_sided) ** 2 * (v_c + v_t) / (mde * baseline) ** 2)


def mde(
    n_per_arm: float, baseline: float, variance: float | None = None, *,
    kind: MetricKind = "proportion", alpha: float = 0.05, power: float = 0.8,
    two_sided: bool = True,
) -> float:
    """The relative lift detectable with ``n_per_arm`` units per arm (fixed point for rates)."""
    z = _z(alpha, power, two_sided)
    rel = 0.0
    for _ in range(50):
        v_c, v_t = _variances(baseline, variance, rel, kind)
        rel = z * math.sqrt((v_c + v_t) / n_per_arm) / baseline
    return rel


def sequential_sample_size(
    baseline: float, variance: float | None = None, *, mde: float,
    kind: MetricKind = "proportion", alpha: float = 0.05, power: float = 0.8,
    tuning: float = DEFAULT_TUNING,
) -> int:
    """Units per arm for the confidence sequence to reach ``power`` at relative lift ``mde``."""
    v_c, v_t = _variances(baseline, variance, mde, kind)
    delta, z_power = mde * baseline, float(stats.norm.ppf(power))

    def enough(n: int) -> bool:
        se = math.sqrt((v_c + v_t) / n)
        return float(halfwidth(se, 2 * n, alpha, tuning)) + z_power * se <= delta

    low, high = 1, 2
    while not enough(high):
        low, high = high, high * 2
        if high > 10**12:
            return math.inf  # type: ignore[return-value]
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if enough(mid) else (mid, high)
    return high


def days_to_power(n_needed: float, n_now: float, days_elapsed: float) -> float:
    """More days at the current daily traffic until n_needed units per arm (0 if reached)."""
    if n_now >= n_needed:
        return 0
    if n_now <= 0 or days_elapsed <= 0 or not math.isfinite(n_needed):
        return math.nan
    return math.ceil((n_needed - n_now) / (n_now / days_elapsed))
