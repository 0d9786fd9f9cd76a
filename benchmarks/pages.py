"""Dashboard render time in headless Chromium, and the size of everything the demo writes.

    .venv/bin/python benchmarks/pages.py [--out data/out] [--repeat 5]

Opens every ``*.html`` page of the output folder (and the weekly reports) in Debian's Chromium,
``--repeat`` times each, and measures the time from navigation start until every Plotly figure
is drawn (the pages set ``data-plots-ready``; the report, which has no script, sets it
statically). Cold: a fresh browser context each time, so plotly.js is read and compiled anew
(the first page an analyst opens). Warm: in a context that has just shown another dashboard
page, so the shared plotly.js is cached (every next page).
Prints a Markdown table and writes ``benchmarks/results/pages-<date>.json``. The budget the
dashboards issue sets: under 2 s per page at the default demo size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import shutil
import statistics
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
READY = "() => document.body && document.body.hasAttribute('data-plots-ready')"
BUDGET_S = 2.0


def _open(page, path: Path) -> float:
    started = time.perf_counter()
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function(READY, timeout=30_000)
    return time.perf_counter() - started


def measure(out: Path, repeat: int) -> list[dict]:
    pages = sorted(out.glob("*.html")) + sorted(out.glob("reports/*/*.html"))
    if not pages:
        raise SystemExit(f"no pages in {out}: run `make demo` first")
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                             args=["--no-sandbox", "--disable-gpu"])
        first = pages[0]
        for page_path in pages:
            cold, warm = [], []
            for _ in range(repeat):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                cold.append(_open(page, page_path))
                _open(page, first if page_path != first else pages[-1])
                warm.append(_open(page, page_path))
                context.close()
            rows.append({"page": str(page_path.relative_to(out)),
                         "bytes": page_path.stat().st_size,
                         "median_s": statistics.median(cold), "max_s": max(cold),
                         "warm_median_s": statistics.median(warm), "warm_max_s": max(warm)})
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "out")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = measure(args.out, args.repeat)
    total = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"| page | own size | cold: median (max) of {args.repeat} | warm: median (max) |")
    print("| --- | ---: | ---: | ---: |")
    for r in rows:
        flag = "" if r["median_s"] < BUDGET_S else " **over 2 s**"
        print(f"| {r['page']} | {r['bytes'] / 1e3:,.0f} kB | {r['median_s']:.2f} s "
              f"({r['max_s']:.2f}){flag} | {r['warm_median_s']:.2f} s "
              f"({r['warm_max_s']:.2f}) |")
    print(f"\nWhole output folder: {total / 1e6:.1f} MB in "
          f"{sum(1 for p in args.out.rglob('*') if p.is_file())} files")
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / f"pages-{dt.date.today()}.json").write_text(json.dumps({
        "machine": f"{platform.machine()} {platform.system()}, Python "
                   f"{platform.python_version()}", "repeat": args.repeat,
        "total_bytes": total, "pages": rows}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
