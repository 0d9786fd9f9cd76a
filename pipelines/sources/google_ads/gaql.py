"""The GAQL queries that fill each Ads stream, and how a GoogleAdsRow becomes a stream row.

>>> query = queries("ads_campaign_daily", Window(dt.date(2026, 3, 1), dt.date(2026, 3, 2)))[0]
>>> query.split(" FROM ")[1]
"campaign WHERE segments.date BETWEEN '2026-03-01' AND '2026-03-02'"
>>> [q.split(" WHERE ")[1] for q in queries("ads_click_view", Window(dt.date(2026, 3, 1),
...                                                                    dt.date(2026, 3, 2)))]
["segments.date = '2026-03-01'", "segments.date = '2026-03-02'"]

``click_view`` answers one day per query and only the last 90 days (see
:data:`CLICK_VIEW_DAYS`); its rows carry the raw gclid, which the source pseudonymises before
anything else sees the frame.

Only constant field lists and ISO dates formatted from ``datetime.date`` objects go into a
query; no configuration or user string does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pipelines.sources.base import Window

_ACCOUNT = "segments.date, customer.id, customer.currency_code, customer.time_zone"
_METRICS = ("metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions, "
            "metrics.conversions_value")
_ACTION = ("segments.conversion_action, segments.conversion_action_name, "
           "segments.conversion_action_category, metrics.conversions, metrics.conversions_value")

_TEMPLATES: dict[str, tuple[str, ...]] = {
    "ads_campaign_daily": (
        f"SELECT {_ACCOUNT}, campaign.id, campaign.name, campaign.status, "
        f"campaign.advertising_channel_type, campaign_budget.amount_micros, {_METRICS} "
        "FROM campaign WHERE {dates}",
    ),
    "ads_ad_group_daily": (
        f"SELECT {_ACCOUNT}, campaign.id, ad_group.id, ad_group.name, ad_group.status, "
        f"{_METRICS} FROM ad_group WHERE {{dates}}",
    ),
    # Conversions by action: per ad group, and per campaign for Performance Max (no ad groups).
    "ads_conversion_action_daily": (
        f"SELECT {_ACCOUNT}, campaign.id, ad_group.id, {_ACTION} FROM ad_group "
        "WHERE {dates} AND metrics.conversions > 0",
        f"SELECT {_ACCOUNT}, campaign.id, {_ACTION} FROM campaign WHERE {{dates}} "
        "AND campaign.advertising_channel_type = 'PERFORMANCE_MAX' AND metrics.conversions > 0",
    ),
    # gclid -> campaign / ad group; the API takes a single day per query (segments.date =).
    "ads_click_view": (
        f"SELECT {_ACCOUNT}, click_view.gclid, campaign.id, ad_group.id FROM click_view "
        "WHERE {dates}",
    ),
}
ONE_DAY_PER_QUERY = frozenset({"ads_click_view"})
CLICK_VIEW_DAYS = 90  # click_view can be queried for today and the 89 days before


def queries(stream: str, window: Window) -> tuple[str, ...]:
    """The GAQL statements for ``stream`` over ``window`` (dates are ISO literals we format)."""
    if stream in ONE_DAY_PER_QUERY:
        return tuple(template.format(dates=f"segments.date = '{day.isoformat()}'")
                     for day in window.dates() for template in _TEMPLATES[stream])
    dates = (f"segments.date BETWEEN '{window.start.isoformat()}' "
             f"AND '{window.end.isoformat()}'")
    return tuple(template.format(dates=dates) for template in _TEMPLATES[stream])


def _account(row: Any) -> dict[str, Any]:
    return {
        "date": dt.date.fromisoformat(row.segments.date),
        "customer_id": str(row.customer.id),
        "currency_code": row.customer.currency_code,
        "time_zone": row.customer.time_zone,
    }


def _metrics(row: Any) -> dict[str, Any]:
    m = row.metrics
    return {"impressions": int(m.impressions), "clicks": int(m.clicks),
            "cost_micros": int(m.cost_micros), "conversions": float(m.conversions),
            "conversions_value": float(m.conversions_value)}


def _campaign(row: Any) -> dict[str, Any]:
    c = row.campaign
    return {**_account(row), "campaign_id": str(c.id), "campaign_name": c.name,
            "campaign_status": c.status.name, "channel_type": c.advertising_channel_type.name,
            "budget_micros": int(row.campaign_budget.amount_micros), **_metrics(row)}


def _ad_group(row: Any) -> dict[str, Any]:
    g = row.ad_group
    return {**_account(row), "campaign_id": str(row.campaign.id), "ad_group_id": str(g.id),
            "ad_group_name": g.name, "ad_group_status": g.status.name, **_metrics(row)}


def _action(row: Any) -> dict[str, Any]:
    s = row.segments
    ad_group_id = str(row.ad_group.id) if row.ad_group.id else None
    return {**_account(row), "campaign_id": str(row.campaign.id), "ad_group_id": ad_group_id,
            # segments.conversion_action is a resource name: customers/1/conversionActions/2
            "conversion_action_id": s.conversion_action.rsplit("/", 1)[-1],
            "conversion_action_name": s.conversion_action_name,
            "conversion_action_category": s.conversion_action_category.name,
            "conversions": float(row.metrics.conversions),
            "conversions_value": float(row.metrics.conversions_value)}


def _click(row: Any) -> dict[str, Any]:
    """A click_view row with its RAW ``gclid`` (the source turns it into ``gclid_key``)."""
    ad_group_id = str(row.ad_group.id) if row.ad_group.id else None
    return {**_account(row), "gclid": row.click_view.gclid,
            "campaign_id": str(row.campaign.id), "ad_group_id": ad_group_id}


ROW_READERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "ads_campaign_daily": _campaign,
    "ads_ad_group_daily": _ad_group,
    "ads_conversion_action_daily": _action,
    "ads_click_view": _click,
}
