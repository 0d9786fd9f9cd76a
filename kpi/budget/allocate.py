"""Allocate a fixed budget across response curves, and "what if" scenarios on one curve.

:func:`allocate` maximises the total response Σ Rᵢ(xᵢ) subject to Σ xᵢ = total and
lowerᵢ ≤ xᵢ ≤ upperᵢ with SLSQP. At the optimum every item strictly inside its bounds has the
same marginal return Rᵢ'(xᵢ) (the Lagrange multiplier); an item at its upper bound has a higher
one, at its lower bound a lower one. S-shaped (Hill, s > 1) curves make the problem non-convex,
so SLSQP starts from several points (current spend, equal split, room-proportional split, each
item "first", random splits) and the best result wins. A naive step-by-step greedy (give the
next euro to the best next-euro return) never climbs the flat foot of an S-curve; the tests
show it losing to this.

Curves need only ``response(x)`` and ``marginal(x)`` (see :class:`kpi.budget.response.Curve`); spend
and response are in the curves' units (per day for daily fits).

>>> from kpi.budget.response import LogCurve
>>> curves = {"a": LogCurve(a=300.0, k=100.0), "b": LogCurve(a=100.0, k=100.0)}
>>> result = allocate(curves, 400.0)
>>> [round(result[item].spend, 1) for item in curves]
[350.0, 50.0]
>>> round(result["a"].marginal, 4) == round(result["b"].marginal, 4)
True
>>> s = what_if(curves["a"], 100.0, 0.2)
>>> round(s.new_spend, 1), round(s.change, 2)
(120.0, 28.59)
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from kpi.budget.response import Curve, ResponseFit, fit_curves, fits_frame

Bound = Literal["lower", "upper"]


@dataclass(frozen=True)
class ItemAllocation:
    item: str
    spend: float
    response: float
    marginal: float  # R'(spend)
    lower: float
    upper: float
    current: float | None = None  # spend before the reallocation, when given
    current_response: float | None = None

    @property
    def at_bound(self) -> Bound | None:
        tolerance = 1e-6 * max(1.0, self.upper)
        if self.spend <= self.lower + tolerance:
            return "lower"
        if self.spend >= self.upper - tolerance:
            return "upper"
        return None

    @property
    def change(self) -> float | None:
        return None if self.current is None else self.spend - self.current


@dataclass(frozen=True)
class Allocation:
    items: tuple[ItemAllocation, ...]
    total: float
    response: float
    current_response: float | None  # Σ R(current) when current spend was given
    multiplier: float | None  # the common marginal return of items inside their bounds
    success: bool
    message: str
    starts: int

    def __getitem__(self, item: str) -> ItemAllocation:
        for row in self.items:
            if row.item == item:
                return row
        raise KeyError(item)

    @property
    def gain(self) -> float | None:
        """Expected response gained over the current spend."""
        return None if self.current_response is None else self.response - self.current_response

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame.from_records(
            [{**asdict(row), "at_bound": row.at_bound, "change": row.change}
             for row in self.items])


def project(y: np.ndarray, lower: np.ndarray, upper: np.ndarray, total: float) -> np.ndarray:
    """The point clip(y + λ, lower, upper) summing to ``total`` (λ by bisection): a feasible
    allocation close to ``y``.

    >>> x = project(np.array([5.0, 0.0]), np.zeros(2), np.array([4.0, 10.0]), 6.0)
    >>> x.round(9).tolist()
    [4.0, 2.0]
    """
    lo, hi = float(np.min(lower - y)), float(np.max(upper - y))
    for _ in range(200):
        mid = (lo + hi) / 2
        if np.clip(y + mid, lower, upper).sum() < total:
            lo = mid
        else:
            hi = mid
    x = np.clip(y + (lo + hi) / 2, lower, upper)
    tolerance = 1e-9 * max(1.0, abs(total))
    x = np.where(x - lower <= tolerance, lower, np.where(upper - x <= tolerance, upper, x))
    free = (x > lower) & (x < upper)  # absorb the bisection's rounding where there is room
    if free.any():
        x[free] = np.clip(x[free] + (total - x.sum()) / free.sum(), lower[free], upper[free])
    return x


def _starts(n: int, lower: np.ndarray, upper: np.ndarray, total: float,
            current: np.ndarray | None, random_starts: int, seed: int) -> list[np.ndarray]:
    points = [] if current is None else [current]
    points.append(np.full(n, total / n))
    points.append(lower + (upper - lower) * max(0.0, total - lower.sum())
                  / max((upper - lower).sum(), 1e-300))
    for i in range(n):  # item i first: as much as it can take
        first = lower.copy()
        first[i] = upper[i]
        points.append(first)
    rng = np.random.default_rng(seed)
    points.extend(rng.dirichlet(np.ones(n)) * total for _ in range(random_starts))
    return [project(p, lower, upper, total) for p in points]


def allocate(curves: Mapping[str, Curve], total: float,
             bounds: Mapping[str, tuple[float, float]] | None = None, *,
             current: Mapping[str, float] | None = None, random_starts: int = 8,
             seed: int = 0) -> Allocation:
    """Split ``total`` over ``curves`` to maximise the summed response (see module docstring).

    ``bounds`` gives (lower, upper) per item (default 0 and ``total``); ``current`` spend, when
    given, is one of the starting points and the base of :attr:`Allocation.gain`.
    """
    names = list(curves)
    if not names:
        raise ValueError("allocate: no curves to allocate over")
    if not np.isfinite(total) or total < 0:
        raise ValueError(f"allocate: total must be a finite amount ≥ 0, got {total}")
    bounds = bounds or {}
    unknown = sorted(set(bounds) - set(names))
    if unknown:
        raise ValueError(f"allocate: bounds for unknown item(s) {', '.join(unknown)}")
    lower = np.array([float(bounds.get(n, (0.0, total))[0]) for n in names])
    upper = np.array([float(bounds.get(n, (0.0, total))[1]) for n in names])
    bad = [n for n, lo, hi in zip(names, lower, upper, strict=True) if not 0 <= lo <= hi]
    if bad:
        raise ValueError(f"allocate: bounds need 0 ≤ lower ≤ upper, not so for {', '.join(bad)}")
    slack = 1e-9 * max(1.0, total)
    if lower.sum() > total + slack or upper.sum() < total - slack:
        raise ValueError(f"allocate: total {total:g} is outside what the bounds allow "
                         f"({lower.sum():g} to {upper.sum():g})")
    now = None if current is None else np.array([float(current[n]) for n in names])
    funcs = [curves[n] for n in names]

    def responses(x: np.ndarray) -> np.ndarray:
        return np.array([float(f.response(v)) for f, v in zip(funcs, x, strict=True)])

    def marginals(x: np.ndarray) -> np.ndarray:
        return np.array([float(f.marginal(v)) for f, v in zip(funcs, x, strict=True)])

    scale_x = max(total, 1e-12)
    scale_y = max(float(responses(upper).sum()), 1e-12)

    def objective(u: np.ndarray) -> float:
        return -float(responses(u * scale_x).sum()) / scale_y

    def gradient(u: np.ndarray) -> np.ndarray:
        return -marginals(u * scale_x) * scale_x / scale_y

    constraint = {"type": "eq", "fun": lambda u: float(u.sum()) - total / scale_x,
                  "jac": lambda u: np.ones_like(u)}
    box = list(zip(lower / scale_x, upper / scale_x, strict=True))
    starts = _starts(len(names), lower, upper, total,
                     None if now is None else project(now, lower, upper, total),
                     random_starts, seed)
    best_x, best_value, best_success, message = starts[0], np.inf, False, "no start converged"
    for start in starts:
        with warnings.catch_warnings():
            # SLSQP may step a hair outside the box and says so; the result is projected back.
            warnings.filterwarnings("ignore", message="Values in x were outside bounds",
                                    category=RuntimeWarning)
            result = minimize(objective, start / scale_x, jac=gradient, method="SLSQP",
                              bounds=box, constraints=[constraint],
                              options={"ftol": 1e-12, "maxiter": 500})
        x = project(np.asarray(result.x) * scale_x, lower, upper, total)
        value = objective(x / scale_x)
        if value < best_value - 1e-12:
            best_x, best_value, best_success, message = x, value, bool(result.success), \
                str(result.message)

    y, m = responses(best_x), marginals(best_x)
    current_y = None if now is None else responses(now)
    items = tuple(
        ItemAllocation(name, float(best_x[i]), float(y[i]), float(m[i]), float(lower[i]),
                       float(upper[i]), None if now is None else float(now[i]),
                       None if current_y is None else float(current_y[i]))
        for i, name in enumerate(names))
    interior = [row.marginal for row in items if row.at_bound is None]
    return Allocation(
        items=items, total=float(total), response=float(y.sum()),
        current_response=None if current_y is None else float(current_y.sum()),
        multiplier=float(np.median(interior)) if interior else None,
        success=best_success, message=message, starts=len(starts))


@dataclass(frozen=True)
class Scenario:
    """The expected response when one item's spend changes, all else equal."""

    item: str
    spend: float
    new_spend: float
    response: float
    new_response: float

    @property
    def change(self) -> float:
        return self.new_response - self.response

    @property
    def incremental_return(self) -> float | None:
        """Response gained (or lost) per unit of spend added (or removed)."""
        delta = self.new_spend - self.spend
        return self.change / delta if delta else None


