"""Dagster resources: the warehouse and the pipeline settings.

Locations come from ``CAMPAIGN_KPI_DATA_DIR`` and ``CAMPAIGN_KPI_CONFIG`` (read by Dagster at run
time through ``EnvVar`` when set), else from the defaults of :mod:`assets.settings`, the same
resolution that chose the partitions, so a plain ``dagster dev -m assets.definitions`` works.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from ibis.backends import BaseBackend

from assets.settings import CONFIG_ENV, DATA_DIR_ENV, Paths
from pipelines.config import Config, load_config
from pipelines.warehouse.engines import open_warehouse

OUTPUT_FOLDER = "out"


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse on the configured engine: by default the DuckDB file in the data folder."""

    data_dir: str
    config_path: str

    def connect(self) -> BaseBackend:
        engine = load_config(Path(self.config_path)).engine
        return open_warehouse(engine, Path(self.data_dir))


class SettingsResource(dg.ConfigurableResource):
    """The YAML configuration, and the folder dashboards are written to."""

    config_path: str
    data_dir: str

    def load(self) -> Config:
        return load_config(Path(self.config_path))

    def output(self) -> Path:
        path = Path(self.data_dir) / OUTPUT_FOLDER
        path.mkdir(parents=True, exist_ok=True)
        return path


def _env_or(name: str, default: Path) -> str | dg.EnvVar:
    return dg.EnvVar(name) if os.environ.get(name) else str(default)


def resources_for(paths: Paths, from_env: bool = True) -> dict[str, dg.ConfigurableResource]:
    """Resources on ``paths``; with ``from_env``, set environment variables win at run time."""
    data_dir = _env_or(DATA_DIR_ENV, paths.data_dir) if from_env else str(paths.data_dir)
    config = _env_or(CONFIG_ENV, paths.config) if from_env else str(paths.config)
    return {
        "warehouse": WarehouseResource(data_dir=data_dir, config_path=config),
        "settings": SettingsResource(config_path=config, data_dir=data_dir),
    }
