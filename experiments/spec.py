"""Experiment definitions as frozen dataclasses, validated on construction.

A problem raises :class:`SpecError` naming the experiment and the field, e.g.
``experiment 'lp': control 'ctrl' is not one of the arms ('a', 'b')``.

>>> spec = ExperimentSpec("lp", "Landing page", arms=(Arm("a"), Arm("b")), control="a",
...     metrics=(Metric("conversion", "proportion", "converted"),),
...     start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 28))
>>> spec.planned_weights
(0.5, 0.5)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, get_args

from experiments.factorial import Factor
from experiments.results import Correction, Design, MetricKind
from experiments.sequential import DEFAULT_TUNING


class SpecError(ValueError):
    """An experiment definition is invalid; the message names the field."""


@dataclass(frozen=True)
class Arm:
    """One arm: id, display name, planned weight and (for factorial designs) its levels."""

    id: str
    name: str = ""
    weight: float = 1.0
    levels: tuple[str, ...] = ()  # one level per ExperimentSpec.factors, in that order

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Metric:
    """A metric: its kind and columns; ``mde`` is the relative lift to power for."""

    id: str
    kind: MetricKind
    numerator: str
    denominator: str | None = None  # ratio metrics only
    covariate: str | None = None  # pre-period column for CUPED (mean metrics)
    mde: float = 0.05
    higher_is_better: bool = True
    labels: Mapping[str, str] = field(default_factory=dict)  # {"nl": ..., "fr": ..., "en": ...}

    def label(self, lang: str) -> str:
        return self.labels.get(lang, self.id)


@dataclass(frozen=True)
class ExperimentSpec:
    """An experiment: arms, control, metrics, dates and how it is analysed."""

    id: str
    name: str
    arms: tuple[Arm, ...]
    control: str
    metrics: tuple[Metric, ...]
    start: dt.date
    end: dt.date
    design: Design = "fixed"
    alpha: float = 0.05
    two_sided: bool = True
    correction: Correction = "holm"
    power: float = 0.8
    sequential_tuning: float = DEFAULT_TUNING
    factors: tuple[Factor, ...] = ()
    prior_mean: float = 0.0  # Bayesian prior on the relative lift: N(prior_mean, prior_sd²);
    prior_sd: float | None = None  # None = flat (improper) prior

    def __post_init__(self) -> None:
        problems = list(_problems(self))
        if problems:
            raise SpecError(f"experiment {self.id!r}: " + "; ".join(problems))

    @property
    def arm_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.arms)

    @property
    def planned_weights(self) -> tuple[float, ...]:
        total = sum(a.weight for a in self.arms)
        return tuple(a.weight / total for a in self.arms)

    def arm(self, arm_id: str) -> Arm:
        return next(a for a in self.arms if a.id == arm_id)


def _problems(s: ExperimentSpec) -> list[str]:
    out = []
    if not s.id:
        out.append("id is empty")
    if len(s.arms) < 2:
        out.append(f"arms: need at least 2, got {len(s.arms)}")
    if len(set(s.arm_ids)) != len(s.arm_ids):
        out.append(f"arms: duplicate ids in {s.arm_ids}")
    if s.control not in s.arm_ids:
        out.append(f"control {s.control!r} is not one of the arms {s.arm_ids}")
    out += [f"arms[{a.id!r}].weight must be positive, got {a.weight}"
            for a in s.arms if not (a.weight > 0 and math.isfinite(a.weight))]
    if not s.metrics:
        out.append("metrics: at least one is required")
    ids = [m.id for m in s.metrics]
    if len(set(ids)) != len(ids):
        out.append(f"metrics: duplicate ids in {tuple(ids)}")
    for m in s.metrics:
        if m.kind not in get_args(MetricKind):
            out.append(f"metrics[{m.id!r}].kind {m.kind!r} is not one of {get_args(MetricKind)}")
        if m.kind == "ratio" and not m.denominator:
            out.append(f"metrics[{m.id!r}].denominator is required for a ratio metric")
        if m.kind != "ratio" and m.denominator:
            out.append(f"metrics[{m.id!r}].denominator is only for ratio metrics")
        if m.covariate and m.kind == "ratio":
            out.append(f"metrics[{m.id!r}].covariate (CUPED) is not supported for ratios")
        if not m.mde > 0:
            out.append(f"metrics[{m.id!r}].mde must be positive, got {m.mde}")
    if s.end < s.start:
        out.append(f"end {s.end} is before start {s.start}")
    if s.design not in get_args(Design):
        out.append(f"design {s.design!r} is not one of {get_args(Design)}")
    if s.correction not in get_args(Correction):
        out.append(f"correction {s.correction!r} is not one of {get_args(Correction)}")
    if not 0 < s.alpha < 0.5:
        out.append(f"alpha must be in (0, 0.5), got {s.alpha}")
    if not 0 < s.power < 1:
        out.append(f"power must be in (0, 1), got {s.power}")
    if s.prior_sd is not None and not (s.prior_sd > 0 and math.isfinite(s.prior_sd)):
        out.append(f"prior_sd must be positive, got {s.prior_sd}")
    if not math.isfinite(s.prior_mean):
        out.append(f"prior_mean must be finite, got {s.prior_mean}")
    if not s.sequential_tuning > 0:
        out.append(f"sequential_tuning must be positive, got {s.sequential_tuning}")
    if s.factors:
        out += [f"arms[{a.id!r}].levels {a.levels} do not match factors "
                f"{tuple(f.name for f in s.factors)}" for a in s.arms
                if len(a.levels) != len(s.factors)
                or any(lv not in f.levels for lv, f in zip(a.levels, s.factors, strict=False))]
    return out


def from_dict(data: Mapping[str, Any]) -> ExperimentSpec:
    """A spec from plain data (YAML/JSON): dates as ISO strings, arms and metrics as dicts."""
    try:
        arms = tuple(Arm(**{**a, "levels": tuple(a.get("levels", ()))}) for a in data["arms"])
        metrics = tuple(Metric(**m) for m in data["metrics"])
        factors = tuple(Factor(f["name"], tuple(f["levels"])) for f in data.get("factors", ()))
        rest = {k: v for k, v in data.items() if k not in {"arms", "metrics", "factors"}}
        for key in ("start", "end"):
            rest[key] = dt.date.fromisoformat(str(rest[key]))
        return ExperimentSpec(arms=arms, metrics=metrics, factors=factors, **rest)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, SpecError):
            raise
        raise SpecError(f"experiment {data.get('id', '?')!r}: {exc}") from exc
