"""The pacing section of the budget page: the plan lines of the current period as headline
tiles, a bar per line and a table (see :mod:`kpi.budget.pacing` for the ``budget_pacing``
table). Pure: frames in, a :class:`PacingView` of formatted strings and a Plotly figure out.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from babel.numbers import format_percent

from dashboards.page import GRID, MUTED, chart_layout
from dashboards.view_table import (
    Cell,
    Chart,
    Empty,
    Pill,
    Table,
    Tile,
    heads,
    plotly_text,
    wrap_label,
)
from kpi.budget.pacing import ON_TRACK, WATCH, status_of
from kpi.language.format import (
    as_day,
    as_number,
    axis_affixes,
    babel_locale,
    format_date,
    format_range,
    format_value,
)
from kpi.language.translate import N_, translator

LABEL_WIDTH, LABEL_LINES = 22, 2  # a plan line's name on the chart axis (hover shows it all)
STATUS_TEXT = {"on_track": N_("bud_status_on_track"), "watch": N_("bud_status_watch"),
               "investigate": N_("bud_status_investigate"),
               "not_started": N_("bud_status_not_started")}
STATUS_CLASS = {"on_track": "good", "watch": "warn", "investigate": "bad", "not_started": "flat"}
STATUS_COLOUR = {"on_track": "#047857", "watch": "#d48806", "investigate": "#b42318",
                 "not_started": "#98a2b3"}
DIRECTION_TEXT = {"under": N_("bud_under"), "over": N_("bud_over")}
SUMMED = ("media_budget", "spend_to_date", "expected_to_date", "projected_spend",
          "total_budget", "projected_total_cost")
LEVEL_ORDER = {"account": 0, "channel": 1, "campaign": 2}
CSV_NAME = "budget-pacing"  # the file the table downloads as

_t = translator("budget", "common")


@dataclass(frozen=True)
class PacingView:
    """The pacing section: its heading, then either ``empty`` or the rest."""

    heading: str
    period: str = ""  # the plan period in words, for the site header
    meta: str = ""
    empty: Empty | None = None
    tiles: tuple[Tile, ...] = ()
    chart: Chart | None = None
    table: Table | None = None


def _money(value: object, lang: str, currency: str) -> str:
    return format_value(value, "currency", lang, currency)


def _pct(value: object, lang: str) -> str:
    """A share with one decimal (98,0 %), ``–`` when missing or infinite."""
    return format_value(value, "percent", lang)


def current_lines(pacing: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The plan lines whose period contains ``as_of`` (empty for an empty table)."""
    if pacing.empty or "period_start" not in pacing.columns:
        return pacing.iloc[:0]
    start = pd.to_datetime(pacing["period_start"]).dt.date
    end = pd.to_datetime(pacing["period_end"]).dt.date
    return pacing[(start <= as_of) & (end >= as_of)]


def _line_label(row: Mapping[str, Any], lang: str, names: Mapping[str, str]) -> str:
    if row["level"] == "account" or not row.get("name"):
        return _t("bud_whole_account", lang)
    name = str(row["name"])
    return names.get(name, name) if row["level"] == "campaign" else name


def status_pill(status: str, direction: object, pacing: float | None, lang: str) -> Pill:
    """On track / watch / investigate, with under- or overspend (or unplanned spend)."""
    text = _t(STATUS_TEXT[status], lang) if status in STATUS_TEXT else str(status)
    if pacing is not None and math.isinf(pacing):
        text += " · " + _t("bud_unplanned", lang)
    elif direction in DIRECTION_TEXT:
        text += " · " + _t(DIRECTION_TEXT[str(direction)], lang)
    return Pill(text, STATUS_CLASS.get(status, "flat"))


def _totals(lines: pd.DataFrame) -> dict[str, float] | None:
    """The lines summed, when they do not overlap: one account line, or lines of one level
    and one period (each channel or campaign once)."""
    if len(lines) == 1:
        return {k: float(lines.iloc[0][k]) for k in SUMMED}
    same = lines["level"].nunique() == 1 and lines["level"].iloc[0] != "account"
    periods = lines[["period_start", "period_end"]].drop_duplicates()
    if not same or len(periods) != 1 or lines["name"].duplicated().any():
        return None
    return {k: float(pd.to_numeric(lines[k], errors="coerce").fillna(0).sum()) for k in SUMMED}


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _tiles(sums: dict[str, float], lang: str, currency: str) -> tuple[Tile, ...]:
    pacing = _ratio(sums["spend_to_date"], sums["expected_to_date"])
    status, direction = status_of(pacing)
    projected = _ratio(sums["projected_spend"], sums["media_budget"])
    return (
        Tile(_t("bud_col_budget", lang), _money(sums["media_budget"], lang, currency)),
        Tile(_t("bud_col_spent", lang), _money(sums["spend_to_date"], lang, currency),
             (_t("bud_expected_line", lang).format(
                 amount=_money(sums["expected_to_date"], lang, currency)),)),
        Tile(_t("bud_col_pacing", lang), _pct(pacing, lang),
             pills=(status_pill(status, direction, pacing, lang),)),
        Tile(_t("bud_col_projected", lang), _money(sums["projected_spend"], lang, currency),
             (_t("bud_of_budget", lang).format(share=_pct(projected, lang)),)),
        Tile(_t("bud_col_total_cost", lang),
             _money(sums["projected_total_cost"], lang, currency),
             (_t("bud_total_line", lang).format(
                 amount=_money(sums["total_budget"], lang, currency)),)),
    )


