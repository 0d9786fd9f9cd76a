"""Locale-aware formatting of KPI values, changes, dates and ISO weeks, all through Babel.

The dashboards speak Belgian Dutch, French and English: ``nl`` -> ``nl_BE``, ``fr`` -> ``fr_BE``,
``en`` -> ``en_BE``. Separators and symbols come from CLDR, never from this module; note that
``en_BE`` writes decimals with a comma, like the other two.

>>> format_value(1234567.891, "currency", "nl")
'€\\xa01.234.567,89'
>>> format_value(0.034, "percent", "fr")
'3,4\\xa0%'
>>> format_value(4.2, "multiple", "en")
'4,2×'
>>> format_change(0.0812, "nl")
'+8,1%'
>>> format_week_label("2026-W47", "fr")
'Semaine 47'
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from functools import cache

import pandas as pd
from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_interval, format_skeleton, format_time
from babel.numbers import (
    NumberPattern,
    format_currency,
    format_decimal,
    format_percent,
    get_plus_sign_symbol,
    parse_pattern,
)

from kpi.language import locale_for
from kpi.language.translate import translator

t = translator("common")


MISSING = "–"  # shown for a value that does not exist (zero denominator, no data)
TIMES = "×"




def as_number(value: object) -> float | None:
    """A finite float, or None for None / NaN / pd.NA / infinities."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@cache
def babel_locale(lang: str) -> Locale:
    """The parsed Babel locale of a page language, parsed once: Babel parses a locale given
    by name on every call, which was a third of a page's formatting time.

    >>> str(babel_locale("fr"))
    'fr_BE'
    """
    return Locale.parse(locale_for(lang))


@cache
def _percent_pattern(loc: Locale, signed: bool) -> NumberPattern:
    """The locale's percent pattern with exactly one decimal, optionally with an explicit +."""
    pattern = copy.copy(parse_pattern(loc.percent_formats[None].pattern))
    pattern.frac_prec = (1, 1)
    if signed:
        pattern.prefix = (get_plus_sign_symbol(loc) + pattern.prefix[0], pattern.prefix[1])
    return pattern


def as_day(value: object) -> dt.date | None:
    """A date from a date, timestamp or ISO string; None when missing.

    >>> as_day("2026-11-23T06:00"), as_day(None)
    (datetime.date(2026, 11, 23), None)
    """
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def format_value(value: object, unit: str, lang: str, currency: str = "EUR") -> str:
    """A KPI or measure value by its registry unit; ``–`` when there is no value.

    currency: two decimals (per currency) with its symbol; percent: a fraction shown with one
    decimal; multiple: one decimal and ``×``; count: grouped, at most one decimal.
    """
    loc = babel_locale(lang)
    number = as_number(value)
    if number is None:
        return MISSING
    if unit == "currency":
        return format_currency(number, currency, locale=loc)
    if unit == "percent":
        return _percent_pattern(loc, False).apply(number, loc)
    if unit == "multiple":
        return format_decimal(number, "#,##0.0", locale=loc) + TIMES
    if unit == "count":
        return format_decimal(number, "#,##0.#", locale=loc)
    raise ValueError(f"unknown unit {unit!r}")


def format_change(change: object, lang: str) -> str:
    """A signed relative change (0.081 -> ``+8,1%``); no sign when it rounds to zero."""
    loc = babel_locale(lang)
    number = as_number(change)
    if number is None:
        return MISSING
    if round(number * 100, 1) == 0:
        return _percent_pattern(loc, False).apply(0.0, loc)
    return _percent_pattern(loc, True).apply(number, loc)


def format_date(day: dt.date, lang: str, fmt: str = "medium") -> str:
    """A date in the page language, e.g. ``16 nov 2026`` (nl, medium)."""
    return _babel_date(day, fmt, locale=babel_locale(lang))


def format_day_month(day: dt.date, lang: str) -> str:
    """A short day and month for chart ticks, e.g. ``16 nov.`` (fr)."""
    return format_skeleton("MMMd", day, locale=babel_locale(lang))


def format_datetime(moment: dt.datetime, lang: str) -> str:
    """Date and time to the minute, e.g. ``23 Nov 2026, 06:05`` (en)."""
    loc = babel_locale(lang)
    pattern = loc.datetime_formats["medium"]
    day, time = _babel_date(moment, "medium", locale=loc), format_time(moment, "short", locale=loc)
    return pattern.replace("{1}", day).replace("{0}", time)


def format_range(start: dt.date, end: dt.date, lang: str) -> str:
    """An inclusive date range, e.g. ``16–22 nov 2026`` (nl)."""
    return format_interval(start, end, "yMMMd", locale=babel_locale(lang))


def iso_week(label_or_day: str | dt.date) -> tuple[int, int]:
    """(ISO year, ISO week) of a ``2026-W47`` label or of a date."""
    if isinstance(label_or_day, dt.date):
        year, week, _ = label_or_day.isocalendar()
        return year, week
    year_part, sep, week_part = label_or_day.partition("-W")
    if not sep or not year_part.isdigit() or not week_part.isdigit():
        raise ValueError(f"not an ISO week label: {label_or_day!r} (expected e.g. '2026-W47')")
    return int(year_part), int(week_part)


def format_week_label(label_or_day: str | dt.date, lang: str) -> str:
    """``Week 47`` / ``Semaine 47`` for a ``2026-W47`` label or a day of that week."""
    locale_for(lang)
    _, week = iso_week(label_or_day)
    return t("week_n", lang).format(week=week)


def format_week(start: dt.date, end: dt.date, lang: str) -> str:
    """A week with its dates, e.g. ``Week 47 · 16–22 Nov 2026`` (en)."""
    return f"{format_week_label(start, lang)} · {format_range(start, end, lang)}"


def plotly_separators(lang: str) -> str:
    """Plotly's ``layout.separators`` (decimal then group symbol) from the locale."""
    locale = Locale.parse(locale_for(lang))
    return locale.number_symbols["latn"]["decimal"] + locale.number_symbols["latn"]["group"]


def axis_affixes(unit: str, lang: str, currency: str = "EUR") -> tuple[str, str]:
    """Tick prefix and suffix that make Plotly axis numbers read like :func:`format_value`.

    Found by formatting a sentinel number with Babel and cutting around it, so the symbol
    position and its no-break space follow the locale. Percent axes expect values × 100.
    """
    sample = format_value(7, unit, lang, currency)
    digits = [i for i, char in enumerate(sample) if char.isdigit()]
    return sample[: digits[0]], sample[digits[-1] + 1 :]


def format_share(share: float, lang: str, digits: int = 0) -> str:
    """A share as a percentage in the locale's pattern, with at most ``digits`` decimals and
    only those it needs.

    >>> format_share(0.95, "fr"), format_share(0.975, "nl", 1), format_share(0.347, "en")
    ('95\xa0%', '97,5%', '35%')
    """
    return format_percent(round(share, 2 + digits), locale=locale_for(lang),
                          decimal_quantization=False)
