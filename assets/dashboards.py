"""Rendered HTML dashboards."""

import dataclasses
import datetime as dt

import dagster as dg
import pandas as pd

from assets import experiments as experiment_assets
from assets.checks import CHECKS, NULL_REASONS
from assets.jobs import NIGHTLY_JOB
from assets.resources import SettingsResource, WarehouseResource
from assets.warning_log import warnings_in
from dashboards.attribution import Attribution
from dashboards.budget import write_budget
from dashboards.clv import write_clv
from dashboards.drilldown import write_drilldown, write_table
from dashboards.drilldown_csv import CSV_FILE
from dashboards.drilldown_model import prepare_in_pieces
from dashboards.experiments import write_experiments
from dashboards.maturity import judged_values
from dashboards.overview import write_overview
from dashboards.page import write_page
from dashboards.quality import write_quality
from dashboards.readers import drilldown_pieces, nowcast_rows, overview_rows, trends_rows
from dashboards.redirect import redirect_page
from dashboards.site import Header, latest_report
from dashboards.trends import write_trends
from kpi import model, nowcast_tables, rollup
from kpi.alerts.store import ALERTS_TABLE, campaign_names
from kpi.budget import catalog as budget
from kpi.clv import catalog as clv
from kpi.crm import tables as crm_tables
from kpi.language import LANGUAGES
from pipelines.sources.factory import experiments_as_of, lookback_days
from pipelines.warehouse.freshness import last_extracted, latest_pulled, provisional_since
from pipelines.warehouse.limits import release_freed_memory
from pipelines.warehouse.skipped import count_skipped
from pipelines.warehouse.store import EXTRACTS_TABLE, read_table

EXPERIMENT_TABLES = (experiment_assets.RESULTS_TABLE, experiment_assets.EFFECTS_TABLE,
                     experiment_assets.HISTORY_TABLE)
DASHBOARD_LEVELS = ("total", "channel")
DRILLDOWN_LEVELS = ("total", "channel", "campaign", "ad_group")


@dg.asset(
    name="overview_dashboard",
    group_name="dashboards",
    deps=[rollup.VALUES_TABLE, nowcast_tables.NOWCAST_TABLE],
    kinds={"plotly", "html"},
    description="overview.html: KPI tiles vs target and the previous period or a year earlier "
    "(week, 4 weeks, month, quarter, chosen on the page), trends, channels; one self-contained "
    "file per language.",
)
def overview_dashboard(warehouse: WarehouseResource,
                       settings: SettingsResource) -> dg.MaterializeResult:
    config = settings.load()
    con = warehouse.connect()
    lag = _nowcast(con, config, DASHBOARD_LEVELS, ("week", "month"))
    path = _each_language(con, write_overview, settings.output(), "overview", config,
                          judged_values(overview_rows(con), **lag), **lag)
    return _page_result(path)


@dg.asset(
    name="drilldown_dashboard",
    group_name="dashboards",
    deps=[rollup.VALUES_TABLE, nowcast_tables.NOWCAST_TABLE],
    kinds={"plotly", "html"},
    description="drilldown.html: channel → campaign → ad group for the last week, 4 and 13 "
    "weeks and the month to date, with filters, search and a cost treemap; one file per "
    "language.",
)
def drilldown_dashboard(warehouse: WarehouseResource,
                        settings: SettingsResource) -> dg.MaterializeResult:
    config = settings.load()
    con = warehouse.connect()
    release_freed_memory()  # the page with the most rows: start from what is in use
    lag = _nowcast(con, config, DRILLDOWN_LEVELS, ("week",))
    numbers = prepare_in_pieces(drilldown_pieces(con), **lag)  # once for every language
    table = write_table(settings.output() / CSV_FILE, numbers)
    path = _each_language(con, write_drilldown, settings.output(), "drilldown", config, numbers,
                          table=False)
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path)),
                                          "bytes": path.stat().st_size,
                                          "table": dg.MetadataValue.path(str(table)),
                                          "capped": numbers.capped})


def _nowcast(con, config, levels, grains) -> dict:
    """The page's lag-aware inputs: ``kpi_nowcast`` rows of its levels and grains and the
    comparison (the rows are judged once here, not once per language)."""
    frame = nowcast_rows(con, levels, grains)
    return {} if frame is None else {"nowcast": frame,
                                     "compare": config.reporting.compare_recent}


def attribution(config) -> Attribution:
    """Which conversions the KPIs count (``conversions.attribution``), with Meta's attribution
    windows when Meta Ads is connected."""
    meta = config.sources.meta_ads
    return Attribution(config.conversions.attribution,
                       meta.attribution_windows if meta.kind != "none" else ())


