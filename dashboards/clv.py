"""The customer lifetime value page: headline figures, CLV against acquisition cost per channel
and campaign, cumulative revenue per acquisition cohort, and the fitted models.

Reads the four tables of ``assets/clv.py`` (see :mod:`kpi.clv.summary` and
:mod:`kpi.clv.models`): ``customer_clv`` (one row per pseudonymous customer), ``clv_model`` (the
BG/NBD and Gamma-Gamma parameters per segment, or why a model could not be fitted),
``clv_cohorts`` and ``clv_by_acquisition``. Customers are shown in aggregate only: no customer
key reaches the page. Channel and campaign names are user input: escaped for HTML and Plotly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent

from dashboards.formatting import (
    MISSING,
    as_day,
    as_number,
    axis_affixes,
    babel_locale,
    format_date,
    format_value,
    locale_for,
)
from dashboards.i18n import translator
from dashboards.page import ACCENT, GRID, chart_layout, esc, plot_div, render_page, write_page
from dashboards.site import Header
from dashboards.texts_clv import TEXTS

MIN_CAMPAIGN_CUSTOMERS = 20  # campaigns with fewer customers are too small to compare
MAX_LABEL = 32  # characters of a channel name on the chart axis (hover shows it all)
WEEKS_PER_MONTH = 52 / 12
UNASSIGNED = "(unassigned)"  # kpi.clv.summary.clv_by_group's label for customers without group
COHORT_LIGHT, COHORT_DARK = (147, 197, 253), (30, 58, 138)  # oldest cohort light, newest dark
PARAMETERS = ("r", "alpha", "a", "b", "p", "q", "v")
PARAMETER_LABELS = {"r": "r", "alpha": "α", "a": "a", "b": "b", "p": "p", "q": "q", "v": "ν"}



_t = translator(TEXTS)  # this page's texts first, then the shared ones


# --- small helpers -----------------------------------------------------------------------------

def _money(value: object, lang: str, currency: str) -> str:
    return format_value(value, "currency", lang, currency)


def _count(value: object, lang: str) -> str:
    return format_value(value, "count", lang)


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _empty(title: str, hint: str = "") -> str:
    extra = f"<span>{esc(hint)}</span>" if hint else ""
    return f'<div class="empty"><strong>{esc(title)}</strong>{extra}</div>'


def _table(heads: list[str], rows: list[list[str]], left: int = 1) -> str:
    """An HTML table; ``heads`` are plain text, cells already-escaped HTML; the first
    ``left`` columns are text (left-aligned), the others numbers."""
    def align(i: int) -> str:
        return ' style="text-align:left"' if 0 < i < left else ""

    head = "".join(f"<th{align(i)}>{esc(h)}</th>" for i, h in enumerate(heads))
    body = "".join("<tr>" + "".join(f"<td{align(i)}>{c}</td>" for i, c in enumerate(row))
                   + "</tr>" for row in rows)
    return (f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _tile(label: str, value: str, line: str) -> str:
    return (f'<div class="card tile"><div class="label">{esc(label)}</div>'
            f'<div class="value">{esc(value)}</div><div class="line">{esc(line)}</div></div>')


def _group_name(group: object, lang: str) -> str:
    return _t("clv_unassigned", lang) if group == UNASSIGNED else str(group)


def _segment_name(segment: object, lang: str) -> str:
    key = f"clv_segment_{segment}"
    return _t(key, lang) if key in TEXTS else str(segment)


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


def _basis(margin: float | None, lang: str) -> str:
    """'on revenue (no margin set)' or 'at 35 % gross margin', for headlines."""
    if margin is None:
        return _t("clv_basis_revenue", lang)
    return _t("clv_basis_margin", lang).format(margin=format_percent(margin,
                                                                     locale=babel_locale(lang)))


# --- sections ----------------------------------------------------------------------------------

def _tiles(customers: pd.DataFrame, margin: float | None, lang: str, currency: str) -> str:
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
    tiles = [
        _tile(_t("clv_customers", lang), _count(n, lang),
              _t("clv_customers_line", lang).format(day=format_date(first, lang))
              if first else ""),
        _tile(_t("clv_mean_revenue", lang) if margin is None else _t(
                  "clv_mean_margin", lang).format(
                  margin=format_percent(margin, locale=babel_locale(lang))),
              _money(clv.mean(), lang, currency),
              _t("clv_mean_line", lang).format(future=_money(future.mean(), lang, currency))
              if future.notna().any() else ""),
        _tile(_t("clv_alive", lang), format_value(alive_mean, "percent", lang),
              _t("clv_alive_line" if alive_mean is not None else "clv_alive_missing", lang)),
        _tile(_t("clv_repeat", lang), _count(repeat, lang),
              _t("clv_repeat_line", lang).format(
                  share=format_value(repeat / n if n else None, "percent", lang))),
    ]
    return f'<div class="grid tiles">{"".join(tiles)}</div>'


def _ratio(row: Mapping[str, Any], lang: str) -> str:
    cost = as_number(row.get("acquisition_cost"))
    return format_value(row.get("clv_to_cac"), "multiple", lang) if cost else MISSING


def _cac(row: Mapping[str, Any], lang: str, currency: str) -> str:
    cost = as_number(row.get("acquisition_cost"))
    return _money(row.get("cac"), lang, currency) if cost else MISSING


def _channel_figure(channels: pd.DataFrame, lang: str, currency: str) -> go.Figure | None:
    """Horizontal bars of CLV:CAC per channel with media cost, highest at the top."""
    paid = channels[channels["acquisition_cost"].map(as_number).fillna(0) > 0]
    paid = paid[paid["clv_to_cac"].map(as_number).notna()]
    if paid.empty:
        return None
    paid = paid.sort_values("clv_to_cac")  # plotly draws the first category at the bottom
    full = [_group_name(g, lang) for g in paid["group"]]
    y = [str(i) for i in range(len(full))]
    x = [float(v) for v in paid["clv_to_cac"]]
    rows = [r.to_dict() for _, r in paid.iterrows()]
    text = [esc(_ratio(r, lang)) for r in rows]
    hover = [f"{esc(name)}<br><b>CLV:CAC {esc(_ratio(r, lang))}</b><br>"
             f"{esc(_t('clv_col_clv', lang))}: {esc(_money(r['clv'], lang, currency))}<br>"
             f"CAC: {esc(_cac(r, lang, currency))}<br>"
             f"{esc(_t('clv_col_customers', lang))}: {esc(_count(r['customers'], lang))}"
             for name, r in zip(full, rows, strict=True)]
    fig = go.Figure(go.Bar(x=x, y=y, orientation="h", marker={"color": ACCENT}, text=text,
                           textposition="outside", cliponaxis=False, hovertext=hover,
                           hoverinfo="text", name=""))
    even = {"type": "line", "xref": "x", "yref": "paper", "x0": 1, "x1": 1, "y0": 0, "y1": 1,
            "line": {"color": "#b42318", "width": 1.25, "dash": "dot"}}
    prefix, suffix = axis_affixes("multiple", lang)
    base = chart_layout(lang, height=70 + 36 * len(full), bargap=0.35, shapes=[even])
    fig.update_layout(base, xaxis={**base["xaxis"], "range": [0, max(x) * 1.15],
                                   "showgrid": True, "gridcolor": GRID, "tickprefix": prefix,
                                   "ticksuffix": suffix, "exponentformat": "none",
                                   "separatethousands": True},
                      yaxis={**base["yaxis"], "type": "category", "tickvals": y,
                             "ticktext": [esc(_short(n)) for n in full],
                             "tickfont": {"size": 12}})
    return fig


def _group_rows(groups: pd.DataFrame, lang: str, currency: str,
                names: Mapping[str, str] | None = None,
                channels: Mapping[str, str] | None = None) -> list[list[str]]:
    labels = [_group_name(g, lang) if names is None else names.get(str(g), _group_name(g, lang))
              for g in groups["group"]]
    twice = {label for label in labels if labels.count(label) > 1}
    rows = []
    for label, (_, row) in zip(labels, groups.iterrows(), strict=True):
        r = row.to_dict()
        cells = [esc(label) + (f'<div class="meta">{esc(r["group"])}</div>' if label in twice
                               else "")]
        if channels is not None:
            cells.append(esc(channels.get(str(r["group"]), "")))
        cells += [esc(_count(r["customers"], lang)), esc(_money(r["clv"], lang, currency)),
                  esc(_money(r["acquisition_cost"], lang, currency)),
                  esc(_cac(r, lang, currency)), esc(_ratio(r, lang))]
        rows.append(cells)
    return rows


def _by_ratio(groups: pd.DataFrame) -> pd.DataFrame:
    """Highest CLV:CAC first; groups without media cost after them, largest first."""
    cost = groups["acquisition_cost"].map(as_number).fillna(0)
    ratio = groups["clv_to_cac"].map(as_number)
    return groups.assign(_paid=cost > 0, _ratio=ratio.where(cost > 0)).sort_values(
        ["_paid", "_ratio", "customers"], ascending=[False, False, False],
        na_position="last", kind="stable").drop(columns=["_paid", "_ratio"])


def _acquisition(by_acquisition: pd.DataFrame, customers: pd.DataFrame, lang: str,
                 currency: str, names: Mapping[str, str],
                 figures: dict[str, go.Figure], margin: float | None = None) -> str:
    by_channel = _t("clv_by_channel", lang).format(basis=_basis(margin, lang))
    heads = [_t(k, lang) for k in ("clv_col_customers", "clv_col_clv", "clv_col_cost",
                                   "clv_col_cac", "clv_col_ratio")]
    if not _has(by_acquisition, "level", "group", "customers", "clv", "acquisition_cost",
                "cac", "clv_to_cac"):
        return (f'<h2>{esc(by_channel)}</h2>'
                f'<div class="card">{_empty(_t("clv_no_groups", lang))}</div>')
    since = (as_day(pd.to_datetime(by_acquisition["since"]).min())
             if "since" in by_acquisition.columns else None)
    channels = _by_ratio(by_acquisition[by_acquisition["level"] == "channel"])
    parts = [f'<h2>{esc(by_channel)}</h2>']
    if margin is None:
        parts.append('<div class="card" style="border-color:#f5c26b;background:var(--warn-bg);'
                     f'margin-bottom:12px">{esc(_t("clv_no_margin", lang))}</div>')
    parts.append('<div class="grid">')
    fig = _channel_figure(channels, lang, currency)
    if fig is not None:
        figures["clv-cac"] = fig
        desc = _t("clv_chart_desc", lang).format(day=format_date(since, lang) if since else "–")
        parts.append(f'<div class="card"><p class="desc meta" style="margin:0 0 6px">'
                     f'{esc(desc)}</p>{plot_div("clv-cac", height=int(fig.layout.height))}'
                     "</div>")
    if not channels.empty:
        parts.append('<div class="card">'
                     + _table([_t("clv_col_channel", lang), *heads],
                              _group_rows(channels, lang, currency))
                     + f'<p class="meta">{esc(_t("clv_no_cost_note", lang))}</p></div>')
    parts.append("</div>")

    campaigns = by_acquisition[by_acquisition["level"] == "campaign"]
    big = _by_ratio(campaigns[pd.to_numeric(campaigns["customers"], errors="coerce")
                              >= MIN_CAMPAIGN_CUSTOMERS])
    parts.append(f'<h2>{esc(_t("clv_by_campaign", lang).format(basis=_basis(margin, lang)))}'
                 '</h2>')
    if big.empty:
        text = _t("clv_no_campaigns", lang).format(min=MIN_CAMPAIGN_CUSTOMERS)
        parts.append(f'<div class="card">{_empty(text)}</div>')
        return "".join(parts)
    channel_of: dict[str, str] = {}
    if _has(customers, "campaign_key", "channel"):
        pairs = customers[["campaign_key", "channel"]].dropna()
        channel_of = {str(k): str(v.mode().iloc[0])
                      for k, v in pairs.groupby("campaign_key")["channel"]}
    note = _t("clv_campaign_note", lang).format(min=MIN_CAMPAIGN_CUSTOMERS,
                                                hidden=len(campaigns) - len(big))
    parts.append('<div class="card">'
                 + _table([_t("clv_col_campaign", lang), _t("clv_col_channel", lang), *heads],
                          _group_rows(big, lang, currency, names, channel_of), left=2)
                 + f'<p class="meta">{esc(note)}</p></div>')
    return "".join(parts)


def _month(day: dt.date, lang: str) -> str:
    return format_skeleton("yMMM", day, locale=babel_locale(lang))


def _shade(i: int, n: int) -> str:
    w = i / (n - 1) if n > 1 else 1.0
    r, g, b = (round(lo + (hi - lo) * w) for lo, hi in zip(COHORT_LIGHT, COHORT_DARK,
                                                            strict=True))
    return f"rgb({r},{g},{b})"


def _cohort_figure(cohorts: pd.DataFrame, lang: str, currency: str) -> go.Figure | None:
    """Cumulative revenue per customer by months since acquisition, one line per cohort."""
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
        name = esc(_month(cohort, lang))
        months = [int(m) for m in rows["months_since"]]
        values = [float(v) for v in rows["clv"]]
        hover = [esc(_t("clv_cohort_hover", lang).format(
            cohort=_month(cohort, lang), month=m, value=_money(v, lang, currency)))
            for m, v in zip(months, values, strict=True)]
        colour = _shade(i, len(groups))
        traces.append(go.Scatter(x=months, y=values, mode="lines+markers", name=name,
                                 line={"color": colour, "width": 2},
                                 marker={"size": 4, "color": colour}, hovertext=hover,
                                 hoverinfo="text"))
    fig = go.Figure(traces)
    prefix, suffix = axis_affixes("currency", lang, currency)
    base = chart_layout(lang, height=360, showlegend=True,
                        legend={"orientation": "v", "x": 1.01, "y": 1, "font": {"size": 11}},
                        margin={"l": 8, "r": 8, "t": 8, "b": 8})
    fig.update_layout(base, xaxis={**base["xaxis"], "title": {"text": esc(
        _t("clv_months_since", lang)), "font": {"size": 11}}, "dtick": 1 if len(
        set(done["months_since"])) <= 13 else 3, "rangemode": "tozero"},
        yaxis={**base["yaxis"], "tickprefix": prefix, "ticksuffix": suffix,
               "separatethousands": True, "exponentformat": "none", "rangemode": "tozero"})
    return fig


def _cohorts(cohorts: pd.DataFrame, lang: str, currency: str,
             figures: dict[str, go.Figure]) -> str:
    fig = _cohort_figure(cohorts, lang, currency)
    head = (f'<h2>{esc(_t("clv_cohorts", lang))}</h2><div class="card">'
            f'<p class="desc meta" style="margin:0 0 6px">{esc(_t("clv_cohorts_desc", lang))}'
            "</p>")
    if fig is None:
        return head + _empty(_t("clv_no_cohorts", lang)) + "</div>"
    figures["cohorts"] = fig
    return head + plot_div("cohorts", height=360) + "</div>"


def _parameter(value: object, lang: str) -> str:
    number = as_number(value)
    if number is None:
        return MISSING
    return format_decimal(number, "#,##0.###", locale=babel_locale(lang))


def _dropout(row: Mapping[str, Any]) -> float | None:
    """The chance a customer stops after a purchase: p, or BG/NBD's mean a / (a + b)."""
    if row.get("status") == "constant_dropout":
        return as_number(row.get("p_dropout"))
    a, b = as_number(row.get("a")), as_number(row.get("b"))
    return a / (a + b) if a is not None and b is not None and a + b > 0 else None


