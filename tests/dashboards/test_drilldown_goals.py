"""The drill-down judges each campaign on its own goal KPI (issue 16), and its filters change
the key figures, the table's total and the treemap.

A small account with round numbers, the same every week: a lead campaign on target for CPL
(and far off CPA), a lead campaign off CPL, a shop campaign on target for ROAS (and far off
CPL), and organic traffic without cost. Targets are account-wide: CPL 40, CPA 45, ROAS 4.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from dashboards.drilldown import (
    NO_VALUE,
    TILE_METRICS,
    colour,
    render_drilldown,
    write_drilldown,
)
from dashboards.drilldown_data import (
    NodeGoal,
    entities,
    latest_targets,
    node_goals,
    period_sums,
    records,
    tree_order,
    week_rows,
)
from kpi.budget.assess import choose_goal
from kpi.language.format import format_change, format_value
from kpi.language.translate import translator
from kpi.registry import KPIS, MEASURES
from kpi.rollup import TargetRow
from tests.browser import PageReport
from tests.dashboards.test_drilldown_page import COLUMNS, Tables, _metric_rows, esc

_texts = translator("drilldown", "common")

TARGETS = {"cpl": 40.0, "cpa": 45.0, "roas": 4.0}
WEEKS = (dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16))
HEAT, SOLAR, SHOP, ORGANIC = "Lead – Heat pumps", "Lead – Solar", "Shop – Webshop", "(organic)"
# channel -> campaign -> ad group -> weekly sums (the rest of the measures are 0)
TREE: dict[str, dict[str, dict[str, dict[str, float]]]] = {
    "Paid Search": {
        HEAT: {"HP – prices": {"cost": 2000, "leads": 80, "purchases": 6, "revenue": 600,
                               "clicks": 1000, "impressions": 20000, "sessions": 900},
               "HP – installer": {"cost": 1000, "leads": 20, "purchases": 4, "revenue": 400,
                                  "clicks": 500, "impressions": 10000, "sessions": 450}},
        SOLAR: {"Solar – quotes": {"cost": 1500, "leads": 25, "purchases": 1, "revenue": 90,
                                   "clicks": 700, "impressions": 9000, "sessions": 600}},
    },
    "Shopping": {
        SHOP: {"All products": {"cost": 2000, "leads": 5, "purchases": 50, "revenue": 10000,
                                "clicks": 1600, "impressions": 40000, "sessions": 1500}},
    },
    "Organic Search": {
        ORGANIC: {},  # campaign rows only: no cost, no ad groups
    },
}
ORGANIC_SUMS = {"leads": 50, "purchases": 40, "revenue": 5000, "sessions": 3000}


def _sums(parts: list[dict[str, float]]) -> dict[str, float]:
    out = {m: float(sum(p.get(m, 0) for p in parts)) for m in MEASURES}
    out["conversions"] = out["leads"] + out["purchases"]
    # facts with cost are paid facts (the organic campaign has none)
    paid = out["cost"] > 0
    out |= {m.id: out.get(m.paid_of, 0.0) if paid else 0.0 for m in MEASURES.values() if m.paid_of}
    return out


def build() -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for start in WEEKS:
        week = {"grain": "week", "period_start": pd.Timestamp(start),
                "period_end": pd.Timestamp(start + dt.timedelta(days=6)),
                "period_label": f"2026-W{start.isocalendar()[1]}", "complete": True,
                "provisional": False, "currency": "EUR"}
        everything = []
        for ch, campaigns in TREE.items():
            in_channel = []
            for ci, (campaign, groups) in enumerate(campaigns.items()):
                key = f"c:{ch}:{ci}"
                base = {**week, "channel": ch, "campaign_key": key, "campaign_name": campaign}
                for ai, (group, sums) in enumerate(groups.items()):
                    group_row = {**base, "level": "ad_group", "ad_group_key": f"{key}:{ai}",
                                 "ad_group_name": group}
                    rows += _metric_rows(group_row, _sums([sums]), TARGETS)
                parts = list(groups.values()) or [ORGANIC_SUMS]
                rows += _metric_rows({**base, "level": "campaign"}, _sums(parts), TARGETS)
                in_channel += parts
            rows += _metric_rows({**week, "level": "channel", "channel": ch}, _sums(in_channel),
                                 TARGETS)
            everything += in_channel
        rows += _metric_rows({**week, "level": "total"}, _sums(everything), TARGETS)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.astype({"period_start": "datetime64[us]", "period_end": "datetime64[us]",
                         "value": "float64", "numerator": "float64", "denominator": "float64",
                         "target": "float64"})


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    return build()


def _text(key: str, lang: str = "en") -> str:
    return _texts(key, lang)


def money(value: float) -> str:
    return format_value(value, "currency", "en", "EUR")


# -- the goal rule ---------------------------------------------------------------------------


def test_goals_follow_the_recommendations_rule(values: pd.DataFrame) -> None:
    rows = week_rows(values)
    cur, ents = records(period_sums(rows, WEEKS[-1:])), entities(rows)
    tgt = records(latest_targets(rows))
    keys = tree_order(ents, cur)
    goals = node_goals(keys, ents, cur, tgt)
    by_name = {(ents[k]["level"], ents[k]["name"]): g for k, g in goals.items()}
    assert by_name["campaign", HEAT] == NodeGoal("cpl", 40.0)
    assert by_name["campaign", SOLAR] == NodeGoal("cpl", 40.0)
    assert by_name["campaign", SHOP] == NodeGoal("roas", 4.0)
    assert by_name["campaign", ORGANIC] == NodeGoal(None, None, "no_cost")
    assert by_name["ad_group", "HP – installer"] == NodeGoal("cpl", 40.0)  # its campaign's KPI
    assert by_name["channel", "Paid Search"] == NodeGoal("cpl", 40.0)  # its campaigns agree
    assert by_name["channel", "Organic Search"].kpi is None
    # the same choice as kpi.budget.recommend makes for the budget recommendations
    account = [TargetRow(k, v) for k, v in TARGETS.items()]
    for k in keys:
        if ents[k]["level"] == "campaign" and cur[k]["cost"]:
            goal = choose_goal(cur[k]["leads"], cur[k]["purchases"], account, k)
            assert goal is not None and (goal.kpi, goal.target) == (goals[k].kpi, goals[k].target)
    # a shop without a ROAS target is judged on CPA; a lead campaign without a CPL target on none
    shop = next(k for k in keys if ents[k]["name"] == SHOP)
    heat = next(k for k in keys if ents[k]["name"] == HEAT)
    no_roas = {k: {**v, "roas": None} for k, v in tgt.items()}
    no_cpl = {k: {**v, "cpl": None} for k, v in tgt.items()}
    assert node_goals(keys, ents, cur, no_roas)[shop] == NodeGoal("cpa", 45.0)
    assert node_goals(keys, ents, cur, no_cpl)[heat] == NodeGoal("cpl", None, "no_target")
    # a channel whose campaigns have different goals has none of its own
    mixed = {**cur, heat: {**cur[heat], "purchases": 500.0}}
    assert node_goals(keys, ents, mixed, tgt)[ents[heat]["parent"]].note == "mixed"


def test_the_table_names_each_campaigns_goal_kpi_and_judges_it_on_its_target(
        values: pd.DataFrame) -> None:
    page = render_drilldown(values, lang="en")
    tables = Tables(page)
    goal_cells = {}
    for name in (HEAT, SOLAR, SHOP, ORGANIC):
        found = [r for r in tables.tables["1w"]
                 if r["cells"] and r["cells"][0] == name and r["attrs"]["data-level"] == "campaign"]
        assert len(found) == 1
        goal_cells[name] = (found[0]["cells"][-3:], found[0]["attrs"]["data-off"].split())
    assert goal_cells[HEAT][0][0] == f"CPL {money(30)}"
    assert goal_cells[HEAT][0][2].endswith(format_change(-0.25, "en"))  # 25 % under target
    assert "goal" not in goal_cells[HEAT][1] and "cpa" in goal_cells[HEAT][1]  # CPA is not its job
    assert goal_cells[SOLAR][0][0] == f"CPL {money(60)}" and "goal" in goal_cells[SOLAR][1]
    assert goal_cells[SHOP][0][0] == "ROAS 5,0×" and "goal" not in goal_cells[SHOP][1]
    assert goal_cells[SHOP][0][2].endswith(format_change(0.25, "en"))
    assert "cpl" in goal_cells[SHOP][1]  # far off CPL, but CPL is not its goal
    assert goal_cells[ORGANIC][0] == ["–", "", ""] and goal_cells[ORGANIC][1] == []
    assert esc(_text("dd_goal_no_cost")) in page
    for head in ("dd_goal_col", "dd_goal_vs_previous", "dd_goal_vs_target", "dd_focus_goal"):
        assert esc(_text(head)) in page
    assert 'class="dd" data-kpi="goal"' in page  # the goal is the default focus


# -- in Chromium -----------------------------------------------------------------------------

MAP = """() => { const tr = document.getElementById('dd-map').data[0];
  return tr.labels.map((l, i) => [l, tr.marker.colors[i], tr.text[i], tr.hovertext[i]]); }"""


@pytest.mark.browser
def test_the_treemap_colours_each_campaign_on_its_own_goal(
        values: pd.DataFrame, open_page: Callable[..., PageReport], tmp_path: Path) -> None:
    path = write_drilldown(tmp_path / "drilldown-goals.html", values, lang="en")
    report = open_page(path, name="drilldown-goals", probe=MAP)
    assert report.problems == []
    tiles = {label: (c, text, hover) for label, c, text, hover in report.probe}
    heat, solar, shop = tiles[HEAT], tiles[SOLAR], tiles[esc(SHOP)]
    assert heat[0] == colour(KPIS["cpl"], 30, 40) != colour(KPIS["cpa"], 300, 45)
    assert heat[1] == f"CPL {money(30)}"
    assert heat[2] == _text("dd_goal_hover").format(kpi="CPL", change=format_change(-0.25, "en"),
                                                    target=money(40))
    assert solar[0] == colour(KPIS["cpl"], 60, 40)  # 50 % over target: full red
    assert shop[0] == colour(KPIS["roas"], 5, 4) and shop[1] == "ROAS 5,0×"
    assert tiles["Paid Search"][0] == colour(KPIS["cpl"], 4500 / 125, 40)
    assert tiles[ORGANIC] == (NO_VALUE, "", esc(_text("dd_goal_no_cost")))
    assert all(f" {money(0)}" not in text for _, _, text, _ in report.probe)  # never "0,00 €"


FILTERS = """async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms)), out = {};
  const set = (id, v) => { const el = document.getElementById(id); el.value = v;
    el.dispatchEvent(new Event(el.type === 'search' ? 'input' : 'change')); };
  const read = () => {
    const visible = Array.from(document.querySelectorAll('.dd .tiles'))
      .filter(el => !el.hidden);
    const tiles = {};
    visible[0].querySelectorAll('.tile').forEach(t => {
      const m = t.dataset.m || t.querySelector('.label').textContent;
      tiles[m] = Array.from(t.querySelectorAll('.value, .line'))
        .filter(e => !e.hidden).map(e => e.innerText.trim()); });
    const foot = Array.from(document.querySelectorAll(
      'table.dd-table:not([hidden]) tfoot tr')).filter(r => !r.hidden);
    const tr = document.getElementById('dd-map').data[0];
    const cap = document.getElementById('dd-sel');
    return {blocks: visible.length, tiles, caption: cap && !cap.hidden ? cap.textContent : null,
            total: foot.map(r => Array.from(r.cells).slice(0, 10).map(c => c.textContent)),
            map: tr.labels.filter((l, i) => tr.values[i] > 0).sort(),
            all: tr.labels.length};
  };
  out.start = read();
  set('dd-channel', 'Paid Search'); await sleep(50); out.channel = read();
  set('dd-channel', ''); set('dd-q', 'webshop'); await sleep(50); out.search = read();
  set('dd-q', 'lead –'); await sleep(50); out.two = read();
  set('dd-q', 'nothing like this'); await sleep(50); out.none = read();
  set('dd-q', ''); await sleep(50); out.back = read();
  return out;
}"""


def _expected(parts: list[dict[str, float]]) -> dict[str, str]:
    """Tile values and the total row's cells, written by Babel, for these sums."""
    s = _sums(parts)
    out = {"cost": money(s["cost"]), "conversions": format_value(s["conversions"], "count", "en"),
           "revenue": money(s["revenue"])}
    for k in ("cpa", "cpl", "roas", "conversion_rate", "ctr", "cpc"):
        out[k] = format_value(KPIS[k].compute(s[KPIS[k].numerator], s[KPIS[k].denominator]),
                              KPIS[k].unit, "en", "EUR")
    return out


