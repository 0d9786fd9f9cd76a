"""A tiny hand-built account with Google Ads, Meta Ads and GA4, every model row worked out on
paper (see tests/kpi/test_model_meta.py for the expected rows).

Two days, 2026-03-02 (Monday) and 2026-03-03, reporting in EUR, 1 GBP = 1.2 EUR:
- Google Ads Search campaign 100, ad group 101: cost 50, a lead action (2) and a purchase
  action (1, value 80).
- Meta campaign 7001 ("Prospectie NL", renamed "Prospectie BE" on day 2), ad sets 8001 (EUR,
  renamed "NL 25-45" -> "NL 25-54") and 8002 (its rows in GBP: the model converts row by row,
  whatever the account): Meta claims 4 + 2 conversions on day 1 and 1 on day 2.
- GA4: google / cpc tagged 100; facebook and instagram / paid_social tagged 7001 (GA4 sees 4
  conversions on day 1 and 1 on day 2: the platform claims 7 where GA4 sees 5, ratio 1.4); a
  facebook campaign without a Meta ID (not paid: no cost here); google / organic.
"""

from __future__ import annotations

import pandas as pd

from pipelines.sources.base import Extract
from pipelines.sources.streams import STREAMS
from tests.kpi.handmade import AT, D1, D2, PROV, WINDOW

CUSTOMER, ACCOUNT, PROPERTY = "111", "555", "999"
FX = {"GBP": 1.2}
GBP = {"currency_code": "GBP"}


def _frame(stream: str, rows: list[dict]) -> pd.DataFrame:
    columns = STREAMS[stream].column_names
    return pd.DataFrame([{**PROV, **row} for row in rows], columns=list(columns))


def ads_rows() -> dict[str, list[dict]]:
    delivery = {"date": D1, "customer_id": CUSTOMER, "campaign_id": "100", "impressions": 1000,
                "clicks": 100, "cost_micros": 50_000_000, "conversions": 3.0,
                "conversions_value": 80.0}
    campaign = {**delivery, "campaign_name": "Zoek", "campaign_status": "ENABLED",
                "channel_type": "SEARCH", "budget_micros": 60_000_000}
    group = {**delivery, "ad_group_id": "101", "ad_group_name": "Merk",
             "ad_group_status": "ENABLED"}
    action = {"date": D1, "customer_id": CUSTOMER, "campaign_id": "100", "ad_group_id": "101"}
    actions = [
        {**action, "conversion_action_id": "1", "conversion_action_name": "Lead – formulier",
         "conversion_action_category": "SUBMIT_LEAD_FORM", "conversions": 2.0,
         "conversions_value": 0.0},
        {**action, "conversion_action_id": "3", "conversion_action_name": "Aankoop",
         "conversion_action_category": "PURCHASE", "conversions": 1.0,
         "conversions_value": 80.0},
    ]
    return {"ads_campaign_daily": [campaign], "ads_ad_group_daily": [group],
            "ads_conversion_action_daily": actions}


def meta_rows() -> list[dict]:
    base = {"account_id": ACCOUNT, "campaign_id": "7001", "objective": "OUTCOME_SALES",
            "campaign_status": "ACTIVE", "leads_view": 0.0, "purchases_view": 0.0,
            "purchase_value_view": 0.0, "attribution_setting": "7d_click,1d_view"}
    day1 = {**base, "date": D1, "campaign_name": "Prospectie NL"}
    return [
        {**day1, "adset_id": "8001", "adset_name": "NL 25-45", "impressions": 4000,
         "reach": 3000, "clicks": 120, "link_clicks": 80, "spend": 40.0, "leads": 3.0,
         "purchases": 1.0, "purchase_value": 60.0},
        {**day1, **GBP, "adset_id": "8002", "adset_name": "UK expats", "impressions": 2000,
         "reach": 1500, "clicks": 50, "link_clicks": 30, "spend": 25.0, "leads": 0.0,
         "purchases": 2.0, "purchase_value": 100.0, "purchases_view": 1.0,
         "purchase_value_view": 50.0},
        {**base, "date": D2, "campaign_name": "Prospectie BE", "adset_id": "8001",
         "adset_name": "NL 25-54", "impressions": 1000, "reach": 900, "clicks": 30,
         "link_clicks": 20, "spend": 10.0, "leads": 1.0, "purchases": 0.0,
         "purchase_value": 0.0},
    ]


def _traffic(source: str, medium: str, campaign_id: str, name: str) -> dict:
    return {"property_id": PROPERTY, "session_source": source, "session_medium": medium,
            "session_campaign_id": campaign_id, "session_campaign_name": name}


CPC = _traffic("google", "cpc", "100", "Zoek")
FACEBOOK = _traffic("facebook", "paid_social", "7001", "prospectie-nl")
INSTAGRAM = _traffic("instagram", "paid_social", "7001", "prospectie-nl")
UNTAGGED = _traffic("facebook", "paid_social", "(not set)", "oude-campagne")
ORGANIC = _traffic("google", "organic", "(not set)", "(organic)")


def ga4_session_rows() -> list[dict]:
    return [
        {**CPC, "date": D1, "sessions": 90, "engaged_sessions": 60},
        {**FACEBOOK, "date": D1, "sessions": 70, "engaged_sessions": 30},
        {**INSTAGRAM, "date": D1, "sessions": 10, "engaged_sessions": 5},
        {**UNTAGGED, "date": D1, "sessions": 20, "engaged_sessions": 10},
        {**ORGANIC, "date": D1, "sessions": 200, "engaged_sessions": 100},
        {**FACEBOOK, "date": D2, "sessions": 15, "engaged_sessions": 8},
    ]


def ga4_event_rows() -> list[dict]:
    def event(traffic: dict, day, name: str, n: float, value: float = 0.0) -> dict:
        return {**traffic, "date": day, "event_name": name, "key_events": n,
                "event_value": value}

    return [
        event(CPC, D1, "generate_lead", 1.0),
        event(CPC, D1, "purchase", 1.0, 75.0),
        event(FACEBOOK, D1, "generate_lead", 2.0),
        event(FACEBOOK, D1, "purchase", 1.0, 50.0),
        event(FACEBOOK, D1, "sign_up", 5.0),  # not a lead nor a purchase: counted nowhere
        event(INSTAGRAM, D1, "purchase", 1.0, 40.0),
        event(UNTAGGED, D1, "generate_lead", 1.0),
        event(ORGANIC, D1, "purchase", 3.0, 300.0),
        event(FACEBOOK, D2, "generate_lead", 1.0),
    ]


def extracts(with_meta: bool = True) -> list[Extract]:
    rows = {name: (data, CUSTOMER) for name, data in ads_rows().items()}
    rows["ga4_sessions_daily"] = (ga4_session_rows(), PROPERTY)
    rows["ga4_key_events_daily"] = (ga4_event_rows(), PROPERTY)
    if with_meta:
        rows["meta_adset_daily"] = (meta_rows(), ACCOUNT)
    return [
        Extract(STREAMS[name], WINDOW, _frame(name, data), AT.to_pydatetime(), {}, scope)
        for name, (data, scope) in rows.items()
    ]
