"""Which days of orders a night writes: the demo's re-pull window, or everything.

The demo orders are the same for a day whatever the end (:mod:`pipelines.sources.orders.demo`),
so a night re-pulls only from the day after the last night's end (at most ``REPULL_DAYS`` back,
like the other pulls' restatement window) and replaces those days; rows after the new end go
too, so re-running an earlier day also gives what a full write would. Everything is written on
the first run, when the stored state is missing or unreadable, when what the orders depend on
changed (source, history start, seed: :func:`orders_basis`), or when the window would reach
the history's start. An orders *file* is the user's export: it is read whole (inherent) and
replaced whole, because any day of it may have changed (refunds, merged or erased customers)
and comparing it with the stored rows would cost as much as writing them.

>>> start, end = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
>>> plan_orders(None, "b", start, end).since is None
True
>>> last = OrdersState("b", dt.date(2026, 3, 30)).to_json()
>>> plan_orders(last, "b", start, end).since  # three days back from the end
datetime.date(2026, 3, 29)
>>> plan_orders(OrdersState("b", dt.date(2026, 3, 20)).to_json(), "b", start, end).since
datetime.date(2026, 3, 21)
>>> plan_orders(last, "other", start, end).reason
'the orders source, history start or seed changed'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

ORDERS_STATE = "raw_orders"  # pipeline_state key: what the stored orders were written from
REPULL_DAYS = 3  # days a night re-pulls at least (the last one included)
GENERATOR_VERSION = "2"  # the demo orders' draw (2: one generator per day); bump to rewrite


@dataclass(frozen=True)
class OrdersState:
    """The stored orders come from ``basis`` and reach ``through`` (the last night's end)."""

    basis: str
    through: dt.date

    def to_json(self) -> str:
        return json.dumps({"basis": self.basis, "through": self.through.isoformat()})

    @classmethod
    def from_json(cls, text: str | None) -> OrdersState | None:
        try:
            data = json.loads(text or "")
            return cls(str(data["basis"]), dt.date.fromisoformat(data["through"]))
        except (ValueError, KeyError, TypeError):
            return None


@dataclass(frozen=True)
class OrdersPlan:
    """Write the orders dated ``since`` or later (None: all of them), and why."""

    since: dt.date | None
    reason: str


def orders_basis(**what: object) -> str:
    """A short fingerprint of what the stored orders depend on.

    >>> orders_basis(kind="demo", seed=7) == orders_basis(seed=7, kind="demo")
    True
    """
    text = json.dumps({**what, "generator": GENERATOR_VERSION}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan_orders(stored: str | None, basis: str, start: dt.date, end: dt.date) -> OrdersPlan:
    """The days tonight writes, from the stored state's JSON (module docstring)."""
    state = OrdersState.from_json(stored)
    if state is None:
        return OrdersPlan(None, "first run: no stored orders state")
    if state.basis != basis:
        return OrdersPlan(None, "the orders source, history start or seed changed")
    since = min(state.through + dt.timedelta(days=1), end - dt.timedelta(days=REPULL_DAYS - 1))
    if since <= start:
        return OrdersPlan(None, "the window reaches the history's start")
    return OrdersPlan(since, f"the days from {since.isoformat()}")
