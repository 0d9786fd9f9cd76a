"""CLV models and summaries: CDNOW's published fits (Fader, Hardie & Lee 2005), lifetimes'
fitter as an oracle, closed forms integrated numerically, and hand-worked roll-ups.

The CDNOW files come from the test-only ``lifetimes`` wheel (read as files, never through
``lifetimes.datasets``); lifetimes itself is imported only inside ``quiet`` because it sets a
pandas option that pandas 3 deprecates at import.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import warnings
from pathlib import Path

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from kpi.clv import gamma_gamma, likelihood
from kpi.clv import models as clv
from kpi.clv.summary import clv_by_group, cohort_clv, rfm_summary

PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}
CALIBRATION_END = dt.date(1997, 9, 30)


def dataset(name: str) -> Path:
    try:
        files = importlib.metadata.files("lifetimes") or []
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("lifetimes (test-only dependency holding CDNOW) is not installed")
    for f in files:
        if f.parent.name == "datasets" and f.name == name:
            return Path(str(f.locate()))
    pytest.skip(f"lifetimes ships no {name}")


def quiet(fn, *args, **kwargs):
    """Call into lifetimes with its pandas-3 deprecation warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@pytest.fixture(scope="module")
def lifetimes():
    def load():
        return pytest.importorskip("lifetimes")
    return quiet(load)


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    """The published 2,357-customer summary: x, t_x, T in weeks, zbar = mean repeat spend."""
    return pd.read_csv(dataset("cdnow_customers_summary_with_transactions.csv"))


@pytest.fixture(scope="module")
def cdnow_sample() -> pd.DataFrame:
    """Raw orders of the same 2,357 customers (1/10 sample): original id, id, date, CDs, $."""
    frame = pd.read_csv(dataset("CDNOW_sample.txt"), sep=r"\s+", header=None,
                        names=["original_id", "id", "date", "cds", "value"], dtype={"date": str})
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


@pytest.fixture(scope="module")
def cdnow_master() -> pd.DataFrame:
    frame = pd.read_csv(dataset("CDNOW_master.txt"), sep=r"\s+", header=0,
                        names=["id", "date", "cds", "value"], dtype={"date": str})
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


@pytest.fixture(scope="module")
def bg(cdnow) -> clv.BgNbdParams:
    return clv.fit_bgnbd(cdnow.x, cdnow.t_x, cdnow["T"])


@pytest.fixture(scope="module")
def gg(cdnow) -> gamma_gamma.GammaGammaParams:
    return gamma_gamma.fit_gamma_gamma(cdnow.x, cdnow.zbar)


# --- BG/NBD and Gamma-Gamma on CDNOW -------------------------------------------------------


def test_bgnbd_reproduces_the_published_cdnow_fit(bg):
    for name, published in PUBLISHED_BGNBD.items():
        assert getattr(bg, name) == pytest.approx(published, abs=0.001), name
    assert bg.log_likelihood == pytest.approx(-9582.43, abs=0.005)
    assert bg.n_customers == 2357


def test_gamma_gamma_reproduces_the_published_cdnow_fit(gg):
    # The summary file rounds zbar to cents: the MLE on it is p 6.2488, q 3.7446, v 15.4477
    # (v rounds to 15.45); on the unrounded orders v is 15.4435, the published 15.44.
    for name, published in PUBLISHED_GG.items():
        assert getattr(gg, name) == pytest.approx(published, abs=0.01), name
    assert gg.n_customers == 946


def test_fits_from_the_raw_orders_give_the_published_figures(cdnow_sample):
    summary = rfm_summary(cdnow_sample, "id", "date", "value", CALIBRATION_END, period="D",
                          unit_days=7)
    bg = clv.fit_bgnbd(summary.frequency, summary.recency, summary["T"])
    gg = gamma_gamma.fit_gamma_gamma(summary.frequency, summary.monetary_value)
    for name, published in PUBLISHED_BGNBD.items():
        assert getattr(bg, name) == pytest.approx(published, abs=0.001), name
    assert bg.log_likelihood == pytest.approx(-9582.43, abs=0.005)
    assert (round(gg.p, 2), round(gg.q, 2), round(gg.v, 2)) == (6.25, 3.74, 15.44)


