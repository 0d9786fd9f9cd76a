"""Sufficient statistics per arm, as frozen dataclasses with derived mean and variance.

``variance`` is always the unit-level variance whose ``/ n`` is the variance of ``mean``:
p(1 − p) for proportions (no n − 1, as gbstats), the n − 1 sample variance for means, and the
delta-method variance for ratios. ``+`` pools two batches (days, shards) of the same arm.

>>> ProportionStats(10000, 1000).mean
0.1
>>> s = SampleMeanStats(2, 3.0, 5.0) + SampleMeanStats(1, 3.0, 9.0)
>>> s, s.mean, s.variance
(SampleMeanStats(n=3, sum=6.0, sum_squares=14.0), 2.0, 1.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol


class ArmStats(Protocol):
    """What the tests need from an arm: size, mean and unit-level variance."""

    @property
    def n(self) -> float: ...
    @property
    def mean(self) -> float: ...
    @property
    def variance(self) -> float: ...


def _div(a: float, b: float) -> float:
    return a / b if b else math.nan


@dataclass(frozen=True)
class Moments:
    """Already reduced statistics: n, mean and unit-level variance."""

    n: float
    mean: float
    variance: float


@dataclass(frozen=True)
class ProportionStats:
    """A 0/1 metric: units and units that converted."""

    n: int
    successes: float

    @property
    def mean(self) -> float:
        return _div(self.successes, self.n)

    @property
    def variance(self) -> float:
        return self.mean * (1 - self.mean)

    def __add__(self, other: ProportionStats) -> ProportionStats:
        return ProportionStats(self.n + other.n, self.successes + other.successes)


@dataclass(frozen=True)
class SampleMeanStats:
    """A per-unit value (revenue, sessions): n, sum and sum of squares."""

    n: int
    sum: float
    sum_squares: float

    @property
    def mean(self) -> float:
        return _div(self.sum, self.n)

    @property
    def variance(self) -> float:
        if self.n < 2:
            return math.nan
        return max((self.sum_squares - self.sum**2 / self.n) / (self.n - 1), 0.0)

    def __add__(self, other: SampleMeanStats) -> SampleMeanStats:
        return SampleMeanStats(
            self.n + other.n, self.sum + other.sum, self.sum_squares + other.sum_squares
        )


@dataclass(frozen=True)
class RatioStats:
    """sum(numerator) / sum(denominator) over randomised units (e.g. revenue per session).

    The analysis unit (session) differs from the randomisation unit (user), so the variance is
    the delta-method one: (V_num − 2 r C + r² V_den) / den_mean² with r = mean.
    """

    n: int
    num_sum: float
    num_sum_sq: float
    den_sum: float
    den_sum_sq: float
    cross_sum: float

    @property
    def mean(self) -> float:
        return _div(self.num_sum, self.den_sum)

    @property
    def variance(self) -> float:
        if self.n < 2 or not self.den_sum:
            return math.nan
        num = SampleMeanStats(self.n, self.num_sum, self.num_sum_sq)
        den = SampleMeanStats(self.n, self.den_sum, self.den_sum_sq)
        cov = (self.cross_sum - self.num_sum * self.den_sum / self.n) / (self.n - 1)
        r = self.mean
        v = (num.variance - 2 * r * cov + r * r * den.variance) / den.mean**2
        return max(v, 0.0)

    def __add__(self, other: RatioStats) -> RatioStats:
        return RatioStats(
            self.n + other.n, self.num_sum + other.num_sum, self.num_sum_sq + other.num_sum_sq,
            self.den_sum + other.den_sum, self.den_sum_sq + other.den_sum_sq,
            self.cross_sum + other.cross_sum,
        )


@dataclass(frozen=True)
class RegressionAdjustedStats:
    """A metric (post) with its pre-period covariate (pre), for CUPED.

    ``mean``/``variance`` are the unadjusted post ones; :mod:`experiments.cuped` pools theta
    over arms and calls :meth:`adjusted`.
    """

    n: int
    post_sum: float
    post_sum_sq: float
    pre_sum: float
    pre_sum_sq: float
    cross_sum: float

    @property
    def post(self) -> SampleMeanStats:
        return SampleMeanStats(self.n, self.post_sum, self.post_sum_sq)

    @property
    def pre(self) -> SampleMeanStats:
        return SampleMeanStats(self.n, self.pre_sum, self.pre_sum_sq)

    @property
    def covariance(self) -> float:
        if self.n < 2:
            return math.nan
        return (self.cross_sum - self.post_sum * self.pre_sum / self.n) / (self.n - 1)

    @property
    def mean(self) -> float:
        return self.post.mean

    @property
    def variance(self) -> float:
        return self.post.variance

    def adjusted(self, theta: float, pre_center: float) -> Moments:
        """Post mean − theta (pre mean − centre), with its unit-level variance."""
        var = self.post.variance + theta**2 * self.pre.variance - 2 * theta * self.covariance
        return Moments(self.n, self.mean - theta * (self.pre.mean - pre_center), max(var, 0.0))

    def __add__(self, other: RegressionAdjustedStats) -> RegressionAdjustedStats:
        return RegressionAdjustedStats(
            self.n + other.n, self.post_sum + other.post_sum,
            self.post_sum_sq + other.post_sum_sq, self.pre_sum + other.pre_sum,
            self.pre_sum_sq + other.pre_sum_sq, self.cross_sum + other.cross_sum,
        )
