"""When a campaign has ended, flights in the config, costs in full: the pure rules."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from pydantic import ValidationError

from kpi.budget.plan import CostLine
from kpi.review.campaign_end import find_subject, flight_subjects, quiet_campaigns
from kpi.review.campaign_facts import costs_in_full
from pipelines.config import Config
from pipelines.flights_config import Flight

END = dt.date(2026, 6, 30)


def _days(last_spend: dt.date) -> pd.DataFrame:
    dates = pd.date_range(last_spend - dt.timedelta(days=9), last_spend)
    return pd.DataFrame({"campaign_key": "gads:7", "campaign_name": "Zomeractie",
                         "channel": "Paid Search", "date": dates, "cost": 20.0})


@pytest.mark.parametrize("quiet, ended", [(13, False), (14, True), (40, True)])
def test_a_campaign_ends_after_fourteen_days_without_spend(quiet, ended) -> None:
    found = quiet_campaigns(_days(END - dt.timedelta(days=quiet)), END)
    assert bool(found) is ended
    if ended:
        assert found[0].end == END - dt.timedelta(days=quiet) and found[0].days == 10


def test_a_plan_line_after_the_last_spend_or_an_open_alert_keeps_it_running() -> None:
    days = _days(END - dt.timedelta(days=30))
    plan = pd.DataFrame({"level": ["campaign"], "name": ["gads:7"],
                         "period_start": [dt.date(2026, 6, 1)], "period_end": [END]})
    assert quiet_campaigns(days, END, plan=plan) == ()
    alerts = pd.DataFrame({"kind": ["stopped_spending"], "key": ["gads:7"], "status": ["open"]})
    assert quiet_campaigns(days, END, alerts=alerts) == ()
    closed = alerts.assign(status="closed")
    assert len(quiet_campaigns(days, END, alerts=closed)) == 1


def test_a_flight_ends_the_day_after_its_end_and_names_campaigns_by_key_or_name() -> None:
    days = _days(END)
    by_name = Flight(name="Zomer", campaigns=["Zomeractie"], start="2026-06-01", end=END)
    by_key = Flight(name="Zomer 2", campaigns=["gads:7", "gads:404"], start="2026-06-01",
                    end=END - dt.timedelta(days=1))
    first, second = flight_subjects((by_name, by_key), days, END)
    assert (first.ended, first.campaign_keys) == (False, ("gads:7",))
    assert (second.ended, second.campaign_keys) == (True, ("gads:7",))


def test_a_bad_flight_names_the_field_and_the_likely_value() -> None:
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"history_start": "2026-01-01", "flights": [
            {"name": "Zomer", "campaigns": ["gads:7"], "start": "2026-07-01",
             "end": "2026-06-01"}]})
    text = str(caught.value)
    assert "flights.0" in text and "end: 2026-06-01 is before start 2026-07-01" in text
    assert "did you mean end: 2026-07-01 or later" in text
    with pytest.raises(ValidationError, match="have the same name"):
        Config.model_validate({"history_start": "2026-01-01", "flights": [
            {"name": "Zomer!", "campaigns": ["a"], "start": "2026-06-01", "end": "2026-06-02"},
            {"name": "zomer", "campaigns": ["b"], "start": "2026-06-01", "end": "2026-06-02"}]})


def test_an_unknown_name_suggests_the_closest_ones() -> None:
    days = _days(END)
    assert find_subject("Zomer actie", days, (), END) == ["Zomeractie"]
    assert find_subject("gads:7", days, (), END).name == "Zomeractie"
    assert find_subject("qqqqqq", days, (), END) == []


def test_costs_in_full_add_own_lines_booked_costs_and_a_share_of_channel_fees() -> None:
    june = pd.date_range("2026-06-01", "2026-06-30")
    media = pd.concat([pd.DataFrame({"campaign_key": key, "channel": "Paid Search",
                                     "date": june.date, "cost": cost})
                       for key, cost in (("gads:7", 30.0), ("gads:8", 90.0))])
    plan = pd.DataFrame({"level": ["campaign", "channel", "channel"],
                         "name": ["gads:7", "Paid Search", "Display"],
                         "period_start": [dt.date(2026, 6, 1)] * 3,
                         "period_end": [dt.date(2026, 6, 30)] * 3,
                         "production_costs": [300.0, 0.0, 500.0],
                         "agency_fees": [60.0, 400.0, 500.0], "currency": "EUR"})
    booked = (CostLine(dt.date(2026, 6, 3), "campaign", "gads:7", "production", 250.0, "EUR"),
              CostLine(dt.date(2026, 7, 3), "campaign", "gads:7", "agency", 999.0, "EUR"))
    start, end = dt.date(2026, 6, 1), dt.date(2026, 6, 10)  # a third of June
    c = costs_in_full(["gads:7"], start, end, media, plan, booked)
    assert c.media == pytest.approx(300.0)
    assert c.production == pytest.approx(250.0)  # booked beats planned 300 / 3 = 100
    assert c.agency == pytest.approx(20.0)  # 60 / 3; July's booking is not in the days
    assert c.shared == pytest.approx(400.0 / 3 * 30 / 120)  # Display fees are not its channel
    assert c.in_full == pytest.approx(c.media + c.production + c.agency + c.shared)
    both = [costs_in_full([k], start, end, media, plan, ()).shared for k in ("gads:7", "gads:8")]
    assert sum(both) == pytest.approx(400.0 / 3)  # the channel's fees are shared out, not made up
    usd = plan.assign(currency="USD")
    assert costs_in_full(["gads:7"], start, end, media, usd, ()).notes
