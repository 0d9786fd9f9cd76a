"""Benchmark: one nightly run against account size (campaigns x years of history).

For each cell of the grid, a demo account with ``demo.extra_campaigns`` and ``history_start``
is set up once with ``campaign-kpi demo`` (the initial backfill, timed apart, per step too),
then ONE nightly run ``campaign-kpi run --date <last day>`` is timed in a fresh subprocess:
wall, CPU (user + sys of the child and its own children, from ``os.wait4``, the same figure as
the change in ``RUSAGE_CHILDREN``), peak RSS (``ru_maxrss`` of that child only), per-step wall
(Dagster's step events) and per-step CPU (the child's CPU clock at each step start), warehouse
file size and table rows. The 14 fixed demo campaigns count in the total: 136 campaigns = 122 extra.

    .venv/bin/python benchmarks/scale.py --campaigns 14 --years 1        # one cell
    .venv/bin/python benchmarks/scale.py --campaigns 436 --years 3 --skip-backfill-timing
    .venv/bin/python benchmarks/scale.py --campaigns 14 --years 1 --reuse  # nightly only
    .venv/bin/python benchmarks/scale.py                                   # the whole grid

Each cell keeps its folder in ``benchmarks/.data/scale-<campaigns>x<years>y`` (``--reuse``
times the nightly again on it, e.g. after a code change) and appends its record to
``benchmarks/results/scale-<date>.json``. The machine is shared: CPU seconds are the figure to
compare; wall time is contended.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FIXED_CAMPAIGNS = 14  # the demo's own campaigns; the rest are demo.extra_campaigns
LAST_DAY = dt.date(2026, 11, 30)  # fixed, so that every cell and rerun sees the same calendar
GRID = ((14, 1), (14, 3), (136, 1), (136, 3), (436, 1), (436, 3))


DATA = ROOT / "benchmarks" / ".data"


def folder_of(campaigns: int, years: int, data: Path = DATA) -> Path:
    return data / f"scale-{campaigns}x{years}y"


def first_day(years: int, last: dt.date = LAST_DAY) -> dt.date:
    """The first day of ``years`` years of history ending on ``last``.

    >>> first_day(1, dt.date(2026, 11, 30)), first_day(3, dt.date(2026, 11, 30))
    (datetime.date(2025, 12, 1), datetime.date(2023, 12, 1))
    """
    return last.replace(year=last.year - years) + dt.timedelta(days=1)


def write_config(folder: Path, campaigns: int, years: int) -> Path:
    """The sample configuration over this cell's account, as ``<folder>/campaign-kpi.yaml``
    (files it names are made absolute by the loader, so the copy works anywhere)."""
    import yaml

    sys.path.insert(0, str(ROOT))
    from assets.settings import EXAMPLE_CONFIG
    from pipelines.config import Config, load_config

    if campaigns < FIXED_CAMPAIGNS:
        raise SystemExit(f"--campaigns: at least the demo's own {FIXED_CAMPAIGNS}")
    base = load_config(EXAMPLE_CONFIG)
    demo = {**base.demo.model_dump(), "end": LAST_DAY,
            "extra_campaigns": campaigns - FIXED_CAMPAIGNS}
    config = Config.model_validate({**base.model_dump(), "history_start": first_day(years),
                                    "demo": demo})
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "campaign-kpi.yaml"
    path.write_text(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False,
                                   allow_unicode=True))
    return path


def measured(command: list[str], env: dict[str, str]) -> dict[str, object]:
    """Run ``command`` in a fresh process: wall, CPU and peak RSS of that process alone."""
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=quiet,
                                 stderr=subprocess.PIPE, text=True)
        stderr = child.stderr.read() if child.stderr else ""
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}): {stderr[-2000:]}")
    return {"wall_s": round(wall, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
            "user_s": round(usage.ru_utime, 1), "sys_s": round(usage.ru_stime, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024)}  # Linux: kilobytes


def high_water_mb() -> int | None:
    """The process's peak RSS since the last :func:`reset_high_water` (Linux ``VmHWM``)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        return None
    return None


