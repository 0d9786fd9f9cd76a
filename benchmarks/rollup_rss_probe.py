"""Where the roll-up's peak RSS goes: one run in this (fresh) process on a database made by
``benchmarks/rollup.py --keep``, sampling the process RSS and DuckDB's own accounting
(``duckdb_memory()``: memory and spilled bytes per tag) once a second.

    .venv/bin/python benchmarks/rollup_rss_probe.py benchmarks/.data/rollup-10000000.duckdb \
        ctas [setting=value ...]

Modes: ``ctas`` (the pipeline's write, ``replace_tables``), ``count`` (compute only:
``SELECT count(*)`` over the compiled roll-up, nothing written), ``raw`` (the hand-written
GROUPING SETS query's CTAS). Settings default to those of the benchmark's peak-RSS run
(2 threads, memory_limit 1GB, spill directory, preserve_insertion_order false); e.g.
``memory_limit="'500MB'"`` or ``allocator_background_threads=true`` override them. Prints one
JSON line and a trace (seconds, RSS MB, {tag: (memory MB, spilled MB)}).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import ibis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.rollup import DATA, ours_expr, raw_sql, spec_for
from pipelines.warehouse.store import replace_tables, transaction


def status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    db, mode, *overrides = sys.argv[1:]
    settings = {"threads": "2", "memory_limit": "'1GB'", "temp_directory": f"'{DATA / 'spill'}'",
                "preserve_insertion_order": "false", "max_temp_directory_size": "'40GB'"}
    settings.update(s.split("=", 1) for s in overrides)
    con = ibis.duckdb.connect(db)
    (DATA / "spill").mkdir(parents=True, exist_ok=True)
    for key, value in settings.items():
        con.con.execute(f"SET {key} = {value}")
    spec = spec_for(con.con)
    monitor = con.con.cursor()
    samples: list[tuple[float, float, dict[str, tuple[int, int]]]] = []
    stop = threading.Event()

    def sample() -> None:
        t0 = time.perf_counter()
        while not stop.is_set():
            tags = monitor.execute(
                "SELECT tag, memory_usage_bytes, temporary_storage_bytes FROM duckdb_memory() "
                "WHERE memory_usage_bytes > 0 OR temporary_storage_bytes > 0").fetchall()
            samples.append((round(time.perf_counter() - t0, 1), round(status_mb("VmRSS")),
                            {t: (round(m / 2**20), round(s / 2**20)) for t, m, s in tags}))
            stop.wait(1.0)

    before = status_mb("VmHWM")
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    if mode == "ctas":
        rows = replace_tables(con, {"kpi_rollup": ours_expr(con, spec)})["kpi_rollup"]
    elif mode == "count":
        sql = con.compile(ours_expr(con, spec))
        rows = con.con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]  # noqa: S608
    else:
        with transaction(con) as raw:
            raw.execute(f"CREATE OR REPLACE TABLE raw_rollup AS {raw_sql(spec, True)}")
            rows = raw.execute("SELECT count(*) FROM raw_rollup").fetchone()[0]
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    print(json.dumps({"mode": mode, "overrides": overrides, "rows": rows,
                      "seconds": round(seconds, 1), "vm_hwm_before_mb": round(before),
                      "vm_hwm_mb": round(status_mb("VmHWM")),
                      "load_avg": [round(x, 2) for x in os.getloadavg()]}))
    for s in samples[:: max(1, len(samples) // 25)]:
        print(*s)
    if samples:
        print("highest RSS sample:", *max(samples, key=lambda s: s[1]))


if __name__ == "__main__":
    main()
