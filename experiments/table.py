"""Evaluated experiments as warehouse tables: results with their sentences, factorial effects.

:func:`results_frame` runs :func:`experiments.evaluate.evaluate` on the experiments that have
started by ``as_of`` and adds each row's status (``running`` or ``ended``), the date it was
evaluated for and the decision in Dutch, French and English. :func:`effects_frame` does the
same for the main effects and interactions of factorial designs. Both return frames with a fixed
column order and no Python ``None`` in numeric columns, ready to store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from experiments.evaluate import evaluate, evaluate_factorial
from experiments.spec import ExperimentSpec
from experiments.wording import describe, describe_effect
from kpi.language import LANGUAGES


def started(specs: Sequence[ExperimentSpec], as_of: dt.date) -> tuple[ExperimentSpec, ...]:
    """The experiments with at least one day of data by ``as_of``."""
    return tuple(s for s in specs if s.start <= as_of)


def status(spec: ExperimentSpec, as_of: dt.date) -> str:
    """``scheduled`` before the start, ``running`` through the end date, then ``ended``."""
    if as_of < spec.start:
        return "scheduled"
    return "running" if as_of < spec.end else "ended"


def results_frame(stats: pd.DataFrame, specs: Sequence[ExperimentSpec],
                  as_of: dt.date) -> pd.DataFrame:
    """One row per started experiment × arm × metric, with status and sentences."""
    live = started(specs, as_of)
    if not live:
        return pd.DataFrame()
    out = evaluate(stats, live, as_of=as_of)
    by_id = {s.id: s for s in live}
    out.insert(2, "status", [status(by_id[e], as_of) for e in out["experiment_id"]])
    out.insert(3, "as_of", pd.Timestamp(as_of))
    out.insert(4, "start_date", [pd.Timestamp(by_id[e].start) for e in out["experiment_id"]])
    out.insert(5, "end_date", [pd.Timestamp(by_id[e].end) for e in out["experiment_id"]])
    records = out.to_dict("records")
    for lang in LANGUAGES:
        out[f"sentence_{lang}"] = [describe(r, lang) for r in records]
    for column in ("error", "cuped_message", "exact_method", "null_reason", "decision_test"):
        if column in out:
            out[column] = out[column].astype("string")
    return out


def effects_frame(stats: pd.DataFrame, specs: Sequence[ExperimentSpec],
                  as_of: dt.date) -> pd.DataFrame:
    """Main effects and interactions of the started factorial experiments, with sentences."""
    live = [s for s in started(specs, as_of) if s.factors]
    out = evaluate_factorial(stats, live) if live else pd.DataFrame()
    if out.empty:
        return out
    labels = {(s.id, m.id): m for s in live for m in s.metrics}
    records = out.to_dict("records")
    for lang in LANGUAGES:
        out[f"sentence_{lang}"] = [
            describe_effect(r, lang, labels[(r["experiment_id"], r["metric_id"])].label(lang))
            for r in records]
    out["error"] = out["error"].astype("string")
    out.insert(1, "as_of", pd.Timestamp(as_of))
    return out
