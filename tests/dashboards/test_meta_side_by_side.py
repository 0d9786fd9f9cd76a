"""Google Ads and Meta side by side with no special case: Meta's campaigns and the Paid Social
channel on the overview, drill-down and report like any other; Meta's stream is one source
named "Meta" on the quality page and in the report's badges."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest

from dashboards.drilldown import render_drilldown
from dashboards.overview import render_overview
from dashboards.quality import render_quality
from dashboards.quality_log import platform_of
from dashboards.report import ReportInputs, quality_badges, render_report
from kpi.weekly import IsoWeek
from tests.dashboards.meta_values import meta_values

AS_OF = dt.date(2026, 11, 23)


def _extracts() -> pd.DataFrame:
    rows = []
    for i in range(14):
        day = dt.date(2026, 11, 9) + dt.timedelta(days=i)
        for stream in ("ads_campaign_daily", "meta_adset_daily", "ga4_sessions_daily"):
            rows.append({"stream": stream, "scope": "1", "date": pd.Timestamp(day), "rows": 5,
                         "extracted_at": pd.Timestamp("2026-11-23 05:00", tz="UTC"),
                         "metadata": json.dumps({})})
    return pd.DataFrame(rows)


SINCE = {"google_ads": dt.date(2026, 10, 24), "meta_ads": dt.date(2026, 10, 26),
         "ga4": dt.date(2026, 11, 20)}


def test_meta_stream_is_the_meta_source() -> None:
    assert platform_of("meta_adset_daily") == "meta_ads"
    assert platform_of("ads_campaign_daily") == "google_ads"


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_quality_page_has_one_meta_badge(lang: str) -> None:
    page = render_quality(_extracts(), [], [], lang=lang, as_of=AS_OF, provisional_since=SINCE)
    platforms = re.findall(r'data-platform="([^"]+)"', page)
    assert platforms == ["google_ads", "meta_ads", "ga4"]  # Google Ads, Meta, GA4, in order
    badge = page[page.index('data-platform="meta_ads"'):]
    assert "<h3>Meta <span" in badge[:200]


def test_report_badges_name_meta() -> None:
    inputs = ReportInputs(week=IsoWeek.parse("2026-W47"), values=meta_values(),
                          extracts=_extracts(), provisional_since=SINCE)
    texts = " ".join(text for text, _ in quality_badges(inputs, "en"))
    assert "Meta" in texts and "meta_ads" not in texts and "meta_adset_daily" not in texts


def test_paid_social_and_meta_campaigns_on_every_kpi_page() -> None:
    values = meta_values()
    overview = render_overview(values, lang="en")
    channels = overview[overview.index('data-csv="channels-week"'):]
    assert "<tr><td>Paid Social</td>" in channels and "<tr><td>Paid Search</td>" in channels
    drill = render_drilldown(values, lang="en")
    for name in ("Retargeting – Webshop – BE", "Prospectie – Zonnepanelen – NL",
                 "Search – Warmtepompen – NL", "Paid Social"):
        assert name in drill
    report = render_report(ReportInputs(week=IsoWeek.parse("2026-W47"), values=values),
                           lang="en")
    assert "Paid Social" in report and "Paid Search" in report
