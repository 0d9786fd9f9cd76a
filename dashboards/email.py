"""The e-mail page: the newsletters' sends, their engagement and what GA4 saw of them.

Reads the stored sends (``raw_email_campaigns``) and GA4's e-mail traffic per utm_campaign
(:mod:`kpi.email.reads`); the KPIs come from :mod:`kpi.email.kpis` (sums first, ratios after).
Open rates are shown with the caveat that Apple Mail Privacy Protection inflates them, beside the
open rate without machine opens where the tool reports it; click rate and click-to-open rate are
the KPIs to trust. Sends of the last :data:`PROVISIONAL_DAYS` days are marked provisional: their
reports still grow. ``templates/email.html`` lays the page out, autoescaped (titles and audience
names are user input).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboards.page import chart_layout, plotly_text, render_template, write_page
from dashboards.site import Header
from dashboards.view_table import Cell, Chart, Empty, Pill, Table, Tile, heads
from kpi.email.kpis import per_send, rollup
from kpi.language import LANGUAGES
from kpi.language.format import as_day, format_date, format_range, format_value, locale_for
from kpi.language.translate import translator

PROVISIONAL_DAYS = 7  # a send's opens and clicks still grow for about a week
CHART_HEIGHT = 320
LANGUAGE_COLOURS = dict(zip(LANGUAGES, ("#2563eb", "#0d9488", "#9333ea"), strict=True))  # nl fr en
_t = translator("email", "common")


def _pct(value: object, lang: str) -> str:
    return format_value(value, "percent", lang)


def _count(value: object, lang: str) -> str:
    return format_value(value, "count", lang)


def _language(code: object, lang: str) -> str:
    code = str(code) if code is not None and not pd.isna(code) else ""
    return _t(f"em_lang_{code}", lang) if code in LANGUAGE_COLOURS else (code or "–")


def _tiles(table: pd.DataFrame, lang: str, currency: str) -> tuple[Tile, ...]:
    whole = rollup(table.assign(month="all"), "month").iloc[0]  # every send together
    excl = whole["open_rate_excl_machine"]
    open_lines = ((_t("em_tile_open_excl", lang).format(rate=_pct(excl, lang)),)
                  if pd.notna(excl) else (_t("em_tile_open_no_excl", lang),))
    return (
        Tile(_t("em_click_rate", lang), _pct(whole["click_rate"], lang),
             (_t("em_tile_trusted", lang),), (Pill(_t("em_pill_trusted", lang), "good"),)),
        Tile(_t("em_click_to_open_rate", lang), _pct(whole["click_to_open_rate"], lang),
             (_t("em_tile_ctor_line", lang),), (Pill(_t("em_pill_trusted", lang), "good"),)),
        Tile(_t("em_open_rate", lang), _pct(whole["open_rate"], lang), open_lines,
             (Pill(_t("em_pill_inflated", lang), "warn"),)),
        Tile(_t("em_ga4_sessions_per_send", lang),
             _count(round(whole["ga4_sessions_per_send"]), lang),
             (_t("em_tile_ga4_line", lang).format(
                 conversions=_count(whole["ga4_conversions"], lang),
                 revenue=format_value(whole["ga4_revenue"], "currency", lang, currency)),)),
    )


def _monthly_figure(table: pd.DataFrame, lang: str) -> go.Figure:
    """Click rate (solid) and click-to-open rate (dotted) per month and language."""
    monthly = rollup(table, "month_language").sort_values("month")
    fig = go.Figure()
    for code, rows in monthly.groupby("language", sort=True):
        colour = LANGUAGE_COLOURS.get(str(code), "#6b7280")
        name = _language(code, lang)
        for kpi, dash in (("click_rate", "solid"), ("click_to_open_rate", "dot")):
            label = f"{name} – {_t('em_' + kpi, lang)}"
            fig.add_trace(go.Scatter(
                x=list(rows["month"]), y=[float(v) for v in rows[kpi]], mode="lines+markers",
                name=plotly_text(label), line={"color": colour, "dash": dash, "width": 2},
                hovertext=[plotly_text(f"{label} {m}: {_pct(v, lang)}")
                           for m, v in zip(rows["month"], rows[kpi], strict=True)],
                hoverinfo="text"))
    base = chart_layout(lang, height=CHART_HEIGHT, showlegend=True,
                        legend={"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"})
    fig.update_layout(base, yaxis={**base["yaxis"], "tickformat": ".0%", "rangemode": "tozero"},
                      xaxis={**base["xaxis"], "type": "category"})
    return fig


def _clicks_figure(table: pd.DataFrame, lang: str) -> go.Figure:
    """Per send: unique clicks (Mailchimp) beside GA4's sessions for its utm_campaign."""
    rows = table.sort_values("send_time")
    labels = [plotly_text(f"{d} {str(c).upper()}") for d, c in
              zip(rows["send_date"], rows["language"].fillna("?"), strict=True)]
    fig = go.Figure([
        go.Bar(x=labels, y=[float(v) for v in rows["unique_clicks"]],
               name=plotly_text(_t("em_unique_clicks", lang)), marker={"color": "#2563eb"}),
        go.Bar(x=labels, y=[float(v) for v in rows["ga4_sessions"]],
               name=plotly_text(_t("em_ga4_sessions", lang)), marker={"color": "#0d9488"}),
    ])
    # The legend above the bars: below them, a phone's rotated send labels would run into it.
    base = chart_layout(lang, height=CHART_HEIGHT, showlegend=True, barmode="group",
                        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"})
    fig.update_layout(base, xaxis={**base["xaxis"], "type": "category"},
                      yaxis={**base["yaxis"], "separatethousands": True, "rangemode": "tozero"})
    return fig


def sends_table(table: pd.DataFrame, lang: str, currency: str, as_of: dt.date,
                name: str = "email-sends") -> Table:
    """The sends, newest first: counts, rates and GA4's figures; recent ones provisional."""
    rows = []
    for r in table.sort_values("send_time", ascending=False).itertuples():
        day = as_day(r.send_date)
        pills = ((Pill(_t("em_provisional", lang), "warn"),)
                 if day is not None and (as_of - day).days < PROVISIONAL_DAYS else ())
        excl = (_t("em_excl_machine_sub", lang).format(rate=_pct(r.open_rate_excl_machine, lang))
                if pd.notna(r.open_rate_excl_machine) else _t("em_no_excl_sub", lang))
        rows.append((
            Cell.label(format_date(day, lang) if day else "–", subs=(str(r.title or ""),),
                       left=True),
            Cell.label(_language(r.language, lang)),
            Cell.number(_count(r.deliveries, lang), r.deliveries,
                        subs=(_t("em_sent_sub", lang).format(sent=_count(r.emails_sent, lang)),)),
            Cell.number(_pct(r.open_rate, lang), r.open_rate, subs=(excl,)),
            Cell.number(_pct(r.click_rate, lang), r.click_rate, pills=pills),
            Cell.number(_pct(r.click_to_open_rate, lang), r.click_to_open_rate),
            Cell.number(_pct(r.bounce_rate, lang), r.bounce_rate),
            Cell.number(_pct(r.unsubscribe_rate, lang), r.unsubscribe_rate),
            Cell.number(_count(r.ga4_sessions, lang), r.ga4_sessions),
            Cell.number(_count(r.ga4_conversions, lang), r.ga4_conversions),
            Cell.number(format_value(r.ga4_revenue, "currency", lang, currency), r.ga4_revenue),
        ))
    keys = ["em_col_send", "em_col_language", "em_col_delivered", "em_open_rate",
            "em_click_rate", "em_click_to_open_rate", "em_bounce_rate", "em_unsubscribe_rate",
            "em_ga4_sessions", "em_ga4_conversions", "em_ga4_revenue"]
    return Table(name, heads([_t(k, lang) for k in keys], left=2), tuple(rows))


def language_table(table: pd.DataFrame, lang: str, currency: str) -> Table:
    """Per language, all sends together: the KPIs from the sums."""
    rows = tuple((
        Cell.label(_language(r.language, lang)),
        Cell.number(_count(r.sends, lang), r.sends),
        Cell.number(_pct(r.open_rate, lang), r.open_rate),
        Cell.number(_pct(r.open_rate_excl_machine, lang), r.open_rate_excl_machine),
        Cell.number(_pct(r.click_rate, lang), r.click_rate),
        Cell.number(_pct(r.click_to_open_rate, lang), r.click_to_open_rate),
        Cell.number(_pct(r.unsubscribe_rate, lang), r.unsubscribe_rate),
        Cell.number(_count(round(r.ga4_sessions_per_send), lang), r.ga4_sessions_per_send),
        Cell.number(format_value(r.ga4_revenue_per_send, "currency", lang, currency),
                    r.ga4_revenue_per_send),
    ) for r in rollup(table, "language").itertuples())
    keys = ["em_col_language", "em_col_sends", "em_open_rate", "em_open_rate_excl_machine",
            "em_click_rate", "em_click_to_open_rate", "em_unsubscribe_rate",
            "em_ga4_sessions_per_send", "em_ga4_revenue_per_send"]
    return Table("email-languages", heads([_t(k, lang) for k in keys]), rows)


def render_email(sends: pd.DataFrame, ga4: pd.DataFrame, *, lang: str = "en",
                 account: str = "", as_of: dt.date, currency: str = "EUR",
                 connected: bool = True, header: Header | None = None) -> str:
    """The e-mail page as one HTML string. ``sends``: the ``raw_email_campaigns`` rows;
    ``ga4``: GA4's e-mail traffic per utm_campaign (:func:`kpi.email.reads.ga4_email`);
    ``connected``: whether an e-mail tool is configured (the empty page says what to do)."""
    locale_for(lang)
    meta = [_t("em_account", lang).format(account=account)] if account else []
    meta.append(_t("em_as_of", lang).format(day=format_date(as_of, lang)))
    context: dict[str, Any] = {"meta": " · ".join(meta), "empty": None}
    figures: dict[str, go.Figure] = {}
    since = None
    if sends.empty:
        context["empty"] = (Empty(_t("em_no_sends", lang), _t("em_no_sends_hint", lang))
                            if connected else
                            Empty(_t("em_not_connected", lang), _t("em_not_connected_hint", lang)))
    else:
        table = per_send(sends, ga4)
        since = as_day(min(table["send_date"]))
        figures = {"email-monthly": _monthly_figure(table, lang),
                   "email-clicks": _clicks_figure(table, lang)}
        context.update(
            tiles=_tiles(table, lang, currency),
            monthly=Chart("email-monthly", CHART_HEIGHT),
            clicks=Chart("email-clicks", CHART_HEIGHT),
            sends=sends_table(table, lang, currency, as_of),
            by_language=language_table(table, lang, currency),
            machine_missing=bool(table["null_reason"].notna().any()))
    if header is not None:
        period = (format_range(since, as_of, lang) if since is not None and since <= as_of
                  else format_date(as_of, lang))
        header = dataclasses.replace(header, period=period)
    title = f"{_t('em_title', lang)}{' · ' + account if account else ''}"
    return render_template("email.html", lang=lang, title=title, header=header,
                           figures=figures, texts=_t, **context)


def write_email(path: str | Path, sends: pd.DataFrame, ga4: pd.DataFrame, **kw: Any) -> Path:
    """Render (keywords as :func:`render_email`), then swap the file in atomically."""
    return write_page(path, render_email(sends, ga4, **kw))
