"""What one weekly report reads: the warehouse frames, the week and the account's settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboards.attribution import Attribution
from kpi.weekly import IsoWeek


@dataclass(frozen=True)
class Definitions:
    """What counts as a lead and a purchase, and which source attributes conversions.

    ``meta_windows``: Meta's attribution windows (empty: Meta Ads is not connected), with the
    Meta action types counted as leads and purchases."""

    lead_actions: tuple[str, ...] = ()
    lead_events: tuple[str, ...] = ()
    purchase_actions: tuple[str, ...] = ()
    purchase_events: tuple[str, ...] = ()
    attribution: str = "ads"  # "ads" or "ga4"
    meta_windows: tuple[str, ...] = ()
    meta_lead_actions: tuple[str, ...] = ()
    meta_purchase_actions: tuple[str, ...] = ()

    @property
    def stated(self) -> Attribution:
        """The attribution choice as every page and the report state it."""
        return Attribution(self.attribution, self.meta_windows)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ReportInputs:
    """Everything one report reads; frames are the warehouse tables (empty when absent)."""

    week: IsoWeek
    values: pd.DataFrame  # kpi_values, grain week, levels total / channel / campaign
    nowcast: pd.DataFrame = field(default_factory=pd.DataFrame)  # kpi_nowcast, same rows
    compare: str = "nowcast"  # or "same_age": how the newest week is judged (kpi.maturity)
    recommendations: pd.DataFrame = field(default_factory=pd.DataFrame)
    experiments: pd.DataFrame = field(default_factory=pd.DataFrame)  # experiment_results
    pacing: pd.DataFrame = field(default_factory=pd.DataFrame)  # budget_pacing
    extracts: pd.DataFrame = field(default_factory=pd.DataFrame)  # raw_extracts
    checks: Sequence[Mapping[str, Any]] = ()
    runs: Sequence[Mapping[str, Any]] = ()
    provisional_since: Mapping[str, dt.date | None] = field(default_factory=dict)
    definitions: Definitions = Definitions()
    account: str = ""
    currency: str = "EUR"
    time_zone: str = "Europe/Brussels"
    data_end: dt.date | None = None  # the last day with data (default: the week's end)
    # The newsletters' sends with their KPIs (kpi.email.kpis.per_send); None: no e-mail tool.
    email: pd.DataFrame | None = None
    goals: pd.DataFrame = field(default_factory=pd.DataFrame)  # goal_progress
    risks: pd.DataFrame = field(default_factory=pd.DataFrame)  # risk_register
