"""The drill-down page: channel → campaign → ad group for four periods, with filters.

Reads ``kpi_values`` at week grain (levels total, channel, campaign, ad_group). Every period is
precomputed here, so Babel formats every number: the latest complete ISO week, the last 4 and
13 complete weeks, and the month to date (the complete weeks whose Thursday falls in the month
of the latest one), each against the preceding weeks of equal length. Multi-week measures are
summed and KPIs are sum(numerator) / sum(denominator) × scale, never a mean of weekly ratios.
The page script only shows and hides rendered rows and swaps precomputed treemap data
(``Plotly.react``); its state lives in the URL hash (``#period=4w&channel=Paid%20Search&q=heat
&off=1&kpi=roas``) so other pages can deep-link. Names are user input: escaped everywhere.

The numbers come from :func:`dashboards.drilldown_model.prepare_drilldown`, once for every
language. A big account's page stays small: per channel its largest campaigns, per campaign
its largest ad groups, the rest in one exactly summed "others" row
(:mod:`dashboards.drilldown_cap`); the page links the full table, written beside it as CSV
(:mod:`dashboards.drilldown_csv`).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from babel.dates import format_skeleton

from dashboards.drilldown_cap import Caps, Others
from dashboards.drilldown_csv import CSV_FILE, write_csv
from dashboards.drilldown_data import (
    ROOT,
    NodeGoal,
    Period,
    Records,
    View,
    definition,
    delta,
    node_goals,
    value_of,
    vs_target,
)
from dashboards.drilldown_model import DEFAULT_CAPS, Drilldown, PeriodView, prepare_drilldown
from dashboards.drilldown_static import CSS, JS
from dashboards.formatting import (
    MISSING,
    babel_locale,
    format_change,
    format_datetime,
    format_range,
    format_value,
    format_week,
    iso_week,
    locale_for,
)
from dashboards.i18n import translator
from dashboards.maturity import completeness_note
from dashboards.page import (
    PLOT_CONFIG,
    chart_layout,
    esc,
    plot_div,
    render_page,
    script_json,
    write_page,
)
from dashboards.site import Header
from dashboards.texts_drilldown import TEXTS
from kpi.registry import KPIS, MEASURES, Kpi

TABLE_METRICS = ("cost", "conversions", "revenue", "cpa", "cpl", "roas", "conversion_rate", "ctr",
                 "cpc")
KPI_CHOICES = ("cpa", "cpl", "roas", "conversion_rate", "ctr", "cpc")
GOAL = "goal"  # the default focus: each campaign on its own goal KPI (kpi.budget.recommend's rule)
SUM_COLS = ("cost", "conversions", "revenue", *(f"{p}:{k}" for k in KPI_CHOICES for p in "nd"))
TILE_METRICS = ("cost", "conversions", "revenue", "cpa", "cpl", "roas")
BAD, EVEN, GOOD, NO_VALUE = (217, 72, 65), (241, 243, 246), (22, 163, 110), "#c5cbd3"
SATURATE = math.log(1.5)  # 50 % better or worse than the reference is the full colour
MAP_HEIGHT = 560

_t = translator(TEXTS)  # this page's texts first, then the shared ones

# -- html -------------------------------------------------------------------------------------


def _short(metric: str, lang: str) -> str:
    if metric == "conversion_rate":
        return _t("dd_short_conversion_rate", lang)
    return metric.upper() if metric in KPIS else MEASURES[metric].label(lang)


def _pill(change: float | None, good: bool | None, lang: str, title: str = "") -> str:
    """A signed change as a coloured pill (good / bad / neutral), ``–`` without a value."""
    if change is None:
        return f'<span class="na">{MISSING}</span>'
    text = format_change(change, lang)
    arrow = "" if text == format_change(0, lang) else "▲ " if change > 0 else "▼ "
    cls = "flat" if good is None else "good" if good else "bad"
    tip = f' title="{esc(title)}"' if title else ""
    return f'<span class="pill {cls}"{tip}>{arrow}{esc(text)}</span>'


def _period_label(weeks: tuple[dt.date, ...], lang: str) -> str:
    """``Week 47 · 16–22 Nov 2026`` or ``Weeks 44–47 · 26 Oct – 22 Nov 2026``."""
    end = weeks[-1] + dt.timedelta(days=6)
    if len(weeks) == 1:
        return format_week(weeks[0], end, lang)
    first, last = iso_week(weeks[0])[1], iso_week(weeks[-1])[1]
    return (f"{_t('dd_weeks', lang).format(first=first, last=last)} · "
            f"{format_range(weeks[0], end, lang)}")


def _option_label(p: Period, lang: str) -> str:
    """The period selector's text, e.g. ``Last 4 weeks`` or ``November 2026 to date``."""
    if p.key != "mtd":
        return _t(f"dd_period_{p.key}", lang)
    month = format_skeleton("yMMMM", p.weeks[-1] + dt.timedelta(days=3), locale=babel_locale(lang))
    return _t("dd_period_mtd", lang).format(month=month[:1].upper() + month[1:])


