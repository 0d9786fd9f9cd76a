"""The CRM's won deals as orders, so CLV and CLV:CAC count the customers the CRM wins (an
installation sold by a sales team never passes the webshop).

One order per won deal: ``order_id`` its deal key, ``ordered_at`` its close time, ``revenue``
its amount in its currency. The customer is the deal's contact (the first one created, when
several are associated); a won deal without a contact is its own customer (its deal key), so
no revenue is lost. The acquisition columns come from that contact's attribution in the CRM:
``campaign_id`` is its ``utm_campaign`` when that is an ad platform's numeric campaign ID (the
CLV acquisition join resolves it to ``gads:`` or ``meta:``), ``campaign`` the ``utm_campaign``
as is, and ``source`` / ``medium`` translate the CRM's original source into the UTM pair the
channel rules know (``PAID_SEARCH`` -> ``google`` / ``cpc``: Paid Search).

Every key here is already a pseudonym (:mod:`pipelines.sources.crm.streams`): nothing personal.
Won deals that cannot be an order (no amount, no close date) are counted, never guessed.

>>> contacts = pd.DataFrame({"contact_key": ["k1"],
...     "created_at": [pd.Timestamp("2026-03-02", tz="UTC")], "original_source": ["PAID_SEARCH"],
...     "source_drill_1": [None], "utm_campaign": ["2100000001"]})
>>> deals = pd.DataFrame({"deal_key": ["d1", "d2"], "outcome": ["won", "won"],
...     "closed_at": [pd.Timestamp("2026-04-20 14:00", tz="UTC"), pd.NaT],
...     "amount": [11800.0, 9000.0], "currency_code": ["EUR", "EUR"]})
>>> pairs = pd.DataFrame({"contact_key": ["k1"], "deal_key": ["d1"]})
>>> won = won_deal_orders(contacts, deals, pairs, "Europe/Brussels")
>>> won.orders[["customer_key", "order_id", "order_date", "revenue", "medium", "campaign_id"]
...            ].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
[{'customer_key': 'k1', 'order_id': 'd1', 'order_date': datetime.date(2026, 4, 20),
  'revenue': 11800.0, 'medium': 'cpc', 'campaign_id': '2100000001'}]
>>> won.skipped
{'no close date': 1}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from pipelines.sources.orders.schema import conform_orders, empty_orders

# HubSpot's original source -> the (source, medium) the channel rules read (pipelines.config).
SOURCE_MEDIUM: dict[str, tuple[str, str]] = {
    "PAID_SEARCH": ("google", "cpc"),
    "PAID_SOCIAL": ("facebook", "paid_social"),
    "ORGANIC_SEARCH": ("google", "organic"),
    "EMAIL_MARKETING": ("newsletter", "email"),
    "SOCIAL_MEDIA": ("social", "social"),
    "REFERRALS": ("referral", "referral"),
    "DIRECT_TRAFFIC": ("(direct)", "(none)"),
    "OTHER_CAMPAIGNS": ("(other)", "(other)"),
    "OFFLINE": ("offline", "offline"),
}
_PLATFORM_ID = re.compile(r"^\d{6,20}$")  # Google Ads and Meta campaign IDs are numeric
_HOST = re.compile(r"^(?:[a-z]+://)?(?:www\.)?([^/:?#]+)", re.I)


@dataclass(frozen=True)
class WonDealOrders:
    """The orders made of won deals and, by reason, the won deals left out."""

    orders: pd.DataFrame
    skipped: dict[str, int] = field(default_factory=dict)


def source_medium(original_source: object, drill_1: object) -> tuple[str | None, str | None]:
    """The UTM source / medium of a CRM original source; a referral's source is the referring
    host (HubSpot's first drill-down holds the URL).

    >>> source_medium("REFERRALS", "https://www.energiesparen.be/premies")
    ('energiesparen.be', 'referral')
    >>> source_medium("PAID_SOCIAL", None), source_medium(None, None)
    (('facebook', 'paid_social'), (None, None))
    """
    if not isinstance(original_source, str) or original_source not in SOURCE_MEDIUM:
        return None, None
    source, medium = SOURCE_MEDIUM[original_source]
    if original_source == "REFERRALS" and isinstance(drill_1, str):
        host = _HOST.match(drill_1.strip())
        source = host[1].lower() if host else source
    return source, medium


def _first_contacts(contacts: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Deal key -> its first-created associated contact's attribution."""
    joined = pairs[["deal_key", "contact_key"]].merge(contacts, on="contact_key", how="inner")
    joined = joined.sort_values(["deal_key", "created_at", "contact_key"], kind="stable")
    return joined.drop_duplicates("deal_key").set_index("deal_key")


def won_deal_orders(contacts: pd.DataFrame, deals: pd.DataFrame, pairs: pd.DataFrame,
                    time_zone: str) -> WonDealOrders:
    """The won deals of ``deals`` (columns of ``raw_crm_deals``) as orders, their customers and
    acquisition from ``contacts`` via ``pairs`` (``raw_crm_contact_deals``)."""
    won = deals[deals["outcome"].astype("string").eq("won").fillna(False)]
    if won.empty:
        return WonDealOrders(empty_orders())
    reasons = pd.Series(None, index=won.index, dtype="object")
    reasons[won["amount"].isna()] = "no amount"
    reasons[won["closed_at"].isna()] = "no close date"
    skipped = {str(k): int(v) for k, v in reasons.value_counts().items()}
    won = won[reasons.isna()]
    if won.empty:
        return WonDealOrders(empty_orders(), skipped)
    first = _first_contacts(contacts, pairs).reindex(won["deal_key"])
    utm = first["utm_campaign"].astype("object").where(first["utm_campaign"].notna(), None)
    pairs_sm = [source_medium(s, d) for s, d in zip(first["original_source"],
                                                      first["source_drill_1"], strict=True)]
    closed = pd.to_datetime(won["closed_at"], utc=True)
    frame = pd.DataFrame({
        "customer_key": first["contact_key"].fillna(pd.Series(won["deal_key"].to_numpy(),
                                                              index=first.index)).to_numpy(),
        "order_id": won["deal_key"].to_numpy(),
        "order_date": closed.dt.tz_convert(time_zone).dt.date.to_numpy(),
        "ordered_at": closed.to_numpy(),
        "revenue": won["amount"].astype("float64").to_numpy(),
        "currency": won["currency_code"].astype("object").to_numpy(),
        "source": [s for s, _ in pairs_sm],
        "medium": [m for _, m in pairs_sm],
        "campaign": utm.to_numpy(),
        "campaign_id": [u if isinstance(u, str) and _PLATFORM_ID.match(u) else None
                        for u in utm],
    })
    return WonDealOrders(conform_orders(frame), skipped)


CRM_TABLES = ("raw_crm_contacts", "raw_crm_deals", "raw_crm_contact_deals")


def stored_won_deal_orders(con, time_zone: str) -> WonDealOrders:
    """:func:`won_deal_orders` of the CRM tables stored in the warehouse ``con`` (an ibis
    backend); no CRM table yet (the CRM never pulled) gives no orders, said in ``skipped``."""
    from pipelines.warehouse.store import read_table  # the warehouse sits above the sources

    present = set(con.list_tables())
    if not set(CRM_TABLES) <= present:
        return WonDealOrders(empty_orders(), {"CRM not pulled yet": 0})
    contacts, deals, pairs = (read_table(con, name).to_pandas() for name in CRM_TABLES)
    return won_deal_orders(contacts, deals, pairs, time_zone)
