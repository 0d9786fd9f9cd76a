"""The drill-down at any account size: per channel its largest campaigns, per campaign its
largest ad groups, the rest in one "others" row whose sums are exact (totals still add up);
the full table as one CSV beside the pages; a size budget at 1,000 campaigns; and, in
Chromium, the "others" rows and the link to the CSV.

Accounts are synthetic (tests/dashboards/accounts.py): parents are the exact sums of their
children, so every sum below is checked against the ad group rows themselves.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from plotly.offline import get_plotlyjs

from dashboards.drilldown import render_drilldown, write_drilldown
from dashboards.drilldown_cap import OTHERS, Caps
from dashboards.drilldown_csv import COLUMNS, CSV_FILE
from dashboards.drilldown_data import ROOT, SEP, part_columns
from dashboards.drilldown_model import DEFAULT_CAPS, Drilldown, prepare_drilldown
from kpi.language.translate import translator
from kpi.registry import KPIS
from tests.browser import PageReport
from tests.dashboards.accounts import account_values
from tests.dashboards.test_drilldown_page import TREE, Tables, build_values, esc

_texts = translator("drilldown", "common")

PAGE_BUDGET = 2_000_000  # bytes of a page's own markup and data (fr, the longest texts)
LOADED_BUDGET = 7_000_000  # the page and the plotly.js it loads (shared by every page)
SMALL = Caps(campaigns=3, ad_groups=1)


@pytest.fixture(scope="module")
def account() -> pd.DataFrame:
    """60 Ads campaigns (every paid channel over the cap) and the 25 unpaid ones, 16 weeks."""
    return account_values(60, weeks=16)


@pytest.fixture(scope="module")
def capped(account: pd.DataFrame) -> Drilldown:
    return prepare_drilldown(account, caps=SMALL)


def leaf_sum(account: pd.DataFrame, metric: str, weeks: tuple[dt.date, ...],
             campaigns: set[str] | None = None, ad_groups: set[str] | None = None) -> float:
    """A measure summed straight from the ad group rows (independently of the page code)."""
    rows = _leaves(account)
    rows = rows[(rows["metric"] == metric) & rows["day"].isin(weeks)]
    if campaigns is not None:
        rows = rows[rows["campaign_key"].isin(campaigns)]
    if ad_groups is not None:
        rows = rows[rows["ad_group_key"].isin(ad_groups)]
    return float(rows["value"].sum())


_LEAVES: dict[int, pd.DataFrame] = {}


def _leaves(account: pd.DataFrame) -> pd.DataFrame:
    """The account's ad group rows with their Mondays as dates (kept per account)."""
    if id(account) not in _LEAVES:
        rows = account[account["level"] == "ad_group"]
        _LEAVES[id(account)] = rows.assign(day=rows["period_start"].dt.date)[
            ["metric", "day", "campaign_key", "ad_group_key", "value"]]
    return _LEAVES[id(account)]


def key_of(node: str) -> str:
    return node.split(SEP)[-1]


def test_caps_must_allow_a_row() -> None:
    with pytest.raises(ValueError, match="ad_groups must be at least 1, got 0"):
        Caps(ad_groups=0)


def test_each_parent_shows_its_largest_children_and_one_others_row(capped: Drilldown) -> None:
    for view in capped.views:
        kids: dict[str, list[str]] = {}
        for k in view.keys:
            kids.setdefault(view.ents[k]["parent"], []).append(k)
        for parent, children in kids.items():
            others = [c for c in children if view.ents[c].get("others")]
            cap = SMALL.campaigns if parent.startswith("c" + SEP) else SMALL.ad_groups
            if parent == ROOT:
                assert not others
                continue
            assert len(others) <= 1 and len(children) <= cap + 1
            if others:  # the largest by cost, and the others row last
                assert children[-1] == others[0] == OTHERS + SEP + parent
                shown = [view.cur[c]["cost"] or 0 for c in children[:-1]]
                hidden = [view.all_cur[m]["cost"] or 0 for m in
                          next(g for g in view.groups if g.key == others[0]).members]
                assert min(shown) >= max(hidden)
        levels = {view.ents[k]["level"] for k in view.keys if view.ents[k].get("others")}
        assert levels == {"campaign", "ad_group"}  # both kinds occur in this account
        assert sum(view.ents[k]["level"] == "campaign" for k in view.keys) < sum(
            view.ents[k]["level"] == "campaign" for k in view.every)


