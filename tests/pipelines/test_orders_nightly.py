"""Demo orders night after night: a day's orders do not depend on the end, a window is exactly
the whole history's rows for its days, and writing only the re-pulled days
(pipelines.sources.orders.nightly + store.replace_since) leaves the table a full write leaves,
row for row, across seeds, steps forward, repeated and earlier days."""

from __future__ import annotations

import datetime as dt
import doctest

import pandas as pd
import pyarrow as pa
import pytest

from pipelines.sources.orders import nightly
from pipelines.sources.orders.demo import demo_orders
from pipelines.sources.orders.nightly import (
    ORDERS_STATE,
    REPULL_DAYS,
    OrdersState,
    orders_basis,
    plan_orders,
)
from pipelines.warehouse.store import connect, read_state, replace_since, replace_with_arrow

DAY = dt.timedelta(days=1)


def _arrow(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False)


def _stored(con) -> pd.DataFrame:
    frame = con.table("raw_orders").execute()
    frame["ordered_at"] = frame["ordered_at"].dt.as_unit("us")
    return frame.sort_values("order_id").reset_index(drop=True)


def _full(start: dt.date, end: dt.date, seed: int) -> pd.DataFrame:
    con = connect(":memory:")
    replace_with_arrow(con, {"raw_orders": _arrow(demo_orders(start, end, seed))})
    return _stored(con)


def test_doctests() -> None:
    assert doctest.testmod(nightly).failed == 0


@pytest.mark.parametrize(("seed", "start", "end", "later"), [
    (7, dt.date(2026, 1, 1), dt.date(2026, 3, 10), 1),
    (1, dt.date(2025, 3, 30), dt.date(2025, 5, 31), 9),  # over the spring DST change
    (11, dt.date(2025, 10, 1), dt.date(2025, 12, 31), 33),  # over the autumn change, a year end
])
def test_a_days_orders_do_not_depend_on_the_end(seed, start, end, later) -> None:
    orders = demo_orders(start, end, seed)
    longer = demo_orders(start, end + later * DAY, seed)
    assert longer["order_date"].max() > end
    pd.testing.assert_frame_equal(orders, longer[longer["order_date"] <= end]
                                  .reset_index(drop=True))


@pytest.mark.parametrize("seed", [2, 7])
def test_a_window_is_the_whole_historys_rows_for_its_days(seed) -> None:
    start, end = dt.date(2025, 11, 20), dt.date(2026, 2, 10)
    whole = demo_orders(start, end, seed)
    for since in (start - 5 * DAY, start, dt.date(2026, 1, 1), end, end + DAY):
        window = demo_orders(start, end, seed, since=since)
        expected = whole[whole["order_date"] >= since].reset_index(drop=True)
        pd.testing.assert_frame_equal(window, expected)
    assert demo_orders(start, end, seed, since=end + DAY).empty


@pytest.mark.parametrize("seed", [3, 7])
def test_writing_the_nights_days_equals_a_full_write(seed) -> None:
    start = dt.date(2025, 12, 1)
    basis = orders_basis(kind="demo", start=start, seed=seed)
    con = connect(":memory:")
    # first night: everything; then forward by a day, a missed night, the same day again,
    # an earlier day re-run, forward again
    ends = [dt.date(2026, 1, 20), dt.date(2026, 1, 21), dt.date(2026, 1, 25),
            dt.date(2026, 1, 25), dt.date(2026, 1, 23), dt.date(2026, 1, 24),
            dt.date(2026, 2, 2)]
    modes, previous = [], start
    for end in ends:
        plan = plan_orders(read_state(con, ORDERS_STATE), basis, start, end)
        frame = _arrow(demo_orders(start, end, seed, since=plan.since))
        state = {ORDERS_STATE: OrdersState(basis, end).to_json()}
        if plan.since is None:
            replace_with_arrow(con, {"raw_orders": frame}, state=state)
        else:
            # from the day after the last night's end, at least the re-pull window
            assert plan.since == min(previous + DAY, end - (REPULL_DAYS - 1) * DAY)
            written = replace_since(con, "raw_orders", frame, "order_date", plan.since, state)
            assert written == frame.num_rows < 1000  # a few days, not the history
        modes.append(plan.since)
        previous = end
        pd.testing.assert_frame_equal(_stored(con), _full(start, end, seed))
    assert modes[0] is None and all(m is not None for m in modes[1:])
    # another seed or history start: written whole again
    assert plan_orders(read_state(con, ORDERS_STATE), orders_basis(
        kind="demo", start=start, seed=seed + 1), start, ends[-1]).since is None