def _unpriced(key: str, goal: NodeGoal, cur: Records) -> bool:
    """Spent on a cost-per goal without a single conversion: infinitely far off target."""
    return (goal.kpi is not None and KPIS[goal.kpi].numerator == "cost"
            and value_of(cur, key, goal.kpi) is None and (value_of(cur, key, "cost") or 0) > 0)


def _goal_off(key: str, goal: NodeGoal | None, cur: Records) -> bool:
    """Off its own goal's target (a cost without conversions counts as off)."""
    if goal is None or goal.kpi is None or goal.target is None:
        return False
    return (_unpriced(key, goal, cur)
            or vs_target(goal.kpi, value_of(cur, key, goal.kpi), goal.target)[1] is False)


def _goal_cells(key: str, goal: NodeGoal | None, cur: Records, prev: Records, lang: str,
                currency: str) -> str:
    """The goal KPI (named), its change vs the previous period and its gap to the target."""
    if goal is None or goal.kpi is None:
        note = "" if goal is None else _goal_note(goal, lang)
        tip = f' title="{esc(note)}"' if note else ""
        return f'<td><span class="na"{tip}>{MISSING}</span></td>' + "<td></td>" * 2
    k, unit = goal.kpi, KPIS[goal.kpi].unit
    value = value_of(cur, key, k)
    gap, on = vs_target(k, value, goal.target)
    title = (f"{_t('target', lang)} {format_value(goal.target, unit, lang, currency)}"
             if goal.target is not None else _goal_note(goal, lang))
    if _unpriced(key, goal, cur):
        title = _t("dd_goal_unpriced", lang).format(kpi=_short(k, lang))
    return (f"<td>{esc(_short(k, lang))} "
            f"{esc(format_value(value, unit, lang, currency))}</td>"
            f"<td>{_pill(*delta(k, value, value_of(prev, key, k)), lang)}</td>"
            f"<td>{_pill(gap, on, lang, title)}</td>")


def _kpi_cells(key: str, cur: Records, prev: Records, tgt: Records, lang: str,
               currency: str) -> str:
    """Per focus KPI: change vs the previous period and gap to target (CSS shows one pair)."""
    cells = []
    for k in KPI_CHOICES:
        value, target = value_of(cur, key, k), value_of(tgt, key, k)
        change = _pill(*delta(k, value, value_of(prev, key, k)), lang)
        gap, on = vs_target(k, value, target)
        title = f"{_t('target', lang)} {format_value(target, KPIS[k].unit, lang, currency)}"
        cells.append(f"<td>{change}</td>"
                     f'<td>{_pill(gap, on, lang, title if target is not None else "")}</td>')
    return "".join(cells)


def _value_cells(key: str, cur: Records, share: float | None, lang: str,
                 currency: str) -> str:
    """The metric cells; the cost cell carries a bar of its share of the parent's cost."""
    cells = []
    for m in TABLE_METRICS:
        text = esc(format_value(value_of(cur, key, m), definition(m).unit, lang, currency))
        if m == "cost" and share is not None:
            text += f'<i class="bar" style="width:{max(0.0, min(share, 1.0)) * 100:.1f}%"></i>'
        cells.append(f"<td>{text}</td>")
    return "".join(cells)


