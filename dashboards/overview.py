"""The analyst overview: KPI tiles for the chosen period, weekly trends, channels.

Reads the long ``kpi_values`` table (one row per period × dimension × metric; weeks and months
at account and channel level) and renders one self-contained HTML page in Dutch, French or
English from ``templates/overview.html``. Labels, units and directions come from
``kpi.registry``.

The reader chooses the period (the latest complete week, the last 4 complete weeks, the latest
complete month or quarter) and the comparison (the period before, or the same ISO weeks /
months a year earlier) on the page itself: every variant of the tiles and of the channel table
is in the page, the switch shows one and keeps the choice in the URL (``#period=month&vs=year``).
Longer periods are summed, their ratios recomputed from the sums (:mod:`dashboards.periods`).

Below the channels, "Platforms vs GA4" (:mod:`dashboards.overview_attribution`) sets what the
ad platforms claim for their paid campaigns against what GA4 sees, per platform and campaign;
its measures and KPIs appear there only.

CPA, CPL and ROAS are paid efficiency (paid cost over paid conversions), judged against their
targets; each tile also shows its blended twin (every conversion, organic included), labelled
as such. A channel without paid conversions has no CPA: "–", never "0,00 €".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from dashboards.maturity import completeness, judged_values
from dashboards.overview_attribution import attribution_views
from dashboards.overview_figures import channel_figure
from dashboards.overview_figures import trend_figure as _trend_figure
from dashboards.overview_model import (
    TILE_METRICS,
    _t,
    channel_tables,
    choices,
    is_true,
    tile,
    variant,
)
from dashboards.page import ENV, Figure, render_template, write_page
from dashboards.periods import COMPARISON_KEYS, COMPARISONS, DEFAULT
from dashboards.site import Header
from kpi.language.format import locale_for
from kpi.registry import KPIS

TREND_KPIS = ("cpa", "cpl", "roas", "conversion_rate", "ctr", "cpc", "cpm", "aov",
              "engagement_rate")
REQUIRED_COLUMNS = ("grain", "level", "period_start", "period_end", "complete", "channel",
                    "metric", "value", "previous_value", "change", "target", "vs_target",
                    "on_target", "provisional", "currency")
GRAINS = ("week", "month")
__all__ = ["TILE_METRICS", "TREND_KPIS", "_tile", "_trend_figure", "latest_complete_week",
           "render_overview", "write_overview"]


def _periods(values: pd.DataFrame) -> pd.DataFrame:
    """Week and month rows with ``period_start``/``period_end`` as dates; ValueError on
    missing columns."""
    if values.empty:
        return pd.DataFrame(columns=list(REQUIRED_COLUMNS))
    missing = [c for c in REQUIRED_COLUMNS if c not in values.columns]
    if missing:
        raise ValueError(f"kpi_values is missing column(s) {missing}")
    rows = values[values["grain"].isin(GRAINS)].copy()
    for col in ("period_start", "period_end"):
        rows[col] = pd.to_datetime(rows[col]).dt.date
    return rows


def _currency(rows: pd.DataFrame) -> str:
    found = sorted({str(c) for c in rows["currency"].dropna().unique()})
    if len(found) > 1:
        raise ValueError(f"kpi_values mixes currencies {found}; convert to one reporting currency")
    return found[0] if found else "EUR"


def latest_complete_week(values: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    """(start, end) of the latest complete week at total level, or None when there is none."""
    weeks = _periods(values)
    weeks = weeks[weeks["grain"] == "week"]
    done = weeks[(weeks["level"] == "total") & weeks["complete"].map(is_true)]
    if done.empty:
        return None
    row = done.sort_values("period_start").iloc[-1]
    return row["period_start"], row["period_end"]


def _tile(metric: str, row: pd.Series | None, lang: str, currency: str, badge: bool,
          blended: pd.Series | None = None) -> Markup:
    """One tile of the latest week vs the week before, as the page shows it (HTML)."""
    view = tile(metric, row, lang, currency, badge=badge, blended=blended)
    return ENV.get_template("overview_parts.html").module.tile(view)  # type: ignore[attr-defined]


def render_overview(values: pd.DataFrame, *, lang: str = "en", account: str = "",
                    generated_at: dt.datetime | None = None,
                    nowcast: pd.DataFrame | None = None, compare: str = "nowcast",
                    header: Header | None = None) -> str:
    """The overview page as one self-contained HTML string (see the module docstring).
    ``nowcast`` (kpi_nowcast): the newest weeks and months shown as expected once their
    conversions are in (``compare``: see :mod:`kpi.maturity`), with how complete they are."""
    locale_for(lang)  # fail early on an unsupported language
    rows = _periods(judged_values(values, nowcast, compare))
    currency = _currency(rows)
    totals = rows[rows["level"] == "total"]
    picks = choices(totals, lang)
    claims = attribution_views(rows, totals, picks, lang, currency) if picks[0].span else []
    stated = header.attribution if header is not None else None
    week = picks[0]
    variants = [(c, vs, variant(totals, c, vs, lang, currency)) for c in picks
                for vs in COMPARISONS] if week.span is not None else []
    tables = channel_tables(rows, totals, picks, lang, currency) if week.span else []
    weekly = totals[totals["grain"] == "week"]
    figures: dict[str, Figure] = {}
    trends = []
    for kpi in (KPIS[k] for k in TREND_KPIS):
        fig = _trend_figure(weekly[weekly["metric"] == kpi.id], kpi, lang, currency)
        if fig is not None:
            figures[f"trend-{kpi.id}"] = fig
        trends.append((kpi, fig is not None))
    bars = channel_figure(tables, lang, currency)
    if bars is not None:
        figures["channels"] = bars
    channel_count = len({row.name for table in tables for row in table.rows})
    title = f"{_t('title', lang)}{' · ' + account if account else ''}"
    if header is not None and week.words:
        header = dataclasses.replace(header, period=week.words)
    return render_template(
        "overview.html", lang=lang, title=title, header=header, figures=figures, texts=_t,
        account=account, currency=currency, picks=picks, comparisons=[
            (vs, _t(COMPARISON_KEYS[vs], lang)) for vs in COMPARISONS],
        default=DEFAULT, variants=variants, tables=tables, trends=trends,
        weekly=not weekly.empty, channels_height=70 + 42 * max(channel_count, 1),
        note=completeness(nowcast, lang, compare),
        generated=generated_at, tile_count=len(TILE_METRICS), claims=claims,
        uses=None if stated is None else f"ov_att_uses_{stated.choice}")


def write_overview(path: str | Path, values: pd.DataFrame, **kw: Any) -> Path:
    """Render (keywords as :func:`render_overview`), then swap the UTF-8 file in atomically:
    a failure leaves the previous page in place."""
    return write_page(path, render_overview(values, **kw))