def pacing_figure(lines: pd.DataFrame, labels: list[str], lang: str,
                  currency: str) -> go.Figure | None:
    """Horizontal bars of pacing per line, the on-track band shaded, the watch limits dotted;
    long names on two lines so the bars keep room on a phone."""
    rows = [(label, row) for label, (_, row) in zip(labels, lines.iterrows(), strict=True)
            if as_number(row["pacing"]) is not None]
    if not rows:
        return None
    rows = rows[::-1]  # plotly draws the first category at the bottom
    y = [f"{i}" for i in range(len(rows))]  # positions; names go in ticktext (may repeat)
    x = [float(row["pacing"]) * 100 for _, row in rows]
    colours = [STATUS_COLOUR.get(str(row["status"]), MUTED) for _, row in rows]
    text = [plotly_text(_pct(row["pacing"], lang)) for _, row in rows]
    line = _t("bud_label_value", lang)
    hover = ["<br>".join((plotly_text(label), f"<b>{plotly_text(_pct(row['pacing'], lang))}</b>",
                          plotly_text(line.format(label=_t("bud_col_spent", lang),
                                                  value=_money(row["spend_to_date"], lang,
                                                               currency))),
                          plotly_text(line.format(label=_t("bud_col_expected", lang),
                                                  value=_money(row["expected_to_date"], lang,
                                                               currency)))))
             for label, row in rows]
    fig = go.Figure(go.Bar(x=x, y=y, orientation="h", marker={"color": colours}, text=text,
                           textposition="outside", cliponaxis=False, hovertext=hover,
                           hoverinfo="text", name=""))
    top = max(150.0, max(x) * 1.45)  # room for the value after the longest bar, on a phone
    band = {"type": "rect", "xref": "x", "yref": "paper", "x0": ON_TRACK[0] * 100,
            "x1": ON_TRACK[1] * 100, "y0": 0, "y1": 1, "fillcolor": "rgba(4,120,87,.12)",
            "line": {"width": 0}, "layer": "below"}
    marks = [{"type": "line", "xref": "x", "yref": "paper", "x0": v * 100, "x1": v * 100,
              "y0": 0, "y1": 1, "line": {"color": "#98a2b3", "width": 1.25, "dash": "dot"}}
             for v in WATCH]
    plan = {"type": "line", "xref": "x", "yref": "paper", "x0": 100, "x1": 100, "y0": 0,
            "y1": 1, "line": {"color": "#047857", "width": 1}}
    prefix, suffix = axis_affixes("percent", lang)
    base = chart_layout(lang, height=70 + 40 * len(rows), bargap=0.35,
                        shapes=[band, *marks, plan])
    fig.update_layout(base, xaxis={**base["xaxis"], "range": [0, top], "showgrid": True,
                                   "gridcolor": GRID, "tickprefix": prefix, "ticksuffix": suffix,
                                   "exponentformat": "none", "nticks": 5},
                      yaxis={**base["yaxis"], "type": "category", "tickvals": y,
                             "ticktext": [wrap_label(label, LABEL_WIDTH, LABEL_LINES)
                                          for label, _ in rows],
                             "tickfont": {"size": 11}})
    return fig


def _cells(values: Mapping[str, Any], pacing: float | None, status: str, direction: object,
           lang: str, currency: str) -> list[Cell]:
    media = as_number(values["media_budget"])
    projected = as_number(values["projected_spend"])
    share = projected / media if projected is not None and media else None

    def money(key: str) -> Cell:
        return Cell.number(_money(values[key], lang, currency), values[key])

    return [
        money("media_budget"), money("spend_to_date"), money("expected_to_date"),
        Cell.number(_pct(pacing, lang), pacing,
                    pills=(status_pill(status, direction, pacing, lang),)),
        Cell.number(_money(projected, lang, currency), projected,
                    subs=(_t("bud_of_budget", lang).format(share=_pct(share, lang)),)),
        Cell.number(_money(values["projected_total_cost"], lang, currency),
                    values["projected_total_cost"],
                    subs=(_t("bud_budget_line", lang).format(
                        amount=_money(values["total_budget"], lang, currency)),)),
    ]


