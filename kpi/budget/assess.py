"""How a campaign is judged: its goal (a KPI and target), its estimate with confidence bounds,
its room to grow (response curve, budget limits), and whether that calls for a pause or a scale.

See :mod:`kpi.budget.recommend` for the rules in full.

>>> from kpi.confidence import estimate
>>> est = estimate("cpl", cost=1000.0, volume=10)
>>> round(est.value, 2), round(est.lower, 2), round(est.upper, 2)
(100.0, 58.95, 184.32)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import pandas as pd

from kpi.budget.response import ResponseFit, fit_response, reuse_fit
from kpi.confidence import (
    RETURN_KPIS,
    KpiEstimate,
    better_than_target,
    estimate,
    worse_than_target,
)
from kpi.goals import goal_kpis

Action = Literal["pause", "scale", "reallocate"]
# Lead campaigns can be judged on what the CRM says their leads became (``lead_goal``).
LEAD_GOALS: tuple[str, ...] = ("cpl", "cost_per_sql", "cost_per_won_deal", "revenue_roas")
GOAL_KPIS: tuple[str, ...] = ("cpl", "cpa", "cpc", "roas", *LEAD_GOALS[1:])
ROAS_KPIS: tuple[str, ...] = RETURN_KPIS  # return ÷ cost; the others are cost ÷ a count
RESPONSE_OF: dict[str, str] = {"cpl": "leads", "cpa": "purchases", "cpc": "clicks",
                               "roas": "revenue", "cost_per_sql": "crm_sqls",
                               "cost_per_won_deal": "crm_won_deals",
                               "revenue_roas": "crm_won_revenue"}
# The Poisson count behind a ROAS's bounds (the others: their own measure).
COUNT_OF: dict[str, str] = {"roas": "purchases", "revenue_roas": "crm_won_deals"}
CRM_RESPONSES: tuple[str, ...] = ("crm_sqls", "crm_won_deals", "crm_won_revenue")
TIMES = "×"




class TargetLike(Protocol):
    """A KPI target as in :class:`kpi.rollup.TargetRow`."""

    kpi: str
    value: float
    channel: str | None
    campaign: str | None


@dataclass(frozen=True)
class Goal:
    """The KPI a campaign is judged on and its target."""

    kpi: str
    target: float

    def __post_init__(self) -> None:
        if self.kpi not in GOAL_KPIS:
            raise ValueError(f"goal: kpi must be one of {', '.join(GOAL_KPIS)}, got {self.kpi!r}")
        if not self.target > 0:
            raise ValueError(f"goal: target must be > 0, got {self.target}")

    @property
    def cost_per(self) -> bool:
        return self.kpi not in ROAS_KPIS

    @property
    def count(self) -> str:
        """The Poisson count behind the KPI's bounds (purchases or won deals for a ROAS)."""
        return COUNT_OF.get(self.kpi, self.measure)

    @property
    def measure(self) -> str:
        """What the response curve counts: leads, purchases, clicks or revenue."""
        return RESPONSE_OF[self.kpi]

    @property
    def threshold(self) -> float:
        """The return per unit of cost the target asks for (1 / CPA target, or the ROAS)."""
        return 1 / self.target if self.cost_per else self.target

    def as_kpi(self, marginal_return: float) -> float:
        """A return per unit of cost in the goal's KPI (cost per conversion, or ROAS)."""
        if not self.cost_per:
            return marginal_return
        return 1 / marginal_return if marginal_return > 0 else math.inf


