"""The CRM in the unified model: the lead-to-revenue facts of ``crm_daily`` (built by
:mod:`kpi.crm.tables`: by lead date and matched campaign) stacked beside the ad platforms' and
GA4's rows, and dimension rows for the CRM's own keys (``crm:<SOURCE>``, ``crm:unknown``: the
leads whose campaign is not known, on their source's channel).

A CRM row sits at the campaign's ``...:-`` (campaign level) ad group: the CRM knows campaigns,
not ad groups. The paid twins (``paid_crm_*``) follow from the key like every paid fact: the
contacts matched to a Google Ads or Meta campaign.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from kpi.model_base import CAMPAIGN_LEVEL, zero_facts
from pipelines.warehouse.freshness import CRM_LOG_TABLE

CRM_TABLE = "crm_daily"  # date, campaign_key, channel, the crm_* facts
__all__ = ["CRM_FACTS", "CRM_LOG_TABLE", "CRM_TABLE", "crm_campaigns", "crm_facts"]
PLATFORM = "crm"
CRM_FACTS = ("crm_leads", "crm_mqls", "crm_sqls", "crm_opportunities", "crm_won_deals",
             "crm_won_revenue", "crm_pipeline_value")


def crm_facts(crm: ir.Table) -> ir.Table:
    """One model row per lead date and campaign (source facts only, zeros elsewhere)."""
    return crm.select(
        date=crm.date, campaign_key=crm.campaign_key,
        ad_group_key=crm.campaign_key + ":" + CAMPAIGN_LEVEL,
        **zero_facts(**{f: crm[f] for f in CRM_FACTS}))


def crm_campaigns(crm: ir.Table) -> ir.Table:
    """Campaign dimension rows for the CRM's own keys (one per day; the caller keeps the
    latest): the source as the name, the source's channel."""
    own = crm.filter(crm.campaign_key.startswith("crm:"))
    source = own.campaign_key.substr(4)
    return own.select(
        campaign_key=own.campaign_key, platform=ibis.literal(PLATFORM), channel=own.channel,
        campaign_id=ibis.null("string"), campaign_name=source + " (CRM)",
        source=ibis.literal("crm"), medium=source.lower(), date=own.date)
