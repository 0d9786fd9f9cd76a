"""Retention at the end of the nightly run: with ``privacy.retention_days`` set, delete every row
dated more than that many days before today, and those weeks' reports (:mod:`pipelines.retention`).

It depends on every other nightly asset, so it runs last: tables that are rebuilt whole from a
source's full history each night (orders, experiment exposures) are purged again right after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import dagster as dg

from assets.catalog import CATALOG
from assets.resources import SettingsResource, WarehouseResource
from pipelines.retention import RetentionError, purge, today_in

RETENTION_ASSET = "retention"


def build_retention_asset(upstream: Sequence[dg.AssetsDefinition]) -> dg.AssetsDefinition:
    """The retention step, after every asset of ``upstream``."""

    @dg.asset(
        name=RETENTION_ASSET,
        group_name="privacy",
        deps=[key for assets in upstream for key in assets.keys],
        kinds={"duckdb"},
        description="Delete every row dated before today minus privacy.retention_days from "
        "every dated table, and the weekly reports of those weeks (nothing when unset).",
    )
    def retention(warehouse: WarehouseResource,
                  settings: SettingsResource) -> dg.MaterializeResult:
        config = settings.load()
        days = config.privacy.retention_days
        if days is None:
            return dg.MaterializeResult(metadata={
                "retention": "off: privacy.retention_days is not set"})
        cutoff = today_in(config.reporting.time_zone) - dt.timedelta(days=days)
        try:
            summary = purge(warehouse.connect(), cutoff, settings.output(), CATALOG)
        except RetentionError as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from None
        return dg.MaterializeResult(metadata={
            "retention_days": days, "cutoff": cutoff.isoformat(),
            "rows_deleted": summary.total_rows,
            "rows_deleted_per_table": dg.MetadataValue.json(summary.deleted),
            "files_deleted": len(summary.files)})

    return retention
