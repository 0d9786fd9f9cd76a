"""The Ibis reduction on in-memory DuckDB equals numpy sums on the same units."""

from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pandas as pd
import pytest

from experiments import Arm, ExperimentSpec, Metric, sufficient_statistics
from experiments.sufficient import COLUMNS


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 5000
    frame = pd.DataFrame({
        "experiment_id": rng.choice(["e1", "e2"], n), "arm": rng.choice(["a", "b", "c"], n),
        "converted": rng.integers(0, 2, n), "revenue": rng.gamma(2, 30, n),
        "sessions": rng.integers(1, 6, n), "pre_revenue": rng.gamma(2, 20, n)})
    frame.loc[::97, "revenue"] = np.nan  # missing = 0
    return frame


SPECS = [
    ExperimentSpec("e1", "E1", (Arm("a"), Arm("b"), Arm("c")), "a", (
        Metric("conv", "proportion", "converted"),
        Metric("rev", "mean", "revenue", covariate="pre_revenue"),
        Metric("rps", "ratio", "revenue", denominator="sessions")),
        dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
    ExperimentSpec("e2", "E2", (Arm("a"), Arm("b"), Arm("c")), "a",
                   (Metric("conv", "proportion", "converted"),),
                   dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
]


def test_duckdb_equals_numpy(units: pd.DataFrame) -> None:
    con = ibis.duckdb.connect()
    out = sufficient_statistics(con.create_table("units", units), SPECS).to_pandas()
    assert tuple(out.columns) == COLUMNS
    assert len(out) == 3 * 3 + 3
    for _, row in out.iterrows():
        metric = next(m for s in SPECS if s.id == row["experiment_id"] for m in s.metrics
                      if m.id == row["metric_id"])
        g = units[(units["experiment_id"] == row["experiment_id"]) & (units["arm"] == row["arm"])]
        num = g[metric.numerator].fillna(0).to_numpy(float)
        den = g[metric.denominator].to_numpy(float) if metric.denominator else np.ones(len(g))
        pre = g[metric.covariate].to_numpy(float) if metric.covariate else np.zeros(len(g))
        expected = [len(g), num.sum(), (num**2).sum(), den.sum(), (den**2).sum(),
                    (num * den).sum(), pre.sum(), (pre**2).sum(), (num * pre).sum()]
        assert np.allclose(row[list(COLUMNS[3:])].to_numpy(float), expected, rtol=1e-12)


def test_missing_column_is_named(units: pd.DataFrame) -> None:
    bad = ExperimentSpec("e1", "E1", (Arm("a"), Arm("b")), "a",
                         (Metric("x", "mean", "no_such_column"),),
                         dt.date(2026, 1, 1), dt.date(2026, 1, 2))
    with pytest.raises(ValueError, match="no_such_column"):
        sufficient_statistics(ibis.memtable(units), [bad])
