"""Exact tests of two proportions for small counts (scipy's Fisher, Barnard and Boschloo).

When it applies (:func:`needs_exact`): the normal approximation is doubted when any expected
cell of the 2×2 table (converted / not, per arm) is below 5 (Cochran), and when an arm's rate is
0 or 1: its estimated variance is then 0, so Welch's standard error leaves that arm out (and
the relative lift of a zero arm has no interval at all). Which test (``method="auto"``) is
chosen by size, so that its cost stays bounded:

- Boschloo's test (unconditional, uniformly more powerful than Fisher's) when both arms together
  have at most ``BOSCHLOO_MAX_N`` = 200 units. scipy computes a hypergeometric p-value for each
  of the (n1 + 1)(n2 + 1) tables and maximises over the nuisance rate, twice when two-sided: the
  cost grows roughly with n1 · n2 · n (about 0.05 s at 100 + 100 units, 6 s at 500 + 500 and
  47-65 s at 1,000 + 1,000 on our 2-core machine; see ``benchmarks/RESULTS.md``).
- Fisher's exact test (conditional on the total conversions, milliseconds at any size) above.
  It is conservative (its size is at most alpha, often below). Where this rule applies above
  200 units the conversions are rare, and conditioning on their total loses little: Fisher
  and Boschloo differ by 0.01 on 4/1,000 against 0/1,000 (0.125 and 0.117).

The p-value jumps where the method changes (Boschloo's is the smaller one); ``method`` forces one
test at any size (Boschloo and Barnard then cost what the table costs). One-sided means
H1: treatment rate > control rate.

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
BOSCHLOO_MAX_N = 200  # units in both arms together


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
    """True when some expected cell count is below 5 or an arm's rate is 0 or 1.

    >>> from experiments.stats import ProportionStats as P
    >>> needs_exact(P(1000, 10), P(1000, 12)), needs_exact(P(1000, 10), P(1000, 0))
    (False, True)
    """
    pure = any(a.successes in (0, a.n) for a in (control, treatment))
    return pure or min_expected(control, treatment) < MIN_EXPECTED


def auto_method(control: ProportionStats, treatment: ProportionStats) -> Literal[
        "fisher", "boschloo"]:
    """Boschloo up to ``BOSCHLOO_MAX_N`` units in both arms together, Fisher above.

    >>> from experiments.stats import ProportionStats as P
    >>> auto_method(P(100, 0), P(100, 4)), auto_method(P(101, 0), P(100, 4))
    ('boschloo', 'fisher')
    """
    return "boschloo" if control.n + treatment.n <= BOSCHLOO_MAX_N else "fisher"


def exact_test(
    control: ProportionStats, treatment: ProportionStats, *, method: ExactMethod = "auto",
    two_sided: bool = True,
) -> ExactResult:
    """p-value of an exact test; ``error`` (never an exception) on empty or invalid arms."""
    chosen: Literal["fisher", "barnard", "boschloo"]
    if method == "auto":
        chosen = auto_method(control, treatment)
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
