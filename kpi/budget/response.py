"""Diminishing-returns response curves: how revenue (or conversions) responds to spend.

Two shapes, fitted by bounded least squares (``scipy.optimize.curve_fit``, trust-region
reflective) from several starting points, the better one chosen by AIC
(n·ln(RSS/n) + 2·parameters; Hill must beat log by 2 to pay for its third parameter):

- Hill, S-shaped when s > 1: ``top * x**s / (k**s + x**s)``; k is the spend giving half of
  ``top``, the ceiling.
- log, concave from the first euro: ``a * log(1 + x / k)``.

Curves are in the units of the data: fitted on daily spend and daily revenue, a curve maps
spend per day to revenue per day. Where we sit on the curve is read at the *current spend* (the
mean of the last ``recent`` points): the average return R(x)/x (ROAS, or conversions per euro),
the marginal return R'(x), and ``headroom`` = marginal ÷ average, the elasticity of response to
spend: near 1 the curve is still almost straight (room to grow), near 0 it is saturated.

Degenerate input (too few points, constant spend, no response) gives a fit without a curve and
with a ``message``; it never raises.

>>> curve = HillCurve(top=1000.0, k=200.0, s=2.0)
>>> float(curve.response(200.0)), round(float(curve.marginal(200.0)), 4)
(500.0, 2.5)
>>> float(LogCurve(a=100.0, k=50.0).marginal(50.0))
1.0
>>> fit_response([100.0] * 20, [300.0] * 20).message
'spend is constant (100 on every point): the curve cannot be identified'
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar, Literal, Protocol

import numpy as np
import pandas as pd
from scipy.optimize import OptimizeWarning, curve_fit
from scipy.special import expit

CurveKind = Literal["hill", "log"]
MIN_POINTS = 10
HILL_S_BOUNDS = (0.5, 6.0)
PARSIMONY = 2.0  # Hill (3 parameters) must beat log (2) by this much AIC to be chosen


class Curve(Protocol):
    """Anything with a response and its derivative (what allocation needs)."""

    def response(self, x: float | np.ndarray) -> np.ndarray: ...

    def marginal(self, x: float | np.ndarray) -> np.ndarray: ...


def _hill_unit(x: np.ndarray, top: float, k: float, s: float) -> np.ndarray:
    """top · x^s / (k^s + x^s), computed as top · expit(s · ln(x / k)): no overflow at large s."""
    x = np.asarray(x, dtype=float)
    positive = x > 0
    log_x = np.log(np.where(positive, x, 1.0))
    z = np.where(positive, s * (log_x - math.log(k)), -np.inf)
    return top * expit(z)


def _log_unit(x: np.ndarray, a: float, k: float) -> np.ndarray:
    return a * np.log1p(np.asarray(x, dtype=float) / k)


@dataclass(frozen=True)
class HillCurve:
    top: float
    k: float
    s: float
    kind: ClassVar[CurveKind] = "hill"

    def response(self, x: float | np.ndarray) -> np.ndarray:
        return _hill_unit(np.maximum(x, 0.0), self.top, self.k, self.s)

    def marginal(self, x: float | np.ndarray) -> np.ndarray:
        """dR/dx = top · s · p · (1 − p) / x with p = R/top (the limit at x → 0+ for x ≤ 0)."""
        x = np.maximum(np.asarray(x, dtype=float), 1e-9 * self.k)
        p = _hill_unit(x, 1.0, self.k, self.s)
        return self.top * self.s * p * (1 - p) / x

    @property
    def params(self) -> dict[str, float]:
        return {"top": self.top, "k": self.k, "s": self.s}


@dataclass(frozen=True)
class LogCurve:
    a: float
    k: float
    kind: ClassVar[CurveKind] = "log"

    def response(self, x: float | np.ndarray) -> np.ndarray:
        return _log_unit(np.maximum(x, 0.0), self.a, self.k)

    def marginal(self, x: float | np.ndarray) -> np.ndarray:
        """dR/dx = a / (k + x)."""
        return self.a / (self.k + np.maximum(np.asarray(x, dtype=float), 0.0))

    @property
    def params(self) -> dict[str, float]:
        return {"a": self.a, "k": self.k}


@dataclass(frozen=True)
class ResponseFit:
    """A fitted curve and where the current spend sits on it; ``curve`` None when degenerate."""

    item: str
    curve: HillCurve | LogCurve | None
    n: int
    message: str | None = None
    r_squared: float | None = None
    aic: float | None = None
    aic_other: float | None = None  # AIC of the shape not chosen (None if it failed)
    spend_min: float | None = None
    spend_max: float | None = None
    spend_cv: float | None = None  # coefficient of variation of spend: how identifiable
    current_spend: float | None = None
    current_response: float | None = None
    average_return: float | None = None  # R(x) / x at current spend
    marginal_return: float | None = None  # R'(x) at current spend
    headroom: float | None = None  # marginal ÷ average (elasticity)
    saturation: float | None = None  # Hill only: R(x) / top

    @property
    def ok(self) -> bool:
        return self.curve is not None

    @property
    def kind(self) -> CurveKind | None:
        return self.curve.kind if self.curve is not None else None

    def response(self, x: float | np.ndarray) -> np.ndarray:
        if self.curve is None:
            raise ValueError(f"{self.item}: no curve ({self.message})")
        return self.curve.response(x)

    def marginal(self, x: float | np.ndarray) -> np.ndarray:
        if self.curve is None:
            raise ValueError(f"{self.item}: no curve ({self.message})")
        return self.curve.marginal(x)


def _best_fit(func, xs: np.ndarray, ys: np.ndarray, starts: Sequence[Sequence[float]],
              lower: Sequence[float], upper: Sequence[float]) -> tuple[np.ndarray, float] | None:
    """The parameters with the smallest residual sum of squares over all starts, or None."""
    best: tuple[np.ndarray, float] | None = None
    for p0 in starts:
        p0 = np.clip(p0, lower, upper)
        try:
            with warnings.catch_warnings():
                # The covariance is not used; its "cannot be estimated" warning is noise here.
                warnings.simplefilter("ignore", OptimizeWarning)
                params, _ = curve_fit(func, xs, ys, p0=p0, bounds=(lower, upper),
                                      method="trf", maxfev=5000)
        except (RuntimeError, ValueError):
            continue
        rss = float(np.sum((ys - func(xs, *params)) ** 2))
        if np.isfinite(rss) and (best is None or rss < best[1]):
            best = params, rss
    return best


def _aic(rss: float, n: int, n_params: int) -> float:
    return n * math.log(max(rss / n, np.finfo(float).tiny)) + 2 * n_params


def _points(spend: Sequence[float] | np.ndarray, response: Sequence[float] | np.ndarray,
            item: str) -> tuple[np.ndarray, np.ndarray]:
    """The paired points a fit uses: missing or negative spend or response dropped."""
    x = np.asarray(spend, dtype=float)
    y = np.asarray(response, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"{item}: spend and response differ in length ({x.size}, {y.size})")
    keep = np.isfinite(x) & np.isfinite(y) & (x >= 0) & (y >= 0)
    return x[keep], y[keep]


def _placed(fit: ResponseFit, x: np.ndarray, recent: int) -> ResponseFit:
    """``fit`` read at the current spend of the points ``x`` (the mean of the last ``recent``):
    current response, average and marginal return, headroom, saturation."""
    curve = fit.curve
    if curve is None or x.size == 0:
        return replace(fit, current_spend=None, current_response=None, average_return=None,
                       marginal_return=None, headroom=None, saturation=None)
    current = float(x[-min(recent, int(x.size)):].mean())
    at_current = float(curve.response(current))
    average = at_current / current if current > 0 else None
    marginal = float(curve.marginal(current))
    return replace(
        fit, current_spend=current, current_response=at_current, average_return=average,
        marginal_return=marginal, headroom=marginal / average if average else None,
        saturation=at_current / curve.top if isinstance(curve, HillCurve) else None)


def fit_response(spend: Sequence[float] | np.ndarray, response: Sequence[float] | np.ndarray,
                 item: str = "", *, recent: int = 14, min_points: int = MIN_POINTS,
                 kinds: Sequence[CurveKind] = ("hill", "log")) -> ResponseFit:
    """Fit Hill and log curves to paired points (in time order) and keep the better by AIC.

    Points with a missing or negative spend or response are dropped.
    """
    x, y = _points(spend, response, item)
    n = int(x.size)
    if n < min_points:
        return ResponseFit(item, None, n, f"too few points ({n}; need at least {min_points})")
    if x.max() - x.min() <= 1e-9 * max(1.0, x.max()):
        return ResponseFit(item, None, n, f"spend is constant ({x.max():g} on every point): "
                                          "the curve cannot be identified")
    if y.max() <= 0:
        return ResponseFit(item, None, n, "no response on any point: nothing to fit")

    # Fit in units of the largest spend and response, so every parameter is of order one.
    x_unit, y_unit = float(x.max()), float(y.max())
    xs, ys = x / x_unit, y / y_unit
    mid = float(np.median(xs[xs > 0])) if np.any(xs > 0) else 0.5
    candidates: dict[CurveKind, tuple[HillCurve | LogCurve, float, int]] = {}
    if "hill" in kinds:
        starts = []
        for k0 in (0.5 * mid, mid, 1.0, 3.0):
            for s0 in (1.0, 2.5):
                shape = _hill_unit(xs, 1.0, k0, s0).mean()
                starts.append((ys.mean() / shape if shape > 0 else 1.0, k0, s0))
        found = _best_fit(_hill_unit, xs, ys, starts, (1e-6, 1e-3, HILL_S_BOUNDS[0]),
                          (100.0, 100.0, HILL_S_BOUNDS[1]))
        if found is not None:
            (top, k, s), rss = found
            candidates["hill"] = HillCurve(float(top * y_unit), float(k * x_unit), float(s)), rss, 3
    if "log" in kinds:
        starts = [(ys.mean() / np.log1p(xs / k0).mean(), k0) for k0 in (0.05, 0.3, 1.0, 10.0)]
        found = _best_fit(_log_unit, xs, ys, starts, (1e-9, 1e-3), (1e6, 1e3))
        if found is not None:
            (a, k), rss = found
            candidates["log"] = LogCurve(float(a * y_unit), float(k * x_unit)), rss, 2
    if not candidates:
        return ResponseFit(item, None, n, "the fit did not converge from any starting point")

    aics = {kind: _aic(rss, n, p) for kind, (_, rss, p) in candidates.items()}
    chosen = min(aics, key=aics.__getitem__)
    if chosen == "hill" and "log" in aics and aics["log"] - aics["hill"] < PARSIMONY:
        chosen = "log"  # the extra parameter must earn its keep
    curve, rss_unit, _ = candidates[chosen]
    others = [aic for kind, aic in aics.items() if kind != chosen]
    tss = float(np.sum((ys - ys.mean()) ** 2))
    fitted = ResponseFit(
        item=item, curve=curve, n=n,
        r_squared=1 - rss_unit / tss if tss > 0 else None,
        aic=aics[chosen], aic_other=others[0] if others else None,
        spend_min=float(x.min()), spend_max=float(x.max()),
        spend_cv=float(x.std() / x.mean()) if x.mean() > 0 else None)
    return _placed(fitted, x, recent)


def reuse_fit(fit: ResponseFit, spend: Sequence[float] | np.ndarray,
              response: Sequence[float] | np.ndarray, *, recent: int = 14) -> ResponseFit:
    """A stored fit (its curve and fit statistics kept) read at the current spend of fresh
    points, exactly as :func:`fit_response` reads a new fit: on the points it was fitted on, the
    same fit.

    >>> x = np.linspace(10.0, 200.0, 30)
    >>> fit = fit_response(x, LogCurve(a=90.0, k=40.0).response(x))
    >>> reuse_fit(fit, x, LogCurve(a=90.0, k=40.0).response(x)) == fit
    True
    >>> round(reuse_fit(fit, [50.0] * 14, [0.0] * 14).current_spend, 1)
    50.0
    """
    x, _ = _points(spend, response, fit.item)
    return _placed(fit, x, recent)


def fit_curves(frame: pd.DataFrame, response: str, *, by: str = "campaign_key",
               spend: str = "cost", date: str = "date", grain: Literal["day", "week"] = "day",
               recent_days: int = 14, min_points: int = MIN_POINTS,
               stored: Mapping[str, ResponseFit] | None = None) -> dict[str, ResponseFit]:
    """One fit per value of ``by``, on ``spend`` and ``response`` summed per day; with
    ``grain="week"`` on each ISO week's *daily means* (less noise, and a week the data only
    partly covers counts at its own rate). Either way a curve maps spend per day to response
    per day, and its current spend is the mean spend per day of the last ``recent_days`` days
    (for weeks: the last ``recent_days // 7`` weeks, at least one). An item with a ``stored``
    fit is not fitted again: that fit is read at the current spend (:func:`reuse_fit`)."""
    data = frame.loc[:, [by, date, spend, response]].copy()
    data[date] = pd.to_datetime(data[date])
    sums = data.groupby([by, date], sort=True)[[spend, response]].sum().reset_index()
    recent = recent_days
    if grain == "week":
        sums[date] = sums[date].dt.to_period("W-SUN").dt.start_time
        sums = sums.groupby([by, date], sort=True)[[spend, response]].mean().reset_index()
        recent = max(1, recent_days // 7)
    stored = stored or {}
    fits = {}
    for item, group in sums.groupby(by, sort=True):
        x, y, key = group[spend].to_numpy(), group[response].to_numpy(), str(item)
        fits[key] = (reuse_fit(stored[key], x, y, recent=recent) if key in stored
                     else fit_response(x, y, key, recent=recent, min_points=min_points))
    return fits


def fits_frame(fits: Sequence[ResponseFit]) -> pd.DataFrame:
    """A tidy summary, one row per fit (parameters as columns)."""
    rows = []
    for fit in fits:
        row = {name: getattr(fit, name) for name in ResponseFit.__dataclass_fields__
               if name != "curve"}
        row["kind"] = fit.kind
        row.update(fit.curve.params if fit.curve is not None else {})
        rows.append(row)
    return pd.DataFrame.from_records(rows)
