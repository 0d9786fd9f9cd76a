"""The ``budget:`` and ``recommendations:`` sections of the configuration (read by
:class:`pipelines.config.Config`; YAML keys and fields as they always were).

>>> BudgetSettings.model_validate({"plan": "budget.csv"}).plan.name
'budget.csv'
>>> RecommendationSettings().judge_days
56
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _table_file(path: Path | None) -> Path | None:
    if path is not None and path.suffix.lower() not in {".csv", ".yaml", ".yml"}:
        raise ValueError(f"{path.name} is not a .csv or .yaml file")
    return path


class BudgetSettings(_Strict):
    """The budget plan (media budget, production costs, agency fees per period and channel or
    campaign) and an optional file of booked production and agency costs; both relative to the
    configuration file. See kpi/budget/plan.py for the columns."""

    plan: Path | None = None
    costs: Path | None = None
    # planned share of a week's budget per weekday, Monday first (default: flat)
    weekday_weights: tuple[float, ...] | None = None

    _files = field_validator("plan", "costs")(_table_file)

    @field_validator("weekday_weights")
    @classmethod
    def _seven(cls, weights: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if weights is not None and (len(weights) != 7 or min(weights) < 0 or sum(weights) <= 0):
            raise ValueError("give 7 non-negative weights, Monday first, not all zero")
        return weights


class RecommendationSettings(_Strict):
    """How campaigns are judged for pause / scale and how budget is reallocated."""

    confidence: float = Field(0.95, gt=0.5, lt=1)  # one-sided, on the KPI's bound
    judge_days: int = Field(56, ge=14, le=366)  # KPIs judged on the last 8 weeks
    # Days still filling are left out of the judgement: by default every day whose
    # conversions the lag curves say are less than min_completeness in; a number fixes it.
    exclude_recent_days: int | None = Field(None, ge=0, le=90)
    min_completeness: float = Field(0.9, gt=0, le=1)
    pause_margin: float = Field(0.2, ge=0, le=5)  # pause only when the bound misses by 20 %
    max_change: float = Field(0.3, gt=0, le=1)  # scale / reallocate within ±30 % of spend
    curve_grain: Literal["day", "week"] = "week"  # response curves on weekly daily means
    # Response curves, the budget-limited share and the average order value come from the last
    # curve_days days (a year: every season once); older days are not read.
    curve_days: int = Field(365, ge=28, le=3660)
    scenario_change: float = Field(0.2, gt=0, le=1)  # what-if: each channel ±20 %
    # Materiality: a scale or a move is left out (and counted) when its expected effect a day is
    # below min_effect_value in the reporting currency (revenue as is; leads, purchases or
    # clicks valued at the campaign's target cost per conversion) or below min_effect_share of
    # the campaign's current response a day. Pauses are always shown.
    min_effect_value: float = Field(10.0, ge=0)
    min_effect_share: float = Field(0.02, ge=0, lt=1)
    # What lead campaigns are judged on: cpl, or with a CRM connected what their leads became
    # (cost_per_sql, cost_per_won_deal, revenue_roas), on lead dates old enough for that outcome
    # to be min_completeness in (the CRM's own delay curves). Unset: cpl without a CRM,
    # cost_per_sql with one (enough volume for a bound, and mature within days, not weeks).
    lead_goal: Literal["cpl", "cost_per_sql", "cost_per_won_deal", "revenue_roas"] | None = None

    def lead_goal_for(self, crm: bool) -> str:
        """The lead goal in force with (``crm``) or without a CRM connected.

        >>> default = RecommendationSettings()
        >>> default.lead_goal_for(False), default.lead_goal_for(True)
        ('cpl', 'cost_per_sql')
        >>> RecommendationSettings(lead_goal="cost_per_won_deal").lead_goal_for(False)
        'cpl'
        """
        if not crm:
            return "cpl"
        return self.lead_goal or "cost_per_sql"