def test_bgnbd_and_gamma_gamma_agree_with_lifetimes_fitters(cdnow, bg, gg, lifetimes):
    theirs = quiet(lifetimes.BetaGeoFitter().fit, cdnow.x, cdnow.t_x, cdnow["T"]).params_
    for name in ("r", "alpha", "a", "b"):
        assert getattr(bg, name) == pytest.approx(theirs[name], rel=1e-4), name
    repeat = cdnow[cdnow.x > 0]
    theirs = quiet(lifetimes.GammaGammaFitter().fit, repeat.x, repeat.zbar).params_
    for name in ("p", "q", "v"):
        assert getattr(gg, name) == pytest.approx(theirs[name], rel=1e-4), name


def test_predictions_match_lifetimes_for_every_cdnow_customer(cdnow, bg, gg, lifetimes):
    # lifetimes' fitters with our parameters: the formulas are compared, not the optimisers.
    x, tx, T, zbar = cdnow.x, cdnow.t_x, cdnow["T"], cdnow.zbar
    fitter = quiet(lifetimes.BetaGeoFitter().fit, x, tx, T)
    fitter.params_ = pd.Series({"r": bg.r, "alpha": bg.alpha, "a": bg.a, "b": bg.b})
    spend = quiet(lifetimes.GammaGammaFitter().fit, x[x > 0], zbar[x > 0])
    spend.params_ = pd.Series({"p": gg.p, "q": gg.q, "v": gg.v})
    for t in (1.0, 39.0, 104.0):
        theirs = quiet(fitter.conditional_expected_number_of_purchases_up_to_time, t, x, tx, T)
        np.testing.assert_allclose(clv.expected_purchases(bg, t, x, tx, T), theirs, rtol=1e-8)
    theirs = quiet(fitter.conditional_probability_alive, x, tx, T)
    np.testing.assert_allclose(clv.probability_alive(bg, x, tx, T), theirs, rtol=1e-10)
    theirs = quiet(spend.conditional_expected_average_profit, x, zbar)
    np.testing.assert_allclose(gamma_gamma.expected_average_value(gg, x, zbar), theirs, rtol=1e-10)
    theirs = quiet(spend.customer_lifetime_value, fitter, x, tx, T, zbar, time=12,
                   discount_rate=0.01, freq="W")
    ours = clv.discounted_clv(bg, gg, x, tx, T, zbar, 12, 0.01, period_length=4.345)
    np.testing.assert_allclose(ours, theirs, rtol=1e-8)


def by_integration(bg: clv.BgNbdParams, x: float, tx: float, T: float, t: float):
    """P(alive) and E[Y(t)] from the individual-level model, integrating lambda in closed form
    and p numerically against its Beta(a, b) weight -- no hypergeometric function involved."""
    r, alpha, a, b = bg.r, bg.alpha, bg.a, bg.b
    k = r + x
    ratio = ((alpha + T) / (alpha + tx)) ** k  # second term relative to the first

    def alive(p):
        return (1 - p) ** x

    def dead(p):
        return p * (1 - p) ** (x - 1) * ratio if x > 0 else 0.0

    def future(p):  # (1/p) E[1 - exp(-lambda p t)] for customers still alive at T
        if p == 0:
            return k * t / (alpha + T)
        return (1 - p) ** x * -np.expm1(-k * np.log1p(p * t / (alpha + T))) / p

    weight = {"weight": "alg", "wvar": (a - 1, b - 1), "epsabs": 0, "epsrel": 1e-12,
              "limit": 200}
    total = integrate.quad(lambda p: alive(p) + dead(p), 0, 1, **weight)[0]
    p_alive = integrate.quad(alive, 0, 1, **weight)[0] / total
    expected = integrate.quad(future, 0, 1, **weight)[0] / total
    return p_alive, expected


