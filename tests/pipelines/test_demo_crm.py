"""The demo CRM: contacts flowing from the simulated leads, stages seen as of each morning,
incremental pulls that converge to the full state, erasures that vanish on the next run, the
contract's attribution fields, and the planted truth (cheapest per lead is not best per won
deal), measured over a quarter on the demo's own cost for several seeds."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pipelines.sources.crm.pull import pull_crm
from pipelines.sources.crm.store import store_crm_pull
from pipelines.sources.crm.streams import CRM_STREAMS
from pipelines.sources.demo import DemoSettings
from pipelines.sources.demo.crm_simulate import crm_truth, life_table
from pipelines.sources.demo.crm_source import DemoCrm
from pipelines.sources.demo.meta_world import PROSPECTING_NL_ID
from pipelines.sources.demo.simulate import simulate
from pipelines.warehouse.store import connect

TABLES = ("raw_crm_contacts", "raw_crm_deals", "raw_crm_contact_deals")


def campaign_figures(start: dt.date, end: dt.date, seed: int) -> pd.DataFrame:
    """Per paid campaign, leads of [start, end] and how they finally turn out, with the
    campaign's own cost over those days: CPL, cost per won deal, revenue ROAS."""
    truth = simulate(start, end, seed=seed)
    outcome = crm_truth(life_table(truth))
    paid = outcome[outcome.platform != ""].groupby("campaign_id")[
        ["leads", "sqls", "won_deals", "won_revenue"]].sum()
    cost = dict(zip([c.id for c in truth.campaigns],
                    truth.to_campaigns(truth.cost_micros).sum(axis=0) / 1e6, strict=True))
    meta = truth.meta
    for i, campaign in enumerate(meta.campaigns):
        cost[campaign.id] = meta.spend_cents[:, meta.adset_campaign == i].sum() / 100
    paid["cost"] = [cost[c] for c in paid.index]
    return paid.assign(cpl=paid.cost / paid.leads, cost_per_won=paid.cost / paid.won_deals,
                       roas=paid.won_revenue / paid.cost)


@pytest.mark.parametrize("seed", [7, 11, 23])
def test_the_cheapest_lead_is_not_the_cheapest_won_deal(seed):
    figures = campaign_figures(dt.date(2026, 1, 1), dt.date(2026, 3, 31), seed)
    lead_campaigns = figures[figures.leads >= 100]
    cheapest = lead_campaigns.cpl.idxmin()
    assert cheapest == PROSPECTING_NL_ID  # Meta's prospecting, instant forms and all
    best = lead_campaigns.cost_per_won.idxmin()
    assert best != cheapest
    dearer_search = lead_campaigns[(lead_campaigns.cpl > lead_campaigns.cpl[cheapest])
                                   & (lead_campaigns.index.str.startswith("2087"))]
    clearly = dearer_search[
        (dearer_search.cost_per_won < 0.5 * lead_campaigns.cost_per_won[cheapest])
        & (dearer_search.roas > 2 * lead_campaigns.roas[cheapest])]
    assert len(clearly) >= 2  # at least two pricier search campaigns, clearly better


def test_contacts_follow_the_simulated_leads_and_their_funnel():
    truth = simulate(dt.date(2026, 1, 1), dt.date(2026, 2, 28), seed=7)
    life = life_table(truth)
    lead_actions = [0, 1]
    google = truth.to_campaigns(truth.conversions[:, :, lead_actions].sum(axis=-1)).sum()
    from_google = (life.platform == "google_ads").sum()
    assert 0.85 * google < from_google < 0.95 * google  # repeat submissions are one contact
    assert (life.mql_at.dropna() > life.created_at[life.mql_at.notna()]).all()
    sql = life[life.sql_at.notna()]
    assert sql.deal_id.notna().all() and life[life.sql_at.isna()].deal_id.isna().all()
    assert (sql.sql_at >= sql.mql_at).all()
    weeks = (sql.closed_at - sql.created_at).dt.days / 7
    assert weeks.min() >= 2 and weeks.quantile(0.9) <= 10.5
    heat = sql[(sql.theme == "heat_pump")].amount
    assert heat.between(9000, 15000).all() and sql[sql.theme == "solar"].amount.between(
        6000, 10000).all()
    assert life.contact_id.is_unique


