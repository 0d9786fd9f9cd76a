"""The data-quality page: source badges, the 60-day calendar, GA4 flags with their dates, asset
checks and runs, empty states, escaping; opened in real Chromium.

The extract log is synthetic but has the warehouse's exact shape (``raw_extracts``: stream,
scope, date, rows, extracted_at as UTC, metadata as sorted JSON), with planted events: Ads two
days behind with two retries, a day not pulled, a day with no rows, GA4 thresholding on
3-4 and 9 November, sampling on 15 October and an "(other)" row on 21 November.
"""

from __future__ import annotations

import datetime as dt
import html as html_module
import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import escape
from plotly.offline import get_plotlyjs

from dashboards import quality
from dashboards.quality import (
    CALENDAR_DAYS,
    STATUSES,
    SourceStatus,
    _t,
    calendar_figure,
    check_state,
    day_ranges,
    extract_log,
    last_runs,
    render_quality,
    source_status,
    write_quality,
)
from dashboards.site import Header
from tests.browser import PageReport
from tests.dashboards.conftest import HOSTILE_IMG, HOSTILE_MARKUP, HOSTILE_SCRIPT

AS_OF = dt.date(2026, 11, 23)  # the run date: data expected up to 22 November
FIRST = dt.date(2026, 8, 1)
ADS_LAST, GA4_LAST = dt.date(2026, 11, 20), dt.date(2026, 11, 22)
ADS, GA4 = "4815162342", "318004561"
PROVISIONAL = {"google_ads": dt.date(2026, 10, 22), "ga4": dt.date(2026, 11, 20)}
EARLIER = dt.datetime(2026, 10, 23, 5, 0, tzinfo=dt.UTC)  # when the older days were pulled
ADS_PULL = dt.datetime(2026, 11, 21, 5, 30, tzinfo=dt.UTC)  # 06:30 in Brussels (CET)
GA4_PULL = dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC)  # 06:00 in Brussels
THRESHOLDED = {dt.date(2026, 11, 3), dt.date(2026, 11, 4), dt.date(2026, 11, 9)}
SAMPLED, OTHER_ROW = dt.date(2026, 10, 15), dt.date(2026, 11, 21)
NOT_PULLED = ("ads_ad_group_daily", dt.date(2026, 10, 10))
NO_ROWS = ("ads_conversion_action_daily", dt.date(2026, 10, 12))
ROWS = {"ads_campaign_daily": 14, "ads_ad_group_daily": 34, "ads_conversion_action_daily": 27,
        "ga4_sessions_daily": 24, "ga4_key_events_daily": 18}
CHECKS = [
    {"name": "ads_no_negative_values", "asset": "raw_ads_campaign_daily", "passed": True,
     "severity": "ERROR", "description": "no campaign days with negative values"},
    {"name": "ads_ad_groups_add_up", "asset": "raw_ads_ad_group_daily", "passed": False,
     "severity": "WARN", "description": "3 campaign days whose ad groups do not add up"},
    {"name": HOSTILE_SCRIPT, "asset": HOSTILE_MARKUP, "passed": False, "severity": "ERROR",
     "description": HOSTILE_IMG},
    {"name": "budget_on_pace", "asset": "budget_pacing", "passed": None, "severity": "WARN",
     "description": None},
]
RUNS = [
    {"finished_at": dt.datetime(2026, 11, 21, 5, 6, tzinfo=dt.UTC), "success": True},
    {"finished_at": dt.datetime(2026, 11, 22, 5, 7, tzinfo=dt.UTC), "success": True},
    {"finished_at": dt.datetime(2026, 11, 23, 5, 9, tzinfo=dt.UTC), "success": False},
]