CUSTOMERS = [(0, 0.0, 38.86), (2, 30.43, 38.86), (1, 1.71, 38.86), (10, 35.0, 38.0),
             (30, 38.5, 39.0), (50, 20.0, 39.0), (200, 51.9, 52.0), (500, 100.0, 104.0)]
OTHER_PARAMS = {  # a > 1; and one where the textbook hypergeometric form is far off at x = 50
    "a>1": clv.BgNbdParams(2.0, 10.0, 2.1, 10.0, 0.0, 0),
    "many": clv.BgNbdParams(5.0, 2.0, 0.2, 20.0, 0.0, 0),
    "a=1": clv.BgNbdParams(0.5, 30.0, 1.0, 5.0, 0.0, 0),
}


@pytest.mark.parametrize("which", ["cdnow", *OTHER_PARAMS])
@pytest.mark.parametrize(("x", "tx", "T"), CUSTOMERS)
@pytest.mark.parametrize("t", [1.0, 39.0, 260.0, 3650.0])
def test_closed_forms_match_the_model_integrated_numerically(bg, which, x, tx, T, t):
    params = bg if which == "cdnow" else OTHER_PARAMS[which]
    p_alive, expected = by_integration(params, x, tx, T, t)
    assert float(clv.probability_alive(params, x, tx, T)) == pytest.approx(p_alive, rel=1e-9)
    assert float(clv.expected_purchases(params, t, x, tx, T)) == pytest.approx(
        expected, rel=1e-7, abs=1e-12)


def test_known_customer_by_hand(bg):
    # CDNOW customer 1: x = 2, t_x = 30.43, T = 38.86 (published parameters' figures).
    assert float(clv.probability_alive(bg, 2, 30.43, 38.86)) == pytest.approx(0.72661, abs=1e-5)
    assert float(clv.expected_purchases(bg, 39, 2, 30.43, 38.86)) == pytest.approx(1.22591,
                                                                                   abs=1e-5)
    # No repeat purchase: alive for sure, and the expectation depends on T only.
    assert float(clv.probability_alive(bg, 0, 0, 38.86)) == 1.0


def test_predictions_broadcast_over_horizons(cdnow, bg):
    x, tx, T = cdnow.x.to_numpy(), cdnow.t_x.to_numpy(), cdnow["T"].to_numpy()
    horizons = np.array([0.0, 10.0, 52.0])
    grid = clv.expected_purchases(bg, horizons[:, None], x, tx, T)
    assert grid.shape == (3, len(cdnow))
    assert (grid[0] == 0).all()
    for row, t in zip(grid, horizons, strict=True):
        np.testing.assert_array_equal(row, clv.expected_purchases(bg, t, x, tx, T))
    assert (np.diff(grid, axis=0) > 0).all()


def test_discounted_clv_conventions(cdnow, bg, gg):
    x, tx, T, zbar = cdnow.x, cdnow.t_x, cdnow["T"], cdnow.zbar
    value = gamma_gamma.expected_average_value(gg, x, zbar)
    undiscounted = clv.discounted_clv(bg, gg, x, tx, T, zbar, 12, 0.0, period_length=4.345)
    np.testing.assert_allclose(undiscounted,
                               value * clv.expected_purchases(bg, 12 * 4.345, x, tx, T))
    discounted = clv.discounted_clv(bg, gg, x, tx, T, zbar, 12, 0.01, period_length=4.345)
    assert (discounted < undiscounted).all() and (discounted > undiscounted / 1.01 ** 12).all()
    as_given = clv.discounted_clv(bg, None, x, tx, T, zbar, 12, 0.0, period_length=4.345)
    np.testing.assert_allclose(as_given, zbar * clv.expected_purchases(bg, 52.14, x, tx, T))