@dataclass(frozen=True)
class Settings:
    confidence: float = 0.95
    min_days: int = 14
    pause_margin: float = 0.2  # pause only when even the bound misses target by 20 %
    min_expected_volume: float = 5.0  # pause: conversions the cost would buy at target
    min_volume: float = 10.0  # scale: conversions observed
    budget_limited_ratio: float = 0.9  # a day is budget-limited at spend ≥ this × budget
    budget_limited_share: float = 0.7  # ... and the campaign when this share of days is
    min_r_squared: float = 0.3  # a curve is trusted with this fit quality ...
    min_spend_cv: float = 0.1  # ... and this spread of daily spend (else it extrapolates)
    max_change: float = 0.3  # scale and reallocation stay within ±30 % of current spend
    min_move_share: float = 0.02  # smaller reallocation moves (share of the total) are dropped
    min_effect_value: float = 10.0  # scale / reallocate: left out below this effect a day
    min_effect_share: float = 0.02  # ... or below this share of the campaign's response a day
    recent_days: int = 14  # current spend = mean daily spend of the last days
    judge_days: int | None = None  # the KPI is judged on the last days only (None: all)
    lead_goal: str = "cpl"  # what lead campaigns are judged on (LEAD_GOALS)
    # Days after which a lead's CRM outcome is mature, per CRM measure (crm_sqls, ...): a
    # campaign judged on one is judged, and its curve fitted, on lead dates at least that old.
    mature_after: tuple[tuple[str, int], ...] = ()
    curve_grain: Literal["day", "week"] = "day"  # "week": fit on each ISO week's daily means


# --- goals and campaign facts -----------------------------------------------------------------

def resolve_target(targets: Sequence[TargetLike], kpi: str, campaign_key: str,
                   name: str | None = None, channel: str | None = None) -> float | None:
    """The most specific target for ``kpi``: campaign (key or name), channel, account."""
    mine = [t for t in targets if t.kpi == kpi]
    for t in mine:
        if t.campaign is not None and t.campaign in (campaign_key, name):
            return float(t.value)
    for t in mine:
        if t.campaign is None and t.channel is not None and t.channel == channel:
            return float(t.value)
    for t in mine:
        if t.campaign is None and t.channel is None:
            return float(t.value)
    return None


def choose_goal(leads: float, purchases: float, targets: Sequence[TargetLike],
                campaign_key: str, name: str | None = None,
                channel: str | None = None, lead_goal: str = "cpl") -> Goal | None:
    """The first of :func:`goal_kpis` with a target; None when none has one. A lead campaign
    is judged on ``lead_goal`` when it has a target, else on CPL.

    >>> from kpi.rollup import TargetRow
    >>> t = [TargetRow("cpl", 50.0), TargetRow("cost_per_won_deal", 900.0)]
    >>> choose_goal(10, 0, t, "gads:1", lead_goal="cost_per_won_deal")
    Goal(kpi='cost_per_won_deal', target=900.0)
    >>> choose_goal(10, 0, t, "gads:1", lead_goal="cost_per_sql")
    Goal(kpi='cpl', target=50.0)
    """
    if lead_goal not in LEAD_GOALS:
        raise ValueError(f"lead_goal must be one of {', '.join(LEAD_GOALS)}, got {lead_goal!r}")
    order = goal_kpis(leads, purchases)
    if order == ("cpl",) and lead_goal != "cpl":
        order = (lead_goal, "cpl")
    for kpi in order:
        target = resolve_target(targets, kpi, campaign_key, name, channel)
        if target is not None and target > 0:
            return Goal(kpi, target)
    return None


def daily_sums(facts: pd.DataFrame) -> pd.DataFrame:
    """Facts summed per campaign and day (over ad groups), campaigns with cost only."""
    needed = ["date", "campaign_key", "cost",
              *sorted(set(RESPONSE_OF.values()) - set(CRM_RESPONSES))]
    missing = [c for c in needed if c not in facts.columns]
    if missing:
        raise ValueError(f"facts: missing column(s) {', '.join(missing)}")
    frame = facts.loc[:, needed].copy()
    for column in CRM_RESPONSES:  # without a CRM: none
        frame[column] = facts[column] if column in facts.columns else 0.0
    frame["date"] = pd.to_datetime(frame["date"])
    sums = frame.groupby(["campaign_key", "date"], sort=True).sum().reset_index()
    spenders = sums.groupby("campaign_key")["cost"].transform("sum") > 0
    return sums[spenders].reset_index(drop=True)


