"""Rendered HTML dashboards."""

import dagster as dg

from assets.resources import SettingsResource, WarehouseResource
from dashboards.overview import write_overview
from kpi import rollup
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
