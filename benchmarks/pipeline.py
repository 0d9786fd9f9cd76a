"""Benchmark: a warm ``make demo`` and one nightly partition (``campaign-kpi run --date``).

Runs each command several times in a fresh data folder, records wall time (median and range),
table sizes, the warehouse file and the dashboard sizes, and the machine. Writes
``benchmarks/results/pipeline-<date>.json`` and prints a Markdown table for RESULTS.md.

    .venv/bin/python benchmarks/pipeline.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def summary(seconds: list[float]) -> dict[str, float]:
    return {"median_s": round(statistics.median(seconds), 2), "min_s": round(min(seconds), 2),
            "max_s": round(max(seconds), 2), "runs": len(seconds)}


def sizes(data_dir: Path) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from pipelines.warehouse.store import connect

    con = connect(data_dir / "warehouse.duckdb")
    rows = {name: int(con.table(name).count().execute()) for name in sorted(con.list_tables())}
    days = con.table("campaign_daily").select("date").distinct().count().execute()
    con.disconnect()
    out = data_dir / "out"
    return {
        "days": int(days),
        "rows": rows,
        "warehouse_mb": round((data_dir / "warehouse.duckdb").stat().st_size / 1e6, 1),
        "dashboards_mb": round(sum(p.stat().st_size for p in out.glob("*.html")) / 1e6, 1),
        "output_mb": round(sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6, 1),
        "output_files": sum(1 for p in out.rglob("*") if p.is_file()),
        "dagster_home_mb": round(sum(p.stat().st_size for p in (data_dir / "dagster_home")
                                     .rglob("*") if p.is_file()) / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data_dir = ROOT / "benchmarks" / ".data" / "pipeline"  # other benchmarks keep files beside
    env = {**os.environ, "CAMPAIGN_KPI_DATA_DIR": str(data_dir)}
    subprocess.run(["rm", "-rf", str(data_dir)], check=True)
    timed(["make", "demo"], env)  # warm-up: caches, .pyc, first partition of history
    demo = [timed(["make", "demo"], env) for _ in range(args.repeat)]
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    nightly = [timed([str(BIN / "campaign-kpi"), "run", "--date", yesterday], env)
               for _ in range(args.repeat)]
    result = {
        "date": dt.date.today().isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "make_demo_warm": summary(demo),
        "nightly_partition": {**summary(nightly), "date": yesterday},
        "data": sizes(data_dir),
    }
    path = ROOT / "benchmarks" / "results" / f"pipeline-{result['date']}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    d = result["data"]
    print(f"| make demo (warm) | {result['make_demo_warm']['median_s']} s "
          f"({result['make_demo_warm']['min_s']}–{result['make_demo_warm']['max_s']}) |")
    print(f"| campaign-kpi run --date {yesterday} | {result['nightly_partition']['median_s']} s "
          f"({result['nightly_partition']['min_s']}–{result['nightly_partition']['max_s']}) |")
    print(f"| data | {d['days']} days, campaign_daily {d['rows']['campaign_daily']:,} rows, "
          f"kpi_values {d['rows']['kpi_values']:,} rows, warehouse {d['warehouse_mb']} MB, "
          f"pages {d['dashboards_mb']} MB, whole output {d['output_mb']} MB in "
          f"{d['output_files']} files, Dagster run history {d['dagster_home_mb']} MB |")
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
