"""The lead-to-revenue model on a planted CRM (tests/kpi/crm_handmade.py) beside the hand-made
account: matching levels, facts by lead date, the KPIs at every level against targets, and
the incremental path (a deal won later reaches the model and the roll-ups by its lead date)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi import model, rollup, rollup_update
from kpi.crm import match
from kpi.crm import tables as crm
from kpi.crm.match import SourceChannels
from kpi.model_crm import CRM_LOG_TABLE, CRM_TABLE
from pipelines.sources.base import Window
from pipelines.sources.streams import STREAMS
from pipelines.warehouse.freshness import MODEL_INPUTS_TABLE, input_logs, unmodelled_dates
from pipelines.warehouse.store import replace_tables, replace_window, replace_with_arrow
from tests.kpi import crm_handmade, handmade
from tests.kpi.conftest import rules

D1, D2 = handmade.D1, handmade.D2
NIGHT = dt.datetime(2026, 3, 25, 6, tzinfo=dt.UTC)
CRM_RULES = crm.CrmRules("Europe/Brussels", lambda code: {"EUR": 1.0, "USD": 0.9}[code],
                         SourceChannels(), D1, D2)


def night(con, now=NIGHT) -> crm.Funnel:
    """The CRM asset's work: funnel recomputed whole, written with its log."""
    result = crm.read_funnel(con, CRM_RULES, now)
    import pyarrow as pa
    replace_with_arrow(con, {t: pa.Table.from_pandas(f, preserve_index=False)
                             for t, f in result.frames().items()})
    return result


def build_model(con, windows) -> None:
    """The model asset's work for ``windows`` (with the CRM stacked) and the dimensions."""
    raw = {name: con.table(s.table) for name, s in STREAMS.items()}
    currencies = con.execute(model.currency_codes(raw))["currency_code"].tolist()
    log = input_logs(con)
    for part in windows:
        replace_window(con, model.MODEL_TABLE,
                       model.campaign_daily(raw, rules(), currencies, part.start, part.end,
                                            con.table(CRM_TABLE)),
                       part, companions={MODEL_INPUTS_TABLE: log.filter(
                           log.date.between(part.start, part.end))})
    campaigns = model.campaign_dimension(raw, rules(), con.table(CRM_TABLE))
    replace_tables(con, {model.CAMPAIGN_DIM: campaigns,
                         model.AD_GROUP_DIM: model.ad_group_dimension(raw, campaigns)})


TARGETS = (rollup.TargetRow("cost_per_won_deal", 50.0),
           rollup.TargetRow("revenue_roas", 5.0, campaign="gads:100"))
SPEC = rollup.RollupSpec(D1, D2, None, TARGETS)


@pytest.fixture
def crm_con(handmade_con):
    crm_handmade.write(handmade_con)
    night(handmade_con)
    build_model(handmade_con, [handmade.WINDOW])
    rollup_update.update(handmade_con, SPEC, "EUR")
    return handmade_con


def values(con, metric: str, level: str, grain: str = "week") -> pd.DataFrame:
    v = con.table(rollup.VALUES_TABLE)
    return con.execute(v.filter((v.metric == metric) & (v.level == level) & (v.grain == grain)))


def test_every_contact_is_matched_at_one_level(crm_con):
    result = crm.read_funnel(crm_con, CRM_RULES, NIGHT)
    levels = dict(zip(result.matches["contact_key"], result.matches["match_level"], strict=True))
    keys = dict(zip(result.matches["contact_key"], result.matches["campaign_key"], strict=True))
    assert levels == {"c1": "campaign_id", "c2": "campaign_name", "c3": "campaign_name",
                      "c4": "click_id_unresolved", "c5": "source", "c6": "unmatched",
                      "c7": "campaign_id"}
    assert keys["c2"] == "gads:100" and keys["c3"] == "gads:200"  # an old name; case, spacing
    assert keys["c4"] == "crm:PAID_SEARCH" and keys["c6"] == "crm:unknown"
    rates = result.rates.set_index("match_level")["contacts"].to_dict()
    assert rates == {"click_id": 0, "campaign_id": 2, "campaign_name": 2, "drill_down": 0,
                     "click_id_unresolved": 1, "source": 1, "unmatched": 1}


