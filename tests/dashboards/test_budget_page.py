"""The budget page: pacing of the current period, recommendations in words, the ±20 % scenarios
with how far to trust them, clear empty states, hostile names as text; opened in Chromium.

The frames copy the column names and types of the warehouse tables ``budget_pacing``,
``recommendations`` and ``budget_scenarios`` (as DuckDB returns them to pandas).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape

from dashboards.budget import _t, current_lines, render_budget, write_budget
from dashboards.site import Header
from kpi.budget.pacing import pace, pacing_frame
from kpi.budget.plan import parse_plan
from kpi.language import LANGUAGES
from tests.browser import READY, PageReport
from tests.dashboards.conftest import HOSTILE_IMG, HOSTILE_MARKUP, HOSTILE_SCRIPT
from tests.dashboards.phone import PHONE_PROBE, PHONE_WIDTH


def esc(text: str) -> str:
    """``text`` as the autoescaped templates write it."""
    return str(escape(text))


AS_OF = dt.date(2026, 11, 22)  # day 22 of 30 of the November plan
NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
DEC = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
RENDER_BUDGET_MS = 10_000  # catches hangs, not regressions (~1,3 s here; see benchmarks)
NNBSP, NBSP = "\u202f", "\u00a0"
EUR = "€" + NBSP  # nl_BE puts the symbol first
HOVER_PACING = """async () => {
  const gd = document.getElementById('pacing'), out = [];
  for (let i = 0; i < gd.data[0].y.length; i++) {
    Plotly.Fx.hover(gd, [{curveNumber: 0, pointNumber: i}]);
    await new Promise(r => setTimeout(r, 80));
    out.push(Array.from(gd.querySelectorAll('.hoverlayer text')).map(e => e.textContent).join(' '));
  }
  return out;
}"""


def pacing_row(name: str, period: tuple[dt.date, dt.date], budget: float, spent: float,
               expected: float, projected: float, status: str, direction: str | None, *,
               agency: float = 0.0, level: str = "channel", elapsed: int = 22) -> dict:
    """One ``budget_pacing`` row; pacing and totals derived as kpi.budget.pacing does."""
    budget, spent, expected, projected, agency = map(float, (budget, spent, expected,
                                                             projected, agency))
    pacing = spent / expected if expected else np.nan
    return {
        "level": level, "name": name, "period_start": pd.Timestamp(period[0]),
        "period_end": pd.Timestamp(period[1]), "plan_currency": "EUR",
        "as_of": pd.Timestamp(AS_OF), "currency": "EUR",
        "days_in_period": (period[1] - period[0]).days + 1, "days_elapsed": elapsed,
        "media_budget": budget, "spend_to_date": spent, "expected_to_date": expected,
        "pacing": pacing, "run_rate": 1.0, "projected_spend": projected, "status": status,
        "direction": direction, "production_costs": 0.0, "agency_fees": agency,
        "other_costs_to_date": 0.0, "total_cost_to_date": spent,
        "projected_total_cost": projected + agency, "projected_pacing": projected / budget,
        "total_budget": budget + agency,
    }


def pacing_table(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    return frame.astype({"period_start": "datetime64[us]", "period_end": "datetime64[us]",
                         "as_of": "datetime64[us]", "days_in_period": "int64",
                         "days_elapsed": "int64", "direction": "str"})


@pytest.fixture(scope="module")
def pacing() -> pd.DataFrame:
    """November: on track, over, under and watch (three hostile channel names), plus a past
    and a future month that the page must leave out."""
    return pacing_table([
        pacing_row("Paid Search", OCT, 28000, 27900, 28000, 27900, "on_track", None,
                   elapsed=31),
        pacing_row("Paid Search", NOV, 30000, 21560, 22000, 29400, "on_track", None,
                   agency=350),
        pacing_row(HOSTILE_IMG, NOV, 15000, 12870, 11000, 17550, "investigate", "over",
                   agency=350),
        pacing_row(HOSTILE_MARKUP, NOV, 6000, 3520, 4400, 4800, "investigate", "under",
                   agency=200),
        pacing_row(HOSTILE_SCRIPT, NOV, 3000, 1980, 2200, 2700, "watch", "under",
                   agency=200),
        pacing_row("Paid Search", DEC, 31000, 0, 0, 31000, "not_started", None, elapsed=0),
    ])


def sentence(lang: str, nl: str, fr: str, en: str) -> str:
    return {"nl": nl, "fr": fr, "en": en}[lang]


@pytest.fixture(scope="module")
def recommendations() -> pd.DataFrame:
    """A pause, a scale and a reallocation, in the table's shape; names are hostile."""
    judged = pd.Timestamp("2026-11-15")
    base = {k: np.nan for k in ("value", "lower", "upper", "target", "confidence", "cost",
                                "volume", "days", "amount", "expected_gain", "marginal")}
    rows = [
        {**base, "as_of": judged, "action": "pause", "campaign_name": HOSTILE_SCRIPT,
         "channel": HOSTILE_IMG, "item": "gads:11", "reason": "pause.cost", "kpi": "cpl",
         "value": 226.16, "lower": 169.87, "upper": 310.2, "target": 120.0,
         "confidence": 0.95, "cost": 7689.28, "volume": 34.0, "days": 56.0, "measure": "leads",
         "source": None, "budget_limited": False,
         "text_nl": f"Pauzeer {HOSTILE_SCRIPT}: kosten per lead (CPL) van € 226,16 bij een doel "
                    "van € 120,00.",
         "text_fr": f"Mettez {HOSTILE_SCRIPT} en pause{NNBSP}: coût par lead (CPL) de "
                    f"226,16{NBSP}€ pour un objectif de 120,00{NBSP}€.",
         "text_en": f"Pause {HOSTILE_SCRIPT}: cost per lead (CPL) 226,16{NBSP}€ against a "
                    f"target of 120,00{NBSP}€."},
        {**base, "as_of": judged, "action": "scale", "campaign_name": "Search – Merk – NL",
         "channel": "Paid Search", "item": "gads:1", "reason": "scale.roas", "kpi": "roas",
         "value": 5.375799, "lower": 4.740956, "upper": 6.074838, "target": 4.0,
         "confidence": 0.95, "cost": 4258.37, "volume": 184.0, "days": 56.0,
         "amount": 22.883786, "expected_gain": 117.014898, "measure": "revenue",
         "source": None, "budget_limited": True, "marginal": 5.113974,
         "text_nl": "Verhoog het budget van Search – Merk – NL: ROAS van 5,4× bij een doel van "
                    "4,0×.",
         "text_fr": f"Augmentez le budget de Search – Merk – NL{NNBSP}: ROAS de 5,4× pour un "
                    "objectif de 4,0×.",
         "text_en": "Scale up Search – Merk – NL: ROAS 5,4× against a target of 4,0×."},
        {**base, "as_of": judged, "action": "reallocate", "campaign_name": HOSTILE_MARKUP,
         "channel": HOSTILE_MARKUP, "item": "gads:9", "reason": "reallocate", "kpi": None,
         "amount": 43.981272, "expected_gain": 0.455993, "measure": "leads",
         "source": "gads:8", "budget_limited": None, "marginal": 0.025593,
         "text_nl": f"Verschuif € 43,98 per dag van Shopping naar {HOSTILE_MARKUP}.",
         "text_fr": f"Transférez 43,98{NBSP}€ par jour du budget de Shopping vers "
                    f"{HOSTILE_MARKUP}.",
         "text_en": f"Move 43,98{NBSP}€ a day from Shopping to {HOSTILE_MARKUP}."},
    ]
    frame = pd.DataFrame(rows)
    return frame.astype({"as_of": "datetime64[s]", "days": "float64", "source": "object",
                         "budget_limited": "boolean"})


