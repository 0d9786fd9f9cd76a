"""How sure a campaign's KPI is: exact one-sided bounds from its conversion count.

Given its cost, a campaign's count of conversions is taken as Poisson with mean μ. The exact
one-sided bounds on μ at level c are the Gamma quantiles (Garwood) μ_low = Gamma⁻¹(1 − c; n)
and μ_high = Gamma⁻¹(c; n + 1); fractional counts (data-driven attribution) are fine. A
cost-per KPI's bounds are cost ÷ μ_high and cost ÷ μ_low; ROAS's are μ × average order value ÷
cost, the order value taken as known.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import gamma

RETURN_KPIS = ("roas", "revenue_roas")  # revenue ÷ cost (bounds from a count × its mean value)


def poisson_bounds(count: float, confidence: float = 0.95) -> tuple[float, float]:
    """One-sided exact (Garwood) bounds on a Poisson mean after observing ``count``.

    >>> [round(b, 4) for b in poisson_bounds(10, 0.95)]
    [5.4254, 16.9622]
    >>> [round(b, 4) for b in poisson_bounds(0, 0.95)]
    [0.0, 2.9957]
    """
    if count < 0 or not 0 < confidence < 1:
        raise ValueError(f"poisson_bounds: need count ≥ 0 and 0 < confidence < 1, got "
                         f"{count}, {confidence}")
    lower = float(gamma.ppf(1 - confidence, count)) if count > 0 else 0.0
    return lower, float(gamma.ppf(confidence, count + 1))


@dataclass(frozen=True)
class KpiEstimate:
    """A goal KPI with one-sided confidence bounds; ``volume`` is the Poisson count."""

    kpi: str
    value: float | None
    lower: float | None
    upper: float | None
    confidence: float
    cost: float
    volume: float
    revenue: float
    aov: float | None  # average order value used for ROAS bounds


def estimate(kpi: str, cost: float, volume: float, revenue: float = 0.0,
             confidence: float = 0.95, fallback_aov: float | None = None) -> KpiEstimate:
    """The KPI and its bounds: cost-per KPIs from the count; ROAS from the purchase count times
    the average order value (``fallback_aov``, e.g. the account's, when there are none)."""
    mu_low, mu_high = poisson_bounds(volume, confidence)
    if kpi not in RETURN_KPIS:
        return KpiEstimate(kpi, cost / volume if volume > 0 else None,
                           cost / mu_high, cost / mu_low if mu_low > 0 else math.inf,
                           confidence, cost, volume, revenue, None)
    aov = revenue / volume if volume > 0 else fallback_aov
    if cost <= 0:
        return KpiEstimate(kpi, None, None, None, confidence, cost, volume, revenue, aov)
    lower = mu_low * aov / cost if aov is not None else None
    upper = mu_high * aov / cost if aov is not None else None
    return KpiEstimate(kpi, revenue / cost, lower, upper, confidence, cost, volume, revenue, aov)


def worse_than_target(est: KpiEstimate, target: float, margin: float = 0.0) -> bool:
    """True when the KPI misses ``target`` by more than ``margin`` (0.2 = 20 %) with
    confidence."""
    if est.kpi in RETURN_KPIS:
        return est.upper is not None and est.upper < target / (1 + margin)
    return est.lower is not None and est.lower > target * (1 + margin)


def better_than_target(est: KpiEstimate, target: float) -> bool:
    """True when the KPI beats ``target`` with confidence."""
    if est.kpi in RETURN_KPIS:
        return est.lower is not None and est.lower > target
    return est.upper is not None and est.upper < target
