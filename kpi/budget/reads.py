"""What the budget steps read from the warehouse: campaign days (filtered there to the window
asked for), the last day of data, the Ads campaigns' daily budgets, the curve store and the lag
curves that say how many of the newest days are still filling."""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
from ibis.backends import BaseBackend

from kpi import model
from kpi.budget.catalog import STORE_TABLE
from kpi.budget.recommend_window import RecommendationWindow
from kpi.budget.settings import RecommendationSettings
from kpi.crm import tables as crm_tables
from kpi.lag import days_to_complete
from kpi.model_crm import CRM_TABLE
from kpi.nowcast_tables import CURVES_TABLE as LAG_CURVES_TABLE
from pipelines.sources.streams import ADS_CAMPAIGN_DAILY

MEASURES = ("cost", "clicks", "leads", "purchases", "conversions", "revenue")
CRM_MEASURES = ("crm_sqls", "crm_won_deals", "crm_won_revenue")  # lead goals (with a CRM)


class EmptyModelError(ValueError):
    """campaign_daily has no rows yet."""


def campaign_days(con: BaseBackend, first: dt.date | None = None,
                  last: dt.date | None = None) -> pd.DataFrame:
    """Daily facts per campaign with its channel and name (reporting currency), from ``first``
    to ``last`` inclusive when given (filtered in the warehouse: older rows are not read)."""
    facts, dims = con.table(model.MODEL_TABLE), con.table(model.CAMPAIGN_DIM)
    if first is not None:
        facts = facts.filter(facts.date >= first)
    if last is not None:
        facts = facts.filter(facts.date <= last)
    measures = [*MEASURES, *(m for m in CRM_MEASURES if m in facts.columns)]
    daily = facts.group_by(["date", "campaign_key"]).aggregate(
        **{m: facts[m].sum() for m in measures})
    joined = daily.join(dims.select("campaign_key", "channel", "campaign_name"), "campaign_key")
    frame = con.execute(joined.order_by(["campaign_key", "date"]))
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def data_end(con: BaseBackend) -> dt.date | None:
    """The last day of ``campaign_daily`` (None when it is empty)."""
    facts = con.table(model.MODEL_TABLE)
    end = con.execute(facts.date.max())
    return None if end is None or pd.isna(end) else pd.Timestamp(end).date()


def recent_days(con: BaseBackend, settings: RecommendationSettings) -> int:
    """The newest days left out of the judgement: fixed in the settings, else the days the
    paid conversions' lag curves say are less than ``min_completeness`` in."""
    if settings.exclude_recent_days is not None:
        return settings.exclude_recent_days
    if LAG_CURVES_TABLE not in con.list_tables():
        return days_to_complete({}, settings.min_completeness)
    curves = con.execute(con.table(LAG_CURVES_TABLE))
    paid = curves[(curves["source"] == "google_ads")
                  & curves["measure"].isin(["leads", "purchases", "revenue"])]
    shares = {m: list(r.sort_values("age")["completeness"]) for m, r in paid.groupby("measure")}
    return days_to_complete(shares, settings.min_completeness)


def window_days(con: BaseBackend,
                settings: RecommendationSettings) -> tuple[dt.date, pd.DataFrame]:
    """The last judged day and the campaign days of :class:`RecommendationWindow` ending on
    it, read from the warehouse (older days are filtered there, not here)."""
    end = data_end(con)
    if end is None:
        raise EmptyModelError("campaign_daily is empty: materialise the model first")
    last = end - dt.timedelta(days=recent_days(con, settings))
    window = RecommendationWindow(last, settings.judge_days, settings.curve_days)
    return last, campaign_days(con, window.first, window.last)


def budgets(con: BaseBackend, first: dt.date, rules: model.ModelRules) -> pd.DataFrame:
    """Daily campaign budgets from Google Ads since ``first``, in the reporting currency."""
    raw = con.table(ADS_CAMPAIGN_DAILY.table)
    raw = raw.filter(raw.date >= first)
    rows = con.execute(raw.select(
        date=raw.date, campaign_key=ibis.literal("gads:") + raw.campaign_id.cast("string"),
        budget=raw.budget_micros.cast("float64") / 1e6, currency=raw.currency_code))
    rates = {code: rules.rate(code) for code in rows["currency"].unique()}
    rows["budget"] = rows["budget"] * rows["currency"].map(rates)
    return rows.drop(columns="currency")


def crm_connected(con: BaseBackend) -> bool:
    """Whether the CRM's facts are in the warehouse (lead goals can then be judged)."""
    return crm_tables.has_crm(con) and CRM_TABLE in con.list_tables()


def crm_maturity(con: BaseBackend, settings: RecommendationSettings) -> dict[str, int]:
    """Per CRM measure, the days after which ``min_completeness`` of its outcomes are in
    (:func:`kpi.crm.tables.mature_after`); empty before the first cohort tables."""
    curves = crm_tables.stored(con, crm_tables.CURVE_TABLE)
    return crm_tables.mature_after(curves, settings.min_completeness)


def stored_curves(con: BaseBackend) -> pd.DataFrame | None:
    """The curve store as the last night left it (None before the first night)."""
    if STORE_TABLE not in con.list_tables():
        return None
    return con.execute(con.table(STORE_TABLE))
