"""Daily partitions in the reporting time zone, and the date windows a run pulls."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from pipelines.config import Config
from pipelines.sources.base import Window


def last_day(config: Config) -> dt.date | None:
    """The last day of data when it is fixed (a demo with ``demo.end``, whatever today is);
    None when it is yesterday, moving with the clock."""
    sources = config.sources
    demo = sources.google_ads.kind == "demo" and sources.ga4.kind == "demo"
    return config.demo.end if demo else None


def daily_partitions(config: Config) -> dg.DailyPartitionsDefinition:
    """One partition per day since ``history_start``; the last one is yesterday, or the demo's
    configured last day (before or after today)."""
    last = last_day(config)
    return dg.DailyPartitionsDefinition(
        start_date=config.history_start.isoformat(),
        end_date=None if last is None else (last + dt.timedelta(days=1)).isoformat(),
        timezone=config.reporting.time_zone,
        end_offset=ahead(last),
    )


def ahead(last: dt.date | None, days_per_partition: int = 1) -> int:
    """How many partitions past the clock's own last one a fixed last day needs (``end_date``
    caps them; Dagster stops at today without this)."""
    if last is None:
        return 0
    return max(0, -(-(last - dt.date.today()).days // days_per_partition) + 2)


def partition_dates(context: dg.AssetExecutionContext) -> Window:
    """The dates of the partitions this run materialises (one, or a backfilled range)."""
    time_window = context.partition_time_window
    return Window(time_window.start.date(), (time_window.end - dt.timedelta(days=1)).date())


def pull_window(dates: Window, lookback_days: int, history_start: dt.date,
                last_pulled: dt.date | None = None) -> Window:
    """The dates to (re-)pull: the run's dates plus the source's restatement window before them,
    reaching further back to the day after ``last_pulled`` when earlier runs left a gap (a quota
    or an outage stopped them): the next run resumes where the last good one ended.

    >>> pull_window(Window(dt.date(2026, 3, 10), dt.date(2026, 3, 10)), 3, dt.date(2026, 1, 1))
    Window(start=datetime.date(2026, 3, 8), end=datetime.date(2026, 3, 10))
    >>> pull_window(Window(dt.date(2026, 3, 10), dt.date(2026, 3, 10)), 3, dt.date(2026, 1, 1),
    ...             last_pulled=dt.date(2026, 3, 4))
    Window(start=datetime.date(2026, 3, 5), end=datetime.date(2026, 3, 10))
    """
    start = dates.start - dt.timedelta(days=lookback_days - 1)
    if last_pulled is not None and last_pulled + dt.timedelta(days=1) < start:
        start = last_pulled + dt.timedelta(days=1)
    return Window(max(history_start, start), dates.end)
