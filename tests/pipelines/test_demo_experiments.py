"""The demo experiment exposures: deterministic, small, pseudonymous, truths planted."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pytest

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
    assert units.unit_id.str.fullmatch(r"u_\d{6}").all() and units.unit_id.is_unique
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
