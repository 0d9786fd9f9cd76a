"""The budget steps as pure functions: the plan's pacing (:func:`pacing_tables`) and the
response curves, scenarios, recommendations and curve store (:func:`recommendation_tables`),
each from frames read by :mod:`kpi.budget.reads`, the settings and what was stored before;
each returns a frozen dataclass of the tables it writes.

>>> out = pacing_tables((), (), None, None, BudgetSettings(), "EUR", {})
>>> sorted(out.frames()), out.metadata
(['budget_pacing', 'budget_plan'], {'as_of': 'no data', 'current_lines': 0, 'investigate': ''})
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from kpi.budget import curve_store
from kpi.budget.allocate import curve_scenarios
from kpi.budget.assess import Settings, assess
from kpi.budget.catalog import (
    CURVES_TABLE,
    PACING_TABLE,
    PLAN_TABLE,
    RECOMMENDATIONS_TABLE,
    SCENARIOS_TABLE,
    STORE_TABLE,
)
from kpi.budget.pacing import pace, pacing_frame
from kpi.budget.plan import CostLine, PlanLine, plan_frame
from kpi.budget.recommend import decide, recommendations_frame
from kpi.budget.settings import BudgetSettings, RecommendationSettings
from kpi.rollup import TargetRow


@dataclass(frozen=True)
class PacingTables:
    """The validated plan and its pacing as of the last day of data (``as_of``)."""

    plan: pd.DataFrame
    pacing: pd.DataFrame
    as_of: dt.date | None

    def frames(self) -> dict[str, pd.DataFrame]:
        """Each table under its warehouse name."""
        return {PLAN_TABLE: self.plan, PACING_TABLE: self.pacing}

    @property
    def metadata(self) -> dict[str, object]:
        """What the run says about the pacing: the plan lines of the current period, and those
        to investigate with their pacing."""
        pacing, as_of = self.pacing, self.as_of
        current = (pacing[(pacing["period_start"] <= as_of) & (pacing["period_end"] >= as_of)]
                   if not pacing.empty else pacing)
        return {"as_of": as_of.isoformat() if as_of else "no data",
                "current_lines": len(current),
                "investigate": ", ".join(f"{r['name']} {r['pacing']:.0%}"
                                         for _, r in current.iterrows()
                                         if r["status"] == "investigate")}


def pacing_start(plan: Sequence[PlanLine]) -> dt.date | None:
    """The first day any plan line covers: spend is read from there (None: no plan)."""
    return min((line.period_start for line in plan), default=None)


def pacing_tables(plan: Sequence[PlanLine], costs: Sequence[CostLine],
                  spend: pd.DataFrame | None, as_of: dt.date | None, settings: BudgetSettings,
                  currency: str, fx_rates: Mapping[str, float]) -> PacingTables:
    """Pace every plan line as of ``as_of`` (None: no data yet) on ``spend`` (date, channel,
    campaign_key, cost per day since :func:`pacing_start`; reporting currency)."""
    if plan and as_of is not None and spend is not None:
        pacing = pacing_frame(pace(plan, spend[["date", "channel", "campaign_key", "cost"]],
                                   as_of, costs=costs, weekday_weights=settings.weekday_weights,
                                   reporting_currency=currency, fx_rates=dict(fx_rates)))
    else:
        pacing = pd.DataFrame()
    return PacingTables(plan_frame(plan) if plan else pd.DataFrame(), pacing, as_of)


@dataclass(frozen=True)
class RecommendationTables:
    """The response curves, scenarios, recommendations and curve store of the night whose last
    judged day is ``last``."""

    last: dt.date
    curves: pd.DataFrame
    scenarios: pd.DataFrame
    recommendations: pd.DataFrame
    store: pd.DataFrame

    def frames(self) -> dict[str, pd.DataFrame]:
        """Each table under its warehouse name."""
        return {CURVES_TABLE: self.curves, SCENARIOS_TABLE: self.scenarios,
                RECOMMENDATIONS_TABLE: self.recommendations, STORE_TABLE: self.store}

    @property
    def fitted_tonight(self) -> int:
        """Stored curves fitted on this night (the others were reused)."""
        store = self.store
        return int((store["fitted_on"] == pd.Timestamp(self.last)).sum()) if not store.empty \
            else 0

    @property
    def actions(self) -> dict[str, int]:
        """How many recommendations of each action."""
        table = self.recommendations
        return table["action"].value_counts().to_dict() if not table.empty else {}


def judging(settings: RecommendationSettings, crm: bool = False,
            mature_after: Mapping[str, int] | None = None) -> Settings:
    """The judging rules :mod:`kpi.budget.recommend` takes, from the ``recommendations:``
    settings; ``crm``: a CRM is connected (its outcomes mature after ``mature_after`` days per
    measure, :func:`kpi.crm.tables.mature_after`).

    >>> judging(RecommendationSettings(judge_days=28)).judge_days
    28
    >>> rules = judging(RecommendationSettings(lead_goal="cost_per_won_deal"), True,
    ...                 {"crm_won_deals": 45})
    >>> rules.lead_goal, rules.mature_after
    ('cost_per_won_deal', (('crm_won_deals', 45),))
    """
    r = settings
    return Settings(confidence=r.confidence, pause_margin=r.pause_margin,
                    max_change=r.max_change, judge_days=r.judge_days,
                    curve_grain=r.curve_grain, min_effect_value=r.min_effect_value,
                    min_effect_share=r.min_effect_share, lead_goal=r.lead_goal_for(crm),
                    mature_after=tuple(sorted((mature_after or {}).items())) if crm else ())


def curve_rules(settings: RecommendationSettings, currency: str, model: str | None) -> str:
    """The fingerprint of what the response curves depend on: the window and grain they are
    fitted on, the reporting currency and the model's rules (``model``: their fingerprint as
    stored with ``campaign_daily``)."""
    r = settings
    return curve_store.rules_key(
        grain=r.curve_grain, curve_days=r.curve_days, exclude_recent_days=r.exclude_recent_days,
        min_completeness=r.min_completeness, recent_days=Settings().recent_days,
        currency=currency, model=model)


def paid_days(days: pd.DataFrame) -> pd.DataFrame:
    """The days of campaigns that cost something in the window (the others are not judged).

    >>> days = pd.DataFrame({"campaign_key": ["a", "a", "b"], "cost": [0.0, 5.0, 0.0]})
    >>> paid_days(days)["campaign_key"].tolist()
    ['a', 'a']
    """
    return days[days.groupby("campaign_key")["cost"].transform("sum") > 0]


def recommendation_tables(days: pd.DataFrame, last: dt.date, *, budgets: pd.DataFrame | None,
                          stored: pd.DataFrame | None, rules: str,
                          targets: Sequence[TargetRow], settings: RecommendationSettings,
                          currency: str, crm: bool = False,
                          mature_after: Mapping[str, int] | None = None
                          ) -> RecommendationTables:
    """Curves, scenarios, recommendations and the curve store from the campaign ``days`` of the
    window ending on ``last`` (:func:`kpi.budget.reads.window_days`), the campaigns' daily
    ``budgets`` (None when no campaign cost anything) and the ``stored`` curves. Curves stored
    this ISO week under the same ``rules`` (:func:`curve_rules`) are reused, read at tonight's
    spend; the others are fitted (:mod:`kpi.budget.curve_store`). With a ``crm`` connected,
    lead campaigns are judged on the configured lead goal (:func:`judging`)."""
    kept = curve_store.reusable(stored, last, rules)
    paid = paid_days(days)
    by_channel = paid.groupby(["channel", "date"], as_index=False)[
        ["cost", "conversions", "revenue"]].sum()
    fits, scenarios = curve_scenarios(by_channel, by="channel", grain=settings.curve_grain,
                                      change=settings.scenario_change,
                                      stored=curve_store.by_scope(kept, "channel"))
    names = dict(zip(paid["campaign_key"], paid["campaign_name"], strict=False))
    channels = dict(zip(paid["campaign_key"], paid["channel"], strict=False))
    rules_of_judging = judging(settings, crm, mature_after)
    assessed = assess(paid, targets, budgets=budgets, channels=channels, names=names,
                      settings=rules_of_judging, stored=curve_store.by_scope(kept, "campaign"))
    recs = decide(assessed, names=names, settings=rules_of_judging, currency=currency)
    table = recommendations_frame(recs)
    if not table.empty:
        table.insert(0, "as_of", pd.Timestamp(last))
        table.insert(2, "campaign_name", table["item"].map(names))
        table.insert(3, "channel", table["item"].map(channels))
    tonight = {("campaign", a.item, a.goal.measure): a.fit for a in assessed
               if a.fit is not None}
    for row in fits.to_dict("records") if not fits.empty else ():
        fit = curve_store.fit_from_row(row)
        if fit is not None:
            tonight[("channel", str(row["item"]), str(row["measure"]))] = fit
    store = curve_store.store_rows(tonight, kept, last, rules)
    return RecommendationTables(last, fits, scenarios, table, store)
