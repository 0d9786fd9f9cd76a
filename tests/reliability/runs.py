"""The user's command in its own process, on a warehouse copied for each trial, and what a
warehouse holds: the tools of the crash-safety, idempotency and fault tests."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from assets.catalog import CATALOG
from pipelines.warehouse import keys
from pipelines.warehouse.store import connect
from tests.assets.conftest import tables
from tests.scale.conftest import END, START, scale_config

CLI = str(Path(sys.executable).parent / "campaign-kpi")
WAREHOUSE = "warehouse.duckdb"
CONFIG_FILE = "campaign-kpi.yaml"
FIRST, LAST = START.isoformat(), END.isoformat()


@dataclass(frozen=True)
class Demo:
    """A demo warehouse over the scale tests' four weeks (experiments inside them)."""

    folder: Path
    config: Path

    @property
    def data(self) -> Path:
        return self.folder / "data"


def command(*args: str, config: Path, data: Path) -> list[str]:
    return [CLI, *args, "--config", str(config), "--data-dir", str(data)]


def campaign_kpi(*args: str, config: Path, data: Path, cwd: Path,
                 timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(*args, config=config, data=data), cwd=cwd,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "COLUMNS": "200"})


def nightly(demo: Demo, data: Path, day: str = LAST) -> subprocess.CompletedProcess[str]:
    return campaign_kpi("run", "--date", day, config=demo.config, data=data, cwd=demo.folder)


def build_demo(folder: Path) -> Demo:
    """``campaign-kpi demo`` over the four weeks, as a user runs it."""
    config = folder / CONFIG_FILE
    config.write_text(yaml.safe_dump(scale_config().model_dump(mode="json"), sort_keys=False))
    demo = Demo(folder, config)
    done = campaign_kpi("demo", config=config, data=demo.data, cwd=folder)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return demo


def copy_data(demo: Demo, to: Path) -> Path:
    """A copy of the demo's data folder (warehouse, outputs, run history)."""
    shutil.copytree(demo.data, to, symlinks=True)
    return to


def warehouse_tables(data: Path) -> dict[str, pd.DataFrame]:
    con = connect(data / WAREHOUSE, read_only=True)
    try:
        return tables(con)
    finally:
        con.disconnect()


def key_audit(data: Path) -> keys.KeyAudit:
    con = connect(data / WAREHOUSE, read_only=True)
    try:
        return keys.audit(con, CATALOG)
    finally:
        con.disconnect()


@dataclass(frozen=True)
class Killed:
    """A run killed ``after`` seconds; whether it had already ended by itself."""

    after: float
    ended_first: bool


def kill_after(args: list[str], seconds: float, cwd: Path) -> Killed:
    """Start ``args`` in a session of its own and SIGKILL the whole session after ``seconds``."""
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    started = time.monotonic()
    try:
        process.wait(timeout=seconds)
        return Killed(time.monotonic() - started, ended_first=True)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return Killed(time.monotonic() - started, ended_first=False)


def last_step_started(data: Path) -> str:
    """The step the latest run in the data folder's Dagster history had started last."""
    import dagster as dg

    with dg.DagsterInstance.local_temp(tempdir=str(data / "dagster_home")) as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            return "(before the run began)"
        steps = [e.dagster_event.step_key for e in instance.all_logs(runs[0].run_id)
                 if e.dagster_event is not None and e.dagster_event.event_type_value ==
                 "STEP_START"]
        return steps[-1] if steps else "(before the first step)"
