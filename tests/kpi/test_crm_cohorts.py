"""Lead-week cohorts and their maturity: the Kaplan-Meier lead -> won delay curve pinned on
paper, and recent weeks' cost per won deal never shown as final."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kpi.crm.cohorts import cohorts, curve_from_deals, delay_curve
from kpi.crm.facts import FACT_COLUMNS


def test_kaplan_meier_counts_open_deals_as_censored():
    # Risk sets 5, 4, 2, 1 (the deal open at 25 days leaves after 20): S = .8, .6, .3, 0.
    curve = delay_curve(won_days=[10, 20, 30, 40], open_days=[25])
    assert curve.days == (10, 20, 30, 40)
    assert curve.closed == pytest.approx((0.2, 0.4, 0.7, 1.0))
    assert curve.share(9) == 0.0 and curve.share(29) == pytest.approx(0.4)
    assert curve.days_to(0.9) == 40 and (curve.won, curve.censored) == (4, 1)
    # Without the censored deal, the naive shares would be .25, .5, .75.
    assert delay_curve([10, 20, 30, 40], []).closed == pytest.approx((0.25, 0.5, 0.75, 1.0))


def test_no_won_deal_gives_no_maturity():
    curve = delay_curve([], [3, 4])
    assert curve.share(100) is None and curve.days_to(0.9) is None


def planted(weeks: int = 16, delay: int = 28, as_of: dt.date = dt.date(2026, 6, 28)):
    """One paid campaign, 10 leads every Monday, 2 won exactly ``delay`` days later when that
    is before ``as_of`` (else open), cost 700 a week."""
    first = as_of - dt.timedelta(days=7 * weeks - 1)
    first -= dt.timedelta(days=first.weekday())
    days = [first + dt.timedelta(days=7 * i) for i in range(weeks)]
    facts, deals, cost = [], [], []
    for day in days:
        closes = day + dt.timedelta(days=delay)
        won = closes <= as_of
        facts.append({"date": day, "campaign_key": "gads:1", "crm_leads": 10.0, "crm_mqls": 6.0,
                      "crm_sqls": 4.0, "crm_opportunities": 3.0,
                      "crm_won_deals": 2.0 if won else 0.0,
                      "crm_won_revenue": 2000.0 if won else 0.0,
                      "crm_pipeline_value": 0.0 if won else 2000.0})
        for n in range(2):
            deals.append({"deal_key": f"{day}-{n}", "contact_key": "c", "lead_date": day,
                          "campaign_key": "gads:1", "outcome": "won" if won else "open",
                          "closed_date": closes if won else None, "amount": 1000.0})
        cost.append({"date": day, "campaign_key": "gads:1", "cost": 700.0})
    return (pd.DataFrame(facts), pd.DataFrame(deals), pd.DataFrame(cost), as_of)


def test_recent_cohorts_are_immature_and_their_cost_per_won_deal_is_not_final():
    facts, deals, cost, as_of = planted()
    curve = curve_from_deals(deals, as_of)
    assert curve.days == (28,) and curve.days_to(0.9) == 28
    table = cohorts(facts, deals, cost, {"gads:1": "Paid Search"}, curve, as_of)
    camp = table[table["level"] == "campaign"].set_index("lead_week")
    assert len(camp) == 16 and set(FACT_COLUMNS) <= set(table.columns)
    old = camp.iloc[:12]
    assert old["mature"].all() and old["maturity"].eq(1.0).all()
    assert old["cost_per_won_deal"].eq(350.0).all() and old["median_days_to_won"].eq(28).all()
    recent = camp.iloc[-4:]  # leads under 28 days old: their wins are still to come
    assert not recent["mature"].any() and recent["maturity"].eq(0.0).all()
    assert recent["cost_per_won_deal"].isna().all()
    assert recent["note"].eq("immature: wins still arriving").all()
    total = table[table["level"] == "total"]
    assert total["crm_leads"].sum() == 160 and np.isclose(total["cost"].sum(), 16 * 700)
    assert table[table["level"] == "channel"]["channel"].eq("Paid Search").all()


def test_cost_per_won_deal_is_paid_only_at_channel_level():
    facts, deals, cost, as_of = planted(weeks=8)
    organic = facts.assign(campaign_key="crm:ORGANIC_SEARCH", crm_won_deals=5.0)
    table = cohorts(pd.concat([facts, organic]), deals, cost,
                    {"gads:1": "Paid Search", "crm:ORGANIC_SEARCH": "Paid Search"},
                    curve_from_deals(deals, as_of), as_of)
    week = table[(table["level"] == "channel") & table["mature"]].iloc[0]
    assert week["crm_won_deals"] == 7 and week["cost_per_won_deal"] == 350.0


def test_cohorts_without_any_cost_row_still_build():
    facts, deals, _, as_of = planted(weeks=8)
    nothing = pd.DataFrame(columns=["date", "campaign_key", "cost"])  # no model yet: object dtype
    table = cohorts(facts, deals, nothing, {}, curve_from_deals(deals, as_of), as_of)
    assert table["cost"].eq(0.0).all() and table["channel"].dropna().eq("Other").all()
    assert table.loc[~table["mature"], "cost_per_won_deal"].isna().all()
