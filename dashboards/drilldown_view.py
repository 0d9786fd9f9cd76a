"""The drill-down page's view model: every cell, tile and control of the page as already
formatted strings in one language, for ``templates/drilldown.html`` to lay out.

Rows stay small (the page may hold thousands): a row is its ``data-*`` attributes, its
formatted values and its pills; the table's CSS finds columns by position.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboards.drilldown_cap import Caps
from dashboards.drilldown_data import (
    ROOT,
    NodeGoal,
    Period,
    Records,
    View,
    definition,
    delta,
    value_of,
    vs_target,
)
from dashboards.drilldown_labels import (
    GOAL,
    KPI_CHOICES,
    TABLE_METRICS,
    TILE_METRICS,
    _t,
    goal_note,
    goal_off,
    option_label,
    period_label,
    short,
    unpriced,
)
from kpi.language.format import MISSING, format_change, format_value
from kpi.registry import KPIS


@dataclass(frozen=True)
class Pill:
    """A signed change as a coloured pill (``css``: ``pill good|bad|flat``, or ``na`` for a
    missing value), with an optional tooltip."""

    css: str
    text: str
    title: str = ""


NA = Pill("na", MISSING)


@dataclass(frozen=True)
class Goal:
    """A node's goal cells: its goal KPI named with its value (``label``), the change vs the
    previous period and the gap to its target; without a goal KPI, ``label`` is None and
    ``change`` is the missing mark (its title says why)."""

    label: str | None
    change: Pill
    gap: Pill | None = None


@dataclass(frozen=True)
class Row:
    """One table row: the attributes the page script filters on, then its cells."""

    css: str
    id: str
    parent: str
    level: str
    channel: str
    q: str
    off: str
    hidden: bool
    name: str
    kids: bool
    values: tuple[str, ...]
    bar: str | None  # the cost cell's bar: the share of the parent's cost, in percent
    pills: tuple[Pill, ...]  # per focus KPI: change, gap to target
    goal: Goal


@dataclass(frozen=True)
class Head:
    """A column header."""

    css: str
    text: str
    title: str = ""


@dataclass(frozen=True)
class Line:
    """A tile's line: a pill (or none) followed by text."""

    pill: Pill | None
    text: str = ""


@dataclass(frozen=True)
class Tile:
    """One key figure of one period."""

    label: str
    value: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Block:
    """One period: its header line, key figures and table."""

    key: str
    hidden: bool
    label: str
    option: str
    provisional: bool
    versus: str
    tiles: tuple[Tile, ...]
    rows: tuple[Row, ...]
    total: Row


@dataclass(frozen=True)
class Choice:
    """An option of a select."""

    value: str
    text: str
    selected: bool = False


@dataclass(frozen=True)
class LiveTile:
    """A key figure of a filtered selection (the page script fills in its numbers)."""

    metric: str
    label: str
    target: bool


@dataclass(frozen=True)
class PageView:
    """Everything the template shows of a drill-down with campaign rows."""

    kpi: str
    blocks: tuple[Block, ...]
    channels: tuple[str, ...]
    kpis: tuple[Choice, ...]
    heads: tuple[Head, ...]
    live: tuple[LiveTile, ...]
    span: int
    capped: str
    csv_name: str | None


def pill(change: float | None, good: bool | None, lang: str, title: str = "") -> Pill:
    """A signed change as a pill (good / bad / neutral), the missing mark without a value."""
    if change is None:
        return NA
    text = format_change(change, lang)
    arrow = "" if text == format_change(0, lang) else "▲ " if change > 0 else "▼ "
    return Pill("pill " + ("flat" if good is None else "good" if good else "bad"),
                arrow + text, title)


def goal_cells(key: str, goal: NodeGoal | None, cur: Records, prev: Records, lang: str,
               currency: str) -> Goal:
    """The goal KPI (named), its change vs the previous period and its gap to the target."""
    if goal is None or goal.kpi is None:
        return Goal(None, Pill("na", MISSING, "" if goal is None else goal_note(goal, lang)))
    k, unit = goal.kpi, KPIS[goal.kpi].unit
    value = value_of(cur, key, k)
    gap, on = vs_target(k, value, goal.target)
    title = (f"{_t('target', lang)} {format_value(goal.target, unit, lang, currency)}"
             if goal.target is not None else goal_note(goal, lang))
    if unpriced(key, goal, cur):
        title = _t("dd_goal_unpriced", lang).format(kpi=short(k, lang))
    return Goal(f"{short(k, lang)} {format_value(value, unit, lang, currency)}",
                pill(*delta(k, value, value_of(prev, key, k)), lang), pill(gap, on, lang, title))


def kpi_pills(key: str, view: View, lang: str, currency: str) -> tuple[Pill, ...]:
    """Per focus KPI: change vs the previous period and gap to target (CSS shows one pair)."""
    cur, prev, tgt = view
    out: list[Pill] = []
    for k in KPI_CHOICES:
        value, target = value_of(cur, key, k), value_of(tgt, key, k)
        gap, on = vs_target(k, value, target)
        title = (f"{_t('target', lang)} {format_value(target, KPIS[k].unit, lang, currency)}"
                 if target is not None else "")
        out += [pill(*delta(k, value, value_of(prev, key, k)), lang), pill(gap, on, lang, title)]
    return tuple(out)