def _row(key: str, ents: Records, view: View, goal: NodeGoal | None, has_kids: bool,
         hidden: bool, lang: str, currency: str) -> str:
    """One table row with the data-* attributes the page script filters on."""
    cur, prev, tgt = view
    e = ents[key]
    name = esc(e["name"])
    label = (f'<button type="button" class="tog" aria-expanded="false">{name}</button>'
             if has_kids else f'<span class="leaf">{name}</span>')
    parent_cost = value_of(cur, e["parent"], "cost")
    cost = value_of(cur, key, "cost")
    share = cost / parent_cost if cost is not None and parent_cost else None
    off = [k for k in KPI_CHOICES
           if vs_target(k, value_of(cur, key, k), value_of(tgt, key, k))[1] is False]
    if _goal_off(key, goal, cur):
        off.append(GOAL)
    parent = "" if e["parent"] == ROOT else ents[e["parent"]]["id"]
    query = "" if e["level"] == "channel" or e.get("others") else name
    cls = f'{e["level"]} others' if e.get("others") else e["level"]
    return (f'<tr class="{cls}" data-id="{e["id"]}" data-parent="{parent}" '
            f'data-level="{e["level"]}" data-channel="{esc(e["channel"])}" data-q="{query}" '
            f'data-off="{" ".join(off)}"{" hidden" if hidden else ""}><td>{label}</td>'
            f"{_value_cells(key, cur, share, lang, currency)}"
            f"{_kpi_cells(key, cur, prev, tgt, lang, currency)}"
            f"{_goal_cells(key, goal, cur, prev, lang, currency)}</tr>")


def _live_total(lang: str) -> str:
    """The total row of a filtered selection: empty cells the page script fills in."""
    return (f'<tr class="live" hidden><td>{esc(_t("dd_total_selection", lang))}</td>'
            + "".join(f'<td data-m="{m}"></td>' for m in TABLE_METRICS)
            + "".join(f'<td><span data-chg="{k}"></span></td>'
                      f'<td><span data-tgt="{k}"></span></td>'
                      for k in KPI_CHOICES)
            + _goal_cells(ROOT, None, {}, {}, lang, "") + "</tr>")


def _table(p: Period, keys: list[str], ents: Records, view: View, goals: dict[str, NodeGoal],
           hidden: bool, lang: str, currency: str) -> str:
    """One period's table: header, rows in tree order, a no-match row, the account total."""
    heads = "".join(f'<th class="m-{m}" title="{esc(definition(m).label(lang))}">'
                    f"{esc(_short(m, lang))}</th>" for m in TABLE_METRICS)
    heads += "".join(f'<th class="x k-{k}">{esc(_t(col, lang).format(kpi=_short(k, lang)))}</th>'
                     for k in KPI_CHOICES for col in ("dd_col_change", "dd_col_target"))
    heads += "".join(f'<th class="x k-{GOAL}">{esc(_t(col, lang))}</th>'
                     for col in ("dd_goal_col", "dd_goal_vs_previous", "dd_goal_vs_target"))
    parents = {ents[k]["parent"] for k in keys}
    body = "".join(_row(k, ents, view, goals.get(k), k in parents,
                        ents[k]["level"] != "channel", lang, currency) for k in keys)
    span = 1 + len(TABLE_METRICS) + 3
    total = (f'<tr class="all"><td>{esc(_t("dd_total_all", lang))}</td>'
             f"{_value_cells(ROOT, view[0], None, lang, currency)}"
             f"{_kpi_cells(ROOT, *view, lang, currency)}"
             f"{_goal_cells(ROOT, None, {}, {}, lang, currency)}</tr>{_live_total(lang)}")
    return (f'<table id="dd-t-{p.key}" class="pv dd-table" data-period="{p.key}"'
            f'{" hidden" if hidden else ""}><thead><tr><th>{esc(_t("dd_col_name", lang))}</th>'
            f'{heads}</tr></thead><tbody>{body}<tr class="none" hidden><td colspan="{span}">'
            f'{esc(_t("dd_no_match", lang))}</td></tr></tbody><tfoot>{total}</tfoot></table>')


