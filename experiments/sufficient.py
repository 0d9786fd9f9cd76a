"""Reduce an exposures table to sufficient statistics per experiment × arm × metric (Ibis).

The input has one row per unit and experiment: ``experiment_id``, ``arm`` and the metric
columns named by the specs (a missing value counts as 0: an exposed unit that did nothing).
The output has one row per experiment × arm × metric with ``n`` and the sums, sums of squares
and cross products of the numerator, the denominator (1 per unit when there is none) and the
CUPED covariate (0 when there is none). It compiles for any Ibis backend; the engine reads it
with :func:`experiments.evaluate.evaluate`.

>>> import datetime as dt, ibis, pandas as pd
>>> from experiments.spec import Arm, ExperimentSpec, Metric
>>> spec = ExperimentSpec("e", "E", (Arm("a"), Arm("b")), "a",
...     (Metric("conv", "proportion", "converted"),), dt.date(2026, 1, 1), dt.date(2026, 1, 2))
>>> units = ibis.memtable(pd.DataFrame({"experiment_id": ["e"] * 3, "arm": ["a", "a", "b"],
...     "converted": [1, 0, 1]}))
>>> out = sufficient_statistics(units, [spec]).to_pandas()
>>> out[["arm", "metric_id", "n", "num_sum"]].to_dict("records")
[{'arm': 'a', 'metric_id': 'conv', 'n': 2, 'num_sum': 1.0}, {'arm': 'b', 'metric_id': 'conv', 'n': 1, 'num_sum': 1.0}]
"""  # noqa: E501

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import ibis
from ibis.expr.types import Table

from experiments.spec import ExperimentSpec

KEYS = ("experiment_id", "arm", "metric_id")
SUMS = ("n", "num_sum", "num_sum_sq", "den_sum", "den_sum_sq", "num_den_sum",
        "pre_sum", "pre_sum_sq", "num_pre_sum")
COLUMNS = KEYS + SUMS


def _value(table: Table, column: str | None, default: float) -> ibis.Value:
    if column is None:
        return ibis.literal(default, type="float64")
    if column not in table.columns:
        raise ValueError(f"exposures table has no column {column!r} (named by a metric spec)")
    return table[column].cast("float64").fill_null(0.0)


def sufficient_statistics(exposures: Table, specs: Sequence[ExperimentSpec],
                          by: Sequence[str] = ()) -> Table:
    """One row per experiment × arm × metric (× each column in ``by``, e.g.
    ``first_exposure_date`` for daily cohorts, whose sums add up) with n, sums, squares and
    cross products."""
    for column in ("experiment_id", "arm"):
        if column not in exposures.columns:
            raise ValueError(f"exposures table has no column {column!r}")
    groups: dict[tuple, list[str]] = defaultdict(list)
    for spec in specs:
        for m in spec.metrics:
            groups[(m.id, m.numerator, m.denominator, m.covariate)].append(spec.id)
    parts = []
    for (metric_id, numerator, denominator, covariate), ids in groups.items():
        t = exposures.filter(exposures.experiment_id.isin(ids))
        t = t.mutate(_num=_value(t, numerator, 0.0), _den=_value(t, denominator, 1.0),
                     _pre=_value(t, covariate, 0.0))
        parts.append(
            t.group_by(["experiment_id", "arm", *by]).aggregate(
                metric_id=ibis.literal(metric_id, type="string"),
                n=t.count(),
                num_sum=t._num.sum(), num_sum_sq=(t._num * t._num).sum(),
                den_sum=t._den.sum(), den_sum_sq=(t._den * t._den).sum(),
                num_den_sum=(t._num * t._den).sum(),
                pre_sum=t._pre.sum(), pre_sum_sq=(t._pre * t._pre).sum(),
                num_pre_sum=(t._num * t._pre).sum(),
            ).select(*KEYS, *by, *SUMS)
        )
    if not parts:
        raise ValueError("no metrics in the experiment specs")
    return ibis.union(*parts, distinct=False).order_by([*KEYS, *by])
