"""Issue 15: an adjusted p-value exactly equal to alpha rejects (p <= alpha), as statsmodels.

Holm (1979) rejects H(i) while p(i) <= alpha / (m − i + 1) and Benjamini–Hochberg (1995) rejects
up to the largest i with p(i) <= i·alpha / m; statsmodels' ``multipletests`` follows both with
``<=``. GrowthBook's interface uses ``p < threshold`` instead (gbstats only computes p-values).
The first families land exactly on alpha in floating point (products by 2 and halvings); the
random ones are checked against the procedures in rational arithmetic, where a float tie one
ulp above alpha must still reject.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from experiments import adjust
from experiments.evaluate import decide

FAMILIES = {  # (values, our method, statsmodels' method)
    "holm": ([0.025, 0.05], "holm", "holm"),  # 2 × 0.025 = 0.05; then max(0.05, 0.05)
    "bh": ([0.01, 0.05], "bh", "fdr_bh"),  # 0.05 · 2 / 2 = 0.05 and 0.01 · 2 = 0.02
}
ROW = {"srm_mismatch": False, "is_control": False, "error": None, "higher_is_better": True,
       "mean": 0.12, "control_mean": 0.1, "n_needed_per_arm": np.inf, "n": 1000,
       "n_control": 1000}


def decisions(adjusted: np.ndarray) -> list[bool]:
    return [decide({**ROW, "p_adjusted": q}, 0.05, ended=True) == "wins" for q in adjusted]


@pytest.mark.parametrize("family", FAMILIES)
def test_adjusted_p_equal_to_alpha_rejects_like_statsmodels(family: str) -> None:
    p, ours_method, theirs_method = FAMILIES[family]
    ours = adjust(p, ours_method)
    reject, theirs, *_ = multipletests(p, alpha=0.05, method=theirs_method)
    assert ours.tolist() == theirs.tolist() and 0.05 in ours.tolist()  # exactly on alpha
    assert decisions(ours) == reject.tolist() == [True, True]


def exact_rejections(p: list[Fraction], method: str, alpha: Fraction) -> list[bool]:
    """Holm (1979) and BH (1995) as they are defined, in rational arithmetic (no rounding)."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    if method == "holm":
        passed = 0
        while passed < m and p[order[passed]] <= alpha / (m - passed):
            passed += 1
        rejected = set(order[:passed])
    else:
        ranks = [r for r in range(1, m + 1) if p[order[r - 1]] <= r * alpha / m]
        rejected = set(order[:max(ranks, default=0)])
    return [i in rejected for i in range(m)]


def test_ties_at_alpha_reject_as_the_procedures_are_defined() -> None:
    rng = np.random.default_rng(15)
    alpha = Fraction(1, 20)
    agree = 0
    for _ in range(300):
        # p-values on a grid of alpha / 40, so that many adjusted values land on alpha exactly
        grid = [Fraction(int(k), 800) for k in rng.integers(1, 60, int(rng.integers(1, 8)))]
        p = np.array([float(x) for x in grid])
        for method in ("holm", "bh"):
            expected = exact_rejections(grid, method, alpha)
            assert decisions(adjust(p, method)) == expected, (grid, method)
        # statsmodels' BH (its Holm runs gc.collect() on every call: too slow for 300 here)
        agree += multipletests(p, alpha=0.05, method="fdr_bh")[0].tolist() == expected
    assert agree == 300  # and statsmodels agrees on every one (13 of them have a tie)


def test_a_float_tie_rejects_and_just_above_alpha_does_not() -> None:
    assert decide({**ROW, "p_adjusted": 0.05}, 0.05, ended=True) == "wins"
    assert decide({**ROW, "p_adjusted": np.nextafter(0.05, 1)}, 0.05, ended=True) == "wins"
    assert decide({**ROW, "p_adjusted": 0.05 * (1 + 1e-9)}, 0.05,
                  ended=True) == "no_difference"