def _metadata(stream: str, day: dt.date, pulled: dt.datetime) -> str:
    """The JSON each source writes (json.dumps(sort_keys=True), as the warehouse store does)."""
    if stream.startswith("ads_"):
        retries = 2 if stream == "ads_campaign_daily" and pulled == ADS_PULL else 0
        meta: dict[str, object] = {"currency_code": "EUR", "customer_id": ADS,
                                   "retries": retries, "time_zone": "Europe/Brussels"}
    else:
        meta = {"currency_code": "EUR", "pages": 1, "retries": 0, "time_zone": "Europe/Brussels",
                "subject_to_thresholding": stream == "ga4_sessions_daily" and day in THRESHOLDED,
                "sampled": stream == "ga4_key_events_daily" and day == SAMPLED,
                "data_loss_from_other_row": stream == "ga4_key_events_daily" and day == OTHER_ROW,
                "tokens_per_day_remaining": 24_000, "tokens_per_hour_remaining": 4_800}
    return json.dumps(meta, sort_keys=True)


def build_extracts(*, hostile_scope: bool = True) -> pd.DataFrame:
    """``raw_extracts`` with the warehouse's columns and dtypes."""
    records = []
    for stream, rows in ROWS.items():
        ads = stream.startswith("ads_")
        last, since = (ADS_LAST, PROVISIONAL["google_ads"]) if ads else (GA4_LAST,
                                                                        PROVISIONAL["ga4"])
        scopes = [ADS] if ads else [GA4]
        if hostile_scope and stream == "ga4_sessions_daily":
            scopes.append(HOSTILE_IMG)
        for scope in scopes:
            day = FIRST if scope != HOSTILE_IMG else since
            while day <= last:
                pulled = (ADS_PULL if ads else GA4_PULL) if day >= since else EARLIER
                if (stream, day) != NOT_PULLED:
                    records.append({
                        "stream": stream, "scope": scope, "date": pd.Timestamp(day),
                        "rows": 0 if (stream, day) == NO_ROWS else rows,
                        "extracted_at": pd.Timestamp(pulled),
                        "metadata": _metadata(stream, day, pulled)})
                day += dt.timedelta(days=1)
    frame = pd.DataFrame(records)
    return frame.astype({"stream": "str", "scope": "str", "date": "datetime64[s]",
                         "rows": "int64", "extracted_at": "datetime64[us, UTC]",
                         "metadata": "str"})


@pytest.fixture(scope="module")
def extracts() -> pd.DataFrame:
    return build_extracts()


def esc(text: object) -> str:
    """``text`` as the page's templates escape it (Jinja2's autoescape)."""
    return str(escape(text))


def plotly_esc(text: object) -> str:
    """``text`` as chart labels escape it for Plotly."""
    return html_module.escape(str(text), quote=True)


def page(extracts: pd.DataFrame, lang: str, **kw: object) -> str:
    args: dict[str, object] = {"lang": lang, "account": "Zonnig Huis", "as_of": AS_OF,
                               "provisional_since": PROVISIONAL}
    return render_quality(extracts, kw.pop("checks", CHECKS), kw.pop("runs", RUNS),
                          **{**args, **kw})


def line(label: str, value: str) -> str:
    return f'<span class="label">{esc(label)}</span> <strong>{esc(value)}</strong>'


# -- texts ----------------------------------------------------------------------------------------




def test_texts_fall_back_to_the_shared_dashboard_texts() -> None:
    assert _t("q_title", "fr") == "Qualité des données"
    assert _t("offline_note", "nl").startswith("Werkt offline")  # from dashboards.i18n
    with pytest.raises(KeyError, match=r"'q_title'.*'de'"):
        _t("q_title", "de")
    with pytest.raises(KeyError, match=r"'no_such_text'.*'en'"):
        _t("no_such_text", "en")


# -- the extract log and what is derived from it ---------------------------------------------


def test_extract_log_reads_flags_and_retries_from_the_metadata(extracts: pd.DataFrame) -> None:
    log = extract_log(extracts)
    assert list(log.columns) == ["stream", "scope", "platform", "date", "rows", "extracted_at",
                                 "subject_to_thresholding", "sampled",
                                 "data_loss_from_other_row", "retries"]
    assert len(log) == len(extracts)
    flagged = log[log["subject_to_thresholding"]]
    assert set(flagged["date"]) == THRESHOLDED and set(flagged["stream"]) == {
        "ga4_sessions_daily"}
    assert list(log[log["sampled"]]["date"]) == [SAMPLED]
    assert list(log[log["data_loss_from_other_row"]]["date"]) == [OTHER_ROW]
    assert set(log["platform"]) == {"google_ads", "ga4"}
    assert log["retries"].sum() == 2 * ((ADS_LAST - PROVISIONAL["google_ads"]).days + 1) == 60


