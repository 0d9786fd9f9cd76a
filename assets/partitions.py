"""Daily partitions in the reporting time zone, and the date windows a run pulls."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from pipelines.config import Config
from pipelines.sources.base import Window


def daily_partitions(config: Config) -> dg.DailyPartitionsDefinition:
    """One partition per day since ``history_start``; the last one is yesterday."""
    return dg.DailyPartitionsDefinition(
        start_date=config.history_start.isoformat(),
        timezone=config.reporting.time_zone,
        end_offset=0,
    )


def partition_dates(context: dg.AssetExecutionContext) -> Window:
    """The dates of the partitions this run materialises (one, or a backfilled range)."""
    time_window = context.partition_time_window
    return Window(time_window.start.date(), (time_window.end - dt.timedelta(days=1)).date())


def pull_window(dates: Window, lookback_days: int, history_start: dt.date) -> Window:
    """The dates to (re-)pull: the run's dates plus the source's restatement window before them.

    >>> pull_window(Window(dt.date(2026, 3, 10), dt.date(2026, 3, 10)), 3, dt.date(2026, 1, 1))
    Window(start=datetime.date(2026, 3, 8), end=datetime.date(2026, 3, 10))
    """
    start = max(history_start, dates.start - dt.timedelta(days=lookback_days - 1))
    return Window(start, dates.end)