def test_facts_by_lead_date_keep_totals_whole(crm_con):
    facts = crm_con.execute(crm_con.table(CRM_TABLE))
    assert str(crm_con.table(CRM_TABLE).schema()["date"]) == "date"
    facts["date"] = pd.to_datetime(facts["date"]).dt.date
    assert facts["crm_leads"].sum() == 6  # c7's lead date is before the history
    by = facts.set_index(["date", "campaign_key"])
    row = by.loc[(D1, "gads:100")]
    assert (row.crm_leads, row.crm_mqls, row.crm_sqls, row.crm_won_deals,
            row.crm_won_revenue) == (2, 2, 1, 1, 1000.0)
    assert by.loc[(D2, "gads:200")].crm_pipeline_value == 500.0
    assert by.loc[(D1, "crm:unknown")].crm_won_revenue == 200.0  # a deal with no contact
    stored = crm_con.execute(crm_con.table(model.MODEL_TABLE))
    assert stored["crm_leads"].sum() == 6 and stored["crm_won_revenue"].sum() == 1200.0
    assert stored["paid_crm_won_revenue"].sum() == 1000.0  # gads:100 only


def test_a_paid_lead_of_unknown_campaign_counts_for_the_account(handmade_con):
    # c4 (paid search, campaign unknown) wins a deal: the paid cost bought it, so it counts in
    # the account's and the channel's cost per won deal (not in any campaign's); c5's deal
    # (organic) would not
    won = crm_handmade.deal("w3", "won", 400.0, D2, D2 + dt.timedelta(days=3))
    deals = pd.concat([crm_handmade.deals(), pd.DataFrame([won])], ignore_index=True)
    pairs = crm_handmade.pairs()
    pairs = pd.concat([pairs, pairs.head(1).assign(contact_key="c4", deal_key="w3")],
                      ignore_index=True)
    crm_handmade.write(handmade_con, deal_rows=deals.astype(crm_handmade.deals().dtypes),
                       pair_rows=pairs)
    night(handmade_con)
    build_model(handmade_con, [handmade.WINDOW])
    rollup_update.update(handmade_con, SPEC, "EUR")
    stored = handmade_con.execute(handmade_con.table(model.MODEL_TABLE))
    by_key = stored.groupby("campaign_key")[["crm_won_deals", "paid_crm_won_deals"]].sum()
    assert by_key.loc["crm:PAID_SEARCH"].tolist() == [1.0, 1.0]
    total = values(handmade_con, "cost_per_won_deal", "total").iloc[0]
    assert total["numerator"] == pytest.approx(120.0) and total["denominator"] == 2.0
    channel = values(handmade_con, "cost_per_won_deal", "channel").set_index("channel")
    assert channel.loc["Paid Search", "denominator"] == 2.0
    camp = values(handmade_con, "cost_per_won_deal", "campaign").set_index("campaign_key")
    assert camp.loc["gads:100", "denominator"] == 1.0


def test_the_paid_source_keys_are_the_paid_platforms_sources():
    assert set(model.PAID_SOURCE_KEYS) == {
        match.CRM_PREFIX + source for source in match.PLATFORM_OF_SOURCE}


def test_kpis_at_every_level_with_targets(crm_con):
    # Campaign 100: cost 40 (D1) + 60 (D2) = 100 in the week, one won deal of 1,000.
    camp = values(crm_con, "cost_per_won_deal", "campaign").set_index("campaign_key")
    assert camp.loc["gads:100", "value"] == pytest.approx(100.0)
    assert camp.loc["gads:100", "target"] == 50.0 and not camp.loc["gads:100", "on_target"]
    roas = values(crm_con, "revenue_roas", "campaign").set_index("campaign_key")
    assert roas.loc["gads:100", "value"] == pytest.approx(10.0)
    assert roas.loc["gads:100", "target"] == 5.0 and roas.loc["gads:100", "on_target"]
    assert pd.isna(camp.loc["crm:unknown", "value"])  # no cost, no paid deals: null
    total = values(crm_con, "cost_per_won_deal", "total").iloc[0]
    assert total["numerator"] == pytest.approx(120.0) and total["denominator"] == 1.0
    rate = values(crm_con, "lead_to_won_rate", "total").iloc[0]
    assert rate["value"] == pytest.approx(2 / 6)  # both won deals over every CRM lead
    channel = values(crm_con, "crm_leads", "channel").set_index("channel")["value"].to_dict()
    assert channel["Organic Search"] == 1 and channel["Other"] == 1
    assert sum(channel.values()) == 6
    day = values(crm_con, "crm_sqls", "campaign", grain="day")
    assert day["value"].sum() == 2  # c1 on D1, c3 on D2


