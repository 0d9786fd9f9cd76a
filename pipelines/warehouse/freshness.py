"""What the warehouse knows about how recent and how final its data is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from ibis.backends.duckdb import Backend

from pipelines.sources.streams import STREAMS
from pipelines.warehouse.store import EXTRACTS_TABLE


def as_date(value: object) -> dt.date:
    """A date from whatever a query returned for a DATE column (date, datetime or Timestamp)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"not a date: {value!r}")


def latest_pulled(con: Backend) -> dict[str, dt.date]:
    """The last date pulled per source platform (from the extract log)."""
    if EXTRACTS_TABLE not in con.list_tables():
        return {}
    log = con.table(EXTRACTS_TABLE)
    latest = con.execute(log.group_by("stream").aggregate(last=log.date.max()))
    result: dict[str, dt.date] = {}
    for stream, last in zip(latest["stream"], latest["last"], strict=True):
        platform = STREAMS[stream].source if stream in STREAMS else stream
        day = as_date(last)
        result[platform] = max(result.get(platform, day), day)
    return result


def provisional_since(latest: Mapping[str, dt.date],
                      lookback: Mapping[str, int]) -> dt.date | None:
    """The first day still inside some source's restatement window, or None without data.

    >>> provisional_since({"ga4": dt.date(2026, 3, 31)}, {"ga4": 3})
    datetime.date(2026, 3, 29)
    """
    starts = [day - dt.timedelta(days=lookback[p] - 1) for p, day in latest.items()
              if p in lookback]
    return min(starts) if starts else None


def last_pulled_dates(con: Backend, streams: Sequence[str]) -> dict[str, dt.date]:
    """The last date each account/property has been pulled for, over ``streams`` (the earliest
    across them: a stream that lags holds the others back)."""
    if EXTRACTS_TABLE not in con.list_tables():
        return {}
    log = con.table(EXTRACTS_TABLE)
    per = log.filter(log.stream.isin(list(streams))).group_by(["scope", "stream"]).aggregate(
        last=log.date.max())
    frame = con.execute(per)
    result: dict[str, dt.date] = {}
    for scope, last in zip(frame["scope"], frame["last"], strict=True):
        day = as_date(last)
        result[scope] = min(result.get(scope, day), day)
    return result
