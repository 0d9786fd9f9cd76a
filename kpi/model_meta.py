"""Meta Ads (Facebook and Instagram) in the unified model: facts, campaigns and ad sets from
``raw_meta_adset_daily``.

Keys: a campaign is ``meta:<campaign id>``, an ad set (Meta's ad-group grain) is
``meta:<campaign id>:<ad set id>``. Clicks are link clicks (to the advertiser's site, what a
Google Ads click means; Meta's "all clicks" include likes and expands); cost is spend converted
to the reporting currency. The leads and purchases Meta reports (the configured action types
over the stored ``attribution_setting``) are the model's conversions only under ``ads``
attribution, and always its ``platform_*`` facts.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from kpi.model_base import ModelRules, latest, to_reporting, zero_facts

PREFIX = "meta:"
PLATFORM = "meta_ads"


def meta_facts(meta: ir.Table, rules: ModelRules, currencies: Sequence[str]) -> ir.Table:
    """One model row per day and ad set (source facts only, zeros where Meta has none)."""
    key = PREFIX + meta.campaign_id
    leads, purchases = meta.leads, meta.purchases
    revenue = to_reporting(meta.purchase_value, meta.currency_code, rules, currencies)
    zero = ibis.literal(0.0)
    counted = rules.attribution == "ads"
    return meta.select(
        date=meta.date,
        campaign_key=key,
        ad_group_key=key + ":" + meta.adset_id,
        **zero_facts(
            impressions=meta.impressions,
            clicks=meta.link_clicks,
            cost=to_reporting(meta.spend, meta.currency_code, rules, currencies),
            leads=leads if counted else zero,
            purchases=purchases if counted else zero,
            conversions=leads + purchases if counted else zero,
            revenue=revenue if counted else zero,
            platform_conversions=leads + purchases,
            platform_revenue=revenue,
        ),
    )


def meta_campaigns(meta: ir.Table, rules: ModelRules) -> ir.Table:
    """Campaign dimension rows (one per day and ad set; the caller keeps the latest)."""
    return meta.select(
        campaign_key=PREFIX + meta.campaign_id, platform=ibis.literal(PLATFORM),
        channel=ibis.literal(rules.meta_channel), campaign_id=meta.campaign_id,
        campaign_name=meta.campaign_name, source=ibis.literal("facebook"),
        medium=ibis.literal("paid_social"), date=meta.date,
    )


def meta_ad_sets(meta: ir.Table) -> ir.Table:
    """One ad group dimension row per ad set, with its latest name."""
    campaign_key = PREFIX + meta.campaign_id
    named = meta.select(
        ad_group_key=campaign_key + ":" + meta.adset_id, campaign_key=campaign_key,
        ad_group_id=meta.adset_id, ad_group_name=meta.adset_name, date=meta.date,
    )
    return latest(named, "ad_group_key")
