"""Which test decides a comparison, and the decision itself.

Each treatment row enters the multiple-testing family with one p-value (``decision_p_value``),
taken from the first test that applies (``decision_test`` names it):

1. ``exact``: the exact test, when it ran (a proportion with an expected cell below 5, see
   :mod:`experiments.exact`). Small counts make the Welch approximation unreliable, and a zero
   arm leaves no relative lift to test at all.
2. ``relative``: Welch's test of the relative lift (the headline scale).
3. ``absolute``: Welch's test of the absolute difference, when the relative lift is undefined
   (a zero or negative control mean, a treatment of zeros; see :mod:`experiments.reasons`).

Sequential designs use the always-valid p-value of the same scale (``sequential_relative``,
``sequential_absolute``); with an exact test they take the larger of the exact and the
always-valid p-value (``sequential_exact``), so neither guarantee is given up. A row with none
of these has no decision p-value (NaN) and its decision is ``error``.

>>> p, test = decision_p_values([0.2, 0.01, float("nan")], [0.3, 0.02, 0.04],
...                             [0.5, float("nan"), float("nan")])
>>> p.tolist(), test.tolist()
([0.5, 0.01, 0.04], ['exact', 'relative', 'absolute'])
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from experiments.multiple import rejects


def decision_p_values(
    relative: ArrayLike, absolute: ArrayLike, exact: ArrayLike, *,
    sequential_relative: ArrayLike | None = None, sequential_absolute: ArrayLike | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.object_]]:
    """Per row, the p-value that decides and the name of its test (None when there is none).

    Pass the always-valid p-values for sequential designs; they replace the fixed-horizon
    Welch p-values, and are combined with the exact one by taking the larger.
    """
    rel, ab, ex = (np.asarray(x, dtype=float) for x in (relative, absolute, exact))
    sequential = sequential_relative is not None
    prefix = "sequential_" if sequential else ""
    if sequential:
        rel = np.asarray(sequential_relative, dtype=float)
        ab = np.asarray(ab if sequential_absolute is None else sequential_absolute, dtype=float)
    p = np.full(rel.shape, np.nan)
    test = np.full(rel.shape, None, dtype=object)
    for values, name in ((ab, "absolute"), (rel, "relative")):  # later ones take precedence
        ok = np.isfinite(values)
        p[ok], test[ok] = values[ok], prefix + name
    ok = np.isfinite(ex)
    p[ok] = np.fmax(ex[ok], p[ok]) if sequential else ex[ok]  # fmax ignores a NaN
    test[ok] = prefix + "exact"
    return p, test


def decide(row: Mapping, alpha: float, ended: bool) -> str:
    """srm > error > wins/loses (adjusted p <= alpha) > no_difference (powered or ended) >
    keep_running.

    An adjusted p-value equal to alpha rejects (see :func:`experiments.multiple.rejects`).
    The direction is that of the difference of means, so it holds when the relative lift is
    undefined (a zero control) and for negative means.

    >>> row = {"srm_mismatch": False, "is_control": False, "error": None, "p_adjusted": 0.05,
    ...        "mean": 0.0, "control_mean": 0.004, "higher_is_better": True}
    >>> decide(row, 0.05, ended=True)
    'loses'
    """
    if row["srm_mismatch"]:
        return "srm"
    if row["is_control"]:
        return "control"
    if row["error"]:
        return "error"
    if rejects(row["p_adjusted"], alpha):
        better = (row["mean"] - row["control_mean"] > 0) == row["higher_is_better"]
        return "wins" if better else "loses"
    if ended or row["n_needed_per_arm"] <= min(row["n"], row["n_control"]):
        return "no_difference"
    return "keep_running"
