"""What the warehouse knows about how recent and how final its data is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import ibis.expr.types as ir
from ibis.backends import BaseBackend
from ibis.backends.duckdb import Backend

from pipelines.sources.base import Window
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
    log = modelled(con.table(EXTRACTS_TABLE))
    latest = con.execute(log.group_by("stream").aggregate(last=log.date.max()))
    result: dict[str, dt.date] = {}
    for stream, last in zip(latest["stream"], latest["last"], strict=True):
        platform = STREAMS[stream].source if stream in STREAMS else stream
        day = as_date(last)
        result[platform] = max(result.get(platform, day), day)
    return result


def last_extracted(con: Backend) -> dt.datetime | None:
    """When the newest data was pulled (the extract log's latest ``extracted_at``), or None."""
    if EXTRACTS_TABLE not in con.list_tables():
        return None
    newest = con.execute(con.table(EXTRACTS_TABLE).extracted_at.max())
    return None if newest is None or newest != newest else _as_datetime(newest)


def _as_datetime(value: object) -> dt.datetime:
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()  # type: ignore[union-attr]
    if isinstance(value, dt.datetime):
        return value
    raise TypeError(f"not a timestamp: {value!r}")


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


MODEL_INPUTS_TABLE = "campaign_daily_inputs"
# The CRM's facts by lead date (kpi.crm) are a model input without an extract of their own:
# this log, shaped like the extract log, moves a lead date's row whenever its facts change.
CRM_LOG_TABLE = "crm_daily_log"
_LOG_COLUMNS = ("stream", "scope", "date", "rows", "extracted_at")


# Pulled streams the model does not read (Google Ads' click view feeds the CRM matching, whose
# facts reach the model through the CRM log): not a model input, and not needed for a day to
# count as pulled (the click view answers the last 90 days only).
NOT_MODELLED = ("ads_click_view",)


def modelled(log: ir.Table) -> ir.Table:
    """The extract log without the streams the model does not read (:data:`NOT_MODELLED`)."""
    return log.filter(~log.stream.isin(list(NOT_MODELLED)))


def model_inputs(log: ir.Table) -> ir.Table:
    """The extract-log columns that say which pull of each day a model row was built from."""
    return log.select(*_LOG_COLUMNS)


def input_logs(con: BaseBackend) -> ir.Table:
    """Every row saying which input of a day the model reads: the extract log's, and the CRM
    log's when a CRM is connected."""
    log = model_inputs(modelled(con.table(EXTRACTS_TABLE)))
    if CRM_LOG_TABLE not in con.list_tables():
        return log
    crm = con.table(CRM_LOG_TABLE)
    return log.union(model_inputs(crm).cast(log.schema()))


def unmodelled_dates(con: BaseBackend) -> list[dt.date]:
    """Days whose pulls the model has not been rebuilt from yet: extract-log rows (stream,
    account, day, rows, pull time) missing from the copy the model keeps of the rows it was last
    built from (:data:`MODEL_INPUTS_TABLE`). After a gap longer than a source's re-pull window,
    or a run that stopped between the pulls and the model, these reach back as far as the raw
    layer changed. Without the copy (a warehouse built before it existed), every day pulled."""
    tables = con.list_tables()
    if EXTRACTS_TABLE not in tables:
        return []
    current = input_logs(con)
    if MODEL_INPUTS_TABLE in tables:
        current = current.difference(model_inputs(con.table(MODEL_INPUTS_TABLE)))
    days = con.execute(current.select("date").distinct().order_by("date"))["date"]
    return [as_date(d) for d in days]


def unconsumed_dates(con: BaseBackend, copy: str) -> list[dt.date] | None:
    """Days the model was rebuilt from other pulls (or dropped) since a consumer of the model
    took ``copy``, its copy of :data:`MODEL_INPUTS_TABLE`: rows in either one and not in the
    other, however many nights ago the consumer last ran. None without both tables (the
    consumer then rebuilds whole)."""
    tables = con.list_tables()
    if MODEL_INPUTS_TABLE not in tables or copy not in tables:
        return None
    now, seen = con.table(MODEL_INPUTS_TABLE), con.table(copy)
    changed = now.difference(seen).union(seen.difference(now))
    days = con.execute(changed.select("date").distinct().order_by("date"))["date"]
    return [as_date(d) for d in days]


def rebuild_windows(base: Window, changed: Sequence[dt.date]) -> list[Window]:
    """``base`` and the runs of ``changed`` days, merged where they overlap or touch.

    >>> d = dt.date
    >>> rebuild_windows(Window(d(2026, 3, 8), d(2026, 3, 10)),
    ...                 [d(2026, 1, 2), d(2026, 1, 3), d(2026, 3, 5), d(2026, 3, 7)])
    [Window(start=datetime.date(2026, 1, 2), end=datetime.date(2026, 1, 3)), \
Window(start=datetime.date(2026, 3, 5), end=datetime.date(2026, 3, 5)), \
Window(start=datetime.date(2026, 3, 7), end=datetime.date(2026, 3, 10))]
    """
    one_day = dt.timedelta(days=1)
    spans = sorted([(base.start, base.end), *((d, d) for d in changed)])
    merged: list[list[dt.date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + one_day:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Window(start, end) for start, end in merged]


def pulled_by_every_stream(con: BaseBackend, start: dt.date, end: dt.date) -> list[dt.date]:
    """Days in [start, end] that every stream in the extract log has pulled (for some account),
    whether or not rows came back: a day they all found empty is empty, not missing."""
    if EXTRACTS_TABLE not in con.list_tables():
        return []
    log = modelled(con.table(EXTRACTS_TABLE))
    streams = con.execute(log.select("stream").distinct().count())
    dated = log.filter(log.date.between(start, end))
    per_day = dated.group_by("date").aggregate(streams=dated.stream.nunique())
    days = con.execute(per_day.filter(per_day.streams == streams).select("date"))["date"]
    return sorted(as_date(d) for d in days)
