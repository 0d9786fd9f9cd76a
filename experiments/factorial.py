"""Factorial designs (2×2 and any k factors) analysed from arm-level sufficient statistics.

Each arm is one cell: a level of every factor; the first level of a factor is its reference.
For a set S of factors and one non-reference level per factor in S, the contrast weight of a
cell is Π_{f∈S} d_f · Π_{f∉S} 1/L_f, with d_f = +1 at the chosen level, −1 at the reference and
0 otherwise (L_f = number of levels). So a main effect is the difference of the level's mean
and the reference's mean averaged over the other factors, and a two-factor interaction is the
difference in differences μ11 − μ10 − μ01 + μ00 (averaged over the remaining factors).
Estimates are absolute; variance Σ w² V / n; Welch–Satterthwaite df; t intervals.

>>> from experiments.stats import ProportionStats as P
>>> cells = {("a", "x"): P(1000, 100), ("b", "x"): P(1000, 100),
...          ("a", "y"): P(1000, 100), ("b", "y"): P(1000, 160)}
>>> fx = effects(cells, [Factor("f", ("a", "b")), Factor("g", ("x", "y"))])
>>> [(e.name, round(e.estimate, 3)) for e in fx]
[('f=b', 0.03), ('g=y', 0.03), ('f=b × g=y', 0.06)]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from experiments.stats import ArmStats
from experiments.vectorised import interval, p_values


@dataclass(frozen=True)
class Factor:
    """A factor and its levels; the first level is the reference."""

    name: str
    levels: tuple[str, ...]


@dataclass(frozen=True)
class Effect:
    """A main effect or interaction contrast (absolute scale) with CI and p-value."""

    name: str
    order: int  # 1 = main effect, 2 = two-factor interaction, ...
    estimate: float
    se: float
    df: float
    ci_low: float
    ci_high: float
    p_value: float
    error: str | None = None


def weights(
    factors: Sequence[Factor], chosen: Mapping[str, str]
) -> dict[tuple[str, ...], float]:
    """Contrast weight per cell for the effect of ``chosen`` levels (factor -> level)."""
    out = {}
    for cell in itertools.product(*(f.levels for f in factors)):
        w = 1.0
        for factor, level in zip(factors, cell, strict=True):
            if factor.name in chosen:
                w *= 1.0 if level == chosen[factor.name] else (
                    -1.0 if level == factor.levels[0] else 0.0)
            else:
                w /= len(factor.levels)
        out[cell] = w
    return out


def _contrast(name: str, order: int, w: Mapping[tuple[str, ...], float],
              cells: Mapping[tuple[str, ...], ArmStats], alpha: float, two_sided: bool) -> Effect:
    used = [(c, x) for c, x in w.items() if x]
    missing = [c for c, _ in used if c not in cells or cells[c].n < 2]
    if missing:
        return Effect(name, order, *[math.nan] * 6, error=f"cell {missing[0]} is empty")
    parts = np.array([x * x * cells[c].variance / cells[c].n for c, x in used])
    ns = np.array([cells[c].n for c, _ in used], dtype=float)
    estimate = float(sum(x * cells[c].mean for c, x in used))
    var = float(parts.sum())
    if not var > 0:
        return Effect(name, order, *[math.nan] * 6, error="zero variance in every cell")
    df = var**2 / float((parts**2 / (ns - 1)).sum())
    se = math.sqrt(var)
    low, high = interval([estimate], [se], [df], alpha, two_sided)
    p = p_values([estimate / se], [df], two_sided, "t")
    return Effect(name, order, estimate, se, df, float(low[0]), float(high[0]), float(p[0]))


def effects(
    cells: Mapping[tuple[str, ...], ArmStats], factors: Sequence[Factor], *,
    alpha: float = 0.05, two_sided: bool = True, max_order: int | None = None,
) -> list[Effect]:
    """All main effects and interactions up to ``max_order`` (default: all factors).

    ``cells`` maps a tuple of levels (in ``factors`` order) to that arm's statistics.
    """
    out = []
    top = len(factors) if max_order is None else max_order
    for order in range(1, top + 1):
        for subset in itertools.combinations(factors, order):
            for levels in itertools.product(*(f.levels[1:] for f in subset)):
                chosen = {f.name: lv for f, lv in zip(subset, levels, strict=True)}
                name = " × ".join(f"{f}={lv}" for f, lv in chosen.items())
                out.append(_contrast(name, order, weights(factors, chosen), cells, alpha,
                                     two_sided))
    return out
