"""What the e-mail KPIs read from the warehouse: the stored sends and GA4's e-mail traffic per
utm_campaign (sessions of medium ``email``; conversions = the configured lead and purchase key
events; revenue = the purchase events' value), reduced in the warehouse (Ibis).

>>> from pipelines.warehouse.store import connect
>>> frame = ga4_email(connect(":memory:"), ("generate_lead", "purchase"), ("purchase",))
>>> list(frame.columns), len(frame)
(['utm_campaign', 'sessions', 'conversions', 'revenue'], 0)
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from pipelines.warehouse.store import read_table

SESSIONS, EVENTS = "raw_ga4_sessions_daily", "raw_ga4_key_events_daily"
EMAIL_MEDIUM = r"^e-?mail$"  # as the default GA4 channel rule for Email


def ga4_email(con, conversion_events: Sequence[str],
              revenue_events: Sequence[str]) -> pd.DataFrame:
    """GA4's e-mail sessions, conversions and revenue per session_campaign_name (as
    ``utm_campaign``); empty when GA4 has not been pulled."""
    columns = ["utm_campaign", "sessions", "conversions", "revenue"]
    tables = set(con.list_tables())
    if SESSIONS not in tables:
        return pd.DataFrame(columns=columns)
    s = read_table(con, SESSIONS)
    s = s.filter(s.session_medium.lower().re_search(EMAIL_MEDIUM))
    sessions = s.group_by(utm_campaign=s.session_campaign_name).aggregate(
        sessions=s.sessions.sum())
    frame = sessions.execute()
    if EVENTS in tables:
        e = read_table(con, EVENTS)
        e = e.filter(e.session_medium.lower().re_search(EMAIL_MEDIUM))
        counted = e.event_name.isin(list(conversion_events) or [""])
        paid = e.event_name.isin(list(revenue_events) or [""])
        events = e.group_by(utm_campaign=e.session_campaign_name).aggregate(
            conversions=counted.ifelse(e.key_events, 0).sum(),
            revenue=paid.ifelse(e.event_value, 0.0).sum()).execute()
        frame = frame.merge(events, on="utm_campaign", how="outer")
    frame = frame.reindex(columns=columns)
    frame[columns[1:]] = frame[columns[1:]].astype(float).fillna(0.0)
    return frame.sort_values("utm_campaign").reset_index(drop=True)


