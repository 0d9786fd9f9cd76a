"""The budget page: pacing of the current plan period, the recommendations in words, and the
what-if scenarios of the response curves.

Reads three tables (see :mod:`kpi.budget.pacing`, :mod:`kpi.budget.recommend` and
:mod:`kpi.budget.tables`): ``budget_pacing`` (one row per plan line as of the last day of
data), ``recommendations`` (pause / scale / reallocate with a sentence per language in
``text_<lang>``) and ``budget_scenarios`` (channel × measure × ±change from the channel's
curve, with its r²). Any of them may be empty (or have the one-column shape of a table with
nothing to say yet): the page then says so. The sections are shaped by
:mod:`dashboards.budget_pacing` and :mod:`dashboards.budget_advice`; ``templates/budget.html``
lays them out, autoescaped (campaign and channel names are user input).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboards.budget_advice import advice_view, left_out_sentence, scenarios_view
from dashboards.budget_pacing import current_lines, pacing_view
from dashboards.page import render_template, write_page
from dashboards.site import Header
from kpi.language.format import format_date, locale_for
from kpi.language.translate import translator

__all__ = ["current_lines", "left_out_sentence", "render_budget", "write_budget"]

_t = translator("budget", "common")  # this page's texts first, then the shared ones


def _currency(frame: pd.DataFrame, default: str) -> str:
    if "currency" not in frame.columns:
        return default
    found = sorted({str(c) for c in frame["currency"].dropna().unique()})
    if len(found) > 1:
        raise ValueError(f"budget_pacing mixes currencies {found}; pacing is computed in one "
                         "reporting currency")
    return found[0] if found else default


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
    recommendations (curves are refitted weekly). Money is in ``currency`` unless the pacing
    table says otherwise. The site header shows the current plan period.
    """
    locale_for(lang)  # fail early on an unsupported language
    currency = _currency(pacing, currency)
    figures: dict[str, go.Figure] = {}
    pacing_section = pacing_view(pacing, as_of, lang, currency, dict(campaign_names or {}),
                                 figures)
    as_of_text = _t("bud_as_of", lang).format(day=format_date(as_of, lang))
    if header is not None:
        period = (_t("bud_header_period", lang).format(period=pacing_section.period)
                  if pacing_section.period else as_of_text)
        header = dataclasses.replace(header, period=period)
    meta = [_t("bud_account", lang).format(account=account)] if account else []
    meta += [as_of_text, _t("currency_note", lang).format(currency=currency)]
    title = f"{_t('bud_title', lang)}{' · ' + account if account else ''}"
    return render_template(
        "budget.html", lang=lang, title=title, header=header, figures=figures, texts=_t,
        meta=" · ".join(meta), pacing=pacing_section,
        advice=advice_view(recommendations, lang, currency, curves_fitted),
        scenarios=scenarios_view(scenarios, lang, currency))


def write_budget(path: str | Path, pacing: pd.DataFrame, recommendations: pd.DataFrame,
                 scenarios: pd.DataFrame, **kw: Any) -> Path:
    """Render (keywords as :func:`render_budget`), then swap the file in atomically (a failure
    keeps the previous page)."""
    return write_page(path, render_budget(pacing, recommendations, scenarios, **kw))
