"""The agency benchmark's own machinery (benchmarks/agency.py): its seeded raw history is what
the backfill's pulls write, its process-tree sampling sees children, its table comparison
counts differing rows. (The seeded night equalling ``campaign-kpi demo`` is the benchmark's
``--verify``, too slow for here.)"""

from __future__ import annotations

import datetime as dt
import doctest
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipelines.sources.base import Window
from pipelines.sources.demo import DemoSettings, DemoSource
from pipelines.sources.streams import STREAMS
from pipelines.warehouse.freshness import unmodelled_dates
from pipelines.warehouse.store import connect

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("agency_bench", ROOT / "benchmarks" / "agency.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_its_examples_hold(bench):
    result = doctest.testmod(bench)
    assert result.attempted >= 4 and result.failed == 0


def test_seeded_history_is_every_pulled_row_and_leaves_every_day_to_model(bench, tmp_path):
    size = bench.Size(16, dt.date(2026, 11, 24))  # two extra campaigns, one week
    config = tmp_path / "client.yaml"
    client = bench.client_config(4, size)
    config.write_text(yaml.safe_dump(client), encoding="utf-8")
    bench.seed_child(config, tmp_path / "client")
    settings = DemoSettings(size.start, size.end, seed=bench.FIRST_SEED + 4, extra_campaigns=2,
                            anomalies=client["demo"]["anomalies"])
    source = DemoSource(settings)
    con = connect(tmp_path / "client" / "warehouse.duckdb", read_only=True)
    try:
        for stream in STREAMS.values():
            expected = source.pull(stream, Window(size.start, size.end)).frame
            stored = con.table(stream.table).to_pandas()
            assert len(stored) == len(expected) > 0, stream.name
            measures = ("cost_micros", "sessions", "conversions", "key_events", "spend")
            measure = next((c for c in measures if c in expected), None)
            if measure:  # the click view is a row per click, nothing to sum
                assert stored[measure].sum() == pytest.approx(expected[measure].sum()), stream.name
        days = [size.start + dt.timedelta(days=n) for n in range(7)]
        assert unmodelled_dates(con) == days  # the first night models the whole history
        assert con.table("raw_revisions").count().execute() > 0  # what earlier nights saw
    finally:
        con.disconnect()


def test_the_sampled_tree_holds_the_children(bench):
    child = subprocess.Popen(["sleep", "5"])
    try:
        seen = bench.tree(os.getpid())
        assert {os.getpid(), child.pid} <= set(seen)
        assert seen[os.getpid()][1] > 0  # RSS in bytes
    finally:
        child.kill()
        child.wait()


def test_table_differences_counts_rows_on_either_side(bench, tmp_path):
    for name, rows in (("a", "(1, 'x'), (2, 'y')"), ("b", "(1, 'x'), (2, 'z')")):
        con = connect(tmp_path / f"{name}.duckdb")
        con.raw_sql(f"CREATE TABLE t AS SELECT * FROM (VALUES {rows}) v(k, s)")
        con.raw_sql("CREATE TABLE same AS SELECT 1 AS k")
        if name == "a":
            con.raw_sql("CREATE TABLE only_a AS SELECT * FROM range(3)")
        con.disconnect()
    found = bench.table_differences(tmp_path / "a.duckdb", tmp_path / "b.duckdb")
    assert found == {"only_a": 3, "same": 0, "t": 2}


def test_clones_copy_the_built_client_and_share_its_seed(bench, tmp_path):
    source = tmp_path / "built" / "clients" / "client-01"
    (source / "duckdb-spill").mkdir(parents=True)
    (source / "duckdb-spill" / "spill.tmp").write_bytes(b"0" * 10)
    (source / "warehouse.duckdb").write_bytes(b"db")
    size = bench.Size(300, dt.date(2023, 12, 1))
    record = bench.clone(source, tmp_path / "clones" / "client-07")
    assert (tmp_path / "clones" / "client-07" / "warehouse.duckdb").read_bytes() == b"db"
    assert not (tmp_path / "clones" / "client-07" / "duckdb-spill").exists()
    assert record["copy_wall_s"] >= 0
    bench.write_agency(tmp_path / "clones", [7, 8], size, seed=bench.FIRST_SEED + 1)
    seeds = {yaml.safe_load((tmp_path / "clones" / "configs" / f"client-0{i}.yaml").read_text(
        encoding="utf-8"))["demo"]["seed"] for i in (7, 8)}
    assert seeds == {bench.FIRST_SEED + bench.source_index(source)} == {1002}
