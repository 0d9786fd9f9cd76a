"""How complete the newest periods are, said the same way on every page.

Reads ``kpi_nowcast`` (see :mod:`kpi.nowcast_tables`): the account's conversions per period,
seen and expected. A page shows one line above its charts, e.g. "Conversions still coming in:
week 47 about 78 % in, November about 93 % in (figures marked ≈ are expected final values)".

>>> import datetime as dt, pandas as pd
>>> now = pd.DataFrame({"grain": ["week", "month"], "level": "total", "metric": "conversions",
...     "period_start": [dt.date(2026, 11, 16), dt.date(2026, 11, 1)],
...     "completeness": [0.776, 0.93]})
>>> print(completeness_text(now, "en"))
Conversions still coming in: week 47 about 77,6% in, November 2026 about 93,0% in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from babel.dates import format_skeleton

from kpi.language.format import format_value, locale_for
from kpi.language.translate import translator
from kpi.maturity import lag_aware

SHOWN_GRAINS = ("week", "month")


def estimate(value: float | None, unit: str, lang: str, currency: str = "EUR") -> str:
    """A nowcast as shown: counts in whole units (an expected 301,6 leads is "302").

    >>> estimate(301.6, "count", "en"), estimate(47.234, "currency", "en")
    ('302', '47,23\xa0€')
    """
    if value is not None and unit == "count":
        value = float(round(value))
    return format_value(value, unit, lang, currency)


def judged_values(values: pd.DataFrame, nowcast: pd.DataFrame | None = None,
                  compare: str = "nowcast") -> pd.DataFrame:
    """``values`` lag-aware (see :func:`kpi.maturity.lag_aware`) when there are nowcasts."""
    if nowcast is None or nowcast.empty or values.empty:
        return values
    return lag_aware(values, nowcast, compare)  # type: ignore[arg-type]


_t = translator("maturity", "common")


def _period(grain: str, start: dt.date, lang: str) -> str:
    if grain == "week":
        return _t("m_week", lang).format(week=start.isocalendar()[1])
    if grain == "month":
        return format_skeleton("yMMMM", start, locale=locale_for(lang))
    return start.isoformat()


def incomplete_periods(nowcast: pd.DataFrame | None, grains=SHOWN_GRAINS) -> pd.DataFrame:
    """The account's still-filling periods: grain, period_start, completeness (newest first)."""
    if nowcast is None or nowcast.empty:
        return pd.DataFrame(columns=["grain", "period_start", "completeness"])
    rows = nowcast[(nowcast["level"] == "total") & (nowcast["metric"] == "conversions")
                   & nowcast["grain"].isin(grains) & (nowcast["completeness"] < 0.995)]
    rows = rows.assign(period_start=pd.to_datetime(rows["period_start"]).dt.date)
    order = {g: i for i, g in enumerate(grains)}
    rows = rows.assign(_o=rows["grain"].map(order)).sort_values(["_o", "period_start"],
                                                                ascending=[True, False])
    return rows[["grain", "period_start", "completeness"]].reset_index(drop=True)


def completeness_text(nowcast: pd.DataFrame | None, lang: str) -> str:
    """One sentence (plain text); empty when every period is complete."""
    rows = incomplete_periods(nowcast)
    if rows.empty:
        return ""
    parts = [_t("m_period_share", lang).format(
        period=_period(r.grain, r.period_start, lang),
        share=format_value(r.completeness, "percent", lang)) for r in rows.itertuples()]
    return _t("m_still_arriving", lang).format(periods=", ".join(parts))


@dataclass(frozen=True)
class CompletenessNote:
    """The note as words: which periods are still filling, and how the page judges them."""

    sentence: str
    how: str


def completeness(nowcast: pd.DataFrame | None, lang: str,
                 compare: str = "nowcast") -> CompletenessNote | None:
    """The note a page shows above its charts (``{{ mt.completeness(note) }}`` from
    ``templates/maturity.html``), or None when every period is complete; ``compare`` says how
    the page judges the newest periods (see :mod:`kpi.maturity`).

    >>> now = pd.DataFrame({"grain": ["week"], "level": "total", "metric": "conversions",
    ...     "period_start": [dt.date(2026, 11, 16)], "completeness": [0.5]})
    >>> completeness(now, "en", "same_age").how[:31]
    'Each period is compared with th'
    >>> completeness(now.assign(completeness=1.0), "en") is None
    True
    """
    sentence = completeness_text(nowcast, lang)
    if not sentence:
        return None
    how = _t("m_estimates", lang) if compare == "nowcast" else _t("m_same_age", lang)
    return CompletenessNote(sentence, how)
