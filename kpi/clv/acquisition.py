"""Where each customer came from: the first order's campaign and channel (Ibis).

A first order tagged with a Google Ads or Meta campaign ID that the warehouse knows is acquired
by ``gads:<id>`` or ``meta:<id>`` (its channel from ``dim_campaign``); any other first order by
its UTM source / medium / campaign, ``ga4:<source>/<medium>/<campaign>`` as in the model, its
channel from the configured GA4 rules. The first order is the earliest (ties: the smallest
order ID).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from kpi.model import ModelRules, channel_of_ga4

NOT_SET = "(not set)"


def first_orders(orders: ir.Table) -> ir.Table:
    """One row per customer: the first order's time, date and UTM values."""
    ranked = orders.mutate(_rank=ibis.row_number().over(
        group_by="customer_key", order_by=[orders.ordered_at, orders.order_id]))
    first = ranked.filter(ranked._rank == 0)
    return first.select("customer_key", acquired_at=first.ordered_at,
                        acquired_on=first.order_date,
                        source=first.source.fill_null(NOT_SET),
                        medium=first.medium.fill_null(NOT_SET),
                        campaign=first.campaign.fill_null(NOT_SET),
                        campaign_id=first.campaign_id)


def acquisition(orders: ir.Table, campaigns: ir.Table, rules: ModelRules) -> ir.Table:
    """customer_key, acquired_on, cohort (first day of the month), campaign_key, channel."""
    first = first_orders(orders)

    def platform(name: str, tag: str) -> ir.Table:
        known = campaigns.filter(campaigns.platform == name)
        return known.select(**{f"_{tag}_id": known.campaign_id, f"_{tag}_key": known.campaign_key,
                               f"_{tag}_channel": known.channel})

    ads, meta = platform("google_ads", "ads"), platform("meta_ads", "meta")
    joined = first.left_join(ads, first.campaign_id == ads._ads_id).left_join(
        meta, first.campaign_id == meta._meta_id)
    own_key = "ga4:" + joined.source + "/" + joined.medium + "/" + joined.campaign
    # A Google Ads campaign ID first, then a Meta one (as the model keys GA4 sessions).
    return joined.select(
        "customer_key", "acquired_on",
        cohort=joined.acquired_on.truncate("M"),
        campaign_key=ibis.coalesce(joined._ads_key, joined._meta_key, own_key),
        channel=ibis.coalesce(joined._ads_channel, joined._meta_channel,
                              channel_of_ga4(joined.source, joined.medium, rules)),
    ).order_by("customer_key")
