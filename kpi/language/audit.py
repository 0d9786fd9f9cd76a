"""The catalogs checked against the code: every message id the code uses exists in every
language, every id in a catalog is used, no text is empty, every language fills the same
``{fields}``, and French sets a narrow no-break space before ``; : ! ?``. ``make test`` runs
it (tests/kpi/test_language.py); translators can run ``python -m kpi.language.audit`` after
editing a ``.po`` file.

An id is *asked for* where the code looks it up with a literal: a call ``t("key", ...)``
(also ``_t``, ``text``, ``_text``, ``_texts`` and ``N_``; either branch of ``"a" if x else
"b"``) in Python, ``t("key")`` in a Jinja2 template, and the registry's KPI and measure ids
(catalog ``kpis``: ``<id>`` and ``<id>.description``): each must exist. An id is *used* when
the code names it anywhere as a string (a key chosen from a tuple or a dict, a conditional),
or when a key built at run time (``f"clv_segment_{segment}"``) starts with its fixed part: a
catalog id used nowhere is reported.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2
from babel.messages.pofile import read_po
from jinja2 import nodes

from kpi.language import LANGUAGES

ROOT = Path(__file__).parents[2]
CODE = ("dashboards", "experiments", "kpi", "pipelines", "assets")
LOOKUPS = frozenset({"t", "_t", "text", "_text", "N_", "_texts"})
MIN_PREFIX = 4  # characters of a run-time key's fixed part that make it a family


# French typography: a narrow no-break space before ; : ! ? (« Compte : … », as the Belgian
# press and the Imprimerie nationale set it), never a plain or a full no-break space.
FRENCH_SPACE = re.compile(r"[ \u00a0]([:;!?])")
KEY_LIKE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


@dataclass(frozen=True)
class Usage:
    """The ids the code asks for, the strings it names, and the fixed starts of ids it builds
    at run time."""

    ids: frozenset[str]
    prefixes: frozenset[str]
    named: frozenset[str] = frozenset()

    def uses(self, key: str) -> bool:
        return (key in self.ids or key in self.named
                or any(key.startswith(p) for p in self.prefixes))


def _literals(node: ast.AST) -> Iterator[str]:
    """The strings an argument can be: a literal, or either branch of a conditional."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)


def _python_usage(source: str) -> Iterator[tuple[str, bool]]:
    """(id, is_prefix) for every lookup call in a Python source."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and len(str(first.value)) >= MIN_PREFIX:
                yield str(first.value), True
        if not (isinstance(node, ast.Call) and node.args):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else (
            node.func.attr if isinstance(node.func, ast.Attribute) else None)
        if name in LOOKUPS:
            yield from ((value, False) for value in _literals(node.args[0]))


def _python_names(source: str) -> Iterator[str]:
    """Every key-like string literal of a Python source (docstrings included: harmless)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and KEY_LIKE.match(node.value):
            yield node.value


def _template_names(source: str) -> Iterator[str]:
    """Every key-like string constant of a Jinja2 template."""
    tree = jinja2.Environment(autoescape=True).parse(source)
    for const in tree.find_all(nodes.Const):
        if isinstance(const.value, str) and KEY_LIKE.match(const.value):
            yield const.value


def _template_usage(source: str) -> Iterator[tuple[str, bool]]:
    """(id, is_prefix) for every ``t(...)`` in a Jinja2 template."""
    tree = jinja2.Environment(autoescape=True).parse(source)
    for call in tree.find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name in LOOKUPS and call.args):
            continue
        arg = call.args[0]
        if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
            yield arg.value, False
        elif isinstance(arg, nodes.Concat | nodes.Add):
            parts = arg.nodes if isinstance(arg, nodes.Concat) else [arg.left]
            if parts and isinstance(parts[0], nodes.Const):
                yield str(parts[0].value), True


def usage(root: Path = ROOT) -> Usage:
    """Every message id the code and the templates use."""
    found: list[tuple[str, bool]] = []
    named: set[str] = set()
    for package in CODE:
        for path in sorted((root / package).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            found += _python_usage(source)
            named.update(_python_names(source))
        for path in sorted((root / package).rglob("*.html")):
            source = path.read_text(encoding="utf-8")
            found += _template_usage(source)
            named.update(_template_names(source))
    from kpi.registry import KPIS, MEASURES  # the registry's ids are message ids of "kpis"

    found += [(key, False) for d in (*MEASURES, *KPIS) for key in (d, f"{d}.description")]
    return Usage(frozenset(k for k, p in found if not p), frozenset(k for k, p in found if p),
                 frozenset(named))


def _fields(text: str) -> frozenset[str]:
    return frozenset(f for _, f, _, _ in string.Formatter().parse(text) if f)


def read_catalogs(folder: Path) -> dict[tuple[str, str], dict[str, str]]:
    """``{(domain, lang): {id: text}}`` for every ``.po`` under ``folder``."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for path in sorted(folder.glob("*/LC_MESSAGES/*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle)
        out[(path.stem, path.parts[-3])] = {m.id: m.string for m in catalog if m.id}
    return out


def problems(catalogs: dict[tuple[str, str], dict[str, str]], used: Usage,
             languages: Iterable[str] = LANGUAGES) -> list[str]:
    """What is wrong, one line each (empty: the catalogs and the code agree)."""
    out: list[str] = []
    domains = sorted({d for d, _ in catalogs})
    every: set[str] = set()
    for domain in domains:
        english = catalogs.get((domain, "en"), {})
        every |= set(english)
        for lang in languages:
            own = catalogs.get((domain, lang))
            if own is None:
                out.append(f"{domain}: no catalog in {lang}")
                continue
            out += [f"{domain}/{lang}: {k!r} missing (it is in en)" for k in english.keys() - own]
            out += [f"{domain}/{lang}: {k!r} is not in en" for k in own.keys() - english]
            out += [f"{domain}/{lang}: {k!r} is empty" for k, v in own.items() if not v.strip()]
            out += [f"{domain}/{lang}: {k!r} fills {sorted(_fields(v))}, en fills "
                    f"{sorted(_fields(english[k]))}"
                    for k, v in own.items() if k in english and _fields(v) != _fields(english[k])]
        out += [f"{domain}/fr: {k!r} needs a narrow no-break space (U+202F) before {m.group(1)}"
                for k, v in catalogs.get((domain, "fr"), {}).items()
                for m in [FRENCH_SPACE.search(v)] if m]
    out += [f"{k!r} is used in the code but in no catalog" for k in sorted(used.ids - every)]
    out += [f"{k!r} is in a catalog but no code uses it" for k in sorted(every)
            if not used.uses(k)]
    return out


if __name__ == "__main__":  # pragma: no cover - the translators' check
    from kpi.language.translate import LOCALES_DIR

    found = problems(read_catalogs(LOCALES_DIR), usage())
    print("\n".join(found) or "the catalogs and the code agree")
    raise SystemExit(1 if found else 0)