def test_extract_log_accepts_flags_as_columns(extracts: pd.DataFrame) -> None:
    flat = extract_log(extracts).drop(columns=["platform"])
    again = extract_log(flat)
    assert again[list(quality.FLAGS)].sum().tolist() == [3, 1, 1]


def test_source_status(extracts: pd.DataFrame) -> None:
    log = extract_log(extracts)
    ads = source_status(log, "google_ads", AS_OF, PROVISIONAL)
    assert ads == SourceStatus("google_ads", ADS_PULL, ADS_LAST, 2, dt.date(2026, 10, 22), 30,
                               (ADS,), 2, 0)
    ga4 = source_status(log, "ga4", AS_OF, PROVISIONAL)
    assert (ga4.last_pulled, ga4.last_day, ga4.days_behind, ga4.provisional_days) == (
        GA4_PULL, GA4_LAST, 0, 3)
    assert ga4.scopes == (GA4, HOSTILE_IMG) and ga4.flagged_days == 5 and ga4.retries == 0
    assert source_status(log, "meta_ads", AS_OF, {}) == SourceStatus(
        "meta_ads", None, None, None, None, 0, (), 0, 0)


def test_day_ranges_and_check_states() -> None:
    assert day_ranges(THRESHOLDED) == [(dt.date(2026, 11, 3), dt.date(2026, 11, 4)),
                                       (dt.date(2026, 11, 9), dt.date(2026, 11, 9))]
    assert day_ranges([]) == []
    assert [check_state(c) for c in CHECKS] == ["passed", "warning", "failed", "skipped"]


def test_last_runs_shows_a_failure_only_when_it_came_later() -> None:
    ok, failed = RUNS[1]["finished_at"], RUNS[2]["finished_at"]
    assert last_runs(RUNS) == (ok, failed)
    assert last_runs(RUNS[:2]) == (ok, None)
    assert last_runs([RUNS[2], {**RUNS[0], "finished_at": failed + dt.timedelta(hours=1)}]) == (
        failed + dt.timedelta(hours=1), None)
    assert last_runs([RUNS[2]]) == (None, failed)
    assert last_runs([]) == (None, None)
    with pytest.raises(ValueError, match=r"runs\[0\]\.finished_at must be a time-zone aware"):
        last_runs([{"finished_at": dt.datetime(2026, 11, 23, 5), "success": True}])


def test_calendar_marks_each_day(extracts: pd.DataFrame) -> None:
    from zoneinfo import ZoneInfo

    fig = calendar_figure(extract_log(extracts), AS_OF, PROVISIONAL, "nl",
                          ZoneInfo("Europe/Brussels"))
    assert fig is not None
    (heat,) = fig.data
    days = [dt.date.fromisoformat(x) for x in heat.x]
    assert len(days) == CALENDAR_DAYS and days[0] == dt.date(2026, 9, 24)
    assert days[-1] == AS_OF - dt.timedelta(days=1)
    assert list(heat.y) == ["ads_ad_group_daily", "ads_campaign_daily",
                            "ads_conversion_action_daily", "ga4_key_events_daily",
                            f"ga4_sessions_daily · {GA4}",
                            f"ga4_sessions_daily · {plotly_esc(HOSTILE_IMG)}"]

    def status(row: int, day: dt.date) -> str:
        return STATUSES[heat.z[row][days.index(day)]]

    assert status(0, NOT_PULLED[1]) == "missing"
    assert status(2, NO_ROWS[1]) == "empty"
    assert status(1, dt.date(2026, 10, 21)) == "final"
    assert status(1, dt.date(2026, 10, 22)) == "provisional"
    assert status(1, dt.date(2026, 11, 21)) == "missing"  # Ads is two days behind
    assert status(4, dt.date(2026, 11, 3)) == "flagged"
    assert status(3, OTHER_ROW) == "flagged"
    assert status(4, dt.date(2026, 11, 22)) == "provisional"
    assert status(5, dt.date(2026, 11, 19)) == "missing"  # that property starts on the 20th
    hover = heat.text[4][days.index(dt.date(2026, 11, 3))]
    assert hover == ("ga4_sessions_daily · 318004561<br>3 nov 2026<br><b>Kwaliteitsvlag "
                     "(drempels, steekproef of &#x27;(other)&#x27;)</b><br>Drempels "
                     "(thresholding)<br>24 rijen, opgehaald 23 okt 2026, 07:00")
    assert heat.text[3][days.index(OTHER_ROW)].count("Opgehaald, voorlopig") == 1
    assert heat.text[0][days.index(NOT_PULLED[1])].endswith("<b>Niet opgehaald</b>")


