"""Soak: the whole demo pipeline (nightly job over the range, then the weekly report) on many end
dates x seeds x account shapes, as ``campaign-kpi demo`` runs it. Records the pass rate (a run
passes when it succeeds, no blocking check fails and every page in every language and the
week's report are written) and the slowest step, per run and overall.

The end dates are spread evenly over 2025-01-01..2027-12-31 plus the ones known to break
things (year ends, ISO week 53, daylight-saving days, Belgian holidays, the real date); each
date gets seeds from a fixed generator and cycles through the shapes (traffic scale x days of
history). Runs go two at a time (one per core), each in its own process and folder.

    .venv/bin/python benchmarks/soak.py                     # default: about 15 min here
    .venv/bin/python benchmarks/soak.py --limit 4           # a quick look

Writes ``benchmarks/results/soak-<date>.json`` and prints the lines for RESULTS.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.scenarios import Scenario, run_scenario  # noqa: E402

FIRST, LAST = dt.date(2025, 1, 1), dt.date(2027, 12, 31)
SPECIAL = (
    None,                  # the real date (yesterday in Brussels)
    dt.date(2025, 12, 31), dt.date(2026, 1, 1),    # a year's end and New Year's Day
    dt.date(2021, 1, 3), dt.date(2027, 1, 3),      # Sundays ending ISO weeks 2020-W53, 2026-W53
    dt.date(2026, 3, 29), dt.date(2026, 10, 25),   # summer and winter time in Brussels
    dt.date(2026, 7, 21), dt.date(2026, 4, 6),     # national holiday, Easter Monday
    dt.date(2026, 2, 28), dt.date(2028, 2, 29),    # month ends, a leap day
)
SHAPES = ((1.0, 42), (0.02, 42), (4.0, 42), (1.0, 180), (0.3, 120))  # (traffic scale, days)


def plan(dates: int, seeds: int, first_seed: int = 100) -> list[Scenario]:
    """The special dates, then ``dates`` more spread evenly; ``seeds`` runs per date, each
    with the next seed and the next shape."""
    step = (LAST - FIRST) / max(dates - 1, 1)
    spread = [FIRST + step * i for i in range(dates)]
    ends = [*SPECIAL, *spread]
    runs, k = [], 0
    for end in ends:
        for _ in range(seeds):
            scale, days = SHAPES[k % len(SHAPES)]
            runs.append(Scenario(end, seed=first_seed + k, traffic_scale=scale, days=days,
                                 why="soak"))
            k += 1
    return runs


def _one(scenario: Scenario) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    try:
        outcome = run_scenario(scenario, folder)
    except Exception as exc:  # the harness itself broke: count it as a failed run
        return {"label": scenario.label, "passed": False, "reason": f"{type(exc).__name__}: "
                f"{exc}", "seconds": None, "slowest_step": None, "warnings": {}}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    step, took = outcome.slowest_step
    return {"label": scenario.label, "days": scenario.days, "passed": outcome.passed,
            "summary": outcome.summary(), "reason": outcome.reason,
            "blocking": list(outcome.blocking), "missing": list(outcome.missing),
            "warnings": outcome.warnings, "seconds": round(outcome.seconds, 1),
            "slowest_step": [step, round(took, 2)]}


def _in_fresh_process(index: int, argv: list[str]) -> dict[str, object]:
    """Run ``index`` of the plan in a new interpreter (memory starts clean every run; a
    process pool that recycles its workers can hang on Python 3.11)."""
    done = subprocess.run([sys.executable, __file__, *argv, "--run", str(index)],
                          capture_output=True, text=True, cwd=ROOT)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"label": f"run {index}", "passed": False, "seconds": None,
                "slowest_step": None, "warnings": {},
                "reason": f"exit {done.returncode}: {done.stderr.strip()[-300:]}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dates", type=int, default=14, help="evenly spread end dates")
    parser.add_argument("--seeds", type=int, default=2, help="runs per end date")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, help="run only the first LIMIT of the plan")
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    runs = plan(args.dates, args.seeds)[:args.limit]
    if args.run is not None:  # one run in this process, its result as JSON on stdout
        print(json.dumps(_one(runs[args.run]), default=str))
        return
    started = time.perf_counter()
    results = []
    with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
        for result in pool.map(lambda i: _in_fresh_process(i, sys.argv[1:]), range(len(runs))):
            results.append(result)
            print(result.get("summary") or f"{result['label']} FAIL: {result['reason']}",
                  flush=True)
    wall = time.perf_counter() - started
    passed = sum(r["passed"] for r in results)
    timed = [r for r in results if r["slowest_step"]]
    worst = max(timed, key=lambda r: r["slowest_step"][1]) if timed else None
    record = {
        "date": dt.date.today().isoformat(), "machine": platform.platform(),
        "python": platform.python_version(), "workers": args.workers, "runs": len(results),
        "passed": passed, "pass_rate": round(passed / len(results), 4),
        "wall_s": round(wall, 1), "worst_step": worst and {
            "run": worst["label"], "step": worst["slowest_step"][0],
            "seconds": worst["slowest_step"][1]},
        "slowest_run_s": max((r["seconds"] for r in timed), default=None),
        "results": results,
    }
    out = ROOT / "benchmarks" / "results" / f"soak-{record['date']}.json"
    out.write_text(json.dumps(record, indent=1, default=str) + "\n")
    print(f"\n{passed}/{len(results)} runs passed ({record['pass_rate']:.0%}) in {wall / 60:.1f} "
          f"min on {args.workers} workers; slowest step "
          f"{worst and worst['slowest_step'][0]} {worst and worst['slowest_step'][1]} s "
          f"({worst and worst['label']}); slowest run {record['slowest_run_s']} s; {out}")
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    main()
