from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from assets.jobs import NIGHTLY_JOB
from assets.runner import nightly_definitions, run_nightly
from assets.settings import EXAMPLE_CONFIG, Paths
from pipelines.config import Config, load_config
from pipelines.warehouse.store import connect

START, END = dt.date(2026, 1, 5), dt.date(2026, 3, 15)
# The sample's experiment dates are written around this day (the demo's end when it was made).
EXAMPLE_DAY = dt.date(2026, 11, 22)


def shifted(experiments, end: dt.date) -> list[dict]:
    """The experiments moved so that ``end`` stands where EXAMPLE_DAY stood."""
    delta = end - EXAMPLE_DAY
    return [{**e.model_dump(), "start": e.start + delta, "end": e.end + delta}
            for e in experiments]


def demo_config(end: dt.date = END, **change) -> Config:
    """The sample configuration over a short demo history (fast enough for tests), its
    experiments moved into that history (as far along as on EXAMPLE_DAY)."""
    base = load_config(EXAMPLE_CONFIG)
    demo = base.demo.model_copy(update={"end": end})
    experiments = change.pop("experiments", shifted(base.experiments, END))
    return Config.model_validate({**base.model_copy(update={
        "history_start": START, "demo": demo, **change}).model_dump(),
        "experiments": experiments})


def _rounded(value: object) -> object:
    """A parsed JSON value with its floats to 9 significant digits."""
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _json_floats_rounded(text: object) -> object:
    """JSON text with its floats to 9 significant digits (a stored model fit found by an
    optimiser from other starting data differs in the last digits, as floats in columns may
    under ``assert_frame_equal``'s tolerance); other text as it is."""
    if not isinstance(text, str) or not text.startswith(("{", "[")):
        return text
    try:
        return json.dumps(_rounded(json.loads(text)), sort_keys=True)
    except ValueError:
        return text


def tables(con) -> dict[str, pd.DataFrame]:
    """Every table, rows sorted, so two warehouses can be compared exactly (floats inside
    the JSON of ``pipeline_state`` to 9 significant digits)."""
    result = {}
    for name in sorted(con.list_tables()):
        frame = con.execute(con.table(name))
        if name == "pipeline_state" and "value" in frame.columns:
            frame["value"] = frame["value"].map(_json_floats_rounded)
        result[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return result


def assert_same_tables(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    assert left.keys() == right.keys()
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


@pytest.fixture
def paths(tmp_path) -> Paths:
    return Paths(data_dir=tmp_path / "data", config=EXAMPLE_CONFIG)


def build_demo_warehouse(folder) -> tuple[Paths, object]:
    """A warehouse holding the short demo history, built by one range run (the session's
    ``built`` fixture, in tests/conftest.py, shares one with every suite)."""
    paths = Paths(data_dir=folder, config=EXAMPLE_CONFIG)
    result = run_nightly(paths, demo_config(), START, END)
    assert result.success
    return paths, result


RESULT_FILE = "run-result.json"  # the last run's result, next to its data folder


def keep_result(folder: Path, result: dg.ExecuteInProcessResult) -> None:
    """The run and every event it emitted (Dagster's own serialisation) in ``folder``."""
    (folder / RESULT_FILE).write_text(
        dg.serialize_value([result.dagster_run, list(result.all_events)]))


def keep_demo_build(folder: Path) -> None:
    """:func:`build_demo_warehouse` in ``folder / "data"``, its run's result beside it."""
    _, result = build_demo_warehouse(folder / "data")
    keep_result(folder, result)


def keep_next_night(built_data: Path, folder: Path) -> None:
    """A copy of the built data folder (run history included) in ``folder / "data"``, and the
    nightly run of END on top of it, its result beside it."""
    paths = Paths(data_dir=folder / "data", config=EXAMPLE_CONFIG)
    shutil.copytree(built_data, paths.data_dir, symlinks=True)
    result = run_nightly(paths, demo_config(), END, END)
    assert result.success
    keep_result(folder, result)


def copied_demo_build(folder: Path, data: Path) -> tuple[Paths, dg.ExecuteInProcessResult]:
    """A copy in ``data`` of what :func:`keep_demo_build` (or :func:`keep_next_night`) left in
    ``folder``: the data folder (warehouse, pages, run history) and the run's result, as
    :func:`build_demo_warehouse` returns them."""
    shutil.copytree(folder / "data", data, symlinks=True)
    paths = Paths(data_dir=data, config=EXAMPLE_CONFIG)
    run, events = dg.deserialize_value((folder / RESULT_FILE).read_text())
    job = nightly_definitions(paths, demo_config()).resolve_job_def(NIGHTLY_JOB)
    return paths, dg.ExecuteInProcessResult(events, run, None, job)


@pytest.fixture(scope="module")
def warehouse(built):
    """The built warehouse, opened read-only once per module (other readers may share it)."""
    paths, _ = built
    return connect(paths.warehouse, read_only=True)


def read(con, table: str) -> pd.DataFrame:
    """A whole table as a frame."""
    return con.execute(con.table(table))


def copy_of(built, folder) -> Paths:
    """A private copy of the built warehouse, for a test that changes it."""
    paths, _ = built
    copy = dataclasses.replace(paths, data_dir=folder)
    copy.data_dir.mkdir()
    copy.warehouse.write_bytes(paths.warehouse.read_bytes())
    return copy
