"""Demo experiment exposures for Zonnig Huis, with planted truths the engine must recover.

One row per unit and experiment: ``experiment_id``, ``unit_id`` (pseudonymous, ``u_000123``),
``arm``, ``first_exposure_date`` and the metrics ``converted`` (0/1), ``revenue`` (EUR),
``sessions`` and ``pre_revenue`` (EUR in the 8 weeks before, the CUPED covariate).

1. ``lp-offer-nl``: NL quote-page redesign, 2 arms; conversion and revenue +12 % (relative).
2. ``ad-copy-3``: 3 ad copies, no difference at all.
3. ``email-subject-time``: 2×2 subject × send time; only personal + evening helps
   (interaction +1.2 points of conversion).
4. ``checkout-srm``: planned 50/50, assigned 52/48 by a bug (sample-ratio mismatch), no effect.

>>> specs, units = demo_experiments(dt.date(2026, 10, 1), dt.date(2026, 10, 28))
>>> len(specs), len(units), units["unit_id"].iloc[0]
(4, 270000, 'u_000001')
"""

from __future__ import annotations

import datetime as dt

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


def demo_experiments(
    start: dt.date, end: dt.date, seed: int = 15
) -> tuple[tuple[ExperimentSpec, ...], pd.DataFrame]:
    """The specs and one row per exposed unit (deterministic for a seed)."""
    if end < start:
        raise ValueError(f"demo_experiments: end ({end}) is before start ({start})")
    rng = np.random.default_rng(seed)
    blocks = []
    n = SIZES[LANDING_ID]
    arms = np.where(rng.random(n) < 0.5, "control", "b")
    blocks.append((LANDING_ID, _block(rng, arms, np.where(arms == "b", 0.05 * 1.12, 0.05))))
    n = SIZES[AD_COPY_ID]
    blocks.append((AD_COPY_ID, _block(rng, rng.choice(np.array(["a", "b", "c"]), n),
                                      np.full(n, 0.03))))
    n = SIZES[EMAIL_ID]
    names = np.array([f"{s}-{t}" for s, t in EMAIL_RATES])
    pick = rng.integers(0, 4, n)
    blocks.append((EMAIL_ID, _block(rng, names[pick], np.array(list(EMAIL_RATES.values()))[pick])))
    n = SIZES[SRM_ID]
    arms = np.where(rng.random(n) < TRUE_SRM_SHARE, "b", "control")
    blocks.append((SRM_ID, _block(rng, arms, np.full(n, 0.05))))

    frame = pd.concat([pd.DataFrame({"experiment_id": eid, **cols}) for eid, cols in blocks],
                      ignore_index=True)
    total = len(frame)
    days = (end - start).days + 1
    offsets = rng.integers(0, days, total).astype("timedelta64[D]")
    frame.insert(1, "unit_id", [f"u_{i:06d}" for i in range(1, total + 1)])
    frame.insert(3, "first_exposure_date", np.datetime64(start, "D") + offsets)
    return specs(start, end), frame
