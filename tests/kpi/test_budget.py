"""The budget plan file (validation, clear errors) and pacing worked out by hand."""

from __future__ import annotations

import datetime as dt
import doctest

import pandas as pd
import pytest

from kpi.budget import pacing
from kpi.budget import plan as budget_plan
from kpi.budget.pacing import pace, pace_line, pacing_frame, status_of
from kpi.budget.plan import PlanError, load_costs, load_plan, parse_costs, parse_plan, plan_frame

NOV = [dt.date(2026, 11, d) for d in range(1, 31)]  # 1 November 2026 is a Sunday
HEADER = ("period_start,period_end,month,level,name,media_budget,production_costs,agency_fees,"
          "currency")


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def spend_frame(costs: dict[dt.date, float], channel: str = "Paid Search",
                campaign: str = "gads:1") -> pd.DataFrame:
    return pd.DataFrame({"date": list(costs), "channel": channel, "campaign_key": campaign,
                         "cost": list(costs.values())})


def account_line(budget: float, **change) -> budget_plan.PlanLine:
    row = {"month": "2026-11", "level": "account", "media_budget": budget, "currency": "EUR",
           **change}
    return parse_plan([row])[0]


def test_docstring_examples_run() -> None:
    for module in (budget_plan, pacing):
        assert doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0


# --- the plan file ----------------------------------------------------------------------------

GOOD_CSV = f"""{HEADER}
,,2026-11,account,,20000,1500,2000,EUR
2026-11-01,2026-11-15,,channel,Paid Search,6000,,,EUR
2026-11-16,2026-11-30,,channel,Paid Search,7000,,,EUR
,,2026-11,campaign,gads:2087345005,4500,,300,EUR
"""


def test_a_csv_plan_reads_into_frozen_lines_and_a_tidy_frame(tmp_path) -> None:
    lines = load_plan(write(tmp_path, "budget.csv", GOOD_CSV))
    assert [(line.row, line.level, line.name, line.days) for line in lines] == [
        (2, "account", "", 30), (3, "channel", "Paid Search", 15),
        (4, "channel", "Paid Search", 15), (5, "campaign", "gads:2087345005", 30)]
    assert lines[0].total_budget == 23500.0
    assert lines[3].period_start == dt.date(2026, 11, 1)
    assert lines[3].period_end == dt.date(2026, 11, 30)
    with pytest.raises(AttributeError):
        lines[0].media_budget = 1  # type: ignore[misc]
    frame = plan_frame(lines)
    assert list(frame["total_budget"]) == [23500.0, 6000.0, 7000.0, 4800.0]
    assert frame["days"].sum() == 90


def test_a_yaml_plan_gives_the_same_lines(tmp_path) -> None:
    text = """
lines:
  - {month: 2026-11, level: account, media_budget: 20000, production_costs: 1500,
     agency_fees: 2000, currency: EUR}
  - {period_start: 2026-11-01, period_end: 2026-11-15, level: channel, name: Paid Search,
     media_budget: 6000, currency: EUR}
"""
    lines = load_plan(write(tmp_path, "budget.yaml", text))
    assert [line.row for line in lines] == [1, 2]
    csv_lines = load_plan(write(tmp_path, "budget.csv", GOOD_CSV))
    strip = [dict(vars(line), row=0) for line in lines]
    assert strip == [dict(vars(line), row=0) for line in csv_lines[:2]]