def _tiles(p: Period, view: View, hidden: bool, lang: str,
           currency: str) -> str:
    """The account's key figures for one period, with change and target pills."""
    cur, prev, tgt = view
    tiles = []
    for m in TILE_METRICS:
        d, value = definition(m), value_of(cur, ROOT, m)
        change = _pill(*delta(m, value, value_of(prev, ROOT, m)), lang)
        lines = [change if p.previous else esc(_t("dd_no_previous", lang))]
        target = value_of(tgt, ROOT, m) if m in KPIS else None
        if target is not None:
            lines.append(f"{_pill(*vs_target(m, value, target), lang)} {esc(_t('target', lang))} "
                         f"{esc(format_value(target, d.unit, lang, currency))}")
        tiles.append(f'<div class="card tile"><div class="label" title="{esc(d.label(lang))}">'
                     f"{esc(d.label(lang))}</div>"
                     f'<div class="value">{esc(format_value(value, d.unit, lang, currency))}'
                     "</div>" + "".join(f'<div class="line">{x}</div>' for x in lines) + "</div>")
    return (f'<div class="pv grid tiles" data-period="{p.key}"{" hidden" if hidden else ""}>'
            f'{"".join(tiles)}</div>')


def _live_tiles(lang: str) -> str:
    """The key figures of a filtered selection: a caption and tiles the page script fills in
    (text only) from the nodes' sums, formatted as Babel does (:func:`_number_formats`)."""
    tiles = "".join(
        f'<div class="card tile" data-m="{m}"><div class="label" '
        f'title="{esc(definition(m).label(lang))}">{esc(definition(m).label(lang))}</div>'
        f'<div class="value"></div><div class="line"><span data-r="chg"></span>'
        f'<span class="np" hidden>{esc(_t("dd_no_previous", lang))}</span></div>'
        + (f'<div class="line tgt"><span data-r="gap"></span> {esc(_t("target", lang))} '
           f'<span class="tv"></span></div>' if m in KPIS else "") + "</div>"
        for m in TILE_METRICS)
    return (f'<p id="dd-sel" class="desc sel" hidden></p>'
            f'<div id="dd-live" class="grid tiles" hidden>{tiles}</div>')


# -- treemap ----------------------------------------------------------------------------------


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


def _goal_note(goal: NodeGoal, lang: str) -> str:
    """Why a node has no goal KPI or no target, in words."""
    if goal.note == "no_target" and goal.kpi:
        return _t("dd_goal_no_target", lang).format(kpi=_short(goal.kpi, lang))
    return (_t(f"dd_goal_{goal.note}", lang) if goal.note in ("no_cost", "mixed", "others")
            else "")


def _goal_map(nodes: list[str], goals: dict[str, NodeGoal], cur: Records, lang: str,
              currency: str) -> dict[str, list[str]]:
    """Colours and texts of the treemap judged per node on its own goal KPI and target."""
    colors, text, hover = [], [], []
    for n in nodes:
        g = goals.get(n)
        kpi = g.kpi if g is not None else None
        value = value_of(cur, n, kpi) if kpi else None
        unit = KPIS[kpi].unit if kpi else "count"
        unpriced = g is not None and _unpriced(n, g, cur)
        colors.append("#f8fafc" if n == ROOT else
                      colour(KPIS[kpi], math.inf if unpriced else value, g.target)
                      if kpi and g else NO_VALUE)
        text.append(esc(f"{_short(kpi, lang)} {format_value(value, unit, lang, currency)}")
                    if kpi else "")
        if kpi and g and g.target is not None and value is not None:
            hover.append(esc(_t("dd_goal_hover", lang).format(
                kpi=_short(kpi, lang), change=format_change(value / g.target - 1, lang),
                target=format_value(g.target, unit, lang, currency))))
        elif unpriced and kpi:
            hover.append(esc(_t("dd_goal_unpriced", lang).format(kpi=_short(kpi, lang))))
        else:
            hover.append(esc(_goal_note(g, lang)) if g is not None and n != ROOT else "")
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
            esc(format_value(value_of(cur, k, "cost"), "currency", lang, currency)),
            esc(format_value(value_of(cur, k, "conversions"), "count", lang)), esc(share)])
    per_kpi = {}
    for k in KPI_CHOICES:
        account, unit = value_of(cur, ROOT, k), KPIS[k].unit
        values = [(value_of(cur, n, k), value_of(tgt, n, k)) for n in nodes]
        per_kpi[k] = {
            "colors": ["#f8fafc" if n == ROOT else colour(KPIS[k], v, account if g is None else g)
                       for n, (v, g) in zip(nodes, values, strict=True)],
            "text": [esc(f"{_short(k, lang)} {format_value(v, unit, lang, currency)}")
                     for v, _ in values],
            "hover": [esc(_compare(k, v, g, account, lang, currency)) for v, g in values]}
    per_kpi[GOAL] = _goal_map(nodes, goals, cur, lang, currency)
    ids = {k: str(ents[k]["id"]) for k in nodes}
    level = {k: ents[k]["level"] for k in nodes}
    return {"ids": [ids[k] for k in nodes], "labels": [esc(name(k)) for k in nodes],
            "parents": ["" if k == ROOT else ids[ents[k]["parent"]] for k in nodes],
            "values": [round(max(0.0, cost[k] - below.get(k, 0.0)), 2) for k in nodes],
            "custom": custom, "kpi": per_kpi,
            "chan": {str(ents[k]["channel"]): ids[k] for k in keys
                     if level[k] == "channel" and cost[k] > 0},
            "owner": {ids[k]: "" if k == ROOT else str(ents[k]["channel"]) for k in nodes
                      if level[k] != "ad_group"}}


