"""The pages as one site: the header every page shares (account, period, freshness, a link to
every page and to the latest weekly report, the nl / fr / en switch).

Pages are files side by side: ``overview.nl.html``, ``budget.fr.html``...; the weekly reports
live in ``reports/2026-W47/weekly-report.nl.html``. A language link points at the same page in
the other language; the site script (``static/campaign-kpi.js``) carries the page's state (the
URL's ``#fragment``) along, and adds a CSV download button to every ``table[data-csv]``.

>>> [link.href for link in header_links("budget", "fr")][:2]
['overview.fr.html', 'trends.fr.html']
>>> [(s.code, s.href, s.current) for s in language_links("budget", "nl")]
[('nl', 'budget.nl.html', True), ('fr', 'budget.fr.html', False), ('en', 'budget.en.html', False)]
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from dashboards.attribution import Attribution
from kpi.language import LANGUAGES

# Every page of the site, in the order of the navigation, with the text key of its name.
PAGES: tuple[tuple[str, str], ...] = (
    ("overview", "nav_overview"),
    ("trends", "nav_trends"),
    ("drilldown", "nav_drilldown"),
    ("budget", "nav_budget"),
    ("leads", "nav_leads"),
    ("clv", "nav_clv"),
    ("email", "nav_email"),
    ("experiments", "nav_experiments"),
    ("quality", "nav_quality"),
)
LANGUAGE_NAMES = {code: code.upper() for code in LANGUAGES}  # the switch: NL FR EN
REPORT_FOLDER = "reports"
_WEEK_FOLDER = re.compile(r"^\d{4}-W\d{2}$")


@dataclass(frozen=True)
class Link:
    """One link of the header: where it goes, what it says (a text key), whether it is here."""

    href: str
    key: str
    current: bool = False


@dataclass(frozen=True)
class LanguageLink:
    """The same page in another language."""

    code: str
    href: str
    current: bool


@dataclass(frozen=True)
class Header:
    """What the header of one page says; the page fills in ``period`` (already in words).

    ``freshness``: when the newest data was pulled (None: unknown); ``report``: the latest
    weekly report's folder relative to the pages (``reports/2026-W47``) or None when there is
    none yet; ``attribution``: which conversions the KPIs count, stated in one sentence on
    every page (None: not stated).
    """

    page: str
    account: str = ""
    period: str = ""
    freshness: dt.datetime | None = None
    report: str | None = None
    attribution: Attribution | None = None


def page_file(page: str, lang: str) -> str:
    """The file name of ``page`` in ``lang``: ``overview.nl.html``."""
    return f"{page}.{lang}.html"


def header_links(page: str, lang: str) -> list[Link]:
    """The navigation: every page in ``lang``, the current one marked."""
    return [Link(page_file(name, lang), key, name == page) for name, key in PAGES]


def language_links(page: str, lang: str) -> list[LanguageLink]:
    """``page`` in every language, the current one marked."""
    return [LanguageLink(code, page_file(page, code), code == lang) for code in LANGUAGES]


def report_link(report: str | None, lang: str) -> str | None:
    """The latest weekly report in ``lang`` (relative to the pages), or None.

    >>> report_link("reports/2026-W47", "fr")
    'reports/2026-W47/weekly-report.fr.html'
    """
    return None if report is None else f"{report}/weekly-report.{lang}.html"


def latest_report(output: str | Path) -> str | None:
    """The newest week folder under ``output/reports`` that holds a report, relative to
    ``output`` (``reports/2026-W47``), or None when no report was written yet."""
    folder = Path(output) / REPORT_FOLDER
    if not folder.is_dir():
        return None
    weeks = sorted(p.name for p in folder.iterdir()
                   if _WEEK_FOLDER.match(p.name) and any(p.glob("weekly-report.*.html")))
    return f"{REPORT_FOLDER}/{weeks[-1]}" if weeks else None
