"""Judge like with like: the newest periods' KPI rows, lag-aware, before anyone compares them.

The newest week's conversions are still arriving; the weeks before it are (nearly) final.
Two honest comparisons, both from the lag curves (``kpi_nowcast``):

- ``nowcast`` (the default): every period shows what it will be once its conversions have
  arrived, with an 80 % interval; the previous period too, when it is still filling.
- ``same_age``: every period shows what has arrived; the previous period is brought to the
  same maturity (its value x the share of this period's conversions seen so far), so both
  are compared at equal completeness.

Rows without a nowcast (mature periods) keep their values. The result is ``kpi_values``' columns
plus ``seen`` (the raw value), ``low``/``high`` (the interval; null when mature),
``completeness`` (share of the period's conversions in; 1 when mature) and
``previous_estimated`` (the previous period's value is a nowcast too).

>>> w46, w47 = dt.date(2026, 11, 9), dt.date(2026, 11, 16)
>>> values = pd.DataFrame({"grain": "week", "level": "total", "series_key": "||",
...     "metric": "conversions", "kind": "measure", "period_start": [w46, w47],
...     "value": [600.0, 520.0], "previous_value": [590.0, 600.0], "numerator": None,
...     "denominator": None, "target": None})
>>> now = pd.DataFrame({"grain": "week", "level": "total", "series_key": "||",
...     "metric": "conversions", "period_start": [w47], "seen": [520.0], "nowcast": [660.0],
...     "low": [640.0], "high": [681.0], "completeness": [520 / 660]})
>>> out = lag_aware(values, now)
>>> out.loc[1, ["seen", "value", "previous_value"]].tolist(), round(float(out.loc[1, "change"]), 3)
([520.0, 660.0, 600.0], 0.1)
>>> same = lag_aware(values, now, "same_age")
>>> same.loc[1, ["value", "previous_value"]].round(1).tolist()
[520.0, 472.7]
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np
import pandas as pd

from kpi.registry import KPIS

Mode = Literal["nowcast", "same_age"]
MODES: tuple[Mode, ...] = ("nowcast", "same_age")
KEYS = ["grain", "level", "period_start", "series_key", "metric"]


def previous_start(start: dt.date, grain: str) -> dt.date:
    """The start of the period before the one starting on ``start``.

    >>> previous_start(dt.date(2026, 3, 1), "month"), previous_start(dt.date(2026, 3, 2), "week")
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 23))
    """
    if grain == "day":
        return start - dt.timedelta(days=1)
    if grain == "week":
        return start - dt.timedelta(days=7)
    return (start.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _previous_starts(starts: pd.Series, grains: pd.Series) -> pd.Series:
    """:func:`previous_start` for whole columns."""
    days = pd.to_datetime(starts)
    back = pd.Series(pd.NaT, index=starts.index, dtype="datetime64[ns]")
    for grain, offset in (("day", pd.Timedelta(days=1)), ("week", pd.Timedelta(days=7)),
                          ("month", pd.DateOffset(months=1))):
        mine = grains == grain
        if mine.any():
            back[mine] = days[mine] - offset
    return back.dt.date


def _dates(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column).dt.date


def lag_aware(values: pd.DataFrame, nowcast: pd.DataFrame, mode: Mode = "nowcast") -> pd.DataFrame:
    """``values`` (kpi_values rows) judged like with like; see the module docstring."""
    if mode not in MODES:
        raise ValueError(f"compare_recent must be one of {', '.join(MODES)}, got {mode!r}")
    if "previous_estimated" in values.columns:  # judged already (a page given judged rows)
        return values
    out = values.copy()
    out["period_start"] = _dates(out["period_start"])
    out["seen"] = out["value"]
    out["low"], out["high"], out["completeness"] = np.nan, np.nan, 1.0
    out["previous_estimated"] = False  # previous_value is itself a nowcast
    if nowcast is None or nowcast.empty or out.empty:
        return out
    now = nowcast[[*KEYS, "nowcast", "low", "high", "completeness"]].copy()
    now["period_start"] = _dates(now["period_start"])
    now = now.rename(columns={"low": "_low", "high": "_high", "completeness": "_complete"})
    out = out.merge(now, on=KEYS, how="left")
    has = out["nowcast"].notna()
    out["_previous_start"] = _previous_starts(out["period_start"], out["grain"])
    if mode == "nowcast":
        out.loc[has, "value"] = out.loc[has, "nowcast"]
        out.loc[has, "low"], out.loc[has, "high"] = out.loc[has, "_low"], out.loc[has, "_high"]
        before = now.rename(columns={"period_start": "_previous_start",
                                     "nowcast": "_previous_nowcast"})
        out = out.merge(before[["grain", "level", "_previous_start", "series_key", "metric",
                                "_previous_nowcast"]],
                        on=["grain", "level", "_previous_start", "series_key", "metric"],
                        how="left")
        moved = out["_previous_nowcast"].notna()
        out.loc[moved, "previous_value"] = out.loc[moved, "_previous_nowcast"]
        out["previous_estimated"] = moved
        out = _kpi_parts(out, has)
    else:
        out = _same_age_previous(out, values)
    out.loc[has, "completeness"] = out.loc[has, "_complete"]
    out = _recompute(out)
    return out.drop(columns=[c for c in out.columns if c.startswith("_")] + ["nowcast"])


def _kpi_parts(out: pd.DataFrame, has: pd.Series) -> pd.DataFrame:
    """A nowcast KPI's numerator and denominator: the nowcasts of its measures (so a page that
    sums parts over a selection gets the nowcast ratio)."""
    series = ["grain", "level", "period_start", "series_key"]
    measures = out.loc[out["kind"] == "measure", [*series, "metric", "value"]]
    for kpi_id, kpi in KPIS.items():
        rows = out.index[(out["metric"] == kpi_id) & has]
        if not len(rows) or "numerator" not in out:
            continue
        for part, column in ((kpi.numerator, "numerator"), (kpi.denominator, "denominator")):
            values = measures[measures["metric"] == part].drop(columns="metric")
            matched = out.loc[rows, series].merge(values, on=series, how="left")
            out.loc[rows, column] = matched["value"].to_numpy()
    return out


def _same_age_previous(out: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """previous_value := the previous period at this period's maturity (measure by measure:
    previous x seen / nowcast of this period; KPIs from their scaled sums)."""
    share = out["seen"] / out["nowcast"]
    share = share.where(out["nowcast"].notna() & (out["nowcast"] > 0), 1.0)
    out["_share"] = share.fillna(1.0)
    shares = out[out["kind"] == "measure"][["grain", "level", "period_start", "series_key",
                                            "metric", "_share"]]
    prev = values[values["kind"] == "measure"][["grain", "level", "period_start", "series_key",
                                                "metric", "value"]].copy()
    prev["period_start"] = _dates(prev["period_start"])
    measure = out["kind"] == "measure"
    out.loc[measure, "previous_value"] = out.loc[measure, "previous_value"] * \
        out.loc[measure, "_share"]
    for kpi_id, kpi in KPIS.items():
        rows = out.index[out["metric"] == kpi_id]
        if not len(rows):
            continue
        scaled = []
        for part in (kpi.numerator, kpi.denominator):
            s = shares[shares["metric"] == part].drop(columns="metric")
            p = prev[prev["metric"] == part].rename(columns={"period_start": "_previous_start",
                                                             "value": "_p"}).drop(columns="metric")
            frame = out.loc[rows, ["grain", "level", "period_start", "series_key",
                                   "_previous_start"]]
            frame = frame.merge(s, on=["grain", "level", "period_start", "series_key"],
                                how="left").merge(
                p, on=["grain", "level", "_previous_start", "series_key"], how="left")
            scaled.append((frame["_p"] * frame["_share"].fillna(1.0)).to_numpy())
        num, den = scaled
        with np.errstate(divide="ignore", invalid="ignore"):
            out.loc[rows, "previous_value"] = np.where(den > 0, num / den * kpi.scale, np.nan)
    return out


def _recompute(out: pd.DataFrame) -> pd.DataFrame:
    """change, vs_target and on_target from the (possibly replaced) values."""
    value, previous, target = (pd.to_numeric(out[c], errors="coerce")
                               for c in ("value", "previous_value", "target"))
    with np.errstate(divide="ignore", invalid="ignore"):
        out["change"] = np.where(previous.notna() & (previous != 0), value / previous - 1,
                                 np.nan)
        if "target" in out:
            out["vs_target"] = np.where(target.notna() & (target != 0), value / target - 1,
                                        np.nan)
            higher = out["metric"].map(lambda m: m in KPIS and KPIS[m].direction == "higher")
            hit = np.where(higher, value >= target, value <= target)
            out["on_target"] = pd.Series(hit, index=out.index).where(target.notna() &
                                                                     value.notna())
    return out
