"""CUPED: one theta pooled over all arms, from pre-period covariate sufficient statistics.

theta = cov(post, pre) / var(pre) on the pooled arms; each arm's mean becomes
post mean − theta (pre mean − pooled pre mean), its variance V_post + theta² V_pre − 2 theta C.
Fallback rule: when the pre-period is degenerate (fewer than 3 pooled units, a zero or
non-finite pooled pre variance, or a non-finite theta) the arms are returned unadjusted and
``message`` says why; the test then runs exactly as without CUPED.

>>> from experiments.stats import RegressionAdjustedStats as R
>>> a = R(3, 6.0, 14.0, 6.0, 14.0, 14.0)
>>> adjust_arms([a, a]).theta
1.0
>>> adjust_arms([R(3, 6.0, 14.0, 0.0, 0.0, 0.0)] * 2).message
'pre-period covariate has no variance: CUPED not applied'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import add

from experiments.stats import Moments, RegressionAdjustedStats

DEGENERATE = "pre-period covariate has no variance: CUPED not applied"
TOO_FEW = "too few units for CUPED: not applied"


@dataclass(frozen=True)
class CupedResult:
    """Per-arm moments (adjusted, or not when ``applied`` is False), theta and a message."""

    arms: tuple[Moments, ...]
    theta: float
    applied: bool
    message: str | None = None


def _unadjusted(arms: Sequence[RegressionAdjustedStats], message: str) -> CupedResult:
    moments = tuple(Moments(a.n, a.mean, a.variance) for a in arms)
    return CupedResult(moments, math.nan, False, message)


def pooled_theta(arms: Sequence[RegressionAdjustedStats]) -> float:
    """cov(post, pre) / var(pre) over all arms pooled (NaN when undefined)."""
    pooled = reduce(add, arms)
    pre_var = pooled.pre.variance
    if not (pre_var > 0 and math.isfinite(pre_var)):
        return math.nan
    return pooled.covariance / pre_var


def adjust_arms(arms: Sequence[RegressionAdjustedStats]) -> CupedResult:
    """CUPED-adjusted moments for every arm, or the unadjusted ones with a message."""
    pooled = reduce(add, arms)
    if pooled.n < 3:
        return _unadjusted(arms, TOO_FEW)
    theta = pooled_theta(arms)
    if not math.isfinite(theta):
        return _unadjusted(arms, DEGENERATE)
    center = pooled.pre.mean
    return CupedResult(tuple(a.adjusted(theta, center) for a in arms), theta, True)
