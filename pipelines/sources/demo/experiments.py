"""Demo experiment exposures for Zonnig Huis, with planted truths the engine must recover.

One row per unit and experiment: ``experiment_id``, ``unit_id`` (pseudonymous, ``u_000123``),
``arm``, ``first_exposure_date`` and the metrics ``converted`` (0/1), ``revenue`` (EUR),
``sessions`` and ``pre_revenue`` (EUR in the 8 weeks before, the CUPED covariate).

1. ``lp-offer-nl``: NL quote-page redesign, 2 arms; conversion and revenue +12 % (relative).
2. ``ad-copy-3``: 3 ad copies, no difference at all.
3. ``email-subject-time``: 2×2 subject × send time; only personal + evening helps
   (interaction +1.2 points of conversion).
4. ``checkout-srm``: planned 50/50, assigned 52/48 by a bug (sample-ratio mismatch), no effect.

Any other configured experiment gets 20,000 units at a flat 4 % conversion, split by its
planned weights (no effect). Each experiment draws from its own seeded stream, so adding one
does not change the others.

>>> specs, units = demo_experiments(dt.date(2026, 10, 1), dt.date(2026, 10, 28))
>>> len(specs), len(units), units["unit_id"].iloc[0]
(4, 270000, 'u_000001')
"""

from __future__ import annotations

import datetime as dt
import functools
import zlib

import numpy as np
import pandas as pd

from experiments.factorial import Factor
from experiments.spec import Arm, ExperimentSpec, Metric

LANDING_ID, AD_COPY_ID, EMAIL_ID, SRM_ID = (
    "lp-offer-nl", "ad-copy-3", "email-subject-time", "checkout-srm")
TRUE_LANDING_LIFT = 0.12  # relative, conversion and revenue per unit and per session
TRUE_AD_COPY_LIFT = 0.0
EMAIL_RATES = {("standard", "morning"): 0.040, ("personal", "morning"): 0.044,
               ("standard", "evening"): 0.040, ("personal", "evening"): 0.056}
TRUE_EMAIL_INTERACTION = 0.012  # absolute: p11 − p10 − p01 + p00
TRUE_SRM_SHARE = 0.52  # share of units actually sent to arm "b" (planned 0.5)
SIZES = {LANDING_ID: 100_000, AD_COPY_ID: 60_000, EMAIL_ID: 80_000, SRM_ID: 30_000}
DEFAULT_SIZE = 20_000
UNIT_COLUMNS = ("experiment_id", "unit_id", "arm", "first_exposure_date", "converted",
                "revenue", "sessions", "pre_revenue")


def _label(nl: str, fr: str, en: str) -> dict[str, str]:
    return {"nl": nl, "fr": fr, "en": en}


CONVERSION = Metric("conversion", "proportion", "converted", mde=0.10,
                    labels=_label("conversie", "conversion", "conversion"))
REVENUE = Metric("revenue", "mean", "revenue", covariate="pre_revenue", mde=0.10,
                 labels=_label("omzet per bezoeker", "chiffre d'affaires par visiteur",
                               "revenue per visitor"))
REVENUE_PER_SESSION = Metric("revenue_per_session", "ratio", "revenue", denominator="sessions",
                             mde=0.10, labels=_label("omzet per sessie",
                                                     "chiffre d'affaires par session",
                                                     "revenue per session"))


def specs(start: dt.date, end: dt.date) -> tuple[ExperimentSpec, ...]:
    """The four demo experiments, all running from start to end."""
    two = (Arm("control", "A"), Arm("b", "B"))
    factors = (Factor("subject", ("standard", "personal")), Factor("send_time",
                                                                   ("morning", "evening")))
    cells = [Arm(f"{s}-{t}", f"{s}/{t}", levels=(s, t))
             for t in factors[1].levels for s in factors[0].levels]
    return (
        ExperimentSpec(LANDING_ID, "Offertepagina NL", two, "control",
                       (CONVERSION, REVENUE, REVENUE_PER_SESSION), start, end),
        ExperimentSpec(AD_COPY_ID, "Advertentieteksten zonnepanelen",
                       (Arm("a", "A"), Arm("b", "B"), Arm("c", "C")), "a",
                       (Metric("conversion", "proportion", "converted", mde=0.2,
                               labels=CONVERSION.labels), REVENUE), start, end),
        ExperimentSpec(EMAIL_ID, "Nieuwsbrief: onderwerp × verzendtijd", tuple(cells),
                       cells[0].id, (Metric("conversion", "proportion", "converted", mde=0.15,
                                            labels=CONVERSION.labels),),
                       start, end, factors=factors),
        ExperimentSpec(SRM_ID, "Afrekenpagina", two, "control", (CONVERSION,), start, end),
    )


