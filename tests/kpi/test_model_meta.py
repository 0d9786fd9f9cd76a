"""Meta Ads in the unified model, on a hand-built account (tests/kpi/meta_handmade.py): every
campaign_daily row under both attribution choices, both conversion views, the dimensions and
the over-attribution KPIs, worked out on paper."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from assets.model import raw_tables
from kpi import model, quality, rollup
from kpi.clv.acquisition import acquisition
from kpi.registry import CAMPAIGN_LEVELS
from pipelines.warehouse.store import connect, write_extract
from tests.kpi import meta_handmade as hm
from tests.kpi.conftest import build, rules
from tests.kpi.handmade import D1, D2
from tests.kpi.test_model_rollup import value

PAID = {"leads": "paid_leads", "purchases": "paid_purchases", "conversions": "paid_conversions",
        "revenue": "paid_revenue"}


def meta_rules(**change):
    return rules(**{
        "lead_actions": ("Lead – formulier",), "purchase_actions": ("Aankoop",),
        "fx_rates": hm.FX,
        "ga4_rules": (("Paid Social", "facebook|instagram", "^paid_social$"),
                      ("Organic Search", ".*", "^organic$")),
        **change})


def paid(**facts: float) -> dict[str, float]:
    """A paid campaign's row: its conversions repeated in the paid facts."""
    return {**facts, **{PAID[f]: v for f, v in facts.items() if f in PAID}}


DELIVERY = {  # the same under both choices
    (D1, "gads:100", "gads:100:101"): dict(impressions=1000, clicks=100, cost=50.0),
    (D1, "meta:7001", "meta:7001:8001"): dict(impressions=4000, clicks=80, cost=40.0),
    (D1, "meta:7001", "meta:7001:8002"): dict(impressions=2000, clicks=30, cost=25 * 1.2),
    (D2, "meta:7001", "meta:7001:8001"): dict(impressions=1000, clicks=20, cost=10.0),
}
CLAIMS = {  # what Google Ads and Meta report (link clicks, not Meta's 50 + 120 + 30 clicks)
    (D1, "gads:100", "gads:100:101"): dict(platform_conversions=3, platform_revenue=80.0),
    (D1, "meta:7001", "meta:7001:8001"): dict(platform_conversions=4, platform_revenue=60.0),
    (D1, "meta:7001", "meta:7001:8002"): dict(platform_conversions=2,
                                              platform_revenue=100 * 1.2),
    (D2, "meta:7001", "meta:7001:8001"): dict(platform_conversions=1),
}
SEEN = {  # GA4 on the paid campaigns (sign_up counts nowhere)
    (D1, "gads:100", "gads:100:-"): dict(sessions=90, engaged_sessions=60, ga4_conversions=2,
                                         ga4_revenue=75.0),
    (D1, "meta:7001", "meta:7001:-"): dict(sessions=80, engaged_sessions=35, ga4_conversions=4,
                                           ga4_revenue=90.0),
    (D2, "meta:7001", "meta:7001:-"): dict(sessions=15, engaged_sessions=8, ga4_conversions=1),
}
UNPAID = {  # GA4 traffic without an ad platform's campaign ID: the same under both choices
    (D1, "ga4:facebook/paid_social/oude-campagne", "ga4:facebook/paid_social/oude-campagne:-"):
        dict(sessions=20, engaged_sessions=10, leads=1, conversions=1),
    (D1, "ga4:google/organic/(organic)", "ga4:google/organic/(organic):-"):
        dict(sessions=200, engaged_sessions=100, purchases=3, conversions=3, revenue=300.0),
}
COUNTED = {
    "ads": {  # each platform counts its own conversions; GA4's on its campaigns are skipped
        (D1, "gads:100", "gads:100:101"): paid(leads=2, purchases=1, conversions=3,
                                               revenue=80.0),
        (D1, "meta:7001", "meta:7001:8001"): paid(leads=3, purchases=1, conversions=4,
                                                  revenue=60.0),
        (D1, "meta:7001", "meta:7001:8002"): paid(purchases=2, conversions=2, revenue=120.0),
        (D2, "meta:7001", "meta:7001:8001"): paid(leads=1, conversions=1),
    },
    "ga4": {  # GA4 key events for every campaign; the platforms' own counts are not used
        (D1, "gads:100", "gads:100:-"): paid(leads=1, purchases=1, conversions=2, revenue=75.0),
        (D1, "meta:7001", "meta:7001:-"): paid(leads=2, purchases=2, conversions=4,
                                               revenue=90.0),
        (D2, "meta:7001", "meta:7001:-"): paid(leads=1, conversions=1),
    },
}