def _pacing_table(lines: pd.DataFrame, labels: list[str], sums: dict[str, float] | None,
                  lang: str, currency: str) -> Table:
    """One row per line: budget, spend and expected to date, pacing with its status, the
    projected media spend (share of budget) and total cost (against the total budget)."""
    mixed = len(lines[["period_start", "period_end"]].drop_duplicates()) > 1
    rows = []
    for label, (_, r) in zip(labels, lines.iterrows(), strict=True):
        pacing = as_number(r["pacing"])
        if pacing is None and r["pacing"] is not None and not pd.isna(r["pacing"]):
            pacing = float(r["pacing"])  # infinite: spend where the plan expects none
        subs = ((format_range(as_day(r["period_start"]), as_day(r["period_end"]), lang),)
                if mixed else ())
        rows.append((Cell.label(label, subs=subs),
                     *_cells(r.to_dict(), pacing, str(r["status"]), r.get("direction"), lang,
                             currency)))
    foot = None
    if sums is not None and len(lines) > 1:
        pacing = _ratio(sums["spend_to_date"], sums["expected_to_date"])
        foot = (Cell.label(_t("total", lang)),
                *_cells(sums, pacing, *status_of(pacing), lang, currency))
    names = [_t("bud_col_line", lang), _t("bud_col_budget", lang), _t("bud_col_spent", lang),
             _t("bud_col_expected", lang), _t("bud_col_pacing", lang),
             _t("bud_col_projected", lang), _t("bud_col_total_cost", lang)]
    return Table(CSV_NAME, heads(names), tuple(rows), foot)


def _round_pct(value: float, lang: str) -> str:
    """A share without decimals (95 %), for thresholds."""
    return format_percent(value, locale=babel_locale(lang))


def pacing_view(pacing: pd.DataFrame, as_of: dt.date, lang: str, currency: str,
                names: Mapping[str, str], figures: dict[str, go.Figure]) -> PacingView:
    """The pacing section of the plan lines current on ``as_of``; its chart into
    ``figures``."""
    if pacing.empty or "period_start" not in pacing.columns:
        return PacingView(_t("bud_pacing_plain", lang),
                          empty=Empty(_t("bud_no_plan", lang), _t("bud_no_plan_hint", lang)))
    lines = current_lines(pacing, as_of)
    if lines.empty:
        first = min(pd.to_datetime(pacing["period_start"])).date()
        last = max(pd.to_datetime(pacing["period_end"])).date()
        return PacingView(_t("bud_pacing_plain", lang), empty=Empty(
            _t("bud_no_line", lang).format(day=format_date(as_of, lang)),
            _t("bud_no_line_hint", lang).format(start=format_date(first, lang),
                                                end=format_date(last, lang))))
    lines = lines.assign(_order=lines["level"].map(LEVEL_ORDER).fillna(3),
                         _budget=-pd.to_numeric(lines["media_budget"], errors="coerce"))
    lines = lines.sort_values(["_order", "_budget"], kind="stable").drop(
        columns=["_order", "_budget"])
    labels = [_line_label(r, lang, names) for _, r in lines.iterrows()]
    one_period = len(lines[["period_start", "period_end"]].drop_duplicates()) == 1
    first = lines.iloc[0]
    period = format_range(as_day(first["period_start"]), as_day(first["period_end"]), lang)
    meta = (_t("bud_day_of", lang).format(day=int(first["days_elapsed"]),
                                          days=int(first["days_in_period"]))
            if one_period else "")
    sums = _totals(lines)
    chart = None
    fig = pacing_figure(lines, labels, lang, currency)
    if fig is not None:
        figures["pacing"] = fig
        bands = {"on_low": ON_TRACK[0], "on_high": ON_TRACK[1], "watch_low": WATCH[0],
                 "watch_high": WATCH[1]}
        chart = Chart("pacing", int(fig.layout.height), _t("bud_chart", lang),
                      _t("bud_chart_desc", lang).format(
                          **{k: _round_pct(v, lang) for k, v in bands.items()}))
    return PacingView(
        _t("bud_pacing", lang).format(period=period), period=period, meta=meta,
        tiles=_tiles(sums, lang, currency) if sums is not None else (), chart=chart,
        table=_pacing_table(lines, labels, sums, lang, currency))
