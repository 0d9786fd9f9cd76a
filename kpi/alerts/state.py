"""The life of an alert: opened once, updated while it lasts, closed when back in range.

An anomaly is identified by (kind, level, key, metric). Each morning's findings are folded into
the alerts kept so far: a finding with no open alert opens one (``since`` = its day); a finding
with an open alert updates it (last day, latest figures, ``days`` + 1) and is not sent again; an
open alert with no finding is closed (``closed_on`` = the morning). Nothing is ever deleted.

>>> import numpy as np
>>> from kpi.alerts.detect import Finding
>>> f = Finding("spend_spike", "campaign", "gads:1", "a", "Search", "cost",
...             np.datetime64("2026-03-01"), 300.0, 100.0, 70.0, 140.0)
>>> day1 = fold((), [f], dt.date(2026, 3, 2))
>>> [(a.status, a.new) for a in day1]
[('open', True)]
>>> day2 = fold(day1, [], dt.date(2026, 3, 3))
>>> [(a.status, a.new, str(a.closed_on)) for a in day2]
[('closed', False, '2026-03-03')]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from kpi.alerts.detect import Finding

COLUMNS = ("alert_id", "kind", "level", "key", "account", "channel", "metric", "since",
           "last_day", "days", "observed", "expected", "lower", "upper", "status", "opened_on",
           "updated_on", "closed_on")


@dataclass(frozen=True)
class Alert:
    """One row of the ``alerts`` table; ``new``: opened this morning (to be sent)."""

    alert_id: str
    kind: str
    level: str
    key: str
    account: str
    channel: str
    metric: str
    since: dt.date
    last_day: dt.date
    days: int
    observed: float
    expected: float
    lower: float
    upper: float
    status: str  # open | closed
    opened_on: dt.date
    updated_on: dt.date
    closed_on: dt.date | None = None
    new: bool = False

    @property
    def series(self) -> tuple[str, str, str, str]:
        return (self.kind, self.level, self.key, self.metric)

    @property
    def deviation(self) -> float:
        """Observed over expected, minus one (-1: none of it; +2: three times)."""
        return self.observed / self.expected - 1 if self.expected else float("inf")

    def row(self) -> dict[str, object]:
        return {c: getattr(self, c) for c in COLUMNS}


def _day(value: np.datetime64) -> dt.date:
    return value.astype("datetime64[D]").astype(object)


def fold(kept: Sequence[Alert], findings: Iterable[Finding], morning: dt.date) -> list[Alert]:
    """The alerts after ``morning``'s findings (every alert kept, closed ones unchanged)."""
    found = {f.series: f for f in findings}
    out: list[Alert] = []
    for a in kept:
        a = dataclasses.replace(a, new=False)
        if a.status != "open":
            out.append(a)
            continue
        f = found.pop(a.series, None)
        if f is None:
            out.append(dataclasses.replace(a, status="closed", closed_on=morning,
                                           updated_on=morning))
        else:
            out.append(dataclasses.replace(
                a, last_day=_day(f.day), days=a.days + 1, observed=f.observed,
                expected=f.expected, lower=f.lower, upper=f.upper, updated_on=morning))
    for f in found.values():
        since = _day(f.day)
        ident = hashlib.sha256("|".join([*f.series, since.isoformat(), morning.isoformat()])
                               .encode()).hexdigest()
        out.append(Alert(ident[:16], f.kind, f.level, f.key, f.account, f.channel, f.metric,
                         since, since, 1, f.observed, f.expected, f.lower, f.upper, "open",
                         morning, morning, None, True))
    return out


def open_since(alerts: Iterable[Alert]) -> dict[tuple[str, str, str], np.datetime64]:
    """(level, key, metric) -> first day of its open anomaly (kept out of its baseline)."""
    return {(a.level, a.key, a.metric): np.datetime64(a.since) for a in alerts
            if a.status == "open"}
