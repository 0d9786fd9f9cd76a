"""Sample-ratio mismatch: Pearson chi-square of arm counts against the planned weights.

All arms are tested at once (k − 1 degrees of freedom); warn when p < 0.001. Weights are
normalised, so 1:1 and 0.5/0.5 mean the same. Bad input returns a result with ``error``.

>>> round(srm_test([10000, 10300], [0.5, 0.5]).p_value, 6)
0.03524
>>> r = srm_test([600, 400], [1, 1])
>>> f"{r.p_value:.3g}", r.mismatch
('2.54e-10', True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

from experiments.results import SRM_THRESHOLD, SrmResult


def srm_test(
    counts: Sequence[float], weights: Sequence[float] | None = None,
    threshold: float = SRM_THRESHOLD,
) -> SrmResult:
    """Chi-square goodness of fit of observed units per arm to the planned split."""
    observed = np.asarray(counts, dtype=float)
    planned = np.ones_like(observed) if weights is None else np.asarray(weights, dtype=float)

    def failed(message: str) -> SrmResult:
        return SrmResult(math.nan, math.nan, (), False, threshold, message)

    if observed.ndim != 1 or planned.shape != observed.shape:
        return failed(f"{observed.size} counts but {planned.size} weights")
    if observed.size < 2:
        return failed("SRM needs at least 2 arms")
    if not (np.all(np.isfinite(planned)) and np.all(planned > 0)):
        return failed("planned weights must be positive")
    if np.any(observed < 0) or observed.sum() <= 0:
        return failed("no units observed")
    expected = planned / planned.sum() * observed.sum()
    statistic = float(((observed - expected) ** 2 / expected).sum())
    p = float(stats.chi2.sf(statistic, observed.size - 1))
    return SrmResult(p, statistic, tuple(expected.tolist()), p < threshold, threshold)
