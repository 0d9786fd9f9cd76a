"""Vocabulary and result dataclasses shared by the engine.

Every result carries its :class:`Conventions` (alpha, sidedness, t or z, scale, which arm is the
control) so a number is never read without the rule that produced it. Degenerate input gives a
result whose ``error`` says why and whose numbers are NaN; nothing here raises on bad data.

>>> Conventions().describe()
'alpha 0.05, two-sided, Welch t, relative lift vs control'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

Scale = Literal["absolute", "relative"]
Distribution = Literal["t", "z"]
MetricKind = Literal["proportion", "mean", "ratio"]
Design = Literal["fixed", "sequential"]
Correction = Literal["holm", "bh", "none"]
Decision = Literal[
    "srm", "error", "control", "wins", "loses", "no_difference", "keep_running", "inconclusive"
]

NAN = math.nan
SRM_THRESHOLD = 0.001  # warn below this SRM p-value (GrowthBook's default)


@dataclass(frozen=True)
class Conventions:
    """How a number was computed: stated on every result."""

    alpha: float = 0.05
    two_sided: bool = True
    distribution: Distribution = "t"
    scale: Scale = "relative"
    control: str = "control"

    def describe(self) -> str:
        side = "two-sided" if self.two_sided else "one-sided (treatment > control)"
        dist = "Welch t" if self.distribution == "t" else "normal z"
        return f"alpha {self.alpha:g}, {side}, {dist}, {self.scale} lift vs {self.control}"


@dataclass(frozen=True)
class Estimate:
    """A lift on one scale: point, CI, p-value, standard error and degrees of freedom."""

    scale: Scale
    estimate: float = NAN
    ci_low: float = NAN
    ci_high: float = NAN
    p_value: float = NAN
    se: float = NAN
    df: float = NAN  # inf for z


@dataclass(frozen=True)
class Comparison:
    """Treatment vs control, both absolute and relative; ``error`` set when undefined."""

    control_mean: float
    treatment_mean: float
    n_control: float
    n_treatment: float
    absolute: Estimate
    relative: Estimate
    conventions: Conventions = field(default_factory=Conventions)
    error: str | None = None

    @property
    def headline(self) -> Estimate:
        """The estimate on the scale named by ``conventions.scale``."""
        return self.relative if self.conventions.scale == "relative" else self.absolute


@dataclass(frozen=True)
class BayesResult:
    """Posterior of the lift (normal approximation): chance to beat control and risks."""

    scale: Scale
    expected: float = NAN
    ci_low: float = NAN
    ci_high: float = NAN
    chance_to_win: float = NAN
    risk_treatment: float = NAN  # expected loss if we ship the treatment
    risk_control: float = NAN  # expected loss if we keep the control
    error: str | None = None


@dataclass(frozen=True)
class SrmResult:
    """Pearson chi-square of observed arm counts against planned weights."""

    p_value: float
    statistic: float
    expected: tuple[float, ...]
    mismatch: bool  # p < threshold
    threshold: float = SRM_THRESHOLD
    error: str | None = None


@dataclass(frozen=True)
class ExactResult:
    """An exact 2×2 test of two proportions (Fisher, Barnard or Boschloo)."""

    method: Literal["fisher", "barnard", "boschloo"]
    p_value: float
    two_sided: bool
    reason: str
    error: str | None = None
