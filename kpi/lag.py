"""Lag curves: how complete a day's conversions are at each age, from what the pulls saw.

The revision history (``raw_revisions``) gives, for every past day, the running total of each
measure at each age (days from the day to the night it was pulled). That is a loss-reserving
development triangle, and the chain-ladder estimates are the ones used here (Mack 1993):

- age-to-age factor ``f_a = sum_d C[d, a+1] / sum_d C[d, a]`` over the days seen at both ages
  (volume-weighted, the chain-ladder's own estimate);
- ``F_a = f_a * f_(a+1) * ...``: what a total seen at age ``a`` becomes in the end; the
  completeness is ``1 / F_a``;
- Mack's ``sigma2_a = 1/(n-1) sum_d C[d, a] (C[d, a+1] / C[d, a] - f_a)^2`` for the spread,
  extrapolated at the last ages as Mack proposes.

Mack's variance assumes the final value is proportional to what has been seen; when arrivals
are independent of each other (a Poisson stream split over lags, as conversions are), a young
day's count also misjudges its level. So the spread used for nowcasts is measured directly on
the days that are already final: ``phi_a = sum_d (U_d - F_a C[d, a])^2 / sum_d C[d, a]``, the
squared error the nowcast would have made at age ``a``, per unit seen (Mack's figure where too
few days are final). On the demo both give the same calibration for weeks (80 % intervals
holding 77-83 % of the newest 90 weeks; 74-82 % of all 177, benchmarks/RESULTS.md): the
measured one needs no model of the arrivals to be right.

Why our own twenty lines and not the ``chainladder`` package: it brings numba and sparse (and
their compile time) for two ratios of sums and one variance; its triangles are yearly/quarterly
origin grids, ours are one row per day and per measure. The formulas and a published example
(Mack 1993's Taylor-Ashe triangle, its factors and standard errors) are pinned in the tests.

When a measure has fewer than :data:`MIN_ORIGINS` days seen at an age, the curve is pooled with
the other count measures of the same source (leads and purchases move together); when even the
pool is short (an account's first weeks), the factor there is unknown and nothing later than
that age is nowcast: the period is "too early to judge".

>>> tri = np.array([[10., 15., 16.], [20., 30., 32.], [12., 18., np.nan]])
>>> curve = fit_curve(tri, min_origins=2)
>>> [round(f, 4) for f in curve.factors]
[1.5, 1.0667, 1.0]
>>> round(curve.to_ultimate(2), 4), round(curve.completeness(1), 4)
(1.0667, 0.625)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_ORIGINS = 14  # days seen at both ages before an age-to-age factor is trusted
FIT_ORIGINS = 182  # the most recent half year of days: lags drift with tagging and offers


@dataclass(frozen=True)
class LagCurve:
    """Chain-ladder development of one measure; ages 1..len(factors)."""

    factors: tuple[float, ...]  # f_a for a = 1..A (f_A = 1: final from the last age on)
    sigma2: tuple[float, ...]  # Mack's sigma^2_a
    volumes: tuple[float, ...]  # sum_d C[d, a] over the days used for f_a
    known: int  # factors known for ages 1..known; older ages assumed final (1)
    origins: int  # days in the triangle
    pooled: bool = False
    dispersion: tuple[float, ...] = ()  # phi_a measured on final days (empty: use Mack's)
    final_volumes: tuple[float, ...] = ()  # sum_d C[d, a] over those final days

    @property
    def max_age(self) -> int:
        return len(self.factors)

    def _slice(self, age: int) -> slice:
        return slice(max(age, 1) - 1, len(self.factors))

    def to_ultimate(self, age: int) -> float:
        """F_a: the factor from the total seen at ``age`` to the final total."""
        if age >= self.max_age:
            return 1.0
        return float(np.prod(self.factors[self._slice(age)]))

    def completeness(self, age: int) -> float:
        """Share of the final total seen at ``age`` (1 from the last age on)."""
        return 1.0 / self.to_ultimate(age)

    @property
    def reliable(self) -> bool:
        """Whether every factor was estimated (False in an account's first weeks: the older
        ages are then taken as final, so nowcasts are lower bounds)."""
        return self.known >= self.max_age - 1

    def process_variance(self, age: int) -> float:
        """Var(final | seen c at ``age``) / c: the squared error per unit seen, as measured on
        the final days (:attr:`dispersion`), else Mack's process variance."""
        if age >= self.max_age:
            return 0.0
        if self.dispersion:
            return self.dispersion[age - 1]
        return self.mack_process_variance(age)

    def mack_process_variance(self, age: int) -> float:
        """Mack's process variance per unit seen: F_a^2 sum_k sigma2_k / (f_k^2 G_k)."""
        if age >= self.max_age:
            return 0.0
        out, grown = 0.0, 1.0
        for k in range(age, self.max_age):
            f, s2 = self.factors[k - 1], self.sigma2[k - 1]
            out += s2 / (f * f) / grown
            grown *= f
        return self.to_ultimate(age) ** 2 * out

    def parameter_sd(self, age: int) -> float:
        """sd(F_a) from the estimation error of the factors (Mack's parameter term; with a
        measured dispersion, phi_a over the volume the factor was measured on)."""
        if age >= self.max_age:
            return 0.0
        if self.dispersion and self.final_volumes[age - 1] > 0:
            return float(np.sqrt(self.dispersion[age - 1] / self.final_volumes[age - 1]))
        terms = [self.sigma2[k - 1] / self.factors[k - 1] ** 2 / self.volumes[k - 1]
                 for k in range(age, self.max_age) if self.volumes[k - 1] > 0]
        return self.to_ultimate(age) * float(np.sqrt(sum(terms)))


