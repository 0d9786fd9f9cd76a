"""What every source hands the warehouse: one stream's rows for one date window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from pipelines.sources.streams import Stream


@dataclass(frozen=True)
class Window:
    """An inclusive range of calendar dates in the source's own time zone.

    >>> Window(dt.date(2026, 1, 30), dt.date(2026, 2, 2)).days
    4
    """

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"window ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    def clip(self, start: dt.date, end: dt.date) -> Window | None:
        """The part of this window inside [start, end], or None when they do not overlap."""
        lo, hi = max(self.start, start), min(self.end, end)
        return Window(lo, hi) if lo <= hi else None

    @classmethod
    def ending(cls, end: dt.date, days: int) -> Window:
        """The ``days`` dates up to and including ``end``."""
        return cls(end - dt.timedelta(days=days - 1), end)


@dataclass(frozen=True)
class Extract:
    """One stream's rows for one window, as pulled, plus what the source said about them.

    ``metadata`` is shown to users (quality flags such as GA4 thresholding); it never holds
    credentials. ``scope`` is the account or property pulled: a write replaces the window for
    that scope only, so several accounts can share one table.
    """

    stream: Stream
    window: Window
    frame: pd.DataFrame
    extracted_at: dt.datetime
    metadata: Mapping[str, object] = field(default_factory=dict)
    scope: str = ""  # the account (customer ID) or property the rows belong to
    # Earlier nights' values of the revised measures (columns key, date, measure, value,
    # seen_on), for a source that can tell (the demo's backfill); real APIs cannot.
    history: pd.DataFrame | None = None


class Source(Protocol):
    """A source of raw streams (demo, GA4, Google Ads, ...)."""

    name: str

    def pull(self, stream: Stream, window: Window) -> Extract:
        """Rows of ``stream`` for every date in ``window``, as the source reports them now."""
        ...
