"""The lead-to-revenue tables, from the CRM's current state (``raw_crm_*``) and the ad platforms'
campaigns: recomputed whole each night (CRM facts are small) and diffed against the stored ones,
so only the lead dates whose facts changed reach the model and the roll-ups.

- ``crm_daily``: the facts by lead date and matched campaign (``date``, ``campaign_key``,
  ``channel`` for the CRM's own keys, the ``crm_*`` facts): stacked into ``campaign_daily``.
- ``crm_daily_log``: per lead date, when its facts last changed (the model's inputs log).
- ``crm_match_rates``: contacts per match level (:mod:`kpi.crm.match`).
- ``crm_cohorts``: lead week x campaign / channel / total, with maturity (:mod:`kpi.crm.cohorts`).
- ``crm_delay_curve``: per measure (``crm_won_deals``: lead -> won, ``crm_sqls``: lead -> SQL),
  the share of the eventual outcomes reached by each delay (``age_days``, ``closed_share``,
  ``events``, ``censored``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import ibis
import pandas as pd
from ibis.backends import BaseBackend

from kpi.crm import cohorts as crm_cohorts
from kpi.crm.facts import (
    FACT_COLUMNS,
    changed_dates,
    daily_facts,
    deal_rows,
    facts_log,
    step_dates,
)
from kpi.crm.match import CLICK_COLUMNS, SourceChannels, match_contacts, match_rates
from kpi.model_crm import CRM_LOG_TABLE, CRM_TABLE

RAW_CONTACTS, RAW_DEALS, RAW_PAIRS = "raw_crm_contacts", "raw_crm_deals", "raw_crm_contact_deals"
RAW_TABLES = (RAW_CONTACTS, RAW_DEALS, RAW_PAIRS)
RAW_CLICKS = "raw_ads_click_view"  # gclid -> campaign, for the click-id match
MATCH_RATES_TABLE = "crm_match_rates"
COHORTS_TABLE = "crm_cohorts"
CURVE_TABLE = "crm_delay_curve"
FACTS_COLUMNS = ("date", "campaign_key", "channel", *FACT_COLUMNS)


@dataclass(frozen=True)
class CrmRules:
    """What the CRM tables need from the configuration, as plain values."""

    time_zone: str
    rate: Callable[[str], float]  # reporting units per unit of a currency (ValueError: none)
    channels: SourceChannels
    first: dt.date  # lead dates kept in crm_daily: the model's history ...
    last: dt.date  # ... up to the last day pulled


@dataclass(frozen=True)
class Funnel:
    """A night's CRM results: the contacts' matches, the deals, the facts and what changed."""

    matches: pd.DataFrame
    deals: pd.DataFrame
    facts: pd.DataFrame
    log: pd.DataFrame
    rates: pd.DataFrame
    changed: tuple[dt.date, ...]

    def frames(self) -> dict[str, pd.DataFrame]:
        return {CRM_TABLE: self.facts, CRM_LOG_TABLE: self.log, MATCH_RATES_TABLE: self.rates}


def funnel(contacts: pd.DataFrame, deals: pd.DataFrame, pairs: pd.DataFrame,
           campaigns: pd.DataFrame, rules: CrmRules, stored: pd.DataFrame | None,
           stored_log: pd.DataFrame | None, now: dt.datetime,
           clicks: pd.DataFrame | None = None) -> Funnel:
    """Match, count and diff (see the module docstring); ``stored`` / ``stored_log`` are last
    night's ``crm_daily`` / ``crm_daily_log`` (None on the first night); ``clicks`` the Google
    Ads click view (None: not pulled)."""
    matches = match_contacts(contacts, campaigns, rules.channels, rules.time_zone, clicks)
    matches["sql_date"] = step_dates(contacts, "sql", rules.time_zone).to_numpy()
    deal_frame = deal_rows(deals, pairs, matches, rules.rate, rules.time_zone)
    facts = daily_facts(contacts.reset_index(drop=True), matches, deal_frame)
    facts["date"] = pd.to_datetime(facts["date"]).dt.date
    facts = facts[(facts["date"] >= rules.first) & (facts["date"] <= rules.last)]
    own = matches.drop_duplicates("campaign_key").set_index("campaign_key")["channel"]
    facts = facts.assign(channel=facts["campaign_key"].map(own).where(
        facts["campaign_key"].str.startswith("crm:")))
    unknown = facts["campaign_key"].str.startswith("crm:") & facts["channel"].isna()
    facts.loc[unknown, "channel"] = rules.channels.other  # an ownerless deal's crm:unknown
    facts = facts.loc[:, list(FACTS_COLUMNS)].reset_index(drop=True)
    changed = changed_dates(facts, stored)
    log = facts_log(facts, changed, stored_log, now)
    return Funnel(matches, deal_frame, facts, log, match_rates(matches), tuple(changed))


def cohort_tables(result: Funnel, cost: pd.DataFrame, channels: Mapping[str, str],
                  as_of: dt.date, other: str) -> dict[str, pd.DataFrame]:
    """``crm_cohorts`` and ``crm_delay_curve`` from a :class:`Funnel` and the model's cost."""
    curve = crm_cohorts.curve_from_deals(result.deals, as_of)
    sql = crm_cohorts.curve_to_step(result.matches, "sql_date", as_of)
    every = {**channels, **result.facts.dropna(subset=["channel"]).set_index(
        "campaign_key")["channel"].to_dict()}
    table = crm_cohorts.cohorts(result.facts, result.deals, cost, every, curve, as_of, other)
    points = pd.concat([crm_cohorts.curve_frame(c, m) for c, m in
                        ((curve, "crm_won_deals"), (sql, "crm_sqls"))], ignore_index=True)
    return {COHORTS_TABLE: table, CURVE_TABLE: points}


