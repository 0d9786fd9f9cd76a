"""Backtest of the conversion nowcasts: for every week of the demo history and several seeds,
the nowcast made on the Monday morning after the week against the value known five weeks later
(when every conversion has arrived), next to the raw figure the report used to show.

Records per measure: the coverage of the 80 % intervals (calibrated: between 70 and 90 %), the
mean absolute percentage error of the nowcast and of the raw figure, and the bias.

    .venv/bin/python benchmarks/nowcast.py                 # 3 seeds x 60 weeks, ~10 minutes
    .venv/bin/python benchmarks/nowcast.py --seeds 1 --weeks 6

Writes ``benchmarks/results/nowcast-<date>.json`` and prints the lines for RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi.nowcast_tables import lag_tables  # noqa: E402
from tests.nowcast_demo import MEASURES, demo_rules, warehouse, weekly_totals  # noqa: E402

FINAL_AFTER = 35  # days after a week's end when every conversion has arrived (lags <= 30)


DEMO_START = dt.date(2025, 10, 1)  # the sample configuration's history_start
LAST_SUNDAY = dt.date(2026, 11, 29)


def backtest(seed: int, weeks: int | None, rules) -> list[dict]:
    """One row per (week, measure): seen, nowcast, low, high, final, and the days of history
    the curves had. ``weeks``: the newest ones only (None: every complete week of the demo's
    history, from its second week on: the first weeks have almost no history to learn from,
    which is what the pooled and unreliable curves are for)."""
    start = DEMO_START
    first = start + dt.timedelta(days=(6 - start.weekday()) + 7)  # the second Sunday
    count = (LAST_SUNDAY - first).days // 7 + 1
    sundays = [LAST_SUNDAY - dt.timedelta(weeks=k) for k in range(min(weeks or count, count))]
    sundays = sundays[::-1]
    final = weekly_totals(warehouse(start, sundays[-1] + dt.timedelta(days=FINAL_AFTER), seed,
                                    rules))
    rows = []
    for sunday in sundays:
        con = warehouse(start, sunday, seed, rules)
        tables = lag_tables(con, rules, grains=("week",))
        monday = sunday - dt.timedelta(days=6)
        now = tables.nowcast
        week = now[(now["level"] == "total")
                   & (pd.to_datetime(now["period_start"]).dt.date == monday)]
        for measure in MEASURES:
            row = week[week["metric"] == measure]
            if row.empty:
                continue
            r = row.iloc[0]
            rows.append({"seed": seed, "week": monday.isoformat(), "measure": measure,
                         "history_days": (sunday - start).days + 1,
                         "reliable": bool(r["reliable"]),
                         "seen": float(r["seen"]), "nowcast": float(r["nowcast"]),
                         "low": float(r["low"]), "high": float(r["high"]),
                         "final": float(final.loc[monday, measure])})
    return rows


def summary(rows: pd.DataFrame) -> pd.DataFrame:
    """Per measure (and history: the first half year, the rest): coverage, MAPE of the
    nowcast and of the raw figure, bias."""
    out = []
    rows = rows.assign(history=np.where(rows["history_days"] < 182, "< 182 days",
                                        ">= 182 days"))
    for (measure, history), r in rows.groupby(["measure", "history"]):
        inside = (r["low"] <= r["final"]) & (r["final"] <= r["high"])
        out.append({
            "measure": measure, "history": history, "weeks": len(r),
            "coverage_80": float(inside.mean()),
            "mape_nowcast": float((abs(r["nowcast"] - r["final"]) / r["final"]).mean()),
            "mape_raw": float((abs(r["seen"] - r["final"]) / r["final"]).mean()),
            "bias_nowcast": float(((r["nowcast"] - r["final"]) / r["final"]).mean()),
            "bias_raw": float(((r["seen"] - r["final"]) / r["final"]).mean()),
            "width_80": float(((r["high"] - r["low"]) / r["final"]).mean()),
        })
    return pd.DataFrame(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--weeks", type=int, default=None,
                        help="the newest WEEKS only (default: every week of the history)")
    args = parser.parse_args()
    rules = demo_rules()
    began = time.perf_counter()
    rows = pd.DataFrame([r for seed in range(7, 7 + args.seeds)
                         for r in backtest(seed, args.weeks, rules)])
    table = summary(rows)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    out = ROOT / "benchmarks" / "results" / f"nowcast-{dt.date.today()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"seeds": args.seeds, "weeks": args.weeks,
                               "seconds": round(time.perf_counter() - began, 1),
                               "summary": table.to_dict("records"),
                               "rows": rows.to_dict("records")}, indent=1))
    print(f"wrote {out.relative_to(ROOT)} in {time.perf_counter() - began:.0f} s; "
          f"coverage {np.round(table['coverage_80'].to_numpy(), 2).tolist()}")


if __name__ == "__main__":
    main()
