"""Lead to revenue: the CRM's contacts matched to campaigns and counted by lead date
(kpi.crm.tables), recomputed whole each night and diffed, so only the lead dates whose facts
changed are rebuilt in the model and the roll-ups; then the lead-week cohorts and how mature
they are."""

import datetime as dt

import dagster as dg
import pandas as pd
import pyarrow as pa

from assets.dashboards import _each_language, _page_result
from assets.model import RAW_KEYS
from assets.resources import SettingsResource, WarehouseResource
from assets.rules import model_rules
from dashboards.leads import write_leads
from dashboards.readers import leads_inputs
from kpi import model
from kpi.crm import tables as crm
from kpi.crm.match import SourceChannels, match_problems
from kpi.model_crm import CRM_LOG_TABLE, CRM_TABLE
from pipelines.config import Config
from pipelines.sources.crm.streams import CRM_STREAMS, typed
from pipelines.sources.factory import yesterday
from pipelines.warehouse.freshness import latest_pulled
from pipelines.warehouse.store import EXTRACTS_TABLE, replace_with_arrow

# The CRM's raw tables (the CRM connector's asset keys): adjust here if they are renamed.
RAW_CRM_KEYS = [dg.AssetKey(name) for name in crm.RAW_TABLES]
# The funnel also reads the ad platforms' campaign IDs and names, Google Ads' click view
# (raw_ads_click_view, among RAW_KEYS) and the last day pulled: it
# runs after tonight's pulls, so tonight's lead dates reach the model tonight.
FUNNEL_DEPS = [*RAW_CRM_KEYS, *RAW_KEYS]
NOTHING = pa.schema([("note", pa.string())])


def crm_rules(con, config: Config) -> crm.CrmRules:
    """The configuration as :class:`kpi.crm.tables.CrmRules`: lead dates from the first day
    pulled (the history's start, or the purge's cutoff) to the last (never past the model's
    data)."""
    channels = config.channels
    pulled = latest_pulled(con)
    first = first_pulled(con)
    defaults = SourceChannels()
    return crm.CrmRules(
        time_zone=config.reporting.time_zone, rate=model_rules(config).rate,
        channels=SourceChannels(by_source={
            **defaults.by_source,
            "PAID_SEARCH": channels.ads_channel_types.get("SEARCH", "Paid Search"),
            "PAID_SOCIAL": channels.meta_ads_channel}, other=channels.other),
        first=max(config.history_start, first) if first else config.history_start,
        last=max(pulled.values()) if pulled else yesterday(config))


def first_pulled(con) -> dt.date | None:
    """The first day in the extract log (None before any pull)."""
    if EXTRACTS_TABLE not in con.list_tables():
        return None
    first = con.execute(con.table(EXTRACTS_TABLE).date.min())
    return None if first is None or pd.isna(first) else pd.Timestamp(first).date()


def _arrow(frame: pd.DataFrame) -> pa.Table:
    if frame.empty and not len(frame.columns):
        return NOTHING.empty_table()
    return pa.Table.from_pandas(frame, preserve_index=False)


def _empty(name: str) -> pd.DataFrame:
    stream = CRM_STREAMS[name]
    return typed(pd.DataFrame(columns=list(stream.column_names)), stream)


def night_funnel(con, config: Config, now: dt.datetime) -> crm.Funnel | None:
    """Tonight's funnel, or None without a CRM (nothing stored either). A CRM disconnected
    after it was stored counts as empty, so its facts leave the model."""
    rules = crm_rules(con, config)
    if crm.has_crm(con) and config.sources.crm.kind != "none":
        return crm.read_funnel(con, rules, now)
    if CRM_TABLE not in con.list_tables():
        return None
    return crm.funnel(_empty("crm_contacts"), _empty("crm_deals"), _empty("crm_contact_deals"),
                      crm.platform_campaigns(con), rules, crm.stored(con, CRM_TABLE),
                      crm.stored(con, CRM_LOG_TABLE), now)


