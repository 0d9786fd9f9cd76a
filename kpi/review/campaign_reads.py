"""What a post-campaign review reads from the warehouse: the campaigns' spend days, the
subject's day rows of ``kpi_values`` (filtered there), and the optional tables it shows
(budget plan, alerts, experiment results, goal progress: absent means none)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
from ibis.backends import BaseBackend

from kpi import rollup
from kpi.budget import reads
from kpi.budget.catalog import PLAN_TABLE
from kpi.budget.plan import CostLine
from kpi.review.campaign_end import Subject
from kpi.review.campaign_facts import (
    GOAL_MEASURES,
    SHOWN,
    Facts,
    campaign_goals,
    costs_in_full,
    facts,
    overlapping,
)
from kpi.review.tables import GOALS_TABLE

EXPERIMENT_RESULTS = "experiment_results"
METRICS = tuple(dict.fromkeys((*SHOWN, *GOAL_MEASURES.values())))


def optional(con: BaseBackend, name: str) -> pd.DataFrame:
    """A whole (small) table, or an empty frame when it does not exist yet."""
    return con.execute(con.table(name)) if name in con.list_tables() else pd.DataFrame()


def spend_days(con: BaseBackend) -> pd.DataFrame:
    """One row per campaign and day: campaign_key, campaign_name, channel, date, cost."""
    return reads.campaign_days(con)[["campaign_key", "campaign_name", "channel", "date", "cost"]]


def subject_rows(con: BaseBackend, subject: Subject) -> pd.DataFrame:
    """The subject's day rows of ``kpi_values`` (levels campaign and ad_group)."""
    v = con.table(rollup.VALUES_TABLE)
    start = dt.datetime.combine(subject.start, dt.time())
    end = dt.datetime.combine(subject.end, dt.time())
    rows = v.filter((v.grain == "day") & v.level.isin(["campaign", "ad_group"])
                    & v.campaign_key.isin(list(subject.campaign_keys))
                    & v.metric.isin(list(METRICS))
                    & (v.period_start >= start) & (v.period_start <= end))
    return con.execute(rows.select("level", "period_start", "campaign_key", "ad_group_name",
                                   "metric", "kind", "value", "numerator", "denominator",
                                   "target", "provisional"))


def review_facts(con: BaseBackend, subject: Subject, days: pd.DataFrame,
                 booked: Sequence[CostLine], currency: str,
                 fx: Mapping[str, float]) -> Facts:
    """The subject's facts (``days`` as :func:`spend_days` returns)."""
    media = days[["campaign_key", "channel", "date", "cost"]]
    costs = costs_in_full(subject.campaign_keys, subject.start, subject.end, media,
                          optional(con, PLAN_TABLE), booked, currency, fx)
    return facts(subject_rows(con, subject), costs,
                 overlapping(optional(con, EXPERIMENT_RESULTS), subject.start, subject.end),
                 campaign_goals(optional(con, GOALS_TABLE), subject.campaign_keys))
