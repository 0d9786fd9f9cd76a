"""CRM facts by lead date and matched campaign: the additive measures ``crm_leads`` …
``crm_pipeline_value`` the unified model stacks beside the ad platforms' and GA4's.

Everything is counted on the contact's LEAD date, so a deal won today raises the won deals of a
lead cohort from weeks ago. A contact counts at a step of the funnel when it reached that step
or a later one (HubSpot leaves the date of a skipped stage empty). A deal counts once, for its
primary contact (the associated contact with the earliest lead date); a deal with no contact
counts in ``crm:unknown`` on the day it was created. Amounts are converted to the reporting
currency; a deal without an amount counts with 0.

>>> FACT_COLUMNS[:3]
('crm_leads', 'crm_mqls', 'crm_sqls')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from kpi.crm.match import UNKNOWN_KEY

FUNNEL = ("lead", "mql", "sql", "opportunity", "customer")
FACT_COLUMNS = ("crm_leads", "crm_mqls", "crm_sqls", "crm_opportunities", "crm_won_deals",
                "crm_won_revenue", "crm_pipeline_value")
DEAL_COLUMNS = ("deal_key", "contact_key", "lead_date", "campaign_key", "outcome",
                "closed_date", "amount")
LOG_STREAM = "crm_daily"  # the stream name of the CRM facts in the model's inputs log


def reached(contacts: pd.DataFrame, step: str) -> pd.Series:
    """Whether each contact reached ``step`` or a later one of the funnel.

    >>> c = pd.DataFrame({"funnel_step": ["sql", None], "lead_at": [None, 1],
    ...     "mql_at": [None, None], "sql_at": [None, None], "opportunity_at": [None, 2],
    ...     "customer_at": [None, None]})
    >>> reached(c, "mql").tolist(), reached(c, "customer").tolist()
    ([True, True], [False, False])
    """
    later = FUNNEL[FUNNEL.index(step):]
    dated = pd.concat([contacts[f"{s}_at"].notna() for s in later], axis=1).any(axis=1)
    at_step = contacts["funnel_step"].astype("string").isin(list(later)).fillna(False)
    return (dated | at_step).astype(bool)


def step_dates(contacts: pd.DataFrame, step: str, time_zone: str) -> pd.Series:
    """The date each contact first reached ``step`` or a later one (reporting time zone),
    None where no such date is known."""
    later = FUNNEL[FUNNEL.index(step):]
    stamps = pd.concat([pd.to_datetime(contacts[f"{s}_at"], utc=True) for s in later], axis=1)
    first = stamps.min(axis=1)
    return first.dt.tz_convert(time_zone).dt.date.where(first.notna(), None)


def deal_rows(deals: pd.DataFrame, pairs: pd.DataFrame, matches: pd.DataFrame,
              rate: Callable[[str], float], time_zone: str) -> pd.DataFrame:
    """One row per deal with an outcome (:data:`DEAL_COLUMNS`): its primary contact's lead date
    and campaign, outcome, close date (reporting time zone) and amount in the reporting
    currency. ``rate(code)`` gives reporting units per unit of ``code`` (ValueError when
    unknown: mixed currencies never add up silently)."""
    counted = deals[deals["outcome"].astype("string").isin(["won", "lost", "open"]).fillna(False)]
    linked = pairs[["contact_key", "deal_key"]].merge(
        matches[["contact_key", "lead_date", "campaign_key"]], on="contact_key")
    primary = (linked.sort_values(["deal_key", "lead_date", "contact_key"], kind="stable")
               .drop_duplicates("deal_key"))
    out = counted.merge(primary, on="deal_key", how="left")
    orphan = out["campaign_key"].isna()
    created = pd.to_datetime(out["created_at"], utc=True).dt.tz_convert(time_zone).dt.date
    out.loc[orphan, "lead_date"] = created[orphan]
    out.loc[orphan, "campaign_key"] = UNKNOWN_KEY
    amount = pd.to_numeric(out["amount"], errors="coerce").astype(float)
    has = amount.notna() & (amount != 0)
    codes = out.loc[has, "currency_code"].astype(str)
    factors = {code: rate(code) for code in codes.unique()}
    out["amount"] = 0.0
    out.loc[has, "amount"] = amount[has] * codes.map(factors)
    closed = pd.to_datetime(out["closed_at"], utc=True)
    out["closed_date"] = closed.dt.tz_convert(time_zone).dt.date.where(closed.notna(), None)
    out["outcome"] = out["outcome"].astype(str)
    return out.loc[:, list(DEAL_COLUMNS)].reset_index(drop=True)


def daily_facts(contacts: pd.DataFrame, matches: pd.DataFrame,
                deals: pd.DataFrame) -> pd.DataFrame:
    """The CRM facts per lead date and campaign key (``date``, ``campaign_key``,
    :data:`FACT_COLUMNS`), rows with any fact only, sorted. ``contacts`` and ``matches`` are
    row-aligned; ``deals`` come from :func:`deal_rows`."""
    people = pd.DataFrame({
        "date": matches["lead_date"].to_numpy(), "campaign_key": matches["campaign_key"],
        "crm_leads": 1.0,
        **{f"crm_{n}": reached(contacts, s).to_numpy().astype(float) for n, s in
           (("mqls", "mql"), ("sqls", "sql"), ("opportunities", "opportunity"))}})
    won, open_ = deals["outcome"] == "won", deals["outcome"] == "open"
    money = pd.DataFrame({
        "date": deals["lead_date"].to_numpy(), "campaign_key": deals["campaign_key"],
        "crm_won_deals": won.astype(float).to_numpy(),
        "crm_won_revenue": deals["amount"].where(won, 0.0).to_numpy(),
        "crm_pipeline_value": deals["amount"].where(open_, 0.0).to_numpy()})
    stacked = pd.concat([people, money], ignore_index=True)
    for column in FACT_COLUMNS:
        stacked[column] = stacked[column].fillna(0.0).astype(float)
    if stacked.empty:
        return pd.DataFrame(columns=["date", "campaign_key", *FACT_COLUMNS])
    sums = stacked.groupby(["date", "campaign_key"], sort=True)[list(FACT_COLUMNS)].sum()
    return sums.reset_index()


def _keyed(frame: pd.DataFrame) -> set[tuple]:
    rows = frame.loc[:, ["date", "campaign_key", *FACT_COLUMNS]].copy()
    rows["date"] = pd.to_datetime(rows["date"]).dt.date
    for column in FACT_COLUMNS:
        rows[column] = rows[column].astype(float).round(6)
    return set(rows.itertuples(index=False, name=None))


def changed_dates(new: pd.DataFrame, stored: pd.DataFrame | None) -> list[dt.date]:
    """The lead dates whose facts differ between ``new`` and ``stored`` (None: every date).

    >>> a = pd.DataFrame({"date": [dt.date(2026, 1, 1), dt.date(2026, 1, 2)],
    ...                   "campaign_key": ["x", "x"], **{c: [1.0, 1.0] for c in FACT_COLUMNS}})
    >>> b = a.assign(crm_won_deals=[1.0, 2.0])
    >>> changed_dates(b, a)
    [datetime.date(2026, 1, 2)]
    """
    if stored is None:
        return sorted({pd.Timestamp(d).date() for d in new["date"]})
    differ = _keyed(new) ^ _keyed(stored)
    return sorted({row[0] for row in differ})


def facts_log(facts: pd.DataFrame, changed: list[dt.date], stored: pd.DataFrame | None,
              now: dt.datetime) -> pd.DataFrame:
    """The CRM's rows for the model's inputs log (stream, scope, date, rows, extracted_at),
    shaped like the extract log: a lead date whose facts changed tonight gets ``now``, the
    others keep the time they last changed; a date whose facts all went (an erasure) keeps a
    row with 0 rows, so the model rebuilds it. The model rebuilds exactly the dates whose row
    differs from the copy it was last built from."""
    counts = facts.groupby("date").size() if not facts.empty else pd.Series(dtype=int)
    counts.index = [pd.Timestamp(d).date() for d in counts.index]
    before = {} if stored is None else {
        pd.Timestamp(d).date(): t for d, t in zip(stored["date"], stored["extracted_at"],
                                                  strict=True)}
    dates = sorted(set(counts.index) | set(before) | set(changed))
    moved = set(changed)
    return pd.DataFrame({
        "stream": LOG_STREAM, "scope": "crm", "date": dates,
        "rows": [int(counts.get(d, 0)) for d in dates],
        "extracted_at": pd.to_datetime([now if d in moved or d not in before else before[d]
                                        for d in dates], utc=True)},
        columns=["stream", "scope", "date", "rows", "extracted_at"])
