"""Exact tests of two proportions for small counts (scipy's Fisher, Barnard and Boschloo).

Rule used by ``method="auto"`` and :func:`needs_exact`: the normal approximation is doubted
when any expected cell of the 2×2 table (converted / not, per arm) is below 5 (Cochran). Then
Boschloo's test is used (uniformly more powerful than Fisher's) when both arms together have at
most 2,000 units, and Fisher's exact test above that (Boschloo's cost grows with n1 · n2).
One-sided means H1: treatment rate > control rate.

>>> from experiments.stats import ProportionStats as P
>>> round(exact_test(P(10000, 1000), P(10000, 1100), method="fisher").p_value, 6)
0.022379
>>> needs_exact(P(40, 1), P(40, 3)), exact_test(P(40, 1), P(40, 3)).method
(True, 'boschloo')
"""

from __future__ import annotations

import math
from typing import Literal

from scipy import stats

from experiments.results import ExactResult
from experiments.stats import ProportionStats

ExactMethod = Literal["auto", "fisher", "barnard", "boschloo"]
MIN_EXPECTED = 5.0
BOSCHLOO_MAX_N = 2000


def _table(control: ProportionStats, treatment: ProportionStats) -> list[list[int]]:
    """Columns are the samples (treatment, control), rows converted / not (scipy's layout)."""
    t_s, c_s = round(treatment.successes), round(control.successes)
    return [[t_s, c_s], [round(treatment.n) - t_s, round(control.n) - c_s]]


def min_expected(control: ProportionStats, treatment: ProportionStats) -> float:
    """The smallest expected cell count of the 2×2 table under H0."""
    total = control.n + treatment.n
    if total == 0:
        return 0.0
    rate = (control.successes + treatment.successes) / total
    return min(n * r for n in (control.n, treatment.n) for r in (rate, 1 - rate))


def needs_exact(control: ProportionStats, treatment: ProportionStats) -> bool:
    """True when some expected cell count is below 5."""
    return min_expected(control, treatment) < MIN_EXPECTED


def exact_test(
    control: ProportionStats, treatment: ProportionStats, *, method: ExactMethod = "auto",
    two_sided: bool = True,
) -> ExactResult:
    """p-value of an exact test; ``error`` (never an exception) on empty or invalid arms."""
    if method == "auto":
        small = control.n + treatment.n <= BOSCHLOO_MAX_N
        chosen: Literal["fisher", "barnard", "boschloo"] = "boschloo" if small else "fisher"
        reason = f"auto: min expected cell {min_expected(control, treatment):.3g}"
    else:
        chosen, reason = method, "requested"
    bad = [a for a in (control, treatment) if a.n <= 0 or not 0 <= a.successes <= a.n]
    if bad:
        return ExactResult(chosen, math.nan, two_sided, reason, "an arm is empty or invalid")
    table = _table(control, treatment)
    alternative = "two-sided" if two_sided else "greater"
    if chosen == "fisher":
        p = stats.fisher_exact(table, alternative=alternative).pvalue
    elif chosen == "barnard":
        p = stats.barnard_exact(table, alternative=alternative).pvalue
    else:
        p = stats.boschloo_exact(table, alternative=alternative).pvalue
    return ExactResult(chosen, float(min(p, 1.0)), two_sided, reason)
