"""The demo pipeline on end dates chosen to break things, and on accounts of other shapes: each
run ends green, with every page in every language and the weekly report written.

Dates are fixed on purpose (each names what it tests), except the first scenario, which runs on
the real date as a new user's ``make demo`` does. Two classes, so that pytest-xdist's
``--dist loadscope`` gives each of its two workers half of the runs.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.scenarios import Scenario, run_scenario

D = dt.date


def _check(scenario: Scenario, tmp_path, record_property, pdf: bool = False) -> None:
    outcome = run_scenario(scenario, tmp_path / scenario.label, pdf=pdf)
    record_property("figure", f"calendar sweep: {outcome.summary()}")
    assert outcome.passed, f"{scenario.why}: {outcome.summary()}"


class TestCalendar:
    @pytest.mark.parametrize("scenario", [
        Scenario(None, why="the real date: yesterday in Brussels, as make demo runs"),
        Scenario(D(2026, 11, 30), seed=1, why="a month end on a Monday"),
        Scenario(D(2026, 1, 1), seed=3,
                 why="New Year's Day, a Belgian public holiday, the history crossing a year"),
        Scenario(D(2021, 1, 3), seed=4,
                 why="a Sunday ending ISO week 2020-W53, before the budget plan and the "
                     "experiments"),
    ], ids=lambda s: s.label)
    def test_the_demo_runs_green(self, scenario, tmp_path, record_property):
        _check(scenario, tmp_path, record_property, pdf=scenario.end is None)


class TestShapes:
    @pytest.mark.parametrize("scenario", [
        Scenario(D(2026, 3, 29), seed=5, why="summer time starts in Brussels (a Sunday)"),
        # winter time (2026-10-25) is in the soak (benchmarks/soak.py), to keep make test short
        Scenario(D(2026, 7, 21), seed=10, traffic_scale=0.02,
                 why="a tiny account with almost no conversions, on the national holiday "
                     "(a Tuesday)"),
        Scenario(D(2027, 1, 3), seed=11, traffic_scale=4.0,
                 why="a large account, on the Sunday ending ISO week 2026-W53 (a fixed demo "
                     "end after today)"),
    ], ids=lambda s: s.label)
    def test_the_demo_runs_green(self, scenario, tmp_path, record_property):
        _check(scenario, tmp_path, record_property)
