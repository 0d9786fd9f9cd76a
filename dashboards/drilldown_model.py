"""The drill-down page's numbers in every language: computed once from ``kpi_values``, then
rendered per language by :mod:`dashboards.drilldown`.

Per period: every node's sums (for the full table, :meth:`Drilldown.table`) and the capped
tree the page embeds (:mod:`dashboards.drilldown_cap`), with each shown node's goal. Goals are
judged on the whole tree first, so a channel's goal still comes from all its campaigns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from dashboards.drilldown_cap import (
    Caps,
    Others,
    others_entity,
    others_goal,
    others_sums,
    split,
)
from dashboards.drilldown_csv import period_rows
from dashboards.drilldown_data import (
    DAY,
    ROOT,
    NodeGoal,
    Period,
    Records,
    entity_records,
    latest_entities,
    latest_targets,
    node_goals,
    period_sums,
    periods,
    records,
    tree_order,
    value_of,
    week_rows,
)
from dashboards.maturity import judged_values

DEFAULT_CAPS = Caps()  # rows per parent that keep a 1,000-campaign page under its size budget
State = Literal["ok", "no_data", "no_campaigns"]


@dataclass(frozen=True)
class PeriodView:
    """One period: every node (``all_*``, for the full table) and what the page shows
    (``keys`` in table order, with this period's "others" nodes in ``ents``, ``cur``,
    ``prev`` and ``goals``)."""

    period: Period
    every: tuple[str, ...]
    all_cur: Records
    all_prev: Records
    all_goals: dict[str, NodeGoal]
    keys: tuple[str, ...]
    ents: Records
    cur: Records
    prev: Records
    goals: dict[str, NodeGoal]
    groups: tuple[Others, ...]


@dataclass(frozen=True)
class Drilldown:
    """Everything the page shows that does not depend on the language."""

    state: State
    currency: str
    caps: Caps
    ents: Records
    targets: Records
    views: tuple[PeriodView, ...]
    nowcast: pd.DataFrame | None = None
    compare: str = "nowcast"

    @property
    def capped(self) -> bool:
        """Whether any period leaves nodes out of the page (into "others" rows)."""
        return any(v.groups for v in self.views)

    def table(self) -> list[list[str]]:
        """The full table's CSV rows: every node of every period."""
        out: list[list[str]] = []
        for v in self.views:
            out += period_rows(v.period, list(v.every), self.ents,
                               (v.all_cur, v.all_prev, self.targets), v.all_goals)
        return out


def _view(rows: pd.DataFrame, p: Period, ents: Records, tgt: Records, caps: Caps) -> PeriodView:
    cur_sums = period_sums(rows, p.weeks)
    prev_sums = period_sums(rows, p.previous) if p.previous else cur_sums.iloc[:0]
    cur, prev = records(cur_sums), records(prev_sums)
    every = tree_order(ents, cur)
    goals = node_goals(every, ents, cur, tgt)
    kept, groups = split(ents, cur, caps)
    shown = {ROOT, *kept}
    mine = ents | {g.key: others_entity(g, ents, "") for g in groups}
    shown_cur = {k: v for k, v in cur.items() if k in shown} | records(
        others_sums(cur_sums, groups))
    shown_prev = {k: v for k, v in prev.items() if k in shown} | records(
        others_sums(prev_sums, groups))
    shown_goals = {k: g for k, g in goals.items() if k in shown} | {
        g.key: others_goal(g, goals.get(g.parent), value_of(shown_cur, g.key, "cost"))
        for g in groups}
    return PeriodView(p, tuple(every), cur, prev, goals, tuple(tree_order(mine, shown_cur)),
                      mine, shown_cur, shown_prev, shown_goals, tuple(groups))


SUM_COLUMNS = ("node", "metric", "value", "numerator", "denominator", "target", "complete",
               "provisional", DAY)  # what the periods, sums and targets read of week rows


@dataclass(frozen=True)
class Piece:
    """What the page keeps of one piece of ``kpi_values`` rows (some nodes' whole series):
    their week rows cut to :data:`SUM_COLUMNS`, their nodes' latest names, their currencies."""

    sums: pd.DataFrame
    latest: pd.DataFrame
    currencies: frozenset[str]


def piece(values: pd.DataFrame, nowcast: pd.DataFrame | None = None,
          compare: str = "nowcast") -> Piece:
    """One piece of rows judged (lag-aware) and cut to what the page sums."""
    rows = week_rows(judged_values(values, nowcast, compare))
    del values
    return Piece(rows[list(SUM_COLUMNS)], latest_entities(rows),
                 frozenset(str(c) for c in rows["currency"].dropna().unique()))


def prepare_drilldown(values: pd.DataFrame, *, nowcast: pd.DataFrame | None = None,
                      compare: str = "nowcast", caps: Caps = DEFAULT_CAPS) -> Drilldown:
    """The page's numbers from ``kpi_values`` rows (see :mod:`dashboards.drilldown`);
    ValueError naming missing columns or mixed currencies."""
    return prepare_in_pieces([values], nowcast=nowcast, compare=compare, caps=caps)


def prepare_in_pieces(pieces: Iterable[pd.DataFrame], *, nowcast: pd.DataFrame | None = None,
                      compare: str = "nowcast", caps: Caps = DEFAULT_CAPS) -> Drilldown:
    """:func:`prepare_drilldown` of the rows of ``pieces`` taken together, where each piece
    holds whole series (every row of its nodes, in ``kpi_values`` order: see
    :func:`dashboards.readers.drilldown_pieces`), read one at a time: only one piece's rows
    are judged in memory at once. The same numbers as from all rows at once (tested)."""
    kept = [piece(values, nowcast, compare) for values in pieces] or [piece(pd.DataFrame())]
    rows = pd.concat([k.sums for k in kept], ignore_index=True)
    found = sorted(set().union(*(k.currencies for k in kept)))
    if len(found) > 1:
        raise ValueError(f"kpi_values mixes currencies {found}; convert to one reporting currency")
    currency = found[0] if found else "EUR"
    latest = pd.concat([k.latest for k in kept])
    del kept
    ps = periods(rows) if not rows.empty else []
    if rows.empty or not ps:
        return Drilldown("no_data", currency, caps, {}, {}, (), nowcast, compare)
    if not (latest["level"] == "campaign").any():
        return Drilldown("no_campaigns", currency, caps, {}, {}, (), nowcast, compare)
    ents, tgt = entity_records(latest), records(latest_targets(rows))
    views = tuple(_view(rows, p, ents, tgt, caps) for p in ps)
    return Drilldown("ok", currency, caps, ents, tgt, views, nowcast, compare)
