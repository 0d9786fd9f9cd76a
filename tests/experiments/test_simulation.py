"""Monte Carlo checks (seeded, vectorised, a few seconds): coverage, peeking, CUPED."""

from __future__ import annotations

import numpy as np

from experiments import RegressionAdjustedStats, adjust_arms, compare, sequential
from experiments.cuped import DEGENERATE
from experiments.vectorised import welch

SIMS = 2000


def test_relative_ci_covers_the_true_lift_95_percent() -> None:
    rng = np.random.default_rng(20)
    n, p_c, p_t = 3000, 0.10, 0.11
    s_c, s_t = rng.binomial(n, p_c, SIMS), rng.binomial(n, p_t, SIMS)
    m_c, m_t = s_c / n, s_t / n
    r = welch(n, m_c, m_c * (1 - m_c), n, m_t, m_t * (1 - m_t), relative=True)
    coverage = np.mean((r.ci_low <= p_t / p_c - 1) & (p_t / p_c - 1 <= r.ci_high))
    assert 0.935 <= coverage <= 0.965, coverage


def test_absolute_ci_covers_a_skewed_mean_95_percent() -> None:
    rng = np.random.default_rng(21)
    n = 400
    x_c = rng.lognormal(0.0, 0.8, (SIMS, n))
    x_t = rng.lognormal(0.1, 0.8, (SIMS, n))
    truth = np.exp(0.1 + 0.32) - np.exp(0.32)
    r = welch(n, x_c.mean(1), x_c.var(1, ddof=1), n, x_t.mean(1), x_t.var(1, ddof=1))
    coverage = np.mean((r.ci_low <= truth) & (truth <= r.ci_high))
    assert 0.935 <= coverage <= 0.965, coverage


def _daily_peeks(rng: np.random.Generator, days: int = 30, per_day: int = 200,
                 p: float = 0.10) -> tuple[np.ndarray, ...]:
    s_c = rng.binomial(per_day, p, (SIMS, days)).cumsum(1)
    s_t = rng.binomial(per_day, p, (SIMS, days)).cumsum(1)
    n = per_day * np.arange(1, days + 1)
    m_c, m_t = s_c / n, s_t / n
    return n, m_c, m_t


def test_sequential_stays_valid_under_daily_peeking_while_fixed_does_not() -> None:
    rng = np.random.default_rng(22)
    n, m_c, m_t = _daily_peeks(rng)
    fixed = welch(n, m_c, m_c * (1 - m_c), n, m_t, m_t * (1 - m_t))
    z = welch(n, m_c, m_c * (1 - m_c), n, m_t, m_t * (1 - m_t), distribution="z")
    low, high = sequential.confidence_sequence(z.estimate, z.se, 2 * n, 0.05)
    fixed_fpr = np.mean(np.any(fixed.p_value < 0.05, axis=1))
    seq_fpr = np.mean(np.any((low > 0) | (high < 0), axis=1))
    mc_slack = 3 * np.sqrt(0.05 * 0.95 / SIMS)
    assert seq_fpr <= 0.05 + mc_slack, seq_fpr
    assert fixed_fpr >= 0.10, fixed_fpr  # daily peeking at a fixed-horizon test: ~2-3× alpha


def test_sequential_p_value_agrees_with_the_sequence() -> None:
    est, se, n = np.array([0.1, 0.02, -0.3]), np.array([0.03, 0.03, 0.1]), np.full(3, 8000)
    p = sequential.p_value(est, se, n)
    low, high = sequential.confidence_sequence(est, se, n, 0.05)
    assert np.array_equal(p < 0.05, (low > 0) | (high < 0))
    assert np.all((p > 0) & (p <= 1))
    # the sequence is wider than the fixed-horizon interval
    assert np.all(high - est > 1.96 * se)


def _arms(rng: np.random.Generator, rho: float, n: int = 4000, lift: float = 0.5) -> list:
    out = []
    for shift in (0.0, lift):
        pre = rng.normal(10, 3, n)
        post = 10 + shift + rho * (pre - 10) + rng.normal(0, 3 * np.sqrt(1 - rho**2), n)
        out.append(RegressionAdjustedStats(n, post.sum(), (post**2).sum(), pre.sum(),
                                           (pre**2).sum(), (post * pre).sum()))
    return out


def test_cuped_shrinks_the_interval_when_the_covariate_correlates() -> None:
    arms = _arms(np.random.default_rng(23), rho=0.7)
    plain = compare(*arms).absolute
    cuped = adjust_arms(arms)
    adjusted = compare(*cuped.arms).absolute
    assert cuped.applied and 0.6 < cuped.theta < 0.8
    ratio = (adjusted.ci_high - adjusted.ci_low) / (plain.ci_high - plain.ci_low)
    assert 0.65 < ratio < 0.78  # sqrt(1 - 0.7²) ≈ 0.71
    assert adjusted.ci_low < 0.5 < adjusted.ci_high


def test_cuped_coverage_stays_95_percent() -> None:
    rng = np.random.default_rng(24)
    hits = 0
    for _ in range(300):
        res = adjust_arms(_arms(rng, rho=0.6, n=300, lift=0.5))
        r = compare(*res.arms).absolute
        hits += r.ci_low <= 0.5 <= r.ci_high
    assert 0.91 <= hits / 300 <= 0.98


def test_cuped_falls_back_when_the_pre_period_is_degenerate() -> None:
    arm = RegressionAdjustedStats(100, 500.0, 2700.0, 0.0, 0.0, 0.0)
    res = adjust_arms([arm, arm])
    assert not res.applied and res.message == DEGENERATE
    assert res.arms[0].mean == arm.mean and res.arms[0].variance == arm.variance
