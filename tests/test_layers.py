"""Who imports whom (read from the source with ``ast``, nothing imported): only assets/ imports
Dagster; pipelines/ imports from kpi/ only the shared vocabulary (the KPI registry and the
settings sections its Config is made of) and nothing from dashboards/; kpi/ imports nothing from
dashboards/, experiments/ or assets/; kpi/'s root imports nothing from its CLV and budget
homes, which build on it; experiments/ imports nothing from dashboards/ (no package cycle); the
language layer (kpi/language) imports nothing of the product but the registry's vocabulary; and
no module keeps texts of its own in nl / fr / en (they are in the gettext catalogs)."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGES = ("pipelines", "kpi", "experiments", "dashboards", "assets")
# What pipelines/ may import from kpi/: the shared vocabulary at the bottom of every package.
VOCABULARY = ("kpi.registry", "kpi.language", "kpi.budget.settings", "kpi.clv.settings",
              "kpi.review.settings")


def imports(package: str) -> Iterator[tuple[str, str]]:
    """(module file, imported module) for every absolute import in ``package``."""
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            else:
                continue
            for name in names:
                yield str(path.relative_to(ROOT)), name


def _under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_scan_sees_the_imports() -> None:  # not vacuous: known imports are found
    found = set(imports("pipelines"))
    assert ("pipelines/config.py", "kpi.registry") in found
    assert ("assets/definitions.py", "dagster") in set(imports("assets"))


@pytest.mark.parametrize("package", ["pipelines", "kpi", "experiments", "dashboards"])
def test_only_assets_import_dagster(package) -> None:
    assert [(f, n) for f, n in imports(package) if _under(n, "dagster")] == []


def test_pipelines_import_only_the_vocabulary_from_kpi_and_nothing_from_dashboards() -> None:
    wrong = [(f, n) for f, n in imports("pipelines")
             if (_under(n, "kpi") and n not in ("kpi", "kpi.budget", "kpi.clv")
                 and not _under(n, *VOCABULARY)) or _under(n, "dashboards", "assets")]
    assert wrong == []


def test_kpi_imports_no_page_experiment_or_wiring() -> None:
    assert [(f, n) for f, n in imports("kpi")
            if _under(n, "dashboards", "experiments", "assets")] == []


def test_the_kpi_root_does_not_import_its_clv_and_budget_homes() -> None:
    root = [(f, n) for f, n in imports("kpi") if f.count("/") == 1]
    assert [(f, n) for f, n in root if _under(n, "kpi.clv", "kpi.budget")] == []


def test_experiments_import_nothing_from_dashboards_or_assets() -> None:
    assert [(f, n) for f, n in imports("experiments") if _under(n, "dashboards", "assets")] == []


def test_the_language_layer_sits_at_the_bottom() -> None:
    below = [(f, n) for f, n in imports("kpi") if f.startswith("kpi/language/")
             and _under(n, "kpi", "pipelines", "experiments", "dashboards", "assets")
             and not _under(n, "kpi.language", "kpi.registry")]
    assert below == []


def _text_dicts(package: str) -> Iterator[str]:
    """Dict literals keyed exactly nl / fr / en with text values: texts kept outside the
    catalogs."""
    for path in sorted((ROOT / package).rglob("*.py")):
        if path.is_relative_to(ROOT / "kpi" / "language"):
            continue  # the language layer: locale ids, not texts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Dict):
                continue
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if keys == {"nl", "fr", "en"} and all(
                    isinstance(v, ast.Constant | ast.JoinedStr) for v in node.values):
                yield f"{path.relative_to(ROOT)}:{node.lineno}"


def test_the_scan_finds_text_dicts(tmp_path, monkeypatch) -> None:  # not vacuous
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text('X = {"nl": "Ja", "fr": "Oui", "en": "Yes"}\n')
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert list(_text_dicts("pkg")) == ["pkg/m.py:1"]


@pytest.mark.parametrize("package", ["kpi", "experiments", "dashboards", "assets"])
def test_no_texts_outside_the_catalogs(package) -> None:
    assert list(_text_dicts(package)) == []
