"""The lead-to-revenue page's numbers: the CRM's funnel per channel and campaign over the lead
weeks that are mature enough to judge, and the cohorts by lead week with how mature each is.

Reads ``crm_cohorts`` (:mod:`kpi.crm.cohorts`): one row per lead week and level (``total``,
``channel``, ``campaign``) with the funnel's counts, won revenue, pipeline, media cost and the
cohort's maturity (the share of its eventual won deals expected to have closed by now). Every
figure here is summed from the campaign rows of a window and divided afterwards (a window's
cost per won deal is its cost over its won deals, never a mean of weekly ones). Judged
cost-per figures count paid campaigns only (``gads:`` and ``meta:``), as the registry's paid
KPIs do: a lead from organic search has no media cost. Per channel and for the account they
also count the paid sources' leads whose campaign the CRM did not capture
(:data:`~kpi.model_base.PAID_SOURCE_KEYS`): that cost bought them too.

The judged window is the last :data:`JUDGED_WEEKS` lead weeks ending with the newest week
whose cohort is mature (account level): newer leads have not had the time to close, and their
cost per won deal would look worse than it will be.

>>> rows = pd.DataFrame({"lead_week": [dt.date(2026, 3, 2)] * 2, "level": ["campaign"] * 2,
...     "channel": ["Paid Search", "Paid Social"], "campaign_key": ["gads:1", "meta:2"],
...     "crm_leads": [40, 200], "crm_mqls": [30, 90], "crm_sqls": [20, 30],
...     "crm_opportunities": [14, 12], "crm_won_deals": [8, 3],
...     "crm_won_revenue": [96000.0, 30000.0], "crm_pipeline_value": [0.0, 0.0],
...     "cost": [4000.0, 3000.0], "maturity": [1.0, 1.0], "mature": [True, True]})
>>> sums = funnel_sums(rows, "campaign_key")
>>> float(sums.loc["gads:1", "cost_per_won_deal"]), float(sums.loc["meta:2", "cost_per_lead"])
(500.0, 15.0)
>>> best = cheap_leads_dear_deals(sums)
>>> best.cheapest_leads, best.cheapest_deals
('meta:2', 'gads:1')

Two won deals from Meta leads whose campaign the CRM did not capture lower the channel's cost
per won deal (3,000 over 5), not the campaign's:

>>> lost = rows.iloc[[1]].assign(campaign_key="crm:PAID_SOCIAL", crm_won_deals=2, cost=0.0)
>>> both = pd.concat([rows, lost])
>>> float(funnel_sums(both, "channel").loc["Paid Social", "cost_per_won_deal"])
600.0
>>> float(funnel_sums(both, "campaign_key").loc["meta:2", "cost_per_won_deal"])
1000.0
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from kpi.model_base import PAID_PREFIXES, PAID_SOURCE_KEYS

JUDGED_WEEKS = 13  # a quarter of lead weeks
COHORT_WEEKS = 26  # the cohort table's weeks
MIN_WON = 3  # won deals a campaign needs before its cost per won deal is compared
COUNTS = ("crm_leads", "crm_mqls", "crm_sqls", "crm_opportunities", "crm_won_deals")
MONEY = ("crm_won_revenue", "crm_pipeline_value", "cost")
SUMMED = (*COUNTS, *MONEY)
# KPI -> (numerator, denominator) over a window's sums; "paid_" parts count paid campaigns only
RATIOS: dict[str, tuple[str, str]] = {
    "cost_per_lead": ("cost", "paid_crm_leads"),
    "cost_per_sql": ("cost", "paid_crm_sqls"),
    "cost_per_won_deal": ("cost", "paid_crm_won_deals"),
    "lead_to_sql_rate": ("crm_sqls", "crm_leads"),
    "lead_to_won_rate": ("crm_won_deals", "crm_leads"),
    "revenue_roas": ("paid_crm_won_revenue", "cost"),
}


def is_paid_key(key: object) -> bool:
    """Whether a campaign key is an ad platform's (its cost is in the model)."""
    return isinstance(key, str) and key.startswith(PAID_PREFIXES)


@dataclass(frozen=True)
class Window:
    """The lead weeks a section sums: first and last week's Monday, and whether they are
    mature (False: no mature week yet, every week is shown and said to be maturing)."""

    first: dt.date
    last: dt.date
    mature: bool