# -- the page -------------------------------------------------------------------------------------


def test_badges_in_dutch(extracts: pd.DataFrame) -> None:
    html = page(extracts, "nl")
    assert line("Laatst opgehaald", "21 nov 2026, 06:30") in html  # Ads, in Brussels time
    assert line("Laatst opgehaald", "23 nov 2026, 06:00") in html  # GA4
    assert line("Laatste dag met gegevens", "20 nov 2026") in html
    assert '<span class="pill bad">2 dagen achter</span>' in html
    assert '<span class="pill good">Bijgewerkt</span>' in html
    assert line("Voorlopig vanaf", "22 okt 2026") in html
    assert "30 dagen binnen het herzieningsvenster: de cijfers kunnen nog wijzigen." in html
    assert "3 dagen binnen het herzieningsvenster" in html
    assert "Nieuwe pogingen bij de laatste extractie: 2" in html
    assert '<span class="badge">5 dagen met een kwaliteitsvlag</span>' in html
    assert line("Accounts", f"{GA4}, {HOSTILE_IMG}") in html
    assert "Situatie op 23 nov 2026 · Tijden in Europe/Brussels" in html


def test_badges_in_french_and_english(extracts: pd.DataFrame) -> None:
    fr = page(extracts, "fr")
    assert line("Dernière extraction", "23 nov. 2026, 06:00") in fr
    assert '<span class="pill bad">2 jours de retard</span>' in fr
    assert line("Provisoire depuis le", "20 nov. 2026") in fr
    assert ("3 jours dans la fenêtre de révision\u202f: les chiffres peuvent encore changer."
            in fr)
    assert "Nouvelles tentatives lors de la dernière extraction\u202f: 2" in fr
    en = page(extracts, "en", as_of=dt.date(2026, 11, 22))
    assert '<span class="pill bad">1 day behind</span>' in en  # singular
    assert line("Last pulled", "21 Nov 2026, 06:30") in en
    assert "30 days inside the restatement window: numbers may still change." in en
    assert "Retries in the last pull: 2" in en


@pytest.mark.parametrize(("lang", "thresholding", "sampling", "other"), [
    ("nl", "3–4 nov 2026, 9 nov 2026", "15 okt 2026", "21 nov 2026"),
    ("fr", "3–4 nov. 2026, 9 nov. 2026", "15 oct. 2026", "21 nov. 2026"),
    ("en", "3–4 Nov 2026, 09 Nov 2026", "15 Oct 2026", "21 Nov 2026"),  # en_BE: dd MMM y
])
def test_ga4_flags_with_their_dates(extracts: pd.DataFrame, lang: str, thresholding: str,
                                    sampling: str, other: str) -> None:
    html = page(extracts, lang)
    table = html[html.index('<table class="flags'):]
    table = table[: table.index("</table>")]
    rows = table.split("<tr>")[2:]  # after the header row
    assert len(rows) == 3
    for marked, flag, stream, count, dates in zip(
            rows, quality.FLAGS, ("ga4_sessions_daily", "ga4_key_events_daily",
                                  "ga4_key_events_daily"), (3, 1, 1),
            (thresholding, sampling, other), strict=True):
        assert f'<td class="num" data-label="{esc(_t("q_col_days", lang))}" ' \
               f'data-value="{count}">{count}</td>' in marked  # the raw number, for the CSV
        row = re.sub(r"<td [^>]*>", "<td>", marked)  # the cells without their attributes
        assert esc(_t(f"q_flag_{flag}", lang)) in row
        assert esc(_t(f"q_flag_desc_{flag}", lang)) in row
        assert f">{stream}</td><td>{count}</td>" in row
        assert f">{esc(dates)}</td>" in row


