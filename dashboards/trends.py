"""The trends page: the main KPIs day by day (last 13 weeks) and over the whole history by the
period the reader chooses (week, 4 weeks, month, quarter; last year's line for the comparison
"same period last year"), with the country's public holidays marked and named in the page's
language. Rendered from ``templates/trends.html``.

Reads ``kpi_values`` at level ``total`` (grains ``day``, ``week`` and ``month``). Provisional
points (and incomplete periods) are drawn dotted with hollow markers, targets as a dashed
line, and each public holiday as a dotted vertical line: named on the daily charts, on hover
on the history's, and listed under the daily section. Holiday names come from the
``holidays`` package (``nl``, ``fr``, and ``en_US`` for English); a language the country's
calendar does not translate falls back to English.

>>> holiday_language("BE", "en"), holiday_language("BE", "fr"), holiday_language("DE", "nl")
('en_US', 'fr', 'en_US')
>>> public_holidays(dt.date(2026, 5, 10), dt.date(2026, 5, 20), "nl")
[(datetime.date(2026, 5, 14), 'O. L. H. Hemelvaart')]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import holidays
import pandas as pd

from dashboards.maturity import completeness, judged_values
from dashboards.page import Figure, render_template, write_page
from dashboards.periods import COMPARISON_KEYS, COMPARISONS, DEFAULT, PERIOD_KEYS, PERIODS
from dashboards.site import Header
from dashboards.trends_figures import _day_label, _t, history_figure, trend_figure
from dashboards.trends_model import history
from kpi.language.format import babel_locale, format_date, format_range, locale_for
from kpi.registry import KPIS, MEASURES

TREND_METRICS = ("cost", "conversions", "cpa", "cpa_blended", "cpl", "cpl_blended", "roas",
                 "roas_blended", "conversion_rate")  # each judged (paid) KPI, then its blended twin
DAILY_WEEKS = 13
REQUIRED_COLUMNS = ("grain", "level", "period_start", "period_end", "complete", "provisional",
                    "metric", "value", "target", "currency")
HOLIDAY_LANGUAGES = {"nl": ("nl",), "fr": ("fr",), "en": ("en_US", "en_GB")}
FALLBACK_LANGUAGE = "en_US"  # the holidays package's own names are English
__all__ = ["TREND_METRICS", "_t", "country_name", "daily_start", "holiday_language",
           "public_holidays", "render_trends", "totals", "trend_figure", "write_trends"]


# -- public holidays -----------------------------------------------------------------------------


def _calendar_class(country: str) -> type[holidays.HolidayBase]:
    try:
        return type(holidays.country_holidays(country, years=[]))
    except NotImplementedError:
        raise ValueError(f"no public-holiday calendar for country {country!r} in the holidays "
                         "package (expected an ISO 3166-1 alpha-2 code such as 'BE')") from None


def holiday_language(country: str, lang: str) -> str:
    """The holidays-package language for a page language: ``nl``, ``fr`` or ``en_US`` (or
    ``en_GB``) when the country's calendar has it, else English (the package's own names)."""
    locale_for(lang)
    supported = set(_calendar_class(country).supported_languages)
    return next((c for c in HOLIDAY_LANGUAGES[lang] if c in supported), FALLBACK_LANGUAGE)


@cache
def _holidays(country: str, first_year: int, last_year: int,
              language: str) -> tuple[tuple[dt.date, str], ...]:
    found = holidays.country_holidays(country, years=range(first_year, last_year + 1),
                                      language=language)
    return tuple(sorted(found.items()))


def public_holidays(start: dt.date, end: dt.date, lang: str,
                    country: str = "BE") -> list[tuple[dt.date, str]]:
    """(date, name) of the public holidays from ``start`` to ``end`` inclusive, named in
    ``lang`` (see :func:`holiday_language`)."""
    if end < start:
        return []
    language = holiday_language(country, lang)
    return [(d, name) for d, name in _holidays(country, start.year, end.year, language)
            if start <= d <= end]


def country_name(country: str, lang: str) -> str:
    """The country's name in the page's language (``BE`` -> ``België``), else the code."""
    return babel_locale(lang).territories.get(country.upper(), country)


# -- data ---------------------------------------------------------------------------------------


def totals(values: pd.DataFrame, grain: str) -> pd.DataFrame:
    """Total-level rows of one grain with ``period_start``/``period_end`` as dates, sorted."""
    if values.empty:
        return pd.DataFrame(columns=list(REQUIRED_COLUMNS))
    missing = [c for c in REQUIRED_COLUMNS if c not in values.columns]
    if missing:
        raise ValueError(f"kpi_values is missing column(s) {missing}")
    rows = values[(values["grain"] == grain) & (values["level"] == "total")].copy()
    for col in ("period_start", "period_end"):
        rows[col] = pd.to_datetime(rows[col]).dt.date
    return rows.sort_values("period_start").reset_index(drop=True)


def _currency(frames: Sequence[pd.DataFrame]) -> str:
    found = sorted({str(c) for f in frames for c in f["currency"].dropna().unique()})
    if len(found) > 1:
        raise ValueError(f"kpi_values mixes currencies {found}; convert to one reporting currency")
    return found[0] if found else "EUR"


def daily_start(end: dt.date) -> dt.date:
    """The first day the daily section shows when its last day is ``end``: older day rows
    are not drawn, so a caller need not read them.

    >>> daily_start(dt.date(2026, 11, 30))
    datetime.date(2026, 9, 1)
    """
    return end - dt.timedelta(days=7 * DAILY_WEEKS - 1)


# -- page ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Card:
    """One KPI's chart card: its label, description and the figure id (None: no data)."""

    label: str
    description: str
    fig_id: str | None