def test_expected_average_value_shrinks_towards_the_population_mean(gg):
    assert float(gamma_gamma.expected_average_value(gg, 0, 0.0)) == pytest.approx(gg.mean_value)
    few, many = gamma_gamma.expected_average_value(gg, [1, 100], [100.0, 100.0])
    assert gg.mean_value < few < many < 100


# --- folding identical rows ---------------------------------------------------------------


def test_compress_matches_numpy_unique():
    rng = np.random.default_rng(3)
    columns = [rng.integers(0, 4, 500).astype(float) for _ in range(3)]
    rows, counts, inverse = likelihood.compress(*columns)
    unique, np_inverse, np_counts = np.unique(np.column_stack(columns), axis=0,
                                              return_inverse=True, return_counts=True)
    np.testing.assert_array_equal(np.column_stack(rows), unique)
    np.testing.assert_array_equal(counts, np_counts)
    np.testing.assert_array_equal(inverse, np_inverse.ravel())
    weights = rng.uniform(0, 2, 500)
    _, summed, _ = likelihood.compress(*columns, weights=weights)
    np.testing.assert_allclose(summed, np.bincount(inverse, weights=weights))


def test_folding_rows_gives_the_unfolded_fit(cdnow, bg, gg):
    x, tx, T = cdnow.x, cdnow.t_x, cdnow["T"]
    unfolded = clv.fit_bgnbd(x, tx, T, compress_rows=False)
    for name in ("r", "alpha", "a", "b", "log_likelihood"):
        assert getattr(unfolded, name) == pytest.approx(getattr(bg, name), rel=1e-7), name
    unfolded = gamma_gamma.fit_gamma_gamma(cdnow.x, cdnow.zbar, compress_rows=False)
    for name in ("p", "q", "v", "log_likelihood"):
        assert getattr(unfolded, name) == pytest.approx(getattr(gg, name), rel=1e-7), name


def test_counts_as_weights_give_identical_params(cdnow, bg):
    columns = (cdnow[c].to_numpy(float) for c in ("x", "t_x", "T"))
    (x, tx, T), counts, _ = likelihood.compress(*columns)
    assert len(x) < len(cdnow)
    assert clv.fit_bgnbd(x, tx, T, weights=counts) == bg
    doubled = pd.concat([cdnow, cdnow])
    twice = clv.fit_bgnbd(doubled.x, doubled.t_x, doubled["T"])
    weighted = clv.fit_bgnbd(cdnow.x, cdnow.t_x, cdnow["T"], weights=np.full(len(cdnow), 2.0))
    assert twice == weighted
    assert twice.n_customers == 2 * 2357
    assert twice.r == pytest.approx(bg.r, rel=1e-7)


def test_simulated_process_is_recovered():
    rng = np.random.default_rng(7)
    T = rng.integers(26 * 7, 78 * 7 + 1, 100_000) / 7  # whole days, in weeks
    x, tx = clv.simulate_bgnbd(0.243, 4.414, 0.793, 2.426, T, rng)
    fitted = clv.fit_bgnbd(x, np.round(tx * 7) / 7, T)  # recency in whole days
    # About two standard errors at 100,000 customers (b is the least precise).
    tolerance = {"r": 0.03, "alpha": 0.05, "a": 0.06, "b": 0.1}
    for name, true in PUBLISHED_BGNBD.items():
        assert getattr(fitted, name) == pytest.approx(true, rel=tolerance[name]), name


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (([], [], []), "no customers"),
    (([0, 0], [0, 0], [5, 6]), "no customer has a repeat purchase"),
    (([1, -1], [2, 0], [5, 6]), "frequency: row 1 .* >= 0"),
    (([1, 2], [np.nan, 3], [5, 6]), "recency: row 0 .* finite"),
    (([1, 2], [2, 3], [5]), "mismatched lengths"),
    (([1, 2], [2, 7], [5, 6]), "recency: row 1 is greater than T"),
    (([1, 0], [2, 1], [5, 6]), "recency: row 1 is > 0 although frequency is 0"),
    (([1.5, 2], [2, 3], [5, 6]), "frequency: row 0 is not a whole number"),
])
def test_fit_bgnbd_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        clv.fit_bgnbd(*args)