def test_checks_and_runs(extracts: pd.DataFrame) -> None:
    html = page(extracts, "en")
    summary = html[html.index('class="legend checks-summary"'):]
    assert summary.index("Failed: 1") < summary.index("Warning: 1") < summary.index(
        "Not run: 1") < summary.index("Passed: 1")
    states = [s.split('"')[0] for s in html.split('<tr data-state="')[1:]]
    assert states == ["failed", "warning", "skipped", "passed"]
    assert ">3 campaign days whose ad groups do not add up<" in html
    assert "Last successful run: 22 Nov 2026, 06:07" in html
    assert "Last run failed: 23 Nov 2026, 06:09. The pages show the data of the last " in html
    fine = page(extracts, "en", runs=RUNS[:2])
    assert "Last successful run: 22 Nov 2026, 06:07" in fine and "Last run failed" not in fine
    nl = page(extracts, "nl", runs=RUNS[2:])
    assert "Nog geen geslaagde run" in nl and "Laatste run mislukt: 23 nov 2026, 06:09" in nl


def test_hostile_strings_never_appear_unescaped(extracts: pd.DataFrame) -> None:
    html = page(extracts, "en", account=f"Demo {HOSTILE_SCRIPT}")
    rest = html.replace(get_plotlyjs(), "")
    for hostile in (HOSTILE_IMG, HOSTILE_SCRIPT, HOSTILE_MARKUP, "<script>alert",
                    "onerror=alert(1)>"):
        assert hostile not in rest
    assert rest.lower().count("<script") == 3  # plotly.js and site files, the figures
    assert esc(HOSTILE_SCRIPT) in rest and esc(HOSTILE_MARKUP) in rest  # the checks table
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in rest  # plotly label, escaped twice
    assert "http://" not in rest and "https://" not in rest


def test_no_data_yet() -> None:
    html = render_quality(pd.DataFrame(), [], [], lang="fr", as_of=AS_OF, provisional_since={})
    for key in ("q_no_data", "q_no_extracts", "q_no_checks", "q_no_checks_hint", "q_no_runs"):
        assert esc(_t(key, "fr")) in html, key
    assert 'class="plot"' not in html and len(html) < 50_000  # no chart, so no plotly.js


def test_a_source_without_data_and_a_clean_ga4(extracts: pd.DataFrame) -> None:
    ads_only = extracts[extracts["stream"].str.startswith("ads_")]
    html = page(ads_only, "nl")
    assert "<h3>GA4 <span class=\"pill flat\">Nog geen gegevens</span></h3>" in html
    assert esc(_t("q_no_data_source", "nl")) in html and esc(_t("q_no_ga4", "nl")) in html
    clean = build_extracts(hostile_scope=False)
    clean["metadata"] = clean["metadata"].str.replace("true", "false")
    assert esc(_t("q_no_flags", "en")) in page(clean, "en")


def test_bad_input_is_named() -> None:
    good = build_extracts(hostile_scope=False).head(3)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['rows'\]"):
        extract_log(good.drop(columns=["rows"]))
    naive = good.assign(extracted_at=good["extracted_at"].dt.tz_localize(None))
    with pytest.raises(ValueError, match="extracted_at must be time-zone aware"):
        extract_log(naive)
    broken = good.assign(metadata=["{", "{}", "{}"])
    with pytest.raises(ValueError, match=r"row ads_campaign_daily / 4815162342 / 2026-08-01: "
                                         "metadata is not JSON"):
        extract_log(broken)
    with pytest.raises(ValueError, match="unsupported language"):
        render_quality(good, [], [], lang="de", as_of=AS_OF, provisional_since={})


