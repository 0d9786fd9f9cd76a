"""The overview's figures: a weekly line per KPI (shared by every period) and the channels'
cost and conversions as bars, one pair of traces per period (the switch shows one).

Text in a figure is escaped for Plotly, which draws a subset of HTML in its labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboards.overview_model import ChannelTable, is_true
from dashboards.page import ACCENT, MUTED, TEAL, chart_layout, label_margin, plotly_text
from dashboards.trend_traces import trend_traces
from kpi.language.format import (
    as_number,
    axis_affixes,
    format_day_month,
    format_value,
    format_week,
)
from kpi.language.translate import translator
from kpi.registry import MEASURES, Kpi

t = translator("common")

MAX_TICKS = 4  # date ticks: upright and apart on a 390 px phone too
MAX_NAME = 28  # characters of a channel name shown on an axis (hover shows it all)
BAR_METRICS = ("cost", "conversions")


def trend_figure(rows: pd.DataFrame, kpi: Kpi, lang: str, currency: str
                 ) -> dict[str, Any] | None:
    """Weekly line of one KPI: solid when final, dotted over provisional or incomplete weeks;
    a plain Plotly spec (:func:`dashboards.page.figure_json`)."""
    rows = rows.sort_values("period_start")
    values = [as_number(v) for v in rows["value"]]
    if all(v is None for v in values):
        return None
    scale = 100.0 if kpi.unit == "percent" else 1.0  # axis ticks read like the tiles: 3,4 %
    x, n = [d.isoformat() for d in rows["period_start"]], len(values)
    prov = [is_true(p) for p in rows["provisional"]]
    flagged = [p or not is_true(c) for p, c in zip(prov, rows["complete"], strict=True)]
    custom = [[plotly_text(format_week(s, e, lang)),
               plotly_text(format_value(v, kpi.unit, lang, currency)),
               plotly_text(t("provisional" if p else "incomplete", lang)) if f else ""]
              for s, e, v, p, f in zip(rows["period_start"], rows["period_end"], values, prov,
                                       flagged, strict=True)]
    y = [None if v is None else v * scale for v in values]
    hover = "%{customdata[0]}<br><b>%{customdata[1]}</b> %{customdata[2]}<extra></extra>"
    targets = [as_number(v) for v in rows["target"]]
    data = trend_traces(x, y, [None if v is None else v * scale for v in targets], flagged,
                        custom, hover, lang, size=5, width=2.25)
    prefix, suffix = axis_affixes(kpi.unit, lang, currency)
    ticks = list(rows["period_start"])[::-1][:: max(1, -(-n // MAX_TICKS))]  # the latest too
    base = chart_layout(lang, margin={"b": 28, "r": 28, "t": 8, "l": label_margin(
        values, targets, unit=kpi.unit, lang=lang, currency=currency)})
    layout = {**base, "xaxis": {**base["xaxis"], "type": "date", "automargin": False,
                                "tickangle": 0,
                                "tickvals": [d.isoformat() for d in ticks],
                                "ticktext": [plotly_text(format_day_month(d, lang))
                                             for d in ticks]},
              "yaxis": {**base["yaxis"], "tickprefix": prefix, "ticksuffix": suffix,
                        "separatethousands": True, "exponentformat": "none", "nticks": 5,
                        "rangemode": "tozero" if kpi.unit != "multiple" else "normal",
                        "automargin": False, **flat_range(y)}}
    return {"data": data, "layout": layout}


def flat_range(y: Sequence[float | None]) -> dict[str, Any]:
    """An explicit y range for a flat line (a constant CPC): Plotly would zoom into rounding
    noise and label ticks "0,799999999999999822 €"; empty otherwise."""
    shown = [v for v in y if v is not None]
    if not shown or max(shown) - min(shown) > 1e-9 * max(abs(v) for v in shown):
        return {}
    top = max(abs(v) for v in shown) or 1.0
    return {"range": [0, top * 1.25] if min(shown) >= 0 else [-top * 1.25, top * 1.25]}


def channel_figure(tables: Sequence[ChannelTable], lang: str, currency: str
                   ) -> go.Figure | None:
    """Horizontal bars of cost and conversions per channel, side by side: two traces per
    period (``meta.period``), only the first period's visible (the page's switch shows the
    chosen one). Channels in the first period's order, biggest cost on top."""
    if not tables:
        return None
    first = tables[0].sums
    metrics = [m for m in BAR_METRICS
               if any(t_.sums[m].map(as_number).notna().any() for t_ in tables)]
    if not metrics:
        return None
    order = [str(c) for c in first.index]
    order += [str(c) for t_ in tables[1:] for c in t_.sums.index if str(c) not in order]
    full = order[::-1]  # plotly draws the first category at the bottom
    names = [plotly_text(c) for c in full]
    short = [plotly_text(c if len(c) <= MAX_NAME else c[: MAX_NAME - 1] + "…") for c in full]
    fig = make_subplots(rows=1, cols=len(metrics), shared_yaxes=True, horizontal_spacing=0.08,
                        subplot_titles=[plotly_text(MEASURES[m].label(lang)) for m in metrics])
    for i, table in enumerate(tables):
        sums = table.sums.reindex(full)
        for col, (metric, color) in enumerate(zip(metrics, (ACCENT, TEAL), strict=False),
                                              start=1):
            unit = MEASURES[metric].unit
            vals = [as_number(v) for v in sums[metric]]
            shown = [plotly_text(format_value(v, unit, lang, currency)) for v in vals]
            fig.add_bar(row=1, col=col, orientation="h", y=names, x=vals,
                        marker={"color": color}, text=shown, textposition="inside",
                        insidetextanchor="end", constraintext="inside", cliponaxis=False,
                        name=plotly_text(MEASURES[metric].label(lang)),
                        visible=i == 0, meta={"period": table.period},
                        customdata=[[n, v] for n, v in zip(names, shown, strict=True)],
                        hovertemplate="%{customdata[0]}<br><b>%{customdata[1]}</b>"
                                      "<extra></extra>")
    base = chart_layout(lang, margin={"l": 8, "r": 8, "t": 28, "b": 8}, bargap=0.35,
                        uniformtext={"minsize": 9, "mode": "hide"})
    fig.update_layout({k: v for k, v in base.items() if k not in ("xaxis", "yaxis")})
    # No x ticks: each bar carries its value (a phone has no room for a scale beside it).
    fig.update_xaxes(base["xaxis"], showgrid=False, showticklabels=False, rangemode="tozero",
                     separatethousands=True, exponentformat="none")
    fig.update_yaxes(base["yaxis"], tickvals=names, ticktext=short, tickfont={"size": 12})
    for i, ann in enumerate(fig.layout.annotations):  # subplot titles flush left
        ann.update(x=fig.layout[f"xaxis{i + 1 if i else ''}"].domain[0], xanchor="left",
                   font={"size": 12.5, "color": MUTED})
    return fig
