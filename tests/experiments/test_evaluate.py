"""evaluate() on the demo recovers the planted truths; specs, factorial, power, wording."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib
import pkgutil

import ibis
import pandas as pd
import pytest

import experiments
from experiments import (
    Arm,
    ExperimentSpec,
    Factor,
    Metric,
    ProportionStats,
    SpecError,
    days_to_power,
    effects,
    evaluate,
    evaluate_factorial,
    from_dict,
    mde,
    sample_size,
    sequential_sample_size,
    sufficient_statistics,
)
from experiments.wording import describe, describe_effect, summary
from kpi.language import LANGUAGES
from pipelines.sources.demo import experiments as demo

START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 28)


@pytest.fixture(scope="module")
def demo_stats() -> tuple[tuple[ExperimentSpec, ...], pd.DataFrame]:
    specs, units = demo.demo_experiments(START, END)
    con = ibis.duckdb.connect()
    return specs, sufficient_statistics(con.create_table("units", units), specs).to_pandas()


@pytest.fixture(scope="module")
def results(demo_stats) -> pd.DataFrame:
    specs, stats = demo_stats
    return evaluate(stats, specs, as_of=END)


def rows(results: pd.DataFrame, experiment: str, metric: str = "conversion") -> pd.DataFrame:
    return results[(results.experiment_id == experiment) & (results.metric_id == metric)]


def test_landing_page_wins_with_the_true_lift_inside_the_interval(results) -> None:
    b = rows(results, demo.LANDING_ID).set_index("arm").loc["b"]
    assert b.decision == "wins"
    assert b.adj_ci_low < demo.TRUE_LANDING_LIFT < b.adj_ci_high
    assert b.chance_to_win > 0.99 and b.srm_p_value > 0.001


def test_landing_page_revenue_uses_cuped(results) -> None:
    rev = rows(results, demo.LANDING_ID, "revenue").set_index("arm").loc["b"]
    assert rev.cuped_applied and rev.cuped_theta > 0
    assert rev.rel_ci_low < demo.TRUE_LANDING_LIFT < rev.rel_ci_high


def test_ad_copy_shows_no_difference(results) -> None:
    ad = results[(results.experiment_id == demo.AD_COPY_ID) & ~results.is_control]
    assert set(ad.decision) <= {"no_difference", "keep_running"}
    assert (ad.p_adjusted > 0.05).all()


def test_factorial_interaction_is_detected(demo_stats) -> None:
    specs, stats = demo_stats
    fx = evaluate_factorial(stats, specs).set_index("effect")
    inter = fx.loc["subject=personal × send_time=evening"]
    assert inter.significant and inter.ci_low < demo.TRUE_EMAIL_INTERACTION < inter.ci_high
    assert len(fx) == 3


def test_sample_ratio_mismatch_is_flagged_before_anything_else(results) -> None:
    srm = results[results.experiment_id == demo.SRM_ID]
    assert (srm.decision == "srm").all() and (srm.srm_p_value < 1e-6).all()
    text = summary(srm.to_dict("records"), "en")
    assert len(text) == 1 and text[0].startswith("sample-ratio mismatch (p < 0,0001)")


def test_every_row_states_its_conventions(results) -> None:
    for column in ("alpha", "two_sided", "distribution", "scale", "control", "correction"):
        assert results[column].notna().all()
    assert set(results.decision) <= {"srm", "error", "control", "wins", "loses",
                                     "no_difference", "keep_running"}


def test_sequential_design_and_days_remaining() -> None:
    spec = ExperimentSpec("s", "S", (Arm("a"), Arm("b")), "a",
                          (Metric("conv", "proportion", "converted", mde=0.1),),
                          START, END, design="sequential")
    stats = pd.DataFrame([{"experiment_id": "s", "arm": a, "metric_id": "conv", "n": 5000,
                           "num_sum": 500.0} for a in ("a", "b")])
    row = evaluate(stats, [spec], as_of=START + dt.timedelta(days=9)).iloc[1]
    assert row.decision == "keep_running" and row.seq_ci_low < row.rel_ci_low
    needed = sequential_sample_size(0.1, mde=0.1)
    assert needed > sample_size(0.1, mde=0.1)
    assert row.days_remaining == days_to_power(needed, 5000, 10)
    assert (f"about {int(row.days_remaining)} more days until the test has enough data to see "
            "a difference (80% power)") in describe(row.to_dict(), "en")
    assert "nog ongeveer " in describe(row.to_dict(), "nl")


def test_degenerate_rows_get_an_error_decision() -> None:
    spec = ExperimentSpec("z", "Z", (Arm("a"), Arm("b")), "a",
                          (Metric("conv", "proportion", "converted"),), START, END)
    stats = pd.DataFrame([{"experiment_id": "z", "arm": "a", "metric_id": "conv", "n": 1000,
                           "num_sum": 0.0}])  # arm b never seen
    out = evaluate(stats, [spec], as_of=END)
    b = out.set_index("arm").loc["b"]
    assert b.decision in {"srm", "error"} and isinstance(b.error, str)
    assert b.null_reason == "empty_arm"
    assert "an arm has no units" in describe({**b.to_dict(), "decision": "error"}, "en")


def test_spec_validation_names_the_field() -> None:
    with pytest.raises(SpecError, match=r"experiment 'x': control 'zz' is not one of the arms"):
        ExperimentSpec("x", "X", (Arm("a"), Arm("b")), "zz",
                       (Metric("m", "proportion", "c"),), START, END)
    with pytest.raises(SpecError, match=r"metrics\['r'\].denominator is required"):
        ExperimentSpec("x", "X", (Arm("a"), Arm("b")), "a", (Metric("r", "ratio", "c"),),
                       START, END)
    with pytest.raises(SpecError, match="alpha must be in"):
        ExperimentSpec("x", "X", (Arm("a"), Arm("b")), "a", (Metric("m", "mean", "c"),),
                       START, END, alpha=0.7)
    spec = from_dict({"id": "y", "name": "Y", "arms": [{"id": "a"}, {"id": "b", "weight": 2}],
                      "control": "a", "start": "2026-10-01", "end": "2026-10-28",
                      "metrics": [{"id": "m", "kind": "proportion", "numerator": "c"}]})
    assert spec.planned_weights == pytest.approx((1 / 3, 2 / 3))
    with pytest.raises(SpecError, match="experiment 'y'"):
        from_dict({"id": "y", "arms": []})


def test_factorial_three_factors_and_known_contrasts() -> None:
    factors = [Factor("a", ("0", "1")), Factor("b", ("0", "1")), Factor("c", ("0", "1", "2"))]
    cells = {(x, y, z): ProportionStats(2000, 200 + 100 * (x == y == "1"))
             for x in "01" for y in "01" for z in "012"}
    fx = {e.name: e for e in effects(cells, factors)}
    assert len(fx) == 1 + 1 + 2 + 1 + 2 + 2 + 2
    assert fx["a=1"].estimate == pytest.approx(0.025)
    assert fx["a=1 × b=1"].estimate == pytest.approx(0.05)
    assert fx["c=2"].estimate == pytest.approx(0.0, abs=1e-12)


def test_power_roundtrip() -> None:
    n = sample_size(0.05, mde=0.12)
    assert mde(n, 0.05) == pytest.approx(0.12, rel=1e-3)
    assert days_to_power(n, n, 10) == 0




@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_demo_row_and_effect_reads_in_every_language(results, demo_stats, lang) -> None:
    for row in results.to_dict("records"):
        assert describe(row, lang)
    for effect in evaluate_factorial(demo_stats[1], demo_stats[0]).to_dict("records"):
        assert describe_effect(effect, lang)


def test_wording_numbers_come_from_babel() -> None:
    row = {"decision": "wins", "arm_label": "B", "metric_label_fr": "conversion",
           "rel_estimate": 0.081, "adj_ci_low": 0.023, "adj_ci_high": 0.139, "alpha": 0.05}
    assert describe(row, "fr") == ("B l'emporte sur l'indicateur «\u202fconversion\u202f» "
                                   "(+8,1\xa0%, IC à 95\xa0% "
                                   "de +2,3\xa0% à +13,9\xa0%)")


def test_docstring_examples_run() -> None:
    modules = [importlib.import_module(f"experiments.{m.name}")
               for m in pkgutil.iter_modules(experiments.__path__)] + [experiments, demo]
    for module in modules:
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, module.__name__


def test_a_proper_prior_shrinks_the_chance_to_win() -> None:
    stats = pd.DataFrame([{"experiment_id": "p", "arm": a, "metric_id": "conv", "n": 4000,
                           "num_sum": s} for a, s in (("a", 400.0), ("b", 450.0))])
    flat, sceptical = (
        ExperimentSpec("p", "P", (Arm("a"), Arm("b")), "a",
                       (Metric("conv", "proportion", "converted"),), START, END, **prior)
        for prior in ({}, {"prior_mean": 0.0, "prior_sd": 0.02}))
    loose = evaluate(stats, [flat], as_of=END).iloc[1]
    tight = evaluate(stats, [sceptical], as_of=END).iloc[1]
    assert loose.chance_to_win > 0.95  # +12,5 % on 10 %, se about 6,9 %
    assert 0.5 < tight.chance_to_win < loose.chance_to_win - 0.1
    # the frequentist result does not depend on the prior
    assert tight.rel_p_value == loose.rel_p_value
    with pytest.raises(SpecError, match="prior_sd must be positive"):
        ExperimentSpec("p", "P", (Arm("a"), Arm("b")), "a",
                       (Metric("conv", "proportion", "converted"),), START, END, prior_sd=0.0)
