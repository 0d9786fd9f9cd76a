"""The lead-to-revenue page: what the campaigns' leads became in the CRM (qualified, won, revenue),
what each won deal cost, and how mature the recent lead weeks are.

Sections: a headline over the judged lead weeks (:func:`dashboards.leads_model.judged_window`),
the sentence a PM acts on when the cheapest leads are not the cheapest customers, a scatter of
cost per lead against cost per won deal per campaign, the funnel, tables per channel and per
campaign (cost per won deal and revenue ROAS against their targets), the lead-week cohorts with
their maturity, and how the CRM's leads were matched to campaigns. Reads ``crm_cohorts`` and
``crm_match_rates`` (:mod:`kpi.crm`); names from ``dim_campaign``. Autoescaped: campaign names
are user input.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboards.leads_model import (
    MIN_WON,
    Window,
    cheap_leads_dear_deals,
    cohort_weeks,
    funnel_sums,
    in_window,
    is_paid_key,
    judged_window,
)
from dashboards.page import chart_layout, plotly_text, render_template, write_page
from dashboards.site import Header
from dashboards.view_table import Cell, Pill, Table, heads
from kpi.budget.assess import TargetLike, resolve_target
from kpi.language.format import as_number, axis_affixes, format_date, format_value
from kpi.language.translate import translator
from kpi.registry import KPIS, MEASURES

_t = translator("leads", "common")
FUNNEL = ("crm_leads", "crm_mqls", "crm_sqls", "crm_opportunities", "crm_won_deals")
COLUMNS = ("crm_leads", "crm_sqls", "crm_won_deals", "lead_to_sql_rate", "lead_to_won_rate",
           "cost", "cost_per_lead", "cost_per_sql", "cost_per_won_deal", "crm_won_revenue",
           "revenue_roas", "crm_pipeline_value")
JUDGED = ("cost_per_won_deal", "revenue_roas")  # shown against their targets
UNITS = {"cost_per_lead": "currency"}
MAX_CAMPAIGNS = 40


def _unit(metric: str) -> str:
    if metric in UNITS:
        return UNITS[metric]
    return (KPIS[metric] if metric in KPIS else MEASURES[metric]).unit


def _label(metric: str, lang: str) -> str:
    if metric == "cost_per_lead":
        return _t("ld_cost_per_lead", lang)
    return (KPIS[metric] if metric in KPIS else MEASURES[metric]).label(lang)


def _fmt(value: object, metric: str, lang: str, currency: str) -> str:
    return format_value(as_number(value), _unit(metric), lang, currency)


def _judged_cell(value: object, metric: str, target: float | None, lang: str,
                 currency: str) -> Cell:
    number = as_number(value)
    text = _fmt(number, metric, lang, currency)
    if target is None or number is None:
        return Cell.number(text, number)
    good = KPIS[metric].is_better(number, target) or number == target
    pill = Pill(_t("ld_on_target" if good else "ld_off_target", lang), "good" if good else "bad")
    sub = _t("ld_target", lang).format(target=_fmt(target, metric, lang, currency))
    return Cell(text=text, value=number, subs=(sub,), pills=(pill,))


def _row_cells(row: Mapping[str, Any], lang: str, currency: str,
               targets: Mapping[str, float | None]) -> tuple[Cell, ...]:
    cells = []
    for metric in COLUMNS:
        if metric in JUDGED:
            cells.append(_judged_cell(row.get(metric), metric, targets.get(metric), lang,
                                      currency))
        else:
            number = as_number(row.get(metric))
            cells.append(Cell.number(_fmt(number, metric, lang, currency), number))
    return tuple(cells)


def _targets(targets: Sequence[TargetLike], key: str, name: str | None,
             channel: str | None) -> dict[str, float | None]:
    return {m: resolve_target(targets, m, key, name, channel) for m in JUDGED}


def channel_table(sums: pd.DataFrame, total: pd.Series, targets: Sequence[TargetLike],
                  lang: str, currency: str) -> Table:
    """Per channel over the judged weeks, with the account's total as the foot."""
    rows = tuple((Cell.label(str(channel) or "–"),
                  *_row_cells(row.to_dict(), lang, currency,
                              _targets(targets, "", None, str(channel))))
                 for channel, row in sums.iterrows())
    foot = (Cell.label(_t("total", lang)),
            *_row_cells(total.to_dict(), lang, currency, _targets(targets, "", None, None)))
    return Table("leads-by-channel", heads([_t("channel", lang),
                                            *(_label(m, lang) for m in COLUMNS)]), rows, foot)


def campaign_table(sums: pd.DataFrame, names: Mapping[str, tuple[str, str]],
                   targets: Sequence[TargetLike], lang: str, currency: str) -> Table:
    """Per campaign (the CRM's unmatched leads on their source) over the judged weeks."""
    rows = []
    for key, row in sums.head(MAX_CAMPAIGNS).iterrows():
        name, channel = names.get(str(key), (str(key), ""))
        rows.append((Cell.label(name), Cell.label(channel or "–"),
                     *_row_cells(row.to_dict(), lang, currency,
                                 _targets(targets, str(key), name, channel)
                                 if is_paid_key(key) else {})))
    return Table("leads-by-campaign", heads([_t("ld_campaign", lang), _t("channel", lang),
                                             *(_label(m, lang) for m in COLUMNS)], left=2),
                 tuple(rows))


