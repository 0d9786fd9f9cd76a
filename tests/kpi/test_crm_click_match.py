"""Click-id matching through Google Ads' click_view (issue 20): a gclid the click view lists
names the campaign FIRST (before a conflicting UTM); a gclid it does not list (older than 90
days, another account) or a Meta click id stays ``click_id_unresolved`` on its source's channel;
the demo's match rate."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi.crm import match
from kpi.crm import tables as crm
from pipelines.sources.base import Extract, Window
from pipelines.sources.crm.streams import CRM_STREAMS
from pipelines.sources.demo import DemoSettings, DemoSource
from pipelines.sources.demo.crm_source import DemoCrm
from pipelines.sources.streams import STREAMS
from pipelines.warehouse.store import write_extracts
from tests.kpi import crm_handmade
from tests.kpi.test_crm_model import CRM_RULES, NIGHT

CAMPAIGNS = pd.DataFrame({"campaign_key": ["gads:100", "gads:200", "meta:9"],
                          "campaign_id": ["100", "200", "9"],
                          "campaign_name": ["Brand", "Shop", "Spring"],
                          "last_date": [dt.date(2026, 3, 1)] * 3})


def contacts(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"contact_key": [f"k{i}" for i in range(n)],
            "created_at": pd.to_datetime(["2026-03-02T10:00:00Z"] * n, utc=True),
            "lead_at": pd.to_datetime([None] * n, utc=True), "utm_campaign": [None] * n,
            "original_source": ["PAID_SEARCH"] * n, "gclid_key": [None] * n,
            "fbclid_key": [None] * n}
    return pd.DataFrame({**base, **columns})


def clicks(pairs: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"gclid_key": list(pairs), "campaign_id": list(pairs.values()),
                         "date": [dt.date(2026, 3, 2)] * len(pairs)})


def test_a_listed_click_wins_over_a_conflicting_utm():
    frame = contacts(utm_campaign=["100", "Brand", "9", "100"],
                     original_source=["PAID_SEARCH", "PAID_SEARCH", "PAID_SOCIAL", "PAID_SEARCH"],
                     gclid_key=["g1", "g2", "g3", "g_old"])
    out = match.match_contacts(frame, CAMPAIGNS, match.SourceChannels(), "Europe/Brussels",
                               clicks({"g1": "200", "g2": "200", "g3": "100"}))
    assert out["campaign_key"].tolist() == ["gads:200", "gads:200", "gads:100", "gads:100"]
    assert out["match_level"].tolist() == ["click_id", "click_id", "click_id", "campaign_id"]
    assert out["channel"].isna().all()  # a platform campaign's channel is the dimension's


def test_an_unlisted_click_id_is_unresolved_on_its_source_channel():
    frame = contacts(gclid_key=["g_old", None, None], fbclid_key=[None, "f1", None],
                     original_source=["PAID_SEARCH", "PAID_SOCIAL", "PAID_SEARCH"])
    for view in (clicks({"g1": "200"}), None, clicks({})):
        out = match.match_contacts(frame, CAMPAIGNS, match.SourceChannels(), "Europe/Brussels",
                                   view)
        assert out["match_level"].tolist() == ["click_id_unresolved", "click_id_unresolved",
                                               "source"]
        assert out["campaign_key"].tolist() == ["crm:PAID_SEARCH", "crm:PAID_SOCIAL",
                                                "crm:PAID_SEARCH"]
        assert out["channel"].tolist() == ["Paid Search", "Paid Social", "Paid Search"]


def test_rates_count_the_click_id_as_resolved_and_the_unresolved_apart():
    rates = match.match_rates(pd.DataFrame({"match_level": ["click_id", "click_id_unresolved"]}))
    rates = rates.set_index("match_level")
    assert list(rates.index) == list(match.LEVELS) and rates.index[0] == "click_id"
    assert bool(rates.loc["click_id", "resolved"])
    assert not rates.loc["click_id_unresolved", "resolved"]
    problems = match.match_problems(rates.reset_index(), min_resolved=0.9)
    assert problems == ["50.0 % of CRM leads matched to a campaign (below 90 %); 50.0 % have a "
                        "click id the Google Ads click view does not list"]


def test_the_warehouse_click_view_resolves_a_planted_gclid(handmade_con):
    crm_handmade.write(handmade_con)
    before = crm.read_funnel(handmade_con, CRM_RULES, NIGHT).matches.set_index("contact_key")
    assert before.loc["c4", "match_level"] == "click_id_unresolved"
    day = dt.date(2026, 3, 3)
    row = pd.DataFrame({"date": [day], "customer_id": ["1"], "gclid_key": ["g_4"],
                        "campaign_id": ["200"], "ad_group_id": [None], "currency_code": ["EUR"],
                        "time_zone": ["Europe/Brussels"], "extracted_at": [pd.Timestamp(NIGHT)]})
    write_extracts(handmade_con, [Extract(STREAMS["ads_click_view"], Window(day, day), row,
                                          NIGHT, scope="1")])
    after = crm.read_funnel(handmade_con, CRM_RULES, NIGHT)
    m = after.matches.set_index("contact_key")
    assert (m.loc["c4", "match_level"], m.loc["c4", "campaign_key"]) == ("click_id", "gads:200")
    facts = after.facts.set_index(["date", "campaign_key"])
    assert ("crm:PAID_SEARCH" not in after.facts["campaign_key"].tolist()
            and facts.loc[(day, "gads:200"), "crm_leads"] == 2)  # c3 by name, c4 by click
    assert after.facts["crm_leads"].sum() == before.shape[0] - 1  # totals whole (c7 outside)


@pytest.mark.parametrize("days", [120])
def test_the_demo_match_rate(days):
    """Every demo Google Ads quote-form contact is resolved by its click; the rest as before."""
    end = dt.date(2026, 5, 31)
    settings = DemoSettings(end - dt.timedelta(days=days - 1), end)
    source, window = DemoSource(settings), Window(settings.start, settings.end)
    view = source.pull(STREAMS["ads_click_view"], window).frame
    named = pd.concat([source.pull(STREAMS[name], window).frame.pipe(
        lambda f, prefix=prefix: f.assign(campaign_key=prefix + f["campaign_id"]))
        for name, prefix in (("ads_campaign_daily", "gads:"), ("meta_adset_daily", "meta:"))])
    campaigns = (named.groupby(["campaign_key", "campaign_id", "campaign_name"], as_index=False)
                 .agg(last_date=("date", "max")))
    people = DemoCrm(settings).pull(CRM_STREAMS["crm_contacts"], None)
    out = match.match_contacts(people, campaigns, match.SourceChannels(), "Europe/Brussels",
                               view)
    before = match.match_contacts(people, campaigns, match.SourceChannels(),
                                  "Europe/Brussels")
    rates = match.match_rates(out).set_index("match_level")
    with_gclid = people["gclid_key"].notna()
    assert (out.loc[with_gclid.to_numpy(), "match_level"] == "click_id").all()
    assert rates.loc["click_id", "contacts"] == with_gclid.sum() > 100
    was = match.match_rates(before).set_index("match_level")
    resolved = rates.loc[rates["resolved"], "share"].sum()
    assert resolved > was.loc[was["resolved"], "share"].sum()
    unresolved = (out["match_level"] == "click_id_unresolved").to_numpy()
    assert people.loc[unresolved, "gclid_key"].isna().all()  # only Meta click ids are left
    assert people.loc[unresolved, "fbclid_key"].notna().all()
    print(pd.concat({"with click view": rates[["contacts", "share"]],
                     "without": was[["contacts", "share"]]}, axis=1).round(3).to_string())
