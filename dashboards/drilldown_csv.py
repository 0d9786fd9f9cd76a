"""The drill-down's full table as CSV, written beside the pages: every channel, campaign and ad
group of every period the page shows (the page itself embeds only the largest, see
:mod:`dashboards.drilldown_cap`).

One file for all languages: its content does not depend on the language (column names are the
KPI registry's ids, dates ISO 8601, numbers in plain machine form with a ``.`` decimal point and
no grouping, empty when there is no value). Names are the account's campaign and ad group names
(no personal data; the account name is not written); a name a spreadsheet would read as a
formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading
``'``.

>>> machine(1234.5), machine(0.1 + 0.2), machine(None), machine(3.0)
('1234.5', '0.3', '', '3')
>>> text("=HYPERLINK(1)"), text("Brand – NL")
("'=HYPERLINK(1)", 'Brand – NL')
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path

from dashboards.drilldown_data import (
    ROOT,
    NodeGoal,
    Period,
    Records,
    key_parts,
    value_of,
)

CSV_FILE = "drilldown.csv"
MEASURES = ("cost", "impressions", "clicks", "conversions", "leads", "purchases", "revenue")
KPIS = ("cpa", "cpl", "roas", "conversion_rate", "ctr", "cpc")
COLUMNS = ("period", "first_day", "last_day", "previous_first_day", "previous_last_day",
           "provisional", "level", "channel", "campaign_key", "campaign_name", "ad_group_key",
           "ad_group_name", *(f"{m}{s}" for m in (*MEASURES, *KPIS) for s in ("", "_previous")),
           *(f"{k}_target" for k in KPIS), "goal_kpi", "goal_target")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def machine(value: float | None) -> str:
    """A number as a machine reads it: fixed notation, at most 6 decimals, no trailing zeros."""
    if value is None or not math.isfinite(value):
        return ""
    out = f"{round(value, 6):.6f}".rstrip("0").rstrip(".")
    return "0" if out in ("-0", "") else out


def text(value: object) -> str:
    """A name as a cell, neutralised when a spreadsheet would run it as a formula."""
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(FORMULA_START) else s


def _days(weeks: tuple[dt.date, ...]) -> tuple[str, str]:
    if not weeks:
        return "", ""
    return weeks[0].isoformat(), (weeks[-1] + dt.timedelta(days=6)).isoformat()


def period_rows(p: Period, keys: list[str], ents: Records, view: tuple[Records, Records, Records],
                goals: dict[str, NodeGoal]) -> list[list[str]]:
    """One row per node (the account first, then ``keys`` in order) for period ``p``."""
    cur, prev, tgt = view
    first, last = _days(p.weeks)
    before = _days(p.previous)
    out = []
    for key in [ROOT, *keys]:
        e = ents.get(key, {"level": "total", "channel": "", "parent": ""})
        campaign_key, ad_group_key = key_parts(key)
        level = "total" if key == ROOT else str(e["level"])
        campaign = (ents[e["parent"]]["name"] if level == "ad_group"
                    else e["name"] if level == "campaign" else "")
        goal = goals.get(key)
        row = [p.key, first, last, *before, "true" if p.provisional else "false", level,
               text(e["channel"] if key != ROOT else ""), text(campaign_key), text(campaign),
               text(ad_group_key), text(e["name"] if level == "ad_group" else "")]
        for m in (*MEASURES, *KPIS):
            row += [machine(value_of(cur, key, m)), machine(value_of(prev, key, m))]
        row += [machine(value_of(tgt, key, k)) for k in KPIS]
        row += [(goal.kpi or "") if goal else "", machine(goal.target) if goal else ""]
        out.append(row)
    return out


def csv_text(rows: list[list[str]]) -> str:
    """The header and ``rows`` as CSV text (RFC 4180 quoting, ``\\r\\n`` line ends)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buf.getvalue()


def write_csv(path: str | Path, rows: list[list[str]]) -> Path:
    """Write the table as UTF-8 (with a byte-order mark, so spreadsheets read the names
    right), swapped in atomically."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(csv_text(rows), encoding="utf-8-sig", newline="")
    partial.replace(target)
    return target
