"""The anomaly detector over many seeded demo histories, with and without the planted anomalies.

Each history (seed ``s``, end date moved by ``s`` weeks so the calendar varies) is run morning
by morning over its last ``--mornings`` days, as the nightly run does: the findings folded into
the alerts kept (:mod:`kpi.alerts.state`). An alert *hits* a plant when it names the plant's
campaign and kind (a broken tag may be raised on Ads conversions or GA4 key events) and its
first day is inside the plant; every other alert opened is a false alert. Reported: recall (plants
found), days to detection (the morning raised minus the morning after the plant's first day: 0 =
the first possible morning), precision, false alerts per account per month (30 days).

    .venv/bin/python benchmarks/alerts.py --seeds 20 --mornings 60
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from kpi.alerts.demo import DemoHistory
from kpi.alerts.detect import detect
from kpi.alerts.state import Alert, fold, open_since
from pipelines.sources.demo import DemoSettings
from pipelines.sources.demo.anomalies import plants

START = dt.date(2025, 10, 1)
FIRST_END = dt.date(2026, 4, 30)


def run_history(seed: int, planted: bool, mornings: int) -> dict[str, object]:
    """One history: the alerts opened and how they match the plants."""
    end = FIRST_END + dt.timedelta(weeks=seed)
    history = DemoHistory(DemoSettings(START, end, seed=seed, anomalies=planted))
    kept: list[Alert] = []
    opened: list[tuple[dt.date, Alert]] = []
    for i in range(mornings, 0, -1):
        morning = end + dt.timedelta(days=2 - i)
        kept = fold(kept, detect(history.morning(morning), open_since(kept)), morning)
        opened += [(morning, a) for a in kept if a.new]
    truth = plants(end, seed) if planted else ()
    found, delays, false = [], [], []
    for p in truth:
        last = p.last or end
        hits = [(m, a) for m, a in opened if a.level == "campaign"
                and a.key == f"gads:{p.campaign_id}" and a.kind == p.kind
                and p.first <= a.since <= last]
        if hits:
            found.append(p.kind)
            delays.append((min(m for m, _ in hits) - (p.first + dt.timedelta(days=1))).days)
    for m, a in opened:
        match = any(a.key == f"gads:{p.campaign_id}" and p.first <= a.since <= (p.last or end)
                    for p in truth)
        if not match:
            false.append({"morning": m.isoformat(), "kind": a.kind, "level": a.level,
                          "key": a.key, "metric": a.metric, "observed": round(a.observed, 2),
                          "expected": round(a.expected, 2)})
    return {"seed": seed, "planted": planted, "end": end.isoformat(),
            "plants": [p.kind for p in truth], "found": found, "delays": delays,
            "alerts": len(opened), "false": false}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--mornings", type=int, default=60)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    t0 = time.perf_counter()
    runs = [run_history(seed, planted, args.mornings)
            for seed in range(1, args.seeds + 1) for planted in (True, False)]
    seconds = time.perf_counter() - t0
    n_plants = sum(len(r["plants"]) for r in runs)
    n_found = sum(len(r["found"]) for r in runs)
    delays = [d for r in runs for d in r["delays"]]
    n_false = sum(len(r["false"]) for r in runs)
    n_alerts = sum(r["alerts"] for r in runs)
    by_kind = Counter(k for r in runs for k in r["plants"])
    found_kind = Counter(k for r in runs for k in r["found"])
    months = len(runs) * args.mornings / 30
    clean = [r for r in runs if not r["planted"]]
    summary = {
        "histories": len(runs), "mornings": args.mornings, "seconds": round(seconds, 1),
        "recall": round(n_found / n_plants, 3) if n_plants else None,
        "recall_by_kind": {k: f"{found_kind[k]}/{n}" for k, n in by_kind.items()},
        "delay_days": dict(sorted(Counter(delays).items())),
        "within_one_day": round(sum(d <= 1 for d in delays) / n_plants, 3) if n_plants else None,
        "precision": round((n_alerts - n_false) / n_alerts, 3) if n_alerts else None,
        "false_alerts": n_false,
        "false_per_account_month": round(n_false / months, 3),
        "false_per_account_month_clean": round(
            sum(len(r["false"]) for r in clean) / (len(clean) * args.mornings / 30), 3),
        "false_by_kind": dict(Counter(f["kind"] for r in runs for f in r["false"])),
    }
    print(json.dumps(summary, indent=1))
    out = args.out or Path(__file__).parent / "results" / f"alerts-{dt.date.today()}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"summary": summary, "runs": runs}, indent=1, default=str))


if __name__ == "__main__":
    main()
