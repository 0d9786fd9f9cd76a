"""The ``sources.orders`` section of the configuration: where orders come from.

>>> OrdersSource(kind="file", path="orders.csv").path.name
'orders.csv'
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OrdersSource(_Strict):
    """Where orders come from: the demo, a CSV or Parquet file (customer ids and e-mails are
    replaced by keyed hashes on reading; key in CAMPAIGN_KPI_PSEUDONYM_KEY), or none."""

    kind: Literal["demo", "file", "none"] = "demo"
    path: Path | None = None

    @field_validator("path")
    @classmethod
    def _suffix(cls, path: Path | None) -> Path | None:
        if path is not None and path.suffix.lower() not in {".csv", ".parquet", ".pq"}:
            raise ValueError(f"{path.name} is neither .csv nor .parquet")
        return path

    def model_post_init(self, _context: object) -> None:
        if self.kind == "file" and self.path is None:
            raise ValueError("path: name the CSV or Parquet file of orders")