def _each_language(con, write, out, name: str, config, *frames, **kw):
    """Write ``name``.<lang>.html for every language, and ``name``.html as a small redirect to
    the one in the configured language (not a copy: the output stays under its size budget);
    returns the page in the configured language. Every page gets the site header: the account,
    when the data was pulled, the latest weekly report, the attribution choice."""
    header = Header(page=name, account=config.account_name, freshness=last_extracted(con),
                    report=latest_report(out), attribution=attribution(config))
    for lang in LANGUAGES:
        write(out / f"{name}.{lang}.html", *frames, lang=lang, account=config.account_name,
              header=header, **kw)
    chosen = out / f"{name}.{config.reporting.language}.html"
    write_page(out / f"{name}.html", redirect_page(chosen.name, config.reporting.language))
    return chosen


def _page_result(path) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path)),
                                          "bytes": path.stat().st_size})


@dg.asset(
    name="experiments_dashboard",
    group_name="dashboards",
    deps=list(EXPERIMENT_TABLES),
    kinds={"plotly", "html"},
    description="experiments.html: decisions in words, SRM warnings first, a confidence-interval "
    "forest plot per metric, day-by-day history; one self-contained file per language.",
)
def experiments_dashboard(warehouse: WarehouseResource,
                          settings: SettingsResource) -> dg.MaterializeResult:
    config = settings.load()
    con = warehouse.connect()
    results, effects, past = (con.execute(con.table(t)) for t in EXPERIMENT_TABLES)
    path = _each_language(con, write_experiments, settings.output(), "experiments", config,
                          results, effects, [d.spec() for d in config.experiments],
                          as_of=experiments_as_of(config), history=past,
                          currency=config.reporting.currency)
    return _page_result(path)


def _campaign_names(con) -> dict[str, str]:
    dims = con.execute(con.table(model.CAMPAIGN_DIM).select("campaign_key", "campaign_name"))
    return dict(zip(dims["campaign_key"], dims["campaign_name"], strict=True))


def _as_of(con) -> dt.date:
    end = con.execute(con.table(model.MODEL_TABLE).date.max())
    return pd.Timestamp(end).date()


def _curves_fitted(con) -> dt.date | None:
    """The day the oldest stored response curve was fitted (None when none is stored)."""
    if budget.STORE_TABLE not in con.list_tables():
        return None
    store = con.table(budget.STORE_TABLE)
    if "fitted_on" not in store.columns:  # an empty store is a table with nothing to say
        return None
    oldest = con.execute(store.fitted_on.min())
    return None if oldest is None or pd.isna(oldest) else pd.Timestamp(oldest).date()


@dg.asset(
    name="budget_dashboard",
    group_name="dashboards",
    deps=[budget.PACING_TABLE, budget.RECOMMENDATIONS_TABLE, budget.SCENARIOS_TABLE,
          budget.STORE_TABLE, model.CAMPAIGN_DIM],
    kinds={"plotly", "html"},
    description="budget.html: current period pacing per plan line, recommendations in words, "
    "±20 % scenarios; one self-contained file per language.",
)
def budget_dashboard(warehouse: WarehouseResource,
                     settings: SettingsResource) -> dg.MaterializeResult:
    config = settings.load()
    con = warehouse.connect()
    frames = [con.execute(con.table(t)) for t in (budget.PACING_TABLE,
                                                  budget.RECOMMENDATIONS_TABLE,
                                                  budget.SCENARIOS_TABLE)]
    path = _each_language(con, write_budget, settings.output(), "budget", config, *frames,
                          as_of=_as_of(con), currency=config.reporting.currency,
                          campaign_names=_campaign_names(con),
                          curves_fitted=_curves_fitted(con))
    return _page_result(path)


@dg.asset(
    name="clv_dashboard",
    group_name="dashboards",
    deps=[clv.CUSTOMERS_TABLE, clv.MODEL_TABLE, clv.COHORTS_TABLE, clv.ACQUISITION_TABLE,
          model.CAMPAIGN_DIM],
    kinds={"plotly", "html"},
    description="clv.html: CLV and CLV:CAC per channel and campaign, cohorts, the fitted "
    "models; one self-contained file per language.",
)
def clv_dashboard(warehouse: WarehouseResource,
                  settings: SettingsResource) -> dg.MaterializeResult:
    config = settings.load()
    con = warehouse.connect()
    frames = [con.execute(con.table(t)) for t in (clv.CUSTOMERS_TABLE, clv.MODEL_TABLE,
                                                  clv.COHORTS_TABLE, clv.ACQUISITION_TABLE)]
    path = _each_language(con, write_clv, settings.output(), "clv", config, *frames,
                          as_of=_as_of(con), currency=config.reporting.currency,
                          campaign_names=_campaign_names(con))
    return _page_result(path)


