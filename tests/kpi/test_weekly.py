"""The weekly report's numbers: ISO weeks, comparisons and findings."""

from __future__ import annotations

import datetime as dt
import doctest

import numpy as np
import pandas as pd
import pytest

import kpi.weekly
from kpi.weekly import IsoWeek, findings, kpi_lines, require_week, weeks_with_data
from tests.dashboards.conftest import build_kpi_values

FIRST, LAST = dt.date(2025, 6, 2), dt.date(2026, 11, 25)
W47 = IsoWeek.parse("2026-W47")


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    """Weekly total and channel rows over 18 months (so last year's week exists)."""
    return build_kpi_values(("Search", "Shopping", "Display"), first_day=FIRST, last_day=LAST)


def test_doctests() -> None:
    assert doctest.testmod(kpi.weekly).failed == 0


@pytest.mark.parametrize(("text", "start"), [("2026-W47", dt.date(2026, 11, 16)),
                                             ("2026w47", dt.date(2026, 11, 16)),
                                             ("2026-W53", dt.date(2026, 12, 28)),
                                             ("2026-W01", dt.date(2025, 12, 29))])
def test_parse_gives_the_iso_monday(text: str, start: dt.date) -> None:
    week = IsoWeek.parse(text)
    assert week.start == start and week.end == start + dt.timedelta(days=6)
    assert week.start.weekday() == 0 and IsoWeek.of(week.end) == week


