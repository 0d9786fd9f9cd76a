"""Benchmark: CPU seconds of ``kpi_tables`` (and of the whole run) on nightly runs after a demo
history of one or more years (issue 17).

``build`` runs the demo account over ``--years`` of history once (one range run, kept in
``benchmarks/.data/kpi_nightly/<years>y-<campaigns>c``); ``nights`` copies that folder and runs
the nightly job for the ``--nights`` days after it, one run per day, printing the CPU seconds of
each step that matters and of the whole run. Steps run one after the other in one process, so a
step's CPU is the process CPU between its start and the next step's start.

    .venv/bin/python benchmarks/kpi_nightly.py build --years 1
    .venv/bin/python benchmarks/kpi_nightly.py nights --years 1 --nights 2
    .venv/bin/python benchmarks/kpi_nightly.py verify --years 1 --nights 2  # = a full rebuild?

``--code DIR`` runs the nights with another checkout's code (e.g. ``git archive main`` unpacked
in /tmp) to compare before and after on the same history.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / ".data" / "kpi_nightly"
END = dt.date(2026, 11, 30)  # the last day of the built history; nights follow it
STEPS = ("campaign_daily", "campaign_dimensions", "kpi_tables")


def config(years: int, campaigns: int, end: dt.date):
    from assets.settings import EXAMPLE_CONFIG
    from pipelines.config import Config, load_config

    base = load_config(EXAMPLE_CONFIG)
    demo = base.demo.model_copy(update={"end": end, "extra_campaigns": campaigns})
    start = END.replace(year=END.year - years) + dt.timedelta(days=1)
    return Config.model_validate(base.model_copy(update={
        "history_start": start, "demo": demo}).model_dump())


def folder(years: int, campaigns: int) -> Path:
    return DATA / f"{years}y-{campaigns}c"


def build(years: int, campaigns: int) -> None:
    from assets.runner import run_nightly
    from assets.settings import EXAMPLE_CONFIG, Paths

    target = folder(years, campaigns)
    shutil.rmtree(target, ignore_errors=True)
    chosen = config(years, campaigns, END)
    started = time.perf_counter()
    result = run_nightly(Paths(target, EXAMPLE_CONFIG), chosen, chosen.history_start, END)
    print(f"built {target} ({chosen.history_start}..{END}) in "
          f"{time.perf_counter() - started:.0f} s: success={result.success}")


def night(data_dir: Path, years: int, campaigns: int, day: dt.date, flags: dict) -> dict:
    """One nightly run in this process; CPU seconds per step and in all."""
    from assets.runner import run_nightly
    from assets.settings import EXAMPLE_CONFIG, Paths

    marks: list[tuple[str, float]] = []
    cpu = time.process_time()
    kwargs = {"full": True} if flags.get("full") else {}
    result = run_nightly(Paths(data_dir, EXAMPLE_CONFIG), config(years, campaigns, day), day, day,
                         on_step=lambda step: marks.append((step, time.process_time())),
                         **kwargs)
    total = time.process_time() - cpu
    marks.append(("end", time.process_time()))
    steps = {step: round(marks[i + 1][1] - at, 2) for i, (step, at) in enumerate(marks[:-1])}
    return {"day": day.isoformat(), "success": result.success, "cpu_s": round(total, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "steps": {s: steps.get(s) for s in STEPS}}


def nights(years: int, campaigns: int, count: int, code: Path, full: bool) -> None:
    source = folder(years, campaigns)
    work = DATA / f"run-{source.name}-{code.name}"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source, work)
    for i in range(1, count + 1):
        day = END + dt.timedelta(days=i)
        args = json.dumps({"dir": str(work), "years": years, "campaigns": campaigns,
                           "day": day.isoformat(), "full": full})
        # A fresh process per night (as the schedule runs it), importing ``code``'s modules.
        out = subprocess.run([sys.executable, __file__, "_night", args, "--code", str(code)],
                             cwd=code, check=True, capture_output=True, text=True).stdout
        print(out.strip().splitlines()[-1])


def verify(years: int, campaigns: int, code: Path, nights_run: int) -> None:
    """The KPI tables the nights left against a full rebuild of a copy: rows in one only."""
    from assets.kpis import night_spec
    from assets.model import RULES_STATE
    from kpi import rollup_update
    from pipelines.warehouse.store import connect, read_state

    run = DATA / f"run-{folder(years, campaigns).name}-{code.name}" / "warehouse.duckdb"
    copy = DATA / f"verify-{years}y.duckdb"
    shutil.copy(run, copy)
    con = connect(copy)
    chosen = config(years, campaigns, END + dt.timedelta(days=nights_run))
    rollup_update.update(con, night_spec(con, chosen), chosen.reporting.currency,
                         upstream=read_state(con, RULES_STATE), full=True)
    con.raw_sql(f"ATTACH '{run}' AS nights (READ_ONLY)")
    for table in ("kpi_rollup", "kpi_values"):
        only = [con.raw_sql(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL "  # noqa: S608
                            f"SELECT * FROM {b})").fetchone()[0]
                for a, b in ((table, f"nights.{table}"), (f"nights.{table}", table))]
        print(f"{table}: {only[0]} rows only in the full rebuild, {only[1]} only after the nights")
    con.disconnect()
    copy.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["build", "nights", "verify", "_night"])
    parser.add_argument("args", nargs="?")
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--campaigns", type=int, default=0, help="demo.extra_campaigns")
    parser.add_argument("--nights", type=int, default=2)
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--full", action="store_true", help="force the full KPI rebuild")
    a = parser.parse_args()
    sys.path[0] = str(a.code.resolve())  # not this folder: its experiments.py is no package
    if a.action == "build":
        build(a.years, a.campaigns)
    elif a.action == "nights":
        nights(a.years, a.campaigns, a.nights, a.code.resolve(), a.full)
    elif a.action == "verify":
        verify(a.years, a.campaigns, a.code.resolve(), a.nights)
    else:
        p = json.loads(a.args)
        print(json.dumps(night(Path(p["dir"]), p["years"], p["campaigns"],
                               dt.date.fromisoformat(p["day"]), p)))


if __name__ == "__main__":
    main()
