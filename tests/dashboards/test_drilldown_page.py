"""The drill-down page: channel → campaign → ad group over four periods, ratio-of-sums KPIs,
changes against the preceding period, targets, filters kept in the URL hash, empty states and
hostile names; opened in Chromium.

The ``kpi_values`` frame is synthetic with the warehouse's columns and dtypes: 21 ISO weeks
(the last one incomplete) × 3 channels (one with a hostile name), 8 campaigns (one named
``<img src=x onerror=alert(1)>``) and 20 ad groups, where every campaign, channel and total row
is the exact sum of its children. CPA has an account target of 45 and 30 on the brand campaign.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape
from playwright.sync_api import Browser

from dashboards.drilldown import (
    KPI_CHOICES,
    TABLE_METRICS,
    _t,
    colour,
    map_data,
    render_drilldown,
    write_drilldown,
)
from dashboards.drilldown_data import (
    entities,
    latest_targets,
    period_sums,
    periods,
    records,
    tree_order,
    week_rows,
)
from dashboards.site import Header
from kpi.language import LANGUAGES
from kpi.language.format import format_change, format_value
from kpi.registry import KPIS, MEASURES
from tests.browser import PageReport
from tests.conversion_views import views
from tests.dashboards.conftest import HOSTILE_IMG, HOSTILE_MARKUP, HOSTILE_SCRIPT

FIRST = dt.date(2026, 7, 6)  # a Monday
WEEKS = 21  # 6 July to 29 November 2026; the last week is incomplete
PROVISIONAL_SINCE = dt.date(2026, 11, 10)
LATEST = dt.date(2026, 11, 16)  # week 47, the latest complete week
TREE = {
    "Paid Search": {
        "Search – Heat pumps": ("Heat pump prices", "Hybrid heat pump", "Air-water heat pump"),
        "Search – Brand": ("Brand – NL", "Brand – FR"),
        "Search – Solar": ("Solar panel prices", "Solar installer", "Home battery"),
    },
    "Paid Social": {
        "Meta – Prospecting": ("Lookalike 1 %", "Interests – energy"),
        "Meta – Retargeting": ("Site visitors 30 d", "Cart abandoners"),
        HOSTILE_IMG: ("Hostile ad group", HOSTILE_MARKUP),
    },
    HOSTILE_SCRIPT: {
        "Display – Remarketing": ("Quote form visitors", "Webshop visitors", "Blog readers"),
        "Video – YouTube": ("Bumper NL", "Bumper FR", "In-stream"),
    },
}
LATE_START = {"Home battery": 12}  # launched in week 12: absent from older periods
TARGETS = {"cpa": 45.0}
BRAND_CPA = 30.0


def esc(text: object) -> str:
    """Text as the autoescaped page writes it."""
    return str(escape(text))


COLUMNS = ("grain", "level", "period_start", "period_end", "period_label", "complete",
           "provisional", "series_key", "channel", "campaign_key", "campaign_name",
           "ad_group_key", "ad_group_name", "metric", "kind", "value", "numerator",
           "denominator", "previous_value", "change", "target", "vs_target", "on_target",
           "currency")


def _week_sums(rng: np.random.Generator, size: float, days: int) -> dict[str, float]:
    impressions = round(rng.uniform(8_000, 30_000) * size * days / 7)
    clicks = round(impressions * rng.uniform(0.01, 0.05))
    sessions = round(clicks * rng.uniform(0.75, 0.95))
    leads = round(sessions * rng.uniform(0, 0.04))
    purchases = round(sessions * rng.uniform(0, 0.05))
    sums = {"impressions": impressions, "clicks": clicks,
            "cost": round(clicks * rng.uniform(0.4, 2.2), 2), "sessions": sessions,
            "engaged_sessions": round(sessions * rng.uniform(0.4, 0.7)), "leads": leads,
            "purchases": purchases, "conversions": leads + purchases,
            "revenue": round(purchases * rng.uniform(40, 160), 2)}
    # Every campaign here is a paid one: its paid facts are all of its facts.
    return {**sums, **views(sums), **{m.id: sums.get(m.paid_of, 0.0) for m in MEASURES.values()
                                      if m.paid_of}}


def _add(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    return {m: a.get(m, 0) + b[m] for m in MEASURES}


def _metric_rows(base: dict[str, object], sums: dict[str, float],
                 targets: dict[str, float]) -> list[dict[str, object]]:
    rows = [{**base, "metric": m, "kind": "measure", "value": float(sums[m])} for m in MEASURES]
    for kpi in KPIS.values():
        num, den = float(sums[kpi.numerator]), float(sums[kpi.denominator])
        value, target = kpi.compute(num, den), targets.get(kpi.id)
        rows.append({**base, "metric": kpi.id, "kind": "kpi", "value": value, "numerator": num,
                     "denominator": den, "target": target,
                     "vs_target": None if value is None or target is None else value / target - 1,
                     "on_target": None if value is None or target is None
                     else not kpi.is_better(target, value)})
    return rows


def build_values(seed: int = 5, *, provisional: bool = True) -> pd.DataFrame:
    """``kpi_values`` at week grain, four levels, parents the exact sums of their children."""
    rng = np.random.default_rng(seed)
    sizes = {ag: rng.uniform(0.3, 3) for c in TREE.values() for ags in c.values() for ag in ags}
    records: list[dict[str, object]] = []
    for w in range(WEEKS):
        start = FIRST + dt.timedelta(weeks=w)
        end = start + dt.timedelta(days=6)
        days = 7 if w < WEEKS - 1 else 3  # data up to Wednesday 25 November
        week = {"grain": "week", "period_start": pd.Timestamp(start),
                "period_end": pd.Timestamp(end), "period_label": f"2026-W{start.isocalendar()[1]}",
                "complete": w < WEEKS - 1, "provisional": provisional and end >= PROVISIONAL_SINCE,
                "currency": "EUR"}
        total: dict[str, float] = {}
        for ci, (channel, campaigns) in enumerate(TREE.items()):
            channel_sums: dict[str, float] = {}
            for pi, (campaign, ad_groups) in enumerate(campaigns.items()):
                ckey, campaign_sums = f"gads:{ci}{pi}", {}
                targets = {"cpa": BRAND_CPA} if campaign == "Search – Brand" else TARGETS
                for ai, ad_group in enumerate(ad_groups):
                    if w < LATE_START.get(ad_group, 0):
                        continue
                    sums = _week_sums(rng, sizes[ad_group], days)
                    akey = f"{ckey}:{ai}"
                    records += _metric_rows({**week, "level": "ad_group", "channel": channel,
                                             "campaign_key": ckey, "campaign_name": campaign,
                                             "ad_group_key": akey, "ad_group_name": ad_group,
                                             "series_key": f"{channel}|{ckey}|{akey}"},
                                            sums, targets)
                    campaign_sums = _add(campaign_sums, sums)
                records += _metric_rows({**week, "level": "campaign", "channel": channel,
                                         "campaign_key": ckey, "campaign_name": campaign,
                                         "series_key": f"{channel}|{ckey}|"}, campaign_sums,
                                        targets)
                channel_sums = _add(channel_sums, campaign_sums)
            records += _metric_rows({**week, "level": "channel", "channel": channel,
                                     "series_key": f"{channel}||"}, channel_sums, TARGETS)
            total = _add(total, channel_sums)
        records += _metric_rows({**week, "level": "total", "series_key": "||"}, total, TARGETS)
    frame = pd.DataFrame(records, columns=list(COLUMNS))
    return frame.astype({"period_start": "datetime64[us]", "period_end": "datetime64[us]",
                         "complete": "bool", "provisional": "bool", "value": "float64",
                         "numerator": "float64", "denominator": "float64",
                         "previous_value": "float64", "change": "float64", "target": "float64",
                         "vs_target": "float64", "on_target": "object"})


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    return build_values()


@pytest.fixture(scope="module")
def page_en(values: pd.DataFrame) -> str:
    return render_drilldown(values, lang="en", account="Zonnig Huis")


def weeks(last: dt.date, n: int) -> tuple[dt.date, ...]:
    return tuple(last - dt.timedelta(weeks=i) for i in reversed(range(n)))


def fixture_sum(values: pd.DataFrame, metric: str, starts: tuple[dt.date, ...],
                **where: str) -> float:
    """A measure summed straight from the fixture's rows (independently of the page code)."""
    rows = values[(values["metric"] == metric)
                  & values["period_start"].dt.date.isin(starts)]
    for col, value in where.items():
        rows = rows[rows[col] == value]
    return float(rows["value"].sum())


