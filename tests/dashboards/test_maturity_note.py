"""The completeness note as words (dashboards.maturity.completeness) and as the template macro
every page uses (templates/maturity.html); the old HTML function says the same."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboards.maturity import CompletenessNote, completeness
from dashboards.page import ENV

NOWCAST = pd.DataFrame({"grain": ["week", "month", "week"], "level": "total",
                        "metric": "conversions",
                        "period_start": [dt.date(2026, 11, 16), dt.date(2026, 11, 1),
                                         dt.date(2026, 11, 9)],
                        "completeness": [0.776, 0.93, 1.0]})


def macro(note: CompletenessNote | None) -> str:
    return str(ENV.from_string('{% import "maturity.html" as mt %}{{ mt.completeness(note) }}')
               .render(note=note))


def test_the_note_in_words() -> None:
    note = completeness(NOWCAST, "fr")
    assert note == CompletenessNote(
        "Des conversions arrivent encore\u202f: semaine 47 à environ 77,6\u00a0%, "
        "novembre 2026 à environ 93,0\u00a0%.",
        "Les chiffres précédés de ≈ sont la valeur finale attendue (fourchette à 80\u00a0%).")
    assert completeness(NOWCAST, "en", "same_age").how.startswith("Each period is compared")
    assert completeness(NOWCAST.assign(completeness=1.0), "nl") is None
    assert completeness(None, "nl") is None


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_macro_lays_out_the_note(lang: str) -> None:
    note = completeness(NOWCAST, lang)
    assert macro(note) == f'<div class="note maturity">{note.sentence} {note.how}</div>'
    assert macro(None) == ""


def test_the_macro_escapes() -> None:
    assert macro(CompletenessNote("<b>x</b>", "a & b")) == (
        '<div class="note maturity">&lt;b&gt;x&lt;/b&gt; a &amp; b</div>')
