"""Benchmark: 10,000 arm × metric comparisons, vectorised vs one test per call.

Compares ``experiments.vectorised.welch`` (absolute + relative, one call each) with a loop of
``scipy.stats.ttest_ind_from_stats`` and a loop of our scalar ``experiments.compare``. Writes
``benchmarks/results/experiments-<date>.json`` and prints a Markdown table.

    .venv/bin/python benchmarks/experiments.py [--rows 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from experiments import Moments, compare  # noqa: E402
from experiments.vectorised import welch  # noqa: E402


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
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
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "numpy": np.__version__},
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


if __name__ == "__main__":
    main()
