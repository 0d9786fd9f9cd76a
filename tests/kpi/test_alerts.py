"""Anomaly alerts on the demo: each planted anomaly raises its alert within a morning of its
first day (the target; most on the first possible morning), a clean history raises none, an open
anomaly is one row (opened, updated, closed; never re-sent), and the plants change nothing else.
The end dates are relative to today and to each other, so the calendar moves under the tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import cache

import numpy as np
import pytest

from kpi.alerts.demo import DemoHistory
from kpi.alerts.detect import Finding, Series, detect
from kpi.alerts.state import Alert, fold, open_since
from kpi.alerts.store import ALERTS_TABLE, nightly, read_alerts, write_alerts
from pipelines.sources.demo import DemoSettings, DemoSource
from pipelines.sources.demo.anomalies import plants
from pipelines.warehouse.store import connect

END = dt.date.today() - dt.timedelta(days=1)
ENDS = (END, END - dt.timedelta(days=123))
MORNINGS = 45


@cache
def run(end: dt.date, anomalies: bool, seed: int = 7) -> tuple[tuple[dt.date, Alert], ...]:
    """Every alert opened over the last MORNINGS mornings of a 9-month demo, with its morning."""
    history = DemoHistory(DemoSettings(end - dt.timedelta(days=270), end, seed=seed,
                                       anomalies=anomalies))
    kept: list[Alert] = []
    opened = []
    for i in range(MORNINGS, 0, -1):
        morning = end + dt.timedelta(days=2 - i)
        kept = fold(kept, detect(history.morning(morning), open_since(kept)), morning)
        opened += [(morning, a) for a in kept if a.new]
    return tuple(opened)


@pytest.mark.parametrize("end", ENDS)
def test_each_planted_anomaly_is_raised_within_a_morning(end: dt.date) -> None:
    opened = run(end, True)
    for p in plants(end, 7):
        hits = [m for m, a in opened if a.kind == p.kind and a.level == "campaign"
                and a.key == f"gads:{p.campaign_id}" and a.since >= p.first]
        assert hits, f"{p.kind} on {p.campaign_id} from {p.first} not raised"
        assert (hits[0] - p.first).days in (1, 2), (p, hits[0])
        assert len(hits) == 1  # opened once, however long it lasts


def test_the_example_history_raises_exactly_the_plants() -> None:
    opened = run(END, True)
    planted = {(p.kind, f"gads:{p.campaign_id}") for p in plants(END, 7)}
    assert {(a.kind, a.key) for _, a in opened} == planted


@pytest.mark.parametrize("end", ENDS)
def test_a_clean_history_raises_no_alert(end: dt.date) -> None:
    assert run(end, False) == ()


def test_a_stopped_campaign_stays_one_open_alert_with_its_first_day() -> None:
    history = DemoHistory(DemoSettings(END - dt.timedelta(days=270), END, anomalies=True))
    stop = next(p for p in plants(END, 7) if p.kind == "stopped_spending")
    kept: list[Alert] = []
    for i in range((END - stop.first).days + 2, 0, -1):
        morning = END + dt.timedelta(days=2 - i)
        kept = fold(kept, detect(history.morning(morning), open_since(kept)), morning)
    alert = next(a for a in kept if a.kind == "stopped_spending")
    assert (alert.status, alert.since, alert.last_day) == ("open", stop.first, END)
    assert alert.days == (END - stop.first).days + 1 and alert.observed == 0
    assert alert.lower > 0 and alert.expected > alert.lower  # how far outside: the interval


def test_fold_opens_updates_and_closes() -> None:
    day = np.datetime64("2026-03-01")
    f = Finding("broken_tag", "campaign", "gads:1", "a", "SEARCH", "conversions", day,
                0.0, 8.0, 2.0, 15.0)
    one = fold([], [f], dt.date(2026, 3, 2))
    two = fold(one, [dataclasses.replace(f, day=day + 1)], dt.date(2026, 3, 3))
    three = fold(two, [], dt.date(2026, 3, 4))
    assert [a.new for a in one] == [True] and [a.new for a in two] == [False]
    assert (two[0].since, two[0].last_day, two[0].days) == (
        dt.date(2026, 3, 1), dt.date(2026, 3, 2), 2)
    assert (three[0].status, three[0].closed_on) == ("closed", dt.date(2026, 3, 4))
    later = dataclasses.replace(f, day=day + 7)
    again = fold(three, [later], dt.date(2026, 3, 9))  # a new anomaly later: a new alert
    assert len(again) == 2 and again[1].new and again[1].alert_id != again[0].alert_id


def test_the_alerts_table_round_trips() -> None:
    con = connect(":memory:")
    f = Finding("spend_spike", "campaign", "gads:1", "google_ads", "Search", "cost",
                np.datetime64("2026-03-01"), 300.0, 100.0, 70.0, 140.0)
    alerts = fold(fold([], [f], dt.date(2026, 3, 2)), [], dt.date(2026, 3, 3))
    write_alerts(con, alerts)
    assert ALERTS_TABLE in con.list_tables()
    assert [dataclasses.replace(a, new=False) for a in read_alerts(con)] == alerts


def test_a_source_without_rows_and_a_new_campaign_not_judged_yet() -> None:
    days = np.arange(np.datetime64("2026-01-01"), np.datetime64("2026-03-01"))
    cost = np.full((len(days), 2), 100.0)
    cost[:-10, 1] = 0  # launched ten days ago: no history yet, not judged
    cost[-1, 1] = 400
    rows = {"gads": np.full(len(days), 20.0), "meta": np.full(len(days), 5.0)}
    rows["meta"][-1] = 0
    s = Series(days, ("gads:1", "gads:2"), ("g", "g"), ("Search", "Search"), {"cost": cost},
               rows=rows)
    found = {(f.kind, f.level, f.key) for f in detect(s)}
    assert ("no_rows", "source", "meta") in found
    assert not any(key == "gads:2" for _, _, key in found)  # ten days: no range yet
    assert ("spend_spike", "channel", "g|Search") in found  # the channel does see the jump


def test_the_plants_change_nothing_else() -> None:
    start, end = END - dt.timedelta(days=60), END
    clean = DemoSource(DemoSettings(start, end)).truth
    planted = DemoSource(DemoSettings(start, end, anomalies=True)).truth
    ids = [c.id for c in clean.campaigns]
    touched = {ids.index(p.campaign_id) for p in plants(end, 7)}
    other = ~np.isin(clean.unit_campaign, sorted(touched))
    assert (clean.cost_micros[:, other] == planted.cost_micros[:, other]).all()
    assert (clean.conversions[:, other] == planted.conversions[:, other]).all()
    assert (clean.meta.spend_cents == planted.meta.spend_cents).all()
    first = min(p.first for p in plants(end, 7))
    before = clean.days.astype(object) < first
    assert (clean.cost_micros[before] == planted.cost_micros[before]).all()
    assert (clean.ga4_events[before] == planted.ga4_events[before]).all()


def test_the_nightly_run_replays_a_backfill_and_keeps_one_row_per_anomaly() -> None:
    import pandas as pd

    last = END
    days = pd.date_range(last - dt.timedelta(days=119), last).date
    rng = np.random.default_rng(3)
    rows = []
    for key, level in (("gads:1", 200.0), ("gads:2", 80.0)):
        cost = level * np.exp(rng.normal(0, 0.08, len(days)))
        if key == "gads:1":
            cost[-6:] = 0  # paused six days ago
        for d, c in zip(days, cost, strict=True):
            rows.append({"date": d, "campaign_key": key, "ad_group_key": "-", "cost": c,
                         "clicks": c / 2, "platform_conversions": c / 40,
                         "ga4_conversions": c / 45})
    con = connect(":memory:")
    con.create_table("campaign_daily", pd.DataFrame(rows))
    con.create_table("dim_campaign", pd.DataFrame({
        "campaign_key": ["gads:1", "gads:2"], "platform": "google_ads",
        "channel": "Paid Search", "campaign_name": ["Een", "Twee"]}))
    morning = last + dt.timedelta(days=1)
    first = nightly(con, morning)
    assert [(a.kind, a.key, a.since, a.status, a.new) for a in first] == [
        ("stopped_spending", "gads:1", last - dt.timedelta(days=5), "open", True)]
    again = nightly(con, morning)  # the same morning again: nothing changes, nothing new
    assert again == [dataclasses.replace(a, new=False) for a in first]
    assert read_alerts(con)[0].days == 6
