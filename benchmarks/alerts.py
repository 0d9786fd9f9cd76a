"""The anomaly detector over many seeded demo histories, with and without the planted anomalies.

Each history (seed ``s``, end date moved by ``s`` weeks so the calendar varies) is run morning
by morning over its last ``--mornings`` days, as the nightly run does: the findings folded into
the alerts kept (:mod:`kpi.alerts.state`). An alert *hits* a plant when it names the plant's
campaign and kind (a broken tag may be raised on Ads conversions or GA4 key events) and its
first day is inside the plant; every other alert opened is a false alert. Reported: recall (plants
found), days to detection (the morning raised minus the morning after the plant's first day: 0 =
the first possible morning), precision, false alerts per account per month (30 days).

With ``--outcomes`` two more plants are laid over each planted history's morning views (not in
the demo itself, whose plants other tests and pages rely on): a lead form broken on a lead
campaign (its web-form leads, ~80 % of its leads, lost with the conversions and GA4 key events
they carry, the phone leads going on, on ``anchor - 10 .. anchor - 9``: ``cpl_high``) and a
price error on a shop campaign (each order worth half on ``anchor - 17 .. anchor - 16``:
``roas_low``), on campaigns carrying no other plant.

    .venv/bin/python benchmarks/alerts.py --seeds 20 --mornings 60 [--outcomes]
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

import dataclasses

import numpy as np

from kpi.alerts.demo import DemoHistory
from kpi.alerts.detect import Series, detect
from kpi.alerts.state import Alert, fold, open_since
from pipelines.sources.demo import DemoSettings
from pipelines.sources.demo.anomalies import Plant, plants

START = dt.date(2025, 10, 1)
FIRST_END = dt.date(2026, 4, 30)
LEAD_CAMPAIGNS = ("2087345003", "2087345004", "2087345005", "2087345006")
SHOP_CAMPAIGNS = ("2087345008", "2087345009", "2087345014", "2087345001", "2087345002")
FORM_KEPT, PRICE_SHARE = 0.2, 0.5  # leads kept (phone), order value kept


def outcome_plants(end: dt.date, seed: int) -> tuple[Plant, ...]:
    """A broken lead form and a price error, on campaigns without another plant."""
    taken = {p.campaign_id for p in plants(end, seed)}
    day = dt.timedelta(days=1)
    lead = next(c for c in LEAD_CAMPAIGNS if c not in taken)
    shop = next(c for c in SHOP_CAMPAIGNS if c not in taken)
    return (Plant("cpl_high", lead, end - 10 * day, end - 9 * day),
            Plant("roas_low", shop, end - 17 * day, end - 16 * day))


def with_outcomes(s: Series, extra: tuple[Plant, ...], seed: int) -> Series:
    """The morning's view with the outcome plants applied to the days it shows."""
    values = {k: v.copy() for k, v in s.values.items()}
    for p in extra:
        col = s.keys.index(f"gads:{p.campaign_id}")
        for i, day in enumerate(s.days.astype(object)):
            if not p.first <= day <= (p.last or day):
                continue
            if p.kind == "cpl_high":
                rng = np.random.default_rng((seed, day.toordinal(), 21))
                leads = values["leads"][i, col]
                kept = rng.binomial(int(leads), FORM_KEPT)
                values["leads"][i, col] = kept
                for m in ("conversions", "ga4_conversions"):
                    values[m][i, col] = max(values[m][i, col] - (leads - kept), 0)
            else:
                values["revenue"][i, col] *= PRICE_SHARE
    return dataclasses.replace(s, values=values)


def run_history(seed: int, planted: bool, mornings: int, outcomes: bool = False
                ) -> dict[str, object]:
    """One history: the alerts opened and how they match the plants."""
    end = FIRST_END + dt.timedelta(weeks=seed)
    history = DemoHistory(DemoSettings(START, end, seed=seed, anomalies=planted))
    extra = outcome_plants(end, seed) if planted and outcomes else ()
    kept: list[Alert] = []
    opened: list[tuple[dt.date, Alert]] = []
    for i in range(mornings, 0, -1):
        morning = end + dt.timedelta(days=2 - i)
        view = with_outcomes(history.morning(morning), extra, seed)
        kept = fold(kept, detect(view, open_since(kept)), morning)
        opened += [(morning, a) for a in kept if a.new]
    truth = (*plants(end, seed), *extra) if planted else ()
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
    parser.add_argument("--outcomes", action="store_true",
                        help="also plant a broken lead form and a price error")
    args = parser.parse_args()
    t0 = time.perf_counter()
    runs = [run_history(seed, planted, args.mornings, args.outcomes)
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