@pytest.mark.parametrize(("row", "message"), [
    (",,2026-11,account,,-5,,,EUR", "budget.csv row 4, media_budget: must be ≥ 0, got -5"),
    (",,2026-11,account,,abc,,,EUR",
     "budget.csv row 4, media_budget: must be a number such as 1250.50, got 'abc'"),
    ("2026-13-01,2026-11-30,,account,,5,,,EUR",
     "budget.csv row 4, period_start: must be a date such as 2026-11-01, got '2026-13-01'"),
    ("2026-11-30,2026-11-01,,account,,5,,,EUR",
     "budget.csv row 4, period_end: must be on or after period_start (2026-11-30), "
     "got 2026-11-01"),
    ("2026-11-01,2026-11-30,2026-11,account,,5,,,EUR",
     "budget.csv row 4, month: give either month or period_start and period_end, not both"),
    (",,11/2026,account,,5,,,EUR",
     "budget.csv row 4, month: must be a month such as 2026-11, got '11/2026'"),
    (",,2026-11,ad_group,x,5,,,EUR",
     "budget.csv row 4, level: must be one of account, channel, campaign, got 'ad_group'"),
    (",,2026-11,account,,5,,,", "budget.csv row 4, currency: required"),
    (",,2026-11,account,,5,,,euro",
     "budget.csv row 4, currency: must be an ISO 4217 currency code such as EUR, got 'euro'"),
    (",,2026-11,channel,,5,,,EUR", "budget.csv row 4, name: required for level channel"),
    (",,2026-11,campaign,Search – Merk,5,,,EUR",
     "budget.csv row 4, name: must be a campaign key such as gads:2087345005, "
     "got 'Search – Merk'"),
    (",,2026-11,account,,,,,EUR", "budget.csv row 4, media_budget: required"),
])
def test_a_bad_row_is_named_by_file_row_and_field(tmp_path, row, message) -> None:
    ok = ",,2026-10,account,,5,,,EUR\n,,2026-09,account,,5,,,EUR"
    path = write(tmp_path, "budget.csv", f"{HEADER}\n{ok}\n{row}\n")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert str(info.value) == message


def test_every_bad_row_is_reported_at_once(tmp_path) -> None:
    path = write(tmp_path, "budget.csv",
                 f"{HEADER}\n,,2026-11,account,,-1,,,EUR\n,,2026-12,account,,5,-2,,EUR\n")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert str(info.value) == ("budget.csv row 2, media_budget: must be ≥ 0, got -1; "
                               "budget.csv row 3, production_costs: must be ≥ 0, got -2")


def test_overlapping_periods_of_one_scope_are_an_error(tmp_path) -> None:
    text = (f"{HEADER}\n,,2026-11,campaign,gads:2087345005,4500,,,EUR\n"
            ",,2026-11,campaign,gads:2087345011,900,,,EUR\n"
            "2026-11-15,2026-12-15,,campaign,gads:2087345005,3000,,,EUR\n"
            ",,2026-10,campaign,gads:2087345005,4000,,,EUR\n")  # adjacent: fine
    with pytest.raises(PlanError) as info:
        load_plan(write(tmp_path, "budget.csv", text))
    assert str(info.value) == (
        "budget.csv rows 2 and 4: overlapping periods for campaign gads:2087345005 "
        "(2026-11-01 to 2026-11-30 and 2026-11-15 to 2026-12-15)")


def test_a_period_inside_a_long_one_overlaps_even_when_not_adjacent_in_order() -> None:
    rows = [{"period_start": "2026-01-01", "period_end": "2026-12-31", "level": "account",
             "media_budget": 1, "currency": "EUR"},
            {"month": "2026-03", "level": "account", "media_budget": 1, "currency": "EUR"},
            {"month": "2026-06", "level": "account", "media_budget": 1, "currency": "EUR"}]
    with pytest.raises(PlanError) as info:
        parse_plan(rows, "plan.yaml")
    assert "plan.yaml rows 1 and 2" in str(info.value)
    assert "plan.yaml rows 1 and 3" in str(info.value)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("budget.csv", "month,level,budget,currency\n2026-11,account,5,EUR\n",
     "budget.csv row 1: unknown column(s) budget (known: "),
    ("budget.csv", f"{HEADER}\n,,2026-11,account,,5,,,EUR,extra\n",
     "budget.csv row 2: more cells than the header has columns (9)"),
    ("budget.csv", "", "budget.csv: empty file"),
    ("budget.xlsx", "x", "budget.xlsx: unsupported file type .xlsx"),
    ("budget.yaml", "month: [", "budget.yaml (line 1): not valid YAML"),
    ("budget.yaml", "month: 2026-11", "budget.yaml: expected a list of rows"),
    ("budget.yaml", "- {month: 2026-11, level: account, media_budget: 5, currency: EUR}\n"
                    "- {month: 2026-12, level: account, media_budget: 5, currency: EUR, x: 1}\n",
     "budget.yaml row 2, x: unknown column"),
    ("budget.yaml", "- just text\n", "budget.yaml row 1: expected a mapping of fields, got str"),
])
def test_bad_files_name_the_file(tmp_path, name, text, message) -> None:
    with pytest.raises(PlanError) as info:
        load_plan(write(tmp_path, name, text))
    assert str(info.value).startswith(message)


def test_a_missing_file_is_a_plan_error(tmp_path) -> None:
    with pytest.raises(PlanError, match=r"nope\.csv: cannot read the file"):
        load_plan(tmp_path / "nope.csv")


