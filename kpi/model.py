"""The unified daily campaign model: Google Ads and Meta Ads cost and conversions and GA4
sessions and key events on one set of keys, as additive facts only.

Each source contributes rows at the finest grain it has, and the rows are stacked (not joined):
Google Ads at ad group (campaign for Performance Max), Meta at ad set, GA4 at campaign. Summing
any set of rows is then meaningful, and a campaign's row in a roll-up is the outer join of the
sources by construction.

Keys: a Google Ads campaign is ``gads:<campaign id>`` and a Meta campaign ``meta:<campaign id>``
whether its facts come from the ad platform or from GA4 sessions tagged with that campaign ID
(Google Ads IDs are matched first, then Meta's); other GA4 traffic is
``ga4:<source>/<medium>/<campaign>``. Ad groups are ``gads:<campaign id>:<ad group id>`` and
``meta:<campaign id>:<ad set id>``; facts known only per campaign sit in the campaign's
``...:-`` ("campaign level") ad group. Names and channels live in the dimension tables (latest
name wins, so a renamed campaign stays one series).

Paid facts (``paid_leads``, ``paid_purchases``, ``paid_conversions``, ``paid_revenue``) repeat
the conversions of paid campaigns: those of a platform whose cost the model imports (keys
``gads:`` and ``meta:``), whichever source counted them (the ad platform's own conversions, or
GA4 key events under ``ga4`` attribution). Whatever the attribution choice, paid campaigns also
keep both views: ``platform_conversions`` / ``platform_revenue`` (what Google Ads and Meta
report) and ``ga4_conversions`` / ``ga4_revenue`` (GA4's lead and purchase key events on their
sessions); both are 0 on other campaigns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ibis
import ibis.expr.types as ir

from kpi.model_base import (
    AD_GROUP_DIM,
    CAMPAIGN_DIM,
    CAMPAIGN_LEVEL,
    CAMPAIGN_LEVEL_NAME,
    EXACT,
    FACTS,
    MODEL_TABLE,
    PAID_FACTS,
    PAID_PREFIXES,
    PAID_SOURCE_KEYS,
    SOURCE_FACTS,
    ModelRules,
    among,
    exact_sum,
    is_paid,
    latest,
    to_reporting,
    with_paid_facts,
    zero_facts,
)
from kpi.model_crm import crm_campaigns, crm_facts
from kpi.model_meta import meta_ad_sets, meta_campaigns, meta_facts

__all__ = [
    "AD_GROUP_DIM", "CAMPAIGN_DIM", "CAMPAIGN_LEVEL", "CAMPAIGN_LEVEL_NAME", "EXACT", "FACTS",
    "MODEL_TABLE", "PAID_FACTS", "PAID_PREFIXES", "PAID_SOURCE_KEYS", "SOURCE_FACTS", "ModelRules",
    "ad_group_dimension", "ads_facts", "campaign_daily", "campaign_dimension", "channel_of_ga4",
    "currency_codes", "exact_sum", "ga4_campaign_key", "ga4_facts", "is_paid", "meta_facts",
    "platform_ids", "to_reporting", "with_paid_facts",
]


def ads_facts(campaign: ir.Table, ad_group: ir.Table, actions: ir.Table, rules: ModelRules,
              currencies: Sequence[str]) -> ir.Table:
    """Ads delivery (ad group grain, plus a campaign-level row for whatever the campaign's own
    totals hold beyond its ad groups, e.g. all of Performance Max) stacked with conversions by
    action, counted as leads and purchases per ``rules``."""
    campaign_key = "gads:" + ad_group.campaign_id
    delivery = ad_group.select(
        date=ad_group.date,
        campaign_key=campaign_key,
        ad_group_key=campaign_key + ":" + ad_group.ad_group_id,
        **zero_facts(
            impressions=ad_group.impressions,
            clicks=ad_group.clicks,
            cost=to_reporting(ad_group.cost_micros / 1e6, ad_group.currency_code, rules,
                               currencies),
        ),
    )
    # Campaign totals are authoritative (Performance Max has no ad groups; all-zero ad group
    # rows are not returned): whatever the ad groups do not account for sits at campaign level.
    keys = ["date", "customer_id", "campaign_id"]
    delivered = ("impressions", "clicks", "cost_micros")
    group_sums = ad_group.group_by(keys).aggregate(
        **{f"g_{m}": ad_group[m].sum() for m in delivered})
    joined = campaign.left_join(group_sums, keys)
    rest = {m: joined[m] - joined[f"g_{m}"].fill_null(0) for m in delivered}
    remainder = joined.select(
        date=joined.date, campaign_id=joined.campaign_id, currency_code=joined.currency_code,
        **rest,
    )
    remainder = remainder.filter(ibis.or_(*[remainder[m] != 0 for m in delivered]))
    campaign_key_c = "gads:" + remainder.campaign_id
    campaign_delivery = remainder.select(
        date=remainder.date,
        campaign_key=campaign_key_c,
        ad_group_key=campaign_key_c + ":" + CAMPAIGN_LEVEL,
        **zero_facts(
            impressions=remainder.impressions,
            clicks=remainder.clicks,
            cost=to_reporting(remainder.cost_micros / 1e6, remainder.currency_code,
                               rules, currencies),
        ),
    )
    is_lead = among(actions.conversion_action_name, rules.lead_actions) | among(
        actions.conversion_action_id, rules.lead_actions)
    # An action listed as a lead by name and as a purchase by ID (or the reverse) counts once.
    is_purchase = (among(actions.conversion_action_name, rules.purchase_actions) | among(
        actions.conversion_action_id, rules.purchase_actions)) & ~is_lead
    leads = ibis.ifelse(is_lead, actions.conversions, 0.0)
    purchases = ibis.ifelse(is_purchase, actions.conversions, 0.0)
    revenue = ibis.ifelse(is_purchase, to_reporting(actions.conversions_value,
                                                    actions.currency_code, rules, currencies), 0.0)
    # What Google Ads claims is always kept; it is the model's conversions under "ads" only.
    zero = ibis.literal(0.0)
    counted = rules.attribution == "ads"
    action_key = "gads:" + actions.campaign_id
    conversions = actions.select(
        date=actions.date,
        campaign_key=action_key,
        ad_group_key=action_key + ":" + actions.ad_group_id.fill_null(CAMPAIGN_LEVEL),
        **zero_facts(leads=leads if counted else zero,
                     purchases=purchases if counted else zero,
                     conversions=leads + purchases if counted else zero,
                     revenue=revenue if counted else zero,
                     platform_conversions=leads + purchases, platform_revenue=revenue),
    )
    return delivery.union(campaign_delivery).union(conversions)


def ga4_campaign_key(source: ir.StringValue, medium: ir.StringValue, campaign_id: ir.StringValue,
                     campaign_name: ir.StringValue, ads_ids: ir.Table,
                     meta_ids: ir.Table | None = None) -> ir.StringValue:
    """``gads:<id>`` for sessions tagged with a known Google Ads campaign ID, else ``meta:<id>``
    for a known Meta campaign ID, else ``ga4:<source>/<medium>/<name>``."""
    cases = [(campaign_id.isin(ads_ids.campaign_id), "gads:" + campaign_id)]
    if meta_ids is not None:
        cases.append((campaign_id.isin(meta_ids.campaign_id), "meta:" + campaign_id))
    return ibis.cases(*cases, else_="ga4:" + source + "/" + medium + "/" + campaign_name)


def ga4_facts(sessions: ir.Table, events: ir.Table, ads_ids: ir.Table, rules: ModelRules,
              currencies: Sequence[str], meta_ids: ir.Table | None = None) -> ir.Table:
    """GA4 sessions and key events at campaign grain, on the same keys as the ad platforms."""
    s_key = ga4_campaign_key(sessions.session_source, sessions.session_medium,
                             sessions.session_campaign_id, sessions.session_campaign_name,
                             ads_ids, meta_ids)
    traffic = sessions.select(
        date=sessions.date,
        campaign_key=s_key,
        ad_group_key=s_key + ":" + CAMPAIGN_LEVEL,
        **zero_facts(sessions=sessions.sessions, engaged_sessions=sessions.engaged_sessions),
    )
    e_key = ga4_campaign_key(events.session_source, events.session_medium,
                             events.session_campaign_id, events.session_campaign_name, ads_ids,
                             meta_ids)
    paid = is_paid(e_key)
    # Under "ads" attribution, paid campaigns count their platform's conversions: skip GA4's.
    counted = ~paid if rules.attribution == "ads" else ibis.literal(True)
    is_lead = among(events.event_name, rules.lead_events)
    is_purchase = among(events.event_name, rules.purchase_events)
    leads = ibis.ifelse(is_lead, events.key_events, 0.0)
    purchases = ibis.ifelse(is_purchase, events.key_events, 0.0)
    revenue = ibis.ifelse(
        is_purchase, to_reporting(events.event_value, events.currency_code, rules, currencies),
        0.0)
    zero = ibis.literal(0.0)
    key_events = events.select(
        date=events.date,
        campaign_key=e_key,
        ad_group_key=e_key + ":" + CAMPAIGN_LEVEL,
        **zero_facts(leads=ibis.ifelse(counted, leads, zero),
                     purchases=ibis.ifelse(counted, purchases, zero),
                     conversions=ibis.ifelse(counted, leads + purchases, zero),
                     revenue=ibis.ifelse(counted, revenue, zero),
                     ga4_conversions=ibis.ifelse(paid, leads + purchases, zero),
                     ga4_revenue=ibis.ifelse(paid, revenue, zero)),
    )
    return traffic.union(key_events)


def platform_ids(raw: Mapping[str, ir.Table]) -> tuple[ir.Table, ir.Table]:
    """The campaign IDs Google Ads and Meta know (a ``campaign_id`` column each), whatever the
    dates: GA4 sessions tagged with one of them belong to that platform's campaign."""
    return (raw["ads_campaign_daily"].select("campaign_id").distinct(),
            raw["meta_adset_daily"].select("campaign_id").distinct())


