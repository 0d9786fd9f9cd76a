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

    .venv/bin/python benchmarks/pages.py --campaigns 14,136,1000 [--repeat 3]

The drill-down at account sizes the demo cannot reach in a night: for each number of Ads
campaigns, a synthetic account (tests/dashboards/accounts.py: 3 ad groups a campaign, 27
weeks, the demo's 25 unpaid campaigns) is rendered as the nightly asset does (numbers once,
the full table once, the page in nl, fr and en) into ``benchmarks/.data/pages-<n>/`` and
opened in Chromium. Writes ``benchmarks/results/pages-campaigns-<date>.json``. The budget
(issue 17): a page's own markup and data under 2 MB, with the plotly.js it loads under 7 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
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


def drilldown_at(campaigns: int, out: Path) -> dict:
    """Write the drill-down of a synthetic account of ``campaigns`` Ads campaigns into ``out``
    as the nightly asset does; its sizes and the seconds it took."""
    from dashboards.drilldown import write_drilldown, write_table
    from dashboards.drilldown_csv import CSV_FILE
    from dashboards.drilldown_model import prepare_drilldown
    from dashboards.page import PLOTLY_FILE
    from tests.dashboards.accounts import account_values

    shutil.rmtree(out, ignore_errors=True)
    values = account_values(campaigns)
    started = time.perf_counter()
    numbers = prepare_drilldown(values)
    write_table(out / CSV_FILE, numbers)
    pages = [write_drilldown(out / f"drilldown.{lang}.html", numbers, lang=lang, table=False)
             for lang in ("nl", "fr", "en")]
    seconds = time.perf_counter() - started
    largest = max(p.stat().st_size for p in pages)
    return {"campaigns": campaigns, "rows": len(values), "python_s": seconds,
            "page_bytes": largest,
            "loaded_bytes": largest + (out / PLOTLY_FILE).stat().st_size,
            "csv_bytes": (out / CSV_FILE).stat().st_size}


def campaigns_main(sizes: list[int], repeat: int) -> None:
    rows = []
    for n in sizes:
        out = ROOT / "benchmarks" / ".data" / f"pages-{n}"
        row = drilldown_at(n, out)
        opened = next(r for r in measure(out, repeat) if r["page"] == "drilldown.fr.html")
        rows.append(row | {k: opened[k] for k in ("median_s", "max_s", "warm_median_s",
                                                  "warm_max_s")})
    print(f"| Ads campaigns | kpi_values rows | Python, 3 languages | largest page (fr) "
          f"| with plotly.js | CSV | Chromium cold: median (max) of {repeat} | warm |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['campaigns']:,} | {r['rows']:,} | {r['python_s']:.1f} s "
              f"| {r['page_bytes'] / 1e6:.2f} MB | {r['loaded_bytes'] / 1e6:.2f} MB "
              f"| {r['csv_bytes'] / 1e6:.2f} MB | {r['median_s']:.2f} s ({r['max_s']:.2f}) "
              f"| {r['warm_median_s']:.2f} s ({r['warm_max_s']:.2f}) |")
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / f"pages-campaigns-{dt.date.today()}.json").write_text(json.dumps({
        "machine": f"{platform.machine()} {platform.system()}, Python "
                   f"{platform.python_version()}", "repeat": repeat, "sizes": rows},
        indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "out")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--campaigns", help="e.g. 14,136,1000: the drill-down at these sizes")
    args = parser.parse_args()
    if args.campaigns:
        campaigns_main([int(n) for n in args.campaigns.split(",")], args.repeat)
        return
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
