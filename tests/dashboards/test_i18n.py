"""The page's own texts exist in every language, with the same template fields."""

from __future__ import annotations

from string import Formatter

import pytest

from dashboards.i18n import TEXTS, t
from kpi.registry import LANGUAGES


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_key_has_all_languages(key: str) -> None:
    assert set(TEXTS[key]) == set(LANGUAGES), key
    assert all(TEXTS[key][lang].strip() for lang in LANGUAGES), key


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_template_fields_match_across_languages(key: str) -> None:
    fields = {lang: {f for _, f, _, _ in Formatter().parse(TEXTS[key][lang]) if f}
              for lang in LANGUAGES}
    assert fields["nl"] == fields["fr"] == fields["en"], fields


def test_missing_text_names_key_and_language() -> None:
    assert t("no_data", "nl") == "Geen gegevens"
    with pytest.raises(KeyError, match=r"'no_such_text'.*'fr'"):
        t("no_such_text", "fr")
    with pytest.raises(KeyError, match=r"'title'.*'de'"):
        t("title", "de")
