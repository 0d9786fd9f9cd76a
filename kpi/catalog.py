"""The tables the KPI steps write: the unified model and its dimensions, the roll-ups and KPI
values, what they were built from, the lag curves, the nowcasts and the anomaly alerts (see
:mod:`pipelines.warehouse.catalog`)."""

from __future__ import annotations

from kpi.alerts.store import ALERTS_TABLE
from kpi.model import AD_GROUP_DIM, CAMPAIGN_DIM, MODEL_TABLE
from kpi.nowcast_tables import CURVES_TABLE, NOWCAST_TABLE
from kpi.rollup import ROLLUP_TABLE, VALUES_TABLE
from kpi.rollup_update import DIMENSIONS_TABLE, INPUTS_TABLE
from pipelines.catalog import LOG_KEY
from pipelines.warehouse.catalog import Table

SERIES = ("grain", "level", "period_start", "series_key")

TABLES = (
    Table(MODEL_TABLE, ("date", "campaign_key", "ad_group_key"), dated_by="date"),
    Table(CAMPAIGN_DIM, ("campaign_key",),
          kept="campaign names and ids (first_date and last_date: when each was seen)"),
    Table(AD_GROUP_DIM, ("ad_group_key",), kept="ad group names and ids"),
    Table(ROLLUP_TABLE, SERIES, dated_by="period_start"),
    Table(VALUES_TABLE, (*SERIES, "metric"), dated_by="period_start"),
    Table(NOWCAST_TABLE, (*SERIES, "metric"), dated_by="period_start"),
    # the model inputs the KPI tables were built from, and the channels and names they carry
    Table(INPUTS_TABLE, LOG_KEY, dated_by="date"),
    Table(DIMENSIONS_TABLE, ("kind", "key"),
          kept="the channel and name of each campaign and ad group key as the KPI tables carry "
               "them (to see renames)"),
    Table(CURVES_TABLE, ("source", "measure", "age"),
          kept="chain-ladder factors per source, measure and age (refitted every run)"),
    # anomaly alerts: opened, updated, closed; dated by the anomaly's first day
    Table(ALERTS_TABLE, ("alert_id",), dated_by="since"),
)
