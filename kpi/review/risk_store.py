"""The nightly risk-register run in the warehouse: the night's findings from the tables the
run wrote (:mod:`kpi.review.risks`), folded into ``risk_register`` (kept: opened, updated,
closed, never deleted). A night before the last one folded is left as it is (an older
partition re-run), the same night again changes nothing.

Data-quality flags come from the warehouse's extract log (sources behind the night, days
flagged sampled / thresholded / data loss in the last week). The asset checks' warnings live in
Dagster's run history, not in the warehouse, so they are not read here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from kpi.review.risks import (
    Finding,
    Risk,
    alert_findings,
    fold,
    goal_findings,
    pacing_findings,
    quality_findings,
    srm_findings,
)
from kpi.review.tables import GOALS_TABLE, RISKS_SCHEMA, RISKS_TABLE
from pipelines.warehouse.store import EXTRACTS_TABLE, replace_with_arrow

FLAGS = ("subject_to_thresholding", "sampled", "data_loss_from_other_row")
PLATFORMS = (("ads_", "google_ads"), ("meta_", "meta_ads"), ("ga4_", "ga4"))
FLAG_DAYS = 7


def _frame(con: BaseBackend, name: str) -> pd.DataFrame:
    return con.execute(con.table(name)) if name in con.list_tables() else pd.DataFrame()


def _day(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def source_health(extracts: pd.DataFrame, night: dt.date) -> tuple[dict[str, int],
                                                                    dict[str, int]]:
    """Per platform: days its last day with rows is behind ``night``; days flagged in the
    last FLAG_DAYS days.

    >>> log = pd.DataFrame({"stream": ["ga4_sessions_daily", "ads_campaign_daily"],
    ...     "date": [dt.date(2026, 3, 10), dt.date(2026, 3, 15)], "rows": [5, 5],
    ...     "metadata": ['{"sampled": true}', None]})
    >>> source_health(log, dt.date(2026, 3, 15))
    ({'google_ads': 0, 'ga4': 5}, {'google_ads': 0, 'ga4': 1})
    """
    behind: dict[str, int] = {}
    flagged: dict[str, int] = {}
    if extracts.empty:
        return behind, flagged
    for prefix, platform in PLATFORMS:
        mine = extracts[extracts["stream"].str.startswith(prefix)]
        if mine.empty:
            continue
        days = pd.to_datetime(mine["date"]).dt.date
        full = days[mine["rows"].fillna(0) > 0]
        behind[platform] = (night - max(full)).days if len(full) else (night - min(days)).days
        recent = mine[(days > night - dt.timedelta(days=FLAG_DAYS)) & (days <= night)]
        bad = set()
        for day, text in zip(pd.to_datetime(recent["date"]).dt.date, recent["metadata"],
                             strict=True):
            meta = json.loads(text) if isinstance(text, str) and text else {}
            if any(bool(meta.get(f)) for f in FLAGS):
                bad.add(day)
        flagged[platform] = len(bad)
    return behind, flagged


def read_register(con: BaseBackend) -> list[Risk]:
    """The risks kept so far."""
    out = []
    for row in _frame(con, RISKS_TABLE).to_dict("records"):
        for c in ("first_seen", "last_seen", "closed_on"):
            row[c] = _day(row[c])
        for c in ("value", "owner"):
            row[c] = None if row[c] is None or pd.isna(row[c]) else row[c]
        out.append(Risk(**row))
    return out


def night_findings(con: BaseBackend, night: dt.date,
                   names: Mapping[str, str]) -> list[Finding]:
    """Every finding of ``night`` from the warehouse's tables."""
    goals = _frame(con, GOALS_TABLE)
    if not goals.empty:
        goals = goals[goals["as_of"].map(_day) == night]
    behind, flagged = source_health(_frame(con, EXTRACTS_TABLE), night)
    return [*goal_findings(goals), *pacing_findings(_frame(con, "budget_pacing"), night),
            *alert_findings(_frame(con, "alerts"), names),
            *srm_findings(_frame(con, "experiment_results")),
            *quality_findings(behind, flagged)]


def nightly(con: BaseBackend, night: dt.date, owners: Mapping[str, str | None],
            names: Mapping[str, str] | None = None) -> list[Risk]:
    """Fold ``night`` into the register and write it; returns every risk."""
    kept = read_register(con)
    last = max((r.last_seen for r in kept), default=None)
    if last is not None and night < last:
        return kept
    register = fold(kept, night_findings(con, night, names or {}), night, owners)
    table = pa.Table.from_pylist([r.row() for r in register], schema=RISKS_SCHEMA)
    replace_with_arrow(con, {RISKS_TABLE: table})
    return register