def _static_trace(lang: str) -> dict[str, Any]:
    """The treemap attributes shared by every period and KPI (templates, layout of tiles)."""
    cost, conv = (esc(MEASURES[m].label(lang)) for m in ("cost", "conversions"))
    return {"type": "treemap", "branchvalues": "remainder", "maxdepth": 3,
            "textposition": "top left", "textfont": {"size": 13}, "root": {"color": "#f8fafc"},
            "texttemplate": "<b>%{label}</b><br>%{customdata[0]}<br>%{text}",
            "hovertemplate": (f"<b>%{{label}}</b><br>{cost}: %{{customdata[0]}} "
                              f"%{{customdata[2]}}<br>{conv}: %{{customdata[1]}}<br>"
                              "<b>%{text}</b><br>%{hovertext}<extra></extra>"),
            "pathbar": {"thickness": 22, "textfont": {"size": 12.5}}, "tiling": {"pad": 2},
            "marker": {"line": {"color": "#fff", "width": 1},
                       "pad": {"t": 24, "l": 4, "r": 4, "b": 4}}}


def _trace(static: dict[str, Any], m: dict[str, Any], kpi: str) -> dict[str, Any]:
    """The treemap trace of one period and focus KPI (the page script does the same in JS)."""
    return {**static, "ids": m["ids"], "labels": m["labels"], "parents": m["parents"],
            "values": m["values"], "customdata": m["custom"], "text": m["kpi"][kpi]["text"],
            "hovertext": m["kpi"][kpi]["hover"],
            "marker": {**static["marker"], "colors": m["kpi"][kpi]["colors"]}}


# -- page -------------------------------------------------------------------------------------

def _css() -> str:
    base = CSS.replace("__NONE__", NO_VALUE)
    for name, rgb in (("__BAD__", BAD), ("__EVEN__", EVEN), ("__GOOD__", GOOD)):
        base = base.replace(name, "#" + "".join(f"{c:02x}" for c in rgb))
    rules = [f".dd-table td:nth-child(2){{position:relative}}"
             f".dd-table td:nth-child(n+{_column(KPI_CHOICES[0])}){{display:none}}"]
    for k in (*KPI_CHOICES, GOAL):
        on = f'.dd[data-kpi="{k}"]'
        cells = ",".join(f"{on} .dd-table td:nth-child({c})"
                         for c in range(_column(k), _column(k) + (3 if k == GOAL else 2)))
        rules.append(f"{on} .k-{k},{cells}{{display:table-cell}}")
        focus = f",{on} .dd-table td:nth-child({_column(k, 'metric')})" if k in TABLE_METRICS \
            else ""
        rules.append(f"{on} .m-{k}{focus}{{background:#f2f6ff}}")
    return base + "".join(rules)


def _column(k: str, kind: str = "pills") -> int:
    """The table column (1-based) of a metric's value, or of the first of a focus KPI's pills
    (the body cells carry no class: the CSS finds them by position, which keeps rows small)."""
    if kind == "metric":
        return 2 + TABLE_METRICS.index(k)
    return 2 + len(TABLE_METRICS) + (2 * KPI_CHOICES.index(k) if k != GOAL
                                     else 2 * len(KPI_CHOICES))


