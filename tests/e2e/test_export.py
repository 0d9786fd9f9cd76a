"""``campaign-kpi export``: warehouse tables as CSV or Parquet files, read back equal to the
warehouse (dates as dates), an unknown table named with the likely intended one, nothing
written then, and the warehouse left as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipelines.warehouse.store import connect
from tests.assets.conftest import copy_of

CLI = str(Path(sys.executable).parent / "campaign-kpi")


def export(paths, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, "export", *args, "--data-dir", str(paths.data_dir),
                           "--config", str(paths.config)], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "COLUMNS": "200",
                                                       "HOME": str(cwd)})


@pytest.fixture(scope="module")
def data(built, tmp_path_factory):
    """A private copy of the demo warehouse and its kpi_values as stored."""
    paths = copy_of(built, tmp_path_factory.mktemp("export") / "data")
    con = connect(paths.warehouse, read_only=True)
    try:
        values = con.execute(con.table("kpi_values"))
    finally:
        con.disconnect()
    return paths, values


def _same(got: pd.DataFrame, stored: pd.DataFrame) -> None:
    key = ["grain", "level", "period_start", "series_key", "metric"]
    stored = stored.assign(period_start=pd.to_datetime(stored["period_start"]).dt.date,
                           period_end=pd.to_datetime(stored["period_end"]).dt.date)
    got = got.assign(period_start=pd.to_datetime(got["period_start"]).dt.date,
                     period_end=pd.to_datetime(got["period_end"]).dt.date)
    assert list(got.columns) == list(stored.columns)
    left = got.sort_values(key).reset_index(drop=True)
    right = stored.sort_values(key).reset_index(drop=True)
    for column in ("value", "target", "previous_value"):
        pd.testing.assert_series_equal(left[column].astype("float64"),
                                       right[column].astype("float64"), check_names=False)
    assert (left[key].astype(str) == right[key].astype(str)).all().all()


def test_the_default_tables_as_csv_read_back_equal(data, tmp_path):
    paths, values = data
    done = export(paths, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    folder = paths.output / "export"
    assert {p.name for p in folder.iterdir()} >= {"kpi_values.csv", "campaign_daily.csv",
                                                  "budget_pacing.csv", "recommendations.csv"}
    assert f"{len(values):,}" in done.stdout
    text = (folder / "kpi_values.csv").read_text(encoding="utf-8")
    first = text.splitlines()[1].split(",")
    assert len(first[2]) == 10 and first[2][4] == "-"  # a period starts on a day, not a time
    _same(pd.read_csv(folder / "kpi_values.csv", low_memory=False), values)


def test_chosen_tables_as_parquet_keep_their_types(data, tmp_path):
    paths, values = data
    done = export(paths, "kpi_values", "campaign_daily", "--format", "parquet", "--out",
                  str(tmp_path / "files"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "files").iterdir()) == [
        "campaign_daily.parquet", "kpi_values.parquet"]
    schema = pq.read_schema(tmp_path / "files" / "kpi_values.parquet")
    assert str(schema.field("period_start").type) == "date32[day]"
    assert str(schema.field("value").type) == "double"
    _same(pq.read_table(tmp_path / "files" / "kpi_values.parquet").to_pandas(), values)


@pytest.mark.parametrize(("args", "said"), [
    (("kpi_value",), "no table kpi_value in the warehouse; did you mean kpi_values?"),
    (("--format", "xlsx"), "--format xlsx: choose csv or parquet"),
])
def test_bad_input_is_named_and_nothing_is_written(data, tmp_path, args, said):
    paths, values = data
    done = export(paths, *args, "--out", str(tmp_path / "files"), cwd=tmp_path)
    assert done.returncode == 2
    assert said in " ".join(done.stderr.split())
    assert not (tmp_path / "files").exists()
    con = connect(paths.warehouse, read_only=True)
    try:
        assert con.execute(con.table("kpi_values").count()) == len(values)
    finally:
        con.disconnect()