def reset_high_water() -> None:
    """Reset the kernel's RSS high-water mark to the current RSS (Linux; a no-op elsewhere).
    The child's ``ru_maxrss`` may be lowered with it: the night's peak is also taken as the
    largest step peak."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def steps_child(folder: Path, command: list[str], steps_file: Path) -> None:
    """In the child: ``campaign-kpi <command>`` as the command line runs it (``run --date`` for
    the nightly, ``demo`` for the backfill), with a step hook that also notes the CPU clock and
    wall clock at each step start; writes per-step figures."""
    sys.path.insert(0, str(ROOT))
    from assets import commands
    from assets.cli import app

    marks: list[tuple[str, float, float]] = []
    peaks: list[int] = []  # the process's RSS high-water mark (MB) over each step
    seen: dict[str, float] = {}
    real = commands.run_nightly

    def run_nightly(paths, config, first, last, instance=None, on_step=None, **options):
        def hook(step: str) -> None:
            if marks:
                peaks.append(high_water_mb())
            marks.append((step, time.process_time(), time.perf_counter()))
            reset_high_water()
            if on_step is not None:
                on_step(step)

        result = real(paths, config, first, last, instance=instance, on_step=hook, **options)
        peaks.append(high_water_mb())
        marks.append(("(end)", time.process_time(), time.perf_counter()))
        seen.update({e.step_key: e.event_specific_data.duration_ms / 1000
                     for e in result.all_events if e.event_type_value == "STEP_SUCCESS"
                     and e.event_specific_data is not None})
        return result

    commands.run_nightly = run_nightly
    try:
        app([*command, "--data-dir", str(folder)], standalone_mode=False)
    finally:
        steps = {step: {"wall_s": round(seen.get(step, nxt_wall - wall), 2),
                        "cpu_s": round(nxt_cpu - cpu, 2),
                        **({"peak_rss_mb": peak} if peak is not None else {})}
                 for ((step, cpu, wall), (_, nxt_cpu, nxt_wall)), peak
                 in zip(itertools.pairwise(marks), [*peaks, *[None] * len(marks)], strict=False)}
        steps_file.write_text(json.dumps(steps, indent=1) + "\n")


def table_rows(folder: Path) -> dict[str, int]:
    sys.path.insert(0, str(ROOT))
    from pipelines.warehouse.store import connect

    con = connect(folder / "warehouse.duckdb")
    try:
        return {name: int(con.table(name).count().execute()) for name in sorted(con.list_tables())}
    finally:
        con.disconnect()


def cell(campaigns: int, years: int, reuse: bool, time_backfill: bool,
         data: Path = DATA) -> dict[str, object]:
    """Set up (unless ``reuse``) and time one nightly run of one cell."""
    folder = folder_of(campaigns, years, data)
    env = {**os.environ, "CAMPAIGN_KPI_DATA_DIR": str(folder)}
    env.pop("CAMPAIGN_KPI_CONFIG", None)
    record: dict[str, object] = {"campaigns": campaigns, "years": years,
                                 "first_day": first_day(years).isoformat(),
                                 "last_day": LAST_DAY.isoformat()}
    if not reuse or not (folder / "warehouse.duckdb").exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_config(folder, campaigns, years)
        backfill_steps = folder / "backfill-steps.json"
        backfill = measured([sys.executable, __file__, "--steps-child", str(folder), "demo",
                             str(backfill_steps)], env)
        record["backfill"] = backfill if time_backfill else {"timed": False}
        if time_backfill:
            record["backfill_steps"] = json.loads(backfill_steps.read_text())
        print(f"  backfill {backfill}", flush=True)
    steps_file = folder / "nightly-steps.json"
    load = os.getloadavg()[0]
    record["nightly"] = measured([sys.executable, __file__, "--steps-child", str(folder),
                                  f"run --date {LAST_DAY.isoformat()}", str(steps_file)], env)
    record["nightly"]["load_before"] = round(load, 1)
    record["nightly"]["load_after"] = round(os.getloadavg()[0], 1)
    record["steps"] = json.loads(steps_file.read_text())
    step_peaks = [v["peak_rss_mb"] for v in record["steps"].values() if "peak_rss_mb" in v]
    if step_peaks:  # the per-step resets of the high-water mark can lower ru_maxrss too
        record["nightly"]["peak_rss_mb"] = max(record["nightly"]["peak_rss_mb"], *step_peaks)
    record["warehouse_mb"] = round((folder / "warehouse.duckdb").stat().st_size / 1e6, 1)
    record["rows"] = table_rows(folder)
    return record


def line(record: dict) -> str:
    """One Markdown row: cell, nightly CPU / wall / RSS, warehouse, the three costliest steps."""
    n, steps = record["nightly"], record["steps"]
    top = sorted(steps.items(), key=lambda kv: -kv[1]["cpu_s"])[:3]
    costly = ", ".join(f"{k} {v['cpu_s']:.1f}" for k, v in top)
    backfill = record.get("backfill", {})
    b = f"{backfill['cpu_s']} CPU-s / {backfill['wall_s']} s" if "cpu_s" in backfill else "—"
    return (f"| {record['campaigns']} × {record['years']} y | {n['cpu_s']} | {n['wall_s']} | "
            f"{n['peak_rss_mb']:,} | {record['warehouse_mb']} | "
            f"{record['rows'].get('kpi_values', 0):,} | {b} | {costly} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, help="campaigns in the account (>= 14)")
    parser.add_argument("--years", type=int, help="years of history")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the cell's warehouse if it exists: time the nightly only")
    parser.add_argument("--skip-backfill-timing", action="store_true",
                        help="set up the warehouse but do not record the backfill's figures")
    parser.add_argument("--label", default="", help="a note kept with the record (e.g. commit)")
    parser.add_argument("--data", type=Path, default=DATA,
                        help="folder of the cells' data folders (another checkout can time "
                        "its code on the same warehouses)")
    parser.add_argument("--results", type=Path, help="the JSON file records are appended to "
                        "[default: benchmarks/results/scale-<today>.json]")
    parser.add_argument("--steps-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.steps_child:
        folder, command, steps_file = args.steps_child
        steps_child(Path(folder), command.split(), Path(steps_file))
        return
    if (args.campaigns is None) != (args.years is None):
        parser.error("give both --campaigns and --years, or neither (the whole grid)")
    cells = [(args.campaigns, args.years)] if args.campaigns else list(GRID)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    out = args.results or (ROOT / "benchmarks" / "results"
                           / f"scale-{dt.date.today().isoformat()}.json")
    for campaigns, years in cells:
        print(f"{campaigns} campaigns x {years} years", flush=True)
        record = cell(campaigns, years, args.reuse, not args.skip_backfill_timing,
                      args.data.resolve())
        record |= {"commit": commit, "label": args.label,
                   "measured": dt.datetime.now().isoformat(timespec="seconds"),
                   "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
        kept = json.loads(out.read_text()) if out.exists() else []  # read late: another
        out.write_text(json.dumps([*kept, record], indent=1) + "\n")  # cell may have written
        print(line(record), flush=True)
    print(f"written to {out}")


if __name__ == "__main__":
    main()
