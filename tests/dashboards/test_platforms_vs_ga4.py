"""Platforms vs GA4 on the overview: what the ad platforms claim against what GA4 sees, per
platform and per paid campaign, the worst gap in a sentence, numbers worked out on paper
(tests/dashboards/meta_values.py); the new measures and KPIs appear in that section only."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from dashboards import overview_model, trends
from dashboards.attribution import Attribution
from dashboards.drilldown_labels import KPI_CHOICES
from dashboards.drilldown_labels import TABLE_METRICS as DRILL_TABLE
from dashboards.drilldown_labels import TILE_METRICS as DRILL_TILES
from dashboards.overview import TREND_KPIS, render_overview
from dashboards.overview_attribution import (
    ATTRIBUTION_METRICS,
    campaign_sums,
    gap_sentence,
    platform_sums,
    worst_gap,
)
from dashboards.periods import Span
from dashboards.report_model import CHANNEL_METRICS, TABLE_KPIS
from dashboards.site import Header
from kpi.language import LANGUAGES
from kpi.language.format import format_value
from kpi.registry import KPIS, MEASURES
from tests.dashboards.meta_values import RETARGETING, W47, meta_values

HEADER = Header("overview", account="Zonnig Huis",
                attribution=Attribution("ads", ("7d_click", "1d_view")))
WORST = {"en": "Meta claims 3,1× the conversions GA4 sees on “Retargeting – Webshop – BE” "
               "(31 against 10).",
         "nl": "Meta claimt 3,1× de conversies die GA4 ziet op “Retargeting – Webshop – BE” "
               "(31 tegenover 10).",
         "fr": "Meta revendique 3,1× les conversions que GA4 voit sur «\u202fRetargeting – "
               "Webshop – BE\u202f» (31 contre 10)."}


def _section(page: str, period: str = "week") -> str:
    start = page.index('id="platforms-vs-ga4"')
    block = page[start:page.index("<footer>", start)]
    found = re.search(rf'<section class="card claims" data-variant data-period="{period}"'
                      r'[^>]*>(.*?)</section>', block, re.S)
    assert found is not None, period
    return found[1]


def _row(table_html: str, name: str) -> list[str]:
    row = re.search(rf'<tr><td class="text">{re.escape(str(escape(name)))}</td>(.*?)</tr>',
                    table_html, re.S)
    assert row is not None, name
    return re.findall(r'<td[^>]*data-value="([^"]*)"', row[1])


def test_sums_per_campaign_and_platform_are_the_paper_numbers() -> None:
    values = meta_values()
    campaigns = campaign_sums(values, Span("week", (W47,)))
    assert list(campaigns.index) == ["gads:1", "meta:120214500000000001", RETARGETING]
    retargeting = campaigns.loc[RETARGETING]
    assert (retargeting["platform"], retargeting["channel"]) == ("Meta", "Paid Social")
    assert retargeting["platform_claim_ratio"] == pytest.approx(3.1)
    assert retargeting["roas_platform"] == pytest.approx(2945 / 300)
    assert retargeting["roas_ga4"] == pytest.approx(950 / 300)
    platforms = platform_sums(campaigns)
    assert list(platforms.index) == ["Google Ads", "Meta"]  # cost 1 000 either, Google first
    assert platforms.loc["Meta", "platform_claim_ratio"] == pytest.approx(59 / 30)
    assert platforms.loc["Google Ads", "platform_claim_ratio"] == pytest.approx(40 / 36)
    two = campaign_sums(values, Span("week", (W47.replace(day=9), W47)))
    assert two.loc[RETARGETING, "platform_conversions"] == 62  # two weeks summed
    assert two.loc[RETARGETING, "platform_claim_ratio"] == pytest.approx(3.1)  # from sums


@pytest.mark.parametrize("lang", LANGUAGES)
def test_worst_gap_sentence(lang: str) -> None:
    campaigns = campaign_sums(meta_values(), Span("week", (W47,)))
    gap = worst_gap(campaigns)
    assert gap is not None and gap.campaign == "Retargeting – Webshop – BE"
    assert gap_sentence(gap, lang) == WORST[lang]
    assert str(escape(WORST[lang])) in _section(render_overview(meta_values(), lang=lang,
                                                                header=HEADER))


def test_a_campaign_ga4_never_sees_is_the_worst_gap() -> None:
    campaigns = campaign_sums(meta_values(), Span("week", (W47,)))
    campaigns.loc["gads:1", ["platform_conversions", "ga4_conversions"]] = (12.0, 0.0)
    gap = worst_gap(campaigns)
    assert gap is not None and gap.ratio is None
    assert gap_sentence(gap, "en") == ("Google Ads claims 12 conversions on “Search – "
                                       "Warmtepompen – NL” that GA4 does not see at all.")
    small = campaigns.assign(platform_conversions=campaigns["platform_conversions"].clip(
        upper=4))
    assert worst_gap(small) is None  # too few conversions to make a point
    assert gap_sentence(None, "en") == ("No platform claims more conversions for a campaign "
                                        "than GA4 sees.")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tables_show_platforms_and_campaigns_with_raw_numbers(lang: str) -> None:
    section = _section(render_overview(meta_values(), lang=lang, header=HEADER))
    assert 'data-csv="platforms-vs-ga4-week"' in section
    assert 'data-csv="campaigns-vs-ga4-week"' in section
    # platform conversions, GA4 conversions, ratio, cost, ROAS platform, ROAS GA4
    assert [float(v) for v in _row(section, "Meta")] == pytest.approx(
        [59, 30, 59 / 30, 1000, 2945 / 1000, 950 / 1000])
    assert [float(v) for v in _row(section, "Google Ads")] == pytest.approx(
        [40, 36, 40 / 36, 1000, 3.0, 2.7])
    retargeting = re.search(r"<tr><td class=\"text\">Retargeting – Webshop – BE</td>"
                            r"<td class=\"text\">Meta</td><td class=\"text\">Paid Social</td>"
                            r"(.*?)</tr>", section, re.S)
    assert retargeting is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", retargeting[1])
    assert cells[2] == format_value(3.1, "multiple", lang)
    assert cells[4:] == [format_value(2945 / 300, "multiple", lang),
                         format_value(950 / 300, "multiple", lang)]
    assert "(organic)" not in section  # no cost, no conversions in either view: not paid
    total = re.search(r"<tfoot>(.*?)</tfoot>", section, re.S)
    assert total is not None
    assert [float(v) for v in re.findall(r'data-value="([^"]*)"', total[1])] == pytest.approx(
        [99, 66, 1.5, 2000, 5945 / 2000, 3650 / 2000])


@pytest.mark.parametrize(("attribution", "says"), [
    ("ads", "The KPIs on this page count the platforms' own conversions for their campaigns."),
    ("ga4", "The KPIs on this page count GA4's conversions for every campaign.")])
def test_section_says_which_view_the_kpis_use(attribution: str, says: str) -> None:
    header = Header("overview", attribution=Attribution(attribution))  # type: ignore[arg-type]
    page = render_overview(meta_values(attribution), lang="en", header=header)
    start = page.index('id="platforms-vs-ga4"')
    assert str(escape(says)) in page[start:start + 2000]
    # both views are the same whatever the choice: the section does not change
    assert _section(page) == _section(render_overview(meta_values(), lang="en", header=header))


def test_the_new_metrics_stay_out_of_tiles_trends_and_target_tables() -> None:
    for metric in ATTRIBUTION_METRICS:
        assert metric in MEASURES or metric in KPIS
    lists = (overview_model.TILE_METRICS, overview_model.TABLE_METRICS, TREND_KPIS,
             trends.TREND_METRICS, KPI_CHOICES, DRILL_TABLE, DRILL_TILES, TABLE_KPIS,
             CHANNEL_METRICS)
    for shown in lists:
        assert not set(shown) & set(ATTRIBUTION_METRICS), shown
    page = render_overview(meta_values(), lang="en", header=HEADER)
    before = page[:page.index('id="platforms-vs-ga4"')]
    for metric in ATTRIBUTION_METRICS:
        label = KPIS[metric].label("en") if metric in KPIS else MEASURES[metric].label("en")
        assert str(escape(label)) not in before, metric  # only in the section
        assert str(escape(label)) in page[len(before):] or metric.endswith("revenue")


def test_no_campaign_rows_says_so() -> None:
    values = meta_values()
    page = render_overview(values[values["level"] != "campaign"], lang="en", header=HEADER)
    start = page.index('id="platforms-vs-ga4"')
    assert "No paid campaign with conversions in this period." in page[start:]


@pytest.mark.parametrize("provisional", [True, False])
def test_a_provisional_week_says_the_ratio_will_still_rise(provisional: bool) -> None:
    values = meta_values()
    newest = values["period_start"] == W47
    values.loc[newest, "provisional"] = provisional
    section = _section(render_overview(values, lang="en", header=HEADER))
    says = "so this ratio will still rise" in section
    assert says is provisional
