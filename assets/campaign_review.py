"""The post-campaign reviews: a nightly asset that writes the review of each campaign or flight
that has ended (out/reports/campaigns/<key>/review.<lang>.html and .pdf;
:mod:`dashboards.campaign_review_files`).

A review is rewritten only when its figures moved (a fingerprint beside it); one whose days are
all final is not read again, so a night costs the campaigns whose conversions still arrive.

No ``from __future__ import annotations`` here: Dagster reads the context's annotation.
"""

import dagster as dg

from assets.resources import SettingsResource, WarehouseResource
from dashboards.campaign_review_files import due, write_one
from experiments.catalog import RESULTS_TABLE
from kpi import rollup
from kpi.alerts.store import ALERTS_TABLE
from kpi.budget import reads
from kpi.budget.catalog import PLAN_TABLE
from kpi.review.campaign_reads import spend_days

REVIEW_ASSET = "campaign_reviews"


@dg.asset(
    name=REVIEW_ASSET,
    group_name="reviews",
    deps=[rollup.VALUES_TABLE, PLAN_TABLE, ALERTS_TABLE, RESULTS_TABLE],
    kinds={"html", "pdf"},
    description="The post-campaign review of each flight (config: flights) or campaign that has "
    "ended, in nl/fr/en (HTML and PDF): results vs targets and goals, best and weakest ad "
    "groups, tests, costs in full. Rewritten while its figures move, then left alone.",
)
def campaign_reviews(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                     settings: SettingsResource) -> dg.MaterializeResult:
    config, con = settings.load(), warehouse.connect()
    end = reads.data_end(con)
    if end is None:
        return dg.MaterializeResult(metadata={"reviews": "no data yet"})
    days = spend_days(con)
    done = {s.key: write_one(con, config, s, settings.output(), days, end,
                             log=context.log.warning)[1] for s in due(con, config, days, end)}
    return dg.MaterializeResult(metadata={
        "ended": len(done),
        "written": sum(1 for v in done.values() if v in ("provisional", "final")),
        "reviews": dg.MetadataValue.json(done)})