def _model_notes(row: Mapping[str, Any], segment: str, lang: str) -> list[str]:
    """Why a segment's model is not the full BG/NBD + Gamma-Gamma, in the reader's words."""
    notes = []
    status, dropout = row.get("status"), _dropout(row)
    if status == "constant_dropout":
        key = "clv_note_no_dropout" if dropout == 0 else "clv_note_constant_dropout"
        notes.append(_t(key, lang).format(segment=segment,
                                          dropout=format_value(dropout, "percent", lang)))
    elif status in ("no_repeat_buyers", "not_fitted"):
        notes.append(_t(f"clv_note_{status}", lang).format(segment=segment))
    if row.get("spend_model") == "own_mean_order_value":
        notes.append(_t("clv_note_own_mean_order_value", lang).format(segment=segment))
    return notes


def _model_row(row: Mapping[str, Any], segment: str, lang: str, currency: str) -> list[str]:
    status, spend = row.get("status"), row.get("spend_model")
    spend_key = f"clv_spend_{spend}" if isinstance(spend, str) else "clv_spend_none"
    status_key = f"clv_status_{status}"
    repeaters = row.get("repeat_customers")
    return [esc(segment), esc(_t(status_key, lang)) if status_key in TEXTS else MISSING,
            esc(_count(row.get("customers"), lang)),
            *(esc(_parameter(row.get(p), lang)) for p in PARAMETERS[:4]),
            esc(format_value(_dropout(row), "percent", lang)),
            *(esc(_parameter(row.get(p), lang)) for p in PARAMETERS[4:]),
            esc(_count(repeaters, lang)) if as_number(repeaters) is not None else MISSING,
            esc(_money(row.get("mean_order_value"), lang, currency)),
            esc(_t(spend_key, lang) if spend_key in TEXTS else str(spend))]


