"""Benchmark: what Dagster's run history costs the first backfill (``campaign-kpi demo``).

Runs ``campaign-kpi demo`` in a fresh data folder (its own process) for the default history and
for longer ones, and records wall and CPU time, the time spent in Dagster's event bookkeeping
(building, logging and storing events: every call into the instance's event handling, timed at
its outermost level), the bytes the process wrote during that bookkeeping, the events stored per
type, and the size of ``dagster_home`` afterwards. Writes
``benchmarks/results/backfill-<date>.json`` and prints a Markdown table for RESULTS.md.

    .venv/bin/python benchmarks/backfill.py [--years 0 2] [--label after]

``--years 0`` is the demo as configured (history_start of the sample configuration); ``2`` is
a copy of that configuration whose history_start lies two years before the demo's last day.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / ".data" / "backfill"


def _write_bytes() -> int:
    """Bytes this process has caused to be written to storage so far (Linux /proc)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("write_bytes:"):
            return int(line.split()[1])
    return 0


class Bookkeeping:
    """Times Dagster's event handling at its outermost call, and what it wrote."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.bytes = 0
        self.events: Counter[str] = Counter()
        self._depth = 0

    def wrap(self, owner: type, name: str, count: bool = False) -> None:
        original = getattr(owner, name)
        tally = self

        def timed(*args, **kwargs):
            if count:
                event = args[1]
                kind = getattr(event, "dagster_event_type", None)
                tally.events[getattr(kind, "value", None) or "log message"] += 1
            if tally._depth:
                return original(*args, **kwargs)
            tally._depth += 1
            started, written = time.perf_counter(), _write_bytes()
            try:
                return original(*args, **kwargs)
            finally:
                tally.seconds += time.perf_counter() - started
                tally.bytes += _write_bytes() - written
                tally._depth -= 1

        setattr(owner, name, timed)


def worker(data_dir: Path, config: Path) -> dict:
    """Run ``campaign-kpi demo`` in this process, instrumented; return the figures."""
    sys.path.insert(0, str(ROOT))
    import dagster as dg
    from dagster._core.instance.runs.run_domain import RunDomain
    from dagster._core.log_manager import DagsterLogManager

    from assets import commands
    from assets.settings import resolve_paths

    book = Bookkeeping()
    book.wrap(dg.DagsterInstance, "handle_new_event", count=True)
    book.wrap(DagsterLogManager, "log_dagster_event")
    book.wrap(RunDomain, "_log_asset_planned_events")
    written = _write_bytes()
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        commands.demo(resolve_paths(data_dir, config), None, None, None)
    wall = time.perf_counter() - started
    own, children = (resource.getrusage(who) for who in
                     (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    home = data_dir / "dagster_home"
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime, 1),
        "bookkeeping_s": round(book.seconds, 1),
        "bookkeeping_share": round(book.seconds / wall, 3),
        "bookkeeping_written_mb": round(book.bytes / 1e6, 1),
        "process_written_mb": round((_write_bytes() - written) / 1e6, 1),
        "dagster_home_mb": round(sum(p.stat().st_size for p in home.rglob("*")
                                     if p.is_file()) / 1e6, 1),
        "events": dict(book.events.most_common()),
        "events_total": sum(book.events.values()),
        "peak_rss_mb": round(own.ru_maxrss / 1e3),
    }


def case(years: int) -> dict:
    """One demo run in a fresh folder: ``years`` of history (0: as configured)."""
    sys.path.insert(0, str(ROOT))
    from pipelines.config import load_config
    from pipelines.sources.factory import demo_end

    sample = ROOT / "data" / "campaign-kpi.example.yaml"
    folder = DATA / (f"{years}y" if years else "default")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    config = folder / "campaign-kpi.yaml"
    text = yaml.safe_load(sample.read_text(encoding="utf-8"))
    last = demo_end(load_config(sample))
    if years:
        text["history_start"] = last.replace(year=last.year - years) + dt.timedelta(days=1)
    for key in ("budget",):  # relative paths in the sample resolve beside it
        plan = (text.get(key) or {}).get("plan")
        if plan:
            text[key]["plan"] = str(sample.parent / plan)
    config.write_text(yaml.safe_dump(text, sort_keys=False, allow_unicode=True))
    first = load_config(config).history_start
    out = subprocess.run([sys.executable, __file__, "--worker", str(folder), str(config)],
                         cwd=ROOT, check=True, capture_output=True, text=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    return {"history": f"{first} to {last}", "days": (last - first).days + 1, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, nargs="+", default=[0, 2])
    parser.add_argument("--label", default="")
    parser.add_argument("--worker", nargs=2, metavar=("DATA_DIR", "CONFIG"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(Path(args.worker[0]), Path(args.worker[1]))))
        return
    load = os.getloadavg()[0]
    runs = [case(years) for years in args.years]
    result = {
        "date": dt.date.today().isoformat(),
        "label": args.label,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_1min_at_start": round(load, 1)},
        "runs": runs,
    }
    suffix = f"-{args.label}" if args.label else ""
    path = ROOT / "benchmarks" / "results" / f"backfill-{result['date']}{suffix}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print("| history | days | wall | CPU | bookkeeping (share) | written by it | "
          "dagster_home | events stored |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in runs:
        print(f"| {r['history']} | {r['days']} | {r['wall_s']} s | {r['cpu_s']} s | "
              f"{r['bookkeeping_s']} s ({r['bookkeeping_share']:.0%}) | "
              f"{r['bookkeeping_written_mb']} MB | {r['dagster_home_mb']} MB | "
              f"{r['events_total']:,} |")
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
