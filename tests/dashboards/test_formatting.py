"""Exact strings from Babel 2.18 for nl_BE, fr_BE and en_BE (mind \xa0 and \u202f)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from kpi.language.format import (
    axis_affixes,
    format_change,
    format_date,
    format_datetime,
    format_day_month,
    format_range,
    format_value,
    format_week,
    format_week_label,
    iso_week,
    locale_for,
    plotly_separators,
)


@pytest.mark.parametrize(("lang", "locale"), [("nl", "nl_BE"), ("fr", "fr_BE"), ("en", "en_BE")])
def test_locale_for(lang: str, locale: str) -> None:
    assert locale_for(lang) == locale


def test_locale_for_rejects_other_languages() -> None:
    with pytest.raises(ValueError, match="'de'"):
        locale_for("de")


@pytest.mark.parametrize(
    ("unit", "value", "nl", "fr", "en"),
    [
        ("currency", 1234567.891, "€\xa01.234.567,89", "1\u202f234\u202f567,89\xa0€",
         "1.234.567,89\xa0€"),
        ("currency", 12.5, "€\xa012,50", "12,50\xa0€", "12,50\xa0€"),
        ("percent", 0.034, "3,4%", "3,4\xa0%", "3,4%"),
        ("percent", 0.12345, "12,3%", "12,3\xa0%", "12,3%"),
        ("multiple", 4.2, "4,2×", "4,2×", "4,2×"),
        ("multiple", 12.04, "12,0×", "12,0×", "12,0×"),
        ("count", 1234567, "1.234.567", "1\u202f234\u202f567", "1.234.567"),
        ("count", 12.5, "12,5", "12,5", "12,5"),
        ("count", 83.0, "83", "83", "83"),
    ],
)
def test_format_value(unit: str, value: float, nl: str, fr: str, en: str) -> None:
    assert [format_value(value, unit, lang) for lang in ("nl", "fr", "en")] == [nl, fr, en]


@pytest.mark.parametrize("missing", [None, math.nan, math.inf, "n/a"])
def test_format_value_without_a_value_is_a_dash(missing: object) -> None:
    assert format_value(missing, "currency", "nl") == "–"


def test_format_value_other_currency_and_unknown_unit() -> None:
    assert format_value(1234.5, "currency", "en", currency="USD") == "1.234,50\xa0US$"
    with pytest.raises(ValueError, match="'ratio'"):
        format_value(1.0, "ratio", "en")


@pytest.mark.parametrize(
    ("change", "nl", "fr", "en"),
    [
        (0.0812, "+8,1%", "+8,1\xa0%", "+8,1%"),
        (-0.0812, "-8,1%", "-8,1\xa0%", "-8,1%"),
        (1.5, "+150,0%", "+150,0\xa0%", "+150,0%"),
        (0.0004, "0,0%", "0,0\xa0%", "0,0%"),  # rounds to zero: no sign
        (None, "–", "–", "–"),
    ],
)
def test_format_change(change: float | None, nl: str, fr: str, en: str) -> None:
    assert [format_change(change, lang) for lang in ("nl", "fr", "en")] == [nl, fr, en]


def test_dates_and_weeks() -> None:
    start, end = dt.date(2026, 11, 16), dt.date(2026, 11, 22)
    assert [format_date(start, lang) for lang in ("nl", "fr", "en")] == [
        "16 nov 2026", "16 nov. 2026", "16 Nov 2026"]
    assert [format_day_month(start, lang) for lang in ("nl", "fr", "en")] == [
        "16 nov", "16 nov.", "16 Nov"]
    assert [format_range(start, end, lang) for lang in ("nl", "fr", "en")] == [
        "16–22 nov 2026", "16–22 nov. 2026", "16–22 Nov 2026"]
    assert format_range(dt.date(2026, 12, 28), dt.date(2027, 1, 3), "fr") == (
        "28 déc. 2026\u2009–\u20093 janv. 2027")
    assert [format_week(start, end, lang) for lang in ("nl", "fr", "en")] == [
        "Week 47 · 16–22 nov 2026", "Semaine 47 · 16–22 nov. 2026", "Week 47 · 16–22 Nov 2026"]
    moment = dt.datetime(2026, 11, 23, 6, 5)
    assert [format_datetime(moment, lang) for lang in ("nl", "fr", "en")] == [
        "23 nov 2026, 06:05", "23 nov. 2026, 06:05", "23 Nov 2026, 06:05"]


def test_iso_weeks() -> None:
    assert iso_week("2026-W47") == (2026, 47)
    assert iso_week(dt.date(2027, 1, 1)) == (2026, 53)  # ISO year, not calendar year
    assert format_week_label("2026-W01", "fr") == "Semaine 1"
    with pytest.raises(ValueError, match="2026-11"):
        iso_week("2026-11")


def test_plotly_axis_settings_follow_the_locale() -> None:
    assert [plotly_separators(lang) for lang in ("nl", "fr", "en")] == [",.", ",\u202f", ",."]
    assert axis_affixes("currency", "nl") == ("€\xa0", "")
    assert axis_affixes("currency", "fr") == ("", "\xa0€")
    assert axis_affixes("percent", "fr") == ("", "\xa0%")
    assert axis_affixes("multiple", "en") == ("", "×")
    assert axis_affixes("count", "en") == ("", "")