def fit_curve(triangle: np.ndarray, min_origins: int = MIN_ORIGINS,
              pool: LagCurve | None = None) -> LagCurve:
    """Chain-ladder curve from ``triangle`` (days x ages 1..A, cumulative, NaN where not yet
    seen). Ages with fewer than ``min_origins`` usable days take ``pool``'s factor (or stay
    unknown)."""
    tri = np.asarray(triangle, dtype=float)[-FIT_ORIGINS:]
    ages = tri.shape[1]
    factors, sigma2, volumes = np.ones(ages), np.zeros(ages), np.zeros(ages)
    known, borrowed = ages, False
    for a in range(ages - 1):
        now, nxt = tri[:, a], tri[:, a + 1]
        ok = np.isfinite(now) & np.isfinite(nxt) & (now > 0)
        if ok.sum() < min_origins:
            if pool is not None and pool.known > a:
                factors[a], sigma2[a] = pool.factors[a], pool.sigma2[a]
                volumes[a], borrowed = pool.volumes[a], True
                continue
            known = min(known, a)
            continue
        volumes[a] = now[ok].sum()
        factors[a] = nxt[ok].sum() / volumes[a]
        if ok.sum() > 1:
            sigma2[a] = float((now[ok] * (nxt[ok] / now[ok] - factors[a]) ** 2).sum()
                              / (ok.sum() - 1))
    _extrapolate_tail(sigma2, factors)
    dispersion, final_volumes = _measured_dispersion(tri, factors, min_origins)
    return LagCurve(tuple(map(float, factors)), tuple(map(float, sigma2)),
                    tuple(map(float, volumes)), known, len(tri), pooled=borrowed,
                    dispersion=dispersion, final_volumes=final_volumes)


def _measured_dispersion(tri: np.ndarray, factors: np.ndarray,
                         min_origins: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(phi_a, volume_a) from the days seen at every age: the nowcast's squared error at age
    ``a`` per unit seen; empty when fewer than ``min_origins`` days are final."""
    final = np.isfinite(tri).all(axis=1)
    if final.sum() < max(min_origins, 2):
        return (), ()
    done = tri[final]
    to_final = np.cumprod(factors[::-1])[::-1]  # F_a for a = 1..A
    ultimate = done[:, -1]
    seen = done.sum(axis=0)
    errors = ((ultimate[:, None] - done * to_final[None, :]) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(seen > 0, errors / seen, 0.0)
    return tuple(map(float, phi)), tuple(map(float, seen))


def _extrapolate_tail(sigma2: np.ndarray, factors: np.ndarray) -> None:
    """Mack's rule where a sigma^2 cannot be estimated (one day, or none) but the factor is
    not 1: min(s_(a-1)^4 / s_(a-2)^2, s_(a-2)^2, s_(a-1)^2)."""
    for a in range(2, len(sigma2)):
        if sigma2[a] == 0 and factors[a] != 1.0 and sigma2[a - 2] > 0:
            sigma2[a] = min(sigma2[a - 1] ** 2 / sigma2[a - 2], sigma2[a - 2], sigma2[a - 1])


def triangle(dates: np.ndarray, ages: np.ndarray, increments: np.ndarray, last_night: int,
             max_age: int) -> tuple[np.ndarray, np.ndarray]:
    """(days, triangle) from increments: day ordinals, ages and the change seen at that age.

    Day ``d`` at age ``a`` is known when ``d + a <= last_night``; increments older than
    ``max_age`` count at ``max_age``.

    >>> days, tri = triangle(np.array([1, 1, 2]), np.array([1, 2, 1]), np.array([3., 1., 5.]),
    ...                      last_night=3, max_age=2)
    >>> days.tolist(), tri.tolist()
    ([1, 2], [[3.0, 4.0], [5.0, nan]])
    """
    days = np.unique(dates)
    row = np.searchsorted(days, dates)
    col = np.clip(ages, 1, max_age) - 1
    inc = np.zeros((len(days), max_age))
    np.add.at(inc, (row, col), increments)
    tri = inc.cumsum(axis=1)
    seen = days[:, None] + np.arange(1, max_age + 1)[None, :] <= last_night
    return days, np.where(seen, tri, np.nan)


def days_to_complete(completeness: dict[str, list[float]], threshold: float,
                     fallback: int = 7) -> int:
    """How many of the newest days are less than ``threshold`` complete for any curve
    (``completeness``: name -> completeness at ages 1, 2, ...): the days to leave out of a
    judgement; ``fallback`` when there are no curves yet.

    >>> days_to_complete({"leads": [0.55, 0.7, 0.85, 0.92, 1.0]}, 0.9)
    3
    >>> days_to_complete({}, 0.9)
    7
    """
    if not completeness:
        return fallback
    days = 0
    for shares in completeness.values():
        young = [age for age, share in enumerate(shares, start=1) if share < threshold]
        days = max(days, max(young, default=0))
    return days