def _block(rng: np.random.Generator, arms: np.ndarray, rate: np.ndarray) -> dict[str, np.ndarray]:
    """Units of one experiment: returning customers convert more and had pre-period revenue."""
    n = arms.size
    returning = rng.random(n) < 0.2
    value = rng.lognormal(0.0, 0.5, n)  # latent customer value
    p = rate * np.where(returning, 1.8, 0.8)  # mean multiplier 0.2·1.8 + 0.8·0.8 = 1
    converted = (rng.random(n) < p).astype(np.int8)
    revenue = converted * np.round(220 * value * rng.lognormal(0, 0.3, n), 2)
    pre = np.where(returning, np.round(180 * value * rng.lognormal(0, 0.4, n), 2), 0.0)
    sessions = 1 + rng.poisson(1.5, n)
    return {"arm": arms, "converted": converted, "revenue": revenue, "sessions": sessions,
            "pre_revenue": pre}


def _assign(rng: np.random.Generator, spec: ExperimentSpec, n: int) -> np.ndarray:
    """Arms drawn with the planned weights (or the planted mismatch for the SRM test)."""
    weights = np.array(spec.planned_weights)
    if spec.id == SRM_ID and spec.arm_ids == ("control", "b"):
        weights = np.array([1 - TRUE_SRM_SHARE, TRUE_SRM_SHARE])
    return np.array(spec.arm_ids)[rng.choice(len(weights), size=n, p=weights)]


def _rates(spec: ExperimentSpec, arms: np.ndarray) -> np.ndarray:
    """The planted conversion rate of each unit; a flat 4 % for experiments the demo does not
    know (or whose arms were changed)."""
    if spec.id == LANDING_ID and spec.arm_ids == ("control", "b"):
        return np.where(arms == "b", 0.05 * (1 + TRUE_LANDING_LIFT), 0.05)
    if spec.id == AD_COPY_ID:
        return np.full(arms.size, 0.03)
    if spec.id == EMAIL_ID and {a.levels for a in spec.arms} == set(EMAIL_RATES):
        by_arm = {a.id: EMAIL_RATES[a.levels] for a in spec.arms}
        return np.vectorize(by_arm.__getitem__, otypes=[float])(arms)
    return np.full(arms.size, 0.05 if spec.id == SRM_ID else 0.04)


@functools.cache
def _all_unit_ids(n: int) -> np.ndarray:
    return np.array([f"u_{i:06d}" for i in range(1, n + 1)], dtype=object)


def _unit_ids(n: int) -> np.ndarray:
    """``u_000001`` .. the n-th unit's id (the same ids in every experiment: made once).

    >>> list(_unit_ids(2))
    ['u_000001', 'u_000002']
    """
    return _all_unit_ids(max(n, max(SIZES.values())))[:n]


def demo_units(specs: tuple[ExperimentSpec, ...], as_of: dt.date, seed: int = 15) -> pd.DataFrame:
    """One row per unit exposed to each experiment by ``as_of`` (deterministic for a seed).

    Units arrive uniformly over each experiment's dates; the whole run's units are drawn first
    and those not yet exposed by ``as_of`` left out, so each day's data extends the day
    before's (what a team peeking daily would see).
    """
    frames = []
    for spec in specs:
        rng = np.random.default_rng([seed, zlib.crc32(spec.id.encode())])
        n = SIZES.get(spec.id, DEFAULT_SIZE)
        arms = _assign(rng, spec, n)
        cols = _block(rng, arms, _rates(spec, arms))
        days = (spec.end - spec.start).days + 1
        exposed = np.datetime64(spec.start, "D") + rng.integers(0, days, n).astype(
            "timedelta64[D]")
        frame = pd.DataFrame({"experiment_id": spec.id,
                              "unit_id": _unit_ids(n),
                              "arm": cols.pop("arm"), "first_exposure_date": exposed, **cols})
        frames.append(frame[frame.first_exposure_date <= np.datetime64(as_of, "D")])
    if not frames:
        return pd.DataFrame(columns=list(UNIT_COLUMNS))
    return pd.concat(frames, ignore_index=True)


def demo_experiments(
    start: dt.date, end: dt.date, seed: int = 15
) -> tuple[tuple[ExperimentSpec, ...], pd.DataFrame]:
    """The four specs over ``start``..``end`` and all their units."""
    if end < start:
        raise ValueError(f"demo_experiments: end ({end}) is before start ({start})")
    planned = specs(start, end)
    return planned, demo_units(planned, end, seed)
