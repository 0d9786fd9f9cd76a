"""Stored response curves: fitted on the first night of an ISO week, reused on the others.

Fitting the curves is nearly all the cost of the nightly recommendations (twelve bounded
least-squares starts per campaign and per channel measure: 95 % of the step's CPU), yet a curve
fitted on a year of weekly points barely moves from one night to the next. So, as budget tools
built on marketing-mix models do (the model is refitted on a schedule, the optimiser and the
daily pacing read its stored parameters), a curve's parameters and fit statistics are stored
with the day it was fitted on (``fitted_on``: the last judged day of that night) and the rules
it was fitted under, and reused while:

- its ``fitted_on`` lies in the same ISO week as tonight's last judged day, and not after it
  (a re-run of an earlier day never sees a curve fitted on later data);
- the rules the curves depend on (:func:`rules_key`) are unchanged.

Otherwise it is fitted again: every curve on the first night of a week or after a rule change,
and any campaign or channel without a usable stored curve on any night (a new campaign, a goal
that changed measure, a fit that failed last time: those are cheap or rare). Where the spend
sits on a reused curve (current spend, marginal return, headroom) is read every night from the
fresh days, and the KPI judgement (bounds, days, budget share) never uses stored values: the
numbers a project manager acts on are tonight's. Only curves with a shape are stored.

>>> from kpi.budget.response import LogCurve, ResponseFit
>>> fit = ResponseFit("gads:1", LogCurve(a=90.0, k=40.0), n=52, r_squared=0.8)
>>> rows = store_rows({("campaign", "gads:1", "leads"): fit}, {}, dt.date(2026, 11, 30), "r1")
>>> kept = reusable(rows, dt.date(2026, 12, 2), "r1")  # the same ISO week
>>> mine = kept[("campaign", "gads:1", "leads")]
>>> mine.fit == fit, mine.fitted_on
(True, datetime.date(2026, 11, 30))
>>> reusable(rows, dt.date(2026, 12, 7), "r1"), reusable(rows, dt.date(2026, 12, 2), "r2")
({}, {})
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from kpi.budget.response import HillCurve, LogCurve, ResponseFit

Scope = Literal["campaign", "channel"]
Key = tuple[str, str, str]  # (scope, item, measure)
FIT_VERSION = 1  # raise when the fitting changes: every stored curve is then fitted again
PARAMS = ("top", "k", "s", "a")
STATS = ("n", "r_squared", "aic", "aic_other", "spend_min", "spend_max", "spend_cv")
COLUMNS = ("scope", "item", "measure", "kind", *PARAMS, *STATS, "fitted_on", "rules")


@dataclass(frozen=True)
class StoredCurve:
    """A fit read back from the store, with the day it was fitted on."""

    fit: ResponseFit
    fitted_on: dt.date


def rules_key(**rules: object) -> str:
    """A short fingerprint of what the curves depend on (window, grain, model rules ...).

    >>> rules_key(curve_days=365, grain="week") == rules_key(grain="week", curve_days=365)
    True
    """
    text = json.dumps({"version": FIT_VERSION, **rules}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def same_week(fitted_on: dt.date, last: dt.date) -> bool:
    """Whether a curve fitted on ``fitted_on`` is still this week's for the night judging up to
    ``last``: the same ISO week, and not fitted on later data.

    >>> same_week(dt.date(2026, 11, 30), dt.date(2026, 12, 6))  # Monday, Sunday
    True
    >>> same_week(dt.date(2026, 12, 6), dt.date(2026, 12, 7)), same_week(
    ...     dt.date(2026, 12, 3), dt.date(2026, 12, 2))
    (False, False)
    """
    return fitted_on <= last and fitted_on.isocalendar()[:2] == last.isocalendar()[:2]


def _value(row: Mapping[str, object], name: str) -> float | None:
    value = row.get(name)
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    return float(value)


def fit_from_row(row: Mapping[str, object]) -> ResponseFit | None:
    """The fit a row of the store (or of :func:`kpi.budget.response.fits_frame`) describes, its
    current-spend fields left empty; None without a known shape."""
    kind, p = row.get("kind"), {name: _value(row, name) for name in PARAMS}
    if kind == "hill" and None not in (p["top"], p["k"], p["s"]):
        curve: HillCurve | LogCurve = HillCurve(p["top"], p["k"], p["s"])
    elif kind == "log" and None not in (p["a"], p["k"]):
        curve = LogCurve(p["a"], p["k"])
    else:
        return None
    stats = {name: _value(row, name) for name in STATS}
    return ResponseFit(str(row["item"]), curve, int(stats.pop("n") or 0), **stats)


def reusable(stored: pd.DataFrame | None, last: dt.date, rules: str) -> dict[Key, StoredCurve]:
    """The stored curves tonight may reuse (see the module docstring), by (scope, item,
    measure); empty when nothing is stored."""
    if stored is None or stored.empty or not set(COLUMNS) <= set(stored.columns):
        return {}
    out: dict[Key, StoredCurve] = {}
    for row in stored.to_dict("records"):
        fitted_on = pd.Timestamp(row["fitted_on"]).date()
        fit = fit_from_row(row)
        if fit is not None and row["rules"] == rules and same_week(fitted_on, last):
            out[(str(row["scope"]), str(row["item"]), str(row["measure"]))] = StoredCurve(
                fit, fitted_on)
    return out


def store_rows(fits: Mapping[Key, ResponseFit], kept: Mapping[Key, StoredCurve],
               last: dt.date, rules: str) -> pd.DataFrame:
    """The store after tonight: every fit with a curve, dated ``last`` unless it is one of the
    ``kept`` (reused) curves, which keep their day."""
    rows = []
    for (scope, item, measure), fit in sorted(fits.items()):
        if fit.curve is None:
            continue
        reused = kept.get((scope, item, measure))
        params = fit.curve.params
        rows.append({"scope": scope, "item": item, "measure": measure, "kind": fit.kind,
                     **{name: params.get(name) for name in PARAMS},
                     **{name: getattr(fit, name) for name in STATS},
                     "fitted_on": reused.fitted_on if reused is not None else last,
                     "rules": rules})
    frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    for name in (*PARAMS, *STATS[1:]):
        frame[name] = frame[name].astype(float)
    frame["n"] = frame["n"].astype("int64")
    frame["fitted_on"] = pd.to_datetime(frame["fitted_on"])
    return frame


def by_scope(kept: Mapping[Key, StoredCurve], scope: Scope) -> dict[tuple[str, str], ResponseFit]:
    """The reusable fits of one scope, by (item, measure)."""
    return {(item, measure): s.fit for (sc, item, measure), s in kept.items() if sc == scope}
