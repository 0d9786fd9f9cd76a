"""The unified daily campaign model: Google Ads cost and conversions and GA4 sessions and key
events on one set of keys, as additive facts only.

Each source contributes rows at the finest grain it has, and the rows are stacked (not joined):
Ads at ad group (campaign for Performance Max), GA4 at campaign. Summing any set of rows is then
meaningful, and a campaign's row in a roll-up is the outer join of both sources by construction.

Keys: a Google Ads campaign is ``gads:<campaign id>`` whether its facts come from Ads or from GA4
sessions tagged with that campaign ID; other GA4 traffic is ``ga4:<source>/<medium>/<campaign>``.
Ad groups are ``gads:<campaign id>:<ad group id>``; facts known only per campaign sit in the
campaign's ``...:-`` ("campaign level") ad group. Names and channels live in the dimension tables
(latest name wins, so a renamed campaign stays one series).

Paid facts (``paid_leads``, ``paid_purchases``, ``paid_conversions``, ``paid_revenue``) repeat
the conversions of paid campaigns: those of a platform whose cost the model imports (key
``gads:``), whichever source counted them (Ads actions, or GA4 key events under ``ga4``
attribution). Traffic tagged as paid elsewhere (Meta in GA4) has no cost here: not paid.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from kpi.registry import MEASURES

MODEL_TABLE = "campaign_daily"
CAMPAIGN_DIM = "dim_campaign"
AD_GROUP_DIM = "dim_ad_group"
CAMPAIGN_LEVEL = "-"
CAMPAIGN_LEVEL_NAME = "(campaign level)"
FACTS: tuple[str, ...] = tuple(MEASURES)
PAID_FACTS: dict[str, str] = {m.id: m.paid_of for m in MEASURES.values() if m.paid_of}
SOURCE_FACTS: tuple[str, ...] = tuple(f for f in FACTS if f not in PAID_FACTS)
PAID_PREFIXES: tuple[str, ...] = ("gads:",)  # campaign keys of platforms whose cost is imported


@dataclass(frozen=True)
class ModelRules:
    """What the model needs from the configuration, as plain values."""

    reporting_currency: str
    fx_rates: Mapping[str, float]
    lead_actions: Sequence[str]  # Ads conversion action names or IDs
    purchase_actions: Sequence[str]
    lead_events: Sequence[str]  # GA4 event names
    purchase_events: Sequence[str]
    attribution: str  # "ads" | "ga4"
    ads_channel_types: Mapping[str, str]
    ga4_rules: Sequence[tuple[str, str, str]]  # (channel, source regex, medium regex)
    other_channel: str = "Other"

    def fingerprint(self) -> str:
        """A short hash of every rule and of the model's shape (its facts, what counts as paid):
        when it changes, the model's history must be rebuilt."""
        shape = {"facts": FACTS, "paid": PAID_FACTS, "paid_prefixes": PAID_PREFIXES}
        payload = json.dumps({**dataclasses.asdict(self), "model": shape}, sort_keys=True,
                             default=list)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def rate(self, currency: str) -> float:
        """Reporting-currency units per unit of ``currency``."""
        if currency == self.reporting_currency:
            return 1.0
        if currency not in self.fx_rates:
            raise ValueError(
                f"no exchange rate from {currency} to {self.reporting_currency}: "
                f"add reporting.fx_rates.{currency} to the configuration"
            )
        return float(self.fx_rates[currency])


def to_reporting(amount: ir.FloatingValue, currency: ir.StringValue, rules: ModelRules,
                  currencies: Sequence[str]) -> ir.FloatingValue:
    cases = [(currency == code, amount * rules.rate(code)) for code in currencies]
    return ibis.cases(*cases, else_=ibis.null("float64")) if cases else amount


EXACT = ibis.dtype("decimal(38, 9)")  # BigQuery's NUMERIC; DuckDB and Spark add it exactly


def exact_sum(value: ir.NumericValue) -> ir.FloatingValue:
    """The sum of ``value`` added as DECIMAL(38, 9), then float64: floating-point addition
    depends on the order rows arrive in (which a parallel engine does not fix), so re-running
    the same window could change the last bits; decimal addition does not."""
    return value.cast(EXACT).sum().cast("float64")


def _zero_facts(**given: ir.Value) -> dict[str, ir.Value]:
    """All source fact columns, with the given ones and zeros elsewhere (so branches stack)."""
    return {f: given.get(f, ibis.literal(0.0)).cast("float64") for f in SOURCE_FACTS}