def test_fit_bgnbd_rejects_bad_weights():
    with pytest.raises(ValueError, match="weights: 1 values for 2 customers"):
        clv.fit_bgnbd([1, 2], [2, 3], [5, 6], weights=[1])
    with pytest.raises(ValueError, match="all weights 0"):
        clv.fit_bgnbd([1, 2], [2, 3], [5, 6], weights=[0, 0])


def test_fit_bgnbd_reports_unidentified_data():
    # One purchase rate for all and no dropout: r, alpha and b run off to infinity.
    T = np.full(2000, 52.0)
    x, tx = clv.simulate_bgnbd(1e6, 2e6, 1e-6, 1e6, T, np.random.default_rng(0))
    with pytest.raises(ValueError, match="do not identify the model"):
        clv.fit_bgnbd(x, tx, T)


@pytest.mark.parametrize(("args", "message"), [
    (([], []), "no customers"),
    (([0, 0], [0.0, 0.0]), "no repeat buyers"),
    (([1, 2], [10.0, 0.0]), "monetary_value: row 1 is 0 for a repeat buyer"),
    (([1, 2], [10.0, -3.0]), "monetary_value: row 1 .* >= 0"),
    (([1, 2], [10.0, np.inf]), "monetary_value: row 1 .* finite"),
    (([1, 2, 3], [10.0, 4.0]), "mismatched lengths"),
])
def test_fit_gamma_gamma_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        gamma_gamma.fit_gamma_gamma(*args)


def test_prediction_inputs_are_checked(bg, gg):
    with pytest.raises(ValueError, match="recency: row 0 is greater than T"):
        clv.probability_alive(bg, 1, 40.0, 39.0)
    with pytest.raises(ValueError, match="mismatched shapes"):
        clv.expected_purchases(bg, 1.0, [1, 2], [1.0, 2.0, 3.0], [5.0])
    with pytest.raises(ValueError, match=r"q = 0\.9 <= 1"):
        gg_infinite = gamma_gamma.GammaGammaParams(6, 0.9, 15, 0.0, 1)
        gamma_gamma.expected_average_value(gg_infinite, 1, 10.0)
    with pytest.raises(ValueError, match="horizon_periods"):
        clv.discounted_clv(bg, gg, 1, 1.0, 5.0, 10.0, 0, 0.01)
    with pytest.raises(ValueError, match="discount_rate_per_period"):
        clv.discounted_clv(bg, gg, 1, 1.0, 5.0, 10.0, 12, -1.0)


# --- RFM summary --------------------------------------------------------------------------


def test_rfm_summary_reproduces_the_published_cdnow_summary(cdnow_sample, cdnow):
    # cdnow_customers_summary*.csv: the 2,357 sample customers, calibration to 1997-09-30,
    # days between dates expressed in weeks (2 decimals), zbar = mean repeat-order value.
    ours = rfm_summary(cdnow_sample, "id", "date", "value", CALIBRATION_END, period="D",
                       unit_days=7)
    published = pd.read_csv(dataset("cdnow_customers_summary.csv"))
    merged = ours.merge(published, left_on="id", right_on="ID").merge(cdnow, on="ID")
    assert len(ours) == len(published) == len(merged) == 2357
    assert (merged.frequency_x == merged.frequency_y).all()
    assert (merged.frequency_x == merged.x).all()
    np.testing.assert_allclose(merged.recency_x, merged.recency_y, atol=0.005)
    np.testing.assert_allclose(merged["T_x"], merged["T_y"], atol=0.005)
    np.testing.assert_allclose(merged.monetary_value, merged.zbar, atol=0.005 + 1e-9)


