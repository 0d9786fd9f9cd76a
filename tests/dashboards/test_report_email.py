"""The weekly report's e-mail block: the week's sends with click rate and CTOR (open rates left
out, with the reason), a sentence when none was sent, no block without an e-mail tool."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import pytest

from dashboards.report import ReportInputs, render_report
from kpi.email.kpis import per_send
from kpi.weekly import IsoWeek
from pipelines.sources.demo import DemoSettings
from pipelines.sources.email.demo import DemoEmailSource

W45, W47 = IsoWeek.parse("2026-W45"), IsoWeek.parse("2026-W47")  # 2-8 and 16-22 Nov 2026


@pytest.fixture(scope="module")
def email() -> pd.DataFrame:
    sends = DemoEmailSource(DemoSettings(dt.date(2026, 9, 1), dt.date(2026, 11, 22))).pull()
    sends.loc[sends["campaign_id"] == "a1b2c3202611", "title"] = "<b>Nieuwsbrief</b> & Co"
    ga4 = pd.DataFrame({"utm_campaign": sends["utm_campaign"], "sessions": 2500.0,
                        "conversions": 4.0, "revenue": 300.0})
    return per_send(sends, ga4)


@pytest.mark.parametrize(("lang", "heading", "caveat"), [
    ("nl", "Klikratio", "Openratio's laten we weg"),
    ("fr", "Taux de clic", "Les taux d'ouverture sont omis"),
    ("en", "Click rate", "Open rates are left out")])
def test_the_weeks_sends_with_the_trusted_kpis(kpi_values, email, lang, heading, caveat):
    page = html.unescape(render_report(
        ReportInputs(week=W45, values=kpi_values, email=email), lang=lang))
    assert heading in page and caveat in page
    assert page.count("Nieuwsbrief</b> & Co") == 1  # shown as text, escaped in the HTML
    assert "Lettre d'information 2026-11" in page
    assert "Lettre d'information 2026-10" not in page  # another week's send
    raw = render_report(ReportInputs(week=W45, values=kpi_values, email=email), lang=lang)
    assert "<b>Nieuwsbrief</b>" not in raw


def test_a_week_without_send_and_no_email_tool(kpi_values, email):
    page = html.unescape(render_report(ReportInputs(week=W47, values=kpi_values, email=email),
                                       lang="en"))
    assert "No newsletter was sent this week." in page
    bare = render_report(ReportInputs(week=W47, values=kpi_values), lang="en")
    assert "No newsletter" not in bare and "Click-to-open" not in bare
