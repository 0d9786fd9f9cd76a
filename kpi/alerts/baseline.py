"""Expected range of one day of many daily series, from each series' own recent history.

Method: a robust seasonal baseline, on the multiplicative scale the platforms' numbers move on.
For each series, over the last :data:`HISTORY_DAYS` days before the judged day (holidays and
days already inside an open anomaly left out):

- weekday factors ``w_k`` = the mean of weekday ``k`` over the overall mean, shrunk towards 1
  (eight values a weekday are few);
- the level = the median of the last :data:`LEVEL_DAYS` de-seasonalised days: a local level
  follows a trend or a budget change within two weeks, and a median is not dragged by the odd
  spike (a fitted slope over the same days swings with every outlier);
- days before a series' first non-zero value do not count (a campaign launched last week has
  no history yet, and is judged from its third week on);
- a Belgian public holiday is expected at the Sunday factor times :data:`HOLIDAY_FACTOR`;
- the spread = the robust variance (1.4826 * MAD)^2 of the log residuals ``log((y + 1) /
  (mu + 1))`` over the history (money: lognormal tails);
- counts get negative-binomial tails, variance ``mu + k mu^2`` with ``k`` by moments on the raw
  scale (the log residuals understate small counts' spread: a day of 1 among days of 8 is the
  demand noise beyond Poisson that ``k`` must hold).

Why not a Poisson / NB GLM with weekday + holiday + trend terms per series: it fits the same
shape with ten parameters on 56 points, is pulled by the anomalies it is meant to find (its
trend term above all), and costs a solver run per series per night; the medians here are
closed-form, vectorised over all campaigns at once, and resist contamination. Immature days are
judged on what should have been *seen* by now: the expected final value times the lag curve's
completeness at the day's age (:mod:`kpi.lag`), history days scaled up by it.

>>> days = np.arange(np.datetime64("2026-01-01"), np.datetime64("2026-03-01"))
>>> y = np.full((len(days), 1), 100.0)
>>> b = baseline(y[:-1], days[:-1], days[-1], np.zeros((len(days) - 1, 1), bool))
>>> float(b.mean[0]), float(b.spread[0])
(100.0, 0.01)
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from functools import cache

import holidays
import numpy as np
from scipy import stats

HISTORY_DAYS = 56
LEVEL_DAYS = 14
HOLIDAY_FACTOR = 0.85
MIN_SPREAD = 0.01  # a floor on the log variance: no series is that regular
MIN_DISPERSION = 0.01  # a floor on the NB dispersion of counts (Poisson and a little more)
MIN_HISTORY = 21  # usable days before a series is judged at all


@cache
def _belgian_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("BE", years=year))


def is_holiday(day: dt.date) -> bool:
    """A Belgian public holiday.

    >>> is_holiday(dt.date(2026, 7, 21)), is_holiday(dt.date(2026, 7, 22))
    (True, False)
    """
    return day in _belgian_holidays(day.year)


@dataclass(frozen=True)
class Baseline:
    """Per series (S,): expected value, log-scale spread, usable history days."""

    mean: np.ndarray
    spread: np.ndarray
    n: np.ndarray
    dispersion: np.ndarray | None = None  # NB k of counts (variance mu + k mu^2)

    def _nb(self, share: float) -> tuple[np.ndarray, np.ndarray]:
        mu = np.maximum(self.mean * share, 1e-9)
        k = (self.dispersion if self.dispersion is not None
             else np.maximum(self.spread - 1 / np.maximum(mu, 1), MIN_SPREAD))
        size = 1 / np.maximum(k, MIN_DISPERSION)
        return size, size / (size + mu)

    def count_tail(self, seen: np.ndarray, share: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """P(Y <= seen) and P(Y >= seen) for counts, the expectation scaled by ``share``."""
        size, p = self._nb(share)
        return stats.nbinom.cdf(seen, size, p), stats.nbinom.sf(seen - 1, size, p)

    def count_interval(self, level: float, share: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """The central ``level`` interval of a count (NB)."""
        size, p = self._nb(share)
        a = (1 - level) / 2
        return stats.nbinom.ppf(a, size, p), stats.nbinom.ppf(1 - a, size, p)

    def money_interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """The central ``level`` interval of an amount (lognormal around the expectation)."""
        z = stats.norm.ppf(1 - (1 - level) / 2)
        s = np.sqrt(np.maximum(self.spread, MIN_SPREAD))
        return self.mean * np.exp(-z * s), self.mean * np.exp(z * s)

    def money_z(self, seen: np.ndarray) -> np.ndarray:
        """How many log-scale standard deviations ``seen`` lies from the expectation."""
        s = np.sqrt(np.maximum(self.spread, MIN_SPREAD))
        return (np.log1p(np.maximum(seen, 0)) - np.log1p(self.mean)) / s


def baseline(history: np.ndarray, days: np.ndarray, day: np.datetime64,
             excluded: np.ndarray) -> Baseline:
    """Expected value of ``day`` for each column of ``history`` (days x series, final values).

    ``days`` are the history's dates (datetime64[D], consecutive, ending before ``day``);
    ``excluded`` (days x series) marks days not to learn from (inside an open anomaly).
    """
    keep = slice(-HISTORY_DAYS, None)
    history, days, excluded = history[keep], days[keep], excluded[keep]
    dates = days.astype(object)
    holiday = np.array([is_holiday(d) for d in dates], dtype=bool)
    live = np.maximum.accumulate(np.nan_to_num(history) > 0, axis=0)  # from its first value
    use = ~excluded & ~holiday[:, None] & np.isfinite(history) & live
    weekday = np.array([d.weekday() for d in dates])
    y = np.where(use, history, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: no history yet
        overall = np.nanmean(y, axis=0)
        w = np.ones((7, history.shape[1]))
        for k in range(7):
            rows = weekday == k
            n_k = use[rows].sum(axis=0)
            m_k = np.nanmean(y[rows], axis=0) if rows.any() else np.full(history.shape[1], np.nan)
            raw = np.where((n_k > 0) & (overall > 0), m_k / overall, 1.0)
            w[k] = (n_k * raw + 2.0) / (n_k + 2.0)
        w = np.maximum(w, 0.05)
        deseason = y / w[weekday]
        level = np.nanmedian(deseason[-LEVEL_DAYS:], axis=0)
        level = np.where(np.isfinite(level), level, np.nanmedian(deseason, axis=0))
        fitted = level[None, :] * w[weekday]
        resid = np.log1p(np.maximum(y, 0)) - np.log1p(fitted)
        mad = np.nanmedian(np.abs(resid - np.nanmedian(resid, axis=0)), axis=0)
        # NB dispersion by moments on the raw scale: sum((y - mu)^2 - mu) / sum(mu^2)
        excess = np.nansum((y - fitted) ** 2 - fitted, axis=0)
        dispersion = np.maximum(excess / np.maximum(np.nansum(fitted**2, axis=0), 1e-9),
                                MIN_DISPERSION)
    target = day.astype(object)
    factor = w[target.weekday()] * 1.0
    if is_holiday(target):
        factor = w[6] * HOLIDAY_FACTOR
    mean = np.nan_to_num(level * factor, nan=0.0)
    spread = np.maximum(np.nan_to_num((1.4826 * mad) ** 2, nan=1.0), MIN_SPREAD)
    return Baseline(mean=mean, spread=spread, n=use.sum(axis=0),
                    dispersion=np.nan_to_num(dispersion, nan=1.0))