def values(key: str, cur: Records, lang: str, currency: str) -> tuple[str, ...]:
    """The metric cells' texts."""
    return tuple(format_value(value_of(cur, key, m), definition(m).unit, lang, currency)
                 for m in TABLE_METRICS)


def row(key: str, ents: Records, view: View, goal: NodeGoal | None, kids: bool, lang: str,
        currency: str) -> Row:
    """One node's row (channels shown, the rest hidden until their parent is opened)."""
    cur, prev, tgt = view
    e = ents[key]
    parent_cost, cost = value_of(cur, e["parent"], "cost"), value_of(cur, key, "cost")
    share = cost / parent_cost if cost is not None and parent_cost else None
    off = [k for k in KPI_CHOICES
           if vs_target(k, value_of(cur, key, k), value_of(tgt, key, k))[1] is False]
    if goal_off(key, goal, cur):
        off.append(GOAL)
    level = str(e["level"])
    return Row(f"{level} others" if e.get("others") else level, str(e["id"]),
               "" if e["parent"] == ROOT else str(ents[e["parent"]]["id"]), level,
               str(e["channel"]), "" if level == "channel" or e.get("others") else str(e["name"]),
               " ".join(off), level != "channel", str(e["name"]), kids,
               values(key, cur, lang, currency),
               None if share is None else f"{max(0.0, min(share, 1.0)) * 100:.1f}",
               kpi_pills(key, view, lang, currency),
               goal_cells(key, goal, cur, prev, lang, currency))


def total(view: View, lang: str, currency: str) -> Row:
    """The account's row in the table's foot."""
    return Row("all", "", "", "", "", "", "", False, _t("dd_total_all", lang), False,
               values(ROOT, view[0], lang, currency), None, kpi_pills(ROOT, view, lang, currency),
               goal_cells(ROOT, None, {}, {}, lang, currency))


def tiles(p: Period, view: View, lang: str, currency: str) -> tuple[Tile, ...]:
    """The account's key figures for one period, with change and target pills."""
    cur, prev, tgt = view
    out = []
    for m in TILE_METRICS:
        d, value = definition(m), value_of(cur, ROOT, m)
        lines = [Line(pill(*delta(m, value, value_of(prev, ROOT, m)), lang)) if p.previous
                 else Line(None, _t("dd_no_previous", lang))]
        target = value_of(tgt, ROOT, m) if m in KPIS else None
        if target is not None:
            shown = format_value(target, d.unit, lang, currency)
            lines.append(Line(pill(*vs_target(m, value, target), lang),
                              f"{_t('target', lang)} {shown}"))
        out.append(Tile(d.label(lang), format_value(value, d.unit, lang, currency), tuple(lines)))
    return tuple(out)


def block(i: int, p: Period, keys: list[str], ents: Records, view: View,
          goals: dict[str, NodeGoal], lang: str, currency: str) -> Block:
    """One period's part of the page (only the first is shown at first)."""
    parents = {ents[k]["parent"] for k in keys}
    versus = (_t("dd_vs", lang).format(period=period_label(p.previous, lang)) if p.previous
              else _t("dd_no_previous", lang))
    return Block(p.key, i > 0, period_label(p.weeks, lang), option_label(p, lang), p.provisional,
                 versus, tiles(p, view, lang, currency),
                 tuple(row(k, ents, view, goals.get(k), k in parents, lang, currency)
                       for k in keys), total(view, lang, currency))


def heads(lang: str) -> tuple[Head, ...]:
    """The table's column headers after the name: metrics, focus KPI pills, goal cells."""
    out = [Head(f"m-{m}", short(m, lang), definition(m).label(lang)) for m in TABLE_METRICS]
    for k in KPI_CHOICES:
        kpi = short(k, lang)
        out += [Head(f"x k-{k}", _t("dd_col_change", lang).format(kpi=kpi)),
                Head(f"x k-{k}", _t("dd_col_target", lang).format(kpi=kpi))]
    out += [Head(f"x k-{GOAL}", _t("dd_goal_col", lang)),
            Head(f"x k-{GOAL}", _t("dd_goal_vs_previous", lang)),
            Head(f"x k-{GOAL}", _t("dd_goal_vs_target", lang))]
    return tuple(out)


def capped_note(caps: Caps, capped: bool, lang: str) -> str:
    """What the table leaves out, when it does."""
    return (_t("dd_capped", lang).format(campaigns=caps.campaigns, ad_groups=caps.ad_groups)
            if capped else "")


def kpi_choices(kpi: str, lang: str) -> tuple[Choice, ...]:
    """The focus selector: each campaign's goal KPI, then every KPI."""
    return (Choice(GOAL, _t("dd_focus_goal", lang), kpi == GOAL),
            *(Choice(k, KPIS[k].label(lang), k == kpi) for k in KPI_CHOICES))


def live_tiles(lang: str) -> tuple[LiveTile, ...]:
    """The key figures of a filtered selection."""
    return tuple(LiveTile(m, definition(m).label(lang), m in KPIS) for m in TILE_METRICS)
