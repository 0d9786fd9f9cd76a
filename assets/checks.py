"""Asset checks. Blocking ones stop the run before bad data reaches KPIs or dashboards."""

import dagster as dg
import ibis
import pandas as pd

from assets.budget import PACING_TABLE
from assets.experiments import RESULTS_TABLE
from assets.model import raw_tables
from assets.resources import SettingsResource, WarehouseResource
from assets.rules import model_rules
from kpi import model, quality, rollup
from kpi.clv.catalog import CUSTOMERS_TABLE
from kpi.clv.catalog import MODEL_TABLE as CLV_MODEL_TABLE
from kpi.model_crm import CRM_FACTS
from pipelines.sources.email.store import read_sends
from pipelines.sources.email.streams import EMAIL_CAMPAIGNS
from pipelines.sources.exposures import UNITS_TABLE
from pipelines.sources.streams import ADS_AD_GROUP_DAILY, ADS_CAMPAIGN_DAILY, STREAMS
from pipelines.warehouse import quality as raw_quality
from pipelines.warehouse.freshness import as_date, last_pulled_dates, pulled_by_every_stream
from pipelines.warehouse.skipped import NullReasons, count_skipped
from pipelines.warehouse.skipped import describe as describe_skipped

_SAMPLE = 5


def _result(con, problems, what: str,
            severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR) -> dg.AssetCheckResult:
    """Pass when ``problems`` (an Ibis expression of offending rows) is empty; else show some."""
    count = int(con.execute(problems.count()))
    sample = con.execute(problems.limit(_SAMPLE)).to_dict("records") if count else []
    return dg.AssetCheckResult(
        passed=count == 0,
        severity=severity,
        metadata={"problems": count, "sample": dg.MetadataValue.json(
            [{k: str(v) for k, v in row.items()} for row in sample])},
        description=f"no {what}" if count == 0 else f"{count} {what}",
    )


@dg.asset_check(asset=ADS_CAMPAIGN_DAILY.table, blocking=True,
                description="The latest pull has no negative cost, impressions, clicks or "
                "conversions.")