def is_paid(campaign_key: ir.StringValue) -> ir.BooleanValue:
    """Whether a campaign key belongs to a platform whose cost the model imports."""
    return ibis.or_(*[campaign_key.startswith(p) for p in PAID_PREFIXES])


def with_paid_facts(facts: ir.Table) -> ir.Table:
    """``facts`` (one campaign per row) with every paid fact: its source fact where the
    campaign is paid, else 0."""
    paid = is_paid(facts.campaign_key)
    return facts.mutate(**{p: ibis.ifelse(paid, facts[f], 0.0) for p, f in PAID_FACTS.items()})


def _in(column: ir.StringValue, values: Sequence[str]) -> ir.BooleanValue:
    return column.isin(list(values)) if values else ibis.literal(False)


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
        **_zero_facts(
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
        **_zero_facts(
            impressions=remainder.impressions,
            clicks=remainder.clicks,
            cost=to_reporting(remainder.cost_micros / 1e6, remainder.currency_code,
                               rules, currencies),
        ),
    )
    counted = rules.attribution == "ads"
    is_lead = _in(actions.conversion_action_name, rules.lead_actions) | _in(
        actions.conversion_action_id, rules.lead_actions)
    # An action listed as a lead by name and as a purchase by ID (or the reverse) counts once.
    is_purchase = (_in(actions.conversion_action_name, rules.purchase_actions) | _in(
        actions.conversion_action_id, rules.purchase_actions)) & ~is_lead
    leads = ibis.ifelse(is_lead, actions.conversions, 0.0) if counted else ibis.literal(0.0)
    purchases = ibis.ifelse(is_purchase, actions.conversions, 0.0) if counted else ibis.literal(0.0)
    revenue = (
        ibis.ifelse(is_purchase, to_reporting(actions.conversions_value, actions.currency_code,
                                               rules, currencies), 0.0)
        if counted else ibis.literal(0.0)
    )
    action_key = "gads:" + actions.campaign_id
    conversions = actions.select(
        date=actions.date,
        campaign_key=action_key,
        ad_group_key=action_key + ":" + actions.ad_group_id.fill_null(CAMPAIGN_LEVEL),
        **_zero_facts(leads=leads, purchases=purchases, conversions=leads + purchases,
                      revenue=revenue),
    )
    return delivery.union(campaign_delivery).union(conversions)


def ga4_campaign_key(source: ir.StringValue, medium: ir.StringValue, campaign_id: ir.StringValue,
                     campaign_name: ir.StringValue, ads_ids: ir.Table) -> ir.StringValue:
    """``gads:<id>`` for sessions tagged with a known Ads campaign ID, else source/medium/name."""
    is_ads = campaign_id.isin(ads_ids.campaign_id)
    return ibis.ifelse(
        is_ads, "gads:" + campaign_id, "ga4:" + source + "/" + medium + "/" + campaign_name
    )


def ga4_facts(sessions: ir.Table, events: ir.Table, ads_ids: ir.Table, rules: ModelRules,
              currencies: Sequence[str]) -> ir.Table:
    """GA4 sessions and key events at campaign grain, on the same keys as Ads."""
    s_key = ga4_campaign_key(sessions.session_source, sessions.session_medium,
                             sessions.session_campaign_id, sessions.session_campaign_name, ads_ids)
    traffic = sessions.select(
        date=sessions.date,
        campaign_key=s_key,
        ad_group_key=s_key + ":" + CAMPAIGN_LEVEL,
        **_zero_facts(sessions=sessions.sessions, engaged_sessions=sessions.engaged_sessions),
    )
    e_key = ga4_campaign_key(events.session_source, events.session_medium,
                             events.session_campaign_id, events.session_campaign_name, ads_ids)
    # Under "ads" attribution, Ads campaigns count their own conversions: skip GA4's for them.
    counted = ~e_key.startswith("gads:") if rules.attribution == "ads" else ibis.literal(True)
    is_lead = _in(events.event_name, rules.lead_events) & counted
    is_purchase = _in(events.event_name, rules.purchase_events) & counted
    leads = ibis.ifelse(is_lead, events.key_events, 0.0)
    purchases = ibis.ifelse(is_purchase, events.key_events, 0.0)
    revenue = ibis.ifelse(
        is_purchase, to_reporting(events.event_value, events.currency_code, rules, currencies),
        0.0)
    key_events = events.select(
        date=events.date,
        campaign_key=e_key,
        ad_group_key=e_key + ":" + CAMPAIGN_LEVEL,
        **_zero_facts(leads=leads, purchases=purchases, conversions=leads + purchases,
                      revenue=revenue),
    )
    return traffic.union(key_events)