@pytest.mark.browser
def test_channel_and_search_change_the_figures_the_total_and_the_treemap(
        values: pd.DataFrame, open_page: Callable[..., PageReport], tmp_path: Path) -> None:
    path = write_drilldown(tmp_path / "drilldown-filters.html", values, lang="en")
    report = open_page(path, name="drilldown-goal-filters", probe=FILTERS)
    assert report.problems == []
    p = report.probe
    tree = TREE
    account = _expected([s for c in tree.values() for g in c.values() for s in g.values()]
                        + [ORGANIC_SUMS])
    search = _expected(list(tree["Paid Search"][HEAT].values())
                       + list(tree["Paid Search"][SOLAR].values()))
    shop = _expected(list(tree["Shopping"][SHOP].values()))
    metrics = ("cost", "conversions", "revenue", "cpa", "cpl", "roas", "conversion_rate", "ctr",
               "cpc")

    def check(state: dict, want: dict[str, str], what: str) -> None:
        """The key figures and the table's total are the selection's, and say so."""
        shown = {m: lines[0] for m, lines in state["tiles"].items()}
        assert shown == {m: want[m] for m in TILE_METRICS}, (shown, want)
        assert len(state["total"]) == 1 and state["total"][0][1:] == [want[m] for m in metrics]
        assert state["blocks"] == 1
        assert state["caption"] == _text("dd_selection").format(what=what)

    assert p["start"]["tiles"]["Cost"][0] == account["cost"]  # the account before filtering
    assert p["start"]["total"][0][1:] == [account[m] for m in metrics]
    check(p["channel"], search, "Paid Search")
    # the same week every week: no change against the previous period; CPL 36 € is 10 % under
    assert p["channel"]["tiles"]["cpl"][1:] == [format_change(0, "en"),
                                               f"▼ {format_change(-0.1, 'en')} Target {money(40)}"]
    assert p["channel"]["map"] == sorted(["HP – prices", "HP – installer", "Solar – quotes"])
    check(p["search"], shop, "‘webshop’")
    assert p["search"]["map"] == ["All products"]  # Shopping's own remainder is 0
    assert p["search"]["tiles"]["roas"][1:] == [format_change(0, "en"),
                                               f"▲ {format_change(0.25, 'en')} Target 4,0×"]
    check(p["two"], search, "‘lead –’")
    missing = {m: "–" for m in metrics}
    check(p["none"], missing, "‘nothing like this’")
    assert p["none"]["map"] == []
    assert p["back"]["caption"] is None and p["back"]["total"] == p["start"]["total"]
    assert p["back"]["all"] == p["start"]["all"]
