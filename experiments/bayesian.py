"""Bayesian read-out with a normal approximation to the likelihood of the lift (as gbstats).

The data give the lift estimate and its delta-method standard error (see
:mod:`experiments.vectorised`). With the default improper flat prior the posterior is that
normal; with a proper normal prior N(prior_mean, prior_variance) on the lift the posterior is
the precision-weighted combination. Chance to win = P(lift > 0); risk of shipping the treatment
= E[max(0, −lift)], risk of keeping the control = E[max(0, lift)]; the credible interval is
equal-tailed at 1 − alpha.

>>> from experiments.stats import ProportionStats as P
>>> r = bayes_compare(P(100, 49), P(100, 51))
>>> round(r.expected, 5), round(r.ci_low, 5), round(r.ci_high, 5), round(r.chance_to_win, 5)
(0.04082, -0.24779, 0.32943, 0.60918)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from experiments.results import BayesResult
from experiments.stats import ArmStats
from experiments.vectorised import welch

F = NDArray[np.float64]


@dataclass(frozen=True)
class Posterior:
    """Arrays: posterior mean and sd, credible bounds, chance to win, both risks, errors."""

    expected: F
    sd: F
    ci_low: F
    ci_high: F
    chance_to_win: F
    risk_treatment: F
    risk_control: F
    error: NDArray[np.object_]


def posterior(
    estimate: ArrayLike, se: ArrayLike, *, alpha: float = 0.05,
    prior_mean: float = 0.0, prior_variance: float | None = None,
) -> Posterior:
    """Normal posterior of the lift from an estimate and its standard error."""
    mu, se = np.asarray(estimate, dtype=float), np.asarray(se, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = se**2
        if prior_variance is not None:
            precision = 1 / var + 1 / prior_variance
            mu = (mu / var + prior_mean / prior_variance) / precision
            var = 1 / precision
        sd = np.sqrt(var)
        z = stats.norm.ppf(1 - alpha / 2)
        ratio = mu / sd
        density, below = stats.norm.pdf(ratio), stats.norm.cdf(-ratio)
        risk_t = sd * density - mu * below  # E[max(0, -lift)]
        risk_c = sd * density + mu * (1 - below)  # E[max(0, lift)]
    error = np.full(mu.shape, None, dtype=object)
    error[~(np.isfinite(mu) & (sd > 0))] = "posterior undefined (no variance or no data)"
    return Posterior(mu, sd, mu - z * sd, mu + z * sd, stats.norm.cdf(ratio), risk_t, risk_c,
                     error)


def bayes_compare(
    control: ArmStats, treatment: ArmStats, *, relative: bool = True, alpha: float = 0.05,
    prior_mean: float = 0.0, prior_variance: float | None = None,
) -> BayesResult:
    """Chance to beat control, risks and credible interval of the lift of two arms."""
    tests = welch([control.n], [control.mean], [control.variance],
                  [treatment.n], [treatment.mean], [treatment.variance],
                  relative=relative, distribution="z")
    post = posterior(tests.estimate, tests.se, alpha=alpha, prior_mean=prior_mean,
                     prior_variance=prior_variance)
    error = tests.error[0] or post.error[0]
    scale = "relative" if relative else "absolute"
    if error:
        return BayesResult(scale, error=error)
    return BayesResult(scale, *(float(getattr(post, k)[0]) for k in (
        "expected", "ci_low", "ci_high", "chance_to_win", "risk_treatment", "risk_control")))
