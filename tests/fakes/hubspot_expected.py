"""What a correct HubSpot connector returns for a planted portal, written out independently of
the connector's code: the rows of each CRM stream for records modified in ``[lo, hi)``
(milliseconds), pseudonymised with ``key``."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit, urlunsplit

import pandas as pd

from pipelines.privacy import pseudonymise
from tests.fakes.hubspot_data import INSTALL_PIPELINE, PlantedPortal, Record

STEPS = {"lead": "lead", "mql": "marketingqualifiedlead", "sql": "salesqualifiedlead",
         "opportunity": "opportunity", "customer": "customer"}
WON = {"default": {"closedwon"}, INSTALL_PIPELINE: {"1003"}}
LOST = {"default": {"closedlost"}, INSTALL_PIPELINE: {"1004"}}


def _ms(record: Record) -> int:
    return int(record.modified.timestamp() * 1000)


def _ts(value: str | None) -> pd.Timestamp | None:
    return None if not value else pd.Timestamp(value)


def _key(kind: str, raw: str | None, key: bytes) -> str | None:
    return None if raw is None else str(pseudonymise([f"{kind}:{raw}" if kind else raw],
                                                     key)[0])


def _drill(value: str | None) -> str | None:
    if not value:
        return None
    if value.startswith("http"):
        parts = urlsplit(value)
        value = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return None if "@" in value else value


def in_range(records: list[Record], lo: int, hi: int) -> list[Record]:
    return [r for r in records if lo <= _ms(r) < hi]


def contacts(portal: PlantedPortal, key: bytes, lo: int = 0,
             hi: int = 2**62) -> pd.DataFrame:
    rows = []
    for r in in_range(portal.contacts, lo, hi):
        p = r.properties
        stage = p.get("lifecyclestage")
        row = {"contact_key": _key("contact", r.id, key), "created_at": _ts(p["createdate"]),
               "modified_at": _ts(p["lastmodifieddate"]), "lifecycle_stage": stage,
               "funnel_step": next((s for s, v in STEPS.items() if v == stage), None)}
        row |= {f"{s}_at": _ts(p.get(f"hs_lifecyclestage_{v}_date")) for s, v in STEPS.items()}
        row |= {"original_source": p.get("hs_analytics_source"),
                "source_drill_1": _drill(p.get("hs_analytics_source_data_1")),
                "source_drill_2": _drill(p.get("hs_analytics_source_data_2")),
                "utm_campaign": p.get("utm_campaign"),
                "gclid_key": _key("", p.get("hs_google_click_id"), key),
                "fbclid_key": _key("", p.get("hs_facebook_click_id"), key)}
        rows.append(row)
    return pd.DataFrame(rows)


def deals(portal: PlantedPortal, key: bytes, lo: int = 0, hi: int = 2**62,
          portal_currency: str = "EUR") -> pd.DataFrame:
    rows = []
    for r in in_range(portal.deals, lo, hi):
        p = r.properties
        pipe, stage = p["pipeline"], p["dealstage"]
        rows.append({
            "deal_key": _key("deal", r.id, key), "created_at": _ts(p["createdate"]),
            "modified_at": _ts(p["hs_lastmodifieddate"]), "closed_at": _ts(p["closedate"]),
            "pipeline": pipe, "deal_stage": stage,
            "outcome": ("won" if stage in WON[pipe] else "lost" if stage in LOST[pipe]
                        else "open"),
            "is_closed": p["hs_is_closed"] == "true",
            "is_closed_won": p["hs_is_closed_won"] == "true",
            "amount": None if p["amount"] is None else float(p["amount"]),
            "currency_code": p["deal_currency_code"] or portal_currency})
    return pd.DataFrame(rows)


def contact_deals(portal: PlantedPortal, key: bytes, lo: int = 0,
                  hi: int = 2**62) -> pd.DataFrame:
    pulled = {r.id for r in in_range(portal.contacts, lo, hi)}
    pairs = sorted((c, d) for c, ds in portal.associations.items() if c in pulled for d in ds)
    return pd.DataFrame({"contact_key": [_key("contact", c, key) for c, _ in pairs],
                         "deal_key": [_key("deal", d, key) for _, d in pairs]})


def archived(portal: PlantedPortal, key: bytes) -> pd.DataFrame:
    rows = [{"object_type": kind, "record_key": _key(kind, r.id, key),
             "archived_at": pd.Timestamp(r.archived_at.replace(
                 microsecond=r.archived_at.microsecond // 1000 * 1000))}
            for kind, records in (("contact", portal.archived_contacts),
                                  ("deal", portal.archived_deals)) for r in records
            if r.archived_at is not None]
    return pd.DataFrame(rows)


def comparable(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.DataFrame:
    """Rows as plain objects (None for every kind of missing), sorted by ``key``, without
    ``extracted_at``: equal frames compare equal whatever their dtypes."""
    out = frame.drop(columns=[c for c in ("extracted_at",) if c in frame.columns])
    for name in out.columns:
        column = out[name]
        if isinstance(column.dtype, pd.DatetimeTZDtype) or name.endswith("_at"):
            column = pd.to_datetime(column, utc=True).dt.as_unit("us")
        out[name] = column.astype(object).where(column.notna(), None)
    return out.sort_values(list(key)).reset_index(drop=True)


def ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)
