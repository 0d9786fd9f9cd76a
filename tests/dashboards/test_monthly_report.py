"""The monthly steering report's model and page on planted month rows: the month against
target, previous month and last year (present or said absent), the media plan, the budget with
all costs, the experiments concluded in the month, and the months on offer."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboards.monthly_model import build_view, months_with_data
from dashboards.monthly_report import MonthlyInputs, render_monthly
from dashboards.report_model import TABLE_KPIS
from kpi.language.format import format_change, format_value
from pipelines.months import CalendarMonth

NOV = CalendarMonth(2026, 11)


def euro(amount: float) -> str:
    return format_value(amount, "currency", "en")


def _row(month: CalendarMonth, metric: str, value: float, previous: float | None,
         target: float | None = None, *, level: str = "total", channel: str | None = None,
         complete: bool = True) -> dict:
    on = None if target is None else (value <= target if metric == "cpa" else value >= target)
    return {"grain": "month", "level": level, "period_start": month.start,
            "period_end": month.end, "complete": complete, "provisional": False,
            "series_key": f"{channel or ''}||", "channel": channel, "campaign_key": None,
            "campaign_name": None, "metric": metric, "value": value,
            "previous_value": previous, "target": target, "on_target": on,
            "change": None if not previous else value / previous - 1}


def _month(month: CalendarMonth, cost: float, conversions: float, previous: tuple[float, float],
           **kw) -> list[dict]:
    return [_row(month, "cost", cost, previous[0], **kw),
            _row(month, "conversions", conversions, previous[1], **kw),
            _row(month, "cpa", cost / conversions, previous[0] / previous[1], 40.0, **kw)]


def values(last_year: bool) -> pd.DataFrame:
    rows = _month(NOV, 12_000.0, 400.0, (10_000.0, 250.0))  # CPA 30 against a target of 40
    rows += _month(NOV, 12_000.0, 400.0, (10_000.0, 250.0), level="channel",
                   channel="Paid Search")
    rows += _month(CalendarMonth(2026, 12), 1_000.0, 20.0, (12_000.0, 400.0), complete=False)
    if last_year:
        rows += _month(NOV.a_year_earlier(), 8_000.0, 320.0, (7_000.0, 300.0))
    return pd.DataFrame(rows)


PACING = pd.DataFrame([{
    "level": "channel", "name": "Paid Search", "period_start": "2026-11-01",
    "period_end": "2026-11-30", "days_in_period": 30, "days_elapsed": 30,
    "media_budget": 15_000.0, "spend_to_date": 12_000.0, "other_costs_to_date": 2_500.0,
    "total_cost_to_date": 14_500.0, "projected_total_cost": 14_750.0,
    "total_budget": 18_000.0, "status": "investigate", "direction": "under"}])

EXPERIMENTS = pd.DataFrame([
    {"experiment_id": e, "experiment_name": name, "status": status, "end_date": end,
     "metric_id": "cr", "is_control": control, "days_elapsed": 28, "srm_mismatch": False,
     "sentence_en": f"{name} said", "sentence_nl": f"{name} gezegd",
     "sentence_fr": f"{name} dit"}
    for e, name, status, end in (("a", "Ended in November", "ended", "2026-11-18"),
                                 ("b", "Ended in October", "ended", "2026-10-30"),
                                 ("c", "Still running", "running", "2026-12-20"))
    for control in (True, False)])


def inputs(last_year: bool = True, **kw) -> MonthlyInputs:
    return MonthlyInputs(month=NOV, values=values(last_year), pacing=PACING,
                         experiments=EXPERIMENTS, history_start=dt.date(2025, 10, 6), **kw)


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_month_against_target_previous_month_and_last_year(lang) -> None:
    view = build_view(inputs(), lang)
    rows = dict(zip(TABLE_KPIS, view.kpis.rows, strict=True))
    conversions, cpa = rows["conversions"], rows["cpa"]
    assert conversions[1].text == format_value(400, "count", lang)
    assert conversions[3].text == format_value(250, "count", lang)
    assert conversions[3].pill.text == format_change(400 / 250 - 1, lang)
    assert conversions[4].text == format_value(320, "count", lang)  # November 2025
    assert conversions[4].pill.text == format_change(400 / 320 - 1, lang)
    assert cpa[2].text == format_value(40, "currency", lang)
    assert (cpa[2].pill.text, cpa[2].pill.tone) == (format_change(30 / 40 - 1, lang), "good")
    assert view.last_year_note == ""
    assert view.status == ""  # complete, not provisional, no nowcast


@pytest.mark.parametrize(("lang", "said"), [("en", "No figures for November 2025"),
                                            ("nl", "Geen cijfers voor november 2025"),
                                            ("fr", "Pas de chiffres pour novembre 2025")])
def test_no_last_year_month_is_said_plainly(lang, said) -> None:
    page = render_monthly(inputs(last_year=False), lang=lang)
    assert said in page
    assert build_view(inputs(last_year=True), lang).last_year_note == ""


def test_media_spend_against_the_plan_and_every_cost_in_the_budget() -> None:
    view = build_view(inputs(), "en")
    assert view.plan_notes[0] == (f"Media spend {euro(12_000)} against a plan of "
                                  f"{euro(15_000)} for the month (-20,0%).")
    (line,) = view.budget.table.rows
    assert [c.text for c in line[:6]] == ["Paid Search", *map(euro, (18_000, 12_000, 2_500,
                                                                      14_500, 14_750))]
    (channel,) = view.channels.rows
    assert channel[2].text == euro(15_000)  # the channel's media plan for the month


def test_a_quarterly_plan_line_is_held_to_its_share_of_the_month() -> None:
    quarter = PACING.assign(period_start="2026-10-01", period_end="2026-12-31",
                            media_budget=46_000.0, days_in_period=92)
    view = build_view(MonthlyInputs(month=NOV, values=values(True), pacing=quarter), "en")
    assert view.channels.rows[0][2].text == euro(15_000)  # 46,000 × 30 / 92


def test_only_the_experiments_that_ended_in_the_month() -> None:
    view = build_view(inputs(), "en")
    assert [e.name for e in view.experiments] == ["Ended in November"]


def test_a_month_still_running_or_outside_the_history_names_the_months() -> None:
    assert [m.label for m in months_with_data(values(True))] == ["2025-11", "2026-11"]
    for month in (CalendarMonth(2026, 12), CalendarMonth(2024, 1)):
        with pytest.raises(ValueError, match=f"no complete data for {month.label}: complete "
                                             "months are 2025-11 to 2026-11"):
            build_view(MonthlyInputs(month=month, values=values(True)), "en")


@pytest.mark.parametrize(("text", "said"), [
    ("2026-13", "month must look like 2026-11 (year-month, month 01 to 12), got '2026-13'"),
    ("nov", "month must look like 2026-11 (year-month), got 'nov'"),
    ("2026-W47", "month must look like 2026-11 (year-month), got '2026-W47'")])
def test_a_bad_month_says_the_expected_form(text, said) -> None:
    with pytest.raises(ValueError) as caught:
        CalendarMonth.parse(text)
    assert str(caught.value) == said


def test_user_strings_are_escaped_and_goals_without_a_table_say_so() -> None:
    page = render_monthly(inputs(account="<b>Acme</b>"), lang="en")
    assert "&lt;b&gt;Acme&lt;/b&gt;" in page and "<b>Acme</b>" not in page
    assert "Goals and risks" in page and "No goals set" in page  # no goal_progress yet