# --- reads ------------------------------------------------------------------------------------

def has_crm(con: BaseBackend) -> bool:
    """Whether the warehouse holds the CRM's raw tables."""
    return set(RAW_TABLES) <= set(con.list_tables())


def platform_campaigns(con: BaseBackend) -> pd.DataFrame:
    """Every (campaign_key, campaign_id, campaign_name) the ad platforms reported, with the last
    day each name was seen: the IDs and the names a UTM value can match."""
    parts = []
    for table, prefix in (("raw_ads_campaign_daily", "gads:"), ("raw_meta_adset_daily", "meta:")):
        if table not in con.list_tables():
            continue
        t = con.table(table)
        parts.append(t.group_by(["campaign_id", "campaign_name"]).aggregate(
            last_date=t.date.max()).mutate(campaign_key=ibis.literal(prefix) + t.campaign_id))
    if not parts:
        return pd.DataFrame(columns=["campaign_key", "campaign_id", "campaign_name", "last_date"])
    return con.execute(ibis.union(*parts).select(
        "campaign_key", "campaign_id", "campaign_name", "last_date"))


def click_view(con: BaseBackend) -> pd.DataFrame | None:
    """The Google Ads click view's (gclid_key, campaign_id, date), or None before its first
    pull."""
    if RAW_CLICKS not in con.list_tables():
        return None
    return con.execute(con.table(RAW_CLICKS).select(*CLICK_COLUMNS))


def stored(con: BaseBackend, table: str) -> pd.DataFrame | None:
    """A table as last night left it, or None."""
    return con.execute(con.table(table)) if table in con.list_tables() else None


def read_funnel(con: BaseBackend, rules: CrmRules, now: dt.datetime) -> Funnel:
    """:func:`funnel` on what the warehouse holds."""
    raw = {name: con.execute(con.table(name)) for name in RAW_TABLES}
    return funnel(raw[RAW_CONTACTS], raw[RAW_DEALS], raw[RAW_PAIRS], platform_campaigns(con),
                  rules, stored(con, CRM_TABLE), stored(con, CRM_LOG_TABLE), now,
                  click_view(con))


def model_cost(con: BaseBackend, model_table: str, dims_table: str
               ) -> tuple[pd.DataFrame, dict[str, str]]:
    """Media cost per day and campaign from the model, and each campaign's channel."""
    if model_table not in con.list_tables():
        return pd.DataFrame(columns=["date", "campaign_key", "cost"]), {}
    facts = con.table(model_table)
    cost = con.execute(facts.filter(facts.cost != 0).group_by(["date", "campaign_key"])
                       .aggregate(cost=facts.cost.sum()))
    dims = con.execute(con.table(dims_table).select("campaign_key", "channel"))
    return cost, dict(zip(dims["campaign_key"], dims["channel"], strict=True))


def mature_after(curves: pd.DataFrame | None, share: float) -> dict[str, int]:
    """Per CRM measure, the days after which ``share`` of its outcomes are in (the won
    revenue follows the won deals), from ``crm_delay_curve``; empty without one.

    >>> c = pd.DataFrame({"measure": ["crm_won_deals"] * 2 + ["crm_sqls"],
    ...                   "age_days": [20, 45, 3], "closed_share": [0.5, 1.0, 1.0]})
    >>> mature_after(c, 0.9)
    {'crm_won_deals': 45, 'crm_won_revenue': 45, 'crm_sqls': 3}
    """
    out: dict[str, int] = {}
    if curves is None or curves.empty or "measure" not in curves:
        return out
    for measure, rows in curves.groupby("measure", sort=False):
        rows = rows.sort_values("age_days")
        reached = rows[rows["closed_share"] >= share - 1e-12]
        days = int(reached["age_days"].iloc[0] if not reached.empty else rows["age_days"].max())
        out[str(measure)] = days
        if measure == "crm_won_deals":
            out["crm_won_revenue"] = days
    return out