@pytest.mark.parametrize(("period", "end"), [("W", "1997-09-28"), ("D", "1997-09-30")])
def test_rfm_summary_equals_lifetimes_summary(cdnow_master, lifetimes, period, end):
    # Weekly: the end is a Sunday. For an end inside a week lifetimes also keeps the orders of
    # the rest of that week; we drop every order after observation_end, as its docs say.
    ours = rfm_summary(cdnow_master, "id", "date", "value", end, period=period)
    from_utils = quiet(lambda: lifetimes.utils.summary_data_from_transaction_data)
    theirs = quiet(from_utils, cdnow_master, "id", "date", "value",
                   observation_period_end=end, freq=period)
    merged = ours.merge(theirs, left_on="id", right_index=True)
    assert len(merged) == len(ours) == len(theirs) == 23570
    for name in ("frequency", "recency", "T"):
        np.testing.assert_array_equal(merged[f"{name}_x"], merged[f"{name}_y"])
    np.testing.assert_allclose(merged.monetary_value_x, merged.monetary_value_y, atol=1e-9)


def test_rfm_summary_invariants(cdnow_master):
    end = CALIBRATION_END
    s = rfm_summary(cdnow_master, "id", "date", "value", end)
    assert s.frequency.dtype == np.int64 and (s.frequency >= 0).all()
    assert s.id.is_unique
    assert ((s.recency >= 0) & (s.recency <= s["T"])).all()
    assert ((s.recency == 0) == (s.frequency == 0)).all()  # repeats are in later periods
    assert ((s.frequency == 0) <= (s.monetary_value == 0)).all()
    assert (s.monetary_value >= 0).all()
    assert (s.recency == s.recency.round()).all() and (s["T"] == s["T"].round()).all()
    assert (s.frequency <= s.recency).all()  # at most one purchase per week
    later = cdnow_master[cdnow_master.date > pd.Timestamp(end)]
    assert len(later) > 0  # orders after the end exist and are ignored
    before = cdnow_master[cdnow_master.date <= pd.Timestamp(end)]
    pd.testing.assert_frame_equal(s, rfm_summary(before, "id", "date", "value", end))


def test_rfm_summary_runs_in_the_warehouse(cdnow_sample):
    con = ibis.duckdb.connect()
    orders = con.create_table("orders", cdnow_sample)
    expr = rfm_summary(orders, "id", "date", "value", CALIBRATION_END, period="W")
    assert isinstance(expr, ir.Table)
    assert list(expr.schema().names) == ["id", "frequency", "recency", "T", "monetary_value"]
    from_warehouse = expr.order_by("id").execute()
    from_frame = rfm_summary(cdnow_sample, "id", "date", "value", CALIBRATION_END, period="W")
    pd.testing.assert_frame_equal(from_warehouse, from_frame)
    without_revenue = rfm_summary(orders, "id", "date", None, CALIBRATION_END)
    assert "monetary_value" not in without_revenue.columns


def test_rfm_summary_rejects_bad_arguments(cdnow_sample):
    with pytest.raises(ValueError, match="orders: no column 'amount'"):
        rfm_summary(cdnow_sample, "id", "date", "amount", CALIBRATION_END)
    with pytest.raises(ValueError, match="period: 'M'"):
        rfm_summary(cdnow_sample, "id", "date", "value", CALIBRATION_END, period="M")
    with pytest.raises(ValueError, match="unit_days"):
        rfm_summary(cdnow_sample, "id", "date", "value", CALIBRATION_END, unit_days=0)


# --- cohort CLV ---------------------------------------------------------------------------


