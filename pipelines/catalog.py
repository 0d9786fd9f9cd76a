"""The tables the pipeline itself writes: the raw pulls (their key as the API groups them), the
extract log, the revisions each pull saw, the model's input log, the raw experiment data and
the pipeline's state (see :mod:`pipelines.warehouse.catalog`)."""

from __future__ import annotations

from pipelines.sources.crm.store import ERASURES_TABLE
from pipelines.sources.crm.streams import CRM_STREAMS
from pipelines.sources.email.streams import EMAIL_CAMPAIGNS
from pipelines.sources.exposures import GA4_STATS_TABLE, UNITS_TABLE
from pipelines.sources.streams import (
    ADS_AD_GROUP_DAILY,
    ADS_CAMPAIGN_DAILY,
    ADS_CLICK_VIEW,
    ADS_CONVERSION_ACTION_DAILY,
    GA4_KEY_EVENTS_DAILY,
    GA4_SESSIONS_DAILY,
    META_ADSET_DAILY,
)
from pipelines.warehouse.catalog import Table
from pipelines.warehouse.freshness import MODEL_INPUTS_TABLE
from pipelines.warehouse.revisions import REVISIONS_TABLE
from pipelines.warehouse.store import EXTRACTS_TABLE, STATE_TABLE

_ADS = ("date", "customer_id", "campaign_id")
_GA4 = ("date", "property_id", "session_source", "session_medium", "session_campaign_id",
        "session_campaign_name")
LOG_KEY = ("stream", "scope", "date")  # one row per stream, account or property, and day

TABLES = (
    Table(ADS_CAMPAIGN_DAILY.table, _ADS, dated_by="date"),
    Table(ADS_AD_GROUP_DAILY.table, (*_ADS, "ad_group_id"), dated_by="date"),
    Table(ADS_CONVERSION_ACTION_DAILY.table, (*_ADS, "ad_group_id", "conversion_action_id"),
          dated_by="date"),
    # issue 20: gclid (pseudonym) -> campaign, one row per click: dated by the click's day
    Table(ADS_CLICK_VIEW.table, ADS_CLICK_VIEW.key, dated_by="date"),
    Table(GA4_SESSIONS_DAILY.table, _GA4, dated_by="date"),
    Table(GA4_KEY_EVENTS_DAILY.table, (*_GA4, "event_name"), dated_by="date"),
    Table(META_ADSET_DAILY.table, META_ADSET_DAILY.key, dated_by="date"),
    Table(EMAIL_CAMPAIGNS.table, EMAIL_CAMPAIGNS.key, dated_by="send_date"),
    Table(EXTRACTS_TABLE, LOG_KEY, dated_by="date"),
    Table(REVISIONS_TABLE, ("stream", "scope", "key", "date", "measure", "seen_on"),
          dated_by="date"),
    Table(MODEL_INPUTS_TABLE, LOG_KEY, dated_by="date"),
    Table(UNITS_TABLE, ("experiment_id", "unit_id"), dated_by="first_exposure_date"),
    Table(GA4_STATS_TABLE, ("experiment_id", "arm", "metric_id"),
          kept="users per experiment arm from GA4 (aggregates)"),
    Table(STATE_TABLE, ("key",), kept="the rules the derived tables were built with"),
    # issue 20: the CRM's current state (upserted each run; erasures applied as the CRM makes
    # them, so no date cut-off: a contact leaves when it is erased in the CRM)
    *(Table(CRM_STREAMS[s].table, CRM_STREAMS[s].key, kept="the CRM's current state, "
            "erasures applied each run") for s in ("crm_contacts", "crm_deals",
                                                   "crm_contact_deals")),
    Table(ERASURES_TABLE, ("object_type", "record_key"),
          kept="which CRM records were erased (pseudonymous keys, no personal data)"),
)
