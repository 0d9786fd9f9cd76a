"""plotly.js in the page's language: month and day names, date formats and number marks from
Babel's CLDR data (so charts match the page's numbers), and the toolbar's words.

The Python plotly package ships no plotly.js locale files; a page registers this dict with
``Plotly.register`` and names it in the figure config (see :mod:`dashboards.page`). A date axis
then reads "3 okt" / "3 oct." and its year "2026" under it; the toolbar says "Verschuiven".

>>> locale = plotly_locale("fr")
>>> locale["name"], locale["format"]["shortMonths"][9], locale["format"]["dayMonth"]
('fr-BE', 'oct.', '%-d %b')
>>> locale["dictionary"]["Pan"]
'Déplacer'
>>> d3_format("d/MM/yy 'om' HH:mm")
'%-d/%m/%y om %H:%M'
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from babel import Locale
from babel.dates import (
    get_date_format,
    get_datetime_format,
    get_day_names,
    get_month_names,
    get_period_names,
    get_time_format,
    tokenize_pattern,
)

from kpi.language.format import axis_affixes, locale_for
from kpi.language.translate import N_, translator

_t = translator("plotly", "common")

# plotly.js's own English strings (as its bundle spells them: the modebar buttons' titles, its
# notifications and hints) and the text key of each in the page's language.
PLOTLY_STRINGS: dict[str, str] = {
    "Download plot as a PNG": N_("plotly_download_png"),
    "Download plot": N_("plotly_download"),
    "Preparing image - this may take a few seconds": N_("plotly_preparing"),
    "Image download succeeded": N_("plotly_image_done"),
    "Sorry, there was a problem downloading your image!": N_("plotly_image_failed"),
    "Zoom": N_("plotly_zoom"),
    "Pan": N_("plotly_pan"),
    "Zoom in": N_("plotly_zoom_in"),
    "Zoom out": N_("plotly_zoom_out"),
    "Autoscale": N_("plotly_autoscale"),
    "Reset axes": N_("plotly_reset_axes"),
    "Reset": N_("plotly_reset"),
    "Reset view": N_("plotly_reset_view"),
    "Box Select": N_("plotly_box_select"),
    "Lasso Select": N_("plotly_lasso_select"),
    "Toggle Spike Lines": N_("plotly_spikes"),
    "Show closest data on hover": N_("plotly_hover_closest"),
    "Compare data on hover": N_("plotly_hover_compare"),
    "Toggle show closest data on hover": N_("plotly_hover_toggle"),
    "Double-click to zoom back out": N_("plotly_double_click"),
    "Double-click on legend to isolate one trace": N_("plotly_legend_isolate"),
    "Produced with Plotly.js": N_("plotly_produced_with"),
}

# CLDR date field (letter, width) -> d3-time-format directive; widths not listed fall back to
# the nearest smaller one ("yyyy" -> "%Y", "EEEE" -> "%A").
_D3_FIELDS: dict[str, dict[int, str]] = {
    "y": {1: "%Y", 2: "%y", 3: "%Y"},
    "M": {1: "%-m", 2: "%m", 3: "%b", 4: "%B"},
    "L": {1: "%-m", 2: "%m", 3: "%b", 4: "%B"},
    "d": {1: "%-d", 2: "%d"},
    "E": {1: "%a", 4: "%A"},
    "c": {3: "%a", 4: "%A"},
    "H": {1: "%-H", 2: "%H"},
    "h": {1: "%-I", 2: "%I"},
    "m": {1: "%-M", 2: "%M"},
    "s": {1: "%-S", 2: "%S"},
    "a": {1: "%p"},
}
_SUNDAY_FIRST = (6, 0, 1, 2, 3, 4, 5)  # d3 lists days from Sunday, Babel numbers Monday 0


def d3_format(pattern: str) -> str:
    """A CLDR date pattern (``d MMM y``) as d3-time-format directives (``%-d %b %Y``);
    ValueError naming the field when the pattern uses one d3 cannot write."""
    out: list[str] = []
    for kind, value in tokenize_pattern(pattern):
        if kind == "chars":
            out.append(value.replace("%", "%%"))
            continue
        letter, width = value
        widths = _D3_FIELDS.get(letter)
        usable = [w for w in (widths or {}) if w <= width]
        if not widths or not usable:
            raise ValueError(f"date field {letter * width!r} of {pattern!r} has no d3 directive")
        out.append(widths[max(usable)])
    return "".join(out)


def _skeleton(locale: Locale, skeleton: str) -> str:
    return d3_format(locale.datetime_skeletons[skeleton].pattern)


@cache
def _formats(lang: str) -> dict[str, Any]:
    """plotly.js's ``format`` block: d3's time and number locale plus plotly's axis formats."""
    code = locale_for(lang)
    locale = Locale.parse(code)
    days = get_day_names("wide", locale=code)
    short_days = get_day_names("abbreviated", locale=code)
    periods = get_period_names("abbreviated", context="format", locale=code)
    date = d3_format(get_date_format("short", locale=code).pattern)
    time = d3_format(get_time_format("medium", locale=code).pattern)
    medium_date = d3_format(get_date_format("medium", locale=code).pattern)
    date_time = str(get_datetime_format("medium", locale=code)).replace(
        "{1}", medium_date).replace("{0}", time)
    symbols = locale.number_symbols["latn"]
    return {
        "days": [days[i] for i in _SUNDAY_FIRST],
        "shortDays": [short_days[i] for i in _SUNDAY_FIRST],
        "months": list(get_month_names("wide", locale=code).values()),
        "shortMonths": list(get_month_names("abbreviated", locale=code).values()),
        "periods": [periods["am"], periods["pm"]],
        "dateTime": date_time,
        "date": date,
        "time": time,
        "decimal": symbols["decimal"],
        "thousands": symbols["group"],
        "grouping": [3],
        "currency": list(axis_affixes("currency", lang)),
        # plotly.js's own date axis labels: a year, a month, a day (and the year under it).
        "year": _skeleton(locale, "y"),
        "month": _skeleton(locale, "yMMM"),
        "dayMonth": _skeleton(locale, "MMMd"),
        "dayMonthYear": _skeleton(locale, "yMMMd"),
    }


def plotly_locale(lang: str) -> dict[str, Any]:
    """The plotly.js locale module for ``lang``: ``{"moduleType": "locale", "name": "nl-BE",
    "dictionary": {English string: text}, "format": {...}}``. Every language gets one (the
    English one too: Belgian dates and separators, friendlier button titles)."""
    return {
        "moduleType": "locale",
        "name": locale_for(lang).replace("_", "-"),
        "dictionary": {english: _t(key, lang) for english, key in PLOTLY_STRINGS.items()},
        "format": copy.deepcopy(_formats(lang)),
    }
