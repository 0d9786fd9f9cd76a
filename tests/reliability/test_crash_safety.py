"""Crash safety: SIGKILL the nightly run at moments spread over the whole run, then run it
again; every table must equal the uninterrupted run's, with no duplicate key.

Each trial starts from a copy of the same demo warehouse, starts ``campaign-kpi run --date``,
kills its whole process group at ``(trial + u) / TRIALS`` of the uninterrupted run's duration
(``u`` drawn from a seeded generator, so the kills cover the run from its first step to its
last), records the step the Dagster history says was running, and re-runs the command.
``CAMPAIGN_KPI_CRASH_TRIALS`` sets the number of trials (3 by default; the figures in
RELIABILITY.md come from longer runs).
"""

from __future__ import annotations

import os
import random
import time

import pytest

from tests.assets.conftest import assert_same_tables
from tests.reliability.runs import (
    LAST,
    command,
    copy_data,
    key_audit,
    kill_after,
    last_step_started,
    nightly,
    warehouse_tables,
)

TRIALS = int(os.environ.get("CAMPAIGN_KPI_CRASH_TRIALS", "3"))
SEED = 20261123
# The command's own start (Python, Dagster, the definitions) before the first step: kills
# there prove little, so the spread starts after it.
STARTUP_SHARE = 0.15

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reference(cli_demo, tmp_path_factory):
    """The demo, a copy that ran the nightly job without interruption, and how long it took."""
    demo = cli_demo
    data = copy_data(demo, tmp_path_factory.mktemp("crash-reference") / "data")
    started = time.monotonic()
    done = nightly(demo, data)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return demo, warehouse_tables(data), seconds


def kill_moments(seconds: float, trials: int = TRIALS, seed: int = SEED) -> list[float]:
    """One moment per trial, stratified over the run after its start-up."""
    draw = random.Random(seed)
    start = STARTUP_SHARE * seconds
    return [start + (i + draw.random()) / trials * (seconds - start) for i in range(trials)]


def test_kill_moments_cover_the_run():
    moments = kill_moments(20.0, trials=8)
    assert moments == sorted(moments) and 3.0 <= moments[0] < 5.2 and 17.8 <= moments[-1] < 20


@pytest.mark.parametrize("trial", range(TRIALS))
def test_a_killed_nightly_run_reruns_to_identical_tables(reference, trial, tmp_path,
                                                         record_property):
    demo, expected, seconds = reference
    data = copy_data(demo, tmp_path / "data")
    moment = kill_moments(seconds)[trial]
    killed = kill_after(command("run", "--date", LAST, config=demo.config, data=data),
                        moment, cwd=demo.folder)
    step = last_step_started(data) if not killed.ended_first else "(ended before the kill)"
    wal = (data / "warehouse.duckdb.wal").exists()

    again = nightly(demo, data)

    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert_same_tables(warehouse_tables(data), expected)
    audit = key_audit(data)
    assert audit.clean, audit
    assert not list(data.glob(".write-check-*")) and not list((data / "out").glob("*.partial"))
    figure = (f"crash trial {trial + 1}/{TRIALS}: killed at {killed.after:.1f} s of "
              f"{seconds:.1f} s in {step}{' (WAL pending)' if wal else ''}; re-run identical, "
              f"{audit.checked} tables, 0 duplicate keys")
    record_property("figure", figure)
    print(figure)
