"""The experiments page: SRM before any lift, decisions in words, a forest plot per experiment,
hostile names as text, and a clear state when nothing is configured; opened in Chromium."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from collections.abc import Callable
from pathlib import Path

import ibis
import pandas as pd
import pytest
from markupsafe import escape

from dashboards.experiments import render_experiments, write_experiments
from dashboards.site import Header
from experiments.history import history
from experiments.spec import Arm, ExperimentSpec, Metric
from experiments.sufficient import sufficient_statistics
from experiments.table import effects_frame, results_frame
from kpi.language.translate import translator
from pipelines.sources.demo import experiments as demo
from tests.browser import PageReport
from tests.dashboards.conftest import HOSTILE_IMG, HOSTILE_MARKUP, HOSTILE_SCRIPT

t = translator("common")


def esc(text: object) -> str:
    """Text as the autoescaped page writes it."""
    return str(escape(text))


START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 28)
AS_OF = dt.date(2026, 10, 20)  # the four are running: day 20 of 28


def hostile(specs: tuple[ExperimentSpec, ...]) -> tuple[ExperimentSpec, ...]:
    """The demo specs with an experiment, an arm and a metric label full of markup."""
    landing, *rest = specs
    arms = (landing.arms[0], dataclasses.replace(landing.arms[1], name=HOSTILE_IMG))
    metric = dataclasses.replace(landing.metrics[0], labels={"nl": HOSTILE_MARKUP,
                                                             "fr": HOSTILE_MARKUP,
                                                             "en": HOSTILE_MARKUP})
    return (dataclasses.replace(landing, name=HOSTILE_SCRIPT, arms=arms,
                                metrics=(metric, *landing.metrics[1:])), *rest)


@pytest.fixture(scope="module")
def evaluated() -> tuple[tuple[ExperimentSpec, ...], pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    specs, units = demo.demo_experiments(START, END)
    specs = hostile(specs)
    units = ibis.memtable(units[units.first_exposure_date <= pd.Timestamp(AS_OF)])
    stats = sufficient_statistics(units, specs).to_pandas()
    daily = sufficient_statistics(units, specs, by=("first_exposure_date",)).to_pandas()
    return (specs, results_frame(stats, specs, AS_OF), effects_frame(stats, specs, AS_OF),
            history(daily, specs, AS_OF))


def test_the_srm_warning_comes_before_any_lift(evaluated) -> None:
    specs, results, effects, _ = evaluated
    page = render_experiments(results, effects, specs, lang="en", as_of=AS_OF)
    section = page[page.index("Afrekenpagina"):]
    assert section.index("Sample-ratio mismatch") < section.index("forest-")
    assert "Planned split A 50,0% / B 50,0%, observed A " in section
    assert "the numbers below cannot be trusted" in section


def test_decisions_conventions_and_effects_are_on_the_page(evaluated) -> None:
    specs, results, effects, past = evaluated
    page = render_experiments(results, effects, specs, lang="nl", as_of=AS_OF, history=past)
    assert "Loopt" in page and "dag 20 van 28" in page
    assert "Vaste looptijd; alfa 0,05, tweezijdig" in page and "correctie: Holm" in page
    assert "CUPED-variantiereductie toegepast op omzet per bezoeker." in page
    assert "Hoofdeffecten en interactie" in page
    assert "interactie-effect van personal/morning × standard/evening op conversie: +" in page
    assert page.count("Vaste looptijd: beslis op de einddatum.") == 4  # under each history


def test_not_configured_says_where_to_configure(tmp_path: Path) -> None:
    page = render_experiments(pd.DataFrame(), pd.DataFrame(), [], lang="fr", as_of=AS_OF)
    assert t("exp_none", "fr") in page and "experiments:" in page
    assert len(page) < 50_000  # no chart, so no plotly.js


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_page_opens_cleanly_in_chromium(evaluated, open_page: Callable[..., PageReport],
                                            tmp_path: Path, lang: str) -> None:
    specs, results, effects, past = evaluated
    path = write_experiments(tmp_path / f"experiments.{lang}.html", results, effects, specs,
                             lang=lang, account="Zonnig Huis", as_of=AS_OF, history=past)
    report = open_page(path, name=f"experiments-{lang}")
    assert report.problems == []
    assert report.plots == {**{f"forest-{i}": 1 for i in range(4)},  # a trace of points
                            # band edges and line per treatment arm: 1, 2, 3 and 1 arms
                            "history-0": 3, "history-1": 6, "history-2": 9, "history-3": 3}
    assert HOSTILE_SCRIPT in report.body_text and HOSTILE_IMG in report.body_text
    assert HOSTILE_MARKUP in report.body_text
    assert any(HOSTILE_MARKUP in text for text in report.svg_texts)  # axis label, literally
    assert t("exp_srm_title", lang) in report.body_text


ZERO_ARM = {  # issue 15: 4 conversions out of 1,000 for A, none out of 1,000 for B
    "nl": ("B haalde 0 op 1.000 voor conversie, tegenover 4 op 1.000 bij A; te weinig om iets "
           "te besluiten", "geen relatieve lift voor B op conversie: de variant heeft enkel "
           "nullen (bv. geen conversies), dus de deltamethode kan geen interval geven voor de "
           "relatieve lift"),
    "fr": ("B\u202f: 0 sur 1\u202f000 pour «\u202fconversion\u202f», contre 4 sur 1\u202f000 pour "
           "A\u202f; trop peu pour conclure", "pas de hausse relative pour B sur l'indicateur "
           "«\u202fconversion\u202f»\u202f: la variante "
           "n'a que des zéros (p. ex. aucune conversion), la méthode delta ne donne donc "
           "aucun intervalle pour la hausse relative"),
    "en": ("B had 0 out of 1.000 on conversion, against 4 out of 1.000 for A; too few to "
           "conclude", "no relative lift for B on conversion: the arm has only zeros (e.g. no "
           "conversions), so the delta method gives its relative lift no interval"),
}


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_a_zero_conversion_arm_reads_as_counts_not_minus_100_percent(lang: str) -> None:
    landing = demo.demo_experiments(START, END)[0][0]
    metric = landing.metrics[0]
    spec = dataclasses.replace(landing, metrics=(metric,), arms=(
        dataclasses.replace(landing.arms[0], name="A"), dataclasses.replace(landing.arms[1],
                                                                           name="B")))
    stats = pd.DataFrame([{"experiment_id": spec.id, "arm": arm.id, "metric_id": metric.id,
                           "n": 1000, "num_sum": s} for arm, s in zip(spec.arms, (4.0, 0.0),
                                                                      strict=True)])
    results = results_frame(stats, [spec], END)
    page = render_experiments(results, pd.DataFrame(), [spec], lang=lang, as_of=END)
    sentence, note = ZERO_ARM[lang]
    assert esc(sentence) in page and esc(note) in page
    assert "100,0" not in page
    assert 'id="forest-0"' not in page  # no point to draw: the only lift is undefined


# -- issue 16: numbers in their unit, the SRM card said once, effects named after variants ----


def cells(page: str, experiment: str) -> list[list[str]]:
    """The table rows (cell texts) of one experiment's section."""
    section = page[page.index(f"<h2>{esc(experiment)} "):]
    section = section[:section.find("<section>") if "<section>" in section else None]
    body = section[section.index("<tbody>"):section.index("</tbody>")]
    cell = r'<td(?: data-value="[^"]*")?>(.*?)</td>'
    return [[html.unescape(c) for c in re.findall(cell, row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]


PERCENT = {"nl": r"\d+,\d%", "fr": "\\d+,\\d\u00a0%", "en": r"\d+,\d%"}
EUROS = {"nl": "€\u00a0\\d+,\\d\\d", "fr": "\\d+,\\d\\d\u00a0€", "en": "\\d+,\\d\\d\u00a0€"}


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_table_shows_conversion_in_percent_and_revenue_in_euros(evaluated,
                                                                    lang: str) -> None:
    specs, results, effects, _ = evaluated
    page = render_experiments(results, effects, specs, lang=lang, as_of=AS_OF)
    rows = cells(page, specs[1].name)  # ad copy: conversion and revenue per visitor
    kinds = {m.label(lang): m.kind for m in specs[1].metrics}
    assert len(rows) == 6
    for row in rows:
        mean = row[3]  # was 0,0303 and 7,9188
        pattern = PERCENT[lang] if kinds[row[0]] == "proportion" else EUROS[lang]
        assert re.fullmatch(pattern, mean), (row[0], mean)
    for row in rows[1:3] + rows[4:]:  # treatment arms: lift and interval in percent
        assert re.fullmatch("[+-]?" + PERCENT[lang], row[4]), row
        assert " … " in row[5]


def test_a_chance_to_win_is_never_shown_as_a_certainty(evaluated) -> None:
    specs, results, effects, _ = evaluated
    rows = results.copy()
    rows["chance_to_win"] = rows["chance_to_win"].where(rows["is_control"], 0.99996)
    page = render_experiments(rows, effects, specs, lang="en", as_of=AS_OF)
    assert "100,0%" not in page
    assert list({r[8] for r in cells(page, specs[1].name) if r[8]}) == ["> 99,9%"]


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_srm_card_says_its_title_once_then_planned_observed_and_what_to_do(
        evaluated, lang: str) -> None:
    specs, results, effects, _ = evaluated
    page = render_experiments(results, effects, specs, lang=lang, as_of=AS_OF)
    start = page.index('<div class="card srm"')
    card = html.unescape(page[start:page.index("</div>", start)])
    title = t("exp_srm_title", lang)
    assert card.lower().count(title.lower()) == 1  # was "Sample-ratio mismatch: sample-ratio…"
    share = "50,0\u00a0%" if lang == "fr" else "50,0%"
    assert f"A {share} / B {share}" in card and "p < 0,0001" in card
    assert {"nl": "Zoek eerst de oorzaak", "fr": "Trouvez d'abord la cause",
            "en": "Find the cause"}[lang] in card


def test_factorial_effects_are_named_after_the_variants_in_percentage_points(evaluated) -> None:
    specs, results, effects, _ = evaluated
    email = next(s for s in specs if s.factors)
    page = html.unescape(render_experiments(results, effects, specs, lang="en", as_of=AS_OF))
    assert "subject=" not in page and "send_time=" not in page  # config keys
    assert re.search(r"main effect of personal/morning on conversion: \+\d,\d\u00a0pp "
                     r"\(95% CI \+\d,\d\u00a0pp to \+\d,\d\u00a0pp, p ", page)
    assert "interaction personal/morning × standard/evening on conversion" in page
    # a variant without a name is called by its id (the key), not left out
    unnamed = tuple(dataclasses.replace(a, name="") if a.id == "standard-evening" else a
                    for a in email.arms)
    specs = tuple(dataclasses.replace(s, arms=unnamed) if s is email else s for s in specs)
    page = html.unescape(render_experiments(results, effects, specs, lang="nl", as_of=AS_OF))
    assert "hoofdeffect van standard-evening op conversie: +" in page


@pytest.mark.parametrize(("lang", "expected"), [
    ("nl", "B scoort slechter op omzet (-€\u00a05,00, 95%-BI -€\u00a09,35 tot -€\u00a00,65)"),
    ("fr", "B fait moins bien sur l'indicateur «\u202fchiffre d'affaires\u202f» (-5,00\u00a0€, "
           "IC à 95\u00a0% de -9,35\u00a0€ à -0,65\u00a0€)"),
    ("en", "B loses on revenue (-5,00\u00a0€, 95% CI -9,35\u00a0€ to -0,65\u00a0€)"),
])
def test_a_revenue_difference_without_a_relative_lift_is_told_in_euros(lang: str,
                                                                       expected: str) -> None:
    metric = Metric("revenue", "mean", "revenue",
                    labels={"nl": "omzet", "fr": "chiffre d'affaires", "en": "revenue"})
    spec = ExperimentSpec("e", "E", (Arm("a", "A"), Arm("b", "B")), "a", (metric,), START, END)
    stats = pd.DataFrame([{"experiment_id": "e", "arm": a, "metric_id": "revenue", "n": 100,
                           "num_sum": s, "num_sum_sq": ss}
                          for a, s, ss in (("a", 500.0, 50000.0), ("b", 0.0, 0.0))])
    results = results_frame(stats, [spec], END)
    page = html.unescape(render_experiments(results, pd.DataFrame(), [spec], lang=lang,
                                            as_of=END))
    assert expected in page  # was "(-5, 95% CI -9,35 to -0,654)": euros without a sign of it
    means = {r[1]: r[3] for r in cells(page, "E")}
    assert means["A"] == {"nl": "€\u00a05,00", "fr": "5,00\u00a0€", "en": "5,00\u00a0€"}[lang]


@pytest.mark.browser
def test_a_phone_reads_the_page_with_the_period_in_the_header(
        evaluated, open_page: Callable[..., PageReport], tmp_path: Path) -> None:
    """At 390 px nothing but the tables scrolls sideways; the header says up to which day."""
    specs, results, effects, past = evaluated
    path = write_experiments(tmp_path / "experiments.fr.html", results, effects, specs,
                             lang="fr", account="Zonnig Huis", as_of=AS_OF, history=past,
                             header=Header("experiments", account="Zonnig Huis"))
    report = open_page(path, name="experiments-390", width=390, probe="""() => ({
      width: document.documentElement.scrollWidth,
      period: document.querySelector('.site-period').textContent,
      tables: Array.from(document.querySelectorAll('table[data-csv]')).map(t => t.dataset.csv),
      raw: document.querySelector('td[data-value]').dataset.value})""")
    assert report.problems == []
    p = report.probe
    assert p["width"] <= 390, p["width"]
    assert p["period"] == "Données jusqu'au 20 oct. 2026 inclus"
    assert p["tables"] == [f"experiment-{s.id}" for s in specs]
    assert float(p["raw"]) > 0  # a raw number for the CSV, not "35 895"