@dg.multi_asset(
    name="crm_funnel",
    specs=[
        dg.AssetSpec(CRM_TABLE, group_name="crm", deps=FUNNEL_DEPS, kinds={"duckdb", "pandas"},
                     description="CRM facts by lead date and matched campaign (leads, MQL, SQL, "
                     "opportunities, won deals and revenue, open pipeline), stacked into "
                     "campaign_daily."),
        dg.AssetSpec(CRM_LOG_TABLE, group_name="crm", deps=FUNNEL_DEPS, kinds={"duckdb"},
                     description="Per lead date, when its CRM facts last changed: the model "
                     "rebuilds those dates (and the roll-ups their periods)."),
        dg.AssetSpec(crm.MATCH_RATES_TABLE, group_name="crm", deps=FUNNEL_DEPS,
                     kinds={"duckdb"},
                     description="Contacts per match level: click id (Google Ads click view), "
                     "campaign ID, campaign name, drill-down, click id not in the click view, "
                     "source only, unmatched."),
    ],
)
def crm_funnel(warehouse: WarehouseResource, settings: SettingsResource):
    con = warehouse.connect()
    result = night_funnel(con, settings.load(), dt.datetime.now(dt.UTC))
    if result is None:
        for key in (CRM_TABLE, CRM_LOG_TABLE, crm.MATCH_RATES_TABLE):
            yield dg.MaterializeResult(asset_key=key, metadata={"crm": "none connected"})
        return
    counts = replace_with_arrow(con, {t: _arrow(f) for t, f in result.frames().items()})
    rates = dict(zip(result.rates["match_level"], result.rates["share"].round(4), strict=True))
    for key, rows in counts.items():
        yield dg.MaterializeResult(asset_key=key, metadata={
            "dagster/row_count": rows, "lead_dates_changed": len(result.changed),
            "match_rates": dg.MetadataValue.json(rates)})


@dg.multi_asset(
    name="crm_cohort_tables",
    specs=[
        dg.AssetSpec(crm.COHORTS_TABLE, group_name="crm",
                     deps=[CRM_TABLE, model.MODEL_TABLE, model.CAMPAIGN_DIM],
                     kinds={"duckdb", "pandas"},
                     description="Lead week x campaign / channel / total: funnel, cost, median "
                     "days lead -> won, maturity; cost per won deal null until mature."),
        dg.AssetSpec(crm.CURVE_TABLE, group_name="crm", deps=[CRM_TABLE], kinds={"duckdb"},
                     description="Kaplan-Meier share of eventual wins closed by each lead -> "
                     "won delay (days)."),
    ],
)
def crm_cohort_tables(warehouse: WarehouseResource, settings: SettingsResource):
    config = settings.load()
    con = warehouse.connect()
    result = night_funnel(con, config, dt.datetime.now(dt.UTC))
    if result is None:
        for key in (crm.COHORTS_TABLE, crm.CURVE_TABLE):
            yield dg.MaterializeResult(asset_key=key, metadata={"crm": "none connected"})
        return
    cost, channels = crm.model_cost(con, model.MODEL_TABLE, model.CAMPAIGN_DIM)
    rules = crm_rules(con, config)
    frames = crm.cohort_tables(result, cost, channels, rules.last, config.channels.other)
    counts = replace_with_arrow(con, {t: _arrow(f) for t, f in frames.items()})
    for key, rows in counts.items():
        yield dg.MaterializeResult(asset_key=key, metadata={"dagster/row_count": rows})


@dg.asset_check(asset=crm.MATCH_RATES_TABLE,
                description="Most CRM leads are matched to a campaign (warns: the share "
                "matched by campaign ID or name is below 60 %, or over 10 % match nothing).")
def crm_leads_matched(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    con = warehouse.connect()
    if crm.MATCH_RATES_TABLE not in con.list_tables():
        return dg.AssetCheckResult(passed=True, description="no CRM connected")
    rates = con.execute(con.table(crm.MATCH_RATES_TABLE))
    problems = match_problems(rates)
    return dg.AssetCheckResult(
        passed=not problems, severity=dg.AssetCheckSeverity.WARN,
        metadata={"shares": dg.MetadataValue.json(dict(zip(
            rates["match_level"], rates["share"].round(4), strict=True)))},
        description="; ".join(problems) or "CRM leads matched to campaigns")


FUNNEL_CHECKS = [crm_leads_matched]


@dg.asset(name="leads_dashboard", group_name="dashboards",
          deps=[crm.COHORTS_TABLE, crm.MATCH_RATES_TABLE, model.CAMPAIGN_DIM],
          kinds={"plotly", "html"},
          description="leads.html: what the campaigns' leads became in the CRM (SQL, won deals, "
          "revenue) per channel and campaign over the mature lead weeks, cost per won deal and "
          "revenue ROAS against target, cohorts by lead week with their maturity, match rates; "
          "one self-contained file per language.")
def leads_dashboard(warehouse: WarehouseResource,
                    settings: SettingsResource) -> dg.MaterializeResult:
    config = settings.load()
    con = warehouse.connect()
    cohorts, rates, names = leads_inputs(con)
    path = _each_language(con, write_leads, settings.output(), "leads", config, cohorts,
                          names=names, rates=rates, targets=config.targets,
                          currency=config.reporting.currency)
    return _page_result(path)


FUNNEL_ASSETS = [crm_funnel, crm_cohort_tables, leads_dashboard]
