"""The model and roll-ups on a hand-built account whose KPIs are worked out on paper."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from kpi import model, rollup
from tests.kpi import handmade
from tests.kpi.conftest import build, rules


def value(con, metric: str, grain: str = "week", level: str = "total", **dims) -> float | None:
    t = con.table(rollup.VALUES_TABLE)
    t = t.filter((t.metric == metric) & (t.grain == grain) & (t.level == level))
    for column, wanted in dims.items():
        t = t.filter(t[column] == wanted)
    frame = con.execute(t)
    assert len(frame) == 1, f"{metric} {grain} {level} {dims}: {len(frame)} rows"
    result = frame["value"].iloc[0]
    return None if pd.isna(result) else float(result)


def test_week_kpis_are_ratios_of_sums_not_means_of_days(handmade_con):
    con = handmade_con
    build(con, rules())
    # Week of 2026-03-02: cost 60 + 60; purchases 7 + 0; leads 1 + 3 (organic 2 + Ads 1).
    assert value(con, "cost") == pytest.approx(120.0)
    assert value(con, "cpa_blended") == pytest.approx(120 / 7)
    assert value(con, "cpl_blended") == pytest.approx(120 / 4)  # mean of daily CPLs would be 40
    assert value(con, "cpl_blended", grain="day", period_start=handmade.D1) == pytest.approx(60.0)
    assert value(con, "cpl_blended", grain="day", period_start=handmade.D2) == pytest.approx(20.0)
    assert value(con, "roas_blended") == pytest.approx(680 / 120)
    assert value(con, "ctr") == pytest.approx(350 / 8000)
    assert value(con, "cpm") == pytest.approx(120 / 8000 * 1000)
    assert value(con, "conversion_rate") == pytest.approx(11 / 1120)
    assert value(con, "engagement_rate") == pytest.approx(650 / 1120)
    assert value(con, "aov") == pytest.approx(680 / 7)


def test_zero_denominator_gives_null_not_infinity(handmade_con):
    con = handmade_con
    build(con, rules())
    # Day 2 has no purchases: CPA and AOV have no value.
    assert value(con, "cpa", grain="day", period_start=handmade.D2) is None
    assert value(con, "aov", grain="day", period_start=handmade.D2) is None
    # Organic traffic has no cost and no impressions.
    assert value(con, "ctr", level="channel", channel="Organic Search") is None


def test_ads_attribution_counts_actions_and_skips_ga4_events_of_ads_campaigns(handmade_con):
    con = handmade_con
    build(con, rules())
    assert value(con, "leads", level="campaign", campaign_key="gads:100") == 2.0
    assert value(con, "purchases", level="campaign", campaign_key="gads:100") == 1.0
    assert value(con, "revenue", level="campaign", campaign_key="gads:100") == 100.0
    # The signup action counts in neither.
    assert value(con, "conversions", level="channel", channel="Paid Search") == 3.0
    # Performance Max conversions sit at campaign level.
    assert value(con, "purchases", level="ad_group", ad_group_key="gads:200:-") == 2.0


def test_ga4_attribution_counts_key_events_everywhere(handmade_con):
    con = handmade_con
    build(con, rules(attribution="ga4"))
    assert value(con, "leads") == 3.0  # cpc 1 + organic 2
    assert value(con, "purchases") == 5.0  # cpc 1 + organic 4
    assert value(con, "revenue") == 490.0
    assert value(con, "purchases", level="campaign", campaign_key="gads:200") == 0.0


def test_sessions_join_the_ads_campaign_by_id_and_the_latest_name_wins(handmade_con):
    con = handmade_con
    build(con, rules())
    t = con.execute(con.table(rollup.VALUES_TABLE).filter(
        lambda t: (t.level == "campaign") & (t.metric == "sessions") & (t.grain == "week")))
    paid = t[t.campaign_key == "gads:100"]
    assert paid["campaign_name"].tolist() == ["Zoek – nieuw"]
    assert paid["value"].tolist() == [220.0]
    assert value(con, "ctr", level="campaign", campaign_key="gads:100") == pytest.approx(250 / 3000)
    assert value(con, "conversion_rate", level="campaign", campaign_key="gads:100") == (
        pytest.approx(3 / 220))


def test_channels_follow_the_rules(handmade_con):
    con = handmade_con
    build(con, rules())
    channels = con.execute(con.table(model.CAMPAIGN_DIM))
    assert dict(zip(channels.campaign_key, channels.channel, strict=True)) == {
        "gads:100": "Paid Search",
        "gads:200": "Shopping & PMax",
        "ga4:google/organic/(organic)": "Organic Search",
        "ga4:nieuwsbrief/email/nieuwsbrief-2026-03": "Email",
    }


def test_every_level_and_grain_adds_up_to_the_total(handmade_con):
    con = handmade_con
    build(con, rules())
    sums = con.execute(con.table(rollup.ROLLUP_TABLE))
    for grain in ("day", "week", "month"):
        for level in ("total", "channel", "campaign", "ad_group"):
            part = sums[(sums.grain == grain) & (sums.level == level)]
            assert part["cost"].sum() == pytest.approx(120.0), (grain, level)
            assert part["sessions"].sum() == pytest.approx(1120.0), (grain, level)


def test_most_specific_target_applies_and_direction_decides(handmade_con):
    con = handmade_con
    targets = (rollup.TargetRow("cpa", 50.0), rollup.TargetRow("cpa", 20.0, channel="Paid Search"),
               rollup.TargetRow("roas", 6.0))
    build(con, rules(), targets)
    t = con.execute(con.table(rollup.VALUES_TABLE).filter(
        lambda t: (t.grain == "week") & t.metric.isin(["cpa", "roas"])))
    total_cpa = t[(t.level == "total") & (t.metric == "cpa")].iloc[0]
    assert total_cpa.target == 50.0 and bool(total_cpa.on_target)  # paid: 120 / 3 = 40 <= 50
    assert total_cpa.vs_target == pytest.approx((120 / 3) / 50 - 1)
    search_cpa = t[(t.level == "channel") & (t.channel == "Paid Search") & (t.metric == "cpa")]
    assert search_cpa.target.iloc[0] == 20.0 and not bool(search_cpa.on_target.iloc[0])  # 100
    roas = t[(t.level == "total") & (t.metric == "roas")].iloc[0]
    assert roas.target == 6.0 and not bool(roas.on_target)  # paid: 280 / 120 < 6


def test_previous_period_and_change(handmade_con):
    con = handmade_con
    build(con, rules())
    t = con.execute(con.table(rollup.VALUES_TABLE).filter(
        lambda t: (t.grain == "day") & (t.level == "total") & (t.metric == "sessions")))
    day2 = t[t.period_start == pd.Timestamp(handmade.D2)].iloc[0]
    assert day2.previous_value == 680.0
    assert day2.change == pytest.approx(440 / 680 - 1)
    day1 = t[t.period_start == pd.Timestamp(handmade.D1)].iloc[0]
    assert pd.isna(day1.previous_value)


def test_provisional_and_complete_periods(handmade_con):
    con = handmade_con
    build(con, rules(), provisional_since=handmade.D2)
    t = con.execute(con.table(rollup.ROLLUP_TABLE).filter(lambda t: t.level == "total"))
    days = t[t.grain == "day"].sort_values("period_start")
    assert days.provisional.tolist() == [False, True]
    assert days.complete.tolist() == [True, True]
    week = t[t.grain == "week"].iloc[0]
    assert bool(week.provisional) and not bool(week.complete)  # data ends on Tuesday
    assert week.period_label == "2026-W10"
    assert t[t.grain == "month"].iloc[0].period_label == "2026-03"


def test_other_currencies_are_converted_and_a_missing_rate_is_named(tmp_path):
    from pipelines.warehouse.store import connect, write_extract

    con = connect(tmp_path / "usd.duckdb")
    for extract in handmade.extracts():
        frame = extract.frame.assign(currency_code="USD") if extract.stream.source == "google_ads" \
            else extract.frame
        write_extract(con, dataclasses.replace(extract, frame=frame))
    with pytest.raises(ValueError, match=r"no exchange rate from USD to EUR.*fx_rates\.USD"):
        build(con, rules())
    build(con, rules(fx_rates={"USD": 0.5}))
    assert value(con, "cost") == pytest.approx(60.0)
    assert value(con, "revenue", level="channel", channel="Shopping & PMax") == pytest.approx(90.0)


def raw_tables(con):
    from pipelines.sources.streams import STREAMS

    return {name: con.table(s.table) for name, s in STREAMS.items()}


def test_spend_the_ad_groups_do_not_account_for_stays_at_campaign_level(tmp_path):
    """Campaign totals are authoritative: an ad group missing from the ad group report (all-zero
    rows are not returned, or a report gap) must not lose its spend."""
    from pipelines.warehouse.store import connect, write_extract

    con = connect(tmp_path / "gap.duckdb")
    for extract in handmade.extracts():
        frame = extract.frame
        if extract.stream.name == "ads_ad_group_daily":
            frame = frame[frame.ad_group_id != "102"]
        write_extract(con, dataclasses.replace(extract, frame=frame))
    build(con, rules())
    assert value(con, "cost") == pytest.approx(120.0)
    assert value(con, "cost", level="ad_group", ad_group_key="gads:100:-") == pytest.approx(30.0)
    assert value(con, "clicks", level="campaign", campaign_key="gads:100") == 250.0


def test_the_model_reconciles_with_raw_and_a_lost_row_is_caught(handmade_con):
    from kpi.quality import model_off_raw

    con = handmade_con
    build(con, rules())
    raw, facts = raw_tables(con), con.table(model.MODEL_TABLE)
    gaps = model_off_raw(facts, raw, rules(), ["EUR"], handmade.D1, handmade.D2)
    assert con.execute(gaps).empty
    con.con.execute("DELETE FROM campaign_daily WHERE ad_group_key = 'gads:100:102'")
    gaps = con.execute(model_off_raw(con.table(model.MODEL_TABLE), raw, rules(), ["EUR"],
                                     handmade.D1, handmade.D2))
    assert set(gaps.measure) == {"impressions", "clicks", "cost"}
    cost = gaps[gaps.measure == "cost"].iloc[0]
    assert (cost.expected, cost.actual) == (60.0, 30.0)


def test_the_rollup_reconciles_with_the_model_and_a_doubling_join_is_caught(handmade_con):
    from kpi.quality import unreconciled

    con = handmade_con
    build(con, rules())
    facts = con.table(model.MODEL_TABLE)
    assert con.execute(unreconciled(con.table(rollup.ROLLUP_TABLE), facts)).empty
    # A duplicated dimension row would double every level that joins it.
    con.con.execute("INSERT INTO dim_campaign SELECT * FROM dim_campaign "
                    "WHERE campaign_key = 'gads:200'")
    spec = rollup.RollupSpec(handmade.D1, handmade.D2, None)
    doubled = rollup.rollup(facts, con.table(model.CAMPAIGN_DIM), con.table(model.AD_GROUP_DIM),
                            spec)
    gaps = con.execute(unreconciled(doubled, facts))
    assert not gaps.empty and "cost" in set(gaps.measure)


def test_an_action_listed_as_lead_by_name_and_purchase_by_id_counts_once(handmade_con):
    con = handmade_con
    build(con, rules(purchase_actions=("Aankoop – webshop", "1")))  # "1" is the lead action
    assert value(con, "leads", level="campaign", campaign_key="gads:100") == 2.0
    assert value(con, "conversions", level="campaign", campaign_key="gads:100") == 3.0