def test_cohort_clv_is_cumulative_and_reconciles(cdnow_sample):
    end = dt.date(1998, 6, 15)
    cohorts = cohort_clv(cdnow_sample, "id", "date", "value", end)
    assert (cohorts.groupby("cohort")["clv"].diff().dropna() >= 0).all()
    assert sorted(cohorts.cohort.unique()) == [dt.date(1997, m, 1) for m in (1, 2, 3)]
    # Every cohort has every month up to June 1998, without gaps.
    for cohort, rows in cohorts.groupby("cohort"):
        last = (1998 * 12 + 6) - (cohort.year * 12 + cohort.month)
        assert rows.months_since.tolist() == list(range(last + 1))
        assert rows.complete.tolist() == [True] * last + [False]
    final = cohorts.groupby("cohort").last()
    kept = cdnow_sample[cdnow_sample.date <= pd.Timestamp(end)]
    assert final.cumulative_revenue.sum() == pytest.approx(kept.value.sum())
    first = kept.groupby("id").date.min().dt.to_period("M").dt.start_time.dt.date
    assert final.customers.to_dict() == first.value_counts().to_dict()
    np.testing.assert_allclose(final.clv, final.cumulative_revenue / final.customers)


def test_cohort_clv_from_the_warehouse_matches_pandas(cdnow_sample):
    con = ibis.duckdb.connect()
    orders = con.create_table("orders", cdnow_sample)
    pd.testing.assert_frame_equal(cohort_clv(orders, "id", "date", "value"),
                                  cohort_clv(cdnow_sample, "id", "date", "value"))
    assert cohort_clv(cdnow_sample, "id", "date", "value").complete.all()  # ends 1998-06-30


# --- CLV per acquisition group ------------------------------------------------------------


def test_clv_by_group_is_a_ratio_of_sums():
    clv_values = pd.Series({"a": 100.0, "b": 20.0, "c": 60.0, "d": 10.0})
    group = pd.Series({"a": "Search", "b": "Search", "c": "Social"})  # d: no known source
    costs = {"Search": 40.0, "Social": 60.0, "Display": 30.0}
    out = clv_by_group(clv_values, group, costs).set_index("group")
    assert out.loc["Search"].tolist() == [2, 120.0, 60.0, 40.0, 20.0, 3.0, 0]
    assert out.loc["Social"].clv_to_cac == 1.0
    assert out.loc["(unassigned)"].customers == 1
    assert np.isnan(out.loc["(unassigned)"].clv_to_cac)  # no cost recorded
    assert out.loc["Display"].customers == 0 and out.loc["Display"].clv_to_cac == 0.0
    assert np.isnan(out.loc["Display"].cac)


def test_clv_by_group_leaves_customers_without_clv_out_and_counts_them():
    clv_values = pd.Series({"a": 100.0, "b": np.nan, "c": np.inf, "d": 60.0, "e": None},
                           dtype="float64")
    group = pd.Series({"a": "Search", "b": "Search", "c": "Search", "d": "Social",
                       "e": "Social"})
    out = clv_by_group(clv_values, group, {"Search": 50.0, "Social": 30.0}).set_index("group")
    assert out["customers"].tolist() == [3, 2]  # all acquired: CAC counts every one of them
    assert out["customers_without_clv"].tolist() == [2, 1]
    assert out["total_clv"].tolist() == [100.0, 60.0]
    assert out["clv"].tolist() == [100.0, 60.0]  # mean of those with a CLV
    assert out["cac"].tolist() == pytest.approx([50 / 3, 15.0])
    assert out["clv_to_cac"].tolist() == [2.0, 2.0]
    nobody = clv_by_group(pd.Series({"a": np.nan}), pd.Series({"a": "Search"}), {"Search": 5.0})
    assert nobody.loc[0, ["customers", "customers_without_clv", "total_clv"]].tolist() == [
        1, 1, 0.0]
    assert np.isnan(nobody.loc[0, "clv"])


def test_clv_by_group_rejects_bad_input():
    group = pd.Series({"a": "Search"})
    with pytest.raises(ValueError, match="customer 'a' appears more than once"):
        clv_by_group(pd.Series([1.0, 2.0], index=["a", "a"]), group, {"Search": 1.0})
    with pytest.raises(ValueError, match=r"group 'Search' has cost -1\.0"):
        clv_by_group(pd.Series({"a": 1.0}), group, {"Search": -1.0})
