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
import pyarrow as pa
import pyarrow.compute as pc

from kpi.registry import KPIS, MEASURES
from tests.conversion_views import views

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


def _measures(leaves: pd.DataFrame, weeks: int,
              rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Weekly sums per ad group (arrays of ad groups × weeks), heavy-tailed sizes."""
    shape = (len(leaves), weeks)
    size = rng.lognormal(0.0, 1.0, (len(leaves), 1))
    paid = leaves["paid"].to_numpy()[:, None]
    days = np.where(np.arange(weeks) == weeks - 1, 3, 7)[None, :]  # the last week to Wednesday
    impressions = np.round(4_000 * size * rng.uniform(0.8, 1.2, shape) * days / 7)
    clicks = np.round(impressions * rng.uniform(0.01, 0.05, shape))
    sessions = np.where(paid, np.round(clicks * 0.85), np.round(impressions * 0.05))
    leads = np.round(sessions * rng.uniform(0, 0.04, shape))
    purchases = np.round(sessions * rng.uniform(0, 0.03, shape))
    sums = {"impressions": np.where(paid, impressions, 0.0), "clicks": np.where(paid, clicks, 0.0),
            "cost": np.where(paid, np.round(clicks * rng.uniform(0.4, 2.2, shape), 2), 0.0),
            "sessions": sessions, "engaged_sessions": np.round(sessions * 0.6),
            "leads": leads, "purchases": purchases, "conversions": leads + purchases,
            "revenue": np.round(purchases * rng.uniform(40, 160, shape), 2)}
    for m in MEASURES.values():
        if m.paid_of:
            sums[m.id] = np.where(paid, sums.get(m.paid_of, 0.0), 0.0)
    return {**sums, **views(sums, paid.astype(float))}


def _nodes(leaves: pd.DataFrame) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """(every node with its level and dimensions; per level, each ad group's node number)."""
    blank = {"channel": None, "campaign_key": None, "campaign_name": None,
             "ad_group_key": None, "ad_group_name": None}
    parts = [pd.DataFrame([{"level": "total", **blank}])]
    member = [np.zeros(len(leaves), dtype=np.int64)]
    for level, keys in (("channel", ["channel"]),
                        ("campaign", ["channel", "campaign_key", "campaign_name"]),
                        ("ad_group", ["channel", "campaign_key", "campaign_name",
                                      "ad_group_key", "ad_group_name"])):
        code, uniques = pd.factorize(pd.MultiIndex.from_frame(leaves[keys]))
        frame = pd.DataFrame(list(uniques), columns=keys).assign(level=level)
        parts.append(frame.reindex(columns=["level", *blank]))
        member.append(code + sum(len(p) for p in parts[:-1]))
    return pd.concat(parts, ignore_index=True), member


def _strings(values: list[object], index: np.ndarray) -> pd.Series:
    """``values[index]`` as a warehouse-like string column (missing: NA), built by Arrow."""
    return pd.Series(pd.arrays.ArrowExtensionArray(
        pc.take(pa.array(values, type=pa.string()), pa.array(index)))).astype("str")


def account_values(campaigns: int, *, weeks: int = 27, seed: int = 7,
                   latest: dt.date = LATEST) -> pd.DataFrame:
    """``kpi_values`` (week grain; total, channel, campaign and ad group levels) for an account
    with ``campaigns`` Ads campaigns, ``weeks`` ISO weeks up to the incomplete week ``latest``."""
    rng = np.random.default_rng(seed)
    leaves = _leaves(campaigns)
    facts = _measures(leaves, weeks, rng)
    nodes, member = _nodes(leaves)
    n = len(nodes)
    sums: dict[str, np.ndarray] = {}
    for m in MEASURES:  # nodes × weeks: the sums of their ad groups
        sums[m] = np.zeros((n, weeks))
        for level in member:
            np.add.at(sums[m], level, facts[m])
    kpis = list(dict.fromkeys([*TARGETS, *(k for _, k in CHANNEL_TARGETS)]))
    metrics = [*MEASURES, *kpis]
    node = np.tile(np.repeat(np.arange(n), weeks), len(metrics))
    week = np.tile(np.arange(weeks), n * len(metrics))
    metric = np.repeat(np.arange(len(metrics)), n * weeks)
    value, num, den, target = (np.full(len(node), np.nan) for _ in range(4))
    for i, m in enumerate(metrics):
        at = slice(i * n * weeks, (i + 1) * n * weeks)
        if m in MEASURES:
            value[at] = sums[m].ravel()
            continue
        kpi = KPIS[m]
        a, b = sums[kpi.numerator].ravel(), sums[kpi.denominator].ravel()
        num[at], den[at] = a, b
        with np.errstate(divide="ignore", invalid="ignore"):
            value[at] = np.where(b != 0, a / b * kpi.scale, np.nan)
        goal = np.full(n, TARGETS.get(m, np.nan))
        for (channel, k), v in CHANNEL_TARGETS.items():
            if k == m:
                goal[(nodes["channel"] == channel).to_numpy()] = v
        target[at] = np.repeat(goal, weeks)
    first = np.datetime64(latest - dt.timedelta(weeks=weeks - 1), "us")
    start = first + (week * 7).astype("timedelta64[D]")
    out = pd.DataFrame({"grain": "week", "level": _strings(list(nodes["level"]), node),
                        "period_start": start, "period_end": start + np.timedelta64(6, "D"),
                        "period_label": _strings([f"W{w}" for w in range(weeks)], week),
                        "complete": week < weeks - 1, "provisional": week >= weeks - 3})
    for col in ("channel", "campaign_key", "campaign_name", "ad_group_key", "ad_group_name"):
        out[col] = _strings(list(nodes[col].astype(object).where(nodes[col].notna(), None)),
                            node)
    keys = nodes[["channel", "campaign_key", "ad_group_key"]].astype(object).fillna("")
    out["series_key"] = _strings(list(keys["channel"] + "|" + keys["campaign_key"] + "|"
                                      + keys["ad_group_key"]), node)
    out["metric"] = _strings(metrics, metric)
    out["kind"] = _strings(["measure" if m in MEASURES else "kpi" for m in metrics], metric)
    out["value"], out["numerator"], out["denominator"], out["target"] = value, num, den, target
    for col in ("previous_value", "change", "vs_target"):
        out[col] = np.nan
    out["on_target"] = pd.array([pd.NA] * len(out), dtype="boolean")
    out["currency"] = "EUR"
    return out[list(COLUMNS)]