def campaign_daily(raw: Mapping[str, ir.Table], rules: ModelRules, currencies: Sequence[str],
                   start: object, end: object, crm: ir.Table | None = None) -> ir.Table:
    """The model rows for dates in [start, end]: one row per date x campaign key x ad group key.

    ``raw`` maps stream names to their raw tables; ``currencies`` are the currency codes present
    (each must be the reporting currency or have an FX rate, else ``ValueError``); ``crm``, the
    CRM's facts by lead date (``crm_daily``, :mod:`kpi.model_crm`), when a CRM is connected.
    """
    for code in currencies:
        rules.rate(code)

    def window(t: ir.Table) -> ir.Table:
        return t.filter(t.date.between(start, end))

    ads_ids, meta_ids = platform_ids(raw)
    parts = [
        ads_facts(window(raw["ads_campaign_daily"]), window(raw["ads_ad_group_daily"]),
                  window(raw["ads_conversion_action_daily"]), rules, currencies),
        meta_facts(window(raw["meta_adset_daily"]), rules, currencies),
        ga4_facts(window(raw["ga4_sessions_daily"]), window(raw["ga4_key_events_daily"]),
                  ads_ids, rules, currencies, meta_ids),
    ]
    if crm is not None:
        parts.append(crm_facts(window(crm)))
    stacked = ibis.union(*parts)
    grouped = stacked.group_by(["date", "campaign_key", "ad_group_key"]).aggregate(
        **{f: exact_sum(stacked[f]) for f in SOURCE_FACTS}
    )
    keyed = with_paid_facts(grouped).mutate(currency=ibis.literal(rules.reporting_currency))
    return keyed.select("date", "campaign_key", "ad_group_key", *FACTS, "currency").order_by(
        ["date", "campaign_key", "ad_group_key"]
    )