def test_attribution_fields_as_the_contract_says():
    life = life_table(simulate(dt.date(2026, 1, 1), dt.date(2026, 3, 31), seed=11))
    tagged = life[life.origin.isin(["google_form", "meta_pixel"])]
    by_id = (tagged.utm_campaign == tagged.campaign_id).mean()
    empty = tagged.utm_campaign.isna().mean()
    assert 0.82 < by_id < 0.88 and 0.03 < empty < 0.08  # the rest: the campaign's name
    forms = life[life.origin == "meta_form"]
    assert forms.utm_campaign.isna().all() and forms.fbclid.isna().all()
    assert forms.drill_2.eq(forms.campaign_id).all()
    google = life[life.origin == "google_form"]
    assert google.gclid.notna().all() and google.fbclid.isna().all()
    assert (google.original_source == "PAID_SEARCH").all()
    pixel = life[life.origin == "meta_pixel"]
    assert pixel.fbclid.notna().all() and (pixel.original_source == "PAID_SOCIAL").all()
    assert set(life.original_source) <= {
        "PAID_SEARCH", "PAID_SOCIAL", "ORGANIC_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA",
        "REFERRALS", "DIRECT_TRAFFIC", "OTHER_CAMPAIGNS", "OFFLINE"}


def _state(con) -> dict[str, pd.DataFrame]:
    out = {}
    for table in TABLES:
        frame = con.table(table).execute().drop(columns="extracted_at")
        out[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return out


@pytest.mark.parametrize("whole", [False, True], ids=["duckdb", "whole"])
def test_nightly_pulls_converge_to_the_full_state_and_erasures_vanish(whole):
    """Night after night (a 30-day re-read window), the stored CRM equals a full pull of the
    last morning; a contact erased between two nights is gone after the next run. Also through
    the in-memory merge Spark and BigQuery use (``whole``), against DuckDB's statements."""
    start, first = dt.date(2025, 10, 1), dt.date(2026, 1, 10)
    nightly = connect(":memory:")
    settings = DemoSettings(start, first, seed=7)
    store_crm_pull(nightly, pull_crm(DemoCrm(settings), "demo", None), whole=whole)
    since = settings.as_of
    before = set(nightly.table("raw_crm_contacts").execute().contact_key)
    erased_total = 0
    for end in (first + dt.timedelta(days=k) for k in (1, 2, 9, 40)):
        crm = DemoCrm(dataclasses.replace(settings, end=end))
        stored = store_crm_pull(nightly, pull_crm(crm, "demo", since), whole=whole)
        erased_total += stored.erased
        since = crm.settings.as_of
    full = connect(":memory:")
    store_crm_pull(full, pull_crm(crm, "demo", None))
    for name, frame in _state(full).items():  # DuckDB's statements, one full pull
        pd.testing.assert_frame_equal(_state(nightly)[name], frame, obj=name)
    gone = set(crm.pull(CRM_STREAMS["crm_archived"], None).record_key)
    assert erased_total >= 1 and gone & before  # erased after the first night, now gone
    assert not gone & set(nightly.table("raw_crm_contacts").execute().contact_key)


def test_a_morning_sees_only_what_happened_before_it():
    settings = DemoSettings(dt.date(2025, 12, 1), dt.date(2026, 2, 15), seed=7)
    crm = DemoCrm(settings)
    as_of = pd.Timestamp(settings.as_of)
    contacts = crm.pull(CRM_STREAMS["crm_contacts"], None)
    for step in ("lead", "mql", "sql", "opportunity", "customer"):
        assert (contacts[f"{step}_at"].dropna() < as_of).all()
    deals = crm.pull(CRM_STREAMS["crm_deals"], None)
    assert set(deals.outcome) == {"won", "lost", "open"}
    open_deals = deals[deals.outcome == "open"]
    assert (open_deals.closed_at > open_deals.created_at).all()
    late = DemoCrm(dataclasses.replace(settings, end=dt.date(2026, 4, 30)))
    final = late.pull(CRM_STREAMS["crm_deals"], None).set_index("deal_key")
    common = open_deals.set_index("deal_key").index.intersection(final.index)
    assert (final.outcome[common] != "open").mean() > 0.9  # they close later
    assert np.isin(contacts.funnel_step.unique(),
                   ["lead", "mql", "sql", "opportunity", "customer"]).all()