def expected(attribution: str) -> pd.DataFrame:
    rows: dict[tuple, dict] = {}
    for part in (DELIVERY, CLAIMS, SEEN, UNPAID, COUNTED[attribution]):
        for key, facts in part.items():
            rows.setdefault(key, {}).update(facts)
    frame = pd.DataFrame([{"date": d, "campaign_key": c, "ad_group_key": g, **facts}
                          for (d, c, g), facts in sorted(rows.items())])
    return frame.reindex(columns=["date", "campaign_key", "ad_group_key", *model.FACTS]) \
        .fillna({f: 0.0 for f in model.FACTS}).astype({f: "float64" for f in model.FACTS})


@pytest.fixture
def meta_con(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    for extract in hm.extracts():
        write_extract(con, extract)
    return con


def facts_of(con) -> pd.DataFrame:
    frame = con.execute(con.table(model.MODEL_TABLE)).drop(columns="currency")
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    frame = frame.sort_values(["date", "campaign_key", "ad_group_key"]).reset_index(drop=True)
    return frame[["date", "campaign_key", "ad_group_key", *model.FACTS]]


@pytest.mark.parametrize("attribution", ["ads", "ga4"])
def test_every_model_row_is_the_one_worked_out_on_paper(meta_con, attribution):
    build(meta_con, meta_rules(attribution=attribution))
    pd.testing.assert_frame_equal(facts_of(meta_con), expected(attribution), check_exact=False,
                                  rtol=1e-12)


def test_both_views_are_kept_whatever_the_choice_and_each_choice_counts_one(meta_con):
    built = {}
    for attribution in ("ads", "ga4"):
        build(meta_con, meta_rules(attribution=attribution))
        built[attribution] = facts_of(meta_con)
    views = ["platform_conversions", "platform_revenue", "ga4_conversions", "ga4_revenue"]
    pd.testing.assert_frame_equal(built["ads"][views], built["ga4"][views])
    ads, ga4 = built["ads"], built["ga4"]
    assert ads.paid_conversions.sum() == ads.platform_conversions.sum() == 10
    assert ads.paid_revenue.sum() == pytest.approx(ads.platform_revenue.sum())
    assert ga4.paid_conversions.sum() == ga4.ga4_conversions.sum() == 7
    assert ga4.paid_revenue.sum() == pytest.approx(ga4.ga4_revenue.sum())
    # No Meta conversion counted twice: under "ads" the meta keys hold Meta's 7, not 7 + 5.
    meta = ads.campaign_key == "meta:7001"
    assert ads.loc[meta, "conversions"].sum() == 7


def test_the_over_attribution_kpis_per_campaign_and_for_the_account(meta_con):
    build(meta_con, meta_rules())
    campaign = {"level": "campaign", "campaign_key": "meta:7001"}
    assert value(meta_con, "platform_claim_ratio", **campaign) == pytest.approx(7 / 5)
    assert value(meta_con, "roas_platform", **campaign) == pytest.approx(180 / 80)
    assert value(meta_con, "roas_ga4", **campaign) == pytest.approx(90 / 80)
    assert value(meta_con, "roas", **campaign) == pytest.approx(180 / 80)  # "ads": the claim
    assert value(meta_con, "cpa", **campaign) == pytest.approx(80 / 3)
    assert value(meta_con, "platform_claim_ratio") == pytest.approx(10 / 7)
    assert value(meta_con, "roas_ga4") == pytest.approx(165 / 130)
    assert value(meta_con, "platform_claim_ratio", level="channel",
                 channel="Paid Social") == pytest.approx(7 / 5)
    # The untagged facebook campaign is Paid Social too, but has no cost and no claim.
    assert value(meta_con, "conversions", level="channel", channel="Paid Social") == 8
    assert value(meta_con, "platform_claim_ratio", level="campaign",
                 campaign_key="ga4:facebook/paid_social/oude-campagne") is None


def test_the_views_are_kept_down_to_campaign_level(meta_con):
    build(meta_con, meta_rules())
    t = meta_con.table(rollup.VALUES_TABLE)
    frame = meta_con.execute(t.group_by(["metric", "level"]).aggregate(n=t.count()))
    levels = frame.groupby("metric")["level"].agg(set)
    for metric in ("platform_conversions", "platform_revenue", "ga4_conversions",
                   "ga4_revenue", "platform_claim_ratio", "roas_platform", "roas_ga4"):
        assert levels[metric] == set(CAMPAIGN_LEVELS), metric


def test_meta_campaigns_and_ad_sets_in_the_dimensions(meta_con):
    build(meta_con, meta_rules())
    campaigns = meta_con.execute(meta_con.table(model.CAMPAIGN_DIM)).set_index("campaign_key")
    assert set(campaigns.index) == {"gads:100", "ga4:facebook/paid_social/oude-campagne",
                                    "ga4:google/organic/(organic)", "meta:7001"}
    meta = campaigns.loc["meta:7001"]
    assert (meta.platform, meta.channel, meta.source, meta.medium, meta.campaign_id,
            meta.campaign_name) == ("meta_ads", "Paid Social", "facebook", "paid_social", "7001",
                                    "Prospectie BE")
    assert (pd.Timestamp(meta.first_date).date(), pd.Timestamp(meta.last_date).date()) == (D1, D2)
    groups = meta_con.execute(meta_con.table(model.AD_GROUP_DIM)).set_index("ad_group_key")
    assert groups.loc["meta:7001:8001", "ad_group_name"] == "NL 25-54"
    assert groups.loc["meta:7001:8002", "ad_group_name"] == "UK expats"
    assert groups.loc["meta:7001:-", "ad_group_name"] == model.CAMPAIGN_LEVEL_NAME
    assert groups.loc["meta:7001:8002", "campaign_key"] == "meta:7001"


def test_the_model_reconciles_with_the_raw_tables_meta_included(meta_con):
    build(meta_con, meta_rules())
    raw = raw_tables(meta_con)
    facts = meta_con.table(model.MODEL_TABLE)
    gaps = quality.model_off_raw(facts, raw, meta_rules(), ["EUR", "GBP"], D1, D2)
    assert meta_con.execute(gaps).empty
    one_lost = facts.filter(facts.ad_group_key != "meta:7001:8002")
    off = meta_con.execute(quality.model_off_raw(one_lost, raw, meta_rules(), ["EUR", "GBP"],
                                                 D1, D2))
    assert sorted(off.measure) == ["clicks", "cost", "impressions"]
    assert off.set_index("measure").at["cost", "expected"] == pytest.approx(50 + 40 + 30)


def test_the_meta_channel_is_configurable(meta_con):
    build(meta_con, meta_rules(meta_channel="Social Ads"))
    assert value(meta_con, "cost", level="channel", channel="Social Ads") == pytest.approx(80.0)


def test_a_meta_currency_needs_an_exchange_rate(meta_con):
    raw = raw_tables(meta_con)
    codes = set(meta_con.execute(model.currency_codes(raw))["currency_code"])
    assert codes == {"EUR", "GBP"}
    with pytest.raises(ValueError, match=r"reporting\.fx_rates\.GBP"):
        model.campaign_daily(raw, meta_rules(fx_rates={}), sorted(codes), D1, D2)


def test_without_meta_ga4_traffic_tagged_with_its_ids_stays_unpaid(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    for extract in hm.extracts(with_meta=False):
        write_extract(con, extract)
    build(con, meta_rules())
    facts = facts_of(con)
    assert not facts.campaign_key.str.startswith("meta:").any()
    social = facts[facts.campaign_key == "ga4:facebook/paid_social/prospectie-nl"]
    assert social.sessions.sum() == 85 and social.conversions.sum() == 4
    assert social.paid_conversions.sum() == social.ga4_conversions.sum() == 0


def test_a_first_order_tagged_with_a_meta_campaign_id_is_acquired_by_that_campaign(meta_con):
    build(meta_con, meta_rules())
    at = pd.Timestamp("2026-03-02 10:00", tz="UTC")
    orders = ibis.memtable(pd.DataFrame({
        "customer_key": ["a", "b", "c"], "order_id": ["1", "2", "3"], "ordered_at": at,
        "order_date": D1, "source": ["google", "facebook", "google"],
        "medium": ["cpc", "paid_social", "organic"],
        "campaign": ["Zoek", "prospectie-nl", "(organic)"], "campaign_id": ["100", "7001", None],
    }))
    got = meta_con.execute(acquisition(orders, meta_con.table(model.CAMPAIGN_DIM),
                                       meta_rules()))
    assert got[["campaign_key", "channel"]].values.tolist() == [
        ["gads:100", "Paid Search"], ["meta:7001", "Paid Social"],
        ["ga4:google/organic/(organic)", "Organic Search"]]