@pytest.fixture(scope="module")
def scenarios() -> pd.DataFrame:
    """Paid Search (a good and a rough curve) and a hostile channel with a weak curve."""
    def pair(channel: str, measure: str, spend: float, response: float, up: float,
             down: float, r2: float) -> list[dict]:
        return [{"channel": channel, "measure": measure, "spend": spend,
                 "new_spend": spend * (1 + s), "response": response,
                 "new_response": response + d, "change": d,
                 "incremental_return": abs(d) / (spend * 0.2), "r_squared": r2}
                for s, d in ((0.2, up), (-0.2, down))]
    return pd.DataFrame(pair("Paid Search", "conversions", 1000, 40, 4, -4.5, 0.69)
                        + pair(HOSTILE_MARKUP, "conversions", 500, 10, 0.5, -0.6, 0.09)
                        + pair("Paid Search", "revenue", 1000, 3000, 300, -360, 0.48))


def test_only_the_lines_of_the_current_period(pacing: pd.DataFrame) -> None:
    lines = current_lines(pacing, AS_OF)
    assert list(lines["name"]) == ["Paid Search", HOSTILE_IMG, HOSTILE_MARKUP, HOSTILE_SCRIPT]
    assert current_lines(pd.DataFrame(), AS_OF).empty


EXPECTED = {
    "nl": ["Lopende periode: 1–30 nov 2026", "dag 22 van 30", f"{EUR}54.000,00",
           f"{EUR}39.930,00", f"verwacht {EUR}39.600,00", "100,8%", f"{EUR}54.450,00",
           "100,8% van het budget", f"{EUR}55.550,00", f"budget {EUR}55.100,00", "98,0%",
           "117,0%", "80,0%", "90,0%", "Op schema", "Onderzoeken · overbesteding",
           "Onderzoeken · onderbesteding", "Opvolgen · onderbesteding",
           "Groene zone 95%–105%: op schema; stippellijnen op 85% en 115%",
           "Beoordeeld op gegevens tot en met 15 nov 2026",
           f"CPL: {EUR}226,16 (doel {EUR}120,00)", f"Kosten: {EUR}7.689,28 in 56 dagen",
           "ROAS: 5,4× (doel 4,0×)", f"Budget: +{EUR}22,88 per dag",
           f"Omzet: +{EUR}117,01 per dag", "Beperkt door het dagbudget",
           f"Verschuiving: {EUR}43,98 per dag", "Leads: +0,5 per dag",
           "Wat als een kanaal 20% meer of minder besteedt?", "Bij -20%", "Bij +20%",
           f"{EUR}50,00 per extra conversie", "ROAS 1,5×", f"{EUR}200,00 per extra conversie",
           f"+{EUR}300,00", f"{EUR}-360,00", "+4", "-4,5", "0,69", "Betrouwbare curve",
           "Ruwe indicatie", "Niet betrouwbaar", "Vanaf 0,6: bruikbaar; tussen 0,3 en 0,6"],
    "fr": [f"Période en cours{NNBSP}: 1–30 nov. 2026", "jour 22 sur 30",
           f"54{NNBSP}000,00{NBSP}€", f"39{NNBSP}930,00{NBSP}€", f"100,8{NBSP}%",
           f"100,8{NBSP}% du budget", f"budget 55{NNBSP}100,00{NBSP}€", f"117,0{NBSP}%",
           "Dans les temps", "À examiner · surconsommation", "À examiner · sous-consommation",
           "À surveiller · sous-consommation",
           f"Zone verte 95{NBSP}%–105{NBSP}%{NNBSP}: dans les temps{NNBSP}; pointillés à "
           f"85{NBSP}% et 115{NBSP}%",
           f"CPL{NNBSP}: 226,16{NBSP}€ (objectif 120,00{NBSP}€)",
           f"Coût{NNBSP}: 7{NNBSP}689,28{NBSP}€ en 56 jours",
           f"Budget{NNBSP}: +22,88{NBSP}€ par jour", f"Transfert{NNBSP}: 43,98{NBSP}€ par jour",
           f"Leads{NNBSP}: +0,5 par jour", f"Et si un canal dépensait 20{NBSP}% de plus ou de "
           f"moins{NNBSP}?", f"À -20{NBSP}%", f"À +20{NBSP}%",
           f"50,00{NBSP}€ par conversion supplémentaire", "ROAS 1,5×", f"+300,00{NBSP}€",
           f"-360,00{NBSP}€", "Courbe fiable", "Simple indication", "Peu fiable"],
    "en": ["Current period: 1–30 Nov 2026", "day 22 of 30", f"54.000,00{NBSP}€",
           f"expected 39.600,00{NBSP}€", "100,8%", "100,8% of budget",
           f"budget 55.100,00{NBSP}€", "On track", "Investigate · overspend",
           "Investigate · underspend", "Watch · underspend",
           "Green band 95%–105%: on track; dotted lines at 85% and 115%",
           "Judged on data up to and including 15 Nov 2026",
           f"CPL: 226,16{NBSP}€ (target 120,00{NBSP}€)",
           f"Cost: 7.689,28{NBSP}€ in 56 days", f"Revenue: +117,01{NBSP}€ a day",
           "Limited by its daily budget", f"Moved: 43,98{NBSP}€ a day",
           "What if a channel spends 20% more or less?", "At -20%", "At +20%",
           f"50,00{NBSP}€ per extra conversion", "Reliable curve", "Rough guide",
           "Do not rely on it", "From 0,6: usable; between 0,3 and 0,6: a rough guide only"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_exact_numbers_in_each_language(pacing, recommendations, scenarios, lang) -> None:
    page = render_budget(pacing, recommendations, scenarios, lang=lang, account="Zonnig Huis",
                         as_of=AS_OF)
    missing = [text for text in EXPECTED[lang] if esc(text) not in page]
    assert missing == []
    assert esc(recommendations[f"text_{lang}"].iloc[1]) in page  # the sentence, as written
    for title in ("bud_action_pause", "bud_action_scale", "bud_action_reallocate"):
        assert esc(_t(title, lang)) in page
    # the October and December lines are not on the page
    assert "28.000,00" not in page and "31.000,00" not in page
    assert "28\u202f000,00" not in page and "31\u202f000,00" not in page


LEFT_OUT = {"nl": "3 kleinere acties weggelaten", "fr": "3 actions mineures écartées",
            "en": "3 smaller actions left out"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_says_how_many_smaller_actions_were_left_out(pacing, recommendations,
                                                              scenarios, lang) -> None:
    """Issue 16: trivial actions are left out, and the page says how many."""
    page = render_budget(pacing, recommendations.assign(left_out=3), scenarios, lang=lang,
                         as_of=AS_OF)
    assert LEFT_OUT[lang] in page
    one = render_budget(pacing, recommendations.assign(left_out=1), scenarios, lang=lang,
                        as_of=AS_OF)
    assert esc(_t("bud_left_out_one", lang)) in one
    none = render_budget(pacing, recommendations.assign(left_out=0), scenarios, lang=lang,
                         as_of=AS_OF)
    assert esc(_t("bud_left_out_one", lang)) not in none and LEFT_OUT[lang] not in none


FITTED = {"nl": "De responscurven zijn berekend op 30 nov 2026 en worden elke week herberekend.",
          "fr": "Les courbes de réponse ont été ajustées le 30 nov. 2026 et sont réajustées "
                "chaque semaine.",
          "en": "The response curves were fitted on 30 Nov 2026 and are refitted every week."}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_says_when_the_curves_were_fitted(pacing, recommendations, scenarios,
                                                   lang) -> None:
    """Issue 17: curves are refitted weekly, and the page says on which day they were."""
    page = render_budget(pacing, recommendations, scenarios, lang=lang, as_of=AS_OF,
                         curves_fitted=dt.date(2026, 11, 30))
    assert esc(FITTED[lang]) in page
    plain = render_budget(pacing, recommendations, scenarios, lang=lang, as_of=AS_OF)
    assert esc(FITTED[lang]) not in plain and "2026" in plain


def test_a_scale_funded_by_a_move_shows_each_euro_once(pacing, recommendations,
                                                       scenarios) -> None:
    """Issue 16: the same 22,88 EUR showed as extra budget and as money moved."""
    funded = recommendations.assign(moved=np.nan)
    funded.loc[1, ["moved", "amount", "source"]] = [22.883786, 30.0, "gads:8"]
    page = render_budget(pacing, funded, scenarios, lang="en", as_of=AS_OF)
    assert f"Moved: 22,88{NBSP}€ a day" in page  # moved from the donor ...
    assert f"Budget: +7,12{NBSP}€ a day" in page  # ... and only the rest as new budget
    assert f"Budget: +30,00{NBSP}€ a day" not in page
    funded.loc[1, "amount"] = 22.883786  # all of it moved: no new budget at all
    page = render_budget(pacing, funded, scenarios, lang="en", as_of=AS_OF)
    assert "Budget: +" not in page and page.count(f"Moved: 22,88{NBSP}€ a day") == 1


def test_recommendations_are_grouped_pause_scale_reallocate(pacing, recommendations,
                                                            scenarios) -> None:
    shuffled = recommendations.iloc[[2, 1, 0]]
    page = render_budget(pacing, shuffled, scenarios, lang="en", as_of=AS_OF)
    assert page.index("rec-pause") < page.index("rec-scale") < page.index("rec-reallocate")


def test_hostile_names_are_escaped(pacing, recommendations, scenarios) -> None:
    page = render_budget(pacing, recommendations, scenarios, lang="en",
                         account=HOSTILE_SCRIPT, as_of=AS_OF)
    for hostile in (HOSTILE_IMG, HOSTILE_SCRIPT, HOSTILE_MARKUP):
        assert hostile not in page and esc(hostile) in page
    assert "<b>Bold</b>" not in page and "<script>alert" not in page


def test_the_plan_totals_are_left_out_when_lines_overlap() -> None:
    frame = pacing_table([
        pacing_row("", NOV, 40000, 29000, 29333.33, 39500, "on_track", None, level="account"),
        pacing_row("gads:5", NOV, 3000, 2500, 2200, 3400, "watch", "over", level="campaign"),
    ])
    page = render_budget(frame, pd.DataFrame(), pd.DataFrame(), lang="nl", as_of=AS_OF,
                         campaign_names={"gads:5": "Search – Warmtepompen – NL"})
    assert "Hele account" in page and "Search – Warmtepompen – NL" in page
    assert "gads:5" not in page
    assert "<tfoot>" not in page  # the account already contains the campaign
    assert 'class="grid tiles"' not in page


def test_the_pacing_module_output_renders_too() -> None:
    """The frame the asset writes (python dates, before the warehouse) is accepted as is."""
    plan = parse_plan([{"month": "2026-11", "level": "account", "media_budget": 3000,
                        "agency_fees": 150, "currency": "EUR"}])
    spend = pd.DataFrame({"date": pd.date_range("2026-11-01", "2026-11-10"),
                          "channel": "Paid Search", "campaign_key": "gads:1", "cost": 90.0})
    frame = pacing_frame(pace(plan, spend, dt.date(2026, 11, 10)))
    page = render_budget(frame, pd.DataFrame(), pd.DataFrame(), lang="en",
                         as_of=dt.date(2026, 11, 10))
    for text in ("Whole account", "day 10 of 30", f"900,00{NBSP}€", "90,0%",
                 "Watch · underspend", f"2.700,00{NBSP}€", f"2.850,00{NBSP}€"):
        assert esc(text) in page, text


def test_a_line_not_started_has_no_bar(pacing) -> None:
    page = render_budget(pacing, pd.DataFrame(), pd.DataFrame(), lang="fr",
                         as_of=dt.date(2026, 12, 5))
    assert "Pas encore commencé" in page and "jour 4 sur 31" not in page
    assert 'id="pacing"' not in page and len(page) < 100_000  # no chart: no plotly.js


NOTHING = pd.DataFrame({"note": pd.Series(dtype="str")})  # an empty warehouse table


@pytest.mark.parametrize("empty", [pd.DataFrame(), NOTHING], ids=["no-columns", "note-only"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_not_configured_and_nothing_to_recommend(empty: pd.DataFrame, lang: str) -> None:
    page = render_budget(empty, empty, empty, lang=lang, as_of=AS_OF)
    for key in ("bud_no_plan", "bud_no_plan_hint", "bud_no_recs", "bud_no_recs_hint",
                "bud_no_scenarios"):
        assert esc(_t(key, lang)) in page, key
    assert "budget: plan:" in page
    assert len(page) < 50_000  # no chart, so no plotly.js


def test_no_plan_line_for_the_day_says_what_the_plan_covers(pacing) -> None:
    page = render_budget(pacing, pd.DataFrame(), pd.DataFrame(), lang="en",
                         as_of=dt.date(2027, 3, 1))
    assert "No plan line covers 01 Mar 2027" in page
    assert "The plan runs from 01 Oct 2026 to 31 Dec 2026." in page




def test_shared_texts_come_from_the_dashboard_texts() -> None:
    assert _t("account", "fr") == "Compte"
    with pytest.raises(KeyError, match=r"'no_such_text'.*'nl'"):
        _t("no_such_text", "nl")
    with pytest.raises(KeyError, match=r"'bud_title'.*'de'"):
        _t("bud_title", "de")


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_opens_cleanly_in_chromium(pacing, recommendations, scenarios,
                                            open_page: Callable[..., PageReport],
                                            tmp_path: Path, lang: str) -> None:
    path = write_budget(tmp_path / f"budget.{lang}.html", pacing, recommendations, scenarios,
                        lang=lang, account=f"Zonnig Huis {HOSTILE_SCRIPT}", as_of=AS_OF)
    report = open_page(path, name=f"budget-{lang}", probe=HOVER_PACING)
    assert report.problems == []
    assert report.plots == {"pacing": 1}
    assert report.render_ms < RENDER_BUDGET_MS, report.render_ms
    for hostile in (HOSTILE_IMG, HOSTILE_SCRIPT, HOSTILE_MARKUP):
        assert hostile in report.body_text  # table, sentences, header: literal text
        assert hostile in report.svg_texts  # the axis label, not rendered markup
        assert any(hostile in text for text in report.probe), report.probe
    assert f"Zonnig Huis {HOSTILE_SCRIPT}" in report.body_text
    assert _t("bud_status_investigate", lang) in report.body_text


@pytest.mark.browser
def test_the_empty_page_opens_cleanly(open_page: Callable[..., PageReport],
                                      tmp_path: Path) -> None:
    path = write_budget(tmp_path / "budget-empty.html", NOTHING, NOTHING, NOTHING, lang="nl",
                        as_of=AS_OF)
    report = open_page(path, name="budget-empty-nl")
    assert report.problems == [] and report.plots == {}
    assert _t("bud_no_plan", "nl") in report.body_text
    assert _t("bud_no_recs", "nl") in report.body_text


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_reads_on_a_phone(pacing, recommendations, scenarios,
                                   open_page: Callable[..., PageReport], tmp_path: Path,
                                   lang: str) -> None:
    """390 px wide: no axis or bar label clipped or overlapping, no sideways page scroll
    (screenshot: test-artifacts/budget-phone-<lang>.png)."""
    path = write_budget(tmp_path / f"budget.{lang}.html", pacing, recommendations, scenarios,
                   lang=lang, account=f"Zonnig Huis {HOSTILE_SCRIPT}", as_of=AS_OF)
    report = open_page(path, name=f"budget-phone-{lang}", width=PHONE_WIDTH, probe=PHONE_PROBE)
    assert report.problems == []
    assert report.probe["labels"] > 10, report.probe  # the probe did find the labels
    assert report.probe["clipped"] == [] and report.probe["overlaps"] == [], report.probe
    assert report.probe["overflow"] <= 0, report.probe


HEADER_PERIOD = {"nl": "Budgetperiode 1–30 nov 2026", "fr": f"Période budgétaire{NNBSP}: "
                 "1–30 nov. 2026", "en": "Budget period 1–30 Nov 2026"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_site_header_shows_the_plan_period(pacing, recommendations, scenarios,
                                               lang) -> None:
    header = Header(page="budget", account=HOSTILE_IMG)
    page = render_budget(pacing, recommendations, scenarios, lang=lang, as_of=AS_OF,
                         header=header)
    site = page[page.index('<header class="site">'):page.index("</header>")]
    assert f'<span class="site-period">{esc(HEADER_PERIOD[lang])}</span>' in site
    assert esc(HOSTILE_IMG) in site and HOSTILE_IMG not in page
    empty = render_budget(NOTHING, NOTHING, NOTHING, lang="en", as_of=AS_OF, header=header)
    assert ('<span class="site-period">Spend up to and including 22 Nov 2026</span>'
            in empty)


def test_every_table_is_downloadable_with_raw_numbers(pacing, recommendations,
                                                      scenarios) -> None:
    page = render_budget(pacing, recommendations, scenarios, lang="fr", as_of=AS_OF)
    assert page.count("<table ") == page.count('data-csv="') == 2
    assert 'data-csv="budget-pacing"' in page and 'data-csv="budget-scenarios"' in page
    assert 'data-value="54000.0"' in page  # the budget total, not « 54 000,00 € »
    assert 'data-value="1.0083333333333333"' in page  # the total's pacing, unrounded
    assert 'data-value="0.69"' in page  # a curve's r²
    assert 'data-value="50.0"' in page  # the cost of an extra conversion, as shown


@pytest.mark.browser
def test_the_pacing_table_downloads_as_csv_with_raw_numbers(pacing, recommendations,
                                                            scenarios, browser,
                                                            tmp_path: Path) -> None:
    """The site script's CSV button: raw numbers (data-value) with the page's decimal comma,
    names as literal text."""
    path = write_budget(tmp_path / "budget.fr.html", pacing, recommendations, scenarios,
                        lang="fr", as_of=AS_OF)
    context = browser.new_context(accept_downloads=True, service_workers="block")
    try:
        page = context.new_page()
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.wait_for_function(READY, timeout=30_000)
        buttons = page.locator("button.csv-button")
        assert buttons.count() == 2  # pacing and scenarios
        with page.expect_download() as info:
            buttons.first.click()
        download = info.value
        assert download.suggested_filename == "budget-pacing.csv"
        text = Path(download.path()).read_bytes().decode("utf-8-sig")
    finally:
        context.close()
    lines = text.splitlines()
    assert len(lines) == 1 + 4 + 1  # heading, four plan lines, the total
    assert any(line.startswith(f'"{HOSTILE_IMG}"') or line.startswith(HOSTILE_IMG)
               for line in lines), lines
    assert "15000" in text and "1,0083333333333333" in text and "€" not in text
