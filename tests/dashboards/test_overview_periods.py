"""The overview's period and comparison switch, on planted days (tests/dashboards/periods_data):
every variant is in the page; a 4-week or quarter CPA is sum(cost) / sum(paid purchases) of
its days, never a mean of weekly CPAs; a year earlier is the same ISO weeks / months; without
last year's data the page says so ("–" and a note), never 0."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from markupsafe import escape

from dashboards.overview import render_overview
from dashboards.overview_model import _t, definition
from dashboards.periods import latest_span, span_sums, year_ago
from kpi.language.format import format_change, format_value
from tests.dashboards.periods_data import planted_values, summed

W44, W47 = dt.date(2026, 10, 26), dt.date(2026, 11, 16)


@pytest.fixture(scope="module")
def values():
    return planted_values()


def section(page: str, period: str, vs: str) -> str:
    """The HTML of one variant of the tiles."""
    found = re.search(rf'<section class="variant" data-variant data-period="{period}" '
                      rf'data-vs="{vs}"( hidden)?>(.*?)</section>', page, re.S)
    assert found is not None, (period, vs)
    return found[2]


def tile_value(html: str, metric: str, lang: str) -> str:
    start = html.index(f">{escape(definition(metric).label(lang))}<")
    return re.search(r'<div class="value">(.*?)</div>', html[start:])[1]


def cpa(sums: dict[str, float]) -> float:
    return sums["cost"] / sums["paid_purchases"]


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_every_variant_is_in_the_page_and_only_the_default_shows(values, lang: str) -> None:
    page = render_overview(values, lang=lang)
    for period in ("week", "4weeks", "month", "quarter"):
        for vs in ("previous", "year"):
            hidden = section(page, period, vs) is not None and re.search(
                rf'data-period="{period}" data-vs="{vs}" hidden>', page)
            assert bool(hidden) == ((period, vs) != ("week", "previous")), (period, vs)
    assert 'name="period" value="4weeks"' in page and 'name="vs" value="year"' in page


def test_summed_periods_recompute_their_ratios_from_the_sums(values) -> None:
    page = render_overview(values, lang="en")
    four = summed(W44, W47 + dt.timedelta(days=6))
    assert tile_value(section(page, "4weeks", "previous"), "cpa", "en") == format_value(
        cpa(four), "currency", "en")
    weekly = [cpa(summed(W44 + dt.timedelta(weeks=k), W44 + dt.timedelta(weeks=k, days=6)))
              for k in range(4)]
    assert format_value(sum(weekly) / 4, "currency", "en") != format_value(
        cpa(four), "currency", "en")  # the mean of weekly CPAs would be another number
    q3 = summed(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    quarter = section(page, "quarter", "previous")
    assert "Q3 2026" in quarter
    assert tile_value(quarter, "cpa", "en") == format_value(cpa(q3), "currency", "en")
    q2 = summed(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert format_change(cpa(q3) / cpa(q2) - 1, "en") in quarter
    october = summed(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert tile_value(section(page, "month", "year"), "cost", "en") == format_value(
        october["cost"], "currency", "en")


def test_a_year_earlier_is_the_same_iso_weeks_and_months(values) -> None:
    page = render_overview(values, lang="en")
    w47_2025 = dt.date(2025, 11, 17)  # ISO 2025-W47
    now = cpa(summed(W47, W47 + dt.timedelta(days=6)))
    then = cpa(summed(w47_2025, w47_2025 + dt.timedelta(days=6)))
    week = section(page, "week", "year")
    assert format_change(now / then - 1, "en") in week
    assert _t("ov_vs_year_week", "en") in week
    four_then = summed(dt.date(2025, 10, 27), dt.date(2025, 11, 23))  # 2025-W44..W47
    four_now = summed(W44, W47 + dt.timedelta(days=6))
    assert format_change(cpa(four_now) / cpa(four_then) - 1, "en") in section(
        page, "4weeks", "year")
    totals = values[values["level"] == "total"].assign(
        period_start=lambda f: f["period_start"].dt.date)
    span = latest_span("month", [], [dt.date(2026, m, 1) for m in range(1, 11)])
    before = span_sums(totals, year_ago(span))
    assert before is not None and before.values["cost"] == pytest.approx(
        summed(dt.date(2025, 10, 1), dt.date(2025, 10, 31))["cost"])


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_without_last_year_the_page_says_so_never_zero(lang: str) -> None:
    page = render_overview(planted_values(first=dt.date(2026, 3, 2)), lang=lang)
    week = section(page, "week", "year")
    assert str(escape(_t("ov_no_last_year", lang))) in week
    assert 'class="note"' in week and "–" in week
    assert format_change(-1.0, lang) not in week and format_change(0, lang) not in week
    assert str(escape(_t("ov_no_last_year", lang))) not in section(page, "week", "previous")


def test_channel_tables_per_period_carry_raw_values_for_csv(values) -> None:
    page = render_overview(values, lang="fr")
    for period in ("week", "4weeks", "month", "quarter"):
        assert f'data-csv="channels-{period}"' in page
    four = summed(W44, W47 + dt.timedelta(days=6))
    table = page[page.index('data-csv="channels-4weeks"'):]
    table = table[: table.index("</table>")]
    raw, shown = re.search(r'<tr><td>Search[^<]*</td><td data-value="([^"]+)">([^<]+)<',
                           table).groups()
    assert float(raw) == pytest.approx(four["cost"]) and shown == format_value(
        four["cost"], "currency", "fr")
    assert "Search &lt;b&gt;NL&lt;/b&gt;" in table