def _without_clv(customers: pd.DataFrame, lang: str) -> str:
    """How many customers have no CLV and why; how many count with revenue to date only."""
    if not _has(customers, "clv"):
        return ""
    clv = pd.to_numeric(customers["clv"], errors="coerce")
    notes = (customers["clv_note"].astype("object") if "clv_note" in customers.columns
             else pd.Series(None, index=customers.index, dtype="object"))
    missing = notes[clv.isna()].fillna("not_computable")
    lines = [_t("clv_without", lang).format(count=_count(len(missing), lang))]
    if len(missing):
        reasons = [_t(f"clv_reason_{reason}", lang).format(count=_count(n, lang))
                   for reason, n in missing.value_counts().sort_index().items()
                   if f"clv_reason_{reason}" in TEXTS]
        lines[0] += " " + "; ".join(reasons) + ". " + _t("clv_without_note", lang)
    revenue_only = int((notes == "no_purchase_model").sum())
    if revenue_only:
        lines.append(_t("clv_revenue_only", lang).format(count=_count(revenue_only, lang)))
    return "".join(f'<p class="meta" style="margin:6px 0 0">{esc(line)}</p>' for line in lines)


def _model(model: pd.DataFrame, customers: pd.DataFrame, lang: str, currency: str) -> str:
    head = f'<h2>{esc(_t("clv_model", lang))}</h2>'
    without = _without_clv(customers, lang)
    if not _has(model, "segment"):
        note = esc(_t("clv_no_model", lang))
        return head + f'<div class="card"><p class="meta">{note}</p>{without}</div>'
    rows, notes = [], []
    for _, row in model.iterrows():
        r = row.to_dict()
        segment = _segment_name(r["segment"], lang)
        rows.append(_model_row(r, segment, lang, currency))
        explained = _model_notes(r, segment, lang)
        message = r.get("message")
        if explained and isinstance(message, str) and message.strip():
            explained.append(_t("clv_note_detail", lang).format(message=message))
        if explained:
            notes.append(explained)
    heads = [_t("clv_col_segment", lang), _t("clv_col_model", lang),
             _t("clv_col_customers", lang), *(PARAMETER_LABELS[p] for p in PARAMETERS[:4]),
             _t("clv_col_dropout", lang), *(PARAMETER_LABELS[p] for p in PARAMETERS[4:]),
             _t("clv_col_repeaters", lang), _t("clv_col_order_value", lang),
             _t("clv_col_spend_model", lang)]
    warn = "".join(
        '<div class="card" style="border-color:#f5c26b;background:var(--warn-bg);'
        f'margin-top:10px">{esc(lines[0])}'
        + "".join(f'<div class="meta">{esc(line)}</div>' for line in lines[1:]) + "</div>"
        for lines in notes)
    return (head + f'<div class="card">{_table(heads, rows, left=2)}{_fitted(model, lang)}'
            f'{without}</div>' + warn)


