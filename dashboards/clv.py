"""The customer lifetime value page: headline figures, CLV against acquisition cost per channel
and campaign, cumulative revenue per acquisition cohort, and the fitted models.

Reads the four tables of ``assets/clv.py`` (see :mod:`kpi.clv.summary` and
:mod:`kpi.clv.models`): ``customer_clv`` (one row per pseudonymous customer), ``clv_model`` (the
BG/NBD and Gamma-Gamma parameters per segment, or why a model could not be fitted),
``clv_cohorts`` and ``clv_by_acquisition``. Customers are shown in aggregate only: no customer
key reaches the page. The sections are shaped by :mod:`dashboards.clv_acquisition` and
:mod:`dashboards.clv_segments`; ``templates/clv.html`` lays them out, autoescaped (channel and
campaign names are user input).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from babel.dates import format_skeleton
from babel.numbers import format_percent

from dashboards.clv_acquisition import MIN_CAMPAIGN_CUSTOMERS, acquisition_view
from dashboards.clv_segments import method_text, model_view
from dashboards.page import chart_layout, plotly_text, render_template, write_page
from dashboards.site import Header
from dashboards.view_table import Chart, Tile
from kpi.language.format import (
    as_day,
    as_number,
    axis_affixes,
    babel_locale,
    format_date,
    format_range,
    format_value,
    locale_for,
)
from kpi.language.translate import translator

__all__ = ["MIN_CAMPAIGN_CUSTOMERS", "margin_of", "render_clv", "write_clv"]

COHORT_LIGHT, COHORT_DARK = (147, 197, 253), (30, 58, 138)  # oldest cohort light, newest dark
COHORT_HEIGHT = 380

_t = translator("clv", "common")  # this page's texts first, then the shared ones


def _money(value: object, lang: str, currency: str) -> str:
    return format_value(value, "currency", lang, currency)


def _has(frame: pd.DataFrame, *columns: str) -> bool:
    return not frame.empty and all(c in frame.columns for c in columns)


def margin_of(model: pd.DataFrame) -> float | None:
    """The gross margin CLV was valued at when the configuration set one, else None (CLV is
    then on revenue). Without the ``gross_margin_set`` flag (an older table) only a margin
    below 100 % counts as set: a revenue CLV is never presented as a margin one."""
    if not _has(model, "gross_margin"):
        return None
    margin = as_number(model["gross_margin"].iloc[0])
    flag = model["gross_margin_set"].iloc[0] if "gross_margin_set" in model.columns else None
    set_ = bool(flag) if flag is not None and not pd.isna(flag) else (
        margin is not None and margin < 1)
    return margin if set_ else None


def _percent(value: float, lang: str) -> str:
    return format_percent(value, locale=babel_locale(lang))


def _basis(margin: float | None, lang: str) -> str:
    """'on revenue (no margin set)' or 'at 35 % gross margin', for headlines."""
    if margin is None:
        return _t("clv_basis_revenue", lang)
    return _t("clv_basis_margin", lang).format(margin=_percent(margin, lang))


def _tiles(customers: pd.DataFrame, margin: float | None, lang: str,
           currency: str) -> tuple[Tile, ...]:
    n = len(customers)
    clv = pd.to_numeric(customers["clv"], errors="coerce")
    future = (pd.to_numeric(customers["future_value"], errors="coerce")
              if "future_value" in customers.columns else pd.Series(dtype=float))
    alive = (pd.to_numeric(customers["p_alive"], errors="coerce")
             if "p_alive" in customers.columns else pd.Series(dtype=float))
    repeat = int((pd.to_numeric(customers["orders"], errors="coerce") > 1).sum())
    first = (as_day(pd.to_datetime(customers["acquired_on"]).min())
             if "acquired_on" in customers.columns else None)
    alive_mean = float(alive.mean()) if alive.notna().any() else None
    mean_label = (_t("clv_mean_revenue", lang) if margin is None
                  else _t("clv_mean_margin", lang).format(margin=_percent(margin, lang)))
    return (
        Tile(_t("clv_customers", lang), format_value(n, "count", lang),
             (_t("clv_customers_line", lang).format(day=format_date(first, lang)),)
             if first else ()),
        Tile(mean_label, _money(clv.mean(), lang, currency),
             (_t("clv_mean_line", lang).format(future=_money(future.mean(), lang, currency)),)
             if future.notna().any() else ()),
        Tile(_t("clv_alive", lang), format_value(alive_mean, "percent", lang),
             (_t("clv_alive_line", lang) if alive_mean is not None
              else _t("clv_alive_missing", lang),)),
        Tile(_t("clv_repeat", lang), format_value(repeat, "count", lang),
             (_t("clv_repeat_line", lang).format(
                 share=format_value(repeat / n if n else None, "percent", lang)),)),
    )


def _month(day: dt.date, lang: str) -> str:
    return format_skeleton("yMMM", day, locale=babel_locale(lang))


def _shade(i: int, n: int) -> str:
    w = i / (n - 1) if n > 1 else 1.0
    r, g, b = (round(lo + (hi - lo) * w) for lo, hi in zip(COHORT_LIGHT, COHORT_DARK,
                                                            strict=True))
    return f"rgb({r},{g},{b})"


def _cohort_figure(cohorts: pd.DataFrame, lang: str, currency: str) -> go.Figure | None:
    """Cumulative revenue per customer by months since acquisition, one line per cohort;
    the legend under the chart, so the lines keep the width on a phone."""
    if not _has(cohorts, "cohort", "months_since", "clv", "complete"):
        return None
    done = cohorts[cohorts["complete"].fillna(False).astype(bool)
                   & pd.to_numeric(cohorts["clv"], errors="coerce").notna()]
    if done.empty:
        return None
    done = done.assign(cohort=pd.to_datetime(done["cohort"]).dt.date).sort_values(
        ["cohort", "months_since"])
    groups = list(done.groupby("cohort", sort=True))
    traces = []
    for i, (cohort, rows) in enumerate(groups):
        months = [int(m) for m in rows["months_since"]]
        values = [float(v) for v in rows["clv"]]
        hover = [plotly_text(_t("clv_cohort_hover", lang).format(
            cohort=_month(cohort, lang), month=m, value=_money(v, lang, currency)))
            for m, v in zip(months, values, strict=True)]
        colour = _shade(i, len(groups))
        traces.append(go.Scatter(x=months, y=values, mode="lines+markers",
                                 name=plotly_text(_month(cohort, lang)),
                                 line={"color": colour, "width": 2},
                                 marker={"size": 4, "color": colour}, hovertext=hover,
                                 hoverinfo="text"))
    fig = go.Figure(traces)
    prefix, suffix = axis_affixes("currency", lang, currency)
    base = chart_layout_for_cohorts(lang)
    fig.update_layout(base, xaxis={**base["xaxis"], "title": {"text": plotly_text(
        _t("clv_months_since", lang)), "font": {"size": 11}}, "dtick": 1 if len(
        set(done["months_since"])) <= 13 else 3, "rangemode": "tozero"},
        yaxis={**base["yaxis"], "tickprefix": prefix, "ticksuffix": suffix,
               "separatethousands": True, "exponentformat": "none", "rangemode": "tozero",
               "nticks": 6})
    return fig


def chart_layout_for_cohorts(lang: str) -> dict[str, Any]:
    """The shared layout with a horizontal legend below the plot."""
    return chart_layout(lang, height=COHORT_HEIGHT, showlegend=True,
                        legend={"orientation": "h", "x": 0, "y": -0.22, "yanchor": "top",
                                "font": {"size": 11}},
                        margin={"l": 8, "r": 8, "t": 8, "b": 8})


def _since(customers: pd.DataFrame, by_acquisition: pd.DataFrame) -> dt.date | None:
    """The first acquisition day the page covers."""
    if "since" in by_acquisition.columns and by_acquisition["since"].notna().any():
        return as_day(pd.to_datetime(by_acquisition["since"]).min())
    if "acquired_on" in customers.columns and customers["acquired_on"].notna().any():
        return as_day(pd.to_datetime(customers["acquired_on"]).min())
    return None


def render_clv(customers: pd.DataFrame, model: pd.DataFrame, cohorts: pd.DataFrame,
               by_acquisition: pd.DataFrame, *, lang: str = "en", account: str = "",
               as_of: dt.date, currency: str = "EUR",
               campaign_names: Mapping[str, str] | None = None,
               header: Header | None = None) -> str:
    """The CLV page as one self-contained HTML string.

    The frames are the ``customer_clv``, ``clv_model``, ``clv_cohorts`` and
    ``clv_by_acquisition`` tables (money in ``currency``); ``campaign_names`` (campaign key ->
    name) labels the campaign table, which shows keys otherwise. Only aggregates are shown.
    The site header shows the acquisition window (first acquisition to ``as_of``).
    """
    locale_for(lang)  # fail early on an unsupported language
    figures: dict[str, go.Figure] = {}
    as_of_text = _t("clv_as_of", lang).format(day=format_date(as_of, lang))
    meta = [_t("clv_account", lang).format(account=account)] if account else []
    meta += [as_of_text, _t("currency_note", lang).format(currency=currency)]
    context: dict[str, Any] = {"meta": " · ".join(meta), "has_orders": False}
    since = None
    if _has(customers, "clv", "orders"):
        since = _since(customers, by_acquisition)
        margin = margin_of(model)
        cohort_fig = _cohort_figure(cohorts, lang, currency)
        if cohort_fig is not None:
            figures["cohorts"] = cohort_fig
        context.update(
            has_orders=True, tiles=_tiles(customers, margin, lang, currency),
            acquisition=acquisition_view(by_acquisition, customers, lang, currency,
                                         dict(campaign_names or {}), figures,
                                         _basis(margin, lang), margin is not None),
            cohorts=Chart("cohorts", COHORT_HEIGHT) if cohort_fig is not None else None,
            model=model_view(model, customers, lang, currency),
            method=method_text(model, since, margin, lang))
    if header is not None:
        period = (_t("clv_period", lang).format(period=format_range(since, as_of, lang))
                  if since is not None and since <= as_of else as_of_text)
        header = dataclasses.replace(header, period=period)
    title = f"{_t('clv_title', lang)}{' · ' + account if account else ''}"
    return render_template("clv.html", lang=lang, title=title, header=header, figures=figures,
                           texts=_t, **context)


def write_clv(path: str | Path, customers: pd.DataFrame, model: pd.DataFrame,
              cohorts: pd.DataFrame, by_acquisition: pd.DataFrame, **kw: Any) -> Path:
    """Render (keywords as :func:`render_clv`), then swap the file in atomically (a failure
    keeps the previous page)."""
    return write_page(path, render_clv(customers, model, cohorts, by_acquisition, **kw))
