"""The trends page: daily (13 weeks) and weekly (whole history) KPI charts with Belgian public
holidays named in the page's language, provisional points, dashed targets, empty states and
escaping; opened in real Chromium.

The ``kpi_values`` frame is synthetic with the warehouse's exact columns and dtypes (period
dates as timestamps), day and week grains at total level, plus channel rows that must be
ignored. 14 May 2026 (Ascension) has planted sums: cost 1 234,50 over 30 purchases
(CPA 41,15) and 60 conversions over 2 400 sessions (2,5 %).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from markupsafe import escape as esc
from plotly.offline import get_plotlyjs

from dashboards.page import figure_json
from dashboards.trends import (
    TREND_METRICS,
    _t,
    country_name,
    holiday_language,
    public_holidays,
    render_trends,
    totals,
    trend_figure,
    write_trends,
)
from kpi.language import LANGUAGES
from kpi.registry import KPIS, MEASURES
from tests.browser import PageReport
from tests.conversion_views import views
from tests.dashboards.conftest import HOSTILE_IMG, HOSTILE_MARKUP, HOSTILE_SCRIPT

FIRST_DAY = dt.date(2025, 12, 29)  # a Monday
LAST_DAY = dt.date(2026, 5, 27)  # a Wednesday: the last week is incomplete
PROVISIONAL_SINCE = LAST_DAY - dt.timedelta(days=29)  # the Ads conversion window
ASCENSION = dt.date(2026, 5, 14)
PAID_SHARE = 0.8  # of leads, purchases and revenue: the rest is organic
TARGETS = {"cpa": 45.0, "roas": 4.0}
COLUMNS = ("grain", "level", "period_start", "period_end", "period_label", "complete",
           "provisional", "series_key", "channel", "campaign_key", "campaign_name",
           "ad_group_key", "ad_group_name", "metric", "kind", "value", "numerator",
           "denominator", "previous_value", "target", "change", "vs_target", "on_target",
           "currency")
WINDOW_NL = [  # the daily window, 26 February to 27 May 2026
    (dt.date(2026, 4, 5), "Pasen"), (dt.date(2026, 4, 6), "Paasmaandag"),
    (dt.date(2026, 5, 1), "Dag van de Arbeid"), (ASCENSION, "O. L. H. Hemelvaart"),
    (dt.date(2026, 5, 24), "Pinksteren"), (dt.date(2026, 5, 25), "Pinkstermaandag")]


def _day(rng: np.random.Generator, day: dt.date) -> dict[str, float]:
    """One day's sums; a fifth of the conversions are organic (not paid), except on the
    planted day (all paid: paid and blended CPA are both 41,15)."""
    sums = _source_day(rng, day)
    share = 1.0 if day == ASCENSION else PAID_SHARE
    return {**sums, **views(sums, share),
            **{m.id: sums.get(m.paid_of, 0.0) * share for m in MEASURES.values() if m.paid_of}}


def _source_day(rng: np.random.Generator, day: dt.date) -> dict[str, float]:
    if day == ASCENSION:
        return {"impressions": 90_000, "clicks": 2_700, "cost": 1234.5, "sessions": 2_400,
                "engaged_sessions": 1_500, "leads": 30, "purchases": 30, "conversions": 60,
                "revenue": 2_800.0}
    impressions = round(rng.uniform(80_000, 110_000))
    clicks = round(impressions * rng.uniform(0.02, 0.035))
    sessions = round(clicks * rng.uniform(0.8, 0.95))
    leads, purchases = round(sessions * rng.uniform(0.01, 0.02)), round(
        sessions * rng.uniform(0.012, 0.02))
    return {"impressions": impressions, "clicks": clicks,
            "cost": round(clicks * rng.uniform(0.6, 0.9), 2), "sessions": sessions,
            "engaged_sessions": round(sessions * rng.uniform(0.5, 0.7)), "leads": leads,
            "purchases": purchases, "conversions": leads + purchases,
            "revenue": round(purchases * rng.uniform(120, 180), 2)}


def _rows(grain: str, start: dt.date, end: dt.date, label: str, sums: dict[str, float],
          previous: dict[str, float | None], *, level: str = "total",
          channel: str | None = None) -> list[dict[str, object]]:
    base = {"grain": grain, "level": level, "period_start": pd.Timestamp(start),
            "period_end": pd.Timestamp(end), "period_label": label,
            "complete": start >= FIRST_DAY and end <= LAST_DAY,
            "provisional": end >= PROVISIONAL_SINCE, "series_key": f"{channel or ''}||",
            "channel": channel, "campaign_key": None, "campaign_name": None,
            "ad_group_key": None, "ad_group_name": None, "currency": "EUR"}
    out = []
    for metric in (*MEASURES, *KPIS):
        if metric in MEASURES:
            value, num, den, kind = float(sums[metric]), None, None, "measure"
        else:
            kpi = KPIS[metric]
            num, den, kind = float(sums[kpi.numerator]), float(sums[kpi.denominator]), "kpi"
            value = kpi.compute(num, den)
        prev = previous.get(metric)
        target = TARGETS.get(metric) if level == "total" else None
        on = None if target is None or value is None else not KPIS[metric].is_better(target,
                                                                                   value)
        out.append({**base, "metric": metric, "kind": kind, "value": value, "numerator": num,
                    "denominator": den, "previous_value": prev, "target": target,
                    "change": None if value is None or not prev else value / prev - 1,
                    "vs_target": None if target is None or value is None else value / target - 1,
                    "on_target": on})
    return out


METRICS = len(MEASURES) + len(KPIS)


def build_values(seed: int = 11) -> pd.DataFrame:
    """``kpi_values`` at total level, grains day and week, plus ignored channel rows."""
    rng = np.random.default_rng(seed)
    days = {FIRST_DAY + dt.timedelta(days=i): {}
            for i in range((LAST_DAY - FIRST_DAY).days + 1)}
    for day in days:
        days[day] = _day(rng, day)
    records: list[dict[str, object]] = []
    previous: dict[str, float | None] = {}
    for day, sums in days.items():
        records += _rows("day", day, day, day.isoformat(), sums, previous)
        previous = {r["metric"]: r["value"] for r in records[-METRICS:]}
    previous, start = {}, FIRST_DAY
    while start <= LAST_DAY:
        end = start + dt.timedelta(days=6)
        week = [s for d, s in days.items() if start <= d <= end]
        sums = {m: sum(s[m] for s in week) for m in MEASURES}
        year, number, _ = start.isocalendar()
        records += _rows("week", start, end, f"{year}-W{number:02d}", sums, previous)
        previous = {r["metric"]: r["value"] for r in records[-METRICS:]}
        start = end + dt.timedelta(days=1)
    for channel in (HOSTILE_IMG, HOSTILE_SCRIPT):  # channel level: not for this page
        records += _rows("day", LAST_DAY, LAST_DAY, LAST_DAY.isoformat(), days[LAST_DAY], {},
                         level="channel", channel=channel)
    frame = pd.DataFrame(records, columns=list(COLUMNS))
    return frame.astype({"period_start": "datetime64[us]", "period_end": "datetime64[us]",
                         "complete": "bool", "provisional": "bool", "value": "float64",
                         "numerator": "float64", "denominator": "float64",
                         "previous_value": "float64", "target": "float64", "change": "float64",
                         "vs_target": "float64", "on_target": "object"})


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    return build_values()


def daily_window(values: pd.DataFrame) -> pd.DataFrame:
    days = totals(values, "day")
    return days[days["period_start"] >= dt.date(2026, 2, 26)]


# -- texts ----------------------------------------------------------------------------------------




def test_texts_fall_back_to_the_shared_dashboard_texts() -> None:
    assert _t("tr_title", "fr") == "Tendances"
    assert _t("legend_target", "nl") == "Doel"  # from dashboards.i18n
    with pytest.raises(KeyError, match=r"'tr_title'.*'de'"):
        _t("tr_title", "de")
    with pytest.raises(KeyError, match=r"'no_such_text'.*'nl'"):
        _t("no_such_text", "nl")


# -- holidays ------------------------------------------------------------------------------------


def test_holiday_languages_and_fallback() -> None:
    assert [holiday_language("BE", lang) for lang in LANGUAGES] == ["nl", "fr", "en_US"]
    assert holiday_language("DE", "nl") == "en_US"  # German calendar: no Dutch names
    assert holiday_language("FR", "fr") == "fr"
    with pytest.raises(ValueError, match="no public-holiday calendar for country 'ZZ'"):
        holiday_language("ZZ", "nl")
    with pytest.raises(ValueError, match="unsupported language 'de'"):
        holiday_language("BE", "de")


@pytest.mark.parametrize(("lang", "ascension", "easter_monday", "labour", "whit_monday"), [
    ("nl", "O. L. H. Hemelvaart", "Paasmaandag", "Dag van de Arbeid", "Pinkstermaandag"),
    ("fr", "Ascension", "Lundi de Pâques", "Fête du Travail", "Lundi de Pentecôte"),
    ("en", "Ascension Day", "Easter Monday", "Labor Day", "Pentecost Monday"),
])
def test_belgian_holiday_names(lang: str, ascension: str, easter_monday: str, labour: str,
                               whit_monday: str) -> None:
    found = dict(public_holidays(dt.date(2026, 1, 1), dt.date(2026, 12, 31), lang))
    assert len(found) == 12  # Belgium's public holidays in 2026
    assert found[ASCENSION] == ascension
    assert found[dt.date(2026, 4, 6)] == easter_monday
    assert found[dt.date(2026, 5, 1)] == labour
    assert found[dt.date(2026, 5, 25)] == whit_monday


def test_holidays_in_a_window_and_in_other_countries() -> None:
    assert public_holidays(dt.date(2026, 2, 26), LAST_DAY, "nl") == WINDOW_NL
    assert public_holidays(dt.date(2025, 12, 30), dt.date(2026, 1, 2), "fr") == [
        (dt.date(2026, 1, 1), "Nouvel An")]  # across a year boundary
    assert public_holidays(dt.date(2026, 5, 10), dt.date(2026, 5, 20), "nl", "DE") == [
        (ASCENSION, "Ascension Day")]  # no Dutch names for Germany: English
    assert public_holidays(LAST_DAY, FIRST_DAY, "nl") == []
    assert [country_name("BE", lang) for lang in LANGUAGES] == ["België", "Belgique", "Belgium"]


# -- figures --------------------------------------------------------------------------------------


def test_daily_chart_names_holidays_marks_provisional_and_targets(values: pd.DataFrame) -> None:
    window = daily_window(values)
    fig = go.Figure(trend_figure(window, "cpa", "nl", "EUR", WINDOW_NL, daily=True))
    assert fig is not None
    target, provisional, final = fig.data
    assert target.line.dash == "dash" and set(target.y) == {45.0}
    assert provisional.line.dash == "dot" and final.line.dash is None
    days = [dt.date.fromisoformat(x) for x in final.x]
    assert len(days) == 91 and days[0] == dt.date(2026, 2, 26) and days[-1] == LAST_DAY
    flagged = [d >= PROVISIONAL_SINCE for d in days]
    assert [y is None for y in final.y] == flagged  # the solid line skips provisional days
    assert all(y is not None for y, f in zip(provisional.y, flagged, strict=True) if f)
    assert [s.x0 for s in fig.layout.shapes] == [d.isoformat() for d, _ in WINDOW_NL]
    assert {s.line.dash for s in fig.layout.shapes} == {"dot"}
    assert [a.text for a in fig.layout.annotations] == [
        "Pasen / Paasmaandag", "Dag van de Arbeid", "O. L. H. Hemelvaart",
        "Pinksteren / Pinkstermaandag"]
    assert {a.textangle for a in fig.layout.annotations} == {-90}
    assert fig.layout.annotations[2].hovertext == "14 mei 2026: O. L. H. Hemelvaart"
    i = days.index(ASCENSION)
    assert list(provisional.customdata[i]) == ["do 14 mei 2026", "€\xa041,15", "Voorlopig",
                                              "<br>★ O. L. H. Hemelvaart"]


@pytest.mark.parametrize(("lang", "day", "cpa", "rate"), [
    ("nl", "do 14 mei 2026", "€\xa041,15", "2,5%"),
    ("fr", "jeu. 14 mai 2026", "41,15\xa0€", "2,5\xa0%"),
    ("en", "Thu, 14 May 2026", "41,15\xa0€", "2,5%"),
])
def test_hover_values_are_formatted_for_the_locale(values: pd.DataFrame, lang: str, day: str,
                                                   cpa: str, rate: str) -> None:
    window = daily_window(values)
    marks = public_holidays(dt.date(2026, 2, 26), LAST_DAY, lang)
    cpa_fig = go.Figure(trend_figure(window, "cpa", lang, "EUR", marks, daily=True))
    rate_fig = go.Figure(trend_figure(window, "conversion_rate", lang, "EUR", marks, daily=True))
    i = list(cpa_fig.data[-1].x).index(ASCENSION.isoformat())
    assert list(cpa_fig.data[-1].customdata[i][:2]) == [day, cpa]
    assert list(rate_fig.data[-1].customdata[i][:2]) == [day, rate]
    assert rate_fig.data[-1].y[i] is None and rate_fig.data[-2].y[i] == pytest.approx(2.5)


def test_weekly_chart_marks_holidays_by_hover(values: pd.DataFrame) -> None:
    weeks = totals(values, "week")
    marks = public_holidays(FIRST_DAY, dt.date(2026, 5, 31), "en")
    assert len(marks) == 7  # New Year, Easter ×2, Labour Day, Ascension, Pentecost ×2
    fig = go.Figure(trend_figure(weeks, "roas", "en", "EUR", marks, daily=False))
    assert len(fig.layout.shapes) == 7
    assert [a.text for a in fig.layout.annotations] == ["▾"] * 5
    assert fig.layout.annotations[0].hovertext == "01 Jan 2026: New Year&#x27;s Day"
    assert fig.layout.annotations[1].hovertext == (
        "05 Apr 2026: Easter Sunday<br>06 Apr 2026: Easter Monday")
    final, provisional = fig.data[-1], fig.data[-2]
    assert final.y[-1] is None and provisional.y[-1] is not None  # the incomplete last week
    week = list(final.x).index("2026-05-11")
    assert provisional.customdata[week][0] == "Week 20 · 11–17 May 2026"
    assert provisional.customdata[week][3] == "<br>★ Ascension Day"


@pytest.mark.parametrize("daily", [True, False])
def test_a_plain_spec_writes_the_json_plotly_writes_for_the_same_figure(
        values: pd.DataFrame, daily: bool) -> None:
    rows = totals(values, "day" if daily else "week")
    marks = public_holidays(FIRST_DAY, dt.date(2026, 5, 31), "fr")
    spec = trend_figure(rows, "cpa", "fr", "EUR", marks, daily=daily)
    validated = go.Figure(spec)  # Plotly's validation: an unknown property would raise here
    assert json.loads(figure_json(spec)) == json.loads(validated.to_json())
    assert json.loads(figure_json(validated)) == json.loads(validated.to_json())


def test_a_metric_without_values_has_no_chart(values: pd.DataFrame) -> None:
    empty = totals(values, "day").assign(value=np.nan)
    assert trend_figure(empty, "cpa", "en", "EUR", [], daily=True) is None


# -- the page -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "until", "country", "item"), [
    ("nl", "Gegevens tot en met 27 mei 2026", "Feestdagen: België",
     '<li><span class="meta">do 14 mei 2026</span> O. L. H. Hemelvaart</li>'),
    ("fr", "Données jusqu&#39;au 27 mai 2026 inclus", "Jours fériés\u202f: Belgique",
     '<li><span class="meta">jeu. 14 mai 2026</span> Ascension</li>'),
    ("en", "Data up to and including 27 May 2026", "Public holidays: Belgium",
     '<li><span class="meta">Thu, 14 May 2026</span> Ascension Day</li>'),
])
def test_page_header_charts_and_holiday_lists(values: pd.DataFrame, lang: str, until: str,
                                              country: str, item: str) -> None:
    page = render_trends(values, lang=lang, account="Zonnig Huis")
    assert until in page and country in page and item in page
    assert page.count(item) == 2  # in the daily window's list and in the whole history's
    assert esc(_t("tr_holidays_all", lang).format(count=7)) in page
    assert esc(_t("tr_daily", lang).format(weeks=13)) in page
    for metric in TREND_METRICS:
        assert f'id="daily-{metric}"' in page and f'id="weekly-{metric}"' in page


def test_weekly_only_input_says_there_are_no_daily_figures(kpi_values: pd.DataFrame) -> None:
    page = render_trends(kpi_values, lang="nl")  # the shared fixture: week grain, dates
    assert "Geen dagcijfers" in page and "Gegevens tot en met" not in page
    assert all(f'id="weekly-{m}"' in page for m in TREND_METRICS)
    assert 'id="daily-' not in page


def test_no_data_yet() -> None:
    page = render_trends(pd.DataFrame(), lang="fr")
    assert esc(_t("tr_no_data_hint", "fr")) in page
    assert page.count(esc(_t("no_data", "fr"))) == 1 and len(page) < 50_000


def test_hostile_strings_never_appear_unescaped(values: pd.DataFrame) -> None:
    page = render_trends(values, lang="en", account=f"Demo {HOSTILE_SCRIPT} {HOSTILE_MARKUP}")
    rest = page.replace(get_plotlyjs(), "")
    for hostile in (HOSTILE_IMG, HOSTILE_SCRIPT, HOSTILE_MARKUP, "<script>alert"):
        assert hostile not in rest
    assert rest.lower().count("<script") == 3  # plotly.js and site files, the figures
    assert esc(f"Demo {HOSTILE_SCRIPT} {HOSTILE_MARKUP}") in rest
    assert "onerror" not in rest  # channel rows are not on this page at all
    assert "http://" not in rest and "https://" not in rest


def test_bad_input_is_named(values: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"missing column\(s\) \['target'\]"):
        render_trends(values.drop(columns=["target"]), lang="en")
    mixed = values.copy()
    mixed.loc[mixed.index[:5], "currency"] = "USD"
    with pytest.raises(ValueError, match=r"mixes currencies \['EUR', 'USD'\]"):
        render_trends(mixed, lang="en")
    with pytest.raises(ValueError, match="no public-holiday calendar for country 'XX'"):
        render_trends(values, lang="en", country="XX")


def test_write_is_atomic(values: pd.DataFrame, tmp_path: Path) -> None:
    target = tmp_path / "trends.html"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(ValueError):
        write_trends(target, values, lang="en", country="XX")
    assert target.read_text(encoding="utf-8") == "previous"
    write_trends(target, values, lang="nl")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(tmp_path.glob("*.partial"))


# -- in Chromium ----------------------------------------------------------------------------------

HOVER_ASCENSION = """async () => {
  const shown = {};  // traces drawn (not hidden by the period switch) with points, per chart
  document.querySelectorAll('.js-plotly-plot').forEach(g => {
    shown[g.id] = g.data.filter(tr => tr.visible !== false && (tr.x || []).some(
      (x, i) => x != null && (tr.y || [])[i] != null)).length;
  });
  const gd = document.getElementById('daily-cpa');
  const curve = gd.data.findIndex(tr => tr.line && tr.line.dash === 'dot');
  Plotly.Fx.hover(gd, [{curveNumber: curve,
                        pointNumber: gd.data[curve].x.indexOf('2026-05-14')}]);
  await new Promise(r => setTimeout(r, 100));
  return {shown: shown, hover: Array.from(gd.querySelectorAll('.hoverlayer text'))
    .map(e => e.textContent).join(' ')};
}"""


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "ascension", "pentecost", "cpa"), [
    ("nl", "O. L. H. Hemelvaart", "Pinksteren / Pinkstermaandag", "€\xa041,15"),
    ("fr", "Ascension", "Pentecôte / Lundi de Pentecôte", "41,15\xa0€"),
    ("en", "Ascension Day", "Pentecost / Pentecost Monday", "41,15\xa0€"),
])
def test_the_page_opens_cleanly_in_chromium(values: pd.DataFrame,
                                            open_page: Callable[..., PageReport], tmp_path: Path,
                                            lang: str, ascension: str, pentecost: str,
                                            cpa: str) -> None:
    account = f"Demo {HOSTILE_SCRIPT} {HOSTILE_IMG} {HOSTILE_MARKUP}"
    path = write_trends(tmp_path / f"trends.{lang}.html", values, lang=lang, account=account)
    report = open_page(path, name=f"trends-{lang}", probe=HOVER_ASCENSION)
    assert report.problems == []
    assert set(report.plots) == {f"{kind}-{m}" for kind in ("daily", "weekly")
                                 for m in TREND_METRICS}
    with_target = {f"{kind}-{m}" for kind in ("daily", "weekly") for m in TARGETS}
    shown = report.probe["shown"]  # the other periods' traces wait hidden for the switch
    assert set(shown) == set(report.plots) and all(n >= 2 for n in report.plots.values())
    assert all(n == (3 if fid in with_target else 2) for fid, n in shown.items()), \
        shown  # final, provisional (and target) lines all have points
    assert account in report.body_text
    assert report.svg_texts.count(ascension) == len(TREND_METRICS)  # on each daily chart
    assert report.svg_texts.count(pentecost) == len(TREND_METRICS)
    assert ascension in report.probe["hover"] and cpa in report.probe["hover"], report.probe


@pytest.mark.browser
def test_the_empty_page_opens_cleanly(open_page: Callable[..., PageReport],
                                      tmp_path: Path) -> None:
    path = write_trends(tmp_path / "trends-empty.html", pd.DataFrame(), lang="nl")
    report = open_page(path, name="trends-empty-nl")
    assert report.problems == [] and report.plots == {}
    assert _t("tr_no_data_hint", "nl") in report.body_text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_blended_kpis_have_their_own_labelled_charts(values: pd.DataFrame,
                                                         lang: str) -> None:
    page = render_trends(values, lang=lang)
    for paid, blended in (("cpa", "cpa_blended"), ("cpl", "cpl_blended"),
                          ("roas", "roas_blended")):
        assert TREND_METRICS.index(blended) == TREND_METRICS.index(paid) + 1
        assert f"<h3>{esc(KPIS[blended].label(lang))}</h3>" in page, (blended, lang)
        assert f'id="daily-{blended}"' in page and f'id="weekly-{blended}"' in page
    day = totals(values, "day").set_index(["period_start", "metric"])["value"]
    normal = ASCENSION - dt.timedelta(days=2)  # a fifth of the purchases are organic
    assert day[normal, "cpa"] == pytest.approx(day[normal, "cpa_blended"] / PAID_SHARE)