def what_if(curve: Curve, spend: float, change: float = 0.2, item: str = "") -> Scenario:
    """What the curve expects if ``spend`` changes by the fraction ``change`` (±0.2 = ±20 %)."""
    new = max(0.0, spend * (1 + change))
    return Scenario(item, float(spend), new, float(curve.response(spend)),
                    float(curve.response(new)))


def what_ifs(curves: Mapping[str, Curve], spend: Mapping[str, float],
             change: float = 0.2) -> tuple[Scenario, ...]:
    """For every item, the scenarios +``change`` and −``change``."""
    return tuple(what_if(curves[item], spend[item], sign * change, item)
                 for item in curves for sign in (1, -1))


def curve_scenarios(frame: pd.DataFrame, measures: tuple[str, ...] = ("conversions", "revenue"),
                    *, by: str = "channel", grain: Literal["day", "week"] = "week",
                    change: float = 0.2, recent_days: int = 14,
                    stored: Mapping[tuple[str, str], ResponseFit] | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per ``by`` and measure, a response curve on ``frame``'s daily facts (date, ``by``, cost
    and the measures) and its what-ifs at ±``change``: (the fits, one row per item and measure;
    the scenarios, two rows per usable fit). Spend and response are per day at either grain;
    the current spend is the mean spend per day of the last ``recent_days`` days. ``stored``
    fits, by (item, measure), are reused instead of fitted (see
    :func:`kpi.budget.response.reuse_fit`).
    """
    fits, rows = [], []
    stored = stored or {}
    for measure in measures:
        curves = fit_curves(frame, measure, by=by, grain=grain, recent_days=recent_days,
                            stored={item: fit for (item, m), fit in stored.items()
                                    if m == measure})
        fits.append(fits_frame(list(curves.values())).assign(measure=measure))
        usable = {k: f for k, f in curves.items() if f.ok and f.current_spend}
        for s in what_ifs(usable, {k: float(f.current_spend) for k, f in usable.items()},
                          change):
            rows.append({by: s.item, "measure": measure, "spend": s.spend,
                         "new_spend": s.new_spend, "response": s.response,
                         "new_response": s.new_response, "change": s.change,
                         "incremental_return": s.incremental_return,
                         "r_squared": curves[s.item].r_squared})
    return pd.concat(fits, ignore_index=True), pd.DataFrame(rows)
