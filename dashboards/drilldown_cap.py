"""What the drill-down page embeds: per channel its ``campaigns`` largest campaigns, per
campaign its ``ad_groups`` largest ad groups (by cost in the shown period, then conversions and
name, as the table sorts them); the rest of each parent is one "others" node whose measures and
KPI parts are the exact sums of its members' (KPIs the ratios of those sums), so a parent still
adds up to its rows. An "others" node has no children on the page (the full table is the CSV).
A parent with one child over its cap shows it: an "others" row would cost as much and hide a
name.

>>> Caps(campaigns=0)
Traceback (most recent call last):
...
ValueError: Caps: campaigns must be at least 1, got 0
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboards.drilldown_data import (
    ROOT,
    SEP,
    NodeGoal,
    Records,
    part_columns,
    with_ratios,
)

OTHERS = "o"  # an "others" node's key is OTHERS + SEP + its parent's key


@dataclass(frozen=True)
class Caps:
    """Rows embedded per parent: campaigns per channel, ad groups per campaign."""

    campaigns: int = 10
    ad_groups: int = 5

    def __post_init__(self) -> None:
        for name in ("campaigns", "ad_groups"):
            if getattr(self, name) < 1:
                raise ValueError(f"Caps: {name} must be at least 1, got {getattr(self, name)}")


@dataclass(frozen=True)
class Others:
    """The children of ``parent`` beyond its cap, shown as one node ``key`` of ``level``."""

    key: str
    parent: str
    level: str
    members: tuple[str, ...]


def ranked(ents: Records, cur: Records) -> dict[str, list[str]]:
    """parent -> its children present in the period, by cost, conversions (both descending)
    and name."""
    present = sorted((k for k in cur if k != ROOT and k in ents),
                     key=lambda k: (-(cur[k]["cost"] or 0), -(cur[k]["conversions"] or 0),
                                    ents[k]["name"], k))
    kids: dict[str, list[str]] = {}
    for key in present:
        kids.setdefault(ents[key]["parent"], []).append(key)
    return kids


def split(ents: Records, cur: Records, caps: Caps) -> tuple[list[str], list[Others]]:
    """(the nodes kept, in no particular order; the "others" groups): every channel, the
    largest campaigns of each channel, the largest ad groups of each kept campaign."""
    kids = ranked(ents, cur)
    kept: list[str] = []
    groups: list[Others] = []

    def take(parent: str, level: str, cap: int) -> list[str]:
        children = kids.get(parent, [])
        if len(children) <= cap + 1:
            return children
        groups.append(Others(OTHERS + SEP + parent, parent, level, tuple(children[cap:])))
        return children[:cap]

    for channel in kids.get(ROOT, []):
        kept.append(channel)
        for campaign in take(channel, "campaign", caps.campaigns):
            kept.append(campaign)
            kept += take(campaign, "ad_group", caps.ad_groups)
    return kept, groups


def others_sums(sums: pd.DataFrame, groups: list[Others]) -> pd.DataFrame:
    """One row per group (indexed by its key): its members' parts summed (members absent from
    ``sums`` add nothing), KPIs as ratios of those sums; groups with no member in ``sums``
    are left out."""
    cols = part_columns()
    rows = {g.key: sums.reindex(list(g.members))[cols].sum(min_count=1) for g in groups
            if sums.index.isin(g.members).any()}
    if not rows:
        return with_ratios(sums.iloc[:0][cols])
    return with_ratios(pd.DataFrame.from_dict(rows, orient="index")[cols])


def others_entity(group: Others, ents: Records, name: str) -> dict[str, object]:
    """The page entity of a group: its level, parent, ``name`` (the label in the page's
    language), channel, an ``id`` derived from its parent's and how many nodes it holds."""
    parent = ents[group.parent]
    return {"level": group.level, "parent": group.parent, "name": name,
            "channel": parent["channel"], "id": f"o{parent['id']}",
            "others": len(group.members)}


def others_goal(group: Others, parent_goal: NodeGoal | None, cost: float | None) -> NodeGoal:
    """Several campaigns have no single goal; other ad groups are judged as any ad group of
    their campaign without a target of its own (the campaign's KPI and target)."""
    if group.level == "campaign":
        return NodeGoal(None, None, "others")
    if parent_goal is None or parent_goal.kpi is None or not (cost or 0.0) > 0:
        return NodeGoal(None, None, "no_cost")
    return NodeGoal(parent_goal.kpi, parent_goal.target,
                    "" if parent_goal.target is not None else "no_target")