def channel_of_ga4(source: ir.StringValue, medium: ir.StringValue,
                    rules: ModelRules) -> ir.StringValue:
    cases = [
        (source.re_search(src) & medium.re_search(med), ibis.literal(channel))
        for channel, src, med in rules.ga4_rules
    ]
    return ibis.cases(*cases, else_=ibis.literal(rules.other_channel))


def campaign_dimension(raw: Mapping[str, ir.Table], rules: ModelRules,
                       crm: ir.Table | None = None) -> ir.Table:
    """One row per campaign key: platform, channel, latest name, first and last date seen
    (``crm``: the CRM's own keys too, :func:`kpi.model_crm.crm_campaigns`)."""
    c = raw["ads_campaign_daily"]
    ads_channel = ibis.cases(
        *[(c.channel_type == t, ibis.literal(ch)) for t, ch in rules.ads_channel_types.items()],
        else_=ibis.literal(rules.other_channel),
    )
    ads = c.select(
        campaign_key="gads:" + c.campaign_id, platform=ibis.literal("google_ads"),
        channel=ads_channel, campaign_id=c.campaign_id, campaign_name=c.campaign_name,
        source=ibis.literal("google"), medium=ibis.literal("cpc"), date=c.date,
    )
    s = raw["ga4_sessions_daily"]
    ads_ids, meta_ids = platform_ids(raw)
    # Sessions tagged with an ad platform's campaign ID are that campaign, not one of their own.
    own = ~s.session_campaign_id.isin(ads_ids.campaign_id) & ~s.session_campaign_id.isin(
        meta_ids.campaign_id)
    ga4 = s.filter(own).select(
        campaign_key=ga4_campaign_key(s.session_source, s.session_medium, s.session_campaign_id,
                                      s.session_campaign_name, ads_ids),
        platform=ibis.literal("ga4"), channel=channel_of_ga4(s.session_source, s.session_medium,
                                                              rules),
        campaign_id=s.session_campaign_id, campaign_name=s.session_campaign_name,
        source=s.session_source, medium=s.session_medium, date=s.date,
    )
    parts = [ads, meta_campaigns(raw["meta_adset_daily"], rules), ga4]
    if crm is not None:
        parts.append(crm_campaigns(crm))
    every = ibis.union(*parts)
    newest = ibis.window(group_by="campaign_key", order_by=ibis.desc("date"))
    ranked = every.mutate(_rank=ibis.row_number().over(newest),
                          first_date=every.date.min().over(group_by="campaign_key"),
                          last_date=every.date.max().over(group_by="campaign_key"))
    return ranked.filter(ranked._rank == 0).drop("_rank", "date").order_by("campaign_key")