def _curve_points(days: pd.DataFrame, measure: str, grain: str) -> pd.DataFrame:
    """Daily cost and ``measure`` of one campaign, or each ISO week's daily means (less noise;
    the curve still maps spend per day to response per day)."""
    if grain == "day":
        return days[["cost", measure]]
    week = days["date"].dt.to_period("W-SUN")
    return days.groupby(week)[["cost", measure]].mean()


def budget_limited_share(daily: pd.DataFrame, budgets: pd.DataFrame,
                         ratio: float = 0.9) -> pd.Series:
    """Per campaign, the share of days (with a budget) whose spend reached ``ratio`` × budget.

    ``budgets`` has date, campaign_key and budget (daily, same currency as cost)."""
    frame = budgets.loc[:, ["date", "campaign_key", "budget"]].copy()
    frame["date"] = pd.to_datetime(frame["date"])
    frame = frame.groupby(["campaign_key", "date"])["budget"].sum().reset_index()
    joined = daily[["campaign_key", "date", "cost"]].merge(frame, on=["campaign_key", "date"])
    joined = joined[joined["budget"] > 0]
    hit = joined["cost"] >= ratio * joined["budget"]
    return hit.groupby(joined["campaign_key"]).mean()


@dataclass(frozen=True)
class Assessment:
    """Everything the rules look at for one campaign."""

    item: str
    goal: Goal
    estimate: KpiEstimate
    days: int
    current_spend: float  # mean daily spend of the last ``recent_days`` days
    fit: ResponseFit | None
    reliable_curve: bool
    marginal_kpi: float | None  # e.g. the cost of the next lead, or the marginal ROAS
    budget_share: float | None  # share of days at budget (None without budget data)
    budget_limited: bool
    mature_after: int = 0  # judged on lead dates at least this many days old (CRM goals)
    wanted: str | None = None  # the CRM goal it is not judged on yet: too few mature lead days
    wanted_after: int = 0  # ... the days after which that goal's outcomes are in

    @property
    def headroom(self) -> bool | None:
        """Whether the next euro still beats target (None without a reliable curve)."""
        if not self.reliable_curve or self.fit is None or self.fit.marginal_return is None:
            return None
        return self.fit.marginal_return > self.goal.threshold