def _filters(ps: list[Period], channels: list[str], kpi: str, lang: str) -> str:
    """The filter bar: period, channel, search, focus KPI and the off-target switch."""
    def label(key: str, control: str, cls: str = "") -> str:
        return f'<label{cls}>{esc(_t(key, lang))}{control}</label>'

    opts = "".join(f'<option value="{p.key}">{esc(_option_label(p, lang))}</option>' for p in ps)
    chans = "".join(f'<option value="{esc(c)}">{esc(c)}</option>' for c in channels)
    kpis = f'<option value="{GOAL}"{" selected" if kpi == GOAL else ""}>' \
        f'{esc(_t("dd_focus_goal", lang))}</option>' + "".join(
            f'<option value="{k}"{" selected" if k == kpi else ""}>'
            f"{esc(KPIS[k].label(lang))}</option>" for k in KPI_CHOICES)
    return ('<div class="card dd-filters" role="search">'
            + label("dd_period", f'<select id="dd-period">{opts}</select>')
            + label("dd_channel", f'<select id="dd-channel"><option value="">'
                    f'{esc(_t("dd_all_channels", lang))}</option>{chans}</select>')
            + label("dd_search", f'<input id="dd-q" type="search" autocomplete="off" '
                    f'placeholder="{esc(_t("dd_search_hint", lang))}">')
            + label("dd_colour_by", f'<select id="dd-kpi">{kpis}</select>')
            + f'<label class="chk"><input id="dd-off" type="checkbox">'
            f'{esc(_t("dd_off_target", lang))}</label></div>')


def _when(p: Period, hidden: bool, lang: str) -> str:
    """The header's period line (with the provisional badge) and what it is compared with."""
    attrs = f'class="pv" data-period="{p.key}"{" hidden" if hidden else ""}'
    badge = (f'<span class="badge">{esc(_t("provisional", lang))}</span>' if p.provisional
             else "")
    vs = (_t("dd_vs", lang).format(period=_period_label(p.previous, lang)) if p.previous
          else _t("dd_no_previous", lang))
    return (f'<div {attrs}><div class="period">{esc(_period_label(p.weeks, lang))}{badge}</div>'
            f'<div class="meta">{esc(vs)}</div></div>')


def _others_name(group: Others, lang: str) -> str:
    """``Other campaigns (992)``: the label of an "others" row, in ``lang``."""
    count = format_value(float(len(group.members)), "count", lang)
    return _t(f"dd_others_{group.level}", lang).format(count=count)


def _named(view: PeriodView, lang: str) -> Records:
    """The period's entities with its "others" nodes labelled in ``lang``."""
    return view.ents | {g.key: {**view.ents[g.key], "name": _others_name(g, lang)}
                        for g in view.groups}