def ad_group_dimension(raw: Mapping[str, ir.Table], campaigns: ir.Table) -> ir.Table:
    """One row per ad group key (Google Ads ad groups, Meta ad sets), with the latest name; a
    campaign-level row for every campaign."""
    g = raw["ads_ad_group_daily"]
    named = g.select(
        ad_group_key="gads:" + g.campaign_id + ":" + g.ad_group_id,
        campaign_key="gads:" + g.campaign_id, ad_group_id=g.ad_group_id,
        ad_group_name=g.ad_group_name, date=g.date,
    )
    level = campaigns.select(
        ad_group_key=campaigns.campaign_key + ":" + CAMPAIGN_LEVEL,
        campaign_key=campaigns.campaign_key, ad_group_id=ibis.null("string"),
        ad_group_name=ibis.literal(CAMPAIGN_LEVEL_NAME),
    )
    return ibis.union(latest(named, "ad_group_key"), meta_ad_sets(raw["meta_adset_daily"]),
                      level).order_by("ad_group_key")


def currency_codes(raw: Mapping[str, ir.Table]) -> ir.Table:
    """The distinct currency codes across all raw tables (each needs an FX rate or to be the
    reporting currency)."""
    codes = [t.select("currency_code").distinct() for t in raw.values()]
    return ibis.union(*codes, distinct=True)