def test_others_rows_hold_exact_sums_and_every_parent_still_adds_up(
        capped: Drilldown, account: pd.DataFrame) -> None:
    for view in capped.views:
        p = view.period
        for g in view.groups:  # against the ad group rows of the members
            members = {key_of(m) for m in g.members}
            where = ({"campaigns": members} if g.level == "campaign"
                     else {"ad_groups": members})
            for metric in ("cost", "conversions", "revenue", "paid_leads"):
                assert view.cur[g.key][metric] == pytest.approx(
                    leaf_sum(account, metric, p.weeks, **where), abs=1e-6)
                if p.previous:
                    assert view.prev[g.key][metric] == pytest.approx(
                        leaf_sum(account, metric, p.previous, **where), abs=1e-6)
            cost, leads = view.cur[g.key]["cost"], view.cur[g.key]["paid_leads"]
            if cost and leads:  # a ratio of sums
                assert view.cur[g.key]["cpl"] == pytest.approx(cost / leads)
            else:  # unpaid (e-mail): no price
                assert view.cur[g.key]["cpl"] is None
        shown = {ROOT, *view.keys}
        for parent in shown:
            kids = [k for k in view.keys if view.ents[k]["parent"] == parent]
            if not kids:
                continue
            for col in ("cost", "conversions", *part_columns()[-4:]):
                total = sum(view.cur[k][col] or 0 for k in kids)
                assert total == pytest.approx(view.cur[parent][col] or 0, abs=1e-6), (
                    p.key, parent, col)


def test_the_page_labels_others_rows_in_every_language(capped: Drilldown) -> None:
    view = capped.views[0]
    campaigns = next(g for g in view.groups if g.level == "campaign")
    for lang, word in (("nl", "Overige campagnes"), ("fr", "Autres campagnes"),
                       ("en", "Other campaigns")):
        page = render_drilldown(capped, lang=lang)
        label = f"{word} ({len(campaigns.members)})"
        assert _texts("dd_others_campaign", lang).format(count=len(campaigns.members)) == label
        row = Tables(page).row(view.period.key, label, "campaign")
        assert row["attrs"]["data-q"] == "" and "others" in row["attrs"]["class"]
        assert esc(_texts("dd_capped", lang).format(campaigns=3, ad_groups=1)) in page
        assert f'href="{CSV_FILE}" download>{CSV_FILE}</a>' in page


def test_a_small_account_is_not_capped() -> None:
    whole = prepare_drilldown(build_values())
    assert not whole.capped and all(not v.groups for v in whole.views)
    page = render_drilldown(whole, lang="en")
    assert esc(_texts("dd_capped", "en").format(campaigns=10, ad_groups=5)) not in page
    assert f'href="{CSV_FILE}"' in page  # the full table is always offered


def test_the_csv_holds_every_node_of_every_period_in_machine_form(
        capped: Drilldown, account: pd.DataFrame, tmp_path: Path) -> None:
    write_drilldown(tmp_path / "drilldown.fr.html", account, caps=SMALL, lang="fr",
                    account="Zonnig Huis")
    raw = (tmp_path / CSV_FILE).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"Zonnig Huis" not in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == sum(1 + len(v.every) for v in capped.views)
    for view in capped.views:
        mine = [r for r in rows if r["period"] == view.period.key]
        campaigns = [r for r in mine if r["level"] == "campaign"]
        assert len(campaigns) == account.loc[account["level"] == "campaign",
                                             "campaign_key"].nunique()
        total = next(r for r in mine if r["level"] == "total")
        assert sum(float(r["cost"] or 0) for r in campaigns) == pytest.approx(
            float(total["cost"]), abs=0.01)
        assert float(total["cost"]) == pytest.approx(
            leaf_sum(account, "cost", view.period.weeks), abs=0.01)
        assert total["first_day"] == view.period.weeks[0].isoformat()
    numbers = [r[c] for r in rows for c in COLUMNS[12:] if c != "goal_kpi" and r[c]]
    assert len(numbers) > 10_000 and all(re.fullmatch(r"-?\d+(\.\d{1,6})?", n) for n in numbers)
    paid = [r for r in rows if r["level"] == "campaign" and r["campaign_key"].startswith("gads")]
    priced = [r for r in paid if float(r["leads"] or 0) > 0][:50]
    assert priced and all(r["cpl"] == "" for r in paid if float(r["leads"] or 0) == 0)
    for r in priced:  # a KPI is the ratio of the sums next to it
        assert float(r["cpl"]) == pytest.approx(float(r["cost"]) / float(r["leads"]), rel=1e-5)


def test_a_name_read_as_a_formula_is_neutralised(tmp_path: Path) -> None:
    values = build_values()
    values.loc[values["campaign_name"] == "Search – Brand", "campaign_name"] = "=1+1"
    write_drilldown(tmp_path / "drilldown.en.html", values, lang="en")
    rows = list(csv.DictReader(io.StringIO((tmp_path / CSV_FILE).read_text("utf-8-sig"))))
    names = {r["campaign_name"] for r in rows if r["level"] == "campaign"}
    assert "'=1+1" in names and "=1+1" not in names


