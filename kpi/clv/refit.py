"""When the CLV models are fitted again, and how a fit is kept between nights.

BG/NBD and Gamma-Gamma describe the customer *population* (how often, how long and how much
customers buy); with a year or more of history their parameters hardly move from one day to the
next, while fitting them costs more every year (the fit runs over every customer). Common CLV
practice, followed here: fit the parameters periodically and score every customer nightly with
the latest fit. The models are fitted again

- on the first night of each ISO week (the observation end in another ISO week than the stored
  fit's, or earlier than it: a re-run of an older day),
- when what the fit was made on changed (:func:`fit_basis`: orders source, history start,
  segment rule, reporting currency and rates, model version), or no fit is stored,
- for a segment that has no stored fit, or whose stored fit has no purchase model (failed fits
  are tried again every night);

on the other nights every customer is rescored with the stored parameters (recency, T and
P(alive) move every night). A refit night gives exactly what fitting every night gave; the
stored fit says when it was made and on how many customers, and the CLV page shows it.

Scoring needs, per distinct (x, T), the discounted purchases over the horizon of a customer
still active: the costly part, and T (whole ISO weeks) only moves when the week does. The values
computed with a fit are kept with it (``memos``, for the terms they were computed with) so a
night with the same fit computes only the pairs it has not seen yet.

>>> refit_reason(None, "k", dt.date(2026, 11, 30))
'no stored fit'
>>> stored = StoredFit("k", dt.date(2026, 11, 23), {})  # a Monday
>>> refit_reason(stored, "k", dt.date(2026, 11, 29)) is None  # Sunday, same ISO week
True
>>> refit_reason(stored, "k", dt.date(2026, 11, 30))
'a new ISO week'
>>> refit_reason(stored, "other", dt.date(2026, 11, 24))
'the orders, segments or currency changed'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from kpi.clv.choice import PurchaseFit
from kpi.clv.gamma_gamma import GammaGammaParams
from kpi.clv.models import BgNbdParams, ConstantDropoutParams
from kpi.clv.predict import ClvTerms, SegmentFit

FIT_STATE = "clv_fit"  # pipeline_state key of the stored fit (JSON, see StoredFit.to_json)
MODEL_VERSION = "1"  # bump when fitting changes: the next night refits


@dataclass(frozen=True)
class StoredFit:
    """The fits of every segment, made on ``fitted_on`` over data described by ``basis``, and
    the (x, T) values computed with them under ``terms`` (``memos``, per segment)."""

    basis: str
    fitted_on: dt.date
    segments: Mapping[str, SegmentFit]
    terms: ClvTerms | None = None
    memos: Mapping[str, Mapping[tuple[float, float], float]] = dataclasses.field(
        default_factory=dict)

    def memos_for(self, terms: ClvTerms) -> Mapping[str, Mapping[tuple[float, float], float]]:
        """The kept values, when they were computed under ``terms`` (else none)."""
        return self.memos if self.terms == terms else {}

    def to_json(self) -> str:
        """Exact: floats written with all their digits, so a reuse night scores with the very
        parameters the refit night used."""
        return json.dumps({"basis": self.basis, "fitted_on": self.fitted_on.isoformat(),
                           "segments": {name: _segment_json(fit)
                                        for name, fit in self.segments.items()},
                           "terms": dataclasses.asdict(self.terms) if self.terms else None,
                           "memos": {name: [[x, t, v] for (x, t), v in memo.items()]
                                     for name, memo in self.memos.items()}})

    @classmethod
    def from_json(cls, text: str | None) -> StoredFit | None:
        """The stored fit, or None when there is none or it cannot be read (then: refit)."""
        if not text:
            return None
        try:
            data = json.loads(text)
            terms = data.get("terms")
            return cls(data["basis"], dt.date.fromisoformat(data["fitted_on"]),
                       {name: _segment_from(item) for name, item in data["segments"].items()},
                       ClvTerms(**terms) if terms else None,
                       {name: {(float(x), float(t)): float(v) for x, t, v in rows}
                        for name, rows in data.get("memos", {}).items()})
        except (ValueError, KeyError, TypeError):
            return None


def fit_basis(**what: object) -> str:
    """A short fingerprint of what a fit depends on (any JSON-able values).

    >>> fit_basis(source="demo", seed=7) == fit_basis(seed=7, source="demo")
    True
    """
    text = json.dumps({**what, "model_version": MODEL_VERSION}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def refit_reason(stored: StoredFit | None, basis: str, observation_end: dt.date) -> str | None:
    """Why tonight fits the models again, or None: score with ``stored`` (module docstring)."""
    if stored is None:
        return "no stored fit"
    if stored.basis != basis:
        return "the orders, segments or currency changed"
    if observation_end < stored.fitted_on:
        return "the observation end is before the stored fit's"
    if observation_end.isocalendar()[:2] != stored.fitted_on.isocalendar()[:2]:
        return "a new ISO week"
    return None


def _segment_json(fit: SegmentFit) -> dict:
    params = fit.purchase.params
    return {
        "purchase": {
            "kind": type(params).__name__ if params is not None else None,
            "params": dataclasses.asdict(params) if params is not None else None,
            "status": fit.purchase.status, "message": fit.purchase.message,
            "bgnbd_log_likelihood": fit.purchase.bgnbd_log_likelihood,
            "constant_dropout_log_likelihood": fit.purchase.constant_dropout_log_likelihood},
        "spend": dataclasses.asdict(fit.spend) if fit.spend is not None else None,
        "spend_message": fit.spend_message,
        "fitted_on": fit.fitted_on.isoformat() if fit.fitted_on else None,
        "customers": fit.customers,
    }


_PARAMS = {cls.__name__: cls for cls in (BgNbdParams, ConstantDropoutParams)}


def _segment_from(item: dict) -> SegmentFit:
    purchase = item["purchase"]
    params = (None if purchase["kind"] is None
              else _PARAMS[purchase["kind"]](**purchase["params"]))
    spend = GammaGammaParams(**item["spend"]) if item["spend"] is not None else None
    return SegmentFit(
        PurchaseFit(params, purchase["status"], purchase["message"],
                    purchase["bgnbd_log_likelihood"], purchase["constant_dropout_log_likelihood"]),
        spend, item["spend_message"],
        dt.date.fromisoformat(item["fitted_on"]) if item["fitted_on"] else None,
        int(item["customers"]))
