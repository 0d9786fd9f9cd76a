"""How mature a lead cohort is, from the CRM's own lead -> won delays, and the cohort table.

Won deals arrive weeks after the lead, so the newest lead weeks' won deals are still coming.
The delay distribution is a Kaplan-Meier estimate over deals: a won deal is an event at
``closed - lead`` days, a deal still open is censored at its age (it may still be won); lost
deals never win and are left out. ``F(t) = 1 - S(t)``, scaled by its value at the longest
delay seen, is the share of a cohort's eventual wins expected to have closed ``t`` days after
its leads came in. A cohort's maturity is that share averaged over its leads' ages.

>>> curve = delay_curve(won_days=[10, 20, 30, 40], open_days=[5])
>>> round(curve.share(0), 2), round(curve.share(20), 2), round(curve.share(100), 2)
(0.0, 0.5, 1.0)
>>> curve.days_to(0.9)
40
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.crm.facts import FACT_COLUMNS
from kpi.model_base import PAID_PREFIXES

MATURE = 0.9  # a cohort whose expected share of wins closed is below this is immature
COHORT_COLUMNS = (
    "lead_week", "level", "channel", "campaign_key", "crm_leads", "crm_mqls", "crm_sqls",
    "crm_opportunities", "crm_won_deals", "crm_won_revenue", "crm_pipeline_value", "cost",
    "median_days_to_won", "maturity", "mature", "cost_per_won_deal", "cost_per_won_deal_so_far",
    "note")


@dataclass(frozen=True)
class DelayCurve:
    """The Kaplan-Meier share of eventual wins closed by each delay (days), as steps."""

    days: tuple[int, ...]  # event times, ascending
    closed: tuple[float, ...]  # F at each, scaled to 1 at the last
    won: int  # won deals it was estimated on
    censored: int  # open deals

    def share(self, age: float) -> float | None:
        """Expected share of eventual wins closed ``age`` days after the lead (None without
        won deals)."""
        if not self.days:
            return None
        at = int(np.searchsorted(np.asarray(self.days), age, side="right")) - 1
        return 0.0 if at < 0 else self.closed[at]

    def days_to(self, share: float) -> int | None:
        """The first delay by which ``share`` of the wins have closed (None without wins)."""
        for day, closed in zip(self.days, self.closed, strict=True):
            if closed >= share - 1e-12:
                return day
        return self.days[-1] if self.days else None


def delay_curve(won_days: Sequence[float], open_days: Sequence[float]) -> DelayCurve:
    """Kaplan-Meier on lead -> won delays (events) with open deals' ages censored."""
    won = np.clip(np.asarray(won_days, dtype=float), 0, None)
    open_ = np.clip(np.asarray(open_days, dtype=float), 0, None)
    if won.size == 0:
        return DelayCurve((), (), 0, int(open_.size))
    every = np.concatenate([won, open_])
    times = np.unique(won)
    survival, points = 1.0, []
    for t in times:
        at_risk = float((every >= t).sum())
        events = float((won == t).sum())
        survival *= 1 - events / at_risk
        points.append(1 - survival)
    top = points[-1]
    closed = tuple(min(1.0, p / top) for p in points) if top > 0 else tuple(1.0 for _ in points)
    return DelayCurve(tuple(int(t) for t in times), closed, int(won.size), int(open_.size))


def curve_from_deals(deals: pd.DataFrame, as_of: dt.date) -> DelayCurve:
    """:func:`delay_curve` of :func:`kpi.crm.facts.deal_rows`' deals, open ones aged at
    ``as_of``."""
    lead = pd.to_datetime(deals["lead_date"])
    won = deals["outcome"] == "won"
    closed = pd.to_datetime(deals["closed_date"])
    won_days = (closed[won] - lead[won]).dt.days.dropna()
    open_days = (pd.Timestamp(as_of) - lead[deals["outcome"] == "open"]).dt.days.dropna()
    return delay_curve(won_days.tolist(), open_days.tolist())


