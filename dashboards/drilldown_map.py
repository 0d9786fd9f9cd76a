"""The drill-down's treemap: the hierarchy with cost as area and, per focus KPI (and per node's
own goal), tile colours and texts for every period; the page script swaps them in.

Plotly draws a little HTML in treemap labels and hover texts, so every text put into the
figure goes through :func:`plotly_text` (names are user input).
"""

from __future__ import annotations

import math
from typing import Any

from dashboards.drilldown_data import ROOT, NodeGoal, Records, View, node_goals, value_of
from dashboards.drilldown_labels import GOAL, KPI_CHOICES, _t, goal_note, short, unpriced
from dashboards.page import plotly_text
from kpi.language.format import format_change, format_value
from kpi.registry import KPIS, MEASURES, Kpi

BAD, EVEN, GOOD, NO_VALUE = (217, 72, 65), (241, 243, 246), (22, 163, 110), "#c5cbd3"
ROOT_COLOUR = "#f8fafc"
SATURATE = math.log(1.5)  # 50 % better or worse than the reference is the full colour
MAP_HEIGHT = 560


def colour(kpi: Kpi, value: float | None, reference: float | None) -> str:
    """Tile colour: green when better than the reference, red when worse, grey without one."""
    if value is None or reference is None or reference <= 0 or value < 0:
        return NO_VALUE
    sign = 1.0 if kpi.direction == "higher" else -1.0
    score = -sign if value == 0 else sign * math.log(value / reference) / SATURATE
    s = max(-1.0, min(1.0, score))
    end = GOOD if s > 0 else BAD
    return "#" + "".join(f"{round(a + (b - a) * abs(s)):02x}" for a, b in zip(EVEN, end,
                                                                             strict=True))


def _compare(k: str, value: float | None, target: float | None, account: float | None,
             lang: str, currency: str) -> str:
    """The hover line comparing a value with its target, or with the account without one."""
    unit = KPIS[k].unit
    if value is None:
        return ""
    if target is not None and target != 0:
        return _t("dd_vs_target", lang).format(change=format_change(value / target - 1, lang),
                                               target=format_value(target, unit, lang, currency))
    if not account:
        return ""
    return _t("dd_vs_account", lang).format(change=format_change(value / account - 1, lang),
                                            value=format_value(account, unit, lang, currency))


def _goal_map(nodes: list[str], goals: dict[str, NodeGoal], cur: Records, lang: str,
              currency: str) -> dict[str, list[str]]:
    """Colours and texts of the treemap judged per node on its own goal KPI and target."""
    colors, text, hover = [], [], []
    for n in nodes:
        g = goals.get(n)
        kpi = g.kpi if g is not None else None
        value = value_of(cur, n, kpi) if kpi else None
        unit = KPIS[kpi].unit if kpi else "count"
        priceless = g is not None and unpriced(n, g, cur)
        colors.append(ROOT_COLOUR if n == ROOT else
                      colour(KPIS[kpi], math.inf if priceless else value, g.target)
                      if kpi and g else NO_VALUE)
        text.append(plotly_text(f"{short(kpi, lang)} {format_value(value, unit, lang, currency)}")
                    if kpi else "")
        if kpi and g and g.target is not None and value is not None:
            hover.append(plotly_text(_t("dd_goal_hover", lang).format(
                kpi=short(kpi, lang), change=format_change(value / g.target - 1, lang),
                target=format_value(g.target, unit, lang, currency))))
        elif priceless and kpi:
            hover.append(plotly_text(_t("dd_goal_unpriced", lang).format(kpi=short(kpi, lang))))
        else:
            hover.append(plotly_text(goal_note(g, lang)) if g is not None and n != ROOT else "")
    return {"colors": colors, "text": text, "hover": hover}


