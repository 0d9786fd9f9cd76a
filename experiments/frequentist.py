"""Two arms compared from their sufficient statistics: Welch t (or z), absolute and relative.

>>> from experiments.stats import SampleMeanStats
>>> c = SampleMeanStats(5000, 50000, 999900)
>>> t = SampleMeanStats(5000, 52500, 1102389.75)
>>> r = compare(c, t)
>>> round(r.relative.estimate, 5), round(r.relative.p_value, 6)
(0.05, 0.017287)
>>> round(r.absolute.ci_low, 6), round(r.absolute.ci_high, 6), round(r.absolute.p_value, 6)
(0.098039, 0.901961, 0.014774)
"""

from __future__ import annotations

import numpy as np

from experiments.results import Comparison, Conventions, Distribution, Estimate
from experiments.stats import ArmStats
from experiments.vectorised import Tests, p_values, welch


def _estimate(tests: Tests, scale: str) -> Estimate:
    return Estimate(
        scale,  # type: ignore[arg-type]
        *(float(getattr(tests, k)[0]) for k in ("estimate", "ci_low", "ci_high", "p_value")),
        se=float(tests.se[0]), df=float(tests.df[0]),
    )


def compare(
    control: ArmStats, treatment: ArmStats, *, relative: bool = True, alpha: float = 0.05,
    two_sided: bool = True, distribution: Distribution = "t", control_name: str = "control",
) -> Comparison:
    """Treatment vs control: estimate, CI and p-value for both absolute and relative lift.

    ``relative`` only picks which scale is the ``headline``; both are always computed. For
    CUPED pass the adjusted arms of :func:`experiments.cuped.adjust_arms` (its ``arms``), as
    :mod:`experiments.evaluate` does: the lift net of the arms' pre-period difference, with a
    tighter interval.
    Degenerate input returns NaNs and ``error``; it never raises.

    >>> from experiments.cuped import adjust_arms
    >>> from experiments.stats import RegressionAdjustedStats as R
    >>> c = R(1000, 10000, 110000, 10000, 110000, 108000)
    >>> t = R(1000, 10500, 120250, 10100, 112000, 114000)
    >>> raw, cuped = compare(c, t), compare(*adjust_arms([c, t]).arms)
    >>> round(raw.absolute.estimate, 4), round(raw.absolute.se, 4)
    (0.5, 0.1415)
    >>> round(cuped.absolute.estimate, 4), round(cuped.absolute.se, 4)
    (0.4201, 0.0853)
    """
    args = [[x] for x in (control.n, control.mean, control.variance,
                          treatment.n, treatment.mean, treatment.variance)]
    kw = {"alpha": alpha, "two_sided": two_sided, "distribution": distribution}
    absolute = welch(*args, relative=False, **kw)
    rel = welch(*args, relative=True, **kw)
    error = absolute.error[0] or rel.error[0]
    conventions = Conventions(alpha, two_sided, distribution,
                              "relative" if relative else "absolute", control_name)
    return Comparison(
        control_mean=float(control.mean) if control.n else np.nan,
        treatment_mean=float(treatment.mean) if treatment.n else np.nan,
        n_control=float(control.n), n_treatment=float(treatment.n),
        absolute=_estimate(absolute, "absolute"), relative=_estimate(rel, "relative"),
        conventions=conventions, error=error,
    )


def pooled_z_test(
    control: ArmStats, treatment: ArmStats, *, two_sided: bool = True
) -> tuple[float, float]:
    """Classic two-proportion z-test with the pooled rate under H0: (z, p-value).

    Equals Pearson's chi-square without Yates' correction when two-sided. Use it to match
    textbook or statsmodels ``proportions_ztest`` figures; :func:`compare` is the default test.

    >>> from experiments.stats import ProportionStats as P
    >>> z, p = pooled_z_test(P(10000, 1000), P(10000, 1100))
    >>> round(p, 6)
    0.021075
    """
    n_c, n_t = float(control.n), float(treatment.n)
    if n_c <= 0 or n_t <= 0:
        return float("nan"), float("nan")
    pooled = (control.mean * n_c + treatment.mean * n_t) / (n_c + n_t)
    se = float(np.sqrt(pooled * (1 - pooled) * (1 / n_c + 1 / n_t)))
    if not se > 0:
        return float("nan"), float("nan")
    z = (treatment.mean - control.mean) / se
    return float(z), float(p_values([z], [np.inf], two_sided, "z")[0])