def assess(facts: pd.DataFrame, targets: Sequence[TargetLike] = (), *,
           goals: Mapping[str, Goal] | None = None,
           curves: Mapping[str, ResponseFit] | None = None,
           budgets: pd.DataFrame | None = None, channels: Mapping[str, str] | None = None,
           names: Mapping[str, str] | None = None,
           settings: Settings = Settings(),
           stored: Mapping[tuple[str, str], ResponseFit] | None = None
           ) -> tuple[Assessment, ...]:
    """One assessment per campaign with cost and a goal (``goals`` overrides the choice from
    ``targets``); curves are fitted on the goal's measure unless given. A campaign with a
    ``stored`` fit for its goal's measure, by (campaign, measure), is not fitted again: the
    stored curve is read at the current spend (:func:`kpi.budget.response.reuse_fit`); everything
    else (the KPI and its bounds, days, budget share) comes from ``facts`` as always."""
    daily = daily_sums(facts)
    goals, channels, names = goals or {}, channels or {}, names or {}
    share = (budget_limited_share(daily, budgets, settings.budget_limited_ratio)
             if budgets is not None else pd.Series(dtype=float))
    aov = {kpi: _ratio(daily[RESPONSE_OF[kpi]].sum(), daily[count].sum())
           for kpi, count in COUNT_OF.items()}
    mature_after = dict(settings.mature_after)
    out = []
    for key, days in daily.groupby("campaign_key", sort=True):
        key = str(key)
        totals = _judged(days, settings.judge_days)
        goal = goals.get(key) or choose_goal(totals["leads"], totals["purchases"], targets, key,
                                             names.get(key), channels.get(key),
                                             settings.lead_goal)
        if goal is None:
            continue
        # A CRM outcome counts on its lead date: judge on (and fit to) mature lead dates only;
        # with too few of them yet (a young campaign or a short history), judge on CPL for now.
        shift = mature_after.get(goal.measure, 0)
        mature = days[days["date"] <= days["date"].max() - pd.Timedelta(days=shift)]
        wanted, wanted_after = None, 0
        if shift and int((mature["cost"] > 0).sum()) < settings.min_days and key not in goals:
            wanted, goal = goal.kpi, choose_goal(totals["leads"], totals["purchases"], targets,
                                                 key, names.get(key), channels.get(key))
            if goal is None:
                continue
            wanted_after, shift, mature = shift, 0, days
        if mature.empty:
            continue  # no lead date old enough to judge on yet
        if shift:
            totals = _judged(mature, settings.judge_days)
        revenue = totals[RESPONSE_OF[goal.kpi]] if not goal.cost_per else totals["revenue"]
        est = estimate(goal.kpi, float(totals["cost"]), float(totals[goal.count]),
                       float(revenue), settings.confidence, aov.get(goal.kpi))
        fit = (curves or {}).get(key)
        if fit is None and curves is None:
            points = _curve_points(mature, goal.measure, settings.curve_grain)
            recent = (settings.recent_days if settings.curve_grain == "day"
                      else max(1, settings.recent_days // 7))
            kept = (stored or {}).get((key, goal.measure))
            fit = (reuse_fit(kept, points["cost"].to_numpy(), points[goal.measure].to_numpy(),
                             recent=recent) if kept is not None else
                   fit_response(points["cost"].to_numpy(), points[goal.measure].to_numpy(), key,
                                recent=recent))
        reliable = bool(fit is not None and fit.ok and fit.r_squared is not None
                        and fit.r_squared >= settings.min_r_squared
                        and (fit.spend_cv or 0) >= settings.min_spend_cv)
        marginal = (goal.as_kpi(fit.marginal_return) if reliable and fit is not None
                    and fit.marginal_return is not None else None)
        at_budget = float(share[key]) if key in share.index else None
        active = int(totals["_active"])
        out.append(Assessment(
            item=key, goal=goal, estimate=est, days=active,
            current_spend=float(days["cost"].tail(settings.recent_days).mean()), fit=fit,
            reliable_curve=reliable, marginal_kpi=marginal, budget_share=at_budget,
            budget_limited=bool(at_budget is not None and active >= settings.min_days
                                and at_budget >= settings.budget_limited_share),
            mature_after=shift, wanted=wanted, wanted_after=wanted_after))
    return tuple(out)


def _ratio(numerator: float, denominator: float) -> float | None:
    return float(numerator / denominator) if denominator > 0 else None


def _judged(days: pd.DataFrame, judge_days: int | None) -> pd.Series:
    """The sums of the last ``judge_days`` days of ``days`` (all: None), and ``_active``, the
    days with cost among them."""
    judged = days
    if judge_days is not None and not days.empty:
        judged = days[days["date"] > days["date"].max() - pd.Timedelta(days=judge_days)]
    totals = judged[["cost", *dict.fromkeys(RESPONSE_OF.values())]].sum()
    totals["_active"] = int((judged["cost"] > 0).sum())
    return totals


def should_pause(a: Assessment, settings: Settings = Settings()) -> bool:
    """Worse than target with confidence, after enough days and spend."""
    est, goal = a.estimate, a.goal
    if goal.cost_per:
        expected = est.cost / goal.target
    else:
        expected = est.cost * goal.target / est.aov if est.aov else 0.0
    return (a.days >= settings.min_days and expected >= settings.min_expected_volume
            and worse_than_target(est, goal.target, settings.pause_margin))


def should_scale(a: Assessment, settings: Settings = Settings()) -> bool:
    """Better than target with confidence, with room: curve headroom, or a budget-limited
    campaign whose (reliable) curve does not say it is saturated."""
    if a.days < settings.min_days or a.estimate.volume < settings.min_volume:
        return False
    if not better_than_target(a.estimate, a.goal.target):
        return False
    return bool(a.headroom) or (a.budget_limited and a.headroom is not False)
