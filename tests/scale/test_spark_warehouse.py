"""The whole pipeline with ``engine: spark``: the user's command, a local Spark (its own process,
metastore and table files in the data folder), every table equal to the DuckDB warehouse's, and
a nightly re-run that changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from pipelines.engine_config import Engine
from tests.scale.conftest import END, scale_config

CLI = str(Path(sys.executable).parent / "campaign-kpi")
DATABASE = "campaign_kpi"
PULL_TIME = ("extracted_at",)  # when a row was pulled: differs between any two runs
SPARK = {"name": "spark", "spark": {"master": "local[2]", "database": DATABASE, "conf": {
    "spark.driver.memory": "1g", "spark.sql.shuffle.partitions": "2"}}}

pytestmark = pytest.mark.slow


def campaign_kpi(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def frame_of(relation: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    return relation.arrow().read_all().to_pandas()


def spark_tables(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Every table of the local Spark warehouse, read from its parquet files, rows sorted."""
    folder = data_dir / "spark" / "warehouse" / f"{DATABASE}.db"
    result = {}
    for table in sorted(p for p in folder.iterdir() if p.is_dir()):
        frame = frame_of(duckdb.sql(f"SELECT * FROM read_parquet('{table}/*.parquet')"))
        result[table.name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return result


def rounded_json(text: object) -> object:
    """A JSON document (the stored CLV fit in ``pipeline_state``) with its numbers to 9
    significant digits: a fit from sums added in another order differs in the last bits.

    >>> rounded_json('{"p": 18.921685979136882}'), rounded_json("e89ec1a3")
    ('{"p": 18.921686}', 'e89ec1a3')
    """
    if not isinstance(text, str) or not text.startswith(("{", "[")):
        return text
    parsed = json.loads(text, parse_float=lambda s: float(f"{float(s):.9g}"))
    return json.dumps(parsed, sort_keys=True)


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Pull times dropped, timestamps in UTC, JSON numbers to 9 digits, rows in one order."""
    frame = frame.drop(columns=[c for c in PULL_TIME if c in frame.columns])
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        elif frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(rounded_json)
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.fixture(scope="module")
def spark_demo(tmp_path_factory) -> tuple[Path, str]:
    """``campaign-kpi demo`` on Spark over the scale tests' four weeks."""
    folder = tmp_path_factory.mktemp("spark-engine")
    config = scale_config().model_copy(update={"engine": Engine.model_validate(SPARK)})
    path = folder / "campaign-kpi.yaml"
    path.write_text(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False))
    done = campaign_kpi("demo", "--config", str(path), "--data-dir", str(folder / "data"),
                        cwd=folder)
    return folder, done.stdout


def test_demo_runs_on_spark_and_says_so(spark_demo):
    folder, out = spark_demo
    data = folder / "data"
    assert f"Warehouse  Spark local[2], database {DATABASE}" in out
    assert not (data / "warehouse.duckdb").exists()
    assert (data / "spark" / "metastore_db").is_dir()
    for page in ("overview", "drilldown", "experiments", "budget", "clv", "quality"):
        assert all((data / "out" / f"{page}.{lang}.html").stat().st_size > 10_000
                   for lang in ("nl", "fr", "en"))
        assert (data / "out" / f"{page}.html").is_file()  # opens the configured language's
    assert list((data / "out" / "reports").glob("*/weekly-report.fr.html"))


def assert_same_as_duckdb(got: dict[str, pd.DataFrame], demo_warehouse: Path,
                          comparable=comparable) -> None:
    """Every table of the DuckDB warehouse equals the one in ``got``, row for row (floats to
    1e-9; ``comparable`` drops what differs by nature, such as pull times)."""
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()]
        expected = {n: frame_of(con.sql(f'SELECT * FROM "{n}"')) for n in names}
    finally:
        con.close()
    assert sorted(got) == sorted(expected)
    assert len(expected) >= 25
    for name, frame in expected.items():
        left, right = comparable(frame), comparable(got[name])
        assert list(right.columns) == list(left.columns), name
        pd.testing.assert_frame_equal(left, right, check_dtype=False, rtol=1e-9, obj=name)


def test_every_table_equals_the_duckdb_warehouse(spark_demo, demo_warehouse):
    folder, _ = spark_demo
    assert_same_as_duckdb(spark_tables(folder / "data"), demo_warehouse)


def test_nightly_rerun_on_spark_changes_nothing(spark_demo):
    folder, _ = spark_demo
    before = {n: comparable(f) for n, f in spark_tables(folder / "data").items()}
    campaign_kpi("run", "--date", END.isoformat(), "--config",
                 str(folder / "campaign-kpi.yaml"), "--data-dir", str(folder / "data"),
                 cwd=folder)
    after = {n: comparable(f) for n, f in spark_tables(folder / "data").items()}
    assert sorted(after) == sorted(before)  # no staging table left behind
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], check_dtype=False, obj=name)