def test_a_thousand_campaigns_keep_the_page_under_its_budget(tmp_path: Path) -> None:
    """1,000 Ads campaigns × 3 ad groups (and 25 unpaid), 27 weeks: the largest page (fr)."""
    started = time.perf_counter()
    values = account_values(1_000)
    numbers = prepare_drilldown(values)
    path = write_drilldown(tmp_path / "drilldown.fr.html", numbers, lang="fr", table=False)
    size = path.stat().st_size
    loaded = size + len(get_plotlyjs().encode("utf-8"))
    assert size < PAGE_BUDGET, f"{size:,} bytes"
    assert loaded < LOADED_BUDGET, f"{loaded:,} bytes"
    for view in numbers.views:  # what is embedded is bounded by the caps, not the account
        level = [view.ents[k]["level"] for k in view.keys]
        channels = level.count("channel")
        assert level.count("campaign") <= channels * (DEFAULT_CAPS.campaigns + 1)
        assert len(view.every) > 4_000 > 4 * len(view.keys)
    assert time.perf_counter() - started < 60  # generous: the test machine is shared


# -- in Chromium ----------------------------------------------------------------------------------

PROBE = """async () => {
  const out = {};
  const set = (id, v) => { const el = document.getElementById(id); el.value = v;
    el.dispatchEvent(new Event('change')); };
  const shown = () => Array.from(document.querySelectorAll(
    'table.dd-table:not([hidden]) tbody tr[data-id]:not([hidden])'));
  const link = document.getElementById('dd-csv');
  out.link = [link.getAttribute('href'), link.textContent, link.offsetParent !== null];
  set('dd-channel', 'Paid Search');
  const others = shown().filter(r => r.classList.contains('others'));
  out.others = others.map(r => [r.dataset.level, r.cells[0].textContent, r.cells[1].textContent]);
  const row = shown().find(r => r.dataset.level === 'campaign' && !r.classList.contains('others'));
  out.campaign = row.cells[0].textContent;
  row.querySelector('button.tog').click();
  out.adGroups = shown().filter(r => r.dataset.parent === row.dataset.id)
    .map(r => r.cells[0].textContent);
  const gd = document.getElementById('dd-map');
  out.tiles = gd.data[0].labels.filter(l => l.startsWith('Other '));
  set('dd-kpi', 'roas');
  const visible = el => getComputedStyle(el).display !== 'none';
  out.heads = Array.from(document.querySelectorAll('table.dd-table:not([hidden]) thead th'))
    .filter(visible).map(th => th.textContent);
  out.cells = Array.from(row.cells).filter(visible).length;
  return out;
}"""


@pytest.mark.browser
def test_others_rows_and_the_csv_link_render_in_chromium(
        open_page: Callable[..., PageReport], tmp_path: Path) -> None:
    values = build_values()
    path = write_drilldown(tmp_path / "drilldown.en.html", values, lang="en",
                           caps=Caps(campaigns=1, ad_groups=1))
    assert (tmp_path / CSV_FILE).stat().st_size > 1_000
    report = open_page(path, name="drilldown-others", probe=PROBE)
    assert report.problems == [] and set(report.plots) == {"dd-map"}
    p = report.probe
    assert p["link"] == [CSV_FILE, CSV_FILE, True]
    campaigns = len(TREE["Paid Search"]) - 1
    numbers = prepare_drilldown(values, caps=Caps(campaigns=1, ad_groups=1))
    week = numbers.views[0]
    group = next(g for g in week.groups if g.level == "campaign"
                 and week.ents[g.parent]["name"] == "Paid Search")
    cost = next(r["cells"][1] for r in Tables(render_drilldown(numbers, lang="en")).tables["1w"]
                if r["cells"] and r["cells"][0] == f"Other campaigns ({campaigns})"
                and r["attrs"].get("data-channel") == "Paid Search")
    assert p["others"] == [["campaign", f"Other campaigns ({campaigns})", cost]]
    assert week.cur[group.key]["cost"] == pytest.approx(
        sum(week.all_cur[m]["cost"] for m in group.members))
    shown = next(k for k in week.keys if week.ents[k]["parent"] == group.parent
                 and not week.ents[k].get("others"))
    assert p["campaign"] == week.ents[shown]["name"]
    expected = [week.ents[k]["name"] for k in week.keys if week.ents[k]["parent"] == shown]
    kids = len([k for k in week.every if week.ents[k]["parent"] == shown])
    assert p["adGroups"][:1] == expected[:1] and len(p["adGroups"]) == min(kids, 2)
    if kids > 2:
        assert p["adGroups"][1] == f"Other ad groups ({kids - 1})"
    assert any(g.level == "ad_group" for g in week.groups)  # Display and Video: 3 ad groups
    assert f"Other campaigns ({campaigns})" in p["tiles"]
    assert p["heads"][-2:] == ["ROAS vs previous", "ROAS vs target"]
    assert p["cells"] == len(p["heads"])  # body cells line up with their headers
    assert KPIS["roas"].label("en") in report.body_text
