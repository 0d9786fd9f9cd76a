"""The language layer: the catalogs agree with the code (no id missing in any language, none
unused, no empty text, the same {fields} everywhere), the audit catches each kind of fault
planted in a copy, compiled and in-memory catalogs give the same texts, lookups name what is
missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from kpi.language import LANGUAGES, Labels, locale_for
from kpi.language import translate as tr
from kpi.language.audit import Usage, _python_usage, _template_usage, problems, read_catalogs
from kpi.language.audit import usage as code_usage

CATALOGS = read_catalogs(tr.LOCALES_DIR)


def test_the_catalogs_and_the_code_agree() -> None:
    assert problems(CATALOGS, code_usage()) == []


def test_every_domain_exists_in_every_language() -> None:
    assert {lang for _, lang in CATALOGS} == set(LANGUAGES)
    assert {d for d, _ in CATALOGS} >= {"common", "budget", "report", "kpis", "experiments"}


def _planted(tmp_path: Path, edit) -> dict:
    folder = tmp_path / "locales"
    shutil.copytree(tr.LOCALES_DIR, folder, ignore=shutil.ignore_patterns("*.mo"))
    path = folder / "fr" / "LC_MESSAGES" / "common.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    edit(catalog)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return read_catalogs(folder)


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda c: c.delete("no_data"), "common/fr: 'no_data' missing (it is in en)"),
    (lambda c: setattr(c["no_data"], "string", " "), "common/fr: 'no_data' is empty"),
    (lambda c: setattr(c["week_n"], "string", "Semaine {semaine}"),
     "common/fr: 'week_n' fills ['semaine'], en fills ['week']"),
    (lambda c: c.add("only_in_french", "Seulement"), "common/fr: 'only_in_french' is not in en"),
    (lambda c: setattr(c["no_data"], "string", "Données\u00a0: aucune"),
     "common/fr: 'no_data' needs a narrow no-break space (U+202F) before :"),
])
def test_the_audit_catches_each_planted_fault(tmp_path, edit, expected) -> None:
    used = code_usage()
    before = set(problems(CATALOGS, used))  # (empty: see the first test)
    assert [p for p in problems(_planted(tmp_path, edit), used) if p not in before] == [expected]


def test_the_audit_catches_unused_and_unknown_ids() -> None:
    used = Usage(frozenset({"no_data", "brand_new_key"}), frozenset({"week_"}))
    small = {("common", lang): {"no_data": "x", "week_n": "y", "stale": "z"}
             for lang in LANGUAGES}
    assert problems(small, used) == ["'brand_new_key' is used in the code but in no catalog",
                                     "'stale' is in a catalog but no code uses it"]


def test_ids_are_found_in_python_and_templates() -> None:
    source = 'x = t("a", lang) + _t("b", lang)\nK = N_("c")\ny = _t(f"seg_{s}", lang)\n'
    assert set(_python_usage(source)) == {("a", False), ("b", False), ("c", False),
                                          ("seg_", True)}
    template = '{{ t("d") }} {{ t("e", n=1) }} {{ t("pre_" ~ x) }} {{ other("f") }}'
    assert set(_template_usage(template)) == {("d", False), ("e", False), ("pre_", True)}


def test_compiled_and_in_memory_catalogs_give_the_same_texts(tmp_path, monkeypatch) -> None:
    compiled = {lang: dict(tr._messages("common", lang)) for lang in LANGUAGES}
    folder = tmp_path / "locales"
    shutil.copytree(tr.LOCALES_DIR, folder, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(tr, "LOCALES_DIR", folder)
    tr._messages.cache_clear()
    try:
        assert {lang: tr._messages("common", lang) for lang in LANGUAGES} == compiled
        assert compiled["fr"]["no_data"] == "Aucune donnée"  # a known text, read back
    finally:
        tr._messages.cache_clear()


def test_lookups_fall_back_in_order_and_name_what_is_missing() -> None:
    budget = tr.translator("budget", "common")
    assert budget("no_data", "nl") == "Geen gegevens"  # from common
    assert "bud_title" in budget and "nothing_like_this" not in budget
    with pytest.raises(KeyError, match=r"'nothing_like_this'.*\['budget', 'common'\].*'fr'"):
        budget("nothing_like_this", "fr")
    with pytest.raises(KeyError, match=r"'bud_title'.*'de'"):
        budget("bud_title", "de")
    with pytest.raises(KeyError, match="no text catalog 'nope'"):
        tr.text("nope", "x", "en")


def test_labels_and_locales() -> None:
    assert tr.catalog_labels("kpis", "cpl") == Labels(
        "Kosten per lead (CPL)", "Coût par lead (CPL)", "Cost per lead (CPL)")
    assert Labels("a", "b", "c")("de") == "c"
    assert [locale_for(lang) for lang in LANGUAGES] == ["nl_BE", "fr_BE", "en_BE"]
    with pytest.raises(ValueError, match="unsupported language 'de'"):
        locale_for("de")
