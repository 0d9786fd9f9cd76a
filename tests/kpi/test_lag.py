"""Lag curves: the chain-ladder against Mack's published example, and on planted lags."""

from __future__ import annotations

import numpy as np
import pytest

from kpi.lag import fit_curve, triangle

# Taylor & Ashe (1983), the triangle of Mack (1993) "Distribution-free calculation of the
# standard error of chain ladder reserve estimates", ASTIN Bulletin 23(2): cumulative claims.
TAYLOR_ASHE = """
357848 1124788 1735330 2218270 2745596 3319994 3466336 3606286 3833515 3901463
352118 1236139 2170033 3353322 3799067 4120063 4647867 4914039 5339085
290507 1292306 2218525 3235179 3985995 4132918 4628910 4909315
310608 1418858 2195047 3757447 4029929 4381982 4588268
443160 1136350 2128333 2897821 3402672 3873311
396132 1333217 2180715 2985752 3691712
440832 1288463 2419861 3483130
359480 1421128 2864498
376686 1363294
344014
"""
# Mack (1993), table 1 and section 5: the factors and sigma^2 (the last one
# extrapolated by his rule), the total reserve.
MACK_FACTORS = [3.4906, 1.7473, 1.4574, 1.1739, 1.1038, 1.0863, 1.0539, 1.0766, 1.0177]
MACK_SIGMA2_K = [160280, 37737, 41965, 15183, 13731, 8186, 447, 1147, 447]
MACK_RESERVE = 18_680_856


def taylor_ashe() -> np.ndarray:
    rows = [[float(x) for x in line.split()] for line in TAYLOR_ASHE.strip().splitlines()]
    tri = np.full((10, 10), np.nan)
    for i, row in enumerate(rows):
        tri[i, :len(row)] = row
    return tri


def test_factors_sigma_and_reserve_match_mack_1993():
    tri = taylor_ashe()
    curve = fit_curve(tri, min_origins=1)
    assert [round(f, 4) for f in curve.factors[:9]] == MACK_FACTORS
    assert curve.factors[9] == 1.0
    for mine, his in zip(curve.sigma2[:9], MACK_SIGMA2_K, strict=True):
        assert mine == pytest.approx(his, abs=0.6)
    latest = np.array([row[np.isfinite(row)][-1] for row in tri])
    ages = np.isfinite(tri).sum(axis=1)
    reserve = sum(c * curve.to_ultimate(int(a)) for c, a in zip(latest, ages, strict=True))
    assert round(reserve - latest.sum()) == MACK_RESERVE


def test_standard_errors_are_macks_for_one_origin():
    # R's ChainLadder::MackChainLadder(GenIns) prints 1,362,981 (origin 10) and 970,960
    # (origin 9); it extrapolates the last sigma log-linearly where Mack's rule (ours) takes the
    # minimum, hence the 0.1 % tolerance.
    tri = taylor_ashe()
    curve = fit_curve(tri, min_origins=1)
    for origin, published in ((9, 1_362_981), (8, 970_960)):
        seen = tri[origin][np.isfinite(tri[origin])][-1]
        age = int(np.isfinite(tri[origin]).sum())
        se = np.sqrt(seen * curve.process_variance(age) + (seen * curve.parameter_sd(age)) ** 2)
        assert se == pytest.approx(published, rel=1e-3)


def test_a_planted_lag_is_recovered():
    rng = np.random.default_rng(3)
    probs = np.array([0.5, 0.2, 0.1, 0.1, 0.05, 0.05])
    days, ages = 200, len(probs)
    dates, lags, counts = [], [], []
    for d in range(days):
        parts = rng.multinomial(rng.poisson(80), probs)
        for lag, n in enumerate(parts):
            dates.append(d)
            lags.append(lag + 1)
            counts.append(float(n))
    _, tri = triangle(np.array(dates), np.array(lags), np.array(counts), last_night=days,
                      max_age=ages)
    curve = fit_curve(tri)
    seen_share = np.cumsum(probs)
    for age in range(1, ages + 1):
        assert curve.completeness(age) == pytest.approx(seen_share[age - 1], abs=0.01)
    assert curve.reliable and curve.completeness(ages) == 1.0


def test_a_short_history_borrows_from_the_pool_or_says_it_is_not_reliable():
    tri = np.array([[10.0, 12.0, 13.0]] * 5 + [[10.0, 12.0, np.nan]] * 20)
    alone = fit_curve(tri)  # 5 days seen at age 3: fewer than the 14 needed
    assert not alone.reliable and alone.factors[1] == 1.0
    pool = fit_curve(np.array([[10.0, 12.0, 13.0]] * 30))
    borrowed = fit_curve(tri, pool=pool)
    assert borrowed.factors[1] == pytest.approx(13 / 12) and borrowed.pooled


def test_no_history_gives_no_nan():
    curve = fit_curve(np.full((3, 4), np.nan))
    assert all(np.isfinite(curve.factors)) and curve.to_ultimate(1) == 1.0
    assert curve.process_variance(1) == 0.0 and curve.parameter_sd(1) == 0.0