def test_the_costs_file_parses_the_same_way(tmp_path) -> None:
    text = ("date,level,name,kind,amount,currency\n"
            "2026-11-05,account,,production,200,EUR\n"
            "2026-11-20,channel,Display,agency,150.5,EUR\n")
    lines = load_costs(write(tmp_path, "costs.csv", text))
    assert [(c.row, c.kind, c.amount, c.name) for c in lines] == [
        (2, "production", 200.0, ""), (3, "agency", 150.5, "Display")]
    bad = text + "2026-11-21,account,,media,5,EUR\n"
    with pytest.raises(PlanError) as info:
        load_costs(write(tmp_path, "costs.csv", bad))
    assert str(info.value) == ("costs.csv row 4, kind: must be one of production, agency, "
                               "got 'media'")


# --- pacing -----------------------------------------------------------------------------------

def test_flat_pacing_by_hand() -> None:
    # 3000 over 30 days = 100 a day; 90 a day spent for 10 days.
    p = pace_line(account_line(3000), spend_frame({d: 90.0 for d in NOV[:10]}), NOV[9])
    assert (p.days_in_period, p.days_elapsed) == (30, 10)
    assert p.spend_to_date == pytest.approx(900.0)
    assert p.expected_to_date == pytest.approx(1000.0)
    assert p.pacing == pytest.approx(0.9)
    assert (p.status, p.direction) == ("watch", "under")
    assert p.run_rate == pytest.approx(0.9)  # last 7 days: 630 of 700 planned
    assert p.projected_spend == pytest.approx(2700.0)  # 900 + 20 × 100 × 0.9
    assert p.projected_pacing == pytest.approx(0.9)


def test_the_projection_follows_the_recent_run_rate() -> None:
    # 100 a day planned; 100 a day on 1-3 November, then 50 a day on 4-10 November.
    costs = {d: (100.0 if d.day <= 3 else 50.0) for d in NOV[:10]}
    p = pace_line(account_line(3000), spend_frame(costs), NOV[9])
    assert p.spend_to_date == pytest.approx(650.0)
    assert p.pacing == pytest.approx(0.65)
    assert (p.status, p.direction) == ("investigate", "under")
    assert p.run_rate == pytest.approx(0.5)  # 350 of 700 over the last 7 days
    assert p.projected_spend == pytest.approx(650 + 2000 * 0.5)  # 1650, not 650/10×30 = 1950
    whole = pace_line(account_line(3000), spend_frame(costs), NOV[9], recent_days=30)
    assert whole.projected_spend == pytest.approx(650 / 10 * 30)  # the textbook projection


def test_weekday_weights_by_hand() -> None:
    # November 2026: 21 weekdays, 9 weekend days; weekend weight 0.5 -> Σw = 25.5.
    weights = [1, 1, 1, 1, 1, 0.5, 0.5]
    line = account_line(2550)
    profile = pacing.daily_profile(line, weights)
    assert profile.sum() == pytest.approx(2550.0)
    assert profile[dt.date(2026, 11, 2)] == pytest.approx(100.0)  # Monday
    assert profile[dt.date(2026, 11, 1)] == pytest.approx(50.0)  # Sunday
    # 1-10 November: weekend days 1, 7, 8 (3 × 50) + 7 weekdays (7 × 100) = 850.
    costs = {d: float(profile[d]) for d in NOV[:10]}
    p = pace_line(line, spend_frame(costs), NOV[9], weekday_weights=weights)
    assert p.expected_to_date == pytest.approx(850.0)
    assert p.pacing == pytest.approx(1.0)
    assert p.status == "on_track"
    assert p.projected_spend == pytest.approx(2550.0)
    flat = pace_line(line, spend_frame(costs), NOV[9])
    assert flat.expected_to_date == pytest.approx(850.0)  # 2550 / 30 × 10, by coincidence
    with pytest.raises(ValueError, match="7 weights"):
        pacing.daily_profile(line, [1, 1])


@pytest.mark.parametrize(("value", "expected"), [
    (None, ("not_started", None)), (0.95, ("on_track", None)), (1.0, ("on_track", None)),
    (1.05, ("on_track", None)), (0.94, ("watch", "under")), (0.85, ("watch", "under")),
    (1.15, ("watch", "over")), (0.8499, ("investigate", "under")),
    (1.1501, ("investigate", "over")), (float("inf"), ("investigate", "over")),
])
def test_status_bands_follow_the_notes(value, expected) -> None:
    assert status_of(value) == expected