class Tables(HTMLParser):
    """The page's tables: period -> rows of {attrs, cells} with the text of every cell."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tables: dict[str, list[dict]] = {}
        self._rows: list[dict] | None = None
        self._row: dict | None = None
        self._cell: list[str] | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and "data-period" in a:
            self._rows = self.tables.setdefault(str(a["data-period"]), [])
        elif tag == "tr" and self._rows is not None:
            self._row = {"attrs": a, "cells": []}
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row["cells"].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._rows is not None and self._row is not None:
            self._rows.append(self._row)
            self._row = None
        elif tag == "table":
            self._rows = None

    def row(self, period: str, name: str, level: str | None = None) -> dict[str, str]:
        """metric -> cell text of the row named ``name`` (and ``chg:<kpi>``, ``tgt:<kpi>``)."""
        found = [r for r in self.tables[period] if r["cells"] and r["cells"][0] == name
                 and (level is None or r["attrs"].get("data-level") == level)]
        assert len(found) == 1, (period, name, len(found))
        cells = found[0]["cells"]
        out = dict(zip(TABLE_METRICS, cells[1:], strict=False))
        for i, k in enumerate(KPI_CHOICES):
            out[f"chg:{k}"], out[f"tgt:{k}"] = cells[10 + 2 * i], cells[11 + 2 * i]
        return out | {"attrs": found[0]["attrs"]}


def money(value: float, lang: str = "en") -> str:
    return format_value(value, "currency", lang, "EUR")


# -- texts ----------------------------------------------------------------------------------------




def test_texts_fall_back_to_the_shared_texts() -> None:
    assert _t("dd_all_channels", "fr") == "Tous les canaux"
    assert _t("target", "nl") == "Doel"  # from dashboards.i18n
    with pytest.raises(KeyError, match=r"'dd_title'.*'de'"):
        _t("dd_title", "de")


# -- periods and sums -----------------------------------------------------------------------------


def test_periods_are_whole_weeks_with_an_equal_previous_period(values: pd.DataFrame) -> None:
    found = {p.key: p for p in periods(week_rows(values))}
    assert list(found) == ["1w", "4w", "13w", "mtd"]
    assert found["1w"].weeks == (LATEST,) and found["1w"].previous == (LATEST - dt.timedelta(7),)
    assert found["4w"].weeks == weeks(LATEST, 4)
    assert found["4w"].previous == weeks(LATEST - dt.timedelta(weeks=4), 4)
    assert found["13w"].weeks == weeks(LATEST, 13) and found["13w"].previous == ()  # no data
    # November to date: the weeks whose Thursday is in November (2, 9 and 16 November)
    assert found["mtd"].weeks == weeks(LATEST, 3)
    assert found["mtd"].previous == weeks(dt.date(2026, 10, 26), 3)
    assert all(p.provisional for p in found.values())
    calm = periods(week_rows(build_values(provisional=False)))
    assert not any(p.provisional for p in calm)


def test_multi_week_kpis_are_ratios_of_sums(values: pd.DataFrame) -> None:
    rows, four = week_rows(values), weeks(LATEST, 4)
    sums = period_sums(rows, four)
    brand = {"level": "campaign", "campaign_name": "Search – Brand"}
    node = rows.loc[(rows["level"] == "campaign")
                    & (rows["campaign_name"] == "Search – Brand"), "node"].iloc[0]
    cost, purchases = (fixture_sum(values, m, four, **brand) for m in ("cost", "purchases"))
    assert sums.at[node, "cpa"] == pytest.approx(cost / purchases, rel=1e-12)
    weekly = [fixture_sum(values, "cost", (w,), **brand)
              / fixture_sum(values, "purchases", (w,), **brand) for w in four]
    assert abs(np.mean(weekly) - cost / purchases) > 0.5  # the mean of weekly CPAs is wrong
    clicks, impressions = (fixture_sum(values, m, four, **brand) for m in ("clicks", "impressions"))
    assert sums.at[node, "cpm"] == pytest.approx(cost / impressions * 1000)
    assert sums.at[node, "ctr"] == pytest.approx(clicks / impressions)


def test_unpaid_traffic_has_no_cost_per_conversion(values: pd.DataFrame) -> None:
    rows, four = week_rows(values), weeks(LATEST, 4)
    node = rows["node"].iloc[0]
    free = rows.copy()
    mine = free["node"] == node
    free.loc[mine & (free["metric"] == "cost"), "value"] = 0.0
    free.loc[mine & free["metric"].isin(["cpa", "cpl", "cpc", "cpm"]), "numerator"] = 0.0
    sums = period_sums(free, four)
    assert sums.at[node, "cost"] == 0
    assert sums.loc[node, ["cpa", "cpl", "cpc", "cpm"]].isna().all()  # shown as "–", not 0 €
    assert sums.at[node, "ctr"] == pytest.approx(period_sums(rows, four).at[node, "ctr"])


def test_the_table_shows_ratio_of_sums_and_channels_sum_their_campaigns(page_en: str,
                                                                        values: pd.DataFrame
                                                                        ) -> None:
    tables, four = Tables(page_en), weeks(LATEST, 4)
    brand = {"campaign_name": "Search – Brand", "level": "campaign"}
    cost, purchases = (fixture_sum(values, m, four, **brand) for m in ("cost", "purchases"))
    row = tables.row("4w", "Search – Brand", "campaign")
    assert row["cost"] == money(cost) and row["cpa"] == money(cost / purchases)
    for channel, campaigns in TREE.items():
        ch = tables.row("4w", channel, "channel")
        parts = [fixture_sum(values, "cost", four, level="campaign", campaign_name=c)
                 for c in campaigns]
        assert ch["cost"] == money(sum(parts))
        assert ch["cost"] == money(fixture_sum(values, "cost", four, level="channel",
                                               channel=channel))
    total = next(r for r in tables.tables["4w"] if r["cells"][:1] == ["Total, all channels"])
    assert total["cells"][1] == money(fixture_sum(values, "cost", four, level="total"))


def test_rows_are_sorted_by_cost_within_each_parent(page_en: str) -> None:
    rows = [r for r in Tables(page_en).tables["13w"] if "data-id" in r["attrs"]]
    by_parent: dict[str, list[float]] = {}
    for r in rows:
        number = float(r["cells"][1].replace("€", "").replace(".", "").replace(",", ".").strip())
        by_parent.setdefault(r["attrs"]["data-parent"], []).append(number)
    assert len(by_parent) == 1 + 3 + 8  # the channels, then per channel and per campaign
    assert all(costs == sorted(costs, reverse=True) for costs in by_parent.values())
    levels = [r["attrs"]["data-level"] for r in rows]
    assert levels.count("channel") == 3 and levels.count("campaign") == 8
    assert levels.count("ad_group") == 20


def test_change_against_the_previous_period_and_target_pills(page_en: str,
                                                             values: pd.DataFrame) -> None:
    tables, four, before = Tables(page_en), weeks(LATEST, 4), weeks(dt.date(2026, 10, 19), 4)
    brand = {"campaign_name": "Search – Brand", "level": "campaign"}
    now, then = ([fixture_sum(values, m, w, **brand) for m in ("cost", "purchases")]
                 for w in (four, before))
    cpa_now, cpa_then = now[0] / now[1], then[0] / then[1]
    row = tables.row("4w", "Search – Brand", "campaign")
    change = format_change(cpa_now / cpa_then - 1, "en")
    assert row["chg:cpa"].endswith(change) and row["tgt:cpa"].endswith(
        format_change(cpa_now / BRAND_CPA - 1, "en"))  # the campaign's own target
    assert ("▲" if cpa_now > cpa_then else "▼") in row["chg:cpa"]
    assert (" cpa " in f" {row['attrs']['data-off']} ") == (cpa_now > BRAND_CPA)
    assert tables.row("13w", "Search – Brand", "campaign")["chg:cpa"] == "–"  # no data before
    assert esc(_t("dd_no_previous", "en")) in page_en


def test_provisional_periods_get_the_badge(values: pd.DataFrame, page_en: str) -> None:
    badge = f'<span class="badge">{_t("provisional", "en")}</span>'
    assert page_en.count(badge) == 4  # every period holds the provisional week 47
    calm = render_drilldown(build_values(provisional=False), lang="en")
    assert badge not in calm


def test_treemap_areas_add_up_and_colours_follow_the_target(values: pd.DataFrame) -> None:
    rows = week_rows(values)
    sums, ents = records(period_sums(rows, (LATEST,))), entities(rows)
    data = map_data(tree_order(ents, sums), ents, (sums, {}, records(latest_targets(rows))),
                    "en", "EUR")
    assert sum(data["values"]) == pytest.approx(sums["all"]["cost"], abs=0.05)
    assert len(data["ids"]) == 1 + 3 + 8 + 20 and data["parents"][0] == ""
    assert colour(KPIS["cpa"], 60.0, 45.0).startswith("#") and colour(KPIS["cpa"], None, 45) \
        == "#c5cbd3"
    red, green = colour(KPIS["cpa"], 90.0, 45.0), colour(KPIS["cpa"], 20.0, 45.0)
    assert red == "#d94841" and green == "#16a36e"  # saturated beyond 50 % off
    assert colour(KPIS["roas"], 9.0, 4.0) == green  # higher is better for ROAS


# -- states, errors, escaping ---------------------------------------------------------------------


def test_empty_input_says_no_data() -> None:
    page = render_drilldown(pd.DataFrame(), lang="nl")
    assert esc(_t("no_data", "nl")) in page and esc(_t("dd_no_data_hint", "nl")) in page
    assert 'id="dd-map"' not in page and "plotly-" not in page


def test_without_campaign_rows_the_page_says_so(values: pd.DataFrame) -> None:
    page = render_drilldown(values[values["level"].isin(["total", "channel"])], lang="fr")
    assert esc(_t("dd_no_campaigns", "fr")) in page
    assert esc(_t("dd_no_campaigns_hint", "fr")) in page
    assert 'id="dd-map"' not in page and "plotly-" not in page


def test_bad_input_is_named(values: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"missing column\(s\) \['numerator', 'target'\]"):
        render_drilldown(values.drop(columns=["target", "numerator"]), lang="en")
    mixed = values.copy()
    mixed.loc[mixed.index[:3], "currency"] = "USD"
    with pytest.raises(ValueError, match=r"mixes currencies \['EUR', 'USD'\]"):
        render_drilldown(mixed, lang="en")
    with pytest.raises(ValueError, match="unsupported language 'de'"):
        render_drilldown(values, lang="de")


def test_hostile_names_appear_only_escaped(values: pd.DataFrame, page_en: str) -> None:
    page = render_drilldown(values, lang="en", account=HOSTILE_MARKUP)
    for hostile in (HOSTILE_IMG, HOSTILE_SCRIPT, HOSTILE_MARKUP, "<script>alert", "<img"):
        assert hostile not in page
    assert page.lower().count("<script") == 4  # plotly.js, site file, the figure, own script
    assert esc(HOSTILE_IMG) in page and esc(HOSTILE_SCRIPT) in page
    for forbidden in ("innerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert forbidden not in page
    row = Tables(page).row("1w", HOSTILE_IMG, "campaign")  # the parser decodes the text
    assert row["attrs"]["data-channel"] == "Paid Social"


@pytest.mark.parametrize(("lang", "title", "total"), [
    ("nl", "Drill-down: kanalen en campagnes", "Totaal, alle kanalen"),
    ("fr", "Détail par canal et campagne", "Total, tous les canaux"),
    ("en", "Drill-down: channels and campaigns", "Total, all channels"),
])
def test_every_language_renders(values: pd.DataFrame, lang: str, title: str,
                                total: str) -> None:
    page = render_drilldown(values, lang=lang)
    assert esc(title) in page and esc(total) in page
    cost = fixture_sum(values, "cost", (LATEST,), level="total")
    assert esc(money(cost, lang)) in page
    assert f'<html lang="{ {"nl": "nl-BE", "fr": "fr-BE", "en": "en-BE"}[lang] }">' in page


def test_write_is_atomic_and_the_page_stays_small(values: pd.DataFrame,
                                                         tmp_path: Path) -> None:
    target = tmp_path / "drilldown.html"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(ValueError):
        write_drilldown(target, values, lang="xx")
    assert target.read_text(encoding="utf-8") == "previous"
    write_drilldown(target, values, lang="en")
    assert target.stat().st_size < 400_000 and not list(tmp_path.glob("*.partial"))


# -- in Chromium ----------------------------------------------------------------------------------

PROBE = """async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms)), out = {};
  const gd = document.getElementById('dd-map');
  const shown = () => Array.from(document.querySelectorAll(
    'table.dd-table:not([hidden]) tbody tr[data-id]:not([hidden])'));
  const set = (id, v) => { const el = document.getElementById(id); el.value = v;
    el.dispatchEvent(new Event(el.type === 'search' ? 'input' : 'change')); };
  const total = () => document.querySelector(
    'table.dd-table:not([hidden]) tfoot td:nth-child(2)').textContent;
  out.nodes = gd.data[0].ids.length;
  out.slices = gd.querySelectorAll('g.slice').length;
  out.initial = shown().map(r => r.dataset.level);
  set('dd-channel', 'Paid Social');
  out.channel = shown().map(r => [r.dataset.level, r.dataset.channel]);
  out.level = gd.data[0].level;
  out.hash = location.hash;
  set('dd-channel', '');
  const first = shown()[0], button = first.querySelector('button.tog');
  button.click();
  out.expanded = [button.getAttribute('aria-expanded'),
                  shown().filter(r => r.dataset.parent === first.dataset.id).length,
                  document.querySelectorAll(
                    `table:not([hidden]) tr[data-parent="${first.dataset.id}"]`).length];
  set('dd-q', 'HYBRID');
  out.search = shown().map(r => r.cells[0].textContent);
  set('dd-q', '');
  out.total1w = total();
  out.map1w = gd.data[0].customdata[0][0];
  set('dd-period', '4w');
  await sleep(50);
  out.total4w = total();
  out.map4w = gd.data[0].customdata[0][0];
  set('dd-kpi', 'roas');
  await sleep(50);
  out.text = gd.data[0].text[0];
  out.heads = Array.from(document.querySelectorAll('table.dd-table:not([hidden]) thead th'))
    .filter(th => getComputedStyle(th).display !== 'none').map(th => th.textContent).slice(-2);
  set('dd-channel', 'Paid Social');
  const hostile = shown().find(r => r.dataset.level === 'campaign'
                                    && r.cells[0].textContent.includes('onerror'));
  out.hostile = hostile ? hostile.cells[0].textContent : null;
  out.images = document.querySelectorAll('img').length;
  out.svgHostile = Array.from(gd.querySelectorAll('text')).some(
    t => t.textContent === '<img src=x onerror=alert(1)>');
  out.finalHash = location.hash;
  await sleep(300);  // an onerror handler would have fired by now
  return out;
}"""


@pytest.mark.browser
def test_the_page_works_in_chromium(values: pd.DataFrame, open_page: Callable[..., PageReport],
                                    tmp_path: Path) -> None:
    path = write_drilldown(tmp_path / "drilldown.html", values, lang="en", account=HOSTILE_IMG)
    report = open_page(path, name="drilldown-filters", probe=PROBE)
    assert report.problems == [] and set(report.plots) == {"dd-map"}
    assert report.screenshot is not None and report.screenshot.stat().st_size > 10_000
    p = report.probe
    assert p["nodes"] == 1 + 3 + 8 + 20 and p["slices"] > 10  # the treemap is drawn
    assert p["initial"] == ["channel"] * 3  # channels only, collapsed
    assert p["channel"] == [["channel", "Paid Social"]] + [["campaign", "Paid Social"]] * 3
    assert p["level"] and p["hash"] == "#channel=Paid%20Social"
    assert p["expanded"][0] == "true" and p["expanded"][1] == p["expanded"][2] >= 2
    assert p["search"] == ["Paid Search", "Search – Heat pumps", "Hybrid heat pump"]
    assert p["total1w"] != p["total4w"] and p["map1w"] != p["map4w"]
    assert p["total4w"] == p["map4w"]  # the table and the treemap show the same period
    assert p["text"].startswith("ROAS ")
    assert p["heads"] == ["ROAS vs previous", "ROAS vs target"]  # the focus KPI's pills
    assert p["hostile"] == HOSTILE_IMG and p["images"] == 0 and p["svgHostile"]
    assert p["finalHash"] == "#period=4w&channel=Paid%20Social&kpi=roas"
    assert HOSTILE_IMG in report.body_text  # the account name, as text


@pytest.mark.browser
def test_state_is_restored_from_the_url_hash(values: pd.DataFrame, browser: Browser,
                                             tmp_path: Path) -> None:
    path = write_drilldown(tmp_path / "drilldown.html", values, lang="nl")
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri() + "#period=mtd&channel=Paid%20Search&q=HEAT&off=1&kpi=cpa")
        page.wait_for_function("() => document.body.hasAttribute('data-plots-ready')")
        state = page.evaluate("""() => ({
          period: document.getElementById('dd-period').value,
          channel: document.getElementById('dd-channel').value,
          q: document.getElementById('dd-q').value,
          off: document.getElementById('dd-off').checked,
          rows: Array.from(document.querySelectorAll('#dd-t-mtd tbody tr[data-id]:not([hidden])'))
            .map(r => r.dataset.off + '|' + r.cells[0].textContent),
          level: document.getElementById('dd-map').data[0].level})""")
    finally:
        context.close()
    assert errors == []
    assert (state["period"], state["channel"], state["q"], state["off"]) == (
        "mtd", "Paid Search", "HEAT", True)
    assert state["level"]  # the treemap zoomed into the channel
    # the one heat-pump ad group off its CPA target, with its campaign and channel
    assert state["rows"] == ["|Paid Search", "|Search – Heat pumps",
                             "cpa goal|Air-water heat pump"]  # off its CPA target, its goal


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_opens_cleanly(values: pd.DataFrame, lang: str,
                                      open_page: Callable[..., PageReport],
                                      tmp_path: Path) -> None:
    path = write_drilldown(tmp_path / f"drilldown.{lang}.html", values, lang=lang)
    report = open_page(path, name=f"drilldown-{lang}")
    assert report.problems == [] and set(report.plots) == {"dd-map"}
    assert _t("dd_title", lang) in report.body_text


@pytest.mark.browser
@pytest.mark.parametrize("which", ["empty", "no-campaigns"])
def test_the_empty_states_open_cleanly(values: pd.DataFrame, which: str,
                                       open_page: Callable[..., PageReport],
                                       tmp_path: Path) -> None:
    frame = pd.DataFrame() if which == "empty" else values[values["level"] == "total"]
    path = write_drilldown(tmp_path / f"drilldown-{which}.html", frame, lang="en")
    report = open_page(path, name=f"drilldown-{which}")
    assert report.problems == [] and report.plots == {}
    key = "dd_no_data_hint" if which == "empty" else "dd_no_campaigns"
    assert _t(key, "en") in report.body_text


PHONE = """async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const out = {width: document.documentElement.scrollWidth,
               period: document.querySelector('.site-period').textContent};
  const el = document.getElementById('dd-period');
  el.value = '4w'; el.dispatchEvent(new Event('change')); await sleep(50);
  out.switched = document.querySelector('.site-period').textContent;
  out.hash = location.hash;
  out.lang = document.querySelector('a[data-lang-link][hreflang="fr"]').getAttribute('href');
  document.querySelector('a[data-lang-link][hreflang="fr"]').dispatchEvent(
    new MouseEvent('click', {bubbles: true, cancelable: true}));
  out.carried = document.querySelector('a[data-lang-link][hreflang="fr"]').getAttribute('href');
  return out;
}"""


@pytest.mark.browser
def test_a_phone_reads_the_page_and_the_header_follows_the_period(
        values: pd.DataFrame, open_page: Callable[..., PageReport], tmp_path: Path) -> None:
    """At 390 px nothing but the table scrolls sideways; the header's period is the one
    chosen, and the language switch carries the filters (the URL fragment)."""
    header = Header("drilldown", account="Zonnig Huis")
    path = write_drilldown(tmp_path / "drilldown.nl.html", values, lang="nl", header=header)
    report = open_page(path, name="drilldown-390", width=390, probe=PHONE)
    assert report.problems == [] and set(report.plots) == {"dd-map"}
    p = report.probe
    assert p["width"] <= 390, p["width"]
    assert p["period"].startswith("Week 47") and p["switched"].startswith("Weken 44")
    assert p["hash"] == "#period=4w" and p["carried"] == "drilldown.fr.html#period=4w"
