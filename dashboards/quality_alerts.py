"""The quality page's alerts block: the anomalies open now and those closed in the last 30 days,
each in words (what, where, since when, how far outside its range, the likely cause).

>>> import datetime as dt
>>> rows = pd.DataFrame([{"kind": "stopped_spending", "level": "campaign", "key": "gads:1",
...     "metric": "cost", "since": dt.date(2026, 3, 10), "observed": 0.0, "expected": 277.0,
...     "lower": 214.1, "upper": 358.4, "status": "open", "closed_on": None}])
>>> block = alert_block(rows, "en", dt.date(2026, 3, 20), {"gads:1": "Search – Solar – FR"})
>>> block.summary
'1 open, 0 closed in the last 30 days'
>>> print(block.rows[0].line.replace("\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
Campaign stopped spending – Search – Solar – FR, since 10 Mar 2026: 0,00 € against
277,00 € expected (range 214,10 € to 358,40 €).
>>> alert_block(None, "en", dt.date(2026, 3, 20)) is None  # no alerts table yet: no block
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kpi.language.format import format_date, format_value
from kpi.language.translate import N_, translator

_t = translator("quality")
KIND_TEXTS = {
    "broken_tag": (N_("alert_broken_tag"), N_("alert_cause_broken_tag")),
    "spend_spike": (N_("alert_spend_spike"), N_("alert_cause_spend_spike")),
    "stopped_spending": (N_("alert_stopped_spending"), N_("alert_cause_stopped_spending")),
    "cpa_high": (N_("alert_cpa_high"), N_("alert_cause_cpa_high")),
    "cpl_high": (N_("alert_cpl_high"), N_("alert_cause_cpl_high")),
    "roas_low": (N_("alert_roas_low"), N_("alert_cause_roas_low")),
    "ga4_ads_gap": (N_("alert_ga4_ads_gap"), N_("alert_cause_ga4_ads_gap")),
    "no_rows": (N_("alert_no_rows"), N_("alert_cause_no_rows")),
}
UNITS = {"cost": "currency", "cost_per_conversion": "currency", "cost_per_lead": "currency",
         "roas": "multiple", "ga4_over_ads": "multiple"}
RECENT_DAYS = 30


@dataclass(frozen=True)
class AlertRow:
    kind: str
    status: str  # open | closed
    line: str
    cause: str
    closed: str  # "" while open


@dataclass(frozen=True)
class AlertBlock:
    summary: str
    rows: tuple[AlertRow, ...]


def describe(row: Mapping[str, object], lang: str, names: Mapping[str, str] | None = None
             ) -> tuple[str, str]:
    """One alert in words: the line (what, where, since, how far) and the likely cause."""
    kind = str(row["kind"])
    what_id, cause_id = KIND_TEXTS.get(kind, (kind, kind))
    unit = UNITS.get(str(row["metric"]), "count")
    key = str(row["key"])
    where = (names or {}).get(key, key)
    fmt = lambda v: format_value(float(v), unit, lang)  # noqa: E731
    line = _t("q_alerts_line", lang).format(
        what=_t(what_id, lang), where=where, since=format_date(row["since"], lang),
        observed=fmt(row["observed"]), expected=fmt(row["expected"]), lower=fmt(row["lower"]),
        upper=fmt(row["upper"]))
    return line, _t(cause_id, lang)


def alert_block(alerts: pd.DataFrame | None, lang: str, as_of: dt.date,
                names: Mapping[str, str] | None = None) -> AlertBlock | None:
    """The block from the ``alerts`` table (None before the first alert run: no block)."""
    if alerts is None:
        return None
    closed_on = pd.to_datetime(alerts["closed_on"])
    recent = alerts[(alerts["status"] == "open")
                    | (closed_on >= pd.Timestamp(as_of - dt.timedelta(days=RECENT_DAYS)))]
    recent = recent.sort_values(["status", "since"], ascending=[False, False])
    rows = []
    for row in recent.to_dict("records"):
        line, cause = describe(row, lang, names)
        closed = "" if row["status"] == "open" else _t("q_alerts_closed", lang).format(
            closed=format_date(pd.Timestamp(row["closed_on"]).date(), lang))
        rows.append(AlertRow(str(row["kind"]), str(row["status"]), line, cause, closed))
    n_open = sum(r.status == "open" for r in rows)
    summary = _t("q_alerts_summary", lang).format(open=n_open, closed=len(rows) - n_open)
    return AlertBlock(summary, tuple(rows))