def judged_window(cohorts: pd.DataFrame, weeks: int = JUDGED_WEEKS) -> Window | None:
    """The last ``weeks`` lead weeks ending with the newest mature one at account level (or
    with the newest week when none is mature); None without cohorts."""
    total = cohorts[cohorts["level"] == "total"]
    if total.empty:
        total = cohorts
    if total.empty:
        return None
    starts = sorted(set(pd.to_datetime(total["lead_week"]).dt.date))
    mature = sorted(set(pd.to_datetime(total.loc[total["mature"].fillna(False).astype(bool),
                                                 "lead_week"]).dt.date))
    last = mature[-1] if mature else starts[-1]
    first = max(starts[0], last - dt.timedelta(weeks=weeks - 1))
    return Window(first, last, bool(mature))


def in_window(cohorts: pd.DataFrame, window: Window) -> pd.DataFrame:
    """The rows of ``cohorts`` whose lead week lies in ``window``."""
    week = pd.to_datetime(cohorts["lead_week"]).dt.date
    return cohorts[(week >= window.first) & (week <= window.last)]


def funnel_sums(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    """Campaign-level ``rows`` summed per ``by`` (``campaign_key``, ``channel``, or a constant
    column), with the paid parts and the page's ratios; largest cost, then most leads, first."""
    part = rows[rows["level"] == "campaign"] if "level" in rows else rows
    if part.empty:
        return pd.DataFrame(columns=[*SUMMED, *RATIOS])
    paid = part["campaign_key"].map(is_paid_key)
    if by != "campaign_key":  # a channel's or the account's cost bought these too
        paid |= part["campaign_key"].isin(PAID_SOURCE_KEYS)
    values = part[list(SUMMED)].apply(pd.to_numeric, errors="coerce").fillna(0.0)
    for measure in ("crm_leads", "crm_sqls", "crm_won_deals", "crm_won_revenue"):
        values[f"paid_{measure}"] = values[measure].where(paid, 0.0)
    sums = values.groupby(part[by].fillna("").astype(str), sort=False).sum()
    for kpi, (num, den) in RATIOS.items():
        sums[kpi] = (sums[num] / sums[den].where(sums[den] != 0)).astype("float64")
    return sums.sort_values(["cost", "crm_leads"], ascending=False)


@dataclass(frozen=True)
class Contrast:
    """The paid campaign with the cheapest leads and the one with the cheapest won deals
    (each among those with :data:`MIN_WON` won deals or more, the first among those with
    leads); the same key twice when one campaign is both."""

    cheapest_leads: str
    cheapest_deals: str

    @property
    def differ(self) -> bool:
        return self.cheapest_leads != self.cheapest_deals


def cheap_leads_dear_deals(campaigns: pd.DataFrame, min_won: float = MIN_WON) -> Contrast | None:
    """Whether the cheapest leads are also the cheapest customers (None: too few won deals to
    say)."""
    paid = campaigns[[is_paid_key(k) for k in campaigns.index]]
    leads = paid[paid["cost_per_lead"].notna()]
    deals = paid[paid["cost_per_won_deal"].notna() & (paid["crm_won_deals"] >= min_won)]
    if leads.empty or deals.empty:
        return None
    return Contrast(str(leads["cost_per_lead"].idxmin()), str(deals["cost_per_won_deal"].idxmin()))


def cohort_weeks(cohorts: pd.DataFrame, weeks: int = COHORT_WEEKS) -> pd.DataFrame:
    """The account's newest ``weeks`` lead weeks (newest first) with their sums, ratios,
    maturity and median days from lead to won deal."""
    total = cohorts[cohorts["level"] == "total"].copy()
    if total.empty:
        return pd.DataFrame()
    total["lead_week"] = pd.to_datetime(total["lead_week"]).dt.date
    newest = sorted(set(total["lead_week"]))[-weeks:]
    sums = funnel_sums(cohorts[pd.to_datetime(cohorts["lead_week"]).dt.date.isin(newest)]
                       .assign(week=lambda f: pd.to_datetime(f["lead_week"]).dt.date),
                       "week")
    own = total.drop_duplicates("lead_week").set_index("lead_week")
    sums.index = [dt.date.fromisoformat(str(i)[:10]) for i in sums.index]
    for column in ("maturity", "mature", "median_days_to_won"):
        sums[column] = own[column].reindex(sums.index) if column in own else None
    return sums.sort_index(ascending=False)