def test_write_is_atomic(extracts: pd.DataFrame, tmp_path: Path) -> None:
    target = tmp_path / "quality.html"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(ValueError):
        write_quality(target, extracts, CHECKS, [{"finished_at": None, "success": True}],
                      lang="en", as_of=AS_OF, provisional_since=PROVISIONAL)
    assert target.read_text(encoding="utf-8") == "previous"
    write_quality(target, extracts, CHECKS, RUNS, lang="en", as_of=AS_OF,
                  provisional_since=PROVISIONAL)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(tmp_path.glob("*.partial"))


# -- in Chromium ----------------------------------------------------------------------------------

HOVER_HOSTILE_ROW = """async () => {
  const gd = document.getElementById('calendar'), heat = gd.data[0], layout = gd._fullLayout;
  const row = heat.y.length - 1, col = heat.x.length - 1;  // the hostile property, last day
  Plotly.Fx.hover(gd, {xpx: layout.xaxis.d2p(heat.x[col]), ypx: layout.yaxis.d2p(heat.y[row])});
  await new Promise(r => setTimeout(r, 100));
  return Array.from(gd.querySelectorAll('.hoverlayer text')).map(e => e.textContent).join(' ');
}"""


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_page_opens_cleanly_in_chromium(extracts: pd.DataFrame,
                                            open_page: Callable[..., PageReport], tmp_path: Path,
                                            lang: str) -> None:
    path = write_quality(tmp_path / f"quality.{lang}.html", extracts, CHECKS, RUNS, lang=lang,
                         account=f"Demo {HOSTILE_SCRIPT}", as_of=AS_OF,
                         provisional_since=PROVISIONAL)
    report = open_page(path, name=f"quality-{lang}", probe=HOVER_HOSTILE_ROW)
    assert report.problems == []
    assert report.plots == {"calendar": 1}
    assert f"Demo {HOSTILE_SCRIPT}" in report.body_text
    for hostile in (HOSTILE_IMG, HOSTILE_SCRIPT, HOSTILE_MARKUP):
        assert hostile in report.body_text
    assert f"ga4_sessions_daily · {HOSTILE_IMG}" in report.svg_texts  # the axis label
    assert HOSTILE_IMG in report.probe and _t("q_status_provisional", lang) in report.probe
    assert _t("q_state_failed", lang) in report.body_text
    assert _t("q_flag_subject_to_thresholding", lang) in report.body_text


@pytest.mark.browser
def test_the_empty_page_opens_cleanly(open_page: Callable[..., PageReport],
                                      tmp_path: Path) -> None:
    path = write_quality(tmp_path / "quality-empty.html", pd.DataFrame(), [], [], lang="nl",
                         as_of=AS_OF, provisional_since={})
    report = open_page(path, name="quality-empty-nl")
    assert report.problems == [] and report.plots == {}
    assert _t("q_no_extracts", "nl") in report.body_text
    assert _t("q_no_checks", "nl") in report.body_text and _t("q_no_runs", "nl") in report.body_text


# -- what the run could not compute, and its warnings ----------------------------------------

SKIPPED = pd.DataFrame({
    "table": ["experiment_results", "experiment_results", "customer_clv"],
    "unit": ["experiment_row", "experiment_row", "customer"],
    "reason": ["zero_treatment", "empty_arm", "a_code_from_a_newer_version"],
    "rows": [12, 3, 1_250]})
WARNED = [{"step": "clv_tables", "category": "RuntimeWarning",
           "message": "overflow encountered in multiply", "count": 3},
          {"step": "budget_tables", "category": "OptimizeWarning",
           "message": f"covariance {HOSTILE_MARKUP}", "count": 1}]


