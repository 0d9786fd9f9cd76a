"""The one language layer: which languages the product speaks, their Belgian locales, the
gettext catalogs every text comes from (:mod:`kpi.language.translate`) and Babel's formatting
of numbers, money and dates (:mod:`kpi.language.format`).

It sits at the bottom of the packages (beside the KPI registry) so that every package may use
it: the pages, the weekly report, the budget recommendations and the experiment verdicts all
speak through it.

>>> LANGUAGES, locale_for("fr")
(('nl', 'fr', 'en'), 'fr_BE')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["nl", "fr", "en"]
LANGUAGES: tuple[Lang, ...] = ("nl", "fr", "en")
LOCALES: dict[str, str] = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_BE"}


def locale_for(lang: str) -> str:
    """The Babel locale of a language: ``nl`` -> ``nl_BE``; ValueError for others."""
    try:
        return LOCALES[lang]
    except KeyError:
        raise ValueError(
            f"unsupported language {lang!r}; expected one of {sorted(LOCALES)}"
        ) from None


@dataclass(frozen=True)
class Labels:
    """One text in every language (``Labels("Kosten", "Coût", "Cost")("fr") == "Coût"``); an
    unknown language falls back to English."""

    nl: str
    fr: str
    en: str

    def __call__(self, lang: str) -> str:
        return getattr(self, lang) if lang in LANGUAGES else self.en
