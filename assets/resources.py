"""Dagster resources: the warehouse and the pipeline settings, fed by environment variables."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from ibis.backends.duckdb import Backend

from pipelines.config import Config, load_config
from pipelines.warehouse.store import connect


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file."""

    path: str

    def connect(self) -> Backend:
        return connect(Path(self.path))


class SettingsResource(dg.ConfigurableResource):
    """The YAML configuration and the folder dashboards are written to."""

    config_path: str
    output_dir: str

    def load(self) -> Config:
        return load_config(Path(self.config_path))

    def output(self) -> Path:
        path = Path(self.output_dir)
        path.mkdir(parents=True, exist_ok=True)
        return path


def resources_from_env() -> dict[str, dg.ConfigurableResource]:
    """Resources whose locations come from the environment at run time."""
    return {
        "warehouse": WarehouseResource(path=dg.EnvVar("CAMPAIGN_KPI_WAREHOUSE")),
        "settings": SettingsResource(
            config_path=dg.EnvVar("CAMPAIGN_KPI_CONFIG"),
            output_dir=dg.EnvVar("CAMPAIGN_KPI_OUTPUT"),
        ),
    }
