"""A synthetic ``kpi_values`` table at week grain for an account of any size, built fast.

Shaped like the demo account: four Google Ads channels with the demo's 14 campaigns (3–4 ad
groups each) plus ``campaigns - 14`` generated ones with 3 ad groups each, spread over those
channels (so every paid channel outgrows the page's caps), and the demo's 25 unpaid GA4
"campaigns" (e-mail, referral, organic, direct, social: one ad group each, no cost). Every ad
group row is random; campaign, channel and total rows are the exact sums of their children, so
sums can be checked. Measures at every level; KPI rows (numerator, denominator, target) only for
the KPIs that have targets, as the page needs no others. Used by the page-size tests and by
``benchmarks/pages.py --campaigns``.

>>> frame = account_values(20, weeks=3)
>>> int(frame.loc[frame["level"] == "campaign", "campaign_key"].nunique())
45
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from kpi.registry import KPIS, MEASURES

LATEST = dt.date(2026, 11, 23)  # the Monday of the incomplete last week
PAID = {"Paid Search": (4, 4, 4, 4, 4, 4, 4, 3), "Shopping & PMax": (3, 2),
        "Display": (4, 3), "Video": (3, 3)}  # the demo's 14 Ads campaigns: ad groups each
UNPAID = {"Email": 16, "Referral": 3, "Organic Search": 2, "Direct": 1, "Paid Social": 3}
TARGETS = {"cpa": 45.0, "cpl": 40.0, "roas": 4.0, "conversion_rate": 0.02}
CHANNEL_TARGETS = {("Paid Search", "ctr"): 0.03, ("Display", "cpl"): 120.0}
COLUMNS = ("grain", "level", "period_start", "period_end", "period_label", "complete",
           "provisional", "series_key", "channel", "campaign_key", "campaign_name",
           "ad_group_key", "ad_group_name", "metric", "kind", "value", "numerator",
           "denominator", "previous_value", "change", "target", "vs_target", "on_target",
           "currency")


def _leaves(campaigns: int) -> pd.DataFrame:
    """One row per ad group: channel, campaign key and name, ad group key and name, paid."""
    rows: list[tuple[str, str, str, str, str, bool]] = []
    paid = [(ch, n) for ch, sizes in PAID.items() for n in sizes]
    channels = list(PAID)
    paid += [(channels[i % len(channels)], 3) for i in range(max(0, campaigns - len(paid)))]
    for i, (channel, groups) in enumerate(paid[:max(campaigns, 0)]):
        for j in range(groups):
            rows.append((channel, f"gads:{3_000_000_000 + i}", f"Campagne {i + 1} – {channel}",
                         f"gads:{15_000_000_000 + 10 * i + j}", f"Groep {j + 1} · {i + 1}",
                         True))
    for channel, n in UNPAID.items():
        for i in range(n):
            key = f"ga4:{channel.lower().replace(' ', '-')}-{i}"
            rows.append((channel, key, f"{channel} {i + 1}", key, f"{channel} {i + 1}", False))
    return pd.DataFrame(rows, columns=["channel", "campaign_key", "campaign_name",
                                       "ad_group_key", "ad_group_name", "paid"])


def _measures(leaves: pd.DataFrame, weeks: int, rng: np.random.Generator) -> pd.DataFrame:
    """Weekly sums per ad group (one row per ad group × week), heavy-tailed sizes."""
    n = len(leaves)
    size = np.repeat(rng.lognormal(0.0, 1.0, n), weeks)
    paid = np.repeat(leaves["paid"].to_numpy(), weeks)
    out = pd.DataFrame({"leaf": np.repeat(np.arange(n), weeks),
                        "week": np.tile(np.arange(weeks), n)})
    days = np.where(out["week"] == weeks - 1, 3, 7)  # the last week runs to Wednesday
    noise = rng.uniform(0.8, 1.2, len(out))
    impressions = np.round(4_000 * size * noise * days / 7)
    clicks = np.round(impressions * rng.uniform(0.01, 0.05, len(out)))
    sessions = np.where(paid, np.round(clicks * 0.85), np.round(impressions * 0.05))
    leads = np.round(sessions * rng.uniform(0, 0.04, len(out)))
    purchases = np.round(sessions * rng.uniform(0, 0.03, len(out)))
    sums = {"impressions": np.where(paid, impressions, 0.0), "clicks": np.where(paid, clicks, 0.0),
            "cost": np.where(paid, np.round(clicks * rng.uniform(0.4, 2.2, len(out)), 2), 0.0),
            "sessions": sessions, "engaged_sessions": np.round(sessions * 0.6),
            "leads": leads, "purchases": purchases, "conversions": leads + purchases,
            "revenue": np.round(purchases * rng.uniform(40, 160, len(out)), 2)}
    for m in MEASURES.values():
        if m.paid_of:
            sums[m.id] = np.where(paid, sums[m.paid_of], 0.0)
    return out.assign(**sums)


def account_values(campaigns: int, *, weeks: int = 27, seed: int = 7,
                   latest: dt.date = LATEST) -> pd.DataFrame:
    """``kpi_values`` (week grain; total, channel, campaign and ad group levels) for an account
    with ``campaigns`` Ads campaigns, ``weeks`` ISO weeks up to the incomplete week ``latest``."""
    rng = np.random.default_rng(seed)
    leaves = _leaves(campaigns)
    facts = _measures(leaves, weeks, rng).join(leaves, on="leaf")
    measures = list(MEASURES)
    dims = {"ad_group": ["channel", "campaign_key", "campaign_name", "ad_group_key",
                         "ad_group_name"],
            "campaign": ["channel", "campaign_key", "campaign_name"], "channel": ["channel"],
            "total": []}
    wide = []
    for level, keys in dims.items():
        grouped = (facts.groupby([*keys, "week"], sort=False)[measures].sum().reset_index()
                   if keys else facts.groupby("week")[measures].sum().reset_index())
        wide.append(grouped.assign(level=level))
    frame = pd.concat(wide, ignore_index=True)
    for col in ("channel", "campaign_key", "campaign_name", "ad_group_key", "ad_group_name"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    long = frame.melt(id_vars=["level", "week", *dims["ad_group"]], value_vars=measures,
                      var_name="metric", value_name="value").assign(kind="measure")
    kpi_rows = []
    for k in dict.fromkeys([*TARGETS, *(k for _, k in CHANNEL_TARGETS)]):
        kpi = KPIS[k]
        num, den = frame[kpi.numerator], frame[kpi.denominator]
        target = pd.Series(TARGETS.get(k, np.nan), index=frame.index, dtype="float64")
        for (channel, kk), value in CHANNEL_TARGETS.items():
            if kk == k:
                target[frame["channel"] == channel] = value
        kpi_rows.append(frame[["level", "week", *dims["ad_group"]]].assign(
            metric=k, kind="kpi", numerator=num, denominator=den,
            value=(num / den.where(den != 0)) * kpi.scale, target=target))
    out = pd.concat([long, *kpi_rows], ignore_index=True)
    first = latest - dt.timedelta(weeks=weeks - 1)
    start = pd.to_datetime(pd.Series(first, index=out.index)) + pd.to_timedelta(
        out["week"] * 7, unit="D")
    out["period_start"] = start.astype("datetime64[us]")
    out["period_end"] = (start + pd.Timedelta(days=6)).astype("datetime64[us]")
    out["period_label"] = "W" + out["week"].astype(str)
    out["complete"] = out["week"] < weeks - 1
    out["provisional"] = out["week"] >= weeks - 3
    out["grain"], out["currency"] = "week", "EUR"
    out["series_key"] = (out["channel"].fillna("") + "|" + out["campaign_key"].fillna("") + "|"
                         + out["ad_group_key"].fillna(""))
    for col in ("previous_value", "change", "vs_target"):
        out[col] = np.nan
    out["on_target"] = None
    out["numerator"] = pd.to_numeric(out["numerator"]).astype("float64")
    out["denominator"] = pd.to_numeric(out["denominator"]).astype("float64")
    out["target"] = pd.to_numeric(out["target"]).astype("float64")
    out["value"] = pd.to_numeric(out["value"]).astype("float64")
    return out[list(COLUMNS)]
