"""The nightly goal run in the warehouse: each configured goal's daily series from
``kpi_values`` (grain day), its still-arriving days replaced by their nowcast
(``kpi_nowcast``, so progress is lag-aware), the budget left from ``budget_pacing``, judged by
:func:`kpi.review.goals.judge` and kept in ``goal_progress`` (a re-run of a night replaces that
night's rows; earlier nights stay).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from kpi.nowcast_tables import NOWCAST_TABLE
from kpi.review.goals import HISTORY_DAYS, Progress, judge, measures, seed_of
from kpi.review.settings import Goal
from kpi.review.tables import GOALS_SCHEMA, GOALS_TABLE
from kpi.rollup import VALUES_TABLE
from pipelines.warehouse.store import replace_with_arrow

PACING_TABLE = "budget_pacing"


def goal_id(goal: Goal) -> str:
    """Stable: a hash of the goal's name and scope.

    >>> goal_id(Goal(name="a", measure="cost", target=1, every="month"))
    '8c9c3a8705d5f685'
    """
    scope = f"{goal.level}|{goal.channel or ''}|{goal.campaign or ''}"
    return hashlib.sha256(f"{goal.name}|{scope}".encode()).hexdigest()[:16]


def _day(value: object) -> dt.date:
    return pd.Timestamp(value).date()


def last_day(con: BaseBackend) -> dt.date | None:
    """The last day of data ``kpi_values`` holds (the night judged), None without data."""
    if VALUES_TABLE not in con.list_tables():
        return None
    t = con.table(VALUES_TABLE)
    last = con.execute(t.filter(t.grain == "day").period_start.max())
    return None if last is None or pd.isna(last) else _day(last)


def series_key(con: BaseBackend, goal: Goal) -> str | None:
    """``kpi_values``' key of the goal's scope: a campaign by key or name (its newest key)."""
    if goal.level == "total":
        return "||"
    if goal.level == "channel":
        return f"{goal.channel}||"
    t = con.table(VALUES_TABLE)
    hit = t.filter((t.grain == "day") & (t.level == "campaign")
                   & ((t.campaign_key == goal.campaign) | (t.campaign_name == goal.campaign)))
    rows = con.execute(hit.group_by("series_key").aggregate(last=hit.period_start.max())
                       .order_by([hit.series_key]))
    if rows.empty:
        return None
    return str(rows.sort_values(["last", "series_key"]).iloc[-1]["series_key"])


def daily(con: BaseBackend, level: str, key: str, metrics: Sequence[str], first: dt.date,
          last: dt.date) -> pd.DataFrame:
    """Per day of ``first`` .. ``last``: each metric, lag-completed (``estimated``: the day's
    value is its nowcast). A campaign's paid_* measures are its own (campaigns have no
    paid split). Days without a row are zero; no row at all: an empty frame."""
    asked = {m: (m.removeprefix("paid_") if level == "campaign" else m) for m in metrics}
    t = con.table(VALUES_TABLE)
    rows = con.execute(t.filter((t.grain == "day") & (t.level == level) & (t.series_key == key)
                                & t.metric.isin(list(set(asked.values())))
                                & t.period_start.between(first, last))
                       .select("period_start", "metric", "value"))
    if rows.empty:
        return pd.DataFrame()
    rows["date"] = rows["period_start"].map(_day)
    rows["estimated"] = False
    if NOWCAST_TABLE in con.list_tables():
        n = con.table(NOWCAST_TABLE)
        now = con.execute(n.filter((n.grain == "day") & (n.level == level)
                                   & (n.series_key == key) & n.metric.isin(list(asked.values()))
                                   & n.nowcast.notnull())
                          .select("period_start", "metric", "nowcast"))
        if not now.empty:
            now["date"] = now["period_start"].map(_day)
            rows = rows.merge(now[["date", "metric", "nowcast"]], on=["date", "metric"],
                              how="left")
            has = rows["nowcast"].notna()
            rows.loc[has, "value"], rows.loc[has, "estimated"] = rows.loc[has, "nowcast"], True
    wide = rows.pivot_table(index="date", columns="metric", values="value", aggfunc="sum")
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    wide = wide.reindex(days).fillna(0.0)
    out = pd.DataFrame({m: wide[src] for m, src in asked.items() if src in wide.columns},
                       index=wide.index)
    estimated = rows.groupby("date")["estimated"].any()
    out["estimated"] = estimated.reindex(days).fillna(False).astype(bool).to_numpy()
    return out


def budget_left(pacing: pd.DataFrame, goal: Goal, as_of: dt.date,
                deadline: dt.date) -> float | None:
    """The media budget left for the goal's scope over the days after ``as_of`` up to the
    deadline (each plan line's unspent budget, prorated to those days); None when no plan line
    covers the scope then.

    >>> lines = pd.DataFrame({"level": ["channel"], "name": ["Video"],
    ...     "period_start": [dt.date(2026, 3, 1)], "period_end": [dt.date(2026, 3, 31)],
    ...     "media_budget": [3100.0], "spend_to_date": [1000.0]})
    >>> g = Goal(name="v", measure="cost", target=1, channel="Video", every="month")
    >>> budget_left(lines, g, dt.date(2026, 3, 10), dt.date(2026, 3, 31))
    2100.0
    """
    if pacing is None or pacing.empty:
        return None
    level = {"total": "account"}.get(goal.level, goal.level)
    name = goal.channel or goal.campaign or ""
    mine = pacing[(pacing["level"] == level) & (pacing["name"].fillna("") == name)]
    left, covered = 0.0, False
    for line in mine.to_dict("records"):
        begin, end = _day(line["period_start"]), _day(line["period_end"])
        first, until = max(begin, as_of + dt.timedelta(days=1)), min(end, deadline)
        if until < first:
            continue
        covered = True
        unspent = max(float(line["media_budget"]) - (float(line["spend_to_date"] or 0.0)
                                                      if begin <= as_of else 0.0), 0.0)
        share = ((until - first).days + 1) / ((end - first).days + 1)
        left += unspent * share
    return left if covered else None


def row(goal: Goal, key: str | None, as_of: dt.date, owner: str | None,
        progress: Progress) -> dict[str, object]:
    """One ``goal_progress`` row."""
    figures = {c: getattr(progress, c) for c in GOALS_SCHEMA.names if hasattr(progress, c)}
    return {"goal_id": goal_id(goal), "name": goal.name, "level": goal.level,
            "series_key": key, "measure": goal.measure, "target": goal.target, "kpi": goal.kpi,
            "kpi_target": goal.kpi_target, "as_of": as_of, "owner": goal.owner or owner,
            **figures}


def judge_all(con: BaseBackend, goals: Sequence[Goal], as_of: dt.date,
              owner: str | None = None) -> list[dict[str, object]]:
    """Every goal judged on ``as_of`` (``owner``: for goals without their own)."""
    pacing = (con.execute(con.table(PACING_TABLE)) if PACING_TABLE in con.list_tables()
              else pd.DataFrame())
    out = []
    for goal in goals:
        start, deadline = goal.period(as_of)
        key = series_key(con, goal)
        if key is None:
            out.append(row(goal, None, as_of, owner,
                           Progress(start, deadline, reason="unknown_scope")))
            continue
        first = min(start, as_of - dt.timedelta(days=2 * HISTORY_DAYS))
        frame = daily(con, goal.level, key, measures(goal), first, as_of)
        left = budget_left(pacing, goal, as_of, deadline)
        progress = judge(goal, frame, as_of, left, seed_of(goal_id(goal), as_of))
        out.append(row(goal, key, as_of, owner, progress))
    return out


def write_progress(con: BaseBackend, rows: list[dict[str, object]], as_of: dt.date) -> None:
    """Keep earlier nights' rows, replace ``as_of``'s with ``rows``."""
    kept = pd.DataFrame(columns=GOALS_SCHEMA.names)
    if GOALS_TABLE in con.list_tables():
        kept = con.execute(con.table(GOALS_TABLE))
        kept = kept[kept["as_of"].map(_day) != as_of]
    kept_rows = [{c: (None if pd.isna(v) else v) for c, v in r.items()}
                 for r in kept.to_dict("records")]
    for r in kept_rows:
        for c in ("start", "deadline", "as_of"):
            r[c] = None if r[c] is None else _day(r[c])
    merged = sorted([*kept_rows, *rows], key=lambda r: (str(r["as_of"]), str(r["goal_id"])))
    replace_with_arrow(con, {GOALS_TABLE: pa.Table.from_pylist(merged, schema=GOALS_SCHEMA)})
