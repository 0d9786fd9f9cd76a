"""The weekly KPI report: content, Babel formats, escaping, mail-safe HTML, Chromium and PDF."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import escape

from dashboards.pdf import print_pdfs
from dashboards.report import (
    Definitions,
    ReportInputs,
    quality_badges,
    render_report,
    write_report,
)
from experiments.spec import Arm, ExperimentSpec, Metric
from experiments.table import results_frame
from kpi.language.translate import translator
from kpi.weekly import IsoWeek
from tests.browser import PageReport
from tests.dashboards.conftest import HOSTILE_IMG, HOSTILE_SCRIPT

_texts = translator("report", "budget", "quality", "common")

W47 = IsoWeek.parse("2026-W47")
UTC = dt.UTC
COST_W47 = 14244.81  # planted, to check the exact Babel strings
EXACT_COST = {"nl": "€\xa014.244,81", "fr": "14\u202f244,81\xa0€", "en": "14.244,81\xa0€"}
WEEK_TITLE = {"nl": "Week 47 · 16–22 nov 2026", "fr": "Semaine 47 · 16–22 nov. 2026",
              "en": "Week 47 · 16–22 Nov 2026"}


def _recommendations() -> pd.DataFrame:
    rows = [("pause", f"Display {HOSTILE_IMG}", None), ("scale", "Search – Merk", 117.0),
            ("reallocate", "Shopping", 0.4)]
    return pd.DataFrame([{
        "as_of": pd.Timestamp("2026-11-15"), "action": action, "expected_gain": gain,
        **{f"text_{lang}": f"{lang}: {action} {name}" for lang in ("nl", "fr", "en")},
    } for action, name, gain in rows])


def _experiments() -> pd.DataFrame:
    base = {"metric_id": "conversion", "days_elapsed": 21, "srm_mismatch": False}
    rows = [
        {**base, "experiment_id": "lp", "experiment_name": f"Landing {HOSTILE_SCRIPT}",
         "status": "ended", "arm": "a", "is_control": True},
        {**base, "experiment_id": "lp", "experiment_name": f"Landing {HOSTILE_SCRIPT}",
         "status": "ended", "arm": "b", "is_control": False},
        {**base, "experiment_id": "lp", "experiment_name": f"Landing {HOSTILE_SCRIPT}",
         "status": "ended", "arm": "b", "is_control": False, "metric_id": "revenue"},
        {**base, "experiment_id": "co", "experiment_name": "Checkout", "status": "running",
         "arm": "b", "is_control": False, "srm_mismatch": True},
    ]
    frame = pd.DataFrame(rows)
    for lang in ("nl", "fr", "en"):
        frame[f"sentence_{lang}"] = [None, f"{lang} B wins", f"{lang} B revenue",
                                     f"{lang} mismatch"]
    return frame


def _pacing() -> pd.DataFrame:
    common = {"period_start": pd.Timestamp("2026-11-01"), "period_end": pd.Timestamp(
        "2026-11-30"), "days_in_period": 30, "days_elapsed": 22}
    return pd.DataFrame([
        {**common, "name": "Search", "media_budget": 28400.0, "spend_to_date": 20401.8,
         "pacing": 0.98, "projected_pacing": 0.989, "status": "on_track", "direction": None},
        {**common, "name": HOSTILE_IMG, "media_budget": 8000.0, "spend_to_date": 4704.76,
         "pacing": 0.802, "projected_pacing": 0.811, "status": "investigate",
         "direction": "under"},
        {**common, "period_start": pd.Timestamp("2026-12-01"),
         "period_end": pd.Timestamp("2026-12-31"), "name": "Later", "media_budget": 1.0,
         "spend_to_date": 0.0, "pacing": None, "projected_pacing": None,
         "status": "not_started", "direction": None},
    ])


def _extracts() -> pd.DataFrame:
    rows = []
    for i in range(14):
        day = dt.date(2026, 11, 9) + dt.timedelta(days=i)
        for stream in ("ga4_sessions_daily", "ads_campaign_daily"):
            meta = {"subject_to_thresholding": stream.startswith("ga4") and i in (8, 9)}
            rows.append({"stream": stream, "scope": "1", "date": pd.Timestamp(day), "rows": 5,
                         "extracted_at": pd.Timestamp("2026-11-23 05:00", tz="UTC"),
                         "metadata": json.dumps(meta)})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def inputs(kpi_values: pd.DataFrame) -> ReportInputs:
    values = kpi_values.copy()
    cost = ((values["level"] == "total") & (values["metric"] == "cost")
            & (values["period_start"] == W47.start))
    values.loc[cost, "value"] = COST_W47
    return ReportInputs(
        week=W47, values=values, recommendations=_recommendations(),
        experiments=_experiments(), pacing=_pacing(), extracts=_extracts(),
        checks=[{"name": "kpi_values_reconcile", "passed": True, "severity": "ERROR"},
                {"name": "budget_on_pace", "passed": False, "severity": "WARN"}],
        runs=[{"finished_at": dt.datetime(2026, 11, 23, 5, 6, tzinfo=UTC), "success": True}],
        provisional_since={"ga4": dt.date(2026, 11, 21), "google_ads": dt.date(2026, 10, 24)},
        definitions=Definitions(("Lead – offerte",), ("generate_lead",), ("Aankoop",),
                                ("purchase",), "ads"),
        account=f"Zonnig {HOSTILE_IMG}", data_end=dt.date(2026, 11, 25))




@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_numbers_and_dates_are_babel_strings(inputs: ReportInputs, lang: str) -> None:
    page = render_report(inputs, lang=lang)
    assert EXACT_COST[lang] in page
    assert WEEK_TITLE[lang] in page
    assert f'<html lang="{lang}-BE">' in page


def test_sections_say_what_a_pm_needs(inputs: ReportInputs) -> None:
    page = render_report(inputs, lang="en", generated_at=dt.datetime(2026, 11, 23, 6,
                                                                     tzinfo=UTC))
    for heading in ("Highlights", "Lowlights", "Key figures", "Channels", "Recommendations",
                    "Experiments", "Budget pacing", "Data quality", "Definitions"):
        assert f">{heading}<" in page, heading
    assert page.index("en: pause") < page.index("en: scale") < page.index("en: reallocate")
    assert "en B wins" in page and "en B revenue" not in page  # the primary metric only
    assert "SRM" in page and "en mismatch" in page
    assert "Search" in page and "Later" not in page  # only the plan period of the week
    assert "“Lead – offerte”" in page and "“generate_lead”" in page
    assert "Generated 23 Nov 2026" in page
    assert "Data up to and including 25 Nov 2026" in page


def test_quality_badges_for_the_week(inputs: ReportInputs) -> None:
    badges = dict(quality_badges(inputs, "en"))
    assert badges["GA4: thresholding on 2 days"] == "warn"
    assert badges["GA4: 2 days of this week provisional"] == "warn"  # 21 and 22 Nov
    assert badges["Google Ads: 7 days of this week provisional"] == "warn"
    assert badges["Checks: budget_on_pace (warning)"] == "warn"
    assert next(t for t in badges if t.startswith("Last nightly run succeeded")).endswith(
        "06:06")  # 05:06 UTC in Brussels


def test_missing_days_and_failed_runs_are_badged_red(inputs: ReportInputs) -> None:
    extracts = inputs.extracts[inputs.extracts["date"] != pd.Timestamp("2026-11-18")]
    runs = [*inputs.runs, {"finished_at": dt.datetime(2026, 11, 23, 6, tzinfo=UTC),
                           "success": False}]
    changed = ReportInputs(**{**inputs.__dict__, "extracts": extracts, "runs": runs})
    badges = dict(quality_badges(changed, "en"))
    assert badges["GA4: 1 day missing"] == "bad" and badges["Google Ads: 1 day missing"] == "bad"
    assert any(t.startswith("Last nightly run failed") for t, tone in badges.items()
               if tone == "bad")


def test_mail_safe_no_script_no_network_everything_escaped(inputs: ReportInputs) -> None:
    page = render_report(inputs, lang="fr")
    assert "<script" not in page.lower() and "javascript:" not in page.lower()
    assert not re.search(r"<[a-zA-Z][^>]*\s(src|href)\s*=", page)  # no image, link or font
    assert "http://" not in page and "https://" not in page and "url(" not in page
    for hostile in (HOSTILE_IMG, HOSTILE_SCRIPT, "<img", "onerror=alert(1)>"):
        assert hostile not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'content="' + str(escape("default-src 'none';")) in page  # the CSP meta, escaped


def test_empty_tables_give_clear_states(inputs: ReportInputs) -> None:
    bare = ReportInputs(week=W47, values=inputs.values)
    page = render_report(bare, lang="nl")
    for key in ("r_no_recommendations", "r_no_experiments", "r_no_plan", "r_q_no_runs"):
        assert escape(_texts(key, "nl")) in page, key


def test_a_week_without_complete_data_is_refused(inputs: ReportInputs) -> None:
    later = ReportInputs(**{**inputs.__dict__, "week": IsoWeek(2026, 48)})
    with pytest.raises(ValueError, match="no complete data for 2026-W48"):
        render_report(later, lang="en")


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_report_opens_in_chromium_and_prints_to_pdf(
        inputs: ReportInputs, open_page: Callable[..., PageReport], tmp_path: Path,
        lang: str) -> None:
    html = write_report(tmp_path / f"weekly-report.{lang}.html", inputs, lang=lang)
    report = open_page(html, name=f"weekly-report-{lang}", width=760)
    assert report.problems == []
    assert report.dialogs == [] and HOSTILE_IMG in report.body_text  # shown as text
    assert EXACT_COST[lang] in report.body_text
    (pdf,) = print_pdfs([(html, tmp_path / f"weekly-report.{lang}.pdf")])
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert data.startswith(b"%PDF-") and 1 <= pages <= 5, pages
    assert not list(tmp_path.glob("*.partial"))


def _degenerate_experiment() -> pd.DataFrame:
    """The engine's own rows for issue 15's table: 4/1,000 conversions against 0/1,000."""
    spec = ExperimentSpec("zero", "Zero arm", (Arm("a", "A"), Arm("b", "B")), "a",
                          (Metric("conversion", "proportion", "converted",
                                  labels={"nl": "conversie", "fr": "conversion",
                                          "en": "conversion"}),),
                          dt.date(2026, 11, 2), dt.date(2026, 11, 22))
    stats = pd.DataFrame([{"experiment_id": "zero", "arm": a, "metric_id": "conversion",
                           "n": 1000, "num_sum": s} for a, s in (("a", 4.0), ("b", 0.0))])
    return results_frame(stats, [spec], dt.date(2026, 11, 22))


@pytest.mark.parametrize(("lang", "expected"), [
    ("nl", "B haalde 0 op 1.000 voor conversie, tegenover 4 op 1.000 bij A; te weinig om iets "
           "te besluiten"),
    ("fr", "B\u202f: 0 sur 1\u202f000 pour «\u202fconversion\u202f», contre 4 sur 1\u202f000 pour "
           "A\u202f; trop peu pour conclure"),
    ("en", "B had 0 out of 1.000 on conversion, against 4 out of 1.000 for A; too few to "
           "conclude"),
])
def test_a_zero_conversion_arm_is_reported_in_counts(inputs: ReportInputs, lang: str,
                                                     expected: str) -> None:
    degenerate = ReportInputs(**{**inputs.__dict__, "experiments": _degenerate_experiment()})
    page = render_report(degenerate, lang=lang)
    section = page[page.index(_texts("r_experiments", lang)):]
    assert escape(expected) in section
    assert "100,0" not in section
