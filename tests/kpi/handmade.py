"""A tiny hand-built account whose every KPI can be worked out on paper.

Two days, 2026-03-02 (Monday) and 2026-03-03:
- Search campaign 100 ("Zoek – oud" on day 1, renamed "Zoek – nieuw" on day 2), ad groups 101, 102.
- Performance Max campaign 200 (no ad groups).
- GA4: google / cpc tagged with campaign 100, google / organic, newsletter / email.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pipelines.sources.base import Extract, Window
from pipelines.sources.streams import STREAMS

D1, D2 = dt.date(2026, 3, 2), dt.date(2026, 3, 3)
WINDOW = Window(D1, D2)
CUSTOMER, PROPERTY = "111", "999"
AT = pd.Timestamp("2026-03-04 05:00", tz="UTC")
PROV = {"currency_code": "EUR", "time_zone": "Europe/Brussels", "extracted_at": AT}


def _frame(stream: str, rows: list[dict]) -> pd.DataFrame:
    columns = STREAMS[stream].column_names
    return pd.DataFrame([{**PROV, **row} for row in rows], columns=list(columns))


def campaign_rows() -> list[dict]:
    base = {"customer_id": CUSTOMER, "campaign_status": "ENABLED", "budget_micros": 50_000_000}
    return [
        # Search day 1: ad groups 101 (cost 10, 100 clicks) + 102 (cost 30, 100 clicks)
        {**base, "date": D1, "campaign_id": "100", "campaign_name": "Zoek – oud",
         "channel_type": "SEARCH", "impressions": 2000, "clicks": 200, "cost_micros": 40_000_000,
         "conversions": 3.0, "conversions_value": 100.0},
        {**base, "date": D2, "campaign_id": "100", "campaign_name": "Zoek – nieuw",
         "channel_type": "SEARCH", "impressions": 1000, "clicks": 50, "cost_micros": 60_000_000,
         "conversions": 1.0, "conversions_value": 0.0},
        {**base, "date": D1, "campaign_id": "200", "campaign_name": "PMax – shop",
         "channel_type": "PERFORMANCE_MAX", "impressions": 5000, "clicks": 100,
         "cost_micros": 20_000_000, "conversions": 2.0, "conversions_value": 180.0},
    ]


def ad_group_rows() -> list[dict]:
    base = {"customer_id": CUSTOMER, "campaign_id": "100", "ad_group_status": "ENABLED"}
    return [
        {**base, "date": D1, "ad_group_id": "101", "ad_group_name": "Merk", "impressions": 1000,
         "clicks": 100, "cost_micros": 10_000_000, "conversions": 2.0, "conversions_value": 0.0},
        {**base, "date": D1, "ad_group_id": "102", "ad_group_name": "Generiek",
         "impressions": 1000, "clicks": 100, "cost_micros": 30_000_000, "conversions": 1.0,
         "conversions_value": 100.0},
        {**base, "date": D2, "ad_group_id": "101", "ad_group_name": "Merk", "impressions": 1000,
         "clicks": 50, "cost_micros": 60_000_000, "conversions": 1.0, "conversions_value": 0.0},
    ]


def action_rows() -> list[dict]:
    base = {"customer_id": CUSTOMER}
    lead = {"conversion_action_id": "1", "conversion_action_name": "Lead – offerteformulier",
            "conversion_action_category": "SUBMIT_LEAD_FORM"}
    buy = {"conversion_action_id": "3", "conversion_action_name": "Aankoop – webshop",
           "conversion_action_category": "PURCHASE"}
    signup = {"conversion_action_id": "4", "conversion_action_name": "Nieuwsbrief – inschrijving",
              "conversion_action_category": "SIGNUP"}
    return [
        {**base, **lead, "date": D1, "campaign_id": "100", "ad_group_id": "101",
         "conversions": 1.0, "conversions_value": 0.0},
        {**base, **signup, "date": D1, "campaign_id": "100", "ad_group_id": "101",
         "conversions": 1.0, "conversions_value": 0.0},
        {**base, **buy, "date": D1, "campaign_id": "100", "ad_group_id": "102",
         "conversions": 1.0, "conversions_value": 100.0},
        {**base, **lead, "date": D2, "campaign_id": "100", "ad_group_id": "101",
         "conversions": 1.0, "conversions_value": 0.0},
        {**base, **buy, "date": D1, "campaign_id": "200", "ad_group_id": None,
         "conversions": 2.0, "conversions_value": 180.0},
    ]


def ga4_session_rows() -> list[dict]:
    base = {"property_id": PROPERTY}
    cpc = {"session_source": "google", "session_medium": "cpc", "session_campaign_id": "100",
           "session_campaign_name": "Zoek – nieuw"}
    organic = {"session_source": "google", "session_medium": "organic",
               "session_campaign_id": "(not set)", "session_campaign_name": "(organic)"}
    email = {"session_source": "nieuwsbrief", "session_medium": "email",
             "session_campaign_id": "(not set)", "session_campaign_name": "nieuwsbrief-2026-03"}
    return [
        {**base, **cpc, "date": D1, "sessions": 180, "engaged_sessions": 90},
        {**base, **cpc, "date": D2, "sessions": 40, "engaged_sessions": 30},
        {**base, **organic, "date": D1, "sessions": 500, "engaged_sessions": 300},
        {**base, **organic, "date": D2, "sessions": 300, "engaged_sessions": 150},
        {**base, **email, "date": D2, "sessions": 100, "engaged_sessions": 80},
    ]


def ga4_event_rows() -> list[dict]:
    base = {"property_id": PROPERTY}
    cpc = {"session_source": "google", "session_medium": "cpc", "session_campaign_id": "100",
           "session_campaign_name": "Zoek – nieuw"}
    organic = {"session_source": "google", "session_medium": "organic",
               "session_campaign_id": "(not set)", "session_campaign_name": "(organic)"}
    return [
        {**base, **cpc, "date": D1, "event_name": "generate_lead", "key_events": 1.0,
         "event_value": 0.0},
        {**base, **cpc, "date": D1, "event_name": "purchase", "key_events": 1.0,
         "event_value": 90.0},
        {**base, **organic, "date": D1, "event_name": "purchase", "key_events": 4.0,
         "event_value": 400.0},
        {**base, **organic, "date": D2, "event_name": "generate_lead", "key_events": 2.0,
         "event_value": 0.0},
        {**base, **organic, "date": D2, "event_name": "sign_up", "key_events": 7.0,
         "event_value": 0.0},
    ]


def extracts() -> list[Extract]:
    rows = {
        "ads_campaign_daily": (campaign_rows(), CUSTOMER),
        "ads_ad_group_daily": (ad_group_rows(), CUSTOMER),
        "ads_conversion_action_daily": (action_rows(), CUSTOMER),
        "ga4_sessions_daily": (ga4_session_rows(), PROPERTY),
        "ga4_key_events_daily": (ga4_event_rows(), PROPERTY),
    }
    return [
        Extract(STREAMS[name], WINDOW, _frame(name, data), AT.to_pydatetime(), {}, scope)
        for name, (data, scope) in rows.items()
    ]
