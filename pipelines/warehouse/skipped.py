"""Values a run could not compute. A table that may leave a value null for one customer,
experiment arm or model segment keeps the reason beside it, as a short code in a column of its
own (null when everything was computed); the rest of the run goes on. This module counts those
rows per table and reason, for the warning checks and the quality page.

>>> from pipelines.warehouse.store import connect
>>> con = connect(":memory:")
>>> _ = con.raw_sql("CREATE TABLE customer_clv AS SELECT * FROM (VALUES ('a', NULL), "
...                 "('b', 'not_finite'), ('c', 'not_finite')) t(customer_key, clv_note)")
>>> count_skipped(con, [NullReasons("customer_clv", "clv_note", "customer")])
          table      unit      reason  rows
0  customer_clv  customer  not_finite     2
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from ibis.backends import BaseBackend

COLUMNS = ["table", "unit", "reason", "rows"]


@dataclass(frozen=True)
class NullReasons:
    """Where a table says why a row's values are null: ``column`` holds a reason code, null
    when the row was computed; ``unit`` names what one row is (``customer``, ...)."""

    table: str
    column: str
    unit: str


def count_skipped(con: BaseBackend, declared: Sequence[NullReasons]) -> pd.DataFrame:
    """Rows with a reason, per table and reason code (``table, unit, reason, rows``), largest
    first within a table; tables not built yet, or built before the column existed, count 0."""
    existing = set(con.list_tables())
    parts = []
    for item in declared:
        if item.table not in existing:
            continue
        table = con.table(item.table)
        if item.column not in table.columns:
            continue
        reasons = table.filter(table[item.column].notnull())
        counts = con.execute(reasons.group_by(reason=reasons[item.column]).aggregate(
            rows=reasons.count()))
        parts.append(counts.assign(table=item.table, unit=item.unit))
    if not parts:
        return pd.DataFrame(columns=COLUMNS).astype({"rows": "int64"})
    frame = pd.concat(parts, ignore_index=True)[COLUMNS].astype({"rows": "int64"})
    order = [item.table for item in declared]
    frame["_order"] = frame["table"].map(order.index)
    frame = frame.sort_values(["_order", "rows", "reason"], ascending=[True, False, True])
    return frame.drop(columns="_order").reset_index(drop=True)


def describe(counts: pd.DataFrame) -> str:
    """One line for a check, by reason.

    >>> describe(pd.DataFrame({"table": ["customer_clv"] * 2, "unit": ["customer"] * 2,
    ...                        "reason": ["not_finite", "no_fit"], "rows": [2, 1]}))
    '3 rows of customer_clv left null: 2 not_finite, 1 no_fit'
    """
    if counts.empty:
        return "every value computed"
    total = int(counts["rows"].sum())
    tables = ", ".join(dict.fromkeys(counts["table"]))
    detail = ", ".join(f"{r.rows} {r.reason}" for r in counts.itertuples())
    return f"{total} row{'' if total == 1 else 's'} of {tables} left null: {detail}"
