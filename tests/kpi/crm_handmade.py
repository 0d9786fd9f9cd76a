"""A small planted CRM beside the hand-made account (tests/kpi/handmade.py: Search campaign 100,
"Zoek – oud" then "Zoek – nieuw", and Performance Max 200 "PMax – shop", on 2026-03-02 and
2026-03-03), written into a real DuckDB file with exactly the columns of CRM_STREAMS.

Contacts (lead date in Brussels):
- c1 D1, utm_campaign "100" (the ID) -> gads:100, SQL, deal w1 won 1,000 EUR 20 days later.
- c2 D1, utm_campaign " zoek –  OUD " (an old name, other case and spacing) -> gads:100, MQL.
- c3 D2, utm_campaign "pmax – shop" -> gads:200, opportunity, deal o1 open 500 EUR.
- c4 D2, no UTM, a gclid not in the click view, PAID_SEARCH -> click_id_unresolved on
  crm:PAID_SEARCH.
- c5 D2, ORGANIC_SEARCH -> crm:ORGANIC_SEARCH, deal l1 lost 300 EUR.
- c6 D2, nothing -> crm:unknown.
- c7 a year earlier (outside the history): matched, not in crm_daily.
- deal w2 won 200 EUR with no contact, created D1 -> crm:unknown on D1.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa

from pipelines.sources.crm.streams import CRM_STREAMS, typed
from tests.kpi.handmade import D1, D2

AT = "2026-03-25T06:00:00Z"


def _ts(day: dt.date, hour: int = 10) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00Z"


def contacts() -> pd.DataFrame:
    none = {"lead_at": None, "mql_at": None, "sql_at": None, "opportunity_at": None,
            "customer_at": None, "source_drill_1": None, "source_drill_2": None,
            "gclid_key": None, "fbclid_key": None, "utm_campaign": None,
            "lifecycle_stage": "lead", "funnel_step": "lead", "modified_at": AT,
            "extracted_at": AT}
    rows = [
        {"contact_key": "c1", "created_at": _ts(D1), "lead_at": _ts(D1), "utm_campaign": "100",
         "original_source": "PAID_SEARCH", "funnel_step": "customer", "sql_at": _ts(D1, 15),
         "customer_at": _ts(D1 + dt.timedelta(days=20))},
        {"contact_key": "c2", "created_at": _ts(D1), "utm_campaign": " zoek –  OUD ",
         "original_source": "PAID_SEARCH", "funnel_step": "mql", "mql_at": _ts(D2)},
        {"contact_key": "c3", "created_at": _ts(D2), "utm_campaign": "pmax – shop",
         "original_source": "PAID_SEARCH", "funnel_step": "opportunity",
         "opportunity_at": _ts(D2, 16)},
        {"contact_key": "c4", "created_at": _ts(D2), "original_source": "PAID_SEARCH",
         "gclid_key": "g_4"},
        {"contact_key": "c5", "created_at": _ts(D2), "original_source": "ORGANIC_SEARCH"},
        {"contact_key": "c6", "created_at": _ts(D2), "original_source": None},
        {"contact_key": "c7", "created_at": _ts(D1 - dt.timedelta(days=365)), "utm_campaign": "100",
         "original_source": "PAID_SEARCH"},
    ]
    return typed(pd.DataFrame([{**none, **r} for r in rows]), CRM_STREAMS["crm_contacts"])


def deal(key: str, outcome: str, amount: float, created: dt.date,
         closed: dt.date | None) -> dict:
    return {"deal_key": key, "created_at": _ts(created), "modified_at": AT,
            "closed_at": _ts(closed) if closed else None, "pipeline": "default",
            "deal_stage": {"won": "closedwon", "lost": "closedlost"}.get(outcome, "qualified"),
            "outcome": outcome, "is_closed": outcome != "open", "is_closed_won": outcome == "won",
            "amount": amount, "currency_code": "EUR", "extracted_at": AT}


def deals() -> pd.DataFrame:
    rows = [deal("w1", "won", 1000.0, D1, D1 + dt.timedelta(days=20)),
            deal("o1", "open", 500.0, D2, None),
            deal("l1", "lost", 300.0, D2, D2 + dt.timedelta(days=5)),
            deal("w2", "won", 200.0, D1, D1 + dt.timedelta(days=10))]
    return typed(pd.DataFrame(rows), CRM_STREAMS["crm_deals"])


def pairs() -> pd.DataFrame:
    rows = [("c1", "w1"), ("c3", "o1"), ("c5", "l1")]
    return typed(pd.DataFrame({"contact_key": [c for c, _ in rows],
                               "deal_key": [d for _, d in rows], "extracted_at": AT}),
                 CRM_STREAMS["crm_contact_deals"])


def write(con, contact_rows: pd.DataFrame | None = None, deal_rows: pd.DataFrame | None = None,
          pair_rows: pd.DataFrame | None = None) -> None:
    """The CRM's current state as the raw tables A's asset keeps (replaced whole)."""
    frames = {"raw_crm_contacts": contacts() if contact_rows is None else contact_rows,
              "raw_crm_deals": deals() if deal_rows is None else deal_rows,
              "raw_crm_contact_deals": pairs() if pair_rows is None else pair_rows}
    for name, frame in frames.items():
        con.create_table(name, pa.Table.from_pandas(frame, preserve_index=False),
                         overwrite=True)
