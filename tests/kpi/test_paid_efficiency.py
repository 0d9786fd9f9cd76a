"""Paid efficiency (DESIGN principle 11): the judged CPA, CPL and ROAS divide paid cost by the
conversions of paid campaigns; the blended twins divide it by every conversion and say so.

On the hand-built account (see tests/kpi/handmade.py), week of 2026-03-02: cost 120 (all Ads);
under Ads attribution paid purchases 3 (Search 1, PMax 2), paid leads 2, paid revenue 280;
organic adds 4 purchases (400) and 2 leads."""

from __future__ import annotations

import pytest

from kpi import model, rollup
from kpi.language import LANGUAGES
from kpi.registry import BLENDED, KPIS, MEASURES
from tests.kpi.conftest import build, rules
from tests.kpi.test_model_rollup import value


def test_account_cpa_cpl_roas_count_only_paid_conversions(handmade_con):
    build(handmade_con, rules())
    assert value(handmade_con, "paid_purchases") == 3.0
    assert value(handmade_con, "paid_leads") == 2.0
    assert value(handmade_con, "paid_conversions") == 5.0
    assert value(handmade_con, "paid_revenue") == pytest.approx(280.0)
    assert value(handmade_con, "cpa") == pytest.approx(120 / 3)
    assert value(handmade_con, "cpl") == pytest.approx(120 / 2)
    assert value(handmade_con, "roas") == pytest.approx(280 / 120)
    assert value(handmade_con, "cpa_blended") == pytest.approx(120 / 7)
    assert value(handmade_con, "cpl_blended") == pytest.approx(120 / 4)
    assert value(handmade_con, "roas_blended") == pytest.approx(680 / 120)


def test_under_ga4_attribution_paid_means_key_events_of_ads_campaigns(handmade_con):
    build(handmade_con, rules(attribution="ga4"))
    # GA4 credits campaign 100 (tagged by ID) with 1 purchase (90) and 1 lead; organic 4 and 2.
    assert value(handmade_con, "cpa") == pytest.approx(120 / 1)
    assert value(handmade_con, "cpa_blended") == pytest.approx(120 / 5)
    assert value(handmade_con, "cpl") == pytest.approx(120 / 1)
    assert value(handmade_con, "roas") == pytest.approx(90 / 120)
    assert value(handmade_con, "roas_blended") == pytest.approx(490 / 120)


def test_unpaid_campaigns_and_channels_have_no_cost_per_conversion(handmade_con):
    build(handmade_con, rules())
    organic = {"level": "campaign", "campaign_key": "ga4:google/organic/(organic)"}
    assert value(handmade_con, "purchases", **organic) == 4.0
    assert value(handmade_con, "cpa", **organic) is None  # not 0 €: it has no price
    assert value(handmade_con, "cpl", **organic) is None
    assert value(handmade_con, "cpa", level="channel", channel="Organic Search") is None
    # A paid campaign's paid figure is its own: cost 100 / 1 purchase.
    assert value(handmade_con, "cpa", level="campaign", campaign_key="gads:100") == 100.0
    assert value(handmade_con, "cpa", level="channel", channel="Paid Search") == 100.0


def test_blended_figures_and_paid_measures_are_kept_at_account_and_channel_level_only(
        handmade_con):
    build(handmade_con, rules())
    t = handmade_con.table(rollup.VALUES_TABLE)
    frame = handmade_con.execute(t.group_by(["metric", "level"]).aggregate(n=t.count()))
    levels = frame.groupby("metric")["level"].agg(set)
    for metric in ("cpa_blended", "cpl_blended", "roas_blended", "paid_purchases", "paid_leads",
                   "paid_conversions", "paid_revenue"):
        assert levels[metric] == {"total", "channel"}, metric
    assert levels["cpa"] == {"total", "channel", "campaign", "ad_group"}


def test_the_model_holds_paid_facts_for_every_campaign_key(handmade_con):
    build(handmade_con, rules())
    facts = handmade_con.execute(handmade_con.table(model.MODEL_TABLE))
    paid = facts.campaign_key.str.startswith(model.PAID_PREFIXES)
    for fact, source in model.PAID_FACTS.items():
        assert (facts.loc[paid, fact] == facts.loc[paid, source]).all(), fact
        assert (facts.loc[~paid, fact] == 0).all(), fact


def test_the_fingerprint_sees_the_models_shape():
    """A model built before the paid facts existed must be rebuilt, not mixed with new rows."""
    import dataclasses
    import hashlib
    import json

    r = rules()
    rules_only = json.dumps(dataclasses.asdict(r), sort_keys=True, default=list)
    assert r.fingerprint() != hashlib.sha256(rules_only.encode()).hexdigest()[:16]
    assert set(model.PAID_FACTS) <= set(model.FACTS)


def test_blended_kpis_are_labelled_as_such_in_every_language():
    assert BLENDED == {"cpa": "cpa_blended", "cpl": "cpl_blended", "roas": "roas_blended"}
    words = {"nl": "blended", "fr": "global", "en": "blended"}
    for paid, blended in BLENDED.items():
        for lang in LANGUAGES:
            label = KPIS[blended].label(lang)
            assert words[lang] in label.lower(), (blended, lang, label)
            assert label != KPIS[paid].label(lang)
        assert KPIS[blended].unit == KPIS[paid].unit
        assert KPIS[blended].direction == KPIS[paid].direction
    assert "paid" in KPIS["cpa"].description("en") and "MER" in KPIS["roas_blended"].label("en")
    assert MEASURES["paid_purchases"].label("fr") == "Achats payants"