def _cohort_cell(row: pd.Series, metric: str, mature: bool, lang: str, currency: str) -> Cell:
    """A cohort's figure; an immature week's cost per won deal and revenue ROAS are not
    final: no value, the figure so far as a sub-line."""
    number = as_number(row.get(metric))
    if mature or metric not in JUDGED:
        return Cell.number(_fmt(number, metric, lang, currency), number)
    so_far = _t("ld_so_far", lang).format(value=_fmt(number, metric, lang, currency))
    return Cell(text="–", value=None, subs=(so_far,) if number is not None else ())


def cohort_table(weeks: pd.DataFrame, lang: str, currency: str) -> Table:
    """The account's lead weeks, newest first: funnel, cost per won deal so far, maturity."""
    metrics = ("crm_leads", "crm_sqls", "crm_won_deals", "crm_won_revenue", "cost",
               "cost_per_won_deal", "revenue_roas")
    rows = []
    for week, row in weeks.iterrows():
        mature = bool(row.get("mature")) if pd.notna(row.get("mature")) else False
        maturity = as_number(row.get("maturity"))
        state = Cell(text=format_value(maturity, "percent", lang), value=maturity,
                     pills=() if mature else (Pill(_t("ld_maturing", lang), "flat"),))
        days = as_number(row.get("median_days_to_won"))
        rows.append((Cell.label(format_date(week, lang)),
                     *(_cohort_cell(row, m, mature, lang, currency) for m in metrics),
                     state, Cell.number(format_value(days, "count", lang), days)))
    return Table("lead-cohorts", heads([_t("ld_lead_week", lang),
                                        *(_label(m, lang) for m in metrics),
                                        _t("ld_maturity", lang), _t("ld_median_days", lang)]),
                 tuple(rows))


def match_table(rates: pd.DataFrame | None, lang: str) -> Table | None:
    """How the CRM's leads were tied to campaigns, per match level (None: not known)."""
    if rates is None or rates.empty:
        return None
    rows = tuple((Cell.label(_t(f"ld_match_{level}", lang)),
                  Cell.number(format_value(as_number(n), "count", lang), as_number(n)),
                  Cell.number(format_value(as_number(s), "percent", lang), as_number(s)))
                 for level, n, s in rates[["match_level", "contacts", "share"]].itertuples(
                     index=False))
    return Table("lead-matching", heads([_t("ld_match_level", lang), _t("ld_contacts", lang),
                                         _t("ld_share", lang)]), rows)


def contrast_sentence(campaigns: pd.DataFrame, names: Mapping[str, tuple[str, str]], lang: str,
                      currency: str) -> str:
    """The sentence a PM acts on: whether the cheapest leads also make the cheapest customers."""
    contrast = cheap_leads_dear_deals(campaigns)
    if contrast is None:
        return _t("ld_too_few_won", lang).format(n=MIN_WON)

    def name(key: str) -> str:
        return names.get(key, (key, ""))[0]

    cheap, best = campaigns.loc[contrast.cheapest_leads], campaigns.loc[contrast.cheapest_deals]
    if not contrast.differ:
        return _t("ld_same_best", lang).format(
            campaign=name(contrast.cheapest_leads),
            cpl=_fmt(cheap["cost_per_lead"], "cost_per_lead", lang, currency),
            per_won=_fmt(cheap["cost_per_won_deal"], "cost_per_won_deal", lang, currency))
    return _t("ld_cheap_not_best", lang).format(
        cheap=name(contrast.cheapest_leads),
        cheap_cpl=_fmt(cheap["cost_per_lead"], "cost_per_lead", lang, currency),
        cheap_won=_fmt(cheap["cost_per_won_deal"], "cost_per_won_deal", lang, currency),
        best=name(contrast.cheapest_deals),
        best_cpl=_fmt(best["cost_per_lead"], "cost_per_lead", lang, currency),
        best_won=_fmt(best["cost_per_won_deal"], "cost_per_won_deal", lang, currency))


