"""Rendered HTML dashboards."""

import datetime as dt

import dagster as dg
import pandas as pd

from assets import budget, clv
from assets.resources import SettingsResource, WarehouseResource
from dashboards.budget import write_budget
from dashboards.clv import write_clv
from dashboards.overview import write_overview
from kpi import model, rollup
from kpi.registry import LANGUAGES

DASHBOARD_GRAINS = ("week", "month")
DASHBOARD_LEVELS = ("total", "channel")


@dg.asset(
    name="overview_dashboard",
    group_name="dashboards",
    deps=[rollup.VALUES_TABLE],
    kinds={"plotly", "html"},
    description="overview.html: KPI tiles vs target and previous week, trends, channels; "
    "one self-contained file per language.",
)
def overview_dashboard(warehouse: WarehouseResource,
                       settings: SettingsResource) -> dg.MaterializeResult:
    config = settings.load()
    con = warehouse.connect()
    values = con.table(rollup.VALUES_TABLE)
    wanted = values.filter(
        values.grain.isin(DASHBOARD_GRAINS) & values.level.isin(DASHBOARD_LEVELS))
    frame = con.execute(wanted)
    out = settings.output()
    written = {}
    for lang in LANGUAGES:
        path = write_overview(out / f"overview.{lang}.html", frame, lang=lang,
                              account=config.account_name)
        written[lang] = path
    default = write_overview(out / "overview.html", frame, lang=config.reporting.language,
                             account=config.account_name)
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(default)),
        "bytes": default.stat().st_size,
        "languages": ", ".join(written),
    })


def _each_language(write, out, name: str, config, *frames, **kw):
    """Write ``name``.<lang>.html for every language and ``name``.html in the configured one."""
    for lang in LANGUAGES:
        write(out / f"{name}.{lang}.html", *frames, lang=lang, account=config.account_name,
              **kw)
    return write(out / f"{name}.html", *frames, lang=config.reporting.language,
                 account=config.account_name, **kw)


def _campaign_names(con) -> dict[str, str]:
    dims = con.execute(con.table(model.CAMPAIGN_DIM).select("campaign_key", "campaign_name"))
    return dict(zip(dims["campaign_key"], dims["campaign_name"], strict=True))


def _as_of(con) -> dt.date:
    end = con.execute(con.table(model.MODEL_TABLE).date.max())
    return pd.Timestamp(end).date()


@dg.asset(
    name="budget_dashboard",
    group_name="dashboards",
    deps=[budget.PACING_TABLE, budget.RECOMMENDATIONS_TABLE, budget.SCENARIOS_TABLE,
          model.CAMPAIGN_DIM],
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
    path = _each_language(write_budget, settings.output(), "budget", config, *frames,
                          as_of=_as_of(con), currency=config.reporting.currency,
                          campaign_names=_campaign_names(con))
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path)),
                                          "bytes": path.stat().st_size})


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
    path = _each_language(write_clv, settings.output(), "clv", config, *frames,
                          as_of=_as_of(con), currency=config.reporting.currency,
                          campaign_names=_campaign_names(con))
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path)),
                                          "bytes": path.stat().st_size})


PAGE_ASSETS = [overview_dashboard, budget_dashboard, clv_dashboard]
