"""The demo's calendar: weekday profiles, yearly seasons, Belgian public holidays and the
webshop's peaks (Black Friday, December), as one multiplier per day and theme.

>>> import numpy as np
>>> days = np.arange(np.datetime64("2026-12-24"), np.datetime64("2026-12-27"))
>>> f = calendar_factors(days)["webshop"]
>>> bool(f[1] < f[0])  # Christmas Day: a public holiday, and the shop is quiet
True
"""

from __future__ import annotations

import datetime as dt

import holidays
import numpy as np

from pipelines.sources.demo.world import Theme

HOLIDAY_FACTOR = 0.7
_WEEKDAY: dict[str, tuple[float, ...]] = {  # Monday .. Sunday, normalised to mean 1 below
    "lead": (1.08, 1.07, 1.04, 1.0, 0.92, 0.8, 1.0),
    "brand": (1.05, 1.04, 1.02, 1.0, 0.95, 0.9, 1.04),
    "webshop": (0.98, 0.97, 0.97, 0.98, 1.0, 1.05, 1.05),
    "flat": (1.0, 1.0, 1.0, 1.0, 1.0, 1.03, 1.03),
}
_THEME_WEEKDAY: dict[Theme, str] = {
    "brand": "brand", "solar": "lead", "heat_pump": "lead", "generic": "lead",
    "webshop": "webshop", "display": "flat", "video": "flat",
}
_SEASON: dict[Theme, tuple[int, float]] = {  # (peak day of year, amplitude) of a yearly cosine
    "brand": (100, 0.15), "solar": (125, 0.45), "heat_pump": (320, 0.35), "generic": (60, 0.1),
    "webshop": (340, 0.12), "display": (100, 0.08), "video": (100, 0.1),
}

def _webshop_peaks(days: np.ndarray) -> np.ndarray:
    """Black Friday week, Cyber Monday and the December rush (1 elsewhere)."""
    factor = np.ones(len(days))
    day0 = days[0]
    for year in range(days[0].astype(object).year, days[-1].astype(object).year + 1):
        nov1 = dt.date(year, 11, 1)
        black_friday = nov1 + dt.timedelta(days=(3 - nov1.weekday()) % 7 + 22)
        spans = [
            (black_friday - dt.timedelta(days=7), black_friday, 1.25),
            (black_friday, black_friday + dt.timedelta(days=1), 2.2),
            (black_friday + dt.timedelta(days=1), black_friday + dt.timedelta(days=4), 1.6),
            (dt.date(year, 12, 1), dt.date(year, 12, 21), 1.45),
            (dt.date(year, 12, 21), dt.date(year, 12, 24), 1.2),
            (dt.date(year, 12, 24), dt.date(year, 12, 27), 0.7),
        ]
        for lo, hi, mult in spans:
            a = max(int((np.datetime64(lo) - day0).astype(int)), 0)
            b = min(int((np.datetime64(hi) - day0).astype(int)), len(days))
            if a < b:
                factor[a:b] = mult
    return factor


def calendar_factors(days: np.ndarray) -> dict[Theme, np.ndarray]:
    """Weekday x yearly season x Belgian public holiday multiplier per theme, (D,) each."""
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    day_of_year = (days - days.astype("datetime64[Y]")).astype(np.int64) + 1
    years = range(days[0].astype(object).year, days[-1].astype(object).year + 1)
    be = np.array(sorted(holidays.country_holidays("BE", years=years)), dtype="datetime64[D]")
    holiday = np.where(np.isin(days, be), HOLIDAY_FACTOR, 1.0)
    out: dict[Theme, np.ndarray] = {}
    for theme, (peak, amplitude) in _SEASON.items():
        profile = np.array(_WEEKDAY[_THEME_WEEKDAY[theme]])
        season = 1 + amplitude * np.cos(2 * np.pi * (day_of_year - peak) / 365.25)
        if theme == "webshop":
            season = season * _webshop_peaks(days)
        out[theme] = (profile / profile.mean())[weekday] * season * holiday
    return out
