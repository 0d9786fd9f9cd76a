"""The trends page's figures: one KPI over time (days, or the history by the chosen period with
last year's line for the comparison), holidays marked. Text in a figure is escaped for
Plotly, which draws a subset of HTML in its labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton

from dashboards.overview_figures import flat_range
from dashboards.page import chart_layout, label_margin, plotly_text
from dashboards.periods import PERIODS, Period
from dashboards.trend_traces import trend_traces
from dashboards.trends_model import History, point_label
from kpi.language.format import (
    as_number,
    axis_affixes,
    babel_locale,
    format_date,
    format_day_month,
    format_value,
    format_week,
)
from kpi.language.translate import translator
from kpi.registry import KPIS, MEASURES, Kpi, Measure

HOLIDAY = "#c2410c"  # holiday lines and names: warm, unlike the blue series and grey target
LAST_YEAR = "#9ca3af"  # last year's line: quiet grey
GROUP_GAP_DAYS = 2  # holidays this close share one label (Easter Sunday and Monday)
MAX_TICKS = 4  # date ticks: upright and apart on a 390 px phone too

_t = translator("trends", "periods", "common")


def _is_true(flag: object) -> bool:
    """A nullable flag as a plain bool (None / NA count as False)."""
    return False if flag is None or pd.isna(flag) else bool(flag)


def _definition(metric: str) -> Kpi | Measure:
    return KPIS[metric] if metric in KPIS else MEASURES[metric]


def _groups(marks: Sequence[tuple[dt.date, str]]) -> list[list[tuple[dt.date, str]]]:
    """Holidays at most ``GROUP_GAP_DAYS`` apart grouped, so their labels do not overlap."""
    groups: list[list[tuple[dt.date, str]]] = []
    for mark in marks:
        if groups and (mark[0] - groups[-1][-1][0]).days <= GROUP_GAP_DAYS:
            groups[-1].append(mark)
        else:
            groups.append([mark])
    return groups


def _day_label(day: dt.date, lang: str) -> str:
    return format_skeleton("yMMMEd", day, locale=babel_locale(lang))  # do 14 mei 2026


def trend_figure(rows: pd.DataFrame, metric: str, lang: str, currency: str,
                 marks: Sequence[tuple[dt.date, str]], *, daily: bool,
                 label: Callable[[dt.date, dt.date], str] | None = None
                 ) -> dict[str, Any] | None:
    """One KPI over time: solid when final, dotted over provisional or incomplete periods,
    the target dashed, holidays as dotted vertical lines (named on daily charts); a plain
    Plotly spec (:func:`dashboards.page.figure_json`). ``label``: a point's name in the
    hover (default: the day, or the week)."""
    d = _definition(metric)
    rows = rows[rows["metric"] == metric].drop_duplicates("period_start")
    values = [as_number(v) for v in rows["value"]]
    if all(v is None for v in values):
        return None
    scale = 100.0 if d.unit == "percent" else 1.0  # axis ticks read like the values: 3,4 %
    starts, ends = list(rows["period_start"]), list(rows["period_end"])
    x, n = [s.isoformat() for s in starts], len(values)
    prov = [_is_true(p) for p in rows["provisional"]]
    flagged = [p or not _is_true(c) for p, c in zip(prov, rows["complete"], strict=True)]
    custom = []
    for s, e, v, p, f in zip(starts, ends, values, prov, flagged, strict=True):
        names = [name for day, name in marks if s <= day <= e]
        custom.append([
            plotly_text(label(s, e) if label else _day_label(s, lang) if daily
                      else format_week(s, e, lang)),
            plotly_text(format_value(v, d.unit, lang, currency)),
            plotly_text(_t("provisional" if p else "incomplete", lang)) if f else "",
            "".join(f"<br>★ {plotly_text(name)}" for name in names)])
    y = [None if v is None else v * scale for v in values]
    hover = ("%{customdata[0]}<br><b>%{customdata[1]}</b> %{customdata[2]}%{customdata[3]}"
             "<extra></extra>")
    targets = [as_number(v) for v in rows["target"]]
    data = trend_traces(x, y, [None if v is None else v * scale for v in targets], flagged,
                        custom, hover, lang, size=4 if daily else 5,
                        width=2 if daily else 2.25)
    shapes, notes = [], []
    for day, _ in marks:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": day.isoformat(),
                       "x1": day.isoformat(), "y0": 0, "y1": 1, "layer": "below",
                       "line": {"color": HOLIDAY, "width": 1, "dash": "dot"}})
    for group in _groups(marks):
        names = " / ".join(name for _, name in group)
        line = _t("label_value", lang)
        hovertext = "<br>".join(line.format(label=plotly_text(format_date(day, lang)),
                                            value=plotly_text(name)) for day, name in group)
        common = {"x": group[0][0].isoformat(), "xref": "x", "yref": "paper", "showarrow": False,
                  "hovertext": hovertext, "font": {"size": 10, "color": HOLIDAY}}
        if daily:  # the name, upright along the line, just left of it
            notes.append({**common, "text": plotly_text(names), "textangle": -90, "y": 1,
                          "yanchor": "top", "xanchor": "right",
                          "bgcolor": "rgba(255,255,255,.75)"})
        else:  # a small mark above the plot; the name on hover
            notes.append({**common, "text": "▾", "y": 1, "yanchor": "bottom"})
    prefix, suffix = axis_affixes(d.unit, lang, currency)
    if daily:
        ticks = [s for s in starts if s.weekday() == 0][::-1][::4][::-1]  # every 4th Monday
    else:
        ticks = starts[::-1][:: max(1, -(-n // MAX_TICKS))]  # ≤ 4, the latest included
    base = chart_layout(lang, margin={"l": label_margin(values, targets, unit=d.unit, lang=lang,
                                                     currency=currency),
                                      "r": 28, "t": 8 if daily else 16, "b": 28})
    layout = {**base, "shapes": shapes, "annotations": notes,
              "xaxis": {**base["xaxis"], "type": "date", "automargin": False, "tickangle": 0,
                        "tickvals": [s.isoformat() for s in ticks],
                        "ticktext": [plotly_text(format_day_month(s, lang)) for s in ticks]},
              "yaxis": {**base["yaxis"], "tickprefix": prefix, "ticksuffix": suffix,
                        "separatethousands": True, "exponentformat": "none", "nticks": 5,
                        "rangemode": "tozero" if d.unit != "multiple" else "normal",
                        "automargin": False, **flat_range(y)}}
    return {"data": data, "layout": layout}


def history_figure(past: History, metric: str, lang: str, currency: str,
                   marks: Sequence[tuple[dt.date, str]]) -> dict[str, Any] | None:
    """``metric`` over the whole history by every period of the switch: each period's traces
    carry ``meta.period`` (the week's visible, the page's switch shows the chosen one), last
    year's line ``meta.vs = "year"`` as well; each period's x ticks in ``layout.meta.axes``.
    None when the weeks have no value of it."""
    unit = _definition(metric).unit
    scale = 100.0 if unit == "percent" else 1.0
    data: list[dict[str, Any]] = []
    axes: dict[str, dict[str, Any]] = {}
    layout: dict[str, Any] | None = None
    margin, before_all = 0, []
    for period in PERIODS:
        shown = past.rows[period]
        shown = shown[shown["metric"] == metric].sort_values("period_start")
        spec = trend_figure(shown, metric, lang, currency, marks if period == "week" else [],
                            daily=False, label=point_label(period, lang))
        if spec is None:
            if period == "week":
                return None
            continue
        layout = layout or spec["layout"]
        starts = list(shown.drop_duplicates("period_start")["period_start"])
        before = [past.year_ago[period].get((s, metric)) for s in starts]
        before_all += before
        if any(v is not None for v in before):
            data.append({"type": "scatter", "x": spec["data"][-1]["x"],
                         "y": [None if v is None else v * scale for v in before],
                         "mode": "lines", "visible": False,
                         "line": {"color": LAST_YEAR, "width": 1.75, "dash": "longdash"},
                         "name": plotly_text(_t("legend_last_year", lang)),
                         "customdata": [plotly_text(format_value(v, unit, lang, currency))
                                        for v in before],
                         "hovertemplate": plotly_text(_t("legend_last_year", lang))
                         + "<br><b>%{customdata}</b><extra></extra>",
                         "meta": {"period": period, "vs": "year"}})
        data += [{**trace, "visible": period == "week", "meta": {"period": period}}
                 for trace in spec["data"]]
        x_axis = spec["layout"]["xaxis"]
        ticks = [dt.date.fromisoformat(v) for v in x_axis["tickvals"]]
        axes[period] = {"xaxis.tickvals": x_axis["tickvals"],
                        "xaxis.ticktext": [plotly_text(_tick(d, period, lang)) for d in ticks]}
        margin = max(margin, spec["layout"]["margin"]["l"])
    assert layout is not None
    margin = max(margin, label_margin(before_all, unit=unit, lang=lang, currency=currency))
    return {"data": data, "layout": {**layout, "margin": {**layout["margin"], "l": margin},
                                     "meta": {"axes": axes}}}


def _tick(day: dt.date, period: Period, lang: str) -> str:
    loc = babel_locale(lang)
    if period == "month":
        return format_skeleton("yMMM", day, locale=loc)
    if period == "quarter":
        return babel_format_date(day, "QQQ yy", locale=loc)
    return format_day_month(day, lang)
