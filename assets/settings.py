"""Where things live: the data folder, the configuration file and the outputs.

Resolution order for the configuration: an explicit path, then ``$CAMPAIGN_KPI_CONFIG``, then
``<data dir>/campaign-kpi.yaml``, then the sample configuration in the repository's data folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_ENV = "CAMPAIGN_KPI_DATA_DIR"
CONFIG_ENV = "CAMPAIGN_KPI_CONFIG"
REPO_DATA = Path(__file__).resolve().parents[1] / "data"
EXAMPLE_CONFIG = REPO_DATA / "campaign-kpi.example.yaml"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    config: Path

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def output(self) -> Path:
        return self.data_dir / "out"


def resolve_paths(data_dir: Path | str | None = None, config: Path | str | None = None) -> Paths:
    """Paths from explicit arguments, then the environment, then defaults."""
    folder = Path(data_dir or os.environ.get(DATA_DIR_ENV) or REPO_DATA).resolve()
    chosen = config or os.environ.get(CONFIG_ENV)
    if chosen is None:
        local = folder / "campaign-kpi.yaml"
        chosen = local if local.exists() else EXAMPLE_CONFIG
    return Paths(data_dir=folder, config=Path(chosen).resolve())