def map_data(keys: list[str], ents: Records, view: View, lang: str,
             currency: str, goals: dict[str, NodeGoal] | None = None) -> dict[str, Any]:
    """One period's treemap: the hierarchy, cost areas (each node's own remainder, so parents
    are exactly the sum of their tiles) and, per focus KPI (and per node's own goal), colours
    and texts."""
    cur, _, tgt = view
    goals = node_goals(keys, ents, cur, tgt) if goals is None else goals
    nodes = [ROOT, *keys]
    cost = {k: max(0.0, value_of(cur, k, "cost") or 0.0) for k in nodes}
    below: dict[str, float] = {}
    for k in keys:
        below[ents[k]["parent"]] = below.get(ents[k]["parent"], 0.0) + cost[k]

    def name(k: str) -> str:
        return _t("dd_all_channels", lang) if k == ROOT else str(ents[k]["name"])

    custom = []
    for k in nodes:
        parent = ents[k]["parent"]
        share = "" if k == ROOT or not cost[parent] else "(" + _t("dd_share", lang).format(
            share=format_value(cost[k] / cost[parent], "percent", lang), parent=name(parent)) + ")"
        custom.append([
            plotly_text(format_value(value_of(cur, k, "cost"), "currency", lang, currency)),
            plotly_text(format_value(value_of(cur, k, "conversions"), "count", lang)),
            plotly_text(share)])
    per_kpi = {}
    for k in KPI_CHOICES:
        account, unit = value_of(cur, ROOT, k), KPIS[k].unit
        values = [(value_of(cur, n, k), value_of(tgt, n, k)) for n in nodes]
        per_kpi[k] = {
            "colors": [ROOT_COLOUR if n == ROOT else colour(KPIS[k], v, account if g is None else g)
                       for n, (v, g) in zip(nodes, values, strict=True)],
            "text": [plotly_text(f"{short(k, lang)} {format_value(v, unit, lang, currency)}")
                     for v, _ in values],
            "hover": [plotly_text(_compare(k, v, g, account, lang, currency)) for v, g in values]}
    per_kpi[GOAL] = _goal_map(nodes, goals, cur, lang, currency)
    ids = {k: str(ents[k]["id"]) for k in nodes}
    level = {k: ents[k]["level"] for k in nodes}
    return {"ids": [ids[k] for k in nodes], "labels": [plotly_text(name(k)) for k in nodes],
            "parents": ["" if k == ROOT else ids[ents[k]["parent"]] for k in nodes],
            "values": [round(max(0.0, cost[k] - below.get(k, 0.0)), 2) for k in nodes],
            "custom": custom, "kpi": per_kpi,
            "chan": {str(ents[k]["channel"]): ids[k] for k in keys
                     if level[k] == "channel" and cost[k] > 0},
            "owner": {ids[k]: "" if k == ROOT else str(ents[k]["channel"]) for k in nodes
                      if level[k] != "ad_group"}}


def static_trace(lang: str) -> dict[str, Any]:
    """The treemap attributes shared by every period and KPI (templates, layout of tiles)."""
    cost, conv = (plotly_text(_t("dd_label", lang).format(label=MEASURES[m].label(lang)))
                  for m in ("cost", "conversions"))
    return {"type": "treemap", "branchvalues": "remainder", "maxdepth": 3,
            "textposition": "top left", "textfont": {"size": 13}, "root": {"color": ROOT_COLOUR},
            "texttemplate": "<b>%{label}</b><br>%{customdata[0]}<br>%{text}",
            "hovertemplate": (f"<b>%{{label}}</b><br>{cost} %{{customdata[0]}} "
                              f"%{{customdata[2]}}<br>{conv} %{{customdata[1]}}<br>"
                              "<b>%{text}</b><br>%{hovertext}<extra></extra>"),
            "pathbar": {"thickness": 22, "textfont": {"size": 12.5}}, "tiling": {"pad": 2},
            "marker": {"line": {"color": "#fff", "width": 1},
                       "pad": {"t": 24, "l": 4, "r": 4, "b": 4}}}


def trace(static: dict[str, Any], m: dict[str, Any], kpi: str) -> dict[str, Any]:
    """The treemap trace of one period and focus KPI (the page script does the same in JS)."""
    return {**static, "ids": m["ids"], "labels": m["labels"], "parents": m["parents"],
            "values": m["values"], "customdata": m["custom"], "text": m["kpi"][kpi]["text"],
            "hovertext": m["kpi"][kpi]["hover"],
            "marker": {**static["marker"], "colors": m["kpi"][kpi]["colors"]}}
