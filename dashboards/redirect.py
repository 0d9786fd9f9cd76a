"""The unsuffixed page (``overview.html``): a few hundred bytes that open the page in the
configured language (``overview.en.html``) instead of a full copy of it.

A copy cost as much as the page (the trends and drill-down pages are ~0.5-0.8 MB each), seven
times over. The redirect keeps the address working for bookmarks and the command's
"Dashboard  .../overview.html" line: a script replaces the location at once, keeping the URL's
``#fragment`` (the page's state), and a meta refresh and a plain link do it without scripts.
The page's Content-Security-Policy allows that one script by its hash and nothing else.

>>> page = redirect_page("overview.en.html", "en")
>>> 'content="0; url=overview.en.html"' in page, 'href="overview.en.html"' in page
(True, True)
>>> len(page.encode()) < 1_000
True
>>> redirect_page("../elsewhere.html", "en")
Traceback (most recent call last):
ValueError: a redirect goes to a page beside it, not '../elsewhere.html'
"""

from __future__ import annotations

import html
import json
import re

from dashboards.page import _csp_hash
from kpi.language.format import locale_for

_PAGE_FILE = re.compile(r"^[a-z][a-z0-9_-]*\.[a-z]{2}\.html$")


def redirect_page(target: str, lang: str) -> str:
    """A small HTML document that opens ``target`` (a page file beside it, such as
    ``overview.nl.html``) with the current ``#fragment``."""
    if not _PAGE_FILE.match(target):
        raise ValueError(f"a redirect goes to a page beside it, not {target!r}")
    script = f"location.replace({json.dumps(target)} + location.hash);"
    csp = f"default-src 'none'; script-src {_csp_hash(script)}; base-uri 'none'; " \
          "form-action 'none'"
    href = html.escape(target)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{locale_for(lang).replace("_", "-")}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        f"<title>{href}</title>\n<script>{script}</script>\n</head>\n"
        f'<body><p><a href="{href}">{href}</a></p></body>\n</html>\n')