def ads_no_negative_values(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    con = warehouse.connect()
    latest = raw_quality.latest_pull(con.table(ADS_CAMPAIGN_DAILY.table), "customer_id")
    rows = raw_quality.negative_rows(
        latest, ["cost_micros", "impressions", "clicks", "conversions", "conversions_value"])
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
    return _result(con, rows, "campaign days whose ad groups do not add up",
                   severity=dg.AssetCheckSeverity.WARN)


@dg.asset_check(asset=model.MODEL_TABLE, blocking=True,
                description="Every day between the first and the last day of data has data, or "
                "was pulled by every source and found empty.")
def model_no_missing_days(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    con = warehouse.connect()
    facts = con.table(model.MODEL_TABLE)
    # A day counts when an ad platform or GA4 has facts on it: the CRM's rows (by lead date)
    # would otherwise hide a day no source delivered.
    pulled_facts = [f for f in model.SOURCE_FACTS if f not in CRM_FACTS]
    facts = facts.filter(ibis.or_(*(facts[f] != 0 for f in pulled_facts)))
    dates = [as_date(d) for d in con.execute(facts.select("date").distinct())["date"]]
    if not dates:
        pulled = last_pulled_dates(con, list(STREAMS))
        return dg.AssetCheckResult(
            passed=bool(pulled), metadata={"pulled_accounts": len(pulled)},
            description="no data yet: every source was pulled and returned no rows" if pulled
            else "the model is empty: no source has been pulled")
    first, last = min(dates), max(dates)
    empty = set(pulled_by_every_stream(con, first, last)) - set(dates)
    missing = quality.missing_days([*dates, *empty], first, last)
    return dg.AssetCheckResult(
        passed=not missing,
        metadata={"first_day": first.isoformat(), "last_day": last.isoformat(),
                  "missing_days": len(missing), "empty_days": len(empty),
                  "first_missing": [d.isoformat() for d in missing[:_SAMPLE]],
                  "first_empty": [d.isoformat() for d in sorted(empty)[:_SAMPLE]]},
        description=("no missing days" + (f" ({len(empty)} pulled and empty)" if empty else ""))
        if not missing else
        f"{len(missing)} days without any data, first {missing[0]}: backfill them (a Dagster "
        "backfill of the nightly job, or campaign-kpi run --date for each)",
    )


@dg.asset_check(asset=model.MODEL_TABLE, blocking=True,
                description="Per day, the model's impressions, clicks, cost and sessions equal "
                "the raw Ads campaign totals and GA4 sessions: no row lost or doubled.")
def model_reconciles_with_raw(warehouse: WarehouseResource,
                              settings: SettingsResource) -> dg.AssetCheckResult:
    con = warehouse.connect()
    raw = raw_tables(con)
    facts = con.table(model.MODEL_TABLE)
    bounds = con.execute(facts.aggregate(start=facts.date.min(), end=facts.date.max()))
    if bounds["start"].isna().all():
        return dg.AssetCheckResult(passed=False, description="the model is empty")
    currencies = con.execute(model.currency_codes(raw))["currency_code"].tolist()
    gaps = quality.model_off_raw(facts, raw, model_rules(settings.load()), currencies,
                                 as_date(bounds["start"][0]), as_date(bounds["end"][0]))
    return _result(con, gaps, "day x measure cells where the model and raw data differ")


@dg.asset_check(asset=rollup.ROLLUP_TABLE, blocking=True,
                description="At every grain and level, the roll-up's sums per period equal the "
                "model's: no row lost or doubled by a join.")
def rollup_reconciles(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    con = warehouse.connect()
    rows = quality.unreconciled(con.table(rollup.ROLLUP_TABLE), con.table(model.MODEL_TABLE))
    return _result(con, rows, "roll-up cells that differ from the model's sums")


@dg.asset_check(asset=UNITS_TABLE, blocking=True,
                description="Each unit appears once per experiment (a unit in two arms, or "
                "listed twice, would be counted twice).")
def experiment_units_unique(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    con = warehouse.connect()
    units = con.table(UNITS_TABLE)
    twice = (units.group_by(["experiment_id", "unit_id"]).aggregate(rows=units.count())
             .filter(lambda t: t.rows > 1))
    return _result(con, twice, "units listed more than once in an experiment")


@dg.asset_check(asset=RESULTS_TABLE,
                description="No experiment has a sample-ratio mismatch (warns: the results "
                "page says not to trust that experiment).")
def experiments_sample_ratio(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    con = warehouse.connect()
    results = con.execute(con.table(RESULTS_TABLE))
    if results.empty:
        return dg.AssetCheckResult(passed=True, description="no experiment results")
    srm = results[results["decision"] == "srm"].drop_duplicates("experiment_id")
    ids = srm["experiment_id"].tolist()
    return dg.AssetCheckResult(
        passed=not ids, severity=dg.AssetCheckSeverity.WARN,
        metadata={"experiments": ids, "srm_p_values": dg.MetadataValue.json(
            {e: float(p) for e, p in zip(ids, srm["srm_p_value"], strict=True)})},
        description="no sample-ratio mismatch" if not ids else
        f"sample-ratio mismatch in {', '.join(ids)}: find the cause before trusting the result")


@dg.asset_check(asset=PACING_TABLE,
                description="Current budget lines pace within 85-115 % of plan (warns: over- "
                "or under-spend to investigate).")
def budget_on_pace(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    con = warehouse.connect()
    pacing = con.execute(con.table(PACING_TABLE))
    if pacing.empty:
        return dg.AssetCheckResult(passed=True, description="no budget plan to pace against")
    as_of = pd.to_datetime(pacing["as_of"])
    current = pacing[(pd.to_datetime(pacing["period_start"]) <= as_of)
                     & (pd.to_datetime(pacing["period_end"]) >= as_of)]
    off = current[current["status"] == "investigate"]
    lines = [f"{r['name']} {r['pacing']:.0%} ({r['direction']})" for _, r in off.iterrows()]
    return dg.AssetCheckResult(
        passed=off.empty, severity=dg.AssetCheckSeverity.WARN,
        metadata={"lines": lines, "current_lines": len(current)},
        description="every current budget line is within 85-115 % of plan" if off.empty else
        f"pacing to investigate: {', '.join(lines)}")


# Tables that may leave a value null, and the column that says why (see
# pipelines/warehouse/skipped.py): each gets a warning check, and the quality page lists them.
NULL_REASONS = (
    NullReasons(CUSTOMERS_TABLE, "clv_note", "customer"),
    NullReasons(CLV_MODEL_TABLE, "fallback", "segment"),
    NullReasons(RESULTS_TABLE, "null_reason", "experiment_row"),
)


def values_computed_check(item: NullReasons) -> dg.AssetChecksDefinition:
    """A warning check that counts ``item.table``'s rows left null, by reason."""

    @dg.asset_check(asset=item.table, name=f"{item.table}_all_computed",
                    description=f"Every {item.unit.replace('_', ' ')} of {item.table} has its "
                    f"values (warns: rows left null, and why, in {item.column}).")
    def check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        counts = count_skipped(warehouse.connect(), [item])
        return dg.AssetCheckResult(
            passed=counts.empty, severity=dg.AssetCheckSeverity.WARN,
            metadata={"rows": int(counts["rows"].sum()), "by_reason": dg.MetadataValue.json(
                dict(zip(counts["reason"], counts["rows"].astype(int).tolist(), strict=True)))},
            description=describe_skipped(counts))

    return check


@dg.asset_check(asset=EMAIL_CAMPAIGNS.table, name="email_machine_opens_reported",
                description="Every send has its open count without machine opens (warns: "
                "sends whose open rate without Apple MPP's machine opens is left null because "
                "the e-mail tool does not report it).")
def email_machine_opens_reported(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    sends = read_sends(warehouse.connect())
    missing = int(sends["unique_opens_excl_machine"].isna().sum())
    return dg.AssetCheckResult(
        passed=missing == 0, severity=dg.AssetCheckSeverity.WARN,
        metadata={"sends": len(sends), "without_machine_opens": missing},
        description=(f"{missing} of {len(sends)} sends: the e-mail tool does not report "
                     "machine opens, so their open rate without them is null" if missing
                     else f"all {len(sends)} sends report machine opens"))



CHECKS = [ads_no_negative_values, ads_one_currency_per_account, ads_ad_groups_add_up,
          model_no_missing_days, model_reconciles_with_raw, rollup_reconciles,
          experiment_units_unique, experiments_sample_ratio, budget_on_pace,
          email_machine_opens_reported,
          *(values_computed_check(item) for item in NULL_REASONS)]