def test_a_deal_won_later_reaches_its_lead_date_only(crm_con):
    deals = crm_handmade.deals()
    deals.loc[deals["deal_key"] == "o1", ["outcome", "closed_at"]] = (
        "won", pd.Timestamp("2026-03-30T10:00:00Z"))
    crm_handmade.write(crm_con, deal_rows=deals)
    later = NIGHT + dt.timedelta(days=6)
    result = night(crm_con, later)
    assert result.changed == (D2,)
    log = crm_con.execute(crm_con.table(CRM_LOG_TABLE))
    log = dict(zip(pd.to_datetime(log["date"]).dt.date, log["extracted_at"], strict=True))
    assert log[D2] == pd.Timestamp(later) and log[D1] == pd.Timestamp(NIGHT)
    assert unmodelled_dates(crm_con) == [D2]
    build_model(crm_con, [Window(D2, D2)])
    # Two days of history: D2's month is longer than all of it, so force the incremental path.
    done = rollup_update.update(crm_con, SPEC, "EUR", full_share=100.0)
    assert done.mode == "incremental", done.reason
    assert done.periods == 3  # D2's day, week and month
    incremental = crm_con.execute(crm_con.table(rollup.VALUES_TABLE))
    rollup_update.update(crm_con, SPEC, "EUR", full=True)
    whole = crm_con.execute(crm_con.table(rollup.VALUES_TABLE))
    order = list(rollup.VALUES_ORDER)
    pd.testing.assert_frame_equal(incremental.sort_values(order).reset_index(drop=True),
                                  whole.sort_values(order).reset_index(drop=True))
    camp = values(crm_con, "crm_won_deals", "campaign").set_index("campaign_key")
    assert camp.loc["gads:200", "value"] == 1


def test_an_erased_contact_leaves_its_date_rebuilt(crm_con):
    contacts = crm_handmade.contacts()
    crm_handmade.write(crm_con, contact_rows=contacts[contacts["contact_key"] != "c5"])
    result = night(crm_con, NIGHT + dt.timedelta(days=1))
    assert result.changed == (D2,)
    assert "crm:ORGANIC_SEARCH" not in set(result.facts["campaign_key"])


def test_an_unchanged_night_changes_nothing(crm_con):
    result = night(crm_con, NIGHT + dt.timedelta(days=1))
    assert result.changed == ()
    assert unmodelled_dates(crm_con) == []


def test_a_deal_in_a_currency_without_rate_is_refused(crm_con):
    deals = crm_handmade.deals()
    deals.loc[deals["deal_key"] == "w1", "currency_code"] = "GBP"
    crm_handmade.write(crm_con, deal_rows=deals)
    with pytest.raises(KeyError):
        crm.read_funnel(crm_con, CRM_RULES, NIGHT)


def test_a_lead_ad_contact_is_matched_by_its_source_drill_down():
    """Meta lead ads synced into the CRM carry no UTM and no click id: the campaign sits in the
    paid source's second drill-down, as an ID or a name; never across platforms."""
    contacts = pd.DataFrame({
        "contact_key": ["f1", "f2", "f3", "f4"],
        "created_at": pd.to_datetime(["2026-03-02T10:00:00Z"] * 4, utc=True),
        "lead_at": pd.to_datetime([None] * 4, utc=True),
        "utm_campaign": [None] * 4,
        "original_source": ["PAID_SOCIAL", "PAID_SOCIAL", "PAID_SEARCH", "PAID_SOCIAL"],
        "source_drill_2": ["777", " Lead  FORMS nl ", "777", "Brand"],
        "gclid_key": [None] * 4, "fbclid_key": [None] * 4})
    campaigns = pd.DataFrame({"campaign_key": ["meta:777", "gads:100"],
                              "campaign_id": ["777", "100"],
                              "campaign_name": ["Lead forms NL", "Brand"],
                              "last_date": [dt.date(2026, 3, 1)] * 2})
    out = match.match_contacts(contacts, campaigns, match.SourceChannels(), "Europe/Brussels")
    assert out["campaign_key"].tolist() == ["meta:777", "meta:777", "crm:PAID_SEARCH",
                                            "crm:PAID_SOCIAL"]
    assert out["match_level"].tolist() == ["drill_down", "drill_down", "source", "source"]
    rates = match.match_rates(out).set_index("match_level")
    assert bool(rates.loc["drill_down", "resolved"]) and rates.loc["drill_down", "share"] == 0.5
