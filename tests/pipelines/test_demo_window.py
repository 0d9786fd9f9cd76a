"""A demo pull simulates only its window, and returns exactly what a whole-history pull returns
for those dates: every stream's rows and the revision history, for any seed, size, history start,
end (restatement as_of) and window, inside, across or outside the history."""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.sources.base import Window
from pipelines.sources.demo import DemoSettings, DemoSource
from pipelines.sources.demo import source as demo_source
from pipelines.sources.demo.simulate import Truth, simulate
from pipelines.sources.streams import STREAMS

NAMES = ("ads_campaign_daily", "ads_ad_group_daily", "ads_conversion_action_daily",
         "ga4_sessions_daily", "ga4_key_events_daily")
# Histories long enough to cross the catalogue's day offsets (budget change 90, launch 120,
# rename 200, pause 240), a year end, Christmas and Black Friday, and short ones.
HISTORIES = ((dt.date(2025, 9, 1), 300), (dt.date(2025, 11, 20), 60), (dt.date(2024, 2, 28), 15))
TRUTH_FIELDS = ("days", "offsets", "budget_micros", "cost_micros", "clicks", "impressions",
                "conversions", "aov_cents", "ga4_sessions", "ga4_engaged", "ga4_events",
                "ga4_value_cents")


@cache
def whole(start: dt.date, days: int, seed: int, extra: int, cut: int) -> dict[str, tuple]:
    """Every stream pulled over the whole history (ending ``cut`` days early), once."""
    end = start + dt.timedelta(days=days - 1 - cut)
    src = DemoSource(DemoSettings(start, end, seed=seed, extra_campaigns=extra))
    out = {}
    for name in NAMES:
        extract = src.pull(STREAMS[name], Window(start, end))
        out[name] = (extract.frame, extract.history)
    return out


@cache
def whole_truth(start: dt.date, days: int, seed: int, extra: int) -> Truth:
    return simulate(start, start + dt.timedelta(days=days - 1), seed, extra_campaigns=extra)


def in_window(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    keep = (frame["date"] >= window.start) & (frame["date"] <= window.end)
    return frame[keep].reset_index(drop=True)


# (history start, days, seed, extra campaigns, days cut from the end: another as_of)
ACCOUNTS = ((dt.date(2025, 9, 1), 300, 7, 0, 0), (dt.date(2025, 9, 1), 300, 11, 2, 40),
            (dt.date(2025, 11, 20), 60, 7, 1, 3), (dt.date(2024, 2, 28), 15, 3, 0, 0))


@settings(max_examples=20, deadline=None)
@given(account=st.sampled_from(ACCOUNTS), data=st.data())
def test_a_window_pull_equals_the_whole_history_pull_on_its_dates(
    account: tuple[dt.date, int, int, int, int], data: st.DataObject
) -> None:
    start, days, seed, extra, cut = account
    end = start + dt.timedelta(days=days - 1 - cut)
    first = data.draw(st.dates(start - dt.timedelta(days=10), end + dt.timedelta(days=5)))
    window = Window(first, first + dt.timedelta(days=data.draw(st.integers(0, 45))))
    src = DemoSource(DemoSettings(start, end, seed=seed, extra_campaigns=extra))
    reference = whole(start, days, seed, extra, cut)
    for name in NAMES:
        got = src.pull(STREAMS[name], window)
        frame, history_rows = reference[name]
        pd.testing.assert_frame_equal(got.frame, in_window(frame, window), check_exact=True)
        assert (got.history is None) == (history_rows is None)
        if history_rows is not None:
            expected = in_window(history_rows, window)
            if len(expected) or len(got.history):  # an empty history carries no types
                pd.testing.assert_frame_equal(got.history, expected, check_exact=True)


@pytest.mark.parametrize(("start", "days"), HISTORIES)
@pytest.mark.parametrize(("lo", "hi"), [(0, 0), (0, 6), (85, 125), (195, 245), (-1, -1)])
def test_a_range_of_days_simulates_like_the_same_days_of_the_history(
    start: dt.date, days: int, lo: int, hi: int
) -> None:
    lo, hi = (days - 1, days - 1) if lo < 0 else (min(lo, days - 1), min(hi, days - 1))
    full = whole_truth(start, days, 7, 1)
    part = simulate(start + dt.timedelta(days=lo), start + dt.timedelta(days=hi), 7,
                    extra_campaigns=1, origin=start)
    for field in TRUTH_FIELDS:
        assert np.array_equal(getattr(full, field)[lo:hi + 1], getattr(part, field)), field
    assert part.newsletter == full.newsletter[lo:hi + 1]
    assert part.start == start + dt.timedelta(days=lo)


def test_a_range_cannot_start_before_its_history() -> None:
    with pytest.raises(ValueError, match="before the history"):
        simulate(dt.date(2026, 1, 1), dt.date(2026, 1, 5), origin=dt.date(2026, 1, 2))


def test_a_pull_simulates_its_window_not_the_history(monkeypatch: pytest.MonkeyPatch) -> None:
    simulated: list[int] = []

    def counting(first: dt.date, last: dt.date, *args: object, **kw: object) -> Truth:
        simulated.append((last - first).days + 1)
        return simulate(first, last, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(demo_source, "simulate", counting)
    src = DemoSource(DemoSettings(dt.date(2023, 12, 1), dt.date(2026, 11, 30)))
    window = Window(dt.date(2026, 10, 31), dt.date(2026, 11, 30))
    for name in NAMES[:3]:  # one platform's streams share one simulation
        src.pull(STREAMS[name], window)
    src.pull(STREAMS["ga4_sessions_daily"], Window(dt.date(2026, 11, 28), dt.date(2026, 12, 2)))
    src.pull(STREAMS["ga4_sessions_daily"], Window(dt.date(2027, 1, 1), dt.date(2027, 1, 9)))
    assert simulated == [31, 3, 1]  # a window past the end simulates one day, keeps no rows


def test_kept_ranges_are_bounded() -> None:
    src = DemoSource(DemoSettings(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
    for i in range(10):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=i)
        src.pull(STREAMS["ads_campaign_daily"], Window(day, day))
    assert len(src._ranges) == DemoSource.KEPT_RANGES