@pytest.mark.parametrize(("text", "message"), [
    ("2026-47", "week must look like 2026-W47, got '2026-47'"),
    ("W47", "week must look like 2026-W47"),
    ("2025-W53", "2025 has no ISO week 53"),
    ("2026-W00", "2026 has no ISO week 0"),
])
def test_parse_rejects_bad_weeks_clearly(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        IsoWeek.parse(text)


def test_neighbours() -> None:
    assert IsoWeek.parse("2026-W01").previous().label == "2025-W52"
    assert W47.a_year_earlier() == IsoWeek(2025, 47)
    assert IsoWeek(2026, 53).a_year_earlier() is None  # 2025 had 52 weeks


def test_lines_compare_with_the_stored_rows(values: pd.DataFrame) -> None:
    totals = values[values["level"] == "total"]

    def stored(week: IsoWeek, metric: str) -> float:
        row = totals[(totals["period_start"] == week.start) & (totals["metric"] == metric)]
        return float(row["value"].iloc[0])

    lines = {line.metric: line for line in kpi_lines(values, W47)}
    for metric in ("cost", "conversions", "cpa", "roas"):
        line = lines[metric]
        now, before = stored(W47, metric), stored(W47.previous(), metric)
        last_year = stored(IsoWeek(2025, 47), metric)
        assert line.value == pytest.approx(now) and line.previous == pytest.approx(before)
        assert line.last_year == pytest.approx(last_year)
        assert line.change == pytest.approx(now / before - 1)
        assert line.change_last_year == pytest.approx(now / last_year - 1)
    cpa = lines["cpa"]
    assert cpa.target == 55.0 and cpa.vs_target == pytest.approx(cpa.value / 55 - 1)
    assert cpa.on_target is (cpa.value <= 55.0)
    assert lines["cost"].target is None and lines["cost"].on_target is None
    assert lines["cpa"].provisional  # W47 lies in the fixture's restatement window


def test_a_missing_comparison_is_none_not_zero(values: pd.DataFrame) -> None:
    first_full = weeks_with_data(values)[0]
    line = next(iter(kpi_lines(values, first_full, ("cost",))))
    assert line.value is not None and line.last_year is None and line.change_last_year is None


def test_only_complete_weeks_with_data_can_be_reported(values: pd.DataFrame) -> None:
    weeks = weeks_with_data(values)
    assert weeks[0] == IsoWeek(2025, 23) and weeks[-1] == W47  # W48 ends after LAST
    with pytest.raises(ValueError, match=r"no complete data for 2026-W48: complete weeks are "
                                         r"2025-W23 to 2026-W47"):
        require_week(values, IsoWeek(2026, 48))
    with pytest.raises(ValueError, match="complete weeks are none yet"):
        require_week(values.iloc[:0], W47)


def _campaign_rows(values: pd.DataFrame, week: IsoWeek, name: str, channel: str,
                   sums: dict[str, float], target: float) -> pd.DataFrame:
    """One campaign's week rows (cost, leads, purchases, conversions, cpl) next to ``values``."""
    base = values[(values["level"] == "channel") & (values["period_start"] == week.start)].iloc[0]
    rows = []
    for metric, value in sums.items():
        rows.append({**base.to_dict(), "level": "campaign", "channel": channel,
                     "campaign_key": name, "campaign_name": name, "series_key": name,
                     "metric": metric, "value": value, "target": np.nan,
                     "previous_value": np.nan, "on_target": None})
    cpl = sums["cost"] / sums["leads"]
    rows.append({**base.to_dict(), "level": "campaign", "channel": channel, "campaign_key": name,
                 "campaign_name": name, "series_key": name, "metric": "cpl", "value": cpl,
                 "target": target, "previous_value": np.nan, "on_target": cpl <= target})
    return pd.DataFrame(rows)


def test_findings_name_the_planted_facts(values: pd.DataFrame) -> None:
    week = W47
    frame = values.copy()
    channel = (frame["level"] == "channel") & (frame["channel"] == "Display") \
        & (frame["period_start"] == week.start) & (frame["metric"] == "conversions")
    before = float(frame.loc[channel, "value"].iloc[0])
    frame.loc[channel, "previous_value"] = before + 80  # Display lost 80 conversions
    total_cost = float(frame[(frame["level"] == "total") & (frame["metric"] == "cost")
                             & (frame["period_start"] == week.start)]["value"].iloc[0])
    bad = _campaign_rows(frame, week, "<img src=x onerror=alert(1)>", "Display",
                         {"cost": total_cost * 0.3, "leads": 4.0, "purchases": 0.0,
                          "conversions": 4.0}, target=40.0)
    good, lows = findings(pd.concat([frame, bad], ignore_index=True), week)
    mover = next(f for f in lows if f.kind == "mover")
    assert (mover.name, mover.level, mover.value, mover.reference) == (
        "Display", "channel", before, before + 80)
    planted = next(f for f in lows if f.kind == "campaign_target")
    assert planted.name == "<img src=x onerror=alert(1)>" and planted.metric == "cpl"
    assert planted.value == pytest.approx(total_cost * 0.3 / 4)
    for side in (good, lows):
        assert sum(f.level == "total" for f in side) <= 2
        subjects = [(f.level, f.metric if f.level == "total" else f.name) for f in side]
        assert len(subjects) == len(set(subjects))  # one finding per subject
    assert all(f.good for f in good) and not any(f.good for f in lows)


def test_a_shop_campaign_is_judged_on_roas_not_cpl(values: pd.DataFrame) -> None:
    frame = values.copy()
    total_cost = float(frame[(frame["level"] == "total") & (frame["metric"] == "cost")
                             & (frame["period_start"] == W47.start)]["value"].iloc[0])
    shop = _campaign_rows(frame, W47, "Shop", "Shopping",
                          {"cost": total_cost * 0.2, "leads": 1.0, "purchases": 50.0,
                           "conversions": 51.0}, target=40.0)
    _, lows = findings(pd.concat([frame, shop], ignore_index=True), W47)
    assert not any(f.name == "Shop" and f.metric == "cpl" for f in lows)  # CPL means nothing



def test_the_blended_lines_come_apart_from_the_judged_paid_ones(values: pd.DataFrame) -> None:
    from kpi.registry import BLENDED
    from kpi.weekly import BLENDED_METRICS, HEADLINE_METRICS

    assert set(BLENDED_METRICS) == set(BLENDED.values())
    assert not set(BLENDED_METRICS) & set(HEADLINE_METRICS)  # findings judge paid figures only
    lines = {line.metric: line for line in kpi_lines(values, W47, BLENDED_METRICS)}
    totals = values[(values["level"] == "total") & (values["period_start"] == W47.start)]
    stored = dict(zip(totals["metric"], totals["value"], strict=True))
    for metric in BLENDED_METRICS:
        assert lines[metric].value == pytest.approx(stored[metric]), metric
        assert lines[metric].target is None  # targets apply to the paid KPI
