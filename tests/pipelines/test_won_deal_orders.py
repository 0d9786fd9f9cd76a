"""The CRM's won deals as orders for CLV: one order per won deal, its first contact as the
customer, acquisition from that contact's attribution, nothing guessed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from pydantic import ValidationError

from pipelines.config import Sources
from pipelines.sources.orders.crm_deals import source_medium, won_deal_orders
from pipelines.sources.orders.schema import ORDER_COLUMN_NAMES

UTC = "UTC"


def _ts(text: str | None) -> pd.Timestamp:
    return pd.Timestamp(text, tz=UTC) if text else pd.NaT


def _contacts() -> pd.DataFrame:
    rows = [("k_search", "2026-03-01 09:00", "PAID_SEARCH", None, "2100000001"),
            ("k_meta", "2026-03-02 09:00", "PAID_SOCIAL", "Facebook", "Zonnepanelen NL – leads"),
            ("k_ref", "2026-03-03 09:00", "REFERRALS", "https://www.energiesparen.be/premie", None),
            ("k_later", "2026-04-01 09:00", "DIRECT_TRAFFIC", None, None)]
    return pd.DataFrame(rows, columns=["contact_key", "created_at", "original_source",
                                       "source_drill_1", "utm_campaign"]).assign(
        created_at=lambda f: pd.to_datetime(f["created_at"], utc=True))


def _deals() -> pd.DataFrame:
    rows = [("d_search", "won", "2026-04-20 22:30", 12000.0, "EUR"),  # 00:30 in Brussels
            ("d_meta", "won", "2026-05-02 10:00", 8000.0, "EUR"),
            ("d_ref", "lost", "2026-05-03 10:00", 9000.0, "EUR"),
            ("d_open", "open", None, 7000.0, "EUR"),
            ("d_noamount", "won", "2026-05-04 10:00", None, "EUR"),
            ("d_orphan", "won", "2026-05-05 10:00", 5000.0, "EUR"),
            ("d_shared", "won", "2026-05-06 10:00", 10000.0, "EUR")]
    frame = pd.DataFrame(rows, columns=["deal_key", "outcome", "closed_at", "amount",
                                        "currency_code"])
    frame["closed_at"] = [_ts(t) for t in frame["closed_at"]]
    frame["amount"] = frame["amount"].astype("Float64")
    return frame


def _pairs() -> pd.DataFrame:
    return pd.DataFrame([("k_search", "d_search"), ("k_meta", "d_meta"), ("k_ref", "d_ref"),
                         ("k_later", "d_shared"), ("k_ref", "d_shared"),
                         ("k_search", "d_noamount")], columns=["contact_key", "deal_key"])


def test_each_won_deal_is_one_order_of_its_first_contact() -> None:
    won = won_deal_orders(_contacts(), _deals(), _pairs(), "Europe/Brussels")
    orders = won.orders.set_index("order_id")
    assert list(won.orders.columns) == list(ORDER_COLUMN_NAMES)
    assert sorted(orders.index) == ["d_meta", "d_orphan", "d_search", "d_shared"]
    assert won.skipped == {"no amount": 1}
    assert orders.loc["d_search", "order_date"] == dt.date(2026, 4, 21)  # Brussels' date
    assert orders.loc["d_search", "revenue"] == 12000.0
    # two contacts on a deal: the one created first is the customer
    assert orders.loc["d_shared", "customer_key"] == "k_ref"
    # no contact at all: the deal is its own customer, its revenue kept
    assert orders.loc["d_orphan", "customer_key"] == "d_orphan"
    assert pd.isna(orders.loc["d_orphan", "medium"])
    assert orders["revenue"].sum() == 12000 + 8000 + 5000 + 10000


def test_acquisition_comes_from_the_contacts_attribution() -> None:
    orders = won_deal_orders(_contacts(), _deals(), _pairs(), UTC).orders.set_index("order_id")
    assert tuple(orders.loc["d_search", ["source", "medium", "campaign_id"]]) == (
        "google", "cpc", "2100000001")
    # a campaign NAME is kept as the campaign, never taken for an ID
    assert orders.loc["d_meta", "campaign"] == "Zonnepanelen NL – leads"
    assert pd.isna(orders.loc["d_meta", "campaign_id"])
    assert tuple(orders.loc["d_shared", ["source", "medium"]]) == ("energiesparen.be",
                                                                   "referral")


def test_no_won_deal_gives_no_orders() -> None:
    deals = _deals().assign(outcome="open")
    won = won_deal_orders(_contacts(), deals, _pairs(), UTC)
    assert won.orders.empty and list(won.orders.columns) == list(ORDER_COLUMN_NAMES)


@pytest.mark.parametrize(("source", "drill", "expected"), [
    ("PAID_SEARCH", None, ("google", "cpc")), ("EMAIL_MARKETING", None, ("newsletter", "email")),
    ("REFERRALS", "test-achats.be/warmtepompen", ("test-achats.be", "referral")),
    ("SOMETHING_NEW", None, (None, None))])
def test_original_source_becomes_a_utm_pair_the_channel_rules_know(source, drill, expected):
    assert source_medium(source, drill) == expected


def test_won_deals_need_a_crm() -> None:
    with pytest.raises(ValidationError, match="won deals need a CRM"):
        Sources.model_validate({"orders": {"kind": "none", "won_deals": True}})
    assert Sources.model_validate({"orders": {"kind": "none", "won_deals": True},
                                   "crm": {"kind": "demo"}}).orders.won_deals
