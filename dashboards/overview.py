"""The analyst overview: KPI tiles for the latest complete ISO week, weekly trends, channels.

Reads the long ``kpi_values`` table (one row per period × dimension × metric) and renders one
self-contained HTML page in Dutch, French or English. Labels, units and directions come from
``kpi.registry``; user strings (channel names) are escaped for HTML and for Plotly labels.

CPA, CPL and ROAS are paid efficiency (paid cost over paid conversions), judged against their
targets; each tile also shows its blended twin (every conversion, organic included), labelled
as such. A channel without paid conversions has no CPA: "–", never "0,00 €".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboards.formatting import (
    as_number,
    axis_affixes,
    format_change,
    format_datetime,
    format_day_month,
    format_value,
    format_week,
    format_week_label,
    locale_for,
)
from dashboards.i18n import t
from dashboards.maturity import completeness_note, estimate, judged_values
from dashboards.page import (
    ACCENT,
    GRID,
    MUTED,
    TEAL,
    Figure,
    chart_layout,
    esc,
    label_margin,
    plot_div,
    render_page,
    write_page,
)
from dashboards.site import Header
from kpi.registry import BLENDED, KPIS, MEASURES, Kpi, Measure

TILE_METRICS = ("cost", "conversions", "revenue", "cpa", "cpl", "roas", "conversion_rate", "ctr",
                "cpc", "cpm", "aov", "engagement_rate")
TREND_KPIS = ("cpa", "cpl", "roas", "conversion_rate", "ctr", "cpc", "cpm", "aov",
              "engagement_rate")
TABLE_METRICS = ("cost", "conversions", "revenue", "cpa", "roas", "conversion_rate", "ctr")
REQUIRED_COLUMNS = ("grain", "level", "period_start", "period_end", "complete", "channel",
                    "metric", "value", "previous_value", "change", "target", "vs_target",
                    "on_target", "provisional", "currency")
MAX_NAME = 28  # characters of a channel name shown on an axis (hover shows it all)


def _definition(metric: str) -> Kpi | Measure:
    return KPIS[metric] if metric in KPIS else MEASURES[metric]


def _weekly(values: pd.DataFrame) -> pd.DataFrame:
    """Week rows with ``period_start``/``period_end`` as dates; ValueError on missing columns."""
    if values.empty:
        return pd.DataFrame(columns=list(REQUIRED_COLUMNS))
    missing = [c for c in REQUIRED_COLUMNS if c not in values.columns]
    if missing:
        raise ValueError(f"kpi_values is missing column(s) {missing}")
    weeks = values[values["grain"] == "week"].copy()
    for col in ("period_start", "period_end"):
        weeks[col] = pd.to_datetime(weeks[col]).dt.date
    return weeks


def _currency(weeks: pd.DataFrame) -> str:
    found = sorted({str(c) for c in weeks["currency"].dropna().unique()})
    if len(found) > 1:
        raise ValueError(f"kpi_values mixes currencies {found}; convert to one reporting currency")
    return found[0] if found else "EUR"


def _is_true(flag: object) -> bool:
    """A nullable flag as a plain bool (None / NA count as False)."""
    return False if flag is None or pd.isna(flag) else bool(flag)


def latest_complete_week(values: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    """(start, end) of the latest complete week at total level, or None when there is none."""
    weeks = _weekly(values)
    done = weeks[(weeks["level"] == "total") & weeks["complete"].map(_is_true)]
    if done.empty:
        return None
    row = done.sort_values("period_start").iloc[-1]
    return row["period_start"], row["period_end"]


def _pill(change: float | None, good: bool | None, lang: str, hint: str) -> str:
    """A coloured change pill; colour from ``good`` (None = neutral), arrow from the sign."""
    cls = "flat" if good is None else ("good" if good else "bad")
    if good is not None:
        hint += " · " + t("better" if good else "worse", lang)
    text = format_change(change, lang)
    arrow = "" if change is None or text == format_change(0, lang) else "▲ " if change > 0 else "▼ "
    return f'<span class="pill {cls}" title="{esc(hint)}">{arrow}{esc(text)}</span>'


def _blended_line(metric: str, blended: pd.Series | None, lang: str, currency: str) -> str:
    """The blended twin of a judged KPI, small and labelled (empty for other metrics)."""
    if metric not in BLENDED:
        return ""
    twin = KPIS[BLENDED[metric]]
    value = as_number(blended["value"]) if blended is not None else None
    return (f'<div class="line blended" title="{esc(twin.description(lang))}">'
            f'{esc(twin.label(lang))}: {esc(format_value(value, twin.unit, lang, currency))}'
            "</div>")


def _tile(metric: str, row: pd.Series | None, lang: str, currency: str, badge: bool,
          blended: pd.Series | None = None) -> str:
    """One tile: value, change vs the previous week (coloured by direction), target, and for a
    judged paid KPI its blended twin (``blended``: that KPI's row)."""
    d = _definition(metric)
    value = as_number(row["value"]) if row is not None else None
    flag = (f'<span class="badge">{esc(t("provisional", lang))}</span>'
            if badge and row is not None and _is_true(row["provisional"]) else "")
    lines = [esc(t("no_data", lang))]
    if value is not None and row is not None:
        change, previous = as_number(row["change"]), as_number(row["previous_value"])
        good = None
        if d.direction is not None and previous is not None and value != previous:
            good = d.is_better(value, previous)
        lines = [esc(t("no_previous", lang)) if change is None else
                 _pill(change, good, lang, t("vs_previous_week", lang))]
        target, vs = as_number(row["target"]), as_number(row["vs_target"])
        if target is not None:
            on = None if pd.isna(row["on_target"]) else bool(row["on_target"])
            pill = "" if vs is None else _pill(vs, on, lang, t("vs_target", lang))
            lines.append(f'{esc(t("target", lang))} '
                         f'{esc(format_value(target, d.unit, lang, currency))} {pill}')
    shown = format_value(value, d.unit, lang, currency)
    low, high = (as_number(row.get(c)) if row is not None else None for c in ("low", "high"))
    if value is not None and low is not None and high is not None:  # still filling: nowcast
        shown = "≈ " + estimate(value, d.unit, lang, currency)
        lines.insert(0, esc(f"{estimate(low, d.unit, lang, currency)} – "
                            f"{estimate(high, d.unit, lang, currency)}"))
    body = "".join(f'<div class="line">{line}</div>' for line in lines)
    body += _blended_line(metric, blended, lang, currency)
    return (f'<div class="card tile"><div class="label" title="{esc(d.description(lang))}">'
            f'{esc(d.label(lang))}{flag}</div><div class="value">'
            f'{esc(shown)}</div>{body}</div>')


def _trend_figure(rows: pd.DataFrame, kpi: Kpi, lang: str, currency: str
                  ) -> dict[str, Any] | None:
    """Weekly line of one KPI: solid when final, dotted over provisional or incomplete weeks;
    a plain Plotly spec (:func:`dashboards.page.figure_json`)."""
    rows = rows.sort_values("period_start")
    values = [as_number(v) for v in rows["value"]]
    if all(v is None for v in values):
        return None
    scale = 100.0 if kpi.unit == "percent" else 1.0  # axis ticks read like the tiles: 3,4 %
    x, n = [d.isoformat() for d in rows["period_start"]], len(values)
    prov = [_is_true(p) for p in rows["provisional"]]
    flagged = [p or not _is_true(c) for p, c in zip(prov, rows["complete"], strict=True)]
    near = [any(flagged[max(0, i - 1): i + 2]) for i in range(n)]
    custom = [[esc(format_week(s, e, lang)), esc(format_value(v, kpi.unit, lang, currency)),
               esc(t("provisional" if p else "incomplete", lang)) if f else ""]
              for s, e, v, p, f in zip(rows["period_start"], rows["period_end"], values, prov,
                                       flagged, strict=True)]
    y = [None if v is None else v * scale for v in values]
    hover = "%{customdata[0]}<br><b>%{customdata[1]}</b> %{customdata[2]}<extra></extra>"
    targets = [as_number(v) for v in rows["target"]]
    data: list[dict[str, Any]] = []
    if any(v is not None for v in targets):
        data.append({"type": "scatter", "x": x,
                     "y": [None if v is None else v * scale for v in targets], "mode": "lines",
                     "line": {"color": MUTED, "dash": "dash", "width": 1.5},
                     "name": esc(t("legend_target", lang)), "hoverinfo": "skip"})
    data.append({"type": "scatter", "x": x, "y": [v if near[i] else None for i, v in enumerate(y)],
                 "mode": "lines+markers", "line": {"color": ACCENT, "dash": "dot", "width": 2},
                 "marker": {"size": 7, "color": "#fff", "line": {"color": ACCENT, "width": 2},
                            "opacity": [1 if f else 0 for f in flagged]},
                 "customdata": custom, "hovertemplate": hover,
                 "hoverinfo": ["all" if f else "skip" for f in flagged],
                 "name": esc(t("legend_provisional", lang))})
    data.append({"type": "scatter", "x": x,
                 "y": [None if f else v for v, f in zip(y, flagged, strict=True)],
                 "mode": "lines+markers", "line": {"color": ACCENT, "width": 2.25},
                 "marker": {"size": 5, "color": ACCENT}, "customdata": custom,
                 "hovertemplate": hover, "name": esc(t("legend_actual", lang))})
    prefix, suffix = axis_affixes(kpi.unit, lang, currency)
    ticks = list(rows["period_start"])[::-1][:: max(1, -(-n // 6))]  # ≤ 6, the latest included
    base = chart_layout(lang, margin={"b": 28, "r": 12, "t": 8, "l": label_margin(
        values, targets, unit=kpi.unit, lang=lang, currency=currency)})
    layout = {**base, "xaxis": {**base["xaxis"], "type": "date", "automargin": False,
                                "tickvals": [d.isoformat() for d in ticks],
                                "ticktext": [esc(format_day_month(d, lang)) for d in ticks]},
              "yaxis": {**base["yaxis"], "tickprefix": prefix, "ticksuffix": suffix,
                        "separatethousands": True, "exponentformat": "none", "nticks": 5,
                        "automargin": False}}
    return {"data": data, "layout": layout}


def _channel_figure(table: pd.DataFrame, lang: str, currency: str) -> go.Figure | None:
    """Horizontal bars of cost and conversions per channel, side by side."""
    metrics = [m for m in ("cost", "conversions") if table[m].map(as_number).notna().any()]
    if table.empty or not metrics:
        return None
    full = [str(c) for c in table.index][::-1]  # plotly draws the first category at the bottom
    names = [esc(c) for c in full]
    short = [esc(c if len(c) <= MAX_NAME else c[: MAX_NAME - 1] + "…") for c in full]
    fig = make_subplots(rows=1, cols=len(metrics), shared_yaxes=True, horizontal_spacing=0.06,
                        subplot_titles=[esc(MEASURES[m].label(lang)) for m in metrics])
    for col, (metric, color) in enumerate(zip(metrics, (ACCENT, TEAL), strict=False), start=1):
        unit = MEASURES[metric].unit
        vals = [as_number(v) for v in table[metric]][::-1]
        shown = [esc(format_value(v, unit, lang, currency)) for v in vals]
        fig.add_bar(row=1, col=col, orientation="h", y=names, x=vals, marker={"color": color},
                    text=shown, textposition="auto", name=esc(MEASURES[metric].label(lang)),
                    customdata=[[n, v] for n, v in zip(names, shown, strict=True)],
                    hovertemplate="%{customdata[0]}<br><b>%{customdata[1]}</b><extra></extra>")
        prefix, suffix = axis_affixes(unit, lang, currency)
        fig.update_xaxes(row=1, col=col, tickprefix=prefix, ticksuffix=suffix, nticks=5)
    base = chart_layout(lang, margin={"l": 8, "r": 16, "t": 28, "b": 8}, bargap=0.35)
    fig.update_layout({k: v for k, v in base.items() if k not in ("xaxis", "yaxis")})
    fig.update_xaxes(base["xaxis"], showgrid=True, gridcolor=GRID, separatethousands=True,
                     exponentformat="none")
    fig.update_yaxes(base["yaxis"], tickvals=names, ticktext=short, tickfont={"size": 12})
    for i, ann in enumerate(fig.layout.annotations):  # subplot titles flush left
        ann.update(x=fig.layout[f"xaxis{i + 1 if i else ''}"].domain[0], xanchor="left",
                   font={"size": 12.5, "color": MUTED})
    return fig


def _table_html(table: pd.DataFrame, totals: dict[str, Any], lang: str, currency: str) -> str:
    """Channel × main KPIs as an HTML table, with the total row in the footer."""
    def cells(values: dict[str, Any]) -> str:
        return "".join(f"<td>{esc(format_value(values.get(m), unit, lang, currency))}</td>"
                       for m, unit in units)
    units = [(m, _definition(m).unit) for m in TABLE_METRICS]
    head = "".join(f"<th>{esc(_definition(m).label(lang))}</th>" for m in TABLE_METRICS)
    body = "".join(f"<tr><td>{esc(name)}</td>{cells(row.to_dict())}</tr>"
                   for name, row in table.iterrows())
    return (f'<div class="table-wrap"><table><thead><tr><th>{esc(t("channel", lang))}</th>{head}'
            f"</tr></thead><tbody>{body}</tbody><tfoot><tr><td>{esc(t('total', lang))}</td>"
            f"{cells(totals)}</tr></tfoot></table></div>")


def _empty(lang: str, hint: bool = False) -> str:
    extra = f"<span>{esc(t('no_data_hint', lang))}</span>" if hint else ""
    return f'<div class="empty"><strong>{esc(t("no_data", lang))}</strong>{extra}</div>'


def _trends(totals: pd.DataFrame, lang: str, currency: str, figures: dict[str, Figure]) -> str:
    """The trend section: a legend, then one card per KPI (a chart or a no-data state)."""
    keys = (("", "legend_actual"), (" prov", "legend_provisional"), (" target", "legend_target"))
    cards = [f'<h2>{esc(t("trends", lang))}</h2><div class="legend">'
             + "".join(f'<span><i class="key{c}"></i>{esc(t(k, lang))}</span>' for c, k in keys)
             + '</div><div class="grid charts">']
    for kpi in (KPIS[k] for k in TREND_KPIS):
        fig = _trend_figure(totals[totals["metric"] == kpi.id], kpi, lang, currency)
        if fig is not None:
            figures[f"trend-{kpi.id}"] = fig
        chart = _empty(lang) if fig is None else plot_div(f"trend-{kpi.id}")
        cards.append(f'<div class="card chart"><h3>{esc(kpi.label(lang))}</h3>'
                     f'<p class="desc">{esc(kpi.description(lang))}</p>{chart}</div>')
    return "".join(cards) + "</div>"


def _channels(weeks: pd.DataFrame, current: pd.DataFrame, week: tuple[dt.date, dt.date],
              lang: str, currency: str, figures: dict[str, Figure]) -> str:
    """The channel section for one week: bars of cost and conversions, then the table."""
    rows = weeks[(weeks["level"] == "channel") & (weeks["period_start"] == week[0])]
    table = rows.pivot_table(index="channel", columns="metric", values="value", aggfunc="first")
    table = table.reindex(columns=sorted(set(TABLE_METRICS) | set(table.columns)))
    table = table.sort_values("cost", ascending=False, na_position="last")  # biggest first
    fig = _channel_figure(table, lang, currency)
    title = f"{t('channels', lang)} · {format_week_label(week[0], lang)}"
    if fig is None:
        return f'<h2>{esc(title)}</h2><div class="card">{_empty(lang)}</div>'
    figures["channels"] = fig
    totals = dict(zip(current["metric"], current["value"], strict=True))
    return (f'<h2>{esc(title)}</h2><div class="grid">'
            f'<div class="card">{plot_div("channels", height=70 + 42 * len(table))}</div>'
            f'<div class="card">{_table_html(table, totals, lang, currency)}</div></div>')


def render_overview(values: pd.DataFrame, *, lang: str = "en", account: str = "",
                    generated_at: dt.datetime | None = None,
                    nowcast: pd.DataFrame | None = None, compare: str = "nowcast",
                    header: Header | None = None) -> str:
    """The overview page as one self-contained HTML string (see the module docstring).
    ``nowcast`` (kpi_nowcast): the newest weeks shown as expected once their conversions are
    in (``compare``: see :mod:`kpi.maturity`), with how complete they are."""
    locale_for(lang)  # fail early on an unsupported language
    weeks = _weekly(judged_values(values, nowcast, compare))
    currency = _currency(weeks)
    week = latest_complete_week(weeks)
    totals = weeks[weeks["level"] == "total"]
    figures: dict[str, Figure] = {}
    meta = [f"{esc(t('account', lang))}: {esc(account)}"] if account else []
    meta.append(esc(t("currency_note", lang).format(currency=currency)))
    parts = [f'<header class="page"><div><h1>{esc(t("title", lang))}</h1>'
             f'<div class="meta">{" · ".join(meta)}</div></div>']
    current = totals.iloc[:0]
    if week is None:
        parts.append(f'</header><h2>{esc(t("key_figures", lang))}</h2>'
                     f'<div class="card">{_empty(lang, hint=True)}</div>')
    else:
        current = totals[totals["period_start"] == week[0]].drop_duplicates("metric")
        flags = current["provisional"].map(_is_true)
        badge = f'<span class="badge">{esc(t("provisional", lang))}</span>' if flags.any() else ""
        rows = {r["metric"]: r for _, r in current.iterrows()}
        tiles = "".join(_tile(m, rows.get(m), lang, currency, badge=not flags.all(),
                              blended=rows.get(BLENDED.get(m, "")))
                        for m in TILE_METRICS)
        parts.append(f'<div><div class="period">{esc(format_week(*week, lang))}{badge}</div>'
                     f'<div class="meta">{esc(t("vs_previous_week", lang))}</div></div></header>'
                     f'{completeness_note(nowcast, lang, compare)}'
                     f'<h2>{esc(t("key_figures", lang))}</h2><div class="grid tiles">{tiles}</div>')
    if not totals.empty:
        parts.append(_trends(totals, lang, currency, figures))
    if week is not None:
        parts.append(_channels(weeks, current, week, lang, currency, figures))
    foot = [t("paid_note", lang), t("provisional_note", lang), t("offline_note", lang)]
    if generated_at is not None:
        foot.insert(0, t("generated", lang).format(when=format_datetime(generated_at, lang)))
    parts.append("<footer>" + "".join(f"<span>{esc(f)}</span>" for f in foot) + "</footer>")
    title = f"{t('title', lang)}{' · ' + account if account else ''}"
    return render_page(lang=lang, header=header, title=title,
                       body="\n".join(parts), figures=figures)


def write_overview(path: str | Path, values: pd.DataFrame, **kw: Any) -> Path:
    """Render (keywords as :func:`render_overview`), then swap the UTF-8 file in atomically:
    a failure leaves the previous page in place."""
    return write_page(path, render_overview(values, **kw))
