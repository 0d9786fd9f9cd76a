"""Nowcasts: what the newest days' conversions will be once they have all arrived, with an
80 % interval, at every grain and level of the roll-up.

1. :func:`curves` fits a :class:`~kpi.lag.LagCurve` per source and measure from the revision
   increments (``raw_revisions``, classified into leads, purchases, revenue, sessions).
2. :func:`daily_parts` turns each model row of the immature days into three additive rows:
   the expected final value (seen x F_age), its process variance and its parameter sd.
3. The roll-up sums each part like any fact (:func:`kpi.rollup.rollup`), and :func:`intervals`
   turns the sums into a nowcast with its interval per period and series: variance = summed
   process variance + (summed parameter sd)^2 (the factors' error is shared by every row, so
   it is added as if fully correlated: a little wider than Mack's, never narrower). The part
   still to come is gamma distributed with that mean and variance (it is never negative).
KPIs follow as ratios of summed nowcasts (a CPA's bounds are cost over the conversions' bounds).

>>> from kpi.lag import LagCurve
>>> c = LagCurve((2.0, 1.0), (0.5, 0.0), (100.0, 0.0), 2, 30)
>>> row = pd.DataFrame({"date": [dt.date(2026, 1, 9)], "leads": [10.0], "sessions": [5.0]})
>>> parts = daily_parts(row, {("google_ads", "leads"): c}, dt.date(2026, 1, 10),
...                     lambda key: "google_ads", ("leads", "sessions"))
>>> parts["final"]["leads"].tolist(), parts["final"]["sessions"].tolist()
([20.0], [5.0])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kpi.lag import LagCurve, fit_curve, triangle

LEVEL = 0.8  # the interval's coverage
LAGGED: dict[str, str] = {  # model fact -> the curve it follows
    "leads": "leads", "purchases": "purchases", "revenue": "revenue",
    "paid_leads": "leads", "paid_purchases": "purchases", "paid_revenue": "revenue",
    "sessions": "sessions", "engaged_sessions": "engaged_sessions",
}
SUMS: dict[str, tuple[str, ...]] = {  # facts that are the sum of two lagged facts
    "conversions": ("leads", "purchases"), "paid_conversions": ("paid_leads", "paid_purchases"),
}
COUNTS = ("leads", "purchases")  # pooled together when one is short
GA4_ONLY = ("sessions", "engaged_sessions")


def curves(increments: pd.DataFrame, last_night: dt.date) -> dict[tuple[str, str], LagCurve]:
    """A curve per (source, measure) from ``increments`` (source, measure, date, age, delta).

    Count measures short of history borrow from their source's pooled count curve; revenue
    borrows from the purchases' curve (a purchase's value arrives with it)."""
    out: dict[tuple[str, str], LagCurve] = {}
    night = last_night.toordinal()
    if increments.empty:
        return out
    frame = increments.assign(day=pd.to_datetime(increments["date"]).map(dt.date.toordinal))
    for source, rows in frame.groupby("source"):
        max_age = int(rows["age"].max())
        if max_age < 2:
            continue
        tri = {m: triangle(r["day"].to_numpy(), r["age"].to_numpy(), r["delta"].to_numpy(),
                           night, max_age) for m, r in rows.groupby("measure")}
        counts = [m for m in COUNTS if m in tri]
        pool = None
        if counts:
            pooled = rows[rows["measure"].isin(counts)]
            _, pool_tri = triangle(pooled["day"].to_numpy(), pooled["age"].to_numpy(),
                                   pooled["delta"].to_numpy(), night, max_age)
            pool = fit_curve(pool_tri)
        for measure, (_, t) in tri.items():
            fallback = out.get((str(source), "purchases")) if measure == "revenue" else pool
            out[(str(source), str(measure))] = fit_curve(t, pool=fallback)
    return out


def daily_parts(rows: pd.DataFrame, fitted: Mapping[tuple[str, str], LagCurve], as_of: dt.date,
                source_of: Callable[[str], str], facts: Sequence[str]) -> dict[str, pd.DataFrame]:
    """``rows`` (model rows with ``date``, keys and ``facts``) as three frames of the same shape:
    ``final`` (expected final values), ``process`` (variance) and ``parameter`` (sd).

    ``source_of(campaign_key)`` names the source whose conversions the row carries (sessions
    always come from GA4). Facts without a curve (cost, clicks) are final as they are."""
    ages = np.array([(as_of - d).days for d in pd.to_datetime(rows["date"]).dt.date])
    final, process, parameter = rows.copy(), rows.copy(), rows.copy()
    keys = rows["campaign_key"] if "campaign_key" in rows else pd.Series([""] * len(rows))
    sources = np.array([source_of(str(k)) for k in keys], dtype=object)
    for fact in facts:
        process[fact], parameter[fact] = 0.0, 0.0
        if fact not in LAGGED:
            continue
        seen = rows[fact].astype(float).to_numpy()
        factor, pvar, psd = np.ones(len(rows)), np.zeros(len(rows)), np.zeros(len(rows))
        for source in set(sources) | ({"ga4"} if fact in GA4_ONLY else set()):
            curve = fitted.get(("ga4" if fact in GA4_ONLY else source, LAGGED[fact]))
            mask = (sources == source) if fact not in GA4_ONLY else np.ones(len(rows), bool)
            if curve is None:
                continue
            for age in np.unique(ages[mask]):
                at = mask & (ages == age)
                factor[at] = curve.to_ultimate(int(age))
                pvar[at] = curve.process_variance(int(age))
                psd[at] = curve.parameter_sd(int(age))
        final[fact] = seen * factor
        process[fact] = seen * pvar
        parameter[fact] = seen * psd
    for total, (a, b) in SUMS.items():
        if total in facts and a in facts and b in facts:
            final[total] = final[a] + final[b]
            process[total] = process[a] + process[b]
            parameter[total] = parameter[a] + parameter[b]
    return {"final": final, "process": process, "parameter": parameter}


def bounds(seen: np.ndarray, final: np.ndarray, variance: np.ndarray,
           level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """The interval of the final value: seen + a gamma-distributed remainder.

    >>> lo, hi = bounds(np.array([80.0]), np.array([100.0]), np.array([25.0]))
    >>> bool(80 < lo[0] < 100 < hi[0])
    True
    """
    rest = np.maximum(final - seen, 0.0)
    var = np.maximum(variance, 0.0)
    tail = (1 - level) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        shape = np.where(var > 0, rest ** 2 / var, np.inf)
        scale = np.where(rest > 0, var / rest, 0.0)
        lo = np.where((rest > 0) & (var > 0), stats.gamma.ppf(tail, shape, scale=scale), rest)
        hi = np.where((rest > 0) & (var > 0), stats.gamma.ppf(1 - tail, shape, scale=scale), rest)
    return seen + np.nan_to_num(lo), seen + np.nan_to_num(hi)


KEYS = ("grain", "level", "period_start", "series_key")


def _still_filling(merged: pd.DataFrame, facts: list[str]) -> np.ndarray:
    """Rows (periods of a series) where any lagged fact is seen at under 99.9 % of its
    nowcast: the only ones kept."""
    filling = np.zeros(len(merged), dtype=bool)
    for fact in facts:
        s = merged[fact].astype(float).to_numpy()
        f = merged[f"{fact}_final"].astype(float).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            filling |= np.where(f > 0, s / f, 1.0) < 0.999
    return filling


def intervals(seen: pd.DataFrame, final: pd.DataFrame, process: pd.DataFrame,
              parameter: pd.DataFrame, kpis: Mapping[str, object],
              level: float = LEVEL) -> pd.DataFrame:
    """Long rows (one per period x series x metric) from the four roll-ups of the same keys:
    seen, nowcast, low, high, completeness; only periods still incomplete are kept.

    ``kpis``: the registry's KPIs (``numerator``, ``denominator``, ``compute``)."""
    keys = list(KEYS)
    facts = [f for f in (*LAGGED, *SUMS) if f in seen.columns]
    merged = seen.merge(final[keys + facts], on=keys, suffixes=("", "_final")) \
        .merge(process[keys + facts], on=keys, suffixes=("", "_pvar")) \
        .merge(parameter[keys + facts], on=keys, suffixes=("", "_psd"))
    shown = [c for c in ("grain", "level", "period_start", "period_end", "period_label",
                         "series_key", "channel", "campaign_key", "campaign_name",
                         "ad_group_key", "ad_group_name") if c in merged.columns]
    merged = merged[_still_filling(merged, facts)]  # before the long rows: a tenth of them
    out, ranges = [], {}
    for fact in facts:
        s = merged[fact].astype(float).to_numpy()
        f = merged[f"{fact}_final"].astype(float).to_numpy()
        var = merged[f"{fact}_pvar"].astype(float).to_numpy() + \
            merged[f"{fact}_psd"].astype(float).to_numpy() ** 2
        lo, hi = bounds(s, f, var, level)
        ranges[fact] = (s, f, lo, hi)
        out.append(merged[shown].assign(metric=fact, seen=s, nowcast=f, low=lo, high=hi))
    for kpi_id, kpi in kpis.items():
        num, den = kpi.numerator, kpi.denominator  # type: ignore[attr-defined]
        if num not in ranges and den not in ranges:
            continue
        n = ranges.get(num, (merged[num].to_numpy(float),) * 4)
        d = ranges.get(den, (merged[den].to_numpy(float),) * 4)
        scale = kpi.scale  # type: ignore[attr-defined]
        with np.errstate(divide="ignore", invalid="ignore"):
            now = np.where(d[1] > 0, n[1] / d[1] * scale, np.nan)
            seen_v = np.where(d[0] > 0, n[0] / d[0] * scale, np.nan)
            if den in ranges and num not in ranges:
                lo = np.where(d[3] > 0, n[1] / d[3] * scale, np.nan)
                hi = np.where(d[2] > 0, n[1] / d[2] * scale, np.nan)
            else:  # the numerator lags (ROAS), or both do (conversion rate): its bounds
                lo = np.where(d[1] > 0, n[2] / d[1] * scale, np.nan)
                hi = np.where(d[1] > 0, n[3] / d[1] * scale, np.nan)
        out.append(merged[shown].assign(metric=kpi_id, seen=seen_v, nowcast=now,
                                        low=np.fmin(lo, hi), high=np.fmax(lo, hi)))
    rows = pd.concat(out, ignore_index=True)
    totals = rows[rows["metric"] == "conversions"][[*keys, "seen", "nowcast"]]
    with np.errstate(divide="ignore", invalid="ignore"):
        totals = totals.assign(completeness=np.where(totals["nowcast"] > 0,
                                                     totals["seen"] / totals["nowcast"], 1.0))
    return rows.merge(totals[[*keys, "completeness"]], on=keys, how="left")
