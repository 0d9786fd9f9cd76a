"""The Dagster instance kept in the data folder: telemetry off unless the user says otherwise;
a run's Python warnings kept in its log with their step, never printed raw."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import dagster as dg
import numpy as np
import pytest

import assets.instance
import assets.warning_log
from assets import commands, runner
from assets.instance import prepare_home
from assets.runner import DAGSTER_HOME, kept_instance, run_warnings
from assets.settings import EXAMPLE_CONFIG, Paths
from assets.warning_log import RunWarning

REPO = Path(__file__).resolve().parents[2]
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}  # as the CLI runs


def test_a_new_instance_has_telemetry_off(tmp_path):
    home = prepare_home(tmp_path / "dagster_home")
    with dg.DagsterInstance.local_temp(tempdir=str(home)) as instance:
        assert instance.telemetry_enabled is False


@pytest.mark.parametrize("name", ["dagster.yaml", "dagster.yml"])
def test_the_users_own_settings_are_kept(tmp_path, name):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / name).write_text("telemetry:\n  enabled: true\n", encoding="utf-8")
    prepare_home(home)
    assert sorted(p.name for p in home.iterdir()) == [name]
    assert (home / name).read_text(encoding="utf-8") == "telemetry:\n  enabled: true\n"
    with dg.DagsterInstance.local_temp(tempdir=str(home)) as instance:
        assert instance.telemetry_enabled is True  # theirs to choose


def _noisy_job() -> dg.JobDefinition:
    @dg.asset
    def noisy() -> int:
        np.log(np.zeros(2))  # RuntimeWarning: divide by zero encountered in log
        np.log(-np.ones(2))  # RuntimeWarning: invalid value encountered in log
        return 1

    @dg.asset(deps=[noisy])
    def calm() -> int:
        return 2

    return dg.Definitions(assets=[noisy, calm],
                          jobs=[dg.define_asset_job("all")]).resolve_job_def("all")


def run_noisy(folder: str) -> None:
    """What the command line does around a run: the run, then its line about warnings."""
    paths = Paths(Path(folder), EXAMPLE_CONFIG)
    result = runner._execute(_noisy_job(), paths, None, run_config=QUIET)
    commands._warnings_line(paths, result)
    print(result.run_id)


def test_a_runs_warnings_go_to_its_log_and_one_line_not_to_the_terminal(tmp_path):
    """In a process of its own, as a user runs it (pytest would record the warnings itself)."""
    script = f"from tests.assets.test_run_log import run_noisy; run_noisy({str(tmp_path)!r})"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, cwd=REPO, env={"PATH": "/usr/bin:/bin", "COLUMNS": "80",
                                                      "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no "RuntimeWarning: divide by zero" and its source line
    line, run_id = done.stdout.splitlines()
    assert line == ("2 warnings from the numerics (noisy), kept in the run's log: make dev (or "
                    "dagster dev with DAGSTER_HOME=<data dir>/dagster_home), then Runs")
    with kept_instance(Paths(tmp_path, EXAMPLE_CONFIG)) as instance:
        assert run_warnings(instance, run_id) == (
            RunWarning("noisy", "RuntimeWarning", "divide by zero encountered in log", 1),
            RunWarning("noisy", "RuntimeWarning", "invalid value encountered in log", 1))
    home = tmp_path / DAGSTER_HOME  # and no usage reported: no instance id, no usage log
    assert (home / "dagster.yaml").exists() and not (tmp_path / ".dagster").exists()
    assert not (home / ".telemetry").exists() and not (home / "logs").exists()


@pytest.mark.filterwarnings("default::RuntimeWarning")
def test_a_quiet_run_prints_no_line_about_warnings(tmp_path, capfd):
    @dg.asset
    def calm() -> int:
        return 1

    paths = Paths(tmp_path, EXAMPLE_CONFIG)
    job = dg.Definitions(assets=[calm], jobs=[dg.define_asset_job("all")]).resolve_job_def("all")
    result = runner._execute(job, paths, None, run_config=QUIET)
    commands._warnings_line(paths, result)
    assert capfd.readouterr() == ("", "")


def test_under_an_error_filter_a_warning_still_stops_the_step(tmp_path):
    """The filters are the caller's: pytest's ``error`` turns the warning into the step's
    failure, as before."""
    result = runner._execute(_noisy_job(), Paths(tmp_path, EXAMPLE_CONFIG), None,
                             run_config=QUIET)
    assert not result.success
    assert "divide by zero encountered in log" in runner.failure_reason(result)


def test_the_examples_hold():
    for module in (assets.instance, assets.warning_log):
        assert doctest.testmod(module).failed == 0, module.__name__
