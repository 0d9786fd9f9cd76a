"""The lead-to-revenue page: sums of a planted CRM funnel worked out by hand, the sentence when
the cheapest leads are not the cheapest customers, immature weeks left out of the judgement and
marked in the cohort table, targets, the three languages, and a page with no CRM."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from dashboards.leads import render_leads
from dashboards.leads_model import cohort_weeks, funnel_sums, in_window, judged_window
from dashboards.site import Header
from kpi.language import LANGUAGES
from kpi.language.format import format_value
from pipelines.config import Target

MONDAY = dt.date(2026, 6, 1)
NAMES = {"gads:1": ("Search – Warmtepompen FR", "Paid Search"),
         "meta:2": ("Instant forms – Zonnepanelen NL", "Paid Social"),
         "crm:ORGANIC_SEARCH": ("ORGANIC_SEARCH (CRM)", "Organic Search")}
# per campaign and week: leads, mqls, sqls, opportunities, won, won revenue, pipeline, cost
WEEKLY = {"gads:1": (10, 8, 6, 4, 2, 24000.0, 10000.0, 1000.0),
          "meta:2": (40, 20, 6, 3, 1, 9000.0, 5000.0, 800.0),
          "crm:ORGANIC_SEARCH": (5, 4, 2, 1, 1, 11000.0, 0.0, 0.0)}


def cohorts(weeks: int = 20, mature_until: int = 14) -> pd.DataFrame:
    """``weeks`` lead weeks ending the week of MONDAY; the first ``mature_until`` mature."""
    rows = []
    for i in range(weeks):
        week = MONDAY - dt.timedelta(weeks=weeks - 1 - i)
        maturity = 1.0 if i < mature_until else 0.5 * (weeks - i) / (weeks - mature_until)
        total = [0.0] * 8
        for key, numbers in WEEKLY.items():
            channel = NAMES[key][1]
            rows.append(_row(week, "campaign", channel, key, numbers, maturity))
            total = [a + b for a, b in zip(total, numbers, strict=True)]
        rows.append(_row(week, "total", None, None, tuple(total), maturity, median=40.0))
    return pd.DataFrame(rows)


def _row(week, level, channel, key, numbers, maturity, median=None) -> dict[str, object]:
    names = ("crm_leads", "crm_mqls", "crm_sqls", "crm_opportunities", "crm_won_deals",
             "crm_won_revenue", "crm_pipeline_value", "cost")
    return {"lead_week": week, "level": level, "channel": channel, "campaign_key": key,
            **dict(zip(names, numbers, strict=True)), "maturity": maturity,
            "mature": maturity >= 0.9, "median_days_to_won": median}


def test_the_judged_window_ends_with_the_newest_mature_week() -> None:
    window = judged_window(cohorts())
    assert window is not None and window.mature
    assert window.last == MONDAY - dt.timedelta(weeks=6)  # weeks 0-13 mature of 20
    assert window.first == window.last - dt.timedelta(weeks=12)
    nothing_mature = judged_window(cohorts(mature_until=0))
    assert nothing_mature is not None and not nothing_mature.mature
    assert nothing_mature.last == MONDAY


def test_sums_and_ratios_are_worked_out_from_the_window() -> None:
    frame = cohorts()
    sums = funnel_sums(in_window(frame, judged_window(frame)), "campaign_key")
    search, meta = sums.loc["gads:1"], sums.loc["meta:2"]
    assert search["crm_won_deals"] == 26 and search["cost"] == 13000
    assert search["cost_per_won_deal"] == pytest.approx(13000 / 26)
    assert meta["cost_per_lead"] == pytest.approx(800 / 40)
    assert meta["cost_per_won_deal"] == pytest.approx(800 / 1)
    assert meta["revenue_roas"] == pytest.approx(9000 / 800)
    organic = sums.loc["crm:ORGANIC_SEARCH"]  # no cost: no cost-per figures, rates kept
    assert pd.isna(organic["cost_per_won_deal"]) and organic["lead_to_won_rate"] == 0.2
    total = funnel_sums(in_window(frame, judged_window(frame)).assign(all=""), "all").iloc[0]
    # paid cost over paid won deals only: organic's won deal does not lower it
    assert total["cost_per_won_deal"] == pytest.approx(13 * 1800 / (13 * 3))
    assert total["lead_to_won_rate"] == pytest.approx(4 / 55)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_says_the_cheapest_leads_are_not_the_cheapest_customers(lang: str) -> None:
    page = render_leads(cohorts(), lang=lang, names=NAMES, header=Header("leads"))
    sentence = re.search(r'<p class="lead-sentence">(.*?)</p>', page, re.S)
    assert sentence is not None
    text = sentence[1]
    assert text.index("Instant forms") < text.index("Search – Warmtepompen FR")
    assert {"en": "Judge on won deals", "nl": "Beoordeel op gewonnen deals",
            "fr": "Jugez sur les deals gagnés"}[lang] in text
    for table in ("leads-by-channel", "leads-by-campaign", "lead-cohorts"):
        assert f'data-csv="{table}"' in page
    assert 'id="leads-scatter"' in page and 'id="leads-funnel"' in page


def test_targets_are_shown_and_judged() -> None:
    targets = [Target(kpi="cost_per_won_deal", value=600.0),
               Target(kpi="cost_per_won_deal", value=700.0, campaign="meta:2")]
    page = render_leads(cohorts(), lang="en", names=NAMES, targets=targets)
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    search = next(r for r in rows if "Search – Warmtepompen FR" in r)
    meta = next(r for r in rows if "Instant forms" in r)
    six, seven = (format_value(v, "currency", "en") for v in (600.0, 700.0))
    assert f"target {six}" in search and "on target" in search  # 500 ≤ 600
    assert f"target {seven}" in meta and "off target" in meta  # 800 > 700


def test_immature_weeks_are_marked_in_the_cohort_table() -> None:
    weeks = cohort_weeks(cohorts())
    assert weeks.index[0] == MONDAY  # newest first
    assert not bool(weeks.loc[MONDAY, "mature"])
    page = render_leads(cohorts(), lang="en", names=NAMES)
    table = page[page.index('data-csv="lead-cohorts"'):]
    table = table[:table.index("</table>")]
    assert table.count("still maturing") == 6


def test_without_crm_the_page_says_how_to_connect_one() -> None:
    page = render_leads(pd.DataFrame(), lang="nl", header=Header("leads"))
    assert "Koppel HubSpot of een CRM-export" in page


def test_an_immature_weeks_cost_per_won_deal_is_only_so_far() -> None:
    page = render_leads(cohorts(), lang="en", names=NAMES)
    table = page[page.index('data-csv="lead-cohorts"'):]
    rows = re.findall(r"<tr>(.*?)</tr>", table[:table.index("</table>")], re.S)[1:]
    newest, oldest = rows[0], rows[-1]
    assert "still maturing" in newest and newest.count("so far") == 2  # cost per won, ROAS
    assert "so far" not in oldest
    assert f'data-value="{1800 / 3}"' in oldest  # a mature week's cost per won deal


def test_channels_come_from_the_campaign_dimension_when_the_cohorts_lack_them() -> None:
    frame = cohorts()
    frame.loc[frame["level"] == "campaign", "channel"] = None
    page = render_leads(frame, lang="en", names=NAMES)
    table = page[page.index('data-csv="leads-by-channel"'):]
    table = table[:table.index("</table>")]
    assert all(f">{channel}</td>" in table for channel in ("Paid Search", "Paid Social",
                                                          "Organic Search"))