def curve_to_step(matches: pd.DataFrame, column: str, as_of: dt.date) -> DelayCurve:
    """:func:`delay_curve` of the days from each contact's lead date to ``column`` (e.g. the
    date it became an SQL); contacts without one are censored at their age."""
    lead = pd.to_datetime(matches["lead_date"])
    reached = pd.to_datetime(matches[column])
    events = (reached - lead).dt.days.dropna()
    waiting = (pd.Timestamp(as_of) - lead[reached.isna()]).dt.days
    return delay_curve(events.tolist(), waiting[waiting >= 0].tolist())


def curve_frame(curve: DelayCurve, measure: str) -> pd.DataFrame:
    """A curve as ``crm_delay_curve`` rows."""
    return pd.DataFrame({"measure": measure, "age_days": list(curve.days),
                         "closed_share": list(curve.closed), "events": curve.won,
                         "censored": curve.censored},
                        columns=["measure", "age_days", "closed_share", "events", "censored"])


def _week(dates: pd.Series) -> pd.Series:
    day = pd.to_datetime(dates)
    return (day - pd.to_timedelta(day.dt.day_of_week, unit="D")).dt.date


def cohorts(facts: pd.DataFrame, deals: pd.DataFrame, cost: pd.DataFrame,
            channels: Mapping[str, str], curve: DelayCurve, as_of: dt.date,
            other: str = "Other", mature: float = MATURE) -> pd.DataFrame:
    """``crm_cohorts``: per lead week (Monday) at campaign, channel and total level, the funnel
    sums, media cost (``cost``: date, campaign_key, cost), the median days lead -> won of its
    won deals, its maturity and the cost per won deal, null (``cost_per_won_deal``) until the
    cohort is mature; ``cost_per_won_deal_so_far`` is the provisional figure, never final.
    Cost per won deal is paid: cost over the won deals of leads matched to paid campaigns."""
    f = facts.assign(lead_week=_week(facts["date"]))
    age = (pd.Timestamp(as_of) - pd.to_datetime(f["date"])).dt.days
    shares = age.map(lambda a: curve.share(a))
    f["_weighted"] = f["crm_leads"] * shares.astype(float)
    c = cost.assign(lead_week=_week(cost["date"])) if not cost.empty else cost.assign(lead_week=[])
    f["_paid_won"] = f["crm_won_deals"].where(
        f["campaign_key"].str.startswith(PAID_PREFIXES), 0.0)
    d = deals[deals["outcome"] == "won"]
    d = d.assign(lead_week=_week(d["lead_date"]),
                 _days=(pd.to_datetime(d["closed_date"]) - pd.to_datetime(d["lead_date"])).dt.days)
    parts = []
    for level, dims in (("campaign", ["campaign_key"]), ("channel", ["channel"]), ("total", [])):
        keys = ["lead_week", *dims]
        ff, cc, dd = (x.assign(channel=[channels.get(k) or other for k in x["campaign_key"]])
                      for x in (f, c, d))
        sums = ff.groupby(keys)[[*FACT_COLUMNS, "_weighted", "_paid_won"]].sum()
        sums = sums.join(cc.groupby(keys)["cost"].sum(), how="left")
        sums = sums.join(dd.groupby(keys)["_days"].median().rename("median_days_to_won"),
                         how="left").reset_index()
        sums["level"] = level
        parts.append(sums)
    out = pd.concat(parts, ignore_index=True)
    out["cost"] = pd.to_numeric(out["cost"], errors="coerce").fillna(0.0).astype(float)
    out["_paid_won"] = out["_paid_won"].astype(float)
    out["maturity"] = (out["_weighted"] / out["crm_leads"]).where(out["crm_leads"] > 0)
    out["mature"] = out["maturity"].fillna(0.0) >= mature
    so_far = (out["cost"] / out["_paid_won"]).where(out["_paid_won"] > 0)
    out["cost_per_won_deal_so_far"] = so_far
    out["cost_per_won_deal"] = so_far.where(out["mature"])
    out["note"] = np.where(curve.won == 0, "no won deals yet: maturity unknown",
                           np.where(out["mature"], "", "immature: wins still arriving"))
    out.loc[out["level"] == "total", "channel"] = None
    for column in ("channel", "campaign_key"):
        if column not in out:
            out[column] = None
    return (out.loc[:, list(COHORT_COLUMNS)]
            .sort_values(["level", "lead_week", "channel", "campaign_key"], na_position="first")
            .reset_index(drop=True))
