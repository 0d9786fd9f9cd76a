"""The demo's planted truths show in the pipeline's own KPI tables (later features must find
them): one clearly inefficient campaign, one budget-limited campaign with the best CPL."""

from __future__ import annotations

import datetime as dt

from kpi.rollup import ROLLUP_TABLE
from pipelines.sources.demo import BUDGET_LIMITED_CAMPAIGN_ID, INEFFICIENT_CAMPAIGN_ID
from pipelines.warehouse.store import connect
from tests.assets.conftest import END


def last_four_weeks(paths):
    con = connect(paths.warehouse)
    t = con.table(ROLLUP_TABLE)
    recent = t.filter((t.grain == "day") & (t.level == "campaign")
                      & (t.period_start > END - dt.timedelta(days=28)))
    sums = recent.group_by(["campaign_key", "campaign_name"]).aggregate(
        cost=recent.cost.sum(), leads=recent.leads.sum(), conversions=recent.conversions.sum(),
        revenue=recent.revenue.sum())
    return con.execute(sums.filter(sums.cost > 500)).set_index("campaign_key")


def test_the_inefficient_campaign_has_the_worst_cost_per_conversion(built):
    paths, _ = built
    campaigns = last_four_weeks(paths)
    per_conversion = campaigns.cost / campaigns.conversions
    account = campaigns.cost.sum() / campaigns.conversions.sum()
    worst = per_conversion.idxmax()
    assert worst == f"gads:{INEFFICIENT_CAMPAIGN_ID}"
    assert per_conversion[worst] > 2.5 * account
    assert campaigns.revenue[worst] / campaigns.cost[worst] < 1  # ROAS below break-even


def test_the_budget_limited_campaign_has_the_best_cpl(built):
    paths, _ = built
    campaigns = last_four_weeks(paths)
    lead_campaigns = campaigns[campaigns.leads >= 20]
    cpl = lead_campaigns.cost / lead_campaigns.leads
    assert cpl.idxmin() == f"gads:{BUDGET_LIMITED_CAMPAIGN_ID}"
