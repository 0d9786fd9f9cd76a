"""plotly.js's locale module from Babel's CLDR data: the same dates and marks as the page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.dates import format_date, format_skeleton, format_time, get_month_names
from plotly.offline import get_plotlyjs

from dashboards.page import PLOT_CONFIG
from dashboards.plotly_locale import PLOTLY_STRINGS, d3_format, plotly_locale
from kpi.language import LANGUAGES
from kpi.language.format import format_value, locale_for, plotly_separators
from kpi.language.translate import message_ids

DAYS = [dt.datetime(2026, 10, 3, 9, 5, 7), dt.datetime(2026, 2, 28, 17, 45, 0),
        dt.datetime(2027, 1, 1, 0, 0, 0), dt.datetime(2026, 9, 14, 12, 30, 59)]


def d3(fmt: str, when: dt.datetime, f: dict) -> str:
    """A small d3-time-format for the directives plotly_locale writes, with the locale's names."""
    hour12 = when.hour % 12 or 12
    values = {"Y": f"{when.year}", "y": f"{when.year % 100:02d}", "m": f"{when.month:02d}",
              "-m": f"{when.month}", "d": f"{when.day:02d}", "-d": f"{when.day}",
              "b": f["shortMonths"][when.month - 1], "B": f["months"][when.month - 1],
              "a": f["shortDays"][(when.weekday() + 1) % 7],
              "A": f["days"][(when.weekday() + 1) % 7],
              "H": f"{when.hour:02d}", "-H": f"{when.hour}", "I": f"{hour12:02d}",
              "-I": f"{hour12}", "M": f"{when.minute:02d}", "-M": f"{when.minute}",
              "S": f"{when.second:02d}", "-S": f"{when.second}",
              "p": f["periods"][when.hour >= 12], "%": "%"}
    return re.sub(r"%(-?[A-Za-z%])", lambda m: values[m.group(1)], fmt)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dates_read_as_babel_writes_them(lang: str) -> None:
    code = locale_for(lang)
    f = plotly_locale(lang)["format"]
    for when in DAYS:
        assert d3(f["date"], when, f) == format_date(when, "short", locale=code)
        assert d3(f["time"], when, f) == format_time(when, "medium", locale=code)
        assert d3(f["year"], when, f) == format_skeleton("y", when, locale=code)
        assert d3(f["month"], when, f) == format_skeleton("yMMM", when, locale=code)
        assert d3(f["dayMonth"], when, f) == format_skeleton("MMMd", when, locale=code)
        assert d3(f["dayMonthYear"], when, f) == format_skeleton("yMMMd", when, locale=code)
        assert d3(f["dateTime"], when, f).startswith(format_date(when, "medium", locale=code))


@pytest.mark.parametrize(("lang", "name", "october", "sunday"), [
    ("nl", "nl-BE", "okt", "zondag"), ("fr", "fr-BE", "oct.", "dimanche"),
    ("en", "en-BE", "Oct", "Sunday")])
def test_names_and_number_marks(lang: str, name: str, october: str, sunday: str) -> None:
    locale = plotly_locale(lang)
    f = locale["format"]
    assert locale["moduleType"] == "locale" and locale["name"] == name
    assert f["shortMonths"][9] == october and f["days"][0] == sunday
    assert len(f["months"]) == len(f["shortMonths"]) == 12
    assert len(f["days"]) == len(f["shortDays"]) == 7 and len(f["periods"]) == 2
    assert f["months"] == list(get_month_names("wide", locale=locale_for(lang)).values())
    assert f["decimal"] + f["thousands"] == plotly_separators(lang) and f["grouping"] == [3]
    prefix, suffix = f["currency"]
    money = format_value(7, "currency", lang)  # "€ 7,00", "7,00 €"
    assert money.startswith(prefix) and money.endswith(suffix) and "€" in prefix + suffix


def test_locale_is_a_fresh_copy() -> None:
    plotly_locale("nl")["format"]["months"].clear()
    assert len(plotly_locale("nl")["format"]["months"]) == 12


def test_unknown_date_fields_are_named() -> None:
    assert d3_format("EEEE d MMMM yyyy 'at' h:mm a, 100%") == "%A %-d %B %Y at %-I:%M %p, 100%%"
    with pytest.raises(ValueError, match="'G'"):
        d3_format("d MMM y G")


def test_dictionary_translates_plotlyjs_own_strings() -> None:
    """Every English string is one plotly.js asks its locale for (a renamed button title in a
    new plotly.js shows up here), and every toolbar button the pages keep is translated."""
    bundle = get_plotlyjs()
    for english in PLOTLY_STRINGS:
        assert re.search(r'\w\([\w.]+,"' + re.escape(english) + '"\\)', bundle), english
    kept = {"Download plot as a PNG", "Zoom", "Pan", "Reset axes", "Double-click to zoom back out"}
    assert kept <= set(PLOTLY_STRINGS)
    for lang in LANGUAGES:
        dictionary = plotly_locale(lang)["dictionary"]
        assert set(dictionary) == set(PLOTLY_STRINGS)
        assert all(v.strip() for v in dictionary.values())
    assert plotly_locale("nl")["dictionary"]["Pan"] == "Verschuiven"


def test_toolbar_keeps_download_zoom_pan_and_reset() -> None:
    removed = set(PLOT_CONFIG["modeBarButtonsToRemove"])
    assert {"select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d"} <= removed
    assert not removed & {"toImage", "zoom2d", "pan2d", "resetScale2d"}
    assert PLOT_CONFIG["showSendToCloud"] is False and PLOT_CONFIG["displaylogo"] is False




def test_every_text_is_used() -> None:
    assert message_ids("plotly") == set(PLOTLY_STRINGS.values())
