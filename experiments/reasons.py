"""Why a result's values are null: stable codes for the ``null_reason`` column.

A degenerate comparison is evaluated, never raised: what cannot be computed is stored as null
(NaN) and the row says why with one of these codes (``None`` when nothing is missing):

=====================  ==================================================  ====================
code                   meaning                                             what is null
=====================  ==================================================  ====================
empty_arm              an arm has no units (missing from the data, n = 0)  every lift and test
too_small              an arm has 1 unit                                   Welch lifts (an exact
                                                                           test may still run)
all_zero               every value is 0 in both arms (no conversions)      Welch lifts
no_variance            every unit has the same value, in both arms         Welch lifts
control_not_positive   the control mean is 0 or negative                   relative lift only
zero_treatment         the treatment is all zeros against a control with   relative lift only
                       some (0 conversions): the delta-method variance is
                       0, the "interval" a point at −100 %
not_finite             missing or non-finite sufficient statistics         every lift and test
=====================  ==================================================  ====================

"Relative lift" covers everything derived from it: its CI and p-value, the adjusted interval,
the Bayesian chance to win and risks, and the confidence sequence.

>>> from experiments.vectorised import ZERO_TREATMENT
>>> null_reason(ZERO_TREATMENT, 1000, 1000), null_reason(None, 1000, 0)
('zero_treatment', 'empty_arm')
"""

from __future__ import annotations

import math
from typing import Literal

from experiments import vectorised

NullReason = Literal["empty_arm", "too_small", "all_zero", "no_variance", "control_not_positive",
                     "zero_treatment", "not_finite"]

CODES: dict[str, NullReason] = {
    vectorised.TOO_SMALL: "too_small", vectorised.ALL_ZERO: "all_zero",
    vectorised.NO_VARIANCE: "no_variance", vectorised.BAD_CONTROL: "control_not_positive",
    vectorised.ZERO_TREATMENT: "zero_treatment", vectorised.NOT_FINITE: "not_finite",
}


def _units(n: object) -> float:
    try:
        return float(n)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def null_reason(message: str | None, n_control: float, n_treatment: float) -> NullReason | None:
    """The code of an engine message (see :mod:`experiments.vectorised`); ``empty_arm`` when an
    arm has no units, whatever the message; ``None`` when there is nothing to explain."""
    if not all(_units(n) > 0 for n in (n_control, n_treatment)):
        return "empty_arm"
    if message is None:
        return None
    return CODES.get(message, "not_finite")