@dg.asset(
    name="trends_dashboard",
    group_name="dashboards",
    deps=[rollup.VALUES_TABLE, nowcast_tables.NOWCAST_TABLE],
    kinds={"plotly", "html"},
    description="trends.html: daily (13 weeks) KPI trends and the whole history by week, 4 weeks, "
    "month or quarter (chosen on the page, last year alongside), with targets, provisional "
    "points and Belgian public holidays named in the page's language.",
)
def trends_dashboard(warehouse: WarehouseResource,
                     settings: SettingsResource) -> dg.MaterializeResult:
    config = settings.load()
    con = warehouse.connect()
    lag = _nowcast(con, config, ("total",), ("day", "week", "month"))
    path = _each_language(con, write_trends, settings.output(), "trends", config,
                          judged_values(trends_rows(con), **lag), **lag)
    return _page_result(path)


def provisional_windows(con, config, latest: dict | None = None) -> dict:
    """Per source platform, the first day its restatement window may still change."""
    latest = latest_pulled(con) if latest is None else latest
    return {p: provisional_since({p: day}, {p: lookback_days(config, p)})
            for p, day in latest.items()}


def check_results(instance: dg.DagsterInstance) -> list[dict]:
    """The latest evaluation of every asset check (``passed`` None when not run yet)."""
    keys = [spec.key for check in CHECKS for spec in check.check_specs]
    records = instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
    out = []
    for key in keys:
        record = records.get(key)
        entry = record.event if record is not None else None
        event = entry.dagster_event if entry is not None else None
        data = getattr(event, "event_specific_data", None)
        evaluated = getattr(data, "passed", None) is not None
        out.append({"name": key.name, "asset": key.asset_key.to_user_string(),
                    "passed": data.passed if evaluated else None,
                    "severity": data.severity.value if evaluated else "ERROR",
                    "description": (data.description or "") if evaluated else ""})
    return out


def finished_runs(instance: dg.DagsterInstance, current: str | None = None) -> list[dict]:
    """Finished nightly runs, newest first; with ``current`` (the id of the run writing the
    page: still going, so not among them) that run first, as ``{"started_at", "current":
    True}``."""
    done = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE]
    records = instance.get_run_records(
        filters=dg.RunsFilter(job_name=NIGHTLY_JOB, statuses=done), limit=20)
    runs = [{"finished_at": dt.datetime.fromtimestamp(r.end_time, dt.UTC),
             "success": r.dagster_run.status == dg.DagsterRunStatus.SUCCESS}
            for r in records if r.end_time is not None and r.dagster_run.run_id != current]
    this = instance.get_run_record_by_id(current) if current else None
    if this is not None and this.start_time is not None:
        runs.insert(0, {"started_at": dt.datetime.fromtimestamp(this.start_time, dt.UTC),
                        "finished_at": None, "success": None, "current": True})
    return runs


@dg.asset(
    name="quality_dashboard",
    group_name="dashboards",
    deps=[rollup.VALUES_TABLE, budget.RECOMMENDATIONS_TABLE, clv.CUSTOMERS_TABLE,
          experiment_assets.RESULTS_TABLE, ALERTS_TABLE],
    kinds={"plotly", "html"},
    description="quality.html: per source the last pull and provisional window, a 60-day "
    "calendar per stream, GA4 thresholding / sampling flags, asset-check results, last runs.",
)
def quality_dashboard(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                      settings: SettingsResource) -> dg.MaterializeResult:
    config = settings.load()
    con = warehouse.connect()
    extracts = con.execute(read_table(con, EXTRACTS_TABLE))
    latest = latest_pulled(con)
    windows = provisional_windows(con, config, latest)
    as_of = max(latest.values()) + dt.timedelta(days=1) if latest else dt.date.today()
    warned = [dataclasses.asdict(w)
              for w in warnings_in(context.instance.all_logs(context.run.run_id))]
    path = _each_language(con, write_quality, settings.output(), "quality", config, extracts,
                          check_results(context.instance),
                          finished_runs(context.instance, context.run.run_id),
                          as_of=as_of, provisional_since=windows,
                          time_zone=config.reporting.time_zone,
                          skipped=count_skipped(con, NULL_REASONS), warnings=warned,
                          crm=crm_tables.stored(con, crm_tables.MATCH_RATES_TABLE),
                          alerts=crm_tables.stored(con, ALERTS_TABLE), names=campaign_names(con))
    return _page_result(path)


PAGE_ASSETS = [overview_dashboard, drilldown_dashboard, experiments_dashboard, budget_dashboard,
               clv_dashboard, trends_dashboard, quality_dashboard]