@dataclasses.dataclass(frozen=True)
class _Pick:
    """A period of the switch (the trends page shows every period: no span in words)."""

    period: str
    name: str
    words: str | None = None


def _cards(kind: str, drawn: dict[str, Figure], lang: str) -> list[Card]:
    defs = {**KPIS, **MEASURES}
    return [Card(defs[m].label(lang), defs[m].description(lang),
                 f"{kind}-{m}" if f"{kind}-{m}" in drawn else None) for m in TREND_METRICS]


def render_trends(values: pd.DataFrame, *, lang: str = "en", account: str = "",
                  country: str = "BE", generated_at: dt.datetime | None = None,
                  nowcast: pd.DataFrame | None = None, compare: str = "nowcast",
                  header: Header | None = None) -> str:
    """The trends page as one self-contained HTML string (see the module docstring);
    ``nowcast``: the newest days, weeks and months drawn as expected once complete."""
    locale_for(lang)  # fail early on an unsupported language or country
    holiday_language(country, lang)
    values = judged_values(values, nowcast, compare)
    days, weeks, months = (totals(values, g) for g in ("day", "week", "month"))
    currency = _currency([days, weeks, months])
    figures: dict[str, Figure] = {}
    daily_marks: list[tuple[dt.date, str]] = []
    if not days.empty:
        end = max(days["period_start"])
        start = daily_start(end)
        window = days[days["period_start"] >= start]
        daily_marks = public_holidays(start, end, lang, country)
        for metric in TREND_METRICS:
            fig = trend_figure(window, metric, lang, currency, daily_marks, daily=True)
            if fig is not None:
                figures[f"daily-{metric}"] = fig
    weekly_marks: list[tuple[dt.date, str]] = []
    if not weeks.empty:
        weekly_marks = public_holidays(min(weeks["period_start"]), max(weeks["period_end"]),
                                       lang, country)
        past = history(weeks, months, TREND_METRICS)
        for metric in TREND_METRICS:
            fig = history_figure(past, metric, lang, currency, weekly_marks)
            if fig is not None:
                figures[f"weekly-{metric}"] = fig
    meta = [_t("account_is", lang).format(account=account)] if account else []
    meta.append(_t("currency_note", lang).format(currency=currency))
    if not days.empty:
        meta.append(_t("tr_data_until", lang).format(day=format_date(max(days["period_end"]),
                                                                     lang)))
    meta.append(_t("tr_holidays_of", lang).format(country=country_name(country, lang)))
    if header is not None and not weeks.empty:
        first = min(weeks["period_start"])
        last = max((days if not days.empty else weeks)["period_end"])
        header = dataclasses.replace(header, period=format_range(first, last, lang))
    picks = [_Pick(p, _t(PERIOD_KEYS[p], lang)) for p in PERIODS]
    title = f"{_t('tr_title', lang)}{' · ' + account if account else ''}"
    return render_template(
        "trends.html", lang=lang, title=title, header=header, figures=figures, texts=_t,
        meta=" · ".join(meta), note=completeness(nowcast, lang, compare),
        has_days=not days.empty, has_weeks=not weeks.empty, daily=_cards("daily", figures, lang),
        weekly=_cards("weekly", figures, lang), daily_marks=[(_day_label(d, lang), n)
                                                              for d, n in daily_marks],
        weekly_marks=[(_day_label(d, lang), n) for d, n in weekly_marks],
        country=country_name(country, lang), weeks_shown=DAILY_WEEKS,
        picks=picks, comparisons=[(vs, _t(COMPARISON_KEYS[vs], lang)) for vs in COMPARISONS],
        default=DEFAULT, generated=generated_at)


def write_trends(path: str | Path, values: pd.DataFrame, **kw: Any) -> Path:
    """Render (keywords as :func:`render_trends`), then swap the UTF-8 file in atomically:
    a failure leaves the previous page in place."""
    return write_page(path, render_trends(values, **kw))
