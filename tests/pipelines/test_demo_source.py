"""The demo source behaves like GA4 and Google Ads, and its planted truths are there to find."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.sources.base import Window
from pipelines.sources.demo import (
    BUDGET_LIMITED_CAMPAIGN_ID,
    CAMPAIGNS,
    CUSTOMER_ID,
    INEFFICIENT_CAMPAIGN_ID,
    LEAD_ACTIONS,
    PMAX_CAMPAIGN_ID,
    PROPERTY_ID,
    PURCHASE_ACTIONS,
    RENAMED_CAMPAIGN_ID,
    DemoSettings,
    DemoSource,
)
from pipelines.sources.demo.meta_world import META_ACCOUNT_ID
from pipelines.sources.demo.world import LATE_LAUNCH_CAMPAIGN_ID, by_id
from pipelines.sources.streams import STREAMS, Stream
from pipelines.warehouse.conform import to_arrow

START, END = dt.date(2025, 10, 20), dt.date(2026, 11, 22)  # 399 days, Christmas included
ALL = Window(START, END)
ADS = ("ads_campaign_daily", "ads_ad_group_daily", "ads_conversion_action_daily")
GA4 = ("ga4_sessions_daily", "ga4_key_events_daily")


@cache
def source(end: dt.date = END, seed: int = 7, **kw: object) -> DemoSource:
    return DemoSource(DemoSettings(START, end, seed=seed, **kw))  # type: ignore[arg-type]


def pull(name: str, window: Window = ALL, src: DemoSource | None = None) -> pd.DataFrame:
    return (src or source()).pull(STREAMS[name], window).frame


def last_days(frame: pd.DataFrame, days: int, end: dt.date = END) -> pd.DataFrame:
    return frame[frame["date"] > end - dt.timedelta(days=days)]


def with_kinds(actions: pd.DataFrame) -> pd.DataFrame:
    name = actions["conversion_action_name"]
    return actions.assign(leads=actions["conversions"].where(name.isin(LEAD_ACTIONS), 0.0),
                          purchases=actions["conversions"].where(name.isin(PURCHASE_ACTIONS), 0.0))


# -- contract ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(STREAMS))
def test_every_stream_conforms(name: str) -> None:
    stream: Stream = STREAMS[name]
    extract = source().pull(stream, ALL)
    assert tuple(extract.frame.columns) == stream.column_names
    assert len(extract.frame) > 0
    assert to_arrow(extract.frame, stream).num_rows == len(extract.frame)
    assert extract.extracted_at == source().settings.as_of
    assert (extract.frame["extracted_at"] == pd.Timestamp(extract.extracted_at)).all()
    assert set(extract.frame["currency_code"]) == {"EUR"}
    assert set(extract.frame["time_zone"]) == {"Europe/Brussels"}
    if stream.source == "ga4":
        assert extract.metadata["subject_to_thresholding"] is False
        assert set(extract.frame["property_id"]) == {PROPERTY_ID}
    elif stream.source == "meta_ads":
        assert extract.metadata["account_id"] == META_ACCOUNT_ID
        assert set(extract.frame["account_id"]) == {META_ACCOUNT_ID}
    else:
        assert extract.metadata["customer_id"] == CUSTOMER_ID
        assert set(extract.frame["customer_id"]) == {CUSTOMER_ID}


def test_as_of_is_six_in_brussels_the_morning_after_end() -> None:
    winter = DemoSettings(START, dt.date(2026, 1, 10)).as_of
    summer = DemoSettings(START, dt.date(2026, 7, 10)).as_of
    assert (winter.isoformat(), summer.isoformat()) == (
        "2026-01-11T05:00:00+00:00", "2026-07-11T04:00:00+00:00")


def test_catalogue_looks_like_the_account() -> None:
    assert 12 <= len(CAMPAIGNS) <= 14
    assert 33 <= sum(len(c.ad_groups) for c in CAMPAIGNS) <= 37
    ids = [c.id for c in CAMPAIGNS]
    group_ids = [g.id for c in CAMPAIGNS for g in c.ad_groups]
    assert len(set(ids)) == len(ids) and all(len(i) == 10 and i.isdigit() for i in ids)
    assert len(set(group_ids)) == len(group_ids)
    assert all(len(i) == 11 and i.isdigit() for i in group_ids)
    names = " ".join(c.name for c in CAMPAIGNS)
    assert "–" in names and "'" in names and "&" in names
    assert {c.channel_type for c in CAMPAIGNS} == {
        "SEARCH", "SHOPPING", "PERFORMANCE_MAX", "DISPLAY", "VIDEO"}


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="before"):
        DemoSettings(END, START)
    with pytest.raises(ValueError, match="traffic_scale"):
        DemoSettings(START, END, traffic_scale=0)


# -- determinism and windows -------------------------------------------------------------------

@pytest.mark.parametrize("name", list(STREAMS))
def test_same_settings_same_frames(name: str) -> None:
    fresh = DemoSource(DemoSettings(START, END))
    pd.testing.assert_frame_equal(pull(name, src=fresh), pull(name))


def test_another_seed_gives_other_numbers() -> None:
    other = pull("ads_campaign_daily", src=source(seed=8))
    assert not other["cost_micros"].equals(pull("ads_campaign_daily")["cost_micros"])


@settings(max_examples=25, deadline=None)
@given(first=st.dates(START - dt.timedelta(days=20), END), days=st.integers(1, 45),
       name=st.sampled_from(list(STREAMS)))
def test_a_window_equals_the_same_dates_of_a_bigger_pull(
    first: dt.date, days: int, name: str
) -> None:
    window = Window(first, first + dt.timedelta(days=days - 1))
    got = pull(name, window, DemoSource(DemoSettings(START, END)))
    full = pull(name)
    expected = full[(full["date"] >= window.start) & (full["date"] <= window.end)]
    pd.testing.assert_frame_equal(got, expected.reset_index(drop=True))
    assert to_arrow(got, STREAMS[name]).num_rows == len(got)


def test_dates_outside_the_history_give_no_rows() -> None:
    before = Window(START - dt.timedelta(days=10), START - dt.timedelta(days=1))
    frame = pull("ads_campaign_daily", before)
    assert frame.empty and to_arrow(frame, STREAMS["ads_campaign_daily"]).num_rows == 0


def test_a_days_truth_does_not_depend_on_the_history_end() -> None:
    short = pull("ads_ad_group_daily", src=source(end=dt.date(2026, 6, 30)))
    full = pull("ads_ad_group_daily")
    key = ["date", "ad_group_id"]
    both = short.merge(full, on=key, suffixes=("", "_full"))
    assert len(both) == len(short)
    for col in ("impressions", "clicks", "cost_micros"):
        assert (both[col] == both[f"{col}_full"]).all()


# -- late data ---------------------------------------------------------------------------------

def test_conversions_arrive_late_and_become_final_after_31_days() -> None:
    day = dt.date(2026, 9, 1)
    seen = []
    for delay in (0, 1, 3, 7, 20, 30, 31, 45):
        frame = pull("ads_conversion_action_daily", Window(day, day),
                     source(end=day + dt.timedelta(days=delay)))
        seen.append(frame.groupby(["ad_group_id", "conversion_action_id"], dropna=False)
                    ["conversions"].sum())
    counts = pd.concat(seen, axis=1).fillna(0.0)
    assert (counts.diff(axis=1).iloc[:, 1:] >= 0).all().all()  # never goes down
    assert (counts == counts.round()).all().all()  # integer counts
    totals = counts.sum()
    assert 0.4 < totals.iloc[0] / totals.iloc[-1] < 0.7  # ~55 % seen the next morning
    assert totals.iloc[3] / totals.iloc[-1] > 0.8  # most within a week
    assert counts.iloc[:, -3].equals(counts.iloc[:, -1])  # final once 31 days old


def test_old_days_do_not_change_when_as_of_moves() -> None:
    later = source(end=END + dt.timedelta(days=10))
    old = Window(START, END - dt.timedelta(days=31))
    for name in ("ads_campaign_daily", "ads_conversion_action_daily", "ga4_key_events_daily"):
        a, b = pull(name, old), pull(name, old, later)
        pd.testing.assert_frame_equal(a.drop(columns="extracted_at"),
                                      b.drop(columns="extracted_at"))


def test_ga4_restates_its_last_two_days() -> None:
    later = source(end=END + dt.timedelta(days=5))
    window = Window(END - dt.timedelta(days=3), END)
    now = pull("ga4_sessions_daily", window).groupby("date")["sessions"].sum()
    final = pull("ga4_sessions_daily", window, later).groupby("date")["sessions"].sum()
    share = (now / final).round(2)
    assert share.tolist() == [1.0, 1.0, 0.99, 0.96]


# -- reconciliation ----------------------------------------------------------------------------

METRICS = ["impressions", "clicks", "cost_micros", "conversions", "conversions_value"]


def test_campaign_rows_are_the_sum_of_their_ad_groups() -> None:
    camp = pull("ads_campaign_daily").set_index(["date", "campaign_id"])[METRICS]
    groups = pull("ads_ad_group_daily").groupby(["date", "campaign_id"])[METRICS].sum()
    with_groups = camp.loc[camp.index.get_level_values("campaign_id") != PMAX_CAMPAIGN_ID]
    assert with_groups.index.sort_values().equals(groups.index.sort_values())
    joined = with_groups.join(groups, suffixes=("", "_groups"))
    for col in METRICS:
        assert joined[col].to_numpy() == pytest.approx(joined[f"{col}_groups"].to_numpy())


@pytest.mark.parametrize(("name", "key"), [("ads_campaign_daily", "campaign_id"),
                                           ("ads_ad_group_daily", "ad_group_id")])
def test_conversion_action_rows_reconcile(name: str, key: str) -> None:
    frame = pull(name).set_index(["date", key])[["conversions", "conversions_value"]]
    actions = pull("ads_conversion_action_daily").groupby(["date", key])[
        ["conversions", "conversions_value"]].sum()
    joined = frame.join(actions, suffixes=("", "_actions")).fillna(0.0)
    assert set(actions.index) <= set(frame.index)
    for col in ("conversions", "conversions_value"):
        assert joined[col].to_numpy() == pytest.approx(joined[f"{col}_actions"].to_numpy())


def test_lead_rows_carry_no_value() -> None:
    actions = pull("ads_conversion_action_daily")
    leads = actions[actions["conversion_action_name"].isin(LEAD_ACTIONS)]
    assert (leads["conversions_value"] == 0).all()
    assert set(actions["conversion_action_category"]) == {
        "SUBMIT_LEAD_FORM", "PHONE_CALL_LEAD", "PURCHASE", "SIGNUP"}


def test_no_all_zero_rows() -> None:
    for name in ADS:
        stream = STREAMS[name]
        metrics = [c for c, t in stream.columns if t in ("int64", "float64")
                   and c != "budget_micros"]
        assert (pull(name)[metrics] != 0).any(axis=1).all(), name
    assert (pull("ga4_sessions_daily")["sessions"] > 0).all()
    assert (pull("ga4_key_events_daily")["key_events"] > 0).all()


def test_performance_max_has_no_ad_groups() -> None:
    assert PMAX_CAMPAIGN_ID in set(pull("ads_campaign_daily")["campaign_id"])
    assert PMAX_CAMPAIGN_ID not in set(pull("ads_ad_group_daily")["campaign_id"])
    actions = pull("ads_conversion_action_daily")
    pmax = actions["campaign_id"] == PMAX_CAMPAIGN_ID
    assert pmax.any() and actions.loc[pmax, "ad_group_id"].isna().all()
    assert actions.loc[~pmax, "ad_group_id"].notna().all()


def test_renamed_campaign_keeps_its_id() -> None:
    camp = pull("ads_campaign_daily")
    rows = camp[camp["campaign_id"] == RENAMED_CAMPAIGN_ID].sort_values("date")
    names = rows["campaign_name"].drop_duplicates().tolist()
    assert names == [by_id(RENAMED_CAMPAIGN_ID).name, "Search – Expats Brussels – EN"]
    ga4 = pull("ga4_sessions_daily")
    ga4_names = set(ga4.loc[ga4["session_campaign_id"] == RENAMED_CAMPAIGN_ID,
                            "session_campaign_name"])
    assert ga4_names == set(names)


def test_late_launch_campaign_has_no_rows_before_launch() -> None:
    camp = pull("ads_campaign_daily")
    first = camp.loc[camp["campaign_id"] == LATE_LAUNCH_CAMPAIGN_ID, "date"].min()
    assert first == START + dt.timedelta(days=by_id(LATE_LAUNCH_CAMPAIGN_ID).launch_day or 0)


# -- planted truths and realism ----------------------------------------------------------------

def test_inefficient_campaign_is_unmistakable_over_the_last_28_days() -> None:
    camp = last_days(pull("ads_campaign_daily"), 28)
    actions = with_kinds(last_days(pull("ads_conversion_action_daily"), 28))
    mine = actions["campaign_id"] == INEFFICIENT_CAMPAIGN_ID
    own_cost = camp.loc[camp["campaign_id"] == INEFFICIENT_CAMPAIGN_ID, "cost_micros"].sum()
    own = own_cost / (actions.loc[mine, "leads"].sum() + actions.loc[mine, "purchases"].sum())
    account = camp["cost_micros"].sum() / (actions["leads"].sum() + actions["purchases"].sum())
    assert own >= 2.5 * account
    rows = camp[camp["campaign_id"] == INEFFICIENT_CAMPAIGN_ID]
    assert rows["conversions_value"].sum() / (rows["cost_micros"].sum() / 1e6) < 0.8
    assert 120 <= rows["cost_micros"].mean() / 1e6 <= 180


def test_budget_limited_campaign_spends_its_budget_with_the_best_cpl() -> None:
    camp = pull("ads_campaign_daily")
    rows = camp[camp["campaign_id"] == BUDGET_LIMITED_CAMPAIGN_ID]
    assert (rows["cost_micros"] >= 0.9 * rows["budget_micros"]).mean() >= 0.85
    recent = last_days(camp, 28).groupby("campaign_id")["cost_micros"].sum()
    leads = with_kinds(last_days(pull("ads_conversion_action_daily"), 28)).groupby(
        "campaign_id")["leads"].sum()
    cpl = (recent / leads[leads > 0]).dropna()
    assert cpl.idxmin() == BUDGET_LIMITED_CAMPAIGN_ID


def test_christmas_day_has_less_traffic_than_a_week_before() -> None:
    def day_total(name: str, col: str, day: dt.date) -> float:
        return float(pull(name, Window(day, day))[col].sum())

    christmas, week_before = dt.date(2025, 12, 25), dt.date(2025, 12, 18)
    for name, col in (("ads_campaign_daily", "clicks"), ("ga4_sessions_daily", "sessions")):
        assert day_total(name, col, christmas) < 0.85 * day_total(name, col, week_before)


def test_default_scale_is_a_realistic_account() -> None:
    spend = pull("ads_campaign_daily").groupby("date")["cost_micros"].sum() / 1e6
    sessions = pull("ga4_sessions_daily").groupby("date")["sessions"].sum()
    assert 1500 <= spend.mean() <= 3000
    assert 2000 <= sessions.mean() <= 10000
    ga4 = pull("ga4_sessions_daily")
    assert 0.55 <= ga4["engaged_sessions"].sum() / ga4["sessions"].sum() <= 0.70


def test_extra_campaigns_add_three_ad_groups_each() -> None:
    window = Window(END - dt.timedelta(days=6), END)
    big = source(extra_campaigns=5)
    base = pull("ads_ad_group_daily", window)["ad_group_id"].nunique()
    assert pull("ads_ad_group_daily", window, big)["ad_group_id"].nunique() == base + 15
    assert pull("ads_campaign_daily", window, big)["campaign_id"].nunique() == len(CAMPAIGNS) + 5


def test_ga4_sees_paid_and_non_paid_traffic() -> None:
    ga4 = pull("ga4_sessions_daily")
    cpc = ga4[(ga4["session_source"] == "google") & (ga4["session_medium"] == "cpc")]
    camp = pull("ads_campaign_daily")
    assert set(cpc["session_campaign_id"]) == set(camp["campaign_id"])
    named = cpc.merge(camp, left_on=["date", "session_campaign_id"],
                      right_on=["date", "campaign_id"])
    assert len(named) == len(cpc)
    assert (named["session_campaign_name"] == named["campaign_name"]).all()
    ratio = cpc["sessions"].sum() / camp["clicks"].sum()
    assert 0.85 <= ratio <= 0.95
    other = ga4[~ga4["session_medium"].isin(["cpc", "paid_social"])]
    assert {"organic", "(none)", "email", "referral"} <= set(other["session_medium"])
    assert set(other["session_campaign_id"]) == {"(not set)"}
    assert "nieuwsbrief-2026-11" in set(other["session_campaign_name"])
    assert {"(organic)", "(direct)", "(referral)"} <= set(other["session_campaign_name"])


def test_meta_clicks_arrive_in_ga4_as_paid_social_sessions_of_their_campaign() -> None:
    ga4 = pull("ga4_sessions_daily")
    social = ga4[ga4["session_medium"] == "paid_social"]
    meta = pull("meta_adset_daily")
    assert set(social["session_source"]) == {"facebook", "instagram"}
    assert set(social["session_campaign_id"]) == set(meta["campaign_id"])
    names = meta.groupby("campaign_id")["campaign_name"].first()
    assert (social["session_campaign_name"]
            == social["session_campaign_id"].map(names)).all()
    ratio = social["sessions"].sum() / meta["link_clicks"].sum()
    assert 0.75 <= ratio <= 0.85  # slow mobile landing pages lose about a fifth
    assert (meta["link_clicks"] <= meta["clicks"]).all()
    assert (meta["reach"] <= meta["impressions"]).all()


def test_ga4_key_events_track_ads_conversions() -> None:
    events = pull("ga4_key_events_daily")
    assert set(events["event_name"]) == {"generate_lead", "purchase", "sign_up"}
    cpc = events[events["session_medium"] == "cpc"].groupby("event_name")["key_events"].sum()
    actions = with_kinds(pull("ads_conversion_action_daily"))
    assert 0.8 <= cpc["generate_lead"] / actions["leads"].sum() <= 0.9
    assert 0.85 <= cpc["purchase"] / actions["purchases"].sum() <= 0.95
    no_value = events["event_name"] != "purchase"
    assert (events.loc[no_value, "event_value"] == 0).all()
    assert (events.loc[~no_value, "event_value"] > 0).all()