def _fitted(model: pd.DataFrame, lang: str) -> str:
    """When the models were fitted and on how many customers (one line per fitting night)."""
    if not _has(model, "fitted_on", "fitted_customers"):
        return ""
    days = pd.to_datetime(model["fitted_on"], errors="coerce")
    counts = pd.to_numeric(model["fitted_customers"], errors="coerce").fillna(0)
    lines = [_t("clv_fitted", lang).format(day=format_date(day.date(), lang),
                                           count=_count(int(counts[days == day].sum()), lang))
             for day in sorted(days.dropna().unique())]
    return "".join(f'<p class="meta" style="margin:6px 0 0">{esc(line)}</p>' for line in lines)


def _method(model: pd.DataFrame, since: dt.date | None, lang: str) -> str:
    if not _has(model, "horizon_weeks", "weekly_discount_rate", "gross_margin"):
        return ""
    first = model.iloc[0]
    weeks = as_number(first["horizon_weeks"])
    weekly = as_number(first["weekly_discount_rate"])
    loc = locale_for(lang)
    annual = (1 + weekly) ** 52 - 1 if weekly is not None else None
    margin = margin_of(model)
    text = _t("clv_method", lang).format(
        margin=(_t("clv_margin_none", lang) if margin is None
                else format_percent(margin, locale=loc)),
        weeks=_count(weeks, lang),
        months=_count(round(weeks / WEEKS_PER_MONTH) if weeks is not None else None, lang),
        discount=format_value(annual, "percent", lang),
        since=format_date(since, lang) if since else MISSING)
    return (f'<h2>{esc(_t("clv_method_title", lang))}</h2>'
            f'<div class="card"><p style="margin:0">{esc(text)}</p></div>')


