"""The trends page: the main KPIs day by day (last 13 weeks) and week by week (whole history),
with the country's public holidays marked and named in the page's language.

Reads ``kpi_values`` at level ``total`` (grains ``day`` and ``week``). Provisional points (and
incomplete weeks) are drawn dotted with hollow markers, targets as a dashed line, and each
public holiday as a dotted vertical line: named on the daily charts, on hover on the weekly
ones, and listed under the daily section. Holiday names come from the ``holidays`` package
(``nl``, ``fr``, and ``en_US`` for English); a language the country's calendar does not
translate falls back to English.

>>> holiday_language("BE", "en"), holiday_language("BE", "fr"), holiday_language("DE", "nl")
('en_US', 'fr', 'en_US')
>>> public_holidays(dt.date(2026, 5, 10), dt.date(2026, 5, 20), "nl")
[(datetime.date(2026, 5, 14), 'O. L. H. Hemelvaart')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import holidays
import pandas as pd
from babel.dates import format_skeleton

from dashboards.formatting import (
    as_number,
    axis_affixes,
    babel_locale,
    format_date,
    format_datetime,
    format_day_month,
    format_value,
    format_week,
    locale_for,
)
from dashboards.i18n import translator
from dashboards.maturity import completeness_note, judged_values
from dashboards.page import (
    ACCENT,
    MUTED,
    Figure,
    chart_layout,
    esc,
    label_margin,
    plot_div,
    render_page,
    write_page,
)
from dashboards.site import Header
from kpi.registry import KPIS, MEASURES, Kpi, Measure

TREND_METRICS = ("cost", "conversions", "cpa", "cpa_blended", "cpl", "cpl_blended", "roas",
                 "roas_blended", "conversion_rate")  # each judged (paid) KPI, then its blended twin
DAILY_WEEKS = 13
REQUIRED_COLUMNS = ("grain", "level", "period_start", "period_end", "complete", "provisional",
                    "metric", "value", "target", "currency")
HOLIDAY = "#c2410c"  # holiday lines and names: warm, unlike the blue series and grey target
HOLIDAY_LANGUAGES = {"nl": ("nl",), "fr": ("fr",), "en": ("en_US", "en_GB")}
FALLBACK_LANGUAGE = "en_US"  # the holidays package's own names are English
GROUP_GAP_DAYS = 2  # holidays this close share one label (Easter Sunday and Monday)
MAX_TICKS = 6

TEXTS: dict[str, dict[str, str]] = {
    "tr_title": {"nl": "Trends", "fr": "Tendances", "en": "Trends"},
    "tr_daily": {
        "nl": "Per dag, laatste {weeks} weken",
        "fr": "Par jour, {weeks} dernières semaines",
        "en": "Daily, last {weeks} weeks",
    },
    "tr_weekly": {
        "nl": "Per week, volledige historiek",
        "fr": "Par semaine, tout l'historique",
        "en": "Weekly, whole history",
    },
    "tr_data_until": {
        "nl": "Gegevens tot en met {day}",
        "fr": "Données jusqu'au {day} inclus",
        "en": "Data up to and including {day}",
    },
    "tr_holidays_of": {
        "nl": "Feestdagen: {country}",
        "fr": "Jours fériés\u00a0: {country}",
        "en": "Public holidays: {country}",
    },
    "tr_legend_holiday": {
        "nl": "Wettelijke feestdag",
        "fr": "Jour férié légal",
        "en": "Public holiday",
    },
    "tr_holidays_in_period": {
        "nl": "Feestdagen in deze periode",
        "fr": "Jours fériés de la période",
        "en": "Public holidays in this period",
    },
    "tr_holidays_all": {
        "nl": "Alle feestdagen in de historiek ({count})",
        "fr": "Tous les jours fériés de l'historique ({count})",
        "en": "All public holidays in the history ({count})",
    },
    "tr_no_holidays": {
        "nl": "Geen feestdagen in deze periode.",
        "fr": "Aucun jour férié dans cette période.",
        "en": "No public holidays in this period.",
    },
    "tr_no_data_hint": {
        "nl": "Er zijn nog geen KPI-waarden op totaalniveau; ze verschijnen na de eerste run.",
        "fr": "Aucune valeur de KPI au niveau total pour l'instant\u00a0; elles apparaissent "
        "après la première exécution.",
        "en": "There are no total-level KPI values yet; they appear after the first run.",
    },
    "tr_no_daily": {
        "nl": "Geen dagcijfers",
        "fr": "Pas de chiffres journaliers",
        "en": "No daily figures",
    },
    "tr_no_weekly": {
        "nl": "Geen weekcijfers",
        "fr": "Pas de chiffres hebdomadaires",
        "en": "No weekly figures",
    },
}


_t = translator(TEXTS)  # this page's texts first, then the shared ones


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


def _groups(marks: Sequence[tuple[dt.date, str]]) -> list[list[tuple[dt.date, str]]]:
    """Holidays at most ``GROUP_GAP_DAYS`` apart grouped, so their labels do not overlap."""
    groups: list[list[tuple[dt.date, str]]] = []
    for mark in marks:
        if groups and (mark[0] - groups[-1][-1][0]).days <= GROUP_GAP_DAYS:
            groups[-1].append(mark)
        else:
            groups.append([mark])
    return groups


# -- data ---------------------------------------------------------------------------------------


def _is_true(flag: object) -> bool:
    """A nullable flag as a plain bool (None / NA count as False)."""
    return False if flag is None or pd.isna(flag) else bool(flag)


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


def _definition(metric: str) -> Kpi | Measure:
    return KPIS[metric] if metric in KPIS else MEASURES[metric]


# -- figures ------------------------------------------------------------------------------------


def _day_label(day: dt.date, lang: str) -> str:
    return format_skeleton("yMMMEd", day, locale=babel_locale(lang))  # do 14 mei 2026


def trend_figure(rows: pd.DataFrame, metric: str, lang: str, currency: str,
                 marks: Sequence[tuple[dt.date, str]], *, daily: bool) -> dict[str, Any] | None:
    """One KPI over time: solid when final, dotted over provisional or incomplete periods,
    the target dashed, holidays as dotted vertical lines (named on daily charts); a plain
    Plotly spec (:func:`dashboards.page.figure_json`)."""
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
    near = [any(flagged[max(0, i - 1): i + 2]) for i in range(n)]
    custom = []
    for s, e, v, p, f in zip(starts, ends, values, prov, flagged, strict=True):
        names = [name for day, name in marks if s <= day <= e]
        custom.append([
            esc(_day_label(s, lang) if daily else format_week(s, e, lang)),
            esc(format_value(v, d.unit, lang, currency)),
            esc(_t("provisional" if p else "incomplete", lang)) if f else "",
            "".join(f"<br>★ {esc(name)}" for name in names)])
    y = [None if v is None else v * scale for v in values]
    hover = ("%{customdata[0]}<br><b>%{customdata[1]}</b> %{customdata[2]}%{customdata[3]}"
             "<extra></extra>")
    targets = [as_number(v) for v in rows["target"]]
    data: list[dict[str, Any]] = []
    if any(v is not None for v in targets):
        data.append({"type": "scatter", "x": x,
                     "y": [None if v is None else v * scale for v in targets], "mode": "lines",
                     "line": {"color": MUTED, "dash": "dash", "width": 1.5},
                     "name": esc(_t("legend_target", lang)), "hoverinfo": "skip"})
    size = 4 if daily else 5
    data.append({"type": "scatter", "x": x, "y": [v if near[i] else None for i, v in enumerate(y)],
                 "mode": "lines+markers", "line": {"color": ACCENT, "dash": "dot", "width": 2},
                 "marker": {"size": size + 2, "color": "#fff",
                            "line": {"color": ACCENT, "width": 2},
                            "opacity": [1 if f else 0 for f in flagged]},
                 "customdata": custom, "hovertemplate": hover,
                 "hoverinfo": ["all" if f else "skip" for f in flagged],
                 "name": esc(_t("legend_provisional", lang))})
    data.append({"type": "scatter", "x": x,
                 "y": [None if f else v for v, f in zip(y, flagged, strict=True)],
                 "mode": "lines+markers",
                 "line": {"color": ACCENT, "width": 2 if daily else 2.25},
                 "marker": {"size": size, "color": ACCENT}, "customdata": custom,
                 "hovertemplate": hover, "name": esc(_t("legend_actual", lang))})
    shapes, notes = [], []
    for day, _ in marks:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": day.isoformat(),
                       "x1": day.isoformat(), "y0": 0, "y1": 1, "layer": "below",
                       "line": {"color": HOLIDAY, "width": 1, "dash": "dot"}})
    for group in _groups(marks):
        names = " / ".join(name for _, name in group)
        hovertext = "<br>".join(f"{esc(format_date(day, lang))}: {esc(name)}"
                                for day, name in group)
        common = {"x": group[0][0].isoformat(), "xref": "x", "yref": "paper", "showarrow": False,
                  "hovertext": hovertext, "font": {"size": 10, "color": HOLIDAY}}
        if daily:  # the name, upright along the line, just left of it
            notes.append({**common, "text": esc(names), "textangle": -90, "y": 1,
                          "yanchor": "top", "xanchor": "right",
                          "bgcolor": "rgba(255,255,255,.75)"})
        else:  # a small mark above the plot; the name on hover
            notes.append({**common, "text": "▾", "y": 1, "yanchor": "bottom"})
    prefix, suffix = axis_affixes(d.unit, lang, currency)
    if daily:
        ticks = [s for s in starts if s.weekday() == 0][::-1][::3][::-1]  # every third Monday
    else:
        ticks = starts[::-1][:: max(1, -(-n // MAX_TICKS))]  # ≤ 6, the latest included
    base = chart_layout(lang, margin={"l": label_margin(values, targets, unit=d.unit, lang=lang,
                                                     currency=currency),
                                      "r": 12, "t": 8 if daily else 16, "b": 28})
    layout = {**base, "shapes": shapes, "annotations": notes,
              "xaxis": {**base["xaxis"], "type": "date", "automargin": False,
                        "tickvals": [s.isoformat() for s in ticks],
                        "ticktext": [esc(format_day_month(s, lang)) for s in ticks]},
              "yaxis": {**base["yaxis"], "tickprefix": prefix, "ticksuffix": suffix,
                        "separatethousands": True, "exponentformat": "none", "nticks": 5,
                        "rangemode": "tozero" if d.unit != "multiple" else "normal",
                        "automargin": False}}
    return {"data": data, "layout": layout}



# -- page ---------------------------------------------------------------------------------------


def _empty(title: str, hint: str = "") -> str:
    extra = f"<span>{esc(hint)}</span>" if hint else ""
    return f'<div class="empty"><strong>{esc(title)}</strong>{extra}</div>'


def _legend(lang: str, holiday_count: int) -> str:
    keys = [f'<span><i class="key"></i>{esc(_t("legend_actual", lang))}</span>',
            f'<span><i class="key prov"></i>{esc(_t("legend_provisional", lang))}</span>',
            f'<span><i class="key target"></i>{esc(_t("legend_target", lang))}</span>']
    if holiday_count:
        keys.append(f'<span><i class="key" style="border-top:2px dotted {HOLIDAY}"></i>'
                    f'{esc(_t("tr_legend_holiday", lang))}</span>')
    return f'<div class="legend">{"".join(keys)}</div>'


def _holiday_list(marks: Sequence[tuple[dt.date, str]], lang: str) -> str:
    return "".join(f'<li><span class="meta">{esc(_day_label(day, lang))}</span> '
                   f"{esc(name)}</li>" for day, name in marks)


def _section(rows: pd.DataFrame, marks: Sequence[tuple[dt.date, str]], lang: str, currency: str,
             figures: dict[str, Figure], *, daily: bool) -> str:
    """One card per KPI (a chart, or a no-data state)."""
    kind = "daily" if daily else "weekly"
    cards = []
    for metric in TREND_METRICS:
        d = _definition(metric)
        fig = trend_figure(rows, metric, lang, currency, marks, daily=daily)
        fid = f"{kind}-{metric}"
        if fig is not None:
            figures[fid] = fig
        chart = _empty(_t("no_data", lang)) if fig is None else plot_div(fid)
        cards.append(f'<div class="card chart"><h3>{esc(d.label(lang))}</h3>'
                     f'<p class="desc">{esc(d.description(lang))}</p>{chart}</div>')
    return f'<div class="grid charts">{"".join(cards)}</div>'


def render_trends(values: pd.DataFrame, *, lang: str = "en", account: str = "",
                  country: str = "BE", generated_at: dt.datetime | None = None,
                  nowcast: pd.DataFrame | None = None, compare: str = "nowcast",
                  header: Header | None = None) -> str:
    """The trends page as one self-contained HTML string (see the module docstring);
    ``nowcast``: the newest days and weeks drawn as expected once complete."""
    locale_for(lang)  # fail early on an unsupported language or country
    holiday_language(country, lang)
    values = judged_values(values, nowcast, compare)
    days, weeks = totals(values, "day"), totals(values, "week")
    currency = _currency([days, weeks])
    figures: dict[str, Figure] = {}
    meta = [f"{_t('account', lang)}: {account}"] if account else []
    meta.append(_t("currency_note", lang).format(currency=currency))
    if not days.empty:
        meta.append(_t("tr_data_until", lang).format(day=format_date(max(days["period_end"]),
                                                                     lang)))
    meta.append(_t("tr_holidays_of", lang).format(country=country_name(country, lang)))
    parts = [f'<header class="page"><div><h1>{esc(_t("tr_title", lang))}</h1>'
             f'<div class="meta">{esc(" · ".join(meta))}</div></div></header>'
             f"{completeness_note(nowcast, lang, compare)}"]
    if days.empty and weeks.empty:
        parts.append(f'<div class="card">'
                     f'{_empty(_t("no_data", lang), _t("tr_no_data_hint", lang))}</div>')
    else:
        parts.append(_daily(days, lang, currency, country, figures))
        parts.append(_weekly(weeks, lang, currency, country, figures))
    foot = [_t("provisional_note", lang), _t("offline_note", lang)]
    if generated_at is not None:
        foot.insert(0, _t("generated", lang).format(when=format_datetime(generated_at, lang)))
    parts.append("<footer>" + "".join(f"<span>{esc(f)}</span>" for f in foot) + "</footer>")
    title = f"{_t('tr_title', lang)}{' · ' + account if account else ''}"
    return render_page(lang=lang, header=header, title=title,
                       body="\n".join(parts), figures=figures)


def daily_start(end: dt.date) -> dt.date:
    """The first day the daily section shows when its last day is ``end``: older day rows
    are not drawn, so a caller need not read them.

    >>> daily_start(dt.date(2026, 11, 30))
    datetime.date(2026, 9, 1)
    """
    return end - dt.timedelta(days=7 * DAILY_WEEKS - 1)


def _daily(days: pd.DataFrame, lang: str, currency: str, country: str,
           figures: dict[str, Figure]) -> str:
    head = f'<h2>{esc(_t("tr_daily", lang).format(weeks=DAILY_WEEKS))}</h2>'
    if days.empty:
        return head + f'<div class="card">{_empty(_t("tr_no_daily", lang))}</div>'
    end = max(days["period_start"])
    start = daily_start(end)
    window = days[days["period_start"] >= start]
    marks = public_holidays(start, end, lang, country)
    listed = (f'<ul class="holidays">{_holiday_list(marks, lang)}</ul>' if marks
              else f'<p class="meta">{esc(_t("tr_no_holidays", lang))}</p>')
    return (f"{head}{_legend(lang, len(marks))}"
            f"{_section(window, marks, lang, currency, figures, daily=True)}"
            f'<div class="card" style="margin-top:12px"><h3>'
            f'{esc(_t("tr_holidays_in_period", lang))} · '
            f'{esc(country_name(country, lang))}</h3>{listed}</div>')


def _weekly(weeks: pd.DataFrame, lang: str, currency: str, country: str,
            figures: dict[str, Figure]) -> str:
    head = f'<h2>{esc(_t("tr_weekly", lang))}</h2>'
    if weeks.empty:
        return head + f'<div class="card">{_empty(_t("tr_no_weekly", lang))}</div>'
    marks = public_holidays(min(weeks["period_start"]), max(weeks["period_end"]), lang, country)
    every = ""
    if marks:
        every = (f'<details class="card" style="margin-top:12px"><summary>'
                 f'{esc(_t("tr_holidays_all", lang).format(count=len(marks)))}</summary>'
                 f'<ul class="holidays">{_holiday_list(marks, lang)}</ul></details>')
    return (f"{head}{_legend(lang, len(marks))}"
            f"{_section(weeks, marks, lang, currency, figures, daily=False)}{every}")


def write_trends(path: str | Path, values: pd.DataFrame, **kw: Any) -> Path:
    """Render (keywords as :func:`render_trends`), then swap the UTF-8 file in atomically:
    a failure leaves the previous page in place."""
    return write_page(path, render_trends(values, **kw))
