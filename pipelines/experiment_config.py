"""The ``experiments:`` section of the configuration and where exposures come from.

Each definition is checked twice: by pydantic (types, a field path in the error) and by
:class:`experiments.spec.ExperimentSpec` (arms, control, weights, factors), whose message is
reported under the definition's index, e.g. ``experiments.0: experiment 'lp': control 'x' is not
one of the arms ('a', 'b')``.

>>> d = ExperimentDefinition.model_validate({"id": "lp", "name": "Landing page",
...     "arms": [{"id": "a"}, {"id": "b"}], "control": "a", "start": "2026-10-01",
...     "end": "2026-10-28", "metrics": [{"id": "conversion", "kind": "proportion",
...     "numerator": "converted"}]})
>>> d.spec().planned_weights
(0.5, 0.5)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from experiments.factorial import Factor
from experiments.spec import Arm, ExperimentSpec, Metric, SpecError

Identifier = Annotated[str, Field(min_length=1, max_length=64,
                                  pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
# Unit-level columns the demo generates (see pipelines/sources/demo/experiments.py).
DEMO_COLUMNS = ("converted", "revenue", "sessions", "pre_revenue")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArmDefinition(_Strict):
    id: Identifier
    name: str = Field("", max_length=200)
    weight: float = Field(1.0, gt=0)  # planned share, relative to the other arms
    levels: tuple[str, ...] = ()  # factorial designs: one level per factor, in order


class MetricDefinition(_Strict):
    id: Identifier
    kind: Literal["proportion", "mean", "ratio"]
    numerator: str = Field(min_length=1)  # unit column (file, demo) or GA4 event name
    denominator: str | None = None  # ratio metrics
    covariate: str | None = None  # pre-period column for CUPED (mean metrics)
    mde: float = Field(0.05, gt=0)  # relative lift to plan power for
    higher_is_better: bool = True
    labels: dict[Literal["nl", "fr", "en"], str] = Field(default_factory=dict)


class FactorDefinition(_Strict):
    name: Identifier
    levels: tuple[str, ...] = Field(min_length=2)


class Prior(_Strict):
    """A normal prior on the relative lift, e.g. ``{mean: 0, sd: 0.1}``: most changes move the
    metric by less than about ±20 %."""

    mean: float = 0.0
    sd: float = Field(gt=0)


class ExperimentDefinition(_Strict):
    """One experiment as written in the configuration file."""

    id: Identifier
    name: str = Field(min_length=1, max_length=200)
    arms: tuple[ArmDefinition, ...]
    control: str
    metrics: tuple[MetricDefinition, ...]
    start: dt.date
    end: dt.date
    design: Literal["fixed", "sequential"] = "fixed"
    alpha: float = 0.05
    two_sided: bool = True
    correction: Literal["holm", "bh", "none"] = "holm"
    power: float = 0.8
    sequential_tuning: float | None = None
    factors: tuple[FactorDefinition, ...] = ()
    variant_dimension: str | None = None  # GA4: the user-scoped custom dimension holding the arm
    prior: Prior | None = None  # Bayesian prior on the relative lift; default flat

    @model_validator(mode="after")
    def _valid_spec(self) -> ExperimentDefinition:
        try:
            self.spec()
        except SpecError as exc:
            raise ValueError(str(exc)) from None
        return self

    def spec(self) -> ExperimentSpec:
        """The engine's frozen spec (raises :class:`SpecError` when inconsistent)."""
        extra = ({"sequential_tuning": self.sequential_tuning}
                 if self.sequential_tuning is not None else {})
        return ExperimentSpec(
            id=self.id, name=self.name, control=self.control, start=self.start, end=self.end,
            arms=tuple(Arm(a.id, a.name, a.weight, a.levels) for a in self.arms),
            metrics=tuple(Metric(m.id, m.kind, m.numerator, m.denominator, m.covariate, m.mde,
                                 m.higher_is_better, dict(m.labels)) for m in self.metrics),
            design=self.design, alpha=self.alpha, two_sided=self.two_sided,
            correction=self.correction, power=self.power,
            factors=tuple(Factor(f.name, f.levels) for f in self.factors),
            prior_mean=self.prior.mean if self.prior else 0.0,
            prior_sd=self.prior.sd if self.prior else None, **extra)

    def columns(self) -> tuple[str, ...]:
        """The unit-level columns this experiment's metrics read."""
        named = [c for m in self.metrics for c in (m.numerator, m.denominator, m.covariate)]
        return tuple(dict.fromkeys(c for c in named if c))


class ExperimentsSource(_Strict):
    """Where exposures come from: the demo, a unit-level file, or GA4 (proportions only)."""

    kind: Literal["demo", "file", "ga4"] = "demo"
    # file: CSV or Parquet, one row per unit and experiment: experiment_id, unit_id, arm,
    # first_exposure_date and the metric columns the definitions name.
    path: Path | None = None

    @model_validator(mode="after")
    def _path(self) -> ExperimentsSource:
        if self.kind == "file" and self.path is None:
            raise ValueError("path: name the CSV or Parquet file of exposures")
        if self.kind == "file" and self.path is not None and self.path.suffix.lower() not in {
                ".csv", ".parquet"}:
            raise ValueError(f"path: {self.path.name} is neither .csv nor .parquet")
        return self


def ga4_variant_dimension(definition: ExperimentDefinition) -> str:
    """The GA4 custom dimension holding the arm: configured, or ``customUser:exp_<id>``."""
    if definition.variant_dimension:
        return definition.variant_dimension
    return "customUser:exp_" + "".join(c if c.isalnum() else "_" for c in definition.id)


def source_problems(source: ExperimentsSource,
                    definitions: tuple[ExperimentDefinition, ...]) -> list[str]:
    """What a source cannot measure for these definitions, each naming the field."""
    out = []
    ids = [d.id for d in definitions]
    out += [f"experiments: id {i!r} is used twice" for i in sorted({i for i in ids
                                                                   if ids.count(i) > 1})]
    for n, d in enumerate(definitions):
        for k, m in enumerate(d.metrics):
            where = f"experiments.{n}.metrics.{k}"
            if source.kind == "ga4" and m.kind != "proportion":
                out.append(f"{where}.kind: GA4 reports aggregates, so only proportion metrics "
                           f"(users with an event) can be tested from GA4; a {m.kind} metric "
                           "needs unit-level data (sources.experiments.kind: file)")
            if source.kind == "demo":
                out += [f"{where}: the demo has no column {c!r} (it has {', '.join(DEMO_COLUMNS)})"
                        for c in (m.numerator, m.denominator, m.covariate)
                        if c and c not in DEMO_COLUMNS]
    return out
