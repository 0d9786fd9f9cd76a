"""Which purchase model a segment gets, by one rule that is the same every night.

BG/NBD lets the dropout probability p vary between customers (p ~ Beta(a, b)). When the data
show no such spread, its likelihood keeps rising along a ridge towards a, b -> infinity with
a / (a + b) fixed: the constant-dropout model (one p for all, ``ConstantDropoutParams``) is that
limit. Where the optimiser stops on the ridge is chance, so the choice is made on likelihoods:
both models are fitted, and BG/NBD is kept only when its extra parameter raises the
log-likelihood by more than ``SPREAD_GAIN`` = 1 (Akaike's price of a parameter). On the ridge
the gain is at most 0, so the ridge always gives the constant-dropout model.

>>> fit = fit_purchase_model([0, 1, 3, 0, 2, 1], [0, 4, 9, 0, 6, 1], [10, 10, 10, 12, 12, 12],
...                          weights=[30, 8, 3, 25, 5, 6])
>>> fit.status, type(fit.params).__name__
('constant_dropout', 'ConstantDropoutParams')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from numpy.typing import ArrayLike

from kpi.clv.likelihood import checked_summaries
from kpi.clv.models import (
    BgNbdParams,
    ConstantDropoutParams,
    PurchaseParams,
    fit_bgnbd,
    fit_constant_dropout,
)

Status = Literal["fitted", "constant_dropout", "no_repeat_buyers", "not_fitted"]
FITTED: Final = "fitted"  # BG/NBD: dropout varies between customers
CONSTANT_DROPOUT: Final = "constant_dropout"  # one dropout probability for all
NO_REPEAT_BUYERS: Final = "no_repeat_buyers"  # nobody bought twice yet: no model
NOT_FITTED: Final = "not_fitted"  # neither model has a maximum inside its parameter space
STATUSES: tuple[Status, ...] = (FITTED, CONSTANT_DROPOUT, NO_REPEAT_BUYERS, NOT_FITTED)
SPREAD_GAIN = 1.0  # log-likelihood BG/NBD's spread of dropout must add to be kept


@dataclass(frozen=True)
class PurchaseFit:
    """The chosen model (None without one), why, and both fits' log-likelihoods (None for a
    model without a maximum: a NaN would make two equal fits unequal) so that the choice can
    be checked."""

    params: PurchaseParams | None
    status: Status
    message: str | None
    bgnbd_log_likelihood: float | None = None
    constant_dropout_log_likelihood: float | None = None


def fit_purchase_model(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
                       weights: ArrayLike | None = None) -> PurchaseFit:
    """Fit BG/NBD and the constant-dropout model and choose (module docstring). Invalid input
    (negative counts, recency after T, ...) still raises ValueError; a fit that fails does not."""
    x, _, _, w = checked_summaries(frequency, recency, T, weights)
    if not ((x > 0) & (w > 0)).any():
        return PurchaseFit(None, NO_REPEAT_BUYERS, "nobody in the segment bought twice yet")
    bgnbd, bg_error = _attempt(fit_bgnbd, frequency, recency, T, weights)
    constant, cd_error = _attempt(fit_constant_dropout, frequency, recency, T, weights)
    ll4 = bgnbd.log_likelihood if bgnbd else None
    ll3 = constant.log_likelihood if constant else None
    if bgnbd is None and constant is None:
        return PurchaseFit(None, NOT_FITTED, f"BG/NBD: {bg_error}; constant dropout: "
                           f"{cd_error}", ll4, ll3)
    if constant is None or (bgnbd is not None and bgnbd.log_likelihood
                            - constant.log_likelihood > SPREAD_GAIN):
        return PurchaseFit(bgnbd, FITTED, None, ll4, ll3)
    return PurchaseFit(constant, CONSTANT_DROPOUT, _why_constant(bgnbd, bg_error, constant),
                       ll4, ll3)


def _attempt(fit, *args):  # -> (params, None) or (None, the error's text)
    try:
        return fit(*args), None
    except ValueError as exc:
        return None, str(exc)


def _why_constant(bgnbd: BgNbdParams | None, error: str | None,
                  constant: ConstantDropoutParams) -> str:
    if bgnbd is None:
        why = f"BG/NBD: {error}"
    else:
        gain = bgnbd.log_likelihood - constant.log_likelihood
        why = (f"BG/NBD's spread of dropout between customers (a {bgnbd.a:.3g}, b "
               f"{bgnbd.b:.3g}) adds {max(gain, 0.0):.2f} to the log-likelihood, not more than "
               f"{SPREAD_GAIN:g}")
    if constant.p == 0:
        return f"{why}; no customer seen to drop out: p = 0"
    return f"{why}; one dropout probability for all: p = {constant.p:.3g}"
