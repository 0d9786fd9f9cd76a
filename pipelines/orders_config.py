"""The ``sources.orders`` section of the configuration: where orders come from, and whether the
CRM's won deals count as orders too (CLV and CLV:CAC of the customers a sales team wins).

>>> OrdersSource(kind="file", path="orders.csv").path.name
'orders.csv'
>>> OrdersSource(kind="none", won_deals=True).won_deals
True
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
    # Also count the CRM's won deals as orders (pipelines.sources.orders.crm_deals): with kind
    # none, the CRM's customers are the only ones. A person who both orders online and signs a
    # deal is then two customers (the order's and the CRM's pseudonyms differ).
    won_deals: bool = False

    @field_validator("path")
    @classmethod
    def _suffix(cls, path: Path | None) -> Path | None:
        if path is not None and path.suffix.lower() not in {".csv", ".parquet", ".pq"}:
            raise ValueError(f"{path.name} is neither .csv nor .parquet")
        return path

    def model_post_init(self, _context: object) -> None:
        if self.kind == "file" and self.path is None:
            raise ValueError("path: name the CSV or Parquet file of orders")
