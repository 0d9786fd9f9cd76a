"""What one monthly steering report reads: the warehouse frames, the month and the settings.

>>> from pipelines.months import CalendarMonth
>>> MonthlyInputs(CalendarMonth(2026, 11), pd.DataFrame()).month.label
'2026-11'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from dashboards.report_inputs import Definitions
from pipelines.months import CalendarMonth


@dataclass(frozen=True)
class MonthlyInputs:
    """Everything one monthly report reads; frames are the warehouse tables (empty when
    absent)."""

    month: CalendarMonth
    values: pd.DataFrame  # kpi_values, grain month, levels total / channel / campaign
    nowcast: pd.DataFrame = field(default_factory=pd.DataFrame)  # kpi_nowcast, same rows
    compare: str = "nowcast"  # or "same_age" (kpi.maturity)
    pacing: pd.DataFrame = field(default_factory=pd.DataFrame)  # budget_pacing
    scenarios: pd.DataFrame = field(default_factory=pd.DataFrame)  # budget_scenarios
    recommendations: pd.DataFrame = field(default_factory=pd.DataFrame)  # the decisions
    experiments: pd.DataFrame = field(default_factory=pd.DataFrame)  # experiment_results
    definitions: Definitions = field(default_factory=Definitions)
    account: str = ""
    currency: str = "EUR"
    time_zone: str = "Europe/Brussels"
    history_start: dt.date | None = None
    data_end: dt.date | None = None  # the last day with data (default: the month's end)
    goals: pd.DataFrame = field(default_factory=pd.DataFrame)  # goal_progress
    risks: pd.DataFrame = field(default_factory=pd.DataFrame)  # risk_register
