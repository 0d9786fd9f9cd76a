"""The weekly report's wording: no label said twice, French typography, no text key unused,
no HTML built in Python (issue 18)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from dashboards.report import ReportInputs, render_report, too_early_sentence
from kpi.language.translate import message_ids, translator
from kpi.weekly import Finding, IsoWeek

t = translator("common")

_texts = translator("report", "budget", "quality", "common")

DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"
CODE = [*DASHBOARDS.glob("report*.py"), *(DASHBOARDS / "templates" / "report").glob("*.html"),
        *(DASHBOARDS / "delivery").glob("*.py"), *(DASHBOARDS / "templates" / "delivery").glob("*")]
W47 = IsoWeek.parse("2026-W47")
NNBSP = "\u202f"


def flat(page: str) -> str:
    return unescape(re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture(scope="module")
def provisional(kpi_values: pd.DataFrame) -> ReportInputs:
    """W47 of the synthetic account: inside the Ads conversion window, so provisional."""
    return ReportInputs(week=W47, values=kpi_values)


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_provisional_label_is_not_said_twice(provisional: ReportInputs, lang: str) -> None:
    text = flat(render_report(provisional, lang=lang))
    label = t("provisional", lang)
    assert label in text  # the week is provisional: the label shows once, then the reason
    assert not re.search(rf"{label}\W+{label}", text, re.IGNORECASE)
    assert f"{label} {_texts('r_provisional_week', lang)}" in text




def test_french_verdicts_agree_whatever_the_counts(provisional: ReportInputs) -> None:
    text = flat(render_report(provisional, lang="fr"))
    assert "Semaine mitigée\u202f: 1 KPI sur 2 dans l'objectif, 1 hors objectif." in text
    assert "objectifs atteints" not in text and "1 manqués" not in text


@pytest.mark.parametrize(("lang", "expected"), [
    ("nl", "Search – NL: Kosten per lead (CPL) verwacht rond €\xa045,00"),
    ("fr", "Search – NL\u202f: Coût par lead (CPL), valeur attendue autour de 45,00\xa0€"),
    ("en", "Search – NL: Cost per lead (CPL) expected at 45,00\xa0€"),
])
def test_a_campaign_too_early_to_judge_is_named_once(lang: str, expected: str) -> None:
    finding = Finding(kind="campaign_target", good=False, weight=1.0, metric="cpl",
                      level="campaign", name="Search – NL", channel="Paid Search", value=45.0,
                      reference=40.0, change=0.125, low=35.0, high=55.0)
    sentence = too_early_sentence(finding, lang, "EUR")
    assert sentence.startswith(expected)
    assert sentence.count(":") == 1  # "name: kpi: expected" said the name's colon twice


def test_every_report_text_is_used_and_every_key_used_exists() -> None:
    source = "\n".join(path.read_text(encoding="utf-8") for path in CODE)
    used = set(re.findall(r"""["']([rd]_[a-z0-9_]+)["']""", source))
    assert sorted(message_ids("report") - used) == []  # a text no code reads: remove it
    assert sorted(used - message_ids("report")) == []


def test_no_html_is_built_in_python() -> None:
    for path in DASHBOARDS.glob("report*.py"):
        code = path.read_text(encoding="utf-8")
        assert "esc(" not in code and "Markup" not in code, path.name
        assert not re.search(r"<(b|br|p|td|tr|li|span|div|table)[ >]", code), path.name