def _content(dd: Drilldown, lang: str,
             csv_name: str | None) -> tuple[str, str, dict[str, go.Figure], str]:
    """(header periods, page sections, figures, script) for data with campaign rows."""
    ps, currency, tgt = [v.period for v in dd.views], dd.currency, dd.targets
    kpi = GOAL
    static, maps, when, tiles, tables = _static_trace(lang), {}, [], [], []
    sums: dict[str, Any] = {}
    targets: dict[str, list[float | None]] = {}
    for i, v in enumerate(dd.views):
        p, keys, mine, goals = v.period, list(v.keys), _named(v, lang), v.goals
        cur, prev = v.cur, v.prev
        view = (cur, prev, tgt)
        targets |= {str(mine[k]["id"]): [_num(value_of(tgt, k, m)) for m in KPI_CHOICES]
                    for k in [ROOT, *keys] if k in tgt}
        when.append(_when(p, i > 0, lang))
        tiles.append(_tiles(p, view, i > 0, lang, currency))
        tables.append(_table(p, keys, mine, view, goals, i > 0, lang, currency))
        maps[p.key] = map_data(keys, mine, view, lang, currency, goals)
        sums[p.key] = {"cur": _sums(cur, mine), "prev": _sums(prev, mine) if p.previous else None}
    base = chart_layout(lang, margin={"l": 0, "r": 0, "t": 25, "b": 0})
    fig = go.Figure({"data": [_trace(static, maps[ps[0].key], kpi)],
                     "layout": {k: v for k, v in base.items() if k not in ("xaxis", "yaxis")}})
    channels = sorted({str(e["channel"]) for e in dd.ents.values() if e["level"] == "channel"},
                      key=str.casefold)
    scale = "".join(f"<{tag}>{esc(_t(key, lang))}</{tag}>" if key else f'<i class="{tag}"></i>'
                    for tag, key in (("span", "dd_worse"), ("grad", ""), ("span", "dd_better"),
                                     ("sw", ""), ("span", "dd_no_value")))
    sections = (
        f"<style>{_css()}</style>{_filters(ps, channels, kpi, lang)}"
        f'<section id="dd" class="dd" data-kpi="{kpi}">{_live_tiles(lang)}{"".join(tiles)}'
        f'<div class="card"><h2>{esc(_t("dd_map_title", lang))}</h2>'
        f'<p class="desc">{esc(_t("dd_map_desc", lang))}</p><div class="dd-scale">{scale}</div>'
        f'{plot_div("dd-map", height=MAP_HEIGHT)}</div>'
        f'<div class="card"><h2>{esc(_t("dd_table_title", lang))}</h2>'
        f'<p class="desc">{esc(_t("dd_table_desc", lang))}</p>'
        f"{_capped_note(dd.caps, dd.capped, csv_name, lang)}"
        f'<div class="table-wrap">{"".join(tables)}</div></div></section>')
    data = {"period": ps[0].key, "kpi": kpi, "config": PLOT_CONFIG, "trace": static,
            "layout": fig.to_dict()["layout"], "map": maps, "sums": sums, "cols": SUM_COLS,
            "kpis": KPI_CHOICES,
            "targets": targets,
            "metrics": {m: [definition(m).unit,
                            {"higher": 1, "lower": -1}.get(str(definition(m).direction), 0),
                            KPIS[m].scale if m in KPIS else 1,
                            int(m in KPIS and KPIS[m].numerator == "cost")]
                        for m in TABLE_METRICS},
            "fmt": _number_formats(lang, currency),
            "texts": {k: _t(k, lang) for k in ("dd_selection", "dd_quote", "dd_off_target",
                                               "dd_no_previous", "target")}}
    script = JS.replace("__DATA__", script_json(data))
    return "".join(when), sections, {"dd-map": fig}, script


def _capped_note(caps: Caps, capped: bool, csv_name: str | None, lang: str) -> str:
    """What the table leaves out (when it does) and the link to the full table."""
    note = (esc(_t("dd_capped", lang).format(campaigns=caps.campaigns, ad_groups=caps.ad_groups))
            + " " if capped else "")
    link = (f'{esc(_t("dd_csv", lang))} <a id="dd-csv" href="{esc(csv_name)}" download>'
            f"{esc(csv_name)}</a>" if csv_name else "")
    return f'<p class="desc">{note}{link}</p>' if note or link else ""


def _num(value: float | None) -> float | None:
    """A number for the page script, to 4 decimals (cents and fractional counts survive)."""
    return None if value is None else round(value, 4)


def _sums(rec: Records, ents: Records) -> dict[str, list[float | None]]:
    """Node id -> the summable columns (:data:`SUM_COLS`) the page script adds up for a
    filtered selection."""
    return {str(ents[k]["id"]): [_num(value_of(rec, k, c)) for c in SUM_COLS]
            for k in rec if k in ents}


