"""Every DuckDB connection is bounded: memory, threads and a spill folder, from the
configuration or the machine; big work spills instead of failing or swelling."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config import load_config
from pipelines.warehouse import limits
from pipelines.warehouse.engines import DUCKDB_FILE, open_warehouse
from pipelines.warehouse.store import connect


def _setting(con, name: str) -> str:
    return con.con.execute(f"SELECT current_setting('{name}')").fetchone()[0]


@pytest.mark.parametrize(("memory", "cpus", "expected"), [
    (24 * limits.GIB, 2, "1024MiB"),   # a quarter would be 6 GiB: capped at 1 GiB
    (2 * limits.GIB, 4, "512MiB"),     # a quarter
    (256 * limits.MIB, 1, "128MiB"),   # never below the floor
])
def test_the_default_is_a_quarter_of_the_memory_within_floor_and_ceiling(memory, cpus,
                                                                          expected):
    bound = limits.default_limits(memory, cpus, Path("/spill"))
    assert (bound.memory_limit, bound.threads, bound.temp_directory) == (expected, cpus,
                                                                         "/spill")


def test_the_machine_is_read_and_its_cgroup_limit_respected():
    assert 64 * limits.MIB < limits.machine_memory() <= 2**50
    assert limits.usable_cpus() >= 1


def test_a_warehouse_opened_without_settings_is_bounded_by_the_machine(tmp_path):
    con = connect(tmp_path / DUCKDB_FILE)
    expected = limits.resolve(tmp_path / DUCKDB_FILE)
    # DuckDB reports its limit in its own units (1024MiB reads back as 1.0 GiB).
    assert _setting(con, "memory_limit").replace(" ", "") in (
        expected.memory_limit, f"{int(expected.memory_limit[:-3]) / 1024:.1f}GiB")
    assert int(_setting(con, "threads")) == expected.threads
    assert Path(_setting(con, "temp_directory")) == tmp_path / limits.SPILL_FOLDER
    assert (tmp_path / limits.SPILL_FOLDER).is_dir()


def test_the_configured_bound_reaches_the_connection(tmp_path):
    config = tmp_path / "kpi.yaml"
    config.write_text("history_start: 2026-01-01\nengine:\n  duckdb: {memory_limit: 300MB, "
                      "threads: 1, temp_directory: spill-here}\n")
    engine = load_config(config).engine
    con = open_warehouse(engine, tmp_path / "data")
    assert _setting(con, "memory_limit").replace(" ", "") == "286.1MiB"  # 300 MB in MiB
    assert int(_setting(con, "threads")) == 1
    # A relative folder is relative to the configuration file, like every other file in it.
    assert Path(_setting(con, "temp_directory")) == tmp_path / "spill-here"


def test_work_bigger_than_the_limit_spills_to_the_folder_and_finishes(tmp_path):
    spill = tmp_path / "spill"
    con = connect(tmp_path / DUCKDB_FILE,
                  bound=limits.DuckDBLimits("64MB", 1, str(spill)))
    # A hash aggregate over 4M distinct keys needs several times 64 MB in memory.
    rows = con.con.execute(
        "SELECT count(*), sum(s) FROM (SELECT i % 4000000 AS k, sum(i) AS s "
        "FROM range(8000000) t(i) GROUP BY k)").fetchone()
    assert rows == (4_000_000, sum(range(8_000_000)))


def test_freed_memory_goes_back_to_the_system() -> None:
    """After many small objects are freed, glibc keeps their pages; releasing them lowers the
    process's resident memory (Linux with glibc, as the nightly machine)."""
    import platform
    from pathlib import Path

    from pipelines.warehouse.limits import release_freed_memory

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        pytest.skip("malloc_trim is glibc's")

    def resident_mb() -> float:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS")

    blocks = [bytes(1000) + i.to_bytes(4, "little") for i in range(250_000)]  # ~250 MB, malloc
    keep = blocks[::250]  # a few survivors scattered over the heap, as in a real night
    del blocks
    before = resident_mb()
    release_freed_memory()
    assert resident_mb() < before - 50, (before, resident_mb())
    assert len(keep) == 1000
