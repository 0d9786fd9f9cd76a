"""Checks on the model and the roll-ups, as Ibis expressions or small pure functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import ibis
import ibis.expr.types as ir

from kpi.model import FACTS


def missing_days(present: Iterable[dt.date], start: dt.date, end: dt.date) -> list[dt.date]:
    """Dates in [start, end] with no row at all.

    >>> missing_days([dt.date(2026, 1, 1), dt.date(2026, 1, 3)], dt.date(2026, 1, 1),
    ...              dt.date(2026, 1, 3))
    [datetime.date(2026, 1, 2)]
    """
    seen = set(present)
    days = (end - start).days + 1
    return [d for d in (start + dt.timedelta(days=i) for i in range(days)) if d not in seen]


def unreconciled(rollup: ir.Table, tolerance: float = 1e-6) -> ir.Table:
    """Roll-up cells that break "every level adds up to the total, every grain to the same
    grand total". Returns (grain, level, period or '*', measure, expected, actual) rows."""
    per_level = rollup.group_by(["grain", "period_start", "level"]).aggregate(
        **{f: rollup[f].sum() for f in FACTS})
    total = per_level.filter(per_level.level == "total")
    rows = []
    for f in FACTS:
        joined = per_level.join(total.select("grain", "period_start", expected=total[f]),
                                ["grain", "period_start"])
        rows.append(joined.select(
            "grain", "level", period=joined.period_start.cast("string"),
            measure=ibis.literal(f), expected=joined.expected, actual=joined[f]))
        grand = rollup.filter(rollup.level == "total").group_by("grain").aggregate(
            actual=rollup[f].sum())
        day = grand.filter(grand.grain == "day").select(expected=grand.actual)
        rows.append(grand.cross_join(day).select(
            "grain", level=ibis.literal("total"), period=ibis.literal("*"),
            measure=ibis.literal(f), expected="expected", actual="actual"))
    cells = ibis.union(*rows)
    gap = (cells.actual - cells.expected).abs()
    return cells.filter(gap > tolerance * ibis.greatest(1, cells.expected.abs()))