def scatter_figure(campaigns: pd.DataFrame, names: Mapping[str, tuple[str, str]], lang: str,
                   currency: str) -> go.Figure | None:
    """Cost per lead (x) against cost per won deal (y) per paid campaign with at least
    :data:`MIN_WON` won deals (fewer make a cost per won deal mostly chance); bubbles sized by
    leads."""
    paid = campaigns[[is_paid_key(k) for k in campaigns.index]]
    paid = paid[paid["cost_per_won_deal"].notna() & paid["cost_per_lead"].notna()
                & (paid["crm_won_deals"] >= MIN_WON)]
    if paid.empty:
        return None
    labels = [plotly_text(names.get(str(k), (str(k), ""))[0]) for k in paid.index]
    hover = [f"{label}<br>{_label('cost_per_lead', lang)}: "
             f"{_fmt(r['cost_per_lead'], 'cost_per_lead', lang, currency)}<br>"
             f"{_label('cost_per_won_deal', lang)}: "
             f"{_fmt(r['cost_per_won_deal'], 'cost_per_won_deal', lang, currency)}<br>"
             f"{_label('crm_won_deals', lang)}: "
             f"{_fmt(r['crm_won_deals'], 'crm_won_deals', lang, currency)}"
             for label, (_, r) in zip(labels, paid.iterrows(), strict=True)]
    size = (paid["crm_leads"] / max(float(paid["crm_leads"].max()), 1.0) * 40 + 10).tolist()
    fig = go.Figure(go.Scatter(
        x=paid["cost_per_lead"].tolist(), y=paid["cost_per_won_deal"].tolist(),
        mode="markers+text", text=labels, textposition="top center", hovertext=hover,
        hoverinfo="text", marker={"size": size, "color": "#2563eb", "opacity": 0.7}))
    base = chart_layout(lang, height=420, showlegend=False)
    prefix, suffix = axis_affixes("currency", lang, currency)
    money = {"tickprefix": prefix, "ticksuffix": suffix, "separatethousands": True,
             "exponentformat": "none", "rangemode": "tozero"}
    fig.update_layout(base, xaxis={**base["xaxis"], **money, "showgrid": True, "title": {
        "text": plotly_text(_label("cost_per_lead", lang)), "font": {"size": 11}}},
        yaxis={**base["yaxis"], **money, "nticks": 6, "title": {
            "text": plotly_text(_label("cost_per_won_deal", lang)), "font": {"size": 11}}})
    return fig


def funnel_figure(total: pd.Series, lang: str) -> go.Figure | None:
    """The judged weeks' funnel: leads, MQL, SQL, opportunities, won deals."""
    values = [float(total.get(m, 0.0) or 0.0) for m in FUNNEL]
    if not values[0]:
        return None
    fig = go.Figure(go.Funnel(y=[_label(m, lang) for m in FUNNEL], x=values,
                              textinfo="value+percent initial"))
    fig.update_layout(**chart_layout(lang, height=320, showlegend=False))
    return fig


def with_channels(cohorts: pd.DataFrame, names: Mapping[str, tuple[str, str]]) -> pd.DataFrame:
    """Campaign rows' channel from the campaign dimension where the cohort row has none."""
    if cohorts.empty or "campaign_key" not in cohorts:
        return cohorts
    known = cohorts["campaign_key"].map(lambda k: names.get(str(k), ("", ""))[1] or None)
    own = cohorts["channel"] if "channel" in cohorts else pd.Series(None, index=cohorts.index)
    return cohorts.assign(channel=own.where(own.notna(), known))


def window_words(window: Window, lang: str) -> str:
    """The judged weeks in words, saying when no week is mature yet."""
    key = "ld_window" if window.mature else "ld_window_immature"
    return _t(key, lang).format(first=format_date(window.first, lang),
                                last=format_date(window.last, lang))


def render_leads(cohorts: pd.DataFrame, *, lang: str = "en", currency: str = "EUR",
                 names: Mapping[str, tuple[str, str]] | None = None,
                 targets: Sequence[TargetLike] = (), rates: pd.DataFrame | None = None,
                 header: Header | None = None, account: str = "") -> str:
    """The page as one HTML string (``names``: campaign key -> (name, channel))."""
    names = dict(names or {})
    cohorts = with_channels(cohorts, names)
    window = judged_window(cohorts) if not cohorts.empty else None
    context: dict[str, Any] = {"window": None, "matching": match_table(rates, lang)}
    figures: dict[str, go.Figure] = {}
    if window is not None:
        judged = in_window(cohorts, window)
        campaigns = funnel_sums(judged, "campaign_key")
        total = funnel_sums(judged.assign(all=""), "all").iloc[0]
        figure = scatter_figure(campaigns, names, lang, currency)
        if figure is not None:
            figures["leads-scatter"] = figure
        funnel = funnel_figure(total, lang)
        if funnel is not None:
            figures["leads-funnel"] = funnel
        context.update(
            window=window_words(window, lang),
            contrast=contrast_sentence(campaigns, names, lang, currency),
            channels=channel_table(funnel_sums(judged, "channel"), total, targets, lang,
                                   currency),
            campaigns=campaign_table(campaigns, names, targets, lang, currency),
            cohorts=cohort_table(cohort_weeks(cohorts), lang, currency),
            more=len(campaigns) > MAX_CAMPAIGNS)
    if header is not None and window is not None:
        header = dataclasses.replace(header, period=context["window"])
    title = f"{_t('ld_title', lang)}{' · ' + account if account else ''}"
    return render_template("leads.html", lang=lang, title=title, header=header,
                           figures=figures, texts=_t, plots=set(figures), **context)


def write_leads(path: str | Path, cohorts: pd.DataFrame, **kw: Any) -> Path:
    """Render (keywords as :func:`render_leads`) and swap the file in atomically."""
    return write_page(path, render_leads(cohorts, **kw))
