"""The demo experiment exposures: deterministic, small, pseudonymous, truths planted."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import numpy as np
import pytest

from experiments.spec import Arm
from pipelines.sources.demo import experiments as demo

START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 28)


@pytest.fixture(scope="module")
def generated():
    started = time.perf_counter()
    specs, units = demo.demo_experiments(START, END)
    return specs, units, time.perf_counter() - started


def test_shape_size_and_speed(generated) -> None:
    specs, units, seconds = generated
    assert len(units) < 300_000 and seconds < 2.0
    assert list(units.columns) == ["experiment_id", "unit_id", "arm", "first_exposure_date",
                                   "converted", "revenue", "sessions", "pre_revenue"]
    assert {s.id for s in specs} == set(units.experiment_id)
    for spec in specs:
        assert set(units.loc[units.experiment_id == spec.id, "arm"]) == set(spec.arm_ids)


def test_deterministic_for_a_seed(generated) -> None:
    _, units, _ = generated
    again = demo.demo_experiments(START, END)[1]
    assert units.equals(again)
    assert not units.equals(demo.demo_experiments(START, END, seed=99)[1])


def test_units_are_pseudonymous_and_dates_in_the_window(generated) -> None:
    _, units, _ = generated
    assert units.unit_id.str.fullmatch(r"u_\d{6}").all()
    assert not units.duplicated(["experiment_id", "unit_id"]).any()
    assert not units.astype(str).apply(lambda c: c.str.contains("@")).any().any()
    days = units.first_exposure_date.dt.date
    assert days.min() >= START and days.max() <= END


def test_planted_truths_are_in_the_raw_data(generated) -> None:
    _, units, _ = generated
    rate = units.groupby(["experiment_id", "arm"]).converted.mean()
    lp = rate[demo.LANDING_ID]
    assert lp["b"] / lp["control"] - 1 == pytest.approx(demo.TRUE_LANDING_LIFT, abs=0.06)
    email = rate[demo.EMAIL_ID]
    interaction = (email["personal-evening"] - email["personal-morning"]
                   - email["standard-evening"] + email["standard-morning"])
    assert interaction == pytest.approx(demo.TRUE_EMAIL_INTERACTION, abs=0.006)
    share = np.mean(units.loc[units.experiment_id == demo.SRM_ID, "arm"] == "b")
    assert share == pytest.approx(demo.TRUE_SRM_SHARE, abs=0.01)
    assert demo.TRUE_AD_COPY_LIFT == 0.0


def test_bad_window_is_rejected() -> None:
    with pytest.raises(ValueError, match="before start"):
        demo.demo_experiments(END, START)


def test_units_by_a_day_are_a_prefix_of_the_whole_run(generated) -> None:
    specs, units, _ = generated
    mid = START + dt.timedelta(days=9)
    early = demo.demo_units(specs, mid)
    assert early.first_exposure_date.max() <= np.datetime64(mid)
    expected = units[units.first_exposure_date <= np.datetime64(mid)].reset_index(drop=True)
    assert early.equals(expected)
    assert 0.3 < len(early) / len(units) < 0.42  # 10 of 28 days


def test_an_unknown_experiment_gets_flat_no_effect_units(generated) -> None:
    specs, _, _ = generated
    other = dataclasses.replace(specs[1], id="hero-banner",
                                arms=(Arm("x", weight=3), Arm("y", weight=1)), control="x")
    units = demo.demo_units((other,), END)
    assert len(units) == demo.DEFAULT_SIZE
    assert np.mean(units.arm == "x") == pytest.approx(0.75, abs=0.01)
    assert units.converted.mean() == pytest.approx(0.04, abs=0.005)
    same = demo.demo_units((specs[0], other), END)
    assert same[same.experiment_id == "hero-banner"].reset_index(drop=True).equals(units)