def test_lines_pick_their_own_spend() -> None:
    frame = pd.concat([
        spend_frame({d: 40.0 for d in NOV[:5]}, "Paid Search", "gads:1"),
        spend_frame({d: 60.0 for d in NOV[:5]}, "Paid Search", "gads:2"),
        spend_frame({d: 10.0 for d in NOV[:5]}, "Display", "gads:3"),
        spend_frame({dt.date(2026, 10, 31): 999.0}, "Display", "gads:3"),  # before the period
    ])
    plan = parse_plan([
        {"month": "2026-11", "level": "account", "media_budget": 3300, "currency": "EUR"},
        {"month": "2026-11", "level": "channel", "name": "Paid Search", "media_budget": 3000,
         "currency": "EUR"},
        {"month": "2026-11", "level": "campaign", "name": "gads:3", "media_budget": 300,
         "currency": "EUR"},
    ])
    rows = pace(plan, frame, NOV[4])
    assert [r.spend_to_date for r in rows] == pytest.approx([550.0, 500.0, 50.0])
    assert [r.pacing for r in rows] == pytest.approx([1.0, 1.0, 1.0])
    table = pacing_frame(rows)
    assert list(table["name"]) == ["", "Paid Search", "gads:3"]
    assert list(table["status"]) == ["on_track"] * 3
    assert {"projected_pacing", "total_budget", "plan_currency", "currency"} <= set(table)


def test_before_and_after_the_period() -> None:
    line = account_line(3000)
    early = pace_line(line, spend_frame({}), dt.date(2026, 10, 20))
    assert (early.days_elapsed, early.expected_to_date, early.pacing) == (0, 0.0, None)
    assert early.status == "not_started"
    assert early.projected_spend == pytest.approx(3000.0)  # nothing to go on: the plan
    late = pace_line(line, spend_frame({d: 110.0 for d in NOV}), dt.date(2026, 12, 5))
    assert late.days_elapsed == 30
    assert late.expected_to_date == pytest.approx(3000.0)
    assert late.projected_spend == pytest.approx(3300.0)  # done: what was spent
    assert (late.status, late.direction) == ("watch", "over")


def test_spending_exactly_to_plan_is_always_on_track() -> None:
    line = account_line(2550)
    weights = [1, 1, 1, 1, 1, 0.5, 0.5]
    profile = pacing.daily_profile(line, weights)
    frame = spend_frame({d: float(profile[d]) for d in NOV})
    for as_of in NOV:
        p = pace_line(line, frame, as_of, weekday_weights=weights)
        assert p.pacing == pytest.approx(1.0)
        assert p.projected_spend == pytest.approx(2550.0)


def test_total_cost_adds_production_and_agency_fees() -> None:
    line = account_line(3000, production_costs=500, agency_fees=300)
    costs = parse_costs([
        {"date": "2026-11-05", "level": "account", "kind": "production", "amount": 200,
         "currency": "EUR"},
        {"date": "2026-11-20", "level": "account", "kind": "production", "amount": 450,
         "currency": "EUR"},
        {"date": "2026-11-30", "level": "account", "kind": "agency", "amount": 300,
         "currency": "EUR"},
        {"date": "2026-11-06", "level": "channel", "name": "Display", "kind": "agency",
         "amount": 999, "currency": "EUR"},  # another scope
    ])
    p = pace_line(line, spend_frame({d: 100.0 for d in NOV[:10]}), NOV[9], costs=costs)
    assert p.other_costs_to_date == pytest.approx(200.0)
    assert p.total_cost_to_date == pytest.approx(1200.0)
    assert p.total_budget == pytest.approx(3800.0)
    # projected media 3000 + production max(500, 650 booked) + agency max(300, 300)
    assert p.projected_total_cost == pytest.approx(3950.0)


def test_a_plan_in_another_currency_is_converted_explicitly() -> None:
    line = account_line(1000, currency="USD")
    p = pace_line(line, spend_frame({d: 30.0 for d in NOV[:10]}), NOV[9],
                  fx_rates={"USD": 0.9})
    assert p.media_budget == pytest.approx(900.0)
    assert p.pacing == pytest.approx(300 / 300)
    with pytest.raises(ValueError, match="plan row 1: no exchange rate from USD to EUR"):
        pace_line(line, spend_frame({}), NOV[9])
