"""CPU seconds of the nightly steps that used to read the whole history, alone, on one cell's
warehouse (made by ``benchmarks/scale.py``), in the code of a given checkout: the
``recommendation_tables`` asset (read, fit, recommend, write), the ``trends_dashboard`` asset
(read, render four files) and the pulls of the demo account (``pull_google_ads`` and
``pull_ga4`` for the cell's last day: its re-pull window, simulated and written;
``pull_experiments``); also ``drilldown_dashboard`` (the page with the most rows) and
``kpi_tables_full`` (the KPI tables rebuilt whole, as on a first night or ``--full``). Each step
runs in a fresh process on a copy of the warehouse, so two checkouts (before and after a change)
can be timed one after the other under the same load; its CPU, wall and the process's peak RSS
(imports included) are printed.

    .venv/bin/python benchmarks/window_steps.py benchmarks/.data/scale-14x3y
    .venv/bin/python benchmarks/window_steps.py benchmarks/.data/scale-14x3y --code ../main
    .venv/bin/python benchmarks/window_steps.py benchmarks/.data/scale-14x3y --steps pull_ga4
    .venv/bin/python benchmarks/window_steps.py benchmarks/.data/scale-436x3y \
        --steps drilldown_dashboard kpi_tables_full
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("recommendation_tables", "trends_dashboard", "pull_google_ads", "pull_ga4",
         "pull_experiments", "drilldown_dashboard", "kpi_tables_full")
PULLS = ("pull_google_ads", "pull_ga4")  # partitioned: run for the cell's last day


def run_step(code: Path, folder: Path, step: str) -> None:
    """In the child: call the asset's own function with the checkout's resources."""
    sys.path.insert(0, str(code))
    import dagster as dg

    from assets import budget, dashboards, experiments, kpis, raw
    from assets.partitions import daily_partitions
    from assets.resources import resources_for
    from assets.settings import Paths
    from pipelines.sources.factory import demo_end

    resources = resources_for(Paths(folder, folder / "campaign-kpi.yaml"), from_env=False)
    kw = {"warehouse": resources["warehouse"], "settings": resources["settings"]}
    if step in PULLS:
        config = resources["settings"].load()
        asset = raw.raw_assets(step.removeprefix("pull_"), daily_partitions(config))
        kw["context"] = dg.build_asset_context(partition_key=demo_end(config).isoformat())
    else:
        asset = {"recommendation_tables": budget.recommendation_tables,
                 "trends_dashboard": dashboards.trends_dashboard,
                 "drilldown_dashboard": dashboards.drilldown_dashboard,
                 "kpi_tables_full": kpis.kpi_tables,
                 "pull_experiments": experiments.pull_experiments}[step]
    if step == "kpi_tables_full":
        kw["config"] = kpis.KpiRunConfig(full=True)
    started, cpu = time.perf_counter(), time.process_time()
    out = asset(**kw) if step in PULLS else asset.op.compute_fn.decorated_fn(**kw)
    if hasattr(out, "__next__"):  # a multi-asset yields its results
        list(out)
    print(json.dumps({"step": step, "cpu_s": round(time.process_time() - cpu, 2),
                      "wall_s": round(time.perf_counter() - started, 2),
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a cell's data folder")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose code runs")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=STEPS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_step(args.code.resolve(), args.folder.resolve(), args.child)
        return
    python = args.code.resolve() / ".venv" / "bin" / "python"
    for _ in range(args.repeat):
        for step in args.steps:
            with tempfile.TemporaryDirectory(prefix="window-steps-") as tmp:
                copy = Path(tmp)
                shutil.copy(args.folder / "warehouse.duckdb", copy / "warehouse.duckdb")
                shutil.copy(args.folder / "campaign-kpi.yaml", copy / "campaign-kpi.yaml")
                done = subprocess.run([str(python), __file__, str(copy), "--code",
                                       str(args.code.resolve()), "--child", step],
                                      capture_output=True, text=True, cwd=args.code)
                if done.returncode != 0:
                    raise SystemExit(done.stderr[-2000:])
                print(done.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
