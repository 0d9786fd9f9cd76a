"""The days the recommendations read: the judging window and the response-curve window, both
ending on the last judged day (the newest days, still filling, are left out before this).

Campaigns are judged on their last ``judge_days`` days; response curves, the share of days at
budget and the account's average order value come from the last ``curve_days`` days. The
warehouse query reads the longer of the two and nothing older, so a night costs the same on a
one-year and on a ten-year history.

>>> window = RecommendationWindow(last=dt.date(2026, 11, 30), judge_days=56, curve_days=365)
>>> window.first, window.days
(datetime.date(2025, 12, 1), 365)
>>> RecommendationWindow(dt.date(2026, 11, 30), judge_days=56, curve_days=28).first
datetime.date(2026, 10, 6)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class RecommendationWindow:
    """``last`` is the last judged day; both windows end on it, inclusive."""

    last: dt.date
    judge_days: int
    curve_days: int

    def __post_init__(self) -> None:
        if self.judge_days < 1 or self.curve_days < 1:
            raise ValueError(f"windows must hold at least one day, got judge_days="
                             f"{self.judge_days}, curve_days={self.curve_days}")

    @property
    def days(self) -> int:
        """Days read: the longer window."""
        return max(self.judge_days, self.curve_days)

    @property
    def first(self) -> dt.date:
        """The first day read."""
        return self.last - dt.timedelta(days=self.days - 1)