def campaign_daily(raw: Mapping[str, ir.Table], rules: ModelRules, currencies: Sequence[str],
                   start: object, end: object) -> ir.Table:
    """The model rows for dates in [start, end]: one row per date x campaign key x ad group key.

    ``raw`` maps stream names to their raw tables; ``currencies`` are the currency codes present
    (each must be the reporting currency or have an FX rate, else ``ValueError``).
    """
    for code in currencies:
        rules.rate(code)

    def window(t: ir.Table) -> ir.Table:
        return t.filter(t.date.between(start, end))

    ads_ids = raw["ads_campaign_daily"].select("campaign_id").distinct()
    stacked = ads_facts(
        window(raw["ads_campaign_daily"]), window(raw["ads_ad_group_daily"]),
        window(raw["ads_conversion_action_daily"]), rules, currencies,
    ).union(
        ga4_facts(window(raw["ga4_sessions_daily"]), window(raw["ga4_key_events_daily"]),
                  ads_ids, rules, currencies)
    )
    grouped = stacked.group_by(["date", "campaign_key", "ad_group_key"]).aggregate(
        **{f: exact_sum(stacked[f]) for f in SOURCE_FACTS}
    )
    return with_paid_facts(grouped).mutate(
        currency=ibis.literal(rules.reporting_currency)).order_by(
        ["date", "campaign_key", "ad_group_key"]
    )


def channel_of_ga4(source: ir.StringValue, medium: ir.StringValue,
                    rules: ModelRules) -> ir.StringValue:
    cases = [
        (source.re_search(src) & medium.re_search(med), ibis.literal(channel))
        for channel, src, med in rules.ga4_rules
    ]
    return ibis.cases(*cases, else_=ibis.literal(rules.other_channel))


def campaign_dimension(raw: Mapping[str, ir.Table], rules: ModelRules) -> ir.Table:
    """One row per campaign key: platform, channel, latest name, first and last date seen."""
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
    ads_ids = c.select("campaign_id").distinct()
    ga4 = s.filter(~s.session_campaign_id.isin(ads_ids.campaign_id)).select(
        campaign_key=ga4_campaign_key(s.session_source, s.session_medium, s.session_campaign_id,
                                      s.session_campaign_name, ads_ids),
        platform=ibis.literal("ga4"), channel=channel_of_ga4(s.session_source, s.session_medium,
                                                              rules),
        campaign_id=s.session_campaign_id, campaign_name=s.session_campaign_name,
        source=s.session_source, medium=s.session_medium, date=s.date,
    )
    both = ads.union(ga4)
    latest = ibis.window(group_by="campaign_key", order_by=ibis.desc("date"))
    ranked = both.mutate(_rank=ibis.row_number().over(latest),
                         first_date=both.date.min().over(group_by="campaign_key"),
                         last_date=both.date.max().over(group_by="campaign_key"))
    return ranked.filter(ranked._rank == 0).drop("_rank", "date").order_by("campaign_key")


def ad_group_dimension(raw: Mapping[str, ir.Table], campaigns: ir.Table) -> ir.Table:
    """One row per ad group key, with the latest name; a campaign-level row for every campaign."""
    g = raw["ads_ad_group_daily"]
    named = g.select(
        ad_group_key="gads:" + g.campaign_id + ":" + g.ad_group_id,
        campaign_key="gads:" + g.campaign_id, ad_group_id=g.ad_group_id,
        ad_group_name=g.ad_group_name, date=g.date,
    )
    latest = ibis.window(group_by="ad_group_key", order_by=ibis.desc("date"))
    groups = named.mutate(_rank=ibis.row_number().over(latest))
    groups = groups.filter(groups._rank == 0).drop("_rank", "date")
    level = campaigns.select(
        ad_group_key=campaigns.campaign_key + ":" + CAMPAIGN_LEVEL,
        campaign_key=campaigns.campaign_key, ad_group_id=ibis.null("string"),
        ad_group_name=ibis.literal(CAMPAIGN_LEVEL_NAME),
    )
    return groups.union(level).order_by("ad_group_key")


def currency_codes(raw: Mapping[str, ir.Table]) -> ir.Table:
    """The distinct currency codes across all raw tables (each needs an FX rate or to be the
    reporting currency)."""
    codes = [t.select("currency_code").distinct() for t in raw.values()]
    return ibis.union(*codes, distinct=True)