@pytest.mark.parametrize(("lang", "what", "why"), [
    ("nl", "12 testresultaten (variant × metriek)", "de variant heeft nog geen conversies"),
    ("fr", "12 résultats de test (variante × métrique)",
     "la variante n'a encore aucune conversion"),
    ("en", "12 test results (arm × metric)", "the variant has no conversions yet"),
])
def test_what_was_not_computed_is_listed_in_words(extracts: pd.DataFrame, lang: str, what: str,
                                                   why: str) -> None:
    html = page(extracts, lang, skipped=SKIPPED, warnings=WARNED)
    section = html[html.index(esc(_t("q_skipped", lang))):]
    rows = section.split('<tr data-reason="')[1:]
    assert [r.split('"')[0] for r in rows] == ["zero_treatment", "empty_arm",
                                               "a_code_from_a_newer_version"]
    assert esc(what) in rows[0] and esc(why) in rows[0]
    grouped = {"nl": "1.250", "fr": "1\u202f250", "en": "1.250"}[lang]  # Babel's *_BE
    assert esc(_t("q_unit_customer", lang).format(count=grouped)) in rows[2]
    assert "a_code_from_a_newer_version" in rows[2]  # an unknown code shows as it is
    warned = html[html.index(esc(_t("q_warnings", lang))):]
    assert "overflow encountered in multiply" in warned and ">3<" in warned


def test_an_empty_run_says_everything_was_computed(extracts: pd.DataFrame) -> None:
    html = page(extracts, "nl", skipped=SKIPPED.iloc[0:0])
    assert esc("Alle waarden zijn berekend.") in html
    assert esc("Geen waarschuwingen bij deze run.") in html


def test_warning_messages_are_escaped(extracts: pd.DataFrame) -> None:
    html = page(extracts, "en", warnings=WARNED)
    assert HOSTILE_MARKUP not in html and esc(HOSTILE_MARKUP) in html


# -- issue 16: the page is written by a run that has not finished yet ----------------------------

THIS_RUN = {"started_at": dt.datetime(2026, 11, 24, 5, 0, tzinfo=dt.UTC), "finished_at": None,
            "success": None, "current": True}  # as assets.dashboards.finished_runs gives it


def test_the_run_writing_the_page_is_named_with_the_one_before_it(extracts: pd.DataFrame) -> None:
    first = page(extracts, "en", runs=[THIS_RUN])  # the very first run: nothing finished yet
    assert "Updated by the run started 24 Nov 2026, 06:00" in first
    assert _t("q_no_runs", "en") not in first and _t("q_no_success", "en") not in first
    later = page(extracts, "nl", runs=[THIS_RUN, *RUNS])
    assert "Bijgewerkt door de run gestart op 24 nov 2026, 06:00" in later
    assert "Vorige geslaagde run: 22 nov 2026, 06:07" in later
    assert "Laatste run mislukt" not in later  # this run, going now, supersedes that failure
    assert last_runs([THIS_RUN, *RUNS]) == last_runs(RUNS)
    with pytest.raises(ValueError, match=r"runs\[0\]\.started_at must be a time-zone aware"):
        page(extracts, "en", runs=[{**THIS_RUN, "started_at": dt.datetime(2026, 11, 24, 5)}])


# -- issue 18: one site, tables as CSV, a phone's width ------------------------------------------


def test_the_header_says_the_period_and_the_account_once(extracts: pd.DataFrame) -> None:
    header = Header(page="quality", account="Zonnig <Huis>", report="reports/2026-W47")
    html = page(extracts, "fr", account="Zonnig <Huis>", header=header)
    assert '<span class="site-period">Situation au 23 nov. 2026</span>' in html
    assert html.count("Zonnig &lt;Huis&gt;") == 2  # the header and the title, not the page line
    assert 'href="budget.fr.html"' in html and 'href="quality.nl.html"' in html
    alone = page(extracts, "fr", account="Zonnig <Huis>")  # no site header: the page says it
    assert "Compte\u202f: Zonnig &lt;Huis&gt; · Situation au 23 nov. 2026" in alone


