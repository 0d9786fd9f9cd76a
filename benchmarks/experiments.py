"""Benchmarks of the experiment engine: vectorised Welch, and the exact test's cost.

``--part welch`` (issue 7): 10,000 arm × metric comparisons, ``experiments.vectorised.welch``
(absolute + relative, one call each) against a loop of ``scipy.stats.ttest_ind_from_stats`` and
a loop of our scalar ``experiments.compare``. Writes ``results/experiments-<date>.json``.

``--part exact`` (issue 15): the small-count table of the issue (4 conversions in the control,
0 in the treatment) at growing arm sizes, timed four ways on the same 2×2 table: scipy's
``boschloo_exact`` and ``barnard_exact`` (two-sided, as the engine called them before), scipy's
``fisher_exact``, our ``exact_test`` (``method="auto"``), and one ``evaluate()`` of a two-arm
experiment with that table (every test of the engine). scipy's Boschloo and Barnard are skipped
above ``--max-scipy-n`` units per arm (their cost grows roughly with n1 · n2 · n). Then the
worst case of one ``exact_test`` call: Boschloo on tables of ``BOSCHLOO_MAX_N`` units in both
arms together, across shapes (1 + 199, 10 + 190, 50 + 150, 100 + 100). Writes
``results/experiments-exact-<date>-<commit>.json``.

    .venv/bin/python benchmarks/experiments.py [--part all|welch|exact] [--rows 10000]
        [--repeat 5] [--sizes 50 100 101 200 500 1000 10000 1000000] [--max-scipy-n 1000]
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

import numpy as np
import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from experiments import (  # noqa: E402
    Arm,
    ExperimentSpec,
    Metric,
    Moments,
    ProportionStats,
    compare,
    evaluate,
    exact_test,
)
from experiments import exact as exact_module  # noqa: E402
from experiments.vectorised import welch  # noqa: E402

CONTROL_CONVERSIONS = 4  # the table: 4 conversions in the control, 0 in the treatment


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "numpy": np.__version__,
            "scipy": __import__("scipy").__version__}


def commit() -> str:
    found = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                           capture_output=True, text=True, check=False)
    return found.stdout.strip() or "unknown"


def welch_part(args: argparse.Namespace) -> None:
    rng = np.random.default_rng(0)
    k = args.rows
    n_c, n_t = rng.integers(500, 50_000, k), rng.integers(500, 50_000, k)
    m_c, m_t = rng.uniform(5, 50, k), rng.uniform(5, 50, k)
    v_c, v_t = rng.uniform(10, 900, k), rng.uniform(10, 900, k)

    def vectorised() -> None:
        welch(n_c, m_c, v_c, n_t, m_t, v_t)
        welch(n_c, m_c, v_c, n_t, m_t, v_t, relative=True)

    def scipy_loop() -> None:
        for i in range(k):
            stats.ttest_ind_from_stats(m_t[i], v_t[i] ** 0.5, n_t[i], m_c[i], v_c[i] ** 0.5,
                                       n_c[i], equal_var=False)

    def scalar_loop() -> None:
        for i in range(k):
            compare(Moments(n_c[i], m_c[i], v_c[i]), Moments(n_t[i], m_t[i], v_t[i]))

    vec = best(vectorised, args.repeat)
    sci = best(scipy_loop, max(1, args.repeat // 2))
    ours = best(scalar_loop, 1)
    result = {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "comparisons": k,
        "vectorised_s": round(vec, 4),
        "scipy_ttest_ind_from_stats_loop_s": round(sci, 3),
        "scalar_compare_loop_s": round(ours, 3),
        "speedup_vs_scipy_loop": round(sci / vec, 1),
        "speedup_vs_scalar_loop": round(ours / vec, 1),
        "notes": "vectorised = absolute + relative Welch (CI and p) for every row; scipy loop = "
                 "absolute p only; scalar loop = experiments.compare (absolute + relative).",
    }
    path = ROOT / "benchmarks" / "results" / f"experiments-{result['date']}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"| {k:,} comparisons | seconds | × slower than vectorised |")
    print("|---|---|---|")
    print(f"| vectorised (experiments.vectorised.welch) | {vec:.4f} | 1 |")
    print(f"| loop: scipy ttest_ind_from_stats | {sci:.3f} | {sci / vec:.0f} |")
    print(f"| loop: experiments.compare | {ours:.3f} | {ours / vec:.0f} |")


def _spec() -> ExperimentSpec:
    day = dt.date(2026, 10, 1)
    return ExperimentSpec("bench", "Bench", (Arm("a"), Arm("b")), "a",
                          (Metric("conv", "proportion", "converted"),), day, day)


def _stats(n: int) -> pd.DataFrame:
    return pd.DataFrame([
        {"experiment_id": "bench", "arm": "a", "metric_id": "conv", "n": n,
         "num_sum": float(CONTROL_CONVERSIONS)},
        {"experiment_id": "bench", "arm": "b", "metric_id": "conv", "n": n, "num_sum": 0.0}])


def _timed(fn, repeat: int) -> tuple[float, object]:
    out = None
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def worst_case_at_the_bound(repeat: int) -> dict:
    """Our exact_test on the largest tables that still get Boschloo (both arms together at the
    bound), across shapes: the slowest one is the worst case of one call."""
    bound = getattr(exact_module, "BOSCHLOO_MAX_N", None)
    shapes = {}
    for n_c in (1, 10, 50, bound // 2 if bound else 0):
        if not bound or n_c <= 0:
            continue
        control, treatment = ProportionStats(n_c, min(2, n_c)), ProportionStats(bound - n_c, 5)
        seconds, res = _timed(lambda c=control, t=treatment: exact_test(c, t), repeat)
        shapes[f"{n_c}+{bound - n_c}"] = {"seconds": seconds, "method": res.method}
        print(json.dumps({"bound": bound, "shape": f"{n_c}+{bound - n_c}",
                          "seconds": round(seconds, 4), "method": res.method}), flush=True)
    worst = max(shapes.items(), key=lambda kv: kv[1]["seconds"]) if shapes else None
    return {"boschloo_max_n": bound, "shapes": shapes,
            "worst": None if worst is None else {"shape": worst[0], **worst[1]}}


def exact_part(args: argparse.Namespace) -> None:
    rows = []
    spec = _spec()
    for n in args.sizes:
        control, treatment = ProportionStats(n, CONTROL_CONVERSIONS), ProportionStats(n, 0)
        table = [[0, CONTROL_CONVERSIONS], [n, n - CONTROL_CONVERSIONS]]  # scipy's layout
        # the slow ones once, the fast ones args.repeat times
        slow = n > 200
        row: dict = {"n_per_arm": n, "table": f"{CONTROL_CONVERSIONS}/{n} vs 0/{n}"}
        for name, fn in (("scipy_boschloo", stats.boschloo_exact),
                         ("scipy_barnard", stats.barnard_exact)):
            if n <= args.max_scipy_n:
                seconds, res = _timed(lambda f=fn, t=table: f(t), 1 if slow else args.repeat)
                row[f"{name}_s"], row[f"{name}_p"] = seconds, float(res.pvalue)
        seconds, res = _timed(lambda t=table: stats.fisher_exact(t), args.repeat)
        row["scipy_fisher_s"], row["scipy_fisher_p"] = seconds, float(res.pvalue)
        seconds, res = _timed(lambda c=control, t=treatment: exact_test(c, t),
                              1 if slow else args.repeat)
        row.update(ours_exact_s=seconds, ours_exact_p=res.p_value, ours_method=res.method)
        frame = _stats(n)
        seconds, out = _timed(lambda f=frame: evaluate(f, [spec]), 1 if slow else args.repeat)
        b = out[out["arm"] == "b"].iloc[0]
        row.update(evaluate_s=seconds, evaluate_decision=str(b["decision"]),
                   evaluate_rel_estimate=float(b["rel_estimate"]))
        rows.append(row)
        print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v)
                          for k, v in row.items()}), flush=True)
    bound = worst_case_at_the_bound(args.repeat)
    result = {"date": dt.date.today().isoformat(), "commit": commit(), "machine": machine(),
              "load_average": os.getloadavg(), "repeat": args.repeat, "rows": rows,
              "worst_case_at_the_bound": bound,
              "notes": "seconds are medians (1 run above 200 units per arm); two-sided; "
                       "scipy Boschloo/Barnard skipped above --max-scipy-n units per arm."}
    name = f"experiments-exact-{result['date']}-{result['commit']}.json"
    path = ROOT / "benchmarks" / "results" / name
    path.write_text(json.dumps(result, indent=2) + "\n")

    def cell(row: dict, key: str) -> str:
        return f"{row[key]:.4f}" if key in row else "not run"

    print("| units per arm | scipy Boschloo s | scipy Barnard s | scipy Fisher s | ours "
          "exact_test s (method) | evaluate() s | decision |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['n_per_arm']:,} | {cell(r, 'scipy_boschloo_s')} | "
              f"{cell(r, 'scipy_barnard_s')} | {cell(r, 'scipy_fisher_s')} | "
              f"{r['ours_exact_s']:.4f} ({r['ours_method']}) | {r['evaluate_s']:.4f} | "
              f"{r['evaluate_decision']} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("all", "welch", "exact"), default="all")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+",
                        default=[50, 100, 101, 200, 500, 1000, 10_000, 1_000_000])
    parser.add_argument("--max-scipy-n", type=int, default=1000)
    args = parser.parse_args()
    if args.part in ("all", "welch"):
        welch_part(args)
    if args.part in ("all", "exact"):
        exact_part(args)


if __name__ == "__main__":
    main()