def _number_formats(lang: str, currency: str) -> dict[str, Any]:
    """How :func:`format_value` and :func:`format_change` write numbers in ``lang``, for the
    page script: per unit [min and max decimals, prefix and suffix of a positive and of a
    negative number, scale], cut from Babel's own output; and the decimal and group symbols."""
    decimal = format_value(1.5, "count", lang)[1]
    group = next((c for c in format_value(1234, "count", lang) if not c.isdigit()), "")

    def spec(write: Any, scale: int) -> list[Any]:
        def cut(text: str) -> tuple[str, str, int]:
            at = [i for i, c in enumerate(text) if c.isdigit()]
            body = text[at[0]: at[-1] + 1]
            return (text[: at[0]], text[at[-1] + 1:],
                    len(body.split(decimal)[1]) if decimal in body else 0)
        pos, neg, full = cut(write(7 / scale)), cut(write(-7 / scale)), cut(write(7.123 / scale))
        return [pos[2], full[2], pos[0], pos[1], neg[0], neg[1], scale]

    out: dict[str, Any] = {u: spec(lambda v, u=u: format_value(v, u, lang, currency),
                                   100 if u == "percent" else 1)
                           for u in ("currency", "percent", "multiple", "count")}
    out["change"] = spec(lambda v: format_change(v, lang), 100)
    return out | {"decimal": decimal, "group": group, "missing": MISSING}


def _state(title: str, hint: str) -> str:
    return (f'<div class="card"><div class="empty"><strong>{esc(title)}</strong>'
            f"<span>{esc(hint)}</span></div></div>")


def render_drilldown(values: pd.DataFrame | Drilldown, *, lang: str = "en", account: str = "",
                     generated_at: dt.datetime | None = None,
                     nowcast: pd.DataFrame | None = None, compare: str = "nowcast",
                     caps: Caps = DEFAULT_CAPS, csv_name: str | None = CSV_FILE,
                     header: Header | None = None) -> str:
    """The drill-down page as one HTML string (see the module docstring), from ``kpi_values``
    rows or from their :func:`prepare_drilldown` (the same for every language; ``nowcast``,
    ``compare`` and ``caps`` are then already applied). ``nowcast``: the newest weeks' figures
    as expected once their conversions are in; ``caps``: rows embedded per parent;
    ``csv_name``: the full table's file beside the page, linked from it (None: no link)."""
    locale_for(lang)  # fail early on an unsupported language
    dd = (values if isinstance(values, Drilldown)
          else prepare_drilldown(values, nowcast=nowcast, compare=compare, caps=caps))
    when, figures, script = "", {}, ""
    if dd.state == "no_data":
        sections = _state(_t("no_data", lang), _t("dd_no_data_hint", lang))
    elif dd.state == "no_campaigns":
        sections = _state(_t("dd_no_campaigns", lang), _t("dd_no_campaigns_hint", lang))
    else:
        when, sections, figures, script = _content(dd, lang, csv_name)
    meta = [f"{_t('account', lang)}: {account}"] if account else []
    meta.append(_t("currency_note", lang).format(currency=dd.currency))
    foot = [_t("dd_method", lang), _t("provisional_note", lang), _t("offline_note", lang)]
    if generated_at is not None:
        foot.insert(0, _t("generated", lang).format(when=format_datetime(generated_at, lang)))
    body = (f'<header class="page"><div><h1>{esc(_t("dd_title", lang))}</h1>'
            f'<div class="meta">{esc(" · ".join(meta))}</div></div><div>{when}</div></header>'
            f"{completeness_note(dd.nowcast, lang, dd.compare)}{sections}"
            f"<footer>{''.join(f'<span>{esc(x)}</span>' for x in foot)}</footer>")
    title = f"{_t('dd_title', lang)}{' · ' + account if account else ''}"
    return render_page(lang=lang, header=header, title=title,
                       body=body, figures=figures, script=script)


def write_table(path: str | Path, dd: Drilldown) -> Path:
    """The full table (every node of every period) as CSV at ``path``, swapped in atomically."""
    return write_csv(path, dd.table())


def write_drilldown(path: str | Path, values: pd.DataFrame | Drilldown, *, table: bool = True,
                    **kw: Any) -> Path:
    """Render (keywords as :func:`render_drilldown`); with ``table``, swap in the full table
    beside the page first (``csv_name``, one file for every language); then swap the UTF-8
    page in atomically: a failure leaves the previous page in place."""
    dd = values if isinstance(values, Drilldown) else prepare_drilldown(
        values, **{k: kw.pop(k) for k in ("nowcast", "compare", "caps") if k in kw})
    page = render_drilldown(dd, **kw)
    csv_name = kw.get("csv_name", CSV_FILE)
    if table and csv_name:
        write_table(Path(path).with_name(csv_name), dd)
    return write_page(path, page)
