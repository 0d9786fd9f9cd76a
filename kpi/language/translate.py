"""Texts from the gettext catalogs: ``kpi/language/locales/<lang>/LC_MESSAGES/<domain>.po``.

A message id is a stable key (``bud_title``); every language, English included, has its own
``.po`` file, which translators edit with their usual tools (Poedit, Weblate). Texts with
fields use ``str.format`` braces (``Week {week}``), marked ``python-brace-format``. Each
domain is one area of the product (``common`` for what every page shares, ``budget``,
``report``, ``kpis``...). ``make setup`` compiles the catalogs to ``.mo`` files with Babel;
a catalog whose ``.mo`` is missing or older than its ``.po`` is compiled in memory instead.

>>> text("common", "no_data", "fr")
'Aucune donnée'
>>> translator("budget", "common")("no_data", "nl")
'Geen gegevens'
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kpi.language import LANGUAGES, Labels

LOCALES_DIR = Path(__file__).parent / "locales"
Lookup = Callable[[str, str], str]  # (key, lang) -> text


def po_path(domain: str, lang: str) -> Path:
    """Where the catalog of ``domain`` in ``lang`` lives."""
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def domains() -> tuple[str, ...]:
    """Every domain that has a catalog (read from the English folder)."""
    return tuple(sorted(p.stem for p in (LOCALES_DIR / "en" / "LC_MESSAGES").glob("*.po")))


@cache
def _messages(domain: str, lang: str) -> dict[str, str]:
    """The compiled catalog of ``domain`` in ``lang`` as ``{key: text}``."""
    if lang not in LANGUAGES:
        raise KeyError(f"no language {lang!r}; expected one of {list(LANGUAGES)}")
    po = po_path(domain, lang)
    if not po.is_file():
        raise KeyError(f"no text catalog {domain!r} in language {lang!r} ({po})")
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        data = mo.read_bytes()
    else:  # not compiled yet (or edited since): compile in memory, as pybabel would
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=domain)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        data = buffer.getvalue()
    compiled = gettext.GNUTranslations(io.BytesIO(data))
    return {k: v for k, v in compiled._catalog.items() if isinstance(k, str) and k}  # type: ignore[attr-defined]


def text(domain: str, key: str, lang: str) -> str:
    """The text ``key`` of ``domain`` in ``lang``; KeyError naming all three when missing."""
    messages = _messages(domain, lang)  # KeyError naming a missing catalog or language
    try:
        return messages[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in catalog {domain!r}, language {lang!r}") from None


def message_ids(domain: str) -> frozenset[str]:
    """Every message id of ``domain`` (read from the English catalog).

    >>> "no_data" in message_ids("common")
    True
    """
    return frozenset(_messages(domain, "en"))


def catalog_labels(domain: str, key: str) -> Labels:
    """The text ``key`` of ``domain`` in every language."""
    return Labels(*(text(domain, key, lang) for lang in LANGUAGES))


@dataclass(frozen=True)
class Translator:
    """``(key, lang) -> text`` in ``domains``, the first that has the key; ``key in it`` says
    whether any of them has it (for codes a newer version may add words for)."""

    domains: tuple[str, ...]

    def __call__(self, key: str, lang: str) -> str:
        if lang not in LANGUAGES:
            raise KeyError(f"no text {key!r} in language {lang!r}; expected one of "
                           f"{list(LANGUAGES)}")
        for name in self.domains:
            found = _messages(name, lang).get(key)
            if found is not None:
                return found
        raise KeyError(f"no text {key!r} in catalogs {list(self.domains)}, language {lang!r}")

    def __contains__(self, key: object) -> bool:
        return any(key in _messages(name, "en") for name in self.domains)


def translator(domain: str, *fallbacks: str) -> Translator:
    """A lookup in ``domain``, then in each of ``fallbacks``."""
    return Translator((domain, *fallbacks))


def N_(key: str) -> str:
    """Mark a key chosen at run time so the catalog tools find it (gettext's ``N_``).

    >>> N_("decision_wins")
    'decision_wins'
    """
    return key