def test_every_table_is_downloadable_with_raw_numbers(extracts: pd.DataFrame) -> None:
    html = page(extracts, "nl", skipped=SKIPPED, warnings=WARNED)
    for name in ("flags", "checks", "skipped", "warnings"):
        assert re.search(rf'<table class="{name} stack" data-csv="quality-{name}">', html), name
    assert html.count("<table") == 4
    assert 'data-value="3">3</td>' in html  # the warning's count, raw
    assert "<style" not in html  # the page's CSS is in the stylesheet; inline only the
    styled = re.findall(r'<([a-z]+) [^>]*style="([^":;]*)', html)  # legend's colours and the
    assert set(styled) == {("i", "background"), ("div", "height")}  # chart's height


@pytest.mark.browser
def test_a_phone_reads_the_page(extracts: pd.DataFrame, open_page: Callable[..., PageReport],
                                tmp_path: Path) -> None:
    """390 px: nothing wider than the screen but the calendar, which scrolls in its card."""
    path = write_quality(tmp_path / "quality.fr.html", extracts, CHECKS, RUNS, lang="fr",
                         account="Zonnig Huis", as_of=AS_OF, provisional_since=PROVISIONAL,
                         skipped=SKIPPED, warnings=WARNED,
                         header=Header(page="quality", account="Zonnig Huis"))
    probe = """() => {
      const wide = Array.from(document.querySelectorAll('main *')).filter(e =>
        e.getBoundingClientRect().right > window.innerWidth + 1
        && !e.closest('.calendar-wrap')).map(e => e.tagName + '.' + e.className);
      const wrap = document.querySelector('.calendar-wrap');
      return {wide, page: document.documentElement.scrollWidth,
              scrolls: wrap.scrollWidth > wrap.clientWidth,
              labels: Array.from(document.querySelectorAll('table.checks td')).slice(0, 2)
                .map(td => getComputedStyle(td, '::before').content)};
    }"""
    report = open_page(path, name="quality-390-fr", width=390, probe=probe)
    assert report.problems == [] and report.plots == {"calendar": 1}
    assert report.probe["wide"] == [] and report.probe["page"] <= 390
    assert report.probe["scrolls"]  # the 60 days keep their width; the card scrolls
    assert report.probe["labels"] == [f'"{_t("q_col_status", "fr")}"',
                                      f'"{_t("q_col_check", "fr")}"']
    assert report.screenshot is not None and report.screenshot.is_file()


CRM_RATES = pd.DataFrame({
    "match_level": ["click_id", "campaign_id", "campaign_name", "click_id_unresolved", "source",
                    "unmatched"],
    "contacts": [30, 30, 10, 20, 6, 4], "share": [0.3, 0.3, 0.1, 0.2, 0.06, 0.04],
    "resolved": [True, True, True, False, False, False]})


@pytest.mark.parametrize(("lang", "summary", "click"), [
    ("en", "70% of 100 CRM leads matched to a campaign",
     "Click id not in the click view (older than 90 days, or Meta): channel only"),
    ("fr", "70\u00a0% des 100 leads CRM reliés à une campagne",
     "Identifiant de clic absent du click view (plus de 90 jours, ou Meta)\u202f: canal seul"),
    ("nl", "70% van 100 CRM-leads gekoppeld aan een campagne",
     "Klik-ID niet in de click view (ouder dan 90 dagen, of Meta): enkel kanaal")])
def test_the_crm_match_rate_is_a_number_on_the_page(extracts: pd.DataFrame, lang: str,
                                                    summary: str, click: str) -> None:
    html = page(extracts, lang, crm=CRM_RATES)
    assert esc(summary) in html and esc(click) in html
    assert 'data-level="unmatched"' in html and 'class="crm-matches' in html
    assert 'data-level="click_id"' in html and esc(_t("q_crm_level_click_id", lang)) in html
    assert 'class="crm-matches' not in page(extracts, lang)  # no CRM: no block
