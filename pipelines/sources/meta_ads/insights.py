"""The insights request for ``meta_adset_daily`` and how one answered row becomes a stream row.

Leads and purchases are the sums of the configured action types (which never overlap: the
configuration refuses an aggregate with one of its parts) over the configured attribution
windows, read from each action's per-window values (``"7d_click"``, ``"1d_view"``), never from
its ``value`` (the account's default attribution, which may be another one).

>>> counting = Counting(("7d_click", "1d_view"), ("lead",), ("omni_purchase",))
>>> row = {"date_start": "2026-03-02", "date_stop": "2026-03-02", "account_id": "1001",
...        "campaign_id": "5", "campaign_name": "NL", "objective": "OUTCOME_SALES",
...        "adset_id": "51", "adset_name": "NL 25-44", "impressions": "1200", "reach": "900",
...        "clicks": "31", "inline_link_clicks": "22", "spend": "41.37",
...        "actions": [{"action_type": "omni_purchase", "value": "4", "7d_click": "3",
...                     "1d_view": "1"},
...                    {"action_type": "offsite_conversion.fb_pixel_purchase", "value": "3",
...                     "7d_click": "3"}],
...        "action_values": [{"action_type": "omni_purchase", "value": "200.5",
...                           "7d_click": "150.5", "1d_view": "50"}]}
>>> read = stream_row(row, counting)
>>> read["purchases"], read["purchases_view"], read["purchase_value"], read["leads"]
(4.0, 1.0, 200.5, 0.0)
>>> read["spend"], read["link_clicks"], read["attribution_setting"]
(41.37, 22, '7d_click,1d_view')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pipelines.meta_ads_config import VIEW_WINDOWS
from pipelines.sources.base import Window

FIELDS = ("account_id", "account_currency", "campaign_id", "campaign_name", "objective",
          "adset_id", "adset_name", "date_start", "date_stop", "impressions", "reach", "clicks",
          "inline_link_clicks", "spend", "actions", "action_values")


@dataclass(frozen=True)
class Counting:
    """What counts: the attribution windows, and the action types of a lead and a purchase."""

    windows: tuple[str, ...]
    lead_types: tuple[str, ...]
    purchase_types: tuple[str, ...]

    @property
    def setting(self) -> str:
        return ",".join(self.windows)


def request_params(window: Window, counting: Counting) -> dict[str, Any]:
    """The async insights request for ``window``: one row per ad set and day."""
    return {"level": "adset", "time_increment": "1",
            "time_range": {"since": window.start.isoformat(), "until": window.end.isoformat()},
            "action_attribution_windows": list(counting.windows), "fields": list(FIELDS)}


def counted(entries: Iterable[Mapping[str, Any]] | None, types: tuple[str, ...],
            windows: Iterable[str]) -> float:
    """The sum over ``entries`` of the listed action types of their ``windows`` values."""
    windows = tuple(windows)
    return float(sum(float(entry.get(w) or 0) for entry in entries or ()
                     if entry.get("action_type") in types for w in windows))


def stream_row(row: Mapping[str, Any], counting: Counting) -> dict[str, Any]:
    """One answered insights row as a ``meta_adset_daily`` row (without campaign status and
    provenance, which the source adds)."""
    if row.get("date_start") != row.get("date_stop"):
        raise ValueError(f"expected one day per row, got {row.get('date_start')} .. "
                         f"{row.get('date_stop')}")
    views = [w for w in counting.windows if w in VIEW_WINDOWS]
    actions, values = row.get("actions"), row.get("action_values")
    return {
        "date": dt.date.fromisoformat(str(row["date_start"])),
        "account_id": str(row["account_id"]),
        "campaign_id": str(row["campaign_id"]), "campaign_name": str(row["campaign_name"]),
        "objective": str(row.get("objective") or ""),
        "adset_id": str(row["adset_id"]), "adset_name": str(row["adset_name"]),
        "impressions": int(row.get("impressions") or 0), "reach": int(row.get("reach") or 0),
        "clicks": int(row.get("clicks") or 0),
        "link_clicks": int(row.get("inline_link_clicks") or 0),
        "spend": float(row.get("spend") or 0),
        "leads": counted(actions, counting.lead_types, counting.windows),
        "purchases": counted(actions, counting.purchase_types, counting.windows),
        "purchase_value": counted(values, counting.purchase_types, counting.windows),
        "leads_view": counted(actions, counting.lead_types, views),
        "purchases_view": counted(actions, counting.purchase_types, views),
        "purchase_value_view": counted(values, counting.purchase_types, views),
        "attribution_setting": counting.setting,
    }
