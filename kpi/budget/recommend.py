"""Recommendations from campaign facts, targets and response curves: pause, scale, reallocate.

Each campaign is judged on one *goal*: a cost-per KPI (``cpl``, ``cpa``, ``cpc``: cost ÷ a
count) or ``roas`` (revenue ÷ cost), with its target. Unless goals are given, a campaign with
more purchases than leads is judged on ROAS (else CPA), the others on CPL; the target is the
most specific one (campaign, then channel, then account), as in the roll-ups.

Confidence: given its cost, a campaign's count of conversions is taken as Poisson with mean μ.
The exact one-sided bounds on μ at level c are the Gamma quantiles (Garwood)
μ_low = Gamma⁻¹(1 − c; n) and μ_high = Gamma⁻¹(c; n + 1), i.e. χ²(1 − c; 2n)/2 and
χ²(c; 2n + 2)/2; fractional counts (data-driven attribution) are fine. A cost-per KPI's bounds
are cost ÷ μ_high (lower) and cost ÷ μ_low (upper); ROAS's are μ × average order value ÷ cost,
the order value taken as known (so the ROAS interval ignores its spread and is a little narrow).
Each bound is one-sided at ``confidence``.

- **pause** when the KPI is clearly worse than target with confidence (CPA's lower bound above
  target × (1 + ``pause_margin``); ROAS's upper bound below target ÷ (1 + ``pause_margin``)),
  after at least ``min_days`` days and enough spend to expect ``min_expected_volume``
  conversions at target. Zero conversions can be enough. The margin (20 % by default) keeps
  campaigns that are only somewhat over target (a case for bids, not for pausing) running.
- **scale** when the KPI beats target with confidence (CPA's upper bound below target; ROAS's
  lower bound above it), with ``min_volume`` conversions, and there is room: a reliable response
  curve whose marginal return still beats target, or a budget-limited campaign (spend ≥ 90 % of
  its daily budget on most days) whose curve does not say it is saturated.
- **reallocate**: among campaigns with reliable curves and the same response measure, SLSQP
  (:func:`kpi.budget.allocate.allocate`) splits today's total within ±``max_change`` of each current
  spend; the moves from donors to receivers come with their expected gain.

**One action per euro.** A reallocation into a campaign that is also scaled is merged into
that scale: its sentence says how much of the extra spend to move from where (the rest is new
budget) and its gain is net of what the donors lose; a move out of a scaled campaign is left
out (the scale says that money earns above target where it is).

**Materiality.** A scale or a move (after merging) whose expected effect a day is below
``min_effect_value`` (money: revenue as is, a count valued at the campaign's target cost per
conversion) or below ``min_effect_share`` of the campaign's current response a day is left out,
as is a move under ``min_move_share`` of the group's spend; :attr:`Recommendations.left_out`
counts them, so pages and reports can say so. Pauses are always kept, and so is a scale without
a curve (no effect to estimate).

Amounts are per day (curves map spend per day to response per day, at either grain). Leave
provisional days (conversions still arriving) out of ``facts``, or CPA looks worse than it is.
Sentences come in nl, fr and en; their numbers are formatted by Babel (nl_BE, fr_BE, en_BE)
exactly as ``dashboards.formatting`` does (tested), without importing it: kpi stays below
dashboards in the package graph.

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
from scipy.optimize import brentq

from kpi.budget.allocate import Allocation, allocate
from kpi.budget.response import ResponseFit, fit_response, reuse_fit
from kpi.confidence import (
    RETURN_KPIS,
    KpiEstimate,
    better_than_target,
    estimate,
    worse_than_target,
)
from kpi.goals import goal_kpis
from kpi.language import LANGUAGES, Labels
from kpi.language.format import format_share, format_value
from kpi.language.translate import translator
from kpi.registry import KPIS, MEASURES

_text = translator("recommend")

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


# --- sentences --------------------------------------------------------------------------------

NNBSP = "\u202f"  # French: a narrow no-break space before : and ;


def _inline(label: str) -> str:
    """A label inside a sentence: ``Kosten per lead (CPL)`` -> ``kosten per lead (CPL)``."""
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def _quantity(value: float | None, measure: str, lang: str, currency: str) -> str:
    unit = MEASURES[measure].unit
    text = _text("quantity.currency" if unit == "currency" else "quantity.count", lang)
    return text.format(value=format_value(value, unit, lang, currency),
                       measure=_inline(MEASURES[measure].label(lang)))


def _matured(a: Assessment, lang: str, sentence: str) -> str:
    """The sentence, and for a CRM goal judged on older leads, which ones; for a lead campaign
    judged on CPL because its leads are too recent for the CRM goal, that."""
    if a.wanted:
        return sentence + " " + _text("judged.too_recent", lang).format(
            kpi=_inline(KPIS[a.wanted].label(lang)),
            days=format_value(a.wanted_after, "count", lang))
    if not a.mature_after:
        return sentence
    return sentence + " " + _text("judged.mature", lang).format(
        days=format_value(a.mature_after, "count", lang))


def _sentences(render) -> Labels:
    return Labels(**{lang: render(lang) for lang in LANGUAGES})


# --- recommendations --------------------------------------------------------------------------

@dataclass(frozen=True)
class Recommendation:
    """One action on one campaign, the numbers behind it, and the sentence in nl, fr and en."""

    action: Action
    item: str  # the campaign (for a reallocation: the one receiving)
    text: Labels
    reason: str  # the template used
    kpi: str | None = None
    value: float | None = None  # observed KPI
    lower: float | None = None  # one-sided bounds at ``confidence``
    upper: float | None = None
    target: float | None = None
    confidence: float | None = None
    cost: float | None = None
    volume: float | None = None  # the count behind the KPI (purchases for ROAS)
    days: int | None = None
    amount: float | None = None  # spend per day: added (scale) or moved (reallocate)
    expected_gain: float | None = None  # response per day expected from ``amount``
    measure: str | None = None  # what the gain counts (leads, purchases, clicks, revenue)
    source: str | None = None  # reallocate: the campaign giving the money
    budget_limited: bool | None = None
    marginal: float | None = None  # marginal KPI at current spend (next lead's cost, or ROAS)
    moved: float | None = None  # scale: the part of ``amount`` moved from ``source`` (the
    # rest is new budget); ``source`` then lists the donors' keys, comma-separated

    def sentence(self, lang: str) -> str:
        return self.text(lang)


def _kpi_parts(a: Assessment, lang: str, currency: str) -> dict[str, str]:
    unit = KPIS[a.goal.kpi].unit
    est = a.estimate
    volume_measure = a.goal.count
    return {
        "kpi": _inline(KPIS[a.goal.kpi].label(lang)),
        "value": format_value(est.value, unit, lang, currency),
        "target": format_value(a.goal.target, unit, lang, currency),
        "confidence": format_share(est.confidence, lang),
        "volume": _quantity(est.volume, volume_measure, lang, currency),
        "cost": format_value(est.cost, "currency", lang, currency),
        "days": format_value(a.days, "count", lang),
    }


def _pause(a: Assessment, names: Mapping[str, str], currency: str) -> Recommendation:
    est, goal = a.estimate, a.goal
    key = "pause.cost" if goal.cost_per else "pause.roas"
    bound = est.lower if goal.cost_per else est.upper
    unit = KPIS[goal.kpi].unit
    text = _sentences(lambda lang: _matured(a, lang, _text(key, lang).format(
        item=names.get(a.item, a.item), bound=format_value(bound, unit, lang, currency),
        **_kpi_parts(a, lang, currency))))
    return Recommendation("pause", a.item, text, key, goal.kpi, est.value, est.lower, est.upper,
                          goal.target, est.confidence, est.cost, est.volume, a.days,
                          measure=goal.measure, budget_limited=a.budget_limited,
                          marginal=a.marginal_kpi)


def _scale_step(a: Assessment, settings: Settings) -> tuple[float, float | None]:
    """(extra spend per day, expected extra response per day): up to where the marginal return
    falls to target, at most ``max_change`` more; without a curve, ``max_change`` and None."""
    top = a.current_spend * (1 + settings.max_change)
    if not a.headroom or a.fit is None:
        return top - a.current_spend, None
    fit = a.fit

    def excess(x: float) -> float:
        return float(fit.marginal(x)) - a.goal.threshold

    if excess(a.current_spend) <= 0:  # a curve given for another spend level: no step to size
        return top - a.current_spend, None
    best = top if excess(top) >= 0 else brentq(excess, a.current_spend, top, xtol=1e-6)
    gain = float(fit.response(best) - fit.response(a.current_spend))
    return best - a.current_spend, gain


def _scale(a: Assessment, names: Mapping[str, str], settings: Settings, currency: str,
           moves: Sequence[Recommendation] = ()) -> Recommendation:
    """The scale action; ``moves`` (reallocations into this campaign) are merged into it: the
    extra spend is at least the money moved, the gain net of what the donors lose."""
    est, goal = a.estimate, a.goal
    key = "scale.cost" if goal.cost_per else "scale.roas"
    bound = est.upper if goal.cost_per else est.lower
    unit = KPIS[goal.kpi].unit
    amount, gain = _scale_step(a, settings)
    moved = float(sum(m.amount or 0.0 for m in moves)) if moves else None
    sources = list(dict.fromkeys(m.source for m in moves if m.source))
    if moved is not None and a.fit is not None and a.fit.ok:
        amount = max(amount, moved)
        here = a.current_spend
        # Σ move gains = receiver(here → here + moved) + donors' losses, so the net gain is:
        gain = float(a.fit.response(here + amount) - a.fit.response(here + moved)) + float(
            sum(m.expected_gain or 0.0 for m in moves))

    def render(lang: str) -> str:
        reasons = []
        if a.budget_limited:
            reasons.append(_text("why.limited", lang).format(
                share=format_share(a.budget_share, lang)))
        if a.headroom:
            why = "why.headroom.cost" if goal.cost_per else "why.headroom.roas"
            reasons.append(_text(why, lang).format(
                unit=_text(f"unit.{goal.measure}", lang) if f"unit.{goal.measure}" in _text else "",
                marginal=format_value(a.marginal_kpi, unit, lang, currency)))
        parts = _kpi_parts(a, lang, currency)
        if moved is not None and gain is not None:
            new = amount - moved
            extra = (_text("plan.extra", lang).format(
                amount=format_value(new, "currency", lang, currency))
                if new >= 0.005 else "")
            plan = _text("plan.moved", lang).format(
                moved=format_value(moved, "currency", lang, currency),
                source=_text("and", lang).join(names.get(k, k) for k in sources),
                extra=extra, gain=_quantity(gain, goal.measure, lang, currency))
        elif gain is None:
            plan = _text("plan.no_gain", lang).format(
                amount=format_value(amount, "currency", lang, currency), kpi=parts["kpi"],
                change="+" + format_share(settings.max_change, lang))
        else:
            plan = _text("plan.gain", lang).format(
                amount=format_value(amount, "currency", lang, currency),
                gain=_quantity(gain, goal.measure, lang, currency))
        return _matured(a, lang, _text(key, lang).format(
            item=names.get(a.item, a.item), bound=format_value(bound, unit, lang, currency),
            why=_text("and", lang).join(reasons), plan=plan, **parts))

    return Recommendation("scale", a.item, _sentences(render), key, goal.kpi, est.value,
                          est.lower, est.upper, goal.target, est.confidence, est.cost,
                          est.volume, a.days, amount=amount, expected_gain=gain,
                          measure=goal.measure,
                          source=", ".join(sources) if moved is not None else None,
                          budget_limited=a.budget_limited, marginal=a.marginal_kpi,
                          moved=moved)


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


def reallocation_moves(allocation: Allocation, curves: Mapping[str, ResponseFit],
                       measure: str, *, names: Mapping[str, str] | None = None,
                       min_move: float = 0.0, currency: str = "EUR") -> tuple[Recommendation, ...]:
    """The moves that turn the current spend into ``allocation``: the largest donor gives to
    the largest receiver, and so on. Gains are evaluated move after move on the curves, so the
    gains of all moves add up to the allocation's gain; moves under ``min_move`` are left out.
    """
    names = names or {}
    spend = {row.item: float(row.current) for row in allocation.items if row.current is not None}
    if len(spend) != len(allocation.items):
        raise ValueError("reallocation_moves: the allocation was made without current spend")
    give = sorted(((row.current - row.spend, row.item) for row in allocation.items
                   if row.current is not None and row.current > row.spend), reverse=True)
    take = sorted(((row.spend - row.current, row.item) for row in allocation.items
                   if row.current is not None and row.spend > row.current), reverse=True)
    gives, takes = [list(pair) for pair in give], [list(pair) for pair in take]
    out: list[Recommendation] = []
    i = j = 0
    while i < len(gives) and j < len(takes):
        amount = min(gives[i][0], takes[j][0])
        source, target = gives[i][1], takes[j][1]
        gain = float(curves[target].response(spend[target] + amount)
                     - curves[target].response(spend[target])
                     + curves[source].response(spend[source] - amount)
                     - curves[source].response(spend[source]))
        spend[source] -= amount
        spend[target] += amount
        gives[i][0] -= amount
        takes[j][0] -= amount
        if amount > 0 and amount >= min_move:
            text = _sentences(lambda lang, a=amount, s=source, t=target, g=gain:
                              _text("reallocate", lang).format(
                                  amount=format_value(a, "currency", lang, currency),
                                  source=names.get(s, s), item=names.get(t, t),
                                  gain=_quantity(g, measure, lang, currency)))
            out.append(Recommendation(
                "reallocate", target, text, "reallocate", amount=amount, expected_gain=gain,
                measure=measure, source=source,
                marginal=float(curves[target].marginal(spend[target] - amount))))
        if gives[i][0] <= 1e-9 * max(1.0, allocation.total):
            i += 1
        if takes[j][0] <= 1e-9 * max(1.0, allocation.total):
            j += 1
    return tuple(out)


@dataclass(frozen=True)
class Recommendations:
    """The actions to show, and how many smaller ones were left out (see the module
    docstring). Iterates, indexes and counts like the tuple of its ``items``."""

    items: tuple[Recommendation, ...] = ()
    left_out: int = 0

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Recommendation:
        return self.items[index]


def effect_value(r: Recommendation, target: float | None) -> float | None:
    """A scale's or move's expected effect a day in money: revenue as is, a count valued at
    the target cost per conversion; None without an expected gain (or a count's target).

    >>> r = Recommendation("reallocate", "b", Labels("", "", ""), "reallocate",
    ...                    expected_gain=0.5, measure="leads")
    >>> effect_value(r, 40.0)
    20.0
    """
    if r.expected_gain is None:
        return None
    if r.measure is not None and MEASURES[r.measure].unit == "currency":
        return r.expected_gain
    return None if target is None else r.expected_gain * target


def is_material(r: Recommendation, a: Assessment | None, settings: Settings) -> bool:
    """Whether an action is worth a line: pauses and actions without an estimated effect
    always; else an effect of at least ``min_effect_value`` a day and ``min_effect_share`` of
    the campaign's current response a day."""
    if r.action == "pause" or r.expected_gain is None:
        return True
    value = effect_value(r, a.goal.target if a is not None and a.goal.cost_per else None)
    if value is not None and value < settings.min_effect_value:
        return False
    fit = a.fit if a is not None else None
    if fit is not None and fit.ok and a is not None:
        base = float(fit.response(a.current_spend))
        if base > 0 and r.expected_gain < settings.min_effect_share * base:
            return False
    return True


def recommend(facts: pd.DataFrame, targets: Sequence[TargetLike] = (), *,
              goals: Mapping[str, Goal] | None = None,
              curves: Mapping[str, ResponseFit] | None = None,
              budgets: pd.DataFrame | None = None, channels: Mapping[str, str] | None = None,
              names: Mapping[str, str] | None = None, settings: Settings = Settings(),
              reallocate: bool = True, currency: str = "EUR") -> Recommendations:
    """Pause and scale recommendations per campaign, then reallocations, merged and the
    immaterial ones left out (see module docstring): :func:`assess`, then :func:`decide`.

    ``facts`` are rows of the ``campaign_daily`` model (date, campaign_key, cost, leads,
    purchases, clicks, revenue; any grain finer than campaign × day), in ``currency``.
    """
    assessed = assess(facts, targets, goals=goals, curves=curves, budgets=budgets,
                      channels=channels, names=names, settings=settings)
    return decide(assessed, names=names, settings=settings, reallocate=reallocate,
                  currency=currency)


def decide(assessed: Sequence[Assessment], *, names: Mapping[str, str] | None = None,
           settings: Settings = Settings(), reallocate: bool = True,
           currency: str = "EUR") -> Recommendations:
    """The recommendations from campaigns already assessed (see :func:`recommend`)."""
    names = names or {}
    by_item = {a.item: a for a in assessed}
    paused = {a.item for a in assessed if should_pause(a, settings)}
    scaled = [a for a in assessed if a.item not in paused and should_scale(a, settings)]
    moves: list[Recommendation] = []
    left_out = 0
    by_measure: dict[str, list[Assessment]] = {}
    for a in assessed:
        if reallocate and a.reliable_curve and a.item not in paused and a.current_spend > 0:
            by_measure.setdefault(a.goal.measure, []).append(a)
    for measure, group in sorted(by_measure.items()):
        if len(group) < 2:
            continue
        fits = {a.item: a.fit for a in group if a.fit is not None}
        current = {a.item: a.current_spend for a in group}
        bounds = {item: ((1 - settings.max_change) * x, (1 + settings.max_change) * x)
                  for item, x in current.items()}
        total = float(sum(current.values()))
        allocation = allocate(fits, total, bounds, current=current)
        if allocation.gain is None or allocation.gain <= 0:
            continue
        found = reallocation_moves(allocation, fits, measure, names=names, currency=currency)
        small = [m for m in found if (m.amount or 0) < settings.min_move_share * total]
        left_out += len(small)
        moves.extend(m for m in found if (m.amount or 0) >= settings.min_move_share * total)
    into = {a.item for a in scaled}
    # A scaled campaign earns above target at the margin: money does not leave it.
    moves = [m for m in moves if m.source not in into]
    out: list[Recommendation] = []
    for a in assessed:
        if a.item in paused:
            out.append(_pause(a, names, currency))
        elif a.item in into:
            out.append(_scale(a, names, settings, currency,
                              [m for m in moves if m.item == a.item]))
    out.extend(m for m in moves if m.item not in into)
    kept = [r for r in out if is_material(r, by_item.get(r.item), settings)]
    return Recommendations(tuple(kept), left_out + len(out) - len(kept))


def recommendations_frame(recommendations: Sequence[Recommendation] | Recommendations
                          ) -> pd.DataFrame:
    """A tidy frame: one row per recommendation, the sentence in each language as a column, and
    ``left_out`` (the count of smaller actions left out) on every row."""
    left_out = getattr(recommendations, "left_out", 0)
    rows = []
    for r in recommendations:
        row = {name: getattr(r, name) for name in Recommendation.__dataclass_fields__
               if name != "text"}
        rows.append({**row, **{f"text_{lang}": r.text(lang) for lang in LANGUAGES},
                     "left_out": left_out})
    return pd.DataFrame.from_records(rows)
