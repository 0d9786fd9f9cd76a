"""Asset checks. Blocking ones stop the run before bad data reaches KPIs or dashboards."""

import dagster as dg

from assets.resources import SettingsResource, WarehouseResource
from kpi import model, quality, rollup
from pipelines.sources.streams import ADS_AD_GROUP_DAILY, ADS_CAMPAIGN_DAILY
from pipelines.warehouse import quality as raw_quality

_SAMPLE = 5


def _result(con, problems, what: str) -> dg.AssetCheckResult:
    count = int(con.execute(problems.count()))
    sample = con.execute(problems.limit(_SAMPLE)).to_dict("records") if count else []
    return dg.AssetCheckResult(
        passed=count == 0,
        metadata={"problems": count, "sample": dg.MetadataValue.json(
            [{k: str(v) for k, v in row.items()} for row in sample])},
        description=what if count == 0 else f"{count} {what}",
    )


@dg.asset_check(asset=ADS_CAMPAIGN_DAILY.table, blocking=True,
                description="No negative cost, impressions, clicks or conversions.")
def ads_no_negative_values(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    con = warehouse.connect()
    rows = raw_quality.negative_rows(
        con.table(ADS_CAMPAIGN_DAILY.table),
        ["cost_micros", "impressions", "clicks", "conversions", "conversions_value"])
    return _result(con, rows, "campaign days with negative values")


@dg.asset_check(asset=ADS_CAMPAIGN_DAILY.table, blocking=True,
                description="Each Google Ads account reports in exactly one currency.")
def ads_one_currency_per_account(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    con = warehouse.connect()
    rows = raw_quality.mixed_currencies(con.table(ADS_CAMPAIGN_DAILY.table), "customer_id")
    return _result(con, rows, "accounts with more than one currency")


@dg.asset_check(asset=ADS_AD_GROUP_DAILY.table,
                description="Ad groups add up to their campaign's totals (warns only).")
def ads_ad_groups_add_up(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    con = warehouse.connect()
    rows = raw_quality.ad_groups_off_campaign(con.table(ADS_CAMPAIGN_DAILY.table),
                                              con.table(ADS_AD_GROUP_DAILY.table))
    result = _result(con, rows, "campaign days whose ad groups do not add up")
    return dg.AssetCheckResult(passed=result.passed, metadata=result.metadata,
                               description=result.description,
                               severity=dg.AssetCheckSeverity.WARN)


@dg.asset_check(asset=model.MODEL_TABLE, blocking=True,
                description="Every day from the first partition to the last one has data.")
def model_no_missing_days(warehouse: WarehouseResource,
                          settings: SettingsResource) -> dg.AssetCheckResult:
    con = warehouse.connect()
    facts = con.table(model.MODEL_TABLE)
    dates = [d.date() if hasattr(d, "date") else d
             for d in con.execute(facts.select("date").distinct())["date"]]
    if not dates:
        return dg.AssetCheckResult(passed=False, description="the model is empty")
    missing = quality.missing_days(dates, settings.load().history_start, max(dates))
    return dg.AssetCheckResult(
        passed=not missing,
        metadata={"missing_days": len(missing),
                  "first_missing": [d.isoformat() for d in missing[:_SAMPLE]]},
        description="no missing days" if not missing else f"{len(missing)} days without data",
    )


@dg.asset_check(asset=rollup.ROLLUP_TABLE, blocking=True,
                description="Channels, campaigns and ad groups add up to the total at every "
                "grain, and days, weeks and months to the same grand total.")
def rollup_reconciles(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    con = warehouse.connect()
    rows = quality.unreconciled(con.table(rollup.ROLLUP_TABLE))
    return _result(con, rows, "roll-up cells that do not reconcile")


CHECKS = [ads_no_negative_values, ads_one_currency_per_account, ads_ad_groups_add_up,
          model_no_missing_days, rollup_reconciles]
