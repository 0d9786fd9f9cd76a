"""How an experiment's result moved day by day: what a team looking every morning saw.

From sufficient statistics per daily cohort (units by first exposure date, see
:func:`experiments.sufficient.sufficient_statistics` with ``by=("first_exposure_date",)``),
the running totals are evaluated as of each day. For a sequential design the interval is the
always-valid confidence sequence, so a decision taken on any day keeps its error rate; for a
fixed-horizon design the daily intervals are shown for information only (stopping at the first
"significant" day inflates false positives — the page says so).

>>> import datetime as dt
>>> from experiments.spec import Arm, ExperimentSpec, Metric
>>> spec = ExperimentSpec("e", "E", (Arm("a"), Arm("b")), "a",
...     (Metric("c", "proportion", "converted"),), dt.date(2026, 1, 1), dt.date(2026, 1, 2))
>>> daily = pd.DataFrame({"experiment_id": "e", "arm": ["a", "b", "a", "b"], "metric_id": "c",
...     "first_exposure_date": pd.to_datetime(["2026-01-01"] * 2 + ["2026-01-02"] * 2),
...     "n": 1000, "num_sum": [100.0, 120.0, 100.0, 130.0]})
>>> h = history(daily, [spec], dt.date(2026, 1, 2))
>>> h[["day", "arm", "n"]].astype(str).values.tolist()
[['2026-01-01', 'b', '1000'], ['2026-01-02', 'b', '2000']]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from experiments.evaluate import evaluate
from experiments.spec import ExperimentSpec
from experiments.sufficient import KEYS, SUMS

DAY = "first_exposure_date"
KEEP = ("experiment_id", "arm", "arm_label", "metric_id", "n", "n_control", "rel_estimate",
        "adj_ci_low", "adj_ci_high", "p_adjusted", "decision", "design")


def _running_totals(daily: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Per experiment × arm × metric, the sums of all cohorts up to each of ``days``."""
    sums = [c for c in SUMS if c in daily]
    keys = list(KEYS)
    frame = daily.groupby([*keys, DAY], as_index=False)[sums].sum()
    frame = frame.set_index([*keys, DAY])[sums]
    full = pd.MultiIndex.from_tuples(
        [(*k, d) for k in frame.index.droplevel(DAY).unique() for d in days],
        names=[*keys, DAY])
    running = frame.reindex(full, fill_value=0).groupby(level=keys).cumsum()
    return running.reset_index()


def history(daily: pd.DataFrame, specs: Sequence[ExperimentSpec],
            as_of: dt.date) -> pd.DataFrame:
    """One row per started experiment × day × treatment arm × metric, evaluated as of that
    day on the units exposed by then."""
    out = []
    for spec in specs:
        last = min(spec.end, as_of)
        mine = daily[daily["experiment_id"] == spec.id]
        if last < spec.start or mine.empty:
            continue
        days = pd.date_range(spec.start, last, freq="D")
        running = _running_totals(mine.assign(**{DAY: pd.to_datetime(mine[DAY])}), days)
        for day, stats in running.groupby(DAY, sort=True):
            result = evaluate(stats, [spec], as_of=day.date())
            result = result[~result["is_control"]][list(KEEP)]
            out.append(result.assign(day=day))
    if not out:
        return pd.DataFrame(columns=["day", *KEEP])
    frame = pd.concat(out, ignore_index=True)
    return frame[["day", *KEEP]]
