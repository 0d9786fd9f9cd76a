"""When a campaign has ended, and what a post-campaign review covers (a :class:`Subject`).

Two ways, chosen in this order:

* **a flight** in the configuration (``flights:``) has ended the day after its ``end``: its
  review covers its campaigns from ``start`` to ``end``. This is the one a team controls.
* **a quiet campaign**: no spend for ``quiet_days`` (14) days after its last spend, no budget
  plan line of its own after that day, and no open ``stopped_spending`` alert (a pause the
  alerts flag may be a mistake someone will undo: a pause is not an end). Its review covers its
  first to its last day of spend. The nightly run reviews those that ended in the last
  :data:`RECENT_DAYS` days (:func:`recent`), so a first night on years of history does not
  review every campaign ever run; ``campaign-kpi report --campaign`` writes any other.

>>> import pandas as pd
>>> days = pd.DataFrame({"campaign_key": ["gads:1", "gads:1", "gads:2"],
...                      "campaign_name": ["Zomer", "Zomer", "Merk"],
...                      "channel": ["Paid Search"] * 3,
...                      "date": pd.to_datetime(["2026-05-01", "2026-05-20", "2026-06-29"]),
...                      "cost": [10.0, 12.0, 5.0]})
>>> [(s.key, s.start, s.end, s.ended) for s in quiet_campaigns(days, dt.date(2026, 6, 30))]
[('gads:1', datetime.date(2026, 5, 1), datetime.date(2026, 5, 20), True)]
>>> alert = pd.DataFrame({"kind": ["stopped_spending"], "key": ["gads:1"], "status": ["open"]})
>>> quiet_campaigns(days, dt.date(2026, 6, 30), alerts=alert)
()
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from pipelines.flights_config import Flight

QUIET_DAYS = 14
RECENT_DAYS = 90  # the nightly run reviews quiet campaigns that ended this recently
DAY_COLUMNS = ("campaign_key", "campaign_name", "channel", "date", "cost")


@dataclass(frozen=True)
class Subject:
    """What one review covers: a campaign (``key`` its campaign key) or a flight (``key`` its
    folder name), its campaigns, its first and last day, and whether it has ended."""

    key: str
    name: str
    kind: str  # campaign | flight
    campaign_keys: tuple[str, ...]
    start: dt.date
    end: dt.date  # the last day covered (so far, while it runs)
    ended: bool

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _dates(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column).dt.date


def _spend_days(days: pd.DataFrame) -> pd.DataFrame:
    out = days[days["cost"].fillna(0) > 0].copy()
    out["date"] = _dates(out["date"])
    return out


def _planned_after(plan: pd.DataFrame | None, key: str, day: dt.date) -> bool:
    if plan is None or plan.empty:
        return False
    mine = plan[(plan["level"] == "campaign") & (plan["name"] == key)]
    return bool((_dates(mine["period_end"]) > day).any())


def _alerted(alerts: pd.DataFrame | None, key: str) -> bool:
    if alerts is None or alerts.empty:
        return False
    return bool(((alerts["kind"] == "stopped_spending") & (alerts["key"] == key)
                 & (alerts["status"] == "open")).any())


def quiet_campaigns(days: pd.DataFrame, data_end: dt.date, *, plan: pd.DataFrame | None = None,
                    alerts: pd.DataFrame | None = None,
                    quiet_days: int = QUIET_DAYS) -> tuple[Subject, ...]:
    """Campaigns that ended by spending nothing (see the module docstring); ``days`` has one row
    per campaign and day (:data:`DAY_COLUMNS`), ``plan`` is ``budget_plan``, ``alerts`` the
    alerts table."""
    spent = _spend_days(days)
    out = []
    for key, rows in spent.groupby("campaign_key", sort=True):
        first, last = min(rows["date"]), max(rows["date"])
        if (data_end - last).days < quiet_days or _planned_after(plan, str(key), last):
            continue
        if _alerted(alerts, str(key)):
            continue
        name = str(rows.sort_values("date")["campaign_name"].iloc[-1])
        out.append(Subject(str(key), name, "campaign", (str(key),), first, last, True))
    return tuple(out)


def recent(subjects: Sequence[Subject], data_end: dt.date,
           within: int = RECENT_DAYS) -> tuple[Subject, ...]:
    """The subjects whose last day is at most ``within`` days before ``data_end``: a first
    night on an account with years of history does not review every campaign it ever ran.

    >>> old = Subject("gads:1", "Zomer", "campaign", ("gads:1",), dt.date(2025, 5, 1),
    ...               dt.date(2025, 6, 1), True)
    >>> recent([old], dt.date(2025, 8, 30)) == (old,), recent([old], dt.date(2025, 8, 31))
    (True, ())
    """
    return tuple(s for s in subjects if (data_end - s.end).days <= within)


def resolve_campaigns(names: Sequence[str], days: pd.DataFrame) -> tuple[str, ...]:
    """The campaign keys that ``names`` (keys or exact names) stand for, known ones only."""
    keys = set(days["campaign_key"])
    by_name = dict(zip(days["campaign_name"], days["campaign_key"], strict=False))
    return tuple(sorted({n if n in keys else by_name[n] for n in names
                         if n in keys or n in by_name}))


def flight_subjects(flights: Sequence[Flight], days: pd.DataFrame,
                    data_end: dt.date) -> tuple[Subject, ...]:
    """One subject per flight with data: ended when ``data_end`` is after its ``end``."""
    out = []
    for f in flights:
        keys = resolve_campaigns(f.campaigns, days)
        if keys and f.start <= data_end:
            out.append(Subject(f.slug, f.name, "flight", keys, f.start, min(f.end, data_end),
                               data_end > f.end))
    return tuple(out)


def campaign_subject(key: str, days: pd.DataFrame, data_end: dt.date) -> Subject | None:
    """The review subject of one campaign (ended or not: "so far"), from its spend days."""
    rows = _spend_days(days[days["campaign_key"] == key])
    if rows.empty:
        rows = days[days["campaign_key"] == key].assign(date=lambda f: _dates(f["date"]))
    if rows.empty:
        return None
    name = str(rows.sort_values("date")["campaign_name"].iloc[-1])
    last = max(rows["date"])
    return Subject(key, name, "campaign", (key,), min(rows["date"]), last,
                   (data_end - last).days >= QUIET_DAYS)


def find_subject(query: str, days: pd.DataFrame, flights: Sequence[Flight],
                 data_end: dt.date) -> Subject | list[str]:
    """The subject a user asked for by campaign key, exact campaign name, flight name or
    folder; else the closest names (at most five) to suggest.

    >>> days = pd.DataFrame({"campaign_key": ["gads:1"], "campaign_name": ["Search – Merk"],
    ...                      "channel": ["Paid Search"], "date": ["2026-05-01"], "cost": [1.0]})
    >>> find_subject("Search – Merk", days, (), dt.date(2026, 5, 2)).key
    'gads:1'
    >>> find_subject("Serch Merk", days, (), dt.date(2026, 5, 2))
    ['Search – Merk']
    """
    for f in flight_subjects(flights, days, data_end):
        if query in (f.key, f.name):
            return f
    keys = resolve_campaigns([query], days)
    if keys:
        found = campaign_subject(keys[0], days, data_end)
        if found is not None:
            return found
    names = sorted({*map(str, days["campaign_name"]), *(f.name for f in flights)})
    close = difflib.get_close_matches(query, names, n=5, cutoff=0.4)
    lowered = [n for n in names if query.lower() in n.lower() and n not in close]
    return (close + lowered)[:5]