# --- the page ----------------------------------------------------------------------------------

def render_clv(customers: pd.DataFrame, model: pd.DataFrame, cohorts: pd.DataFrame,
               by_acquisition: pd.DataFrame, *, lang: str = "en", account: str = "",
               as_of: dt.date, currency: str = "EUR",
               campaign_names: Mapping[str, str] | None = None,
               header: Header | None = None) -> str:
    """The CLV page as one self-contained HTML string.

    The frames are the ``customer_clv``, ``clv_model``, ``clv_cohorts`` and
    ``clv_by_acquisition`` tables (money in ``currency``); ``campaign_names`` (campaign key ->
    name) labels the campaign table, which shows keys otherwise. Only aggregates are shown.
    """
    locale_for(lang)  # fail early on an unsupported language
    figures: dict[str, go.Figure] = {}
    meta = [f"{_t('account', lang)}: {account}"] if account else []
    meta.append(_t("clv_as_of", lang).format(day=format_date(as_of, lang)))
    meta.append(_t("currency_note", lang).format(currency=currency))
    parts = [f'<header class="page"><div><h1>{esc(_t("clv_title", lang))}</h1>'
             f'<div class="meta">{esc(" · ".join(meta))}</div></div></header>']
    if not _has(customers, "clv", "orders"):
        empty = _empty(_t("clv_no_orders", lang), _t("clv_no_orders_hint", lang))
        parts.append(f'<div class="card">{empty}</div>')
    else:
        since = None
        if "since" in by_acquisition.columns and by_acquisition["since"].notna().any():
            since = as_day(pd.to_datetime(by_acquisition["since"]).min())
        elif "acquired_on" in customers.columns:
            since = as_day(pd.to_datetime(customers["acquired_on"]).min())
        margin = margin_of(model)
        parts += [_tiles(customers, margin, lang, currency),
                  _acquisition(by_acquisition, customers, lang, currency,
                               dict(campaign_names or {}), figures, margin),
                  _cohorts(cohorts, lang, currency, figures),
                  _model(model, customers, lang, currency), _method(model, since, lang)]
    parts.append(f'<footer><span>{esc(_t("offline_note", lang))}</span></footer>')
    title = f"{_t('clv_title', lang)}{' · ' + account if account else ''}"
    return render_page(lang=lang, header=header, title=title,
                       body="\n".join(parts), figures=figures)


def write_clv(path: str | Path, customers: pd.DataFrame, model: pd.DataFrame,
              cohorts: pd.DataFrame, by_acquisition: pd.DataFrame, **kw: Any) -> Path:
    """Render (keywords as :func:`render_clv`), then swap the file in atomically (a failure
    keeps the previous page)."""
    return write_page(path, render_clv(customers, model, cohorts, by_acquisition, **kw))
