"""Multiple testing across arms × metrics: Holm or Benjamini–Hochberg p-values and CIs.

Adjusted p-values: Holm (step-down, controls the family-wise error rate) and BH (step-up,
controls the false discovery rate). NaN p-values are left out of the family and stay NaN.

Adjusted confidence intervals (:func:`adjusted_alpha` gives the per-test level):

- ``holm``: Bonferroni intervals at alpha / m. They cover all m effects simultaneously with
  probability ≥ 1 − alpha. Holm may reject a hypothesis whose Bonferroni interval still touches
  0 (intervals exactly consistent with Holm are non-informative for rejected hypotheses).
- ``bh``: Benjamini–Yekutieli (2005) false-coverage-rate intervals at level 1 − R·alpha / m,
  R = number of BH rejections (at least 1). For the selected (rejected) hypotheses the
  intervals exclude 0 exactly when BH rejects, and the expected share of non-covering intervals
  among them is ≤ alpha. Non-selected ones get the same level for display only.
- ``none``: unadjusted alpha.

Boundary convention: an adjusted p-value equal to alpha rejects (:func:`rejects`: p <= alpha,
ties judged to 1e-12 relative so that floating-point noise does not decide).
This is how Holm (1979) and Benjamini–Hochberg (1995) state their procedures and what
statsmodels' ``multipletests`` returns as ``reject`` (Holm: reject while p(i) <= alpha /
(m − i + 1); BH: ``pvals_sorted <= ecdffactor * alpha``). gbstats itself only computes
p-values; GrowthBook's application decides with ``pValue < pValueThreshold`` (``isStatSig`` in
packages/shared), so a p-value exactly at alpha is significant here and in statsmodels, not in
GrowthBook's interface.

>>> adjust([0.01, 0.04, 0.03, 0.005, 0.55, 0.6], "holm").round(4).tolist()
[0.05, 0.12, 0.12, 0.03, 1.0, 1.0]
>>> adjust([0.898, 0.138, 0.007, 0.964, 0.538, 0.006, 0.138], "bh").round(4).tolist()
[0.964, 0.2415, 0.0245, 0.964, 0.7532, 0.0245, 0.2415]
>>> rejects(adjust([0.025, 0.05], "holm"), 0.05).tolist()  # both adjusted to exactly 0.05
[True, True]
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

F = NDArray[np.float64]
Method = Literal["holm", "bh", "none"]


def adjust(pvalues: ArrayLike, method: Method = "holm") -> F:
    """Adjusted p-values in the input order."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    q = p[ok]
    m = q.size
    if m == 0 or method == "none":
        out[ok] = q
        return out
    order = np.argsort(q, kind="stable")
    ranked = q[order]
    rank = np.arange(1, m + 1)
    if method == "holm":
        adj = np.maximum.accumulate(np.minimum(1.0, (m - rank + 1) * ranked))
    elif method == "bh":
        adj = np.minimum.accumulate((m * ranked / rank)[::-1])[::-1]
        adj = np.minimum(adj, 1.0)
    else:
        raise ValueError(f"unknown method {method!r}; expected 'holm', 'bh' or 'none'")
    back = np.empty(m)
    back[order] = adj
    out[ok] = back
    return out


TIE = 1e-12  # relative: an adjusted p this close to alpha is equal to it


def rejects(p_adjusted: ArrayLike, alpha: float = 0.05) -> NDArray[np.bool_]:
    """True where the adjusted p-value is at most alpha (equal rejects); False for NaN.

    Equal means within ``TIE`` (1e-12 relative) of alpha: m · p / i is computed in floating
    point, so that BH adjusts [0.05, 0.0075, 0.015] to 0.05000000000000001 for the first.

    >>> rejects(adjust([0.05, 0.0075, 0.015], "bh"), 0.05).tolist()
    [True, True, True]
    """
    with np.errstate(invalid="ignore"):
        return np.asarray(p_adjusted, dtype=float) <= alpha * (1 + TIE)


def adjusted_alpha(pvalues: ArrayLike, method: Method = "holm", alpha: float = 0.05) -> float:
    """The per-test alpha of the adjusted confidence intervals (see the module docstring)."""
    p = np.asarray(pvalues, dtype=float)
    m = int(np.isfinite(p).sum())
    if m == 0 or method == "none":
        return alpha
    if method == "holm":
        return alpha / m
    rejected = int(rejects(adjust(p, "bh"), alpha).sum())
    return max(rejected, 1) * alpha / m
