"""The A/B and multivariate experiment engine: sufficient statistics in, decisions out.

Pure (no dagster): the warehouse reduces exposures to sums per arm
(:func:`sufficient_statistics`), then :func:`evaluate` runs every test on those sums.

>>> r = compare(ProportionStats(10000, 1000), ProportionStats(10000, 1100))
>>> round(r.relative.estimate, 4), round(r.relative.p_value, 5), r.conventions.describe()
(0.1, 0.02789, 'alpha 0.05, two-sided, Welch t, relative lift vs control')
>>> srm_test([10000, 10300], [0.5, 0.5]).mismatch
False
>>> sample_size(0.05, mde=0.12)
21882
"""

from experiments.bayesian import bayes_compare
from experiments.cuped import adjust_arms
from experiments.evaluate import evaluate, evaluate_factorial
from experiments.exact import exact_test, needs_exact
from experiments.factorial import Factor, effects
from experiments.frequentist import compare, pooled_z_test
from experiments.multiple import adjust, adjusted_alpha, rejects
from experiments.power import days_to_power, mde, sample_size, sequential_sample_size
from experiments.results import (
    BayesResult,
    Comparison,
    Conventions,
    Estimate,
    ExactResult,
    SrmResult,
)
from experiments.sequential import confidence_sequence
from experiments.spec import Arm, ExperimentSpec, Metric, SpecError, from_dict
from experiments.srm import srm_test
from experiments.stats import (
    Moments,
    ProportionStats,
    RatioStats,
    RegressionAdjustedStats,
    SampleMeanStats,
)
from experiments.sufficient import sufficient_statistics
from experiments.vectorised import welch
from experiments.wording import describe, summary

__all__ = [
    "Arm", "BayesResult", "Comparison", "Conventions", "Estimate", "ExactResult",
    "ExperimentSpec", "Factor", "Metric", "Moments", "ProportionStats", "RatioStats",
    "RegressionAdjustedStats", "SampleMeanStats", "SpecError", "SrmResult", "adjust",
    "adjust_arms", "adjusted_alpha", "bayes_compare", "compare", "confidence_sequence",
    "days_to_power", "describe", "effects", "evaluate", "evaluate_factorial", "exact_test",
    "from_dict", "mde", "needs_exact", "pooled_z_test", "rejects", "sample_size",
    "sequential_sample_size", "srm_test",
    "sufficient_statistics", "summary", "welch",
]
