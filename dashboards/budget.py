"""The budget page: pacing of the current plan period, the recommendations in words, and the
what-if scenarios of the response curves.

Reads three tables (see :mod:`kpi.budget.pacing`, :mod:`kpi.budget.recommend` and
:mod:`kpi.budget.tables`): ``budget_pacing`` (one row per plan line as of the last day of
data), ``recommendations`` (pause / scale / reallocate with a sentence per language in
``text_<lang>``) and ``budget_scenarios`` (channel × measure × ±change from the channel's
curve, with its r²). Any of them may be empty (or have the one-column shape of a table with
nothing to say yet): the page then says so.
Campaign and channel names are user input: escaped for HTML and for Plotly labels.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from babel.numbers import format_decimal, format_percent, get_plus_sign_symbol

from dashboards.formatting import (
    MISSING,
    as_day,
    as_number,
    axis_affixes,
    babel_locale,
    format_date,
    format_range,
    format_value,
    locale_for,
)
from dashboards.i18n import t, translator
from dashboards.page import GRID, MUTED, chart_layout, esc, plot_div, render_page, write_page
from dashboards.site import Header
from dashboards.texts_budget import TEXTS
from kpi.budget.pacing import ON_TRACK, WATCH, status_of
from kpi.registry import KPIS, MEASURES

MAX_LABEL = 40  # characters of a plan line name on the chart axis (hover shows it all)
ACTIONS = ("pause", "scale", "reallocate")
STATUS_CLASS = {"on_track": "good", "watch": "warn", "investigate": "bad", "not_started": "flat"}
STATUS_COLOUR = {"on_track": "#047857", "watch": "#d48806", "investigate": "#b42318",
                 "not_started": "#98a2b3"}
WARN_STYLE = ' style="color:var(--warn);background:var(--warn-bg)"'
FIT_GOOD, FIT_WEAK = 0.6, 0.3  # r² from which a curve is reliable / below which it is a guess
MEASURE_ORDER = ("conversions", "leads", "purchases", "clicks", "revenue")
SUMMED = ("media_budget", "spend_to_date", "expected_to_date", "projected_spend",
          "total_budget", "projected_total_cost")



_t = translator(TEXTS)  # this page's texts first, then the shared ones


# --- small formatting helpers ------------------------------------------------------------------

def _money(value: object, lang: str, currency: str) -> str:
    return format_value(value, "currency", lang, currency)


def _pct(value: object, lang: str) -> str:
    """A share with one decimal (98,0 %), ``–`` when missing or infinite."""
    return format_value(value, "percent", lang)


def _round_pct(value: float, lang: str) -> str:
    """A share without decimals (95 %), for thresholds."""
    return format_percent(value, locale=babel_locale(lang))


def _signed(value: object, unit: str, lang: str, currency: str) -> str:
    """A change with an explicit + (the locale's minus comes from Babel)."""
    number = as_number(value)
    text = format_value(number, unit, lang, currency)
    return get_plus_sign_symbol(locale_for(lang)) + text if number and number > 0 else text


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _pill(text: str, kind: str) -> str:
    style = WARN_STYLE if kind == "warn" else ""
    return f'<span class="pill {esc(kind)}"{style}>{esc(text)}</span>'


def _empty(title: str, hint: str) -> str:
    return (f'<div class="card"><div class="empty"><strong>{esc(title)}</strong>'
            f"<span>{esc(hint)}</span></div></div>")


def _table(heads: list[str], rows: list[list[str]], foot: list[str] | None = None,
           left: int = 1) -> str:
    """An HTML table; ``heads`` are plain text, cells already-escaped HTML; the first
    ``left`` columns are text (left-aligned), the others numbers."""
    def cells(tag: str, values: list[str]) -> str:
        text = ' style="text-align:left"'
        return "".join(f"<{tag}{text if 0 < i < left else ''}>{v}</{tag}>"
                       for i, v in enumerate(values))

    head = cells("th", [esc(h) for h in heads])
    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    tail = f"<tfoot><tr>{cells('td', foot)}</tr></tfoot>" if foot else ""
    return (f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody>{tail}</table></div>")


def _currency(frame: pd.DataFrame, default: str) -> str:
    if "currency" not in frame.columns:
        return default
    found = sorted({str(c) for c in frame["currency"].dropna().unique()})
    if len(found) > 1:
        raise ValueError(f"budget_pacing mixes currencies {found}; pacing is computed in one "
                         "reporting currency")
    return found[0] if found else default


# --- pacing ------------------------------------------------------------------------------------

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


def _status_pill(status: str, direction: object, pacing: float | None, lang: str) -> str:
    text = _t(f"bud_status_{status}", lang) if status in STATUS_CLASS else str(status)
    if pacing is not None and math.isinf(pacing):
        text += " · " + _t("bud_unplanned", lang)
    elif direction in ("under", "over"):
        text += " · " + _t(f"bud_{direction}", lang)
    return _pill(text, STATUS_CLASS.get(status, "flat"))


def _tile(label: str, value: str, lines: list[str]) -> str:
    body = "".join(f'<div class="line">{line}</div>' for line in lines)
    return (f'<div class="card tile"><div class="label">{esc(label)}</div>'
            f'<div class="value">{esc(value)}</div>{body}</div>')


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


def _tiles(sums: dict[str, float], lang: str, currency: str) -> str:
    pacing = sums["spend_to_date"] / sums["expected_to_date"] if sums["expected_to_date"] else None
    status, direction = status_of(pacing)
    projected = sums["projected_spend"] / sums["media_budget"] if sums["media_budget"] else None
    tiles = [
        _tile(_t("bud_col_budget", lang), _money(sums["media_budget"], lang, currency), []),
        _tile(_t("bud_col_spent", lang), _money(sums["spend_to_date"], lang, currency),
              [esc(_t("bud_expected_line", lang).format(
                  amount=_money(sums["expected_to_date"], lang, currency)))]),
        _tile(_t("bud_col_pacing", lang), _pct(pacing, lang),
              [_status_pill(status, direction, pacing, lang)]),
        _tile(_t("bud_col_projected", lang), _money(sums["projected_spend"], lang, currency),
              [esc(_t("bud_of_budget", lang).format(share=_pct(projected, lang)))]),
        _tile(_t("bud_col_total_cost", lang), _money(sums["projected_total_cost"], lang,
                                                     currency),
              [esc(_t("bud_total_line", lang).format(
                  amount=_money(sums["total_budget"], lang, currency)))]),
    ]
    return f'<div class="grid tiles">{"".join(tiles)}</div>'


def _pacing_figure(lines: pd.DataFrame, labels: list[str], lang: str,
                   currency: str) -> go.Figure | None:
    """Horizontal bars of pacing per line, the on-track band shaded, the watch limits dotted."""
    rows = [(label, row) for label, (_, row) in zip(labels, lines.iterrows(), strict=True)
            if as_number(row["pacing"]) is not None]
    if not rows:
        return None
    rows = rows[::-1]  # plotly draws the first category at the bottom
    y = [f"{i}" for i in range(len(rows))]  # positions; names go in ticktext (may repeat)
    x = [float(row["pacing"]) * 100 for _, row in rows]
    colours = [STATUS_COLOUR.get(str(row["status"]), MUTED) for _, row in rows]
    text = [esc(_pct(row["pacing"], lang)) for _, row in rows]
    hover = [f"{esc(label)}<br><b>{esc(_pct(row['pacing'], lang))}</b><br>"
             f"{esc(_t('bud_col_spent', lang))}: "
             f"{esc(_money(row['spend_to_date'], lang, currency))}<br>"
             f"{esc(_t('bud_col_expected', lang))}: "
             f"{esc(_money(row['expected_to_date'], lang, currency))}"
             for label, row in rows]
    fig = go.Figure(go.Bar(x=x, y=y, orientation="h", marker={"color": colours}, text=text,
                           textposition="outside", cliponaxis=False, hovertext=hover,
                           hoverinfo="text", name=""))
    top = max(130.0, max(x) * 1.12)
    band = {"type": "rect", "xref": "x", "yref": "paper", "x0": ON_TRACK[0] * 100,
            "x1": ON_TRACK[1] * 100, "y0": 0, "y1": 1, "fillcolor": "rgba(4,120,87,.12)",
            "line": {"width": 0}, "layer": "below"}
    marks = [{"type": "line", "xref": "x", "yref": "paper", "x0": v * 100, "x1": v * 100,
              "y0": 0, "y1": 1, "line": {"color": "#98a2b3", "width": 1.25, "dash": "dot"}}
             for v in WATCH]
    plan = {"type": "line", "xref": "x", "yref": "paper", "x0": 100, "x1": 100, "y0": 0,
            "y1": 1, "line": {"color": "#047857", "width": 1}}
    prefix, suffix = axis_affixes("percent", lang)
    base = chart_layout(lang, height=70 + 36 * len(rows), bargap=0.35,
                        shapes=[band, *marks, plan])
    fig.update_layout(base, xaxis={**base["xaxis"], "range": [0, top], "showgrid": True,
                                   "gridcolor": GRID, "tickprefix": prefix, "ticksuffix": suffix,
                                   "exponentformat": "none"},
                      yaxis={**base["yaxis"], "type": "category", "tickvals": y,
                             "ticktext": [esc(_short(label)) for label, _ in rows],
                             "tickfont": {"size": 12}})
    return fig


def _pacing_table(lines: pd.DataFrame, labels: list[str], sums: dict[str, float] | None,
                  lang: str, currency: str) -> str:
    """One row per line: budget, spend and expected to date, pacing with its status, the
    projected media spend (share of budget) and total cost (against the total budget)."""
    mixed = len(lines[["period_start", "period_end"]].drop_duplicates()) > 1

    def sub(text: str) -> str:
        return f'<div class="meta">{esc(text)}</div>'

    def cells(values: Mapping[str, Any], pacing: float | None, status: str,
              direction: object) -> list[str]:
        media = as_number(values["media_budget"])
        projected = as_number(values["projected_spend"])
        share = projected / media if projected is not None and media else None
        return [
            esc(_money(values["media_budget"], lang, currency)),
            esc(_money(values["spend_to_date"], lang, currency)),
            esc(_money(values["expected_to_date"], lang, currency)),
            esc(_pct(pacing, lang)) + f"<div>{_status_pill(status, direction, pacing, lang)}"
            "</div>",
            esc(_money(projected, lang, currency))
            + sub(_t("bud_of_budget", lang).format(share=_pct(share, lang))),
            esc(_money(values["projected_total_cost"], lang, currency))
            + sub(_t("bud_budget_line", lang).format(
                amount=_money(values["total_budget"], lang, currency))),
        ]

    rows = []
    for label, (_, r) in zip(labels, lines.iterrows(), strict=True):
        pacing = as_number(r["pacing"])
        if pacing is None and r["pacing"] is not None and not pd.isna(r["pacing"]):
            pacing = float(r["pacing"])  # infinite: spend where the plan expects none
        name = esc(label)
        if mixed:
            name += sub(format_range(as_day(r["period_start"]), as_day(r["period_end"]), lang))
        rows.append([name, *cells(r.to_dict(), pacing, str(r["status"]), r.get("direction"))])
    foot = None
    if sums is not None and len(lines) > 1:
        pacing = (sums["spend_to_date"] / sums["expected_to_date"] if sums["expected_to_date"]
                  else None)
        foot = [esc(t("total", lang)), *cells(sums, pacing, *status_of(pacing))]
    heads = [_t(k, lang) for k in ("bud_col_line", "bud_col_budget", "bud_col_spent",
                                   "bud_col_expected", "bud_col_pacing", "bud_col_projected",
                                   "bud_col_total_cost")]
    return _table(heads, rows, foot)


def _pacing_section(pacing: pd.DataFrame, as_of: dt.date, lang: str, currency: str,
                    names: Mapping[str, str], figures: dict[str, go.Figure]) -> str:
    head = f'<h2>{esc(_t("bud_pacing_plain", lang))}</h2>'
    if pacing.empty or "period_start" not in pacing.columns:
        return head + _empty(_t("bud_no_plan", lang), _t("bud_no_plan_hint", lang))
    lines = current_lines(pacing, as_of)
    if lines.empty:
        first = min(pd.to_datetime(pacing["period_start"])).date()
        last = max(pd.to_datetime(pacing["period_end"])).date()
        return head + _empty(_t("bud_no_line", lang).format(day=format_date(as_of, lang)),
                      _t("bud_no_line_hint", lang).format(start=format_date(first, lang),
                                                          end=format_date(last, lang)))
    order = {"account": 0, "channel": 1, "campaign": 2}
    lines = lines.assign(_order=lines["level"].map(order).fillna(3),
                         _budget=-pd.to_numeric(lines["media_budget"], errors="coerce"))
    lines = lines.sort_values(["_order", "_budget"], kind="stable").drop(
        columns=["_order", "_budget"])
    labels = [_line_label(r, lang, names) for _, r in lines.iterrows()]
    periods = lines[["period_start", "period_end"]].drop_duplicates()
    first = lines.iloc[0]
    start, end = as_day(first["period_start"]), as_day(first["period_end"])
    head = _t("bud_pacing", lang).format(period=format_range(start, end, lang))
    meta = ""
    if len(periods) == 1:
        meta = _t("bud_day_of", lang).format(day=int(first["days_elapsed"]),
                                             days=int(first["days_in_period"]))
    parts = [f'<h2>{esc(head)}</h2>']
    if meta:
        parts.append(f'<div class="meta" style="margin:-8px 0 12px">{esc(meta)}</div>')
    sums = _totals(lines)
    if sums is not None:
        parts.append(_tiles(sums, lang, currency))
    fig = _pacing_figure(lines, labels, lang, currency)
    card = []
    if fig is not None:
        figures["pacing"] = fig
        bands = {"on_low": ON_TRACK[0], "on_high": ON_TRACK[1], "watch_low": WATCH[0],
                 "watch_high": WATCH[1]}
        desc = _t("bud_chart_desc", lang).format(
            **{k: _round_pct(v, lang) for k, v in bands.items()})
        card.append(f'<h3>{esc(_t("bud_chart", lang))}</h3><p class="desc meta">{esc(desc)}'
                    f'</p>{plot_div("pacing", height=int(fig.layout.height))}')
    card.append(_pacing_table(lines, labels, sums, lang, currency))
    card.append(f'<p class="meta">{esc(_t("bud_method", lang))}</p>')
    parts.append('<div class="card" style="margin-top:12px">' + "".join(card) + "</div>")
    return "".join(parts)


# --- recommendations ---------------------------------------------------------------------------

def _quantity(value: object, measure: object, lang: str, currency: str) -> str:
    unit = MEASURES[measure].unit if measure in MEASURES else "count"
    return format_value(value, unit, lang, currency)


def _measure_label(measure: object, lang: str) -> str:
    return MEASURES[measure].label(lang) if measure in MEASURES else str(measure)


def _key_numbers(r: Mapping[str, Any], lang: str, currency: str) -> list[str]:
    """The numbers behind one recommendation, as short plain-text chips."""
    chips = []
    kpi = r.get("kpi")
    if isinstance(kpi, str) and kpi in KPIS and as_number(r.get("value")) is not None:
        unit = KPIS[kpi].unit
        chips.append(_t("bud_key_kpi", lang).format(
            kpi=kpi.upper(), value=format_value(r.get("value"), unit, lang, currency),
            target=format_value(r.get("target"), unit, lang, currency)))
    action = r.get("action")
    if action == "pause" and as_number(r.get("cost")) is not None:
        chips.append(_t("bud_key_cost", lang).format(
            cost=_money(r.get("cost"), lang, currency),
            days=format_value(r.get("days"), "count", lang)))
    amount = as_number(r.get("amount"))
    moved = as_number(r.get("moved")) if action == "scale" else None
    if moved is not None and amount is not None:  # a scale funded by a move: each euro once
        chips.append(_t("bud_key_move", lang).format(amount=_money(moved, lang, currency)))
        amount = amount - moved if amount - moved >= 0.005 else None
    if amount is not None and action in ("scale", "reallocate"):
        key = "bud_key_extra" if action == "scale" else "bud_key_move"
        chips.append(_t(key, lang).format(amount=_money(amount, lang, currency)))
    if as_number(r.get("expected_gain")) is not None:
        chips.append(_t("bud_key_gain", lang).format(
            measure=_measure_label(r.get("measure"), lang),
            gain=_quantity(r.get("expected_gain"), r.get("measure"), lang, currency)))
    limited = r.get("budget_limited")
    if action == "scale" and limited is not None and not pd.isna(limited) and bool(limited):
        chips.append(_t("bud_key_limited", lang))
    return chips


def _sentence(r: Mapping[str, Any], lang: str) -> str:
    for column in (f"text_{lang}", "text_en"):
        text = r.get(column)
        if isinstance(text, str) and text.strip():
            return text
    return str(r.get("campaign_name") or r.get("item") or "")


def _recommendations_section(recs: pd.DataFrame, lang: str, currency: str,
                             curves_fitted: dt.date | None = None) -> str:
    head = f'<h2>{esc(_t("bud_recs", lang))}</h2>'
    if recs.empty or "action" not in recs.columns:
        return head + _empty(_t("bud_no_recs", lang), _t("bud_no_recs_hint", lang))
    parts = [head]
    judged = as_day(recs["as_of"].dropna().max()) if "as_of" in recs.columns else None
    if judged is not None:
        text = _t("bud_recs_as_of", lang).format(day=format_date(judged, lang))
        if curves_fitted is not None:
            text += " " + _t("bud_curves_fitted", lang).format(
                day=format_date(curves_fitted, lang))
        parts.append(f'<div class="meta" style="margin:-8px 0 12px">{esc(text)}</div>')
    groups = []
    known = [a for a in ACTIONS if (recs["action"] == a).any()]
    others = [a for a in dict.fromkeys(recs["action"].dropna()) if a not in ACTIONS]
    for action in (*known, *others):
        mine = recs[recs["action"] == action]
        title = (_t(f"bud_action_{action}", lang) if action in ACTIONS else str(action))
        items = []
        for _, row in mine.iterrows():
            r = row.to_dict()
            chips = "".join(_pill(c, "flat") for c in _key_numbers(r, lang, currency))
            channel = r.get("channel")
            where = (f'<span class="meta">{esc(channel)}</span> '
                     if isinstance(channel, str) and channel else "")
            items.append(f'<li style="margin:0 0 10px">{esc(_sentence(r, lang))}'
                         f'<div style="margin-top:3px">{where}{chips}</div></li>')
        groups.append(f'<div class="card rec-{esc(action)}"><h3>{esc(title)} '
                      f'<span class="pill flat">{len(mine)}</span></h3>'
                      f'<ul style="margin:10px 0 0;padding-left:20px">{"".join(items)}</ul>'
                      "</div>")
    parts.append(f'<div class="grid">{"".join(groups)}</div>')
    left_out = left_out_sentence(recs, lang)
    if left_out:
        parts.append(f'<p class="meta">{esc(left_out)}</p>')
    return "".join(parts)


def left_out_sentence(recs: pd.DataFrame, lang: str) -> str:
    """How many smaller actions were left out (kpi.budget.recommend's materiality), or ''."""
    if "left_out" not in recs.columns:
        return ""
    count = as_number(pd.to_numeric(recs["left_out"], errors="coerce").max())
    if not count:
        return ""
    if count == 1:
        return _t("bud_left_out_one", lang)
    return _t("bud_left_out_many", lang).format(count=format_value(count, "count", lang))


# --- scenarios ---------------------------------------------------------------------------------

def _fit_pill(r_squared: float | None, lang: str) -> str:
    if r_squared is None:
        return ""
    if r_squared >= FIT_GOOD:
        return _pill(_t("bud_fit_good", lang), "good")
    if r_squared >= FIT_WEAK:
        return _pill(_t("bud_fit_rough", lang), "warn")
    return _pill(_t("bud_fit_weak", lang), "bad")


def _return(up: Mapping[str, Any], measure: str, lang: str, currency: str) -> str:
    """What the extra spend of the up scenario buys: its ROAS, or the cost of one more unit."""
    ratio = as_number(up.get("incremental_return"))
    if ratio is None:
        return MISSING
    if measure in MEASURES and MEASURES[measure].unit == "currency":
        return _t("bud_marginal_roas", lang).format(value=format_value(ratio, "multiple", lang))
    if ratio <= 0:
        return MISSING
    unit = (_t(f"bud_unit_{measure}", lang) if f"bud_unit_{measure}" in TEXTS
            else _measure_label(measure, lang).lower())
    return _t("bud_marginal_cost", lang).format(value=_money(1 / ratio, lang, currency),
                                                unit=unit)


def scenario_change(scenarios: pd.DataFrame) -> float | None:
    """The relative spend change of the scenarios (0.2 for ±20 %), None without any."""
    if scenarios.empty or "spend" not in scenarios.columns:
        return None
    spend = pd.to_numeric(scenarios["spend"], errors="coerce")
    new = pd.to_numeric(scenarios["new_spend"], errors="coerce")
    change = ((new - spend).abs() / spend.where(spend > 0)).dropna()
    return float(change.median()) if len(change) else None


def _scenarios_section(scenarios: pd.DataFrame, lang: str, currency: str) -> str:
    change = scenario_change(scenarios)
    loc = locale_for(lang)
    if change is None:
        return (f'<h2>{esc(_t("bud_scenarios_plain", lang))}</h2>'
                + _empty(_t("bud_no_scenarios", lang), _t("bud_no_scenarios_hint", lang)))
    share = format_percent(change, locale=loc)
    down = format_percent(-change, locale=loc)
    up = get_plus_sign_symbol(loc) + share
    frame = scenarios.assign(_up=pd.to_numeric(scenarios["new_spend"], errors="coerce")
                             > pd.to_numeric(scenarios["spend"], errors="coerce"))
    spend = frame.groupby("channel", sort=False)["spend"].max().sort_values(ascending=False)
    rank = {m: i for i, m in enumerate(MEASURE_ORDER)}
    rows = []
    for channel in spend.index:
        mine = frame[frame["channel"] == channel]
        measures = sorted(dict.fromkeys(mine["measure"]), key=lambda m: (rank.get(m, 99), m))
        for measure in measures:
            pair = mine[mine["measure"] == measure]
            ups, downs = pair[pair["_up"]], pair[~pair["_up"]]
            first = pair.iloc[0].to_dict()
            unit = MEASURES[measure].unit if measure in MEASURES else "count"
            r2 = as_number(first.get("r_squared"))

            def delta(rows: pd.DataFrame, unit: str = unit) -> str:
                if rows.empty:
                    return MISSING
                return esc(_signed(rows.iloc[0]["change"], unit, lang, currency))

            rows.append([
                esc(channel), esc(_measure_label(measure, lang)),
                esc(_money(first["spend"], lang, currency)),
                esc(format_value(first["response"], unit, lang, currency)),
                delta(downs), delta(ups),
                esc(_return(ups.iloc[0].to_dict(), measure, lang, currency)) if len(ups)
                else MISSING,
                (esc(format_decimal(r2, "0.00", locale=loc)) if r2 is not None else MISSING)
                + f"<div>{_fit_pill(r2, lang)}</div>",
            ])
    heads = [t("channel", lang), _t("bud_col_outcome", lang), _t("bud_col_spend_day", lang),
             _t("bud_col_response_day", lang), _t("bud_col_at", lang).format(change=down),
             _t("bud_col_at", lang).format(change=up), _t("bud_col_return", lang),
             _t("bud_col_fit", lang)]
    note = _t("bud_fit_note", lang).format(good=format_decimal(FIT_GOOD, "0.0", locale=loc),
                                           weak=format_decimal(FIT_WEAK, "0.0", locale=loc))
    title = _t("bud_scenarios", lang).format(change=share)
    return (f"<h2>{esc(title)}</h2>"
            f'<div class="card"><p class="meta" style="margin:0 0 8px">'
            f'{esc(_t("bud_scenarios_desc", lang))}</p>{_table(heads, rows, left=2)}'
            f'<p class="meta">{esc(note)}</p></div>')


# --- the page ----------------------------------------------------------------------------------

def render_budget(pacing: pd.DataFrame, recommendations: pd.DataFrame,
                  scenarios: pd.DataFrame, *, lang: str = "en", account: str = "",
                  as_of: dt.date, currency: str = "EUR",
                  campaign_names: Mapping[str, str] | None = None,
                  curves_fitted: dt.date | None = None,
                  header: Header | None = None) -> str:
    """The budget page as one self-contained HTML string.

    ``pacing``, ``recommendations`` and ``scenarios`` are the ``budget_pacing``,
    ``recommendations`` and ``budget_scenarios`` tables; ``as_of`` picks the plan lines whose
    period contains it; ``campaign_names`` (campaign key -> name) labels campaign-level lines;
    ``curves_fitted``, the day the oldest response curve in use was fitted, is said with the
    recommendations (curves are refitted weekly).
    Money is in ``currency`` unless the pacing table says otherwise.
    """
    locale_for(lang)  # fail early on an unsupported language
    currency = _currency(pacing, currency)
    names = dict(campaign_names or {})
    figures: dict[str, go.Figure] = {}
    meta = [f"{_t('account', lang)}: {account}"] if account else []
    meta.append(_t("bud_as_of", lang).format(day=format_date(as_of, lang)))
    meta.append(_t("currency_note", lang).format(currency=currency))
    parts = [f'<header class="page"><div><h1>{esc(_t("bud_title", lang))}</h1>'
             f'<div class="meta">{esc(" · ".join(meta))}</div></div></header>',
             _pacing_section(pacing, as_of, lang, currency, names, figures),
             _recommendations_section(recommendations, lang, currency, curves_fitted),
             _scenarios_section(scenarios, lang, currency),
             f'<footer><span>{esc(_t("offline_note", lang))}</span></footer>']
    title = f"{_t('bud_title', lang)}{' · ' + account if account else ''}"
    return render_page(lang=lang, header=header, title=title,
                       body="\n".join(parts), figures=figures)


def write_budget(path: str | Path, pacing: pd.DataFrame, recommendations: pd.DataFrame,
                 scenarios: pd.DataFrame, **kw: Any) -> Path:
    """Render (keywords as :func:`render_budget`), then swap the file in atomically (a failure
    keeps the previous page)."""
    return write_page(path, render_budget(pacing, recommendations, scenarios, **kw))
