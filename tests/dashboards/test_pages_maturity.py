"""Overview, trends and drill-down on the Monday after a week (issue 16's W47): how complete
the newest periods are, and their figures as expected once every conversion is in."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from dashboards.drilldown import render_drilldown
from dashboards.overview import render_overview
from dashboards.trends import render_trends
from kpi.weekly import IsoWeek
from tests.nowcast_demo import demo_rules, kpi_frames, warehouse

W47 = IsoWeek.parse("2026-W47")
pytestmark = pytest.mark.slow
STILL = {"nl": "Conversies komen nog binnen: week 47 ongeveer 7",
         "fr": "Des conversions arrivent encore : semaine 47 à environ 7",
         "en": "Conversions still coming in: week 47 about 7"}


def text(page: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))).replace("\xa0", " ")


@pytest.fixture(scope="module")
def monday():
    rules = demo_rules()
    con = warehouse(dt.date(2026, 5, 1), W47.end, 7, rules)
    return kpi_frames(con, W47.end, rules, grains=("day", "week"))


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_every_page_says_how_complete_the_newest_periods_are(monday, lang):
    values, nowcast = monday
    weeks = values[values["grain"] == "week"]
    totals = values[values["level"] == "total"]
    for page in (render_overview(weeks, lang=lang, nowcast=nowcast),
                 render_trends(totals, lang=lang, nowcast=nowcast),
                 render_drilldown(weeks, lang=lang, nowcast=nowcast)):
        assert STILL[lang] in text(page)
    for page in (render_overview(weeks, lang=lang), render_trends(totals, lang=lang)):
        assert STILL[lang] not in text(page)  # without the curves nothing is claimed


def test_the_overview_shows_the_week_as_expected_once_complete(monday):
    values, nowcast = monday
    weeks = values[values["grain"] == "week"]
    raw = text(render_overview(weeks, lang="en"))
    judged = text(render_overview(weeks, lang="en", nowcast=nowcast))
    w47 = nowcast[(nowcast["grain"] == "week") & (nowcast["level"] == "total")
                  & (nowcast["metric"] == "conversions")
                  & (nowcast["period_start"].astype(str) == str(W47.start))].iloc[0]
    expected = f"≈ {round(w47['nowcast'])}"
    assert expected in judged and expected not in raw
    assert f"{round(w47['low'])} – {round(w47['high'])}" in judged


def test_same_age_shows_what_has_arrived_and_says_how_it_compares(monday):
    values, nowcast = monday
    weeks = values[values["grain"] == "week"]
    page = text(render_overview(weeks, lang="en", nowcast=nowcast, compare="same_age"))
    assert "compared with the previous one at the same stage" in page
    assert "≈" not in page
