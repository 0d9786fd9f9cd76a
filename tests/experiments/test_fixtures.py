"""Public fixtures (gbstats / GrowthBook tests) to 1e-5, and cross-checks with scipy/statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportions_ztest

from experiments import (
    ProportionStats,
    SampleMeanStats,
    adjust,
    bayes_compare,
    compare,
    exact_test,
    pooled_z_test,
    sample_size,
    srm_test,
)
from experiments.vectorised import welch

TOL = 1e-5


def close(actual: tuple[float, ...], expected: tuple[float, ...], tol: float = TOL) -> None:
    assert np.allclose(actual, expected, atol=tol, rtol=0), (actual, expected)


def test_means_fixture() -> None:
    r = compare(SampleMeanStats(3407, 1396.87, 52377.9767), SampleMeanStats(3461, 2422.7,
                                                                          134698.29))
    rel, ab = r.relative, r.absolute
    close((rel.estimate, rel.ci_low, rel.ci_high, rel.p_value),
          (0.70732, -0.03526, 1.44989, 0.06191))
    close((ab.estimate, ab.ci_low, ab.ci_high, ab.p_value), (0.29, 0.04538, 0.53462, 0.02016))
    assert r.error is None and r.conventions.distribution == "t" and r.conventions.two_sided


def test_binomial_relative_fixture() -> None:
    rel = compare(ProportionStats(28, 14), ProportionStats(30, 16)).relative
    close((rel.ci_low, rel.ci_high, rel.p_value), (-0.47767, 0.61101, 0.80707))


def test_bayesian_fixture() -> None:
    b = bayes_compare(ProportionStats(100, 49), ProportionStats(100, 51))
    close((b.expected, b.ci_low, b.ci_high, b.chance_to_win),
          (0.04082, -0.24779, 0.32943, 0.60918))
    assert b.risk_treatment > 0 and b.risk_control > b.risk_treatment


def test_proportions_fixture() -> None:
    c, t = ProportionStats(10000, 1000), ProportionStats(10000, 1100)
    r = compare(c, t)
    close((r.relative.estimate, r.relative.ci_low, r.relative.ci_high, r.relative.p_value),
          (0.10, 0.010865, 0.189135, 0.027890))
    close((r.absolute.estimate, r.absolute.ci_low, r.absolute.ci_high, r.absolute.p_value),
          (0.01, 0.0015035, 0.0184965, 0.021068))
    close((pooled_z_test(c, t)[1],), (0.021075,))
    chi2 = stats.chi2_contingency([[1000, 9000], [1100, 8900]], correction=False).pvalue
    sm = proportions_ztest([1100, 1000], [10000, 10000])[1]
    close((pooled_z_test(c, t)[1], pooled_z_test(c, t)[1]), (chi2, sm), 1e-10)
    close((exact_test(c, t, method="fisher").p_value,), (0.022379,))


def test_revenue_fixture_and_scipy() -> None:
    c, t = SampleMeanStats(5000, 50000, 999900), SampleMeanStats(5000, 52500, 1102389.75)
    r = compare(c, t)
    close((r.relative.estimate, r.relative.ci_low, r.relative.ci_high, r.relative.p_value),
          (0.05, 0.008836, 0.091164, 0.017287))
    close((r.absolute.estimate, r.absolute.ci_low, r.absolute.ci_high, r.absolute.p_value),
          (0.5, 0.098039, 0.901961, 0.014774))
    ref = stats.ttest_ind_from_stats(t.mean, np.sqrt(t.variance), t.n, c.mean,
                                     np.sqrt(c.variance), c.n, equal_var=False)
    close((r.absolute.p_value,), (ref.pvalue,), 1e-12)


def test_welch_matches_scipy_on_many_random_rows() -> None:
    rng = np.random.default_rng(1)
    n_c, n_t = rng.integers(2, 5000, 200), rng.integers(2, 5000, 200)
    m_c, m_t = rng.normal(10, 2, 200), rng.normal(10, 2, 200)
    v_c, v_t = rng.uniform(0.1, 30, 200), rng.uniform(0.1, 30, 200)
    ours = welch(n_c, m_c, v_c, n_t, m_t, v_t)
    ref = stats.ttest_ind_from_stats(m_t, np.sqrt(v_t), n_t, m_c, np.sqrt(v_c), n_c,
                                     equal_var=False)
    assert np.allclose(ours.p_value, ref.pvalue, atol=1e-12)
    assert np.allclose(ours.estimate / ours.se, ref.statistic, atol=1e-10)


def test_srm_fixtures() -> None:
    close((srm_test([10000, 10300], [0.5, 0.5]).p_value,), (0.035240,))
    r = srm_test([600, 400], [0.5, 0.5])
    assert r.p_value == pytest.approx(2.54e-10, rel=1e-2) and r.mismatch
    assert not srm_test([10000, 10300], [0.5, 0.5]).mismatch


def test_holm_and_bh_fixtures_and_statsmodels() -> None:
    close(tuple(adjust([0.01, 0.04, 0.03, 0.005, 0.55, 0.6], "holm")),
          (0.05, 0.12, 0.12, 0.03, 1, 1))
    close(tuple(adjust([0.898, 0.138, 0.007, 0.964, 0.538, 0.006, 0.138], "bh")),
          (0.964, 0.2415, 0.0245, 0.964, 0.7532, 0.0245, 0.2415))
    p = np.random.default_rng(2).uniform(0, 0.2, 40)
    assert np.allclose(adjust(p, "holm"), multipletests(p, method="holm")[1])
    assert np.allclose(adjust(p, "bh"), multipletests(p, method="fdr_bh")[1])


def test_nan_pvalues_stay_out_of_the_family() -> None:
    out = adjust([0.01, np.nan, 0.04], "holm")
    close((out[0], out[2]), (0.02, 0.04))
    assert np.isnan(out[1])


def test_sample_size_matches_statsmodels() -> None:
    baseline, sd, rel_mde = 20.0, 15.0, 0.05
    ours = sample_size(baseline, sd**2, mde=rel_mde, kind="mean")
    ref = NormalIndPower().solve_power(effect_size=baseline * rel_mde / sd, alpha=0.05,
                                       power=0.8, ratio=1.0)
    assert ours == int(np.ceil(ref))
