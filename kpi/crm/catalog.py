"""The tables of the lead-to-revenue steps (:mod:`kpi.crm.tables`; see
:mod:`pipelines.warehouse.catalog`), gathered into ``assets/catalog.py``; the README's table
list has a row for each."""

from kpi.crm.tables import COHORTS_TABLE, CURVE_TABLE, MATCH_RATES_TABLE
from kpi.model_crm import CRM_LOG_TABLE, CRM_TABLE
from pipelines.catalog import LOG_KEY
from pipelines.warehouse.catalog import Table

TABLES = (
    Table(CRM_TABLE, ("date", "campaign_key"), dated_by="date"),
    Table(CRM_LOG_TABLE, LOG_KEY, dated_by="date"),
    Table(MATCH_RATES_TABLE, ("match_level",),
          kept="contacts per match level tonight (one row per match level, no personal data)"),
    Table(COHORTS_TABLE, ("lead_week", "level", "channel", "campaign_key"),
          dated_by="lead_week"),
    Table(CURVE_TABLE, ("measure", "age_days"),
          kept="the CRM's lead -> SQL and lead -> won delay curves (refitted every run)"),
)
