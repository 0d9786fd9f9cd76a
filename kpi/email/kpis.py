"""E-mail KPIs from additive counts, computed at the grain asked for (a month's click rate is
its clicks over its deliveries, never a mean of the sends' rates).

Apple Mail Privacy Protection (MPP) fetches every image of a message on delivery, so its
"opens" are machine opens: the open rate overstates what people did. Click rate and
click-to-open rate are the engagement KPIs to trust; the open rate without machine opens is
shown where the tool reports it (Mailchimp's ``proxy_excluded_unique_opens``), else it is null
with the reason.

>>> sends = pd.DataFrame({"campaign_id": ["a", "b"], "send_date": [dt.date(2026, 3, 3)] * 2,
...     "language": ["nl", "fr"], "emails_sent": [1000, 500], "hard_bounces": [3, 2],
...     "soft_bounces": [7, 3], "deliveries": [990, 495], "unique_opens": [420, 200],
...     "unique_opens_excl_machine": [180, None], "unique_clicks": [30, 12],
...     "unsubscribes": [2, 1], "abuse_reports": [0, 0], "utm_campaign": ["n-03", "l-03"]})
>>> table = per_send(sends, ga4_by_campaign(pd.DataFrame({"utm_campaign": ["n-03"],
...     "sessions": [40], "conversions": [2.0], "revenue": [170.0]})))
>>> table[["click_rate", "open_rate_excl_machine", "ga4_sessions"]].round(4).values.tolist()
[[0.0303, 0.1818, 40.0], [0.0242, nan, 0.0]]
>>> rollup(table, "language").set_index("language")["click_to_open_rate"].round(4).to_dict()
{'fr': 0.06, 'nl': 0.0714}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

COUNTS = ("emails_sent", "hard_bounces", "soft_bounces", "deliveries", "unique_opens",
          "unique_opens_excl_machine", "deliveries_measured", "unique_clicks", "unsubscribes",
          "abuse_reports", "ga4_sessions", "ga4_conversions", "ga4_revenue")
Grain = Literal["send", "month", "language", "month_language"]


@dataclass(frozen=True)
class EmailKpi:
    """One e-mail KPI: numerator / denominator (sums at the grain), whether people's behaviour
    can be trusted from it, and its text key (domain ``email``)."""

    id: str
    numerator: str
    denominator: str
    unit: Literal["rate", "count", "money"]
    higher_is_better: bool
    trusted: bool
    label: str


EMAIL_KPIS: tuple[EmailKpi, ...] = (
    EmailKpi("open_rate", "unique_opens", "deliveries", "rate", True, False, "em_open_rate"),
    EmailKpi("open_rate_excl_machine", "unique_opens_excl_machine", "deliveries_measured",
             "rate", True, False, "em_open_rate_excl_machine"),
    EmailKpi("click_rate", "unique_clicks", "deliveries", "rate", True, True, "em_click_rate"),
    EmailKpi("click_to_open_rate", "unique_clicks", "unique_opens", "rate", True, True,
             "em_click_to_open_rate"),
    EmailKpi("bounce_rate", "bounces", "emails_sent", "rate", False, True, "em_bounce_rate"),
    EmailKpi("unsubscribe_rate", "unsubscribes", "deliveries", "rate", False, True,
             "em_unsubscribe_rate"),
    EmailKpi("ga4_sessions_per_send", "ga4_sessions", "sends", "count", True, True,
             "em_ga4_sessions_per_send"),
    EmailKpi("ga4_conversions_per_send", "ga4_conversions", "sends", "count", True, True,
             "em_ga4_conversions_per_send"),
    EmailKpi("ga4_revenue_per_send", "ga4_revenue", "sends", "money", True, True,
             "em_ga4_revenue_per_send"),
)
KPI_BY_ID = {k.id: k for k in EMAIL_KPIS}
NO_MACHINE_OPENS = "em_reason_no_machine_opens"  # why open_rate_excl_machine is null


def ga4_by_campaign(frame: pd.DataFrame) -> pd.DataFrame:
    """GA4's e-mail traffic (``utm_campaign``, ``sessions``, ``conversions``, ``revenue``; rows
    of medium ``email`` only) summed per utm_campaign."""
    cols = ["sessions", "conversions", "revenue"]
    if frame.empty:
        return pd.DataFrame(columns=["utm_campaign", *cols])
    return frame.groupby("utm_campaign", as_index=False)[cols].sum()


def _ratios(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    out["bounces"] = out["hard_bounces"] + out["soft_bounces"]
    for kpi in EMAIL_KPIS:
        num = out[kpi.numerator].astype(float)
        den = out[kpi.denominator].astype(float)
        out[kpi.id] = np.where(den > 0, num / den.where(den > 0), np.nan)
    measured = out["deliveries_measured"].astype(float) > 0
    out["open_rate_excl_machine"] = out["open_rate_excl_machine"].where(measured)
    out["null_reason"] = np.where(measured, None, NO_MACHINE_OPENS)
    return out.drop(columns=["bounces"])


def per_send(sends: pd.DataFrame, ga4: pd.DataFrame) -> pd.DataFrame:
    """One row per send with its counts, GA4's sessions / conversions / revenue for its
    utm_campaign (0 when GA4 saw none, or the send has no tag) and every KPI."""
    table = sends.copy()
    numeric = ["emails_sent", "hard_bounces", "soft_bounces", "deliveries", "unique_opens",
               "unique_clicks", "unsubscribes", "abuse_reports"]
    for column in numeric:
        table[column] = pd.to_numeric(table[column], errors="coerce").astype(float)
    excl = pd.to_numeric(table["unique_opens_excl_machine"], errors="coerce").astype(float)
    table["unique_opens_excl_machine"] = excl.fillna(0.0)
    table["deliveries_measured"] = table["deliveries"].where(excl.notna(), 0.0)
    ga4 = ga4_by_campaign(ga4).set_index("utm_campaign")
    tag = table["utm_campaign"].astype(object)
    for column in ("sessions", "conversions", "revenue"):
        table[f"ga4_{column}"] = tag.map(ga4[column]).astype(float).fillna(0.0).to_numpy()
    table["sends"] = 1.0
    table["month"] = pd.to_datetime(table["send_date"]).dt.strftime("%Y-%m")
    return _ratios(table)


def rollup(table: pd.DataFrame, grain: Grain) -> pd.DataFrame:
    """:func:`per_send`'s rows summed per month, language or both, KPIs recomputed from the
    sums."""
    if grain == "send":
        return table
    keys = {"month": ["month"], "language": ["language"],
            "month_language": ["month", "language"]}[grain]
    summed = table.assign(language=table["language"].fillna("?")).groupby(
        keys, as_index=False)[[*COUNTS, "sends"]].sum()
    return _ratios(summed)
