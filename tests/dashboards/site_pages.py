"""A tiny site for the site-wide tests: one template through ``render_template`` (site header,
a date chart, a downloadable table with hostile names), written in every language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jinja2

from dashboards import page as page_module
from dashboards.page import render_template, write_page
from dashboards.site import Header, page_file
from kpi.language import LANGUAGES
from tests.dashboards.conftest import HOSTILE_IMG, HOSTILE_SCRIPT

TINY = """{% extends "base.html" %}
{% import "macros.html" as m %}
{% block content %}
<h1>{{ title }}</h1>
{{ m.plot("dates", 260) }}
<div class="table-wrap"><table {{ m.csv_table(csv) }}>
<thead><tr><th>{{ t("nav_budget") }}</th><th>Cost</th><th>Share</th></tr></thead>
<tbody>
{% for row in rows %}
<tr{% if row.get("hidden") %} hidden{% endif %}><td>{{ row.name }}</td>
<td data-value="{{ row.cost }}">{{ row.shown }}</td><td>{{ row.share }}</td></tr>
{% endfor %}
</tbody>
<tfoot><tr><td colspan="2">Total</td><td>100 %</td></tr></tfoot>
</table></div>
{% endblock %}
"""
ROWS = [
    {"name": "Café – Brussel", "cost": "1234.5", "shown": "€ 1.234,50", "share": "12,5 %"},
    {"name": '=HYPERLINK("x";"y")', "cost": "-0.25", "shown": "-€ 0,25", "share": "+3,4%"},
    {"name": HOSTILE_SCRIPT, "cost": "7", "shown": "€ 7", "share": "a;b"},
    {"name": HOSTILE_IMG, "cost": "n/a", "shown": "–", "share": "-x"},
    {"name": "hidden by a filter", "cost": "1", "shown": "1", "share": "1", "hidden": True},
]
# What Belgian Excel gets for ROWS (the nl / fr / en pages alike: all write a decimal comma):
# ';' between fields, raw numbers with a comma, formulas defused, the hidden row left out.
EXPECTED_LINES = [
    "Budget;Cost;Share",
    "Café – Brussel;1234,5;12,5 %",
    "\"'=HYPERLINK(\"\"x\"\";\"\"y\"\")\";-0,25;+3,4%",
    f"{HOSTILE_SCRIPT};7;\"a;b\"",
    f"{HOSTILE_IMG};n/a;'-x",
    "Total;;100 %",
]
EXPECTED_CSV = "\ufeff" + "\r\n".join(EXPECTED_LINES) + "\r\n"
DAYS = [dt.date(2026, 8, 1) + dt.timedelta(days=i) for i in range(122)]  # August - November


def figure() -> dict:
    return {"data": [{"type": "scatter", "mode": "lines", "x": [d.isoformat() for d in DAYS],
                      "y": [1000 + 10 * i for i in range(len(DAYS))]}],
            "layout": page_module.chart_layout("en")}


@contextmanager
def tiny_template() -> Iterator[None]:
    """``tiny.html`` findable by render_template while the block runs."""
    env = page_module.ENV
    loader = env.loader
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"tiny.html": TINY}), loader])
    try:
        yield
    finally:
        env.loader = loader


def write_tiny_site(folder: Path, page: str = "budget") -> dict[str, Path]:
    """``page`` in every language (plotly.js, stylesheet and site script beside it)."""
    header = Header(page=page, account=f"Demo {HOSTILE_SCRIPT}", period="W47",
                    freshness=dt.datetime(2026, 11, 26, 6, 5), report="reports/2026-W47")
    paths = {}
    with tiny_template():
        for lang in LANGUAGES:
            html = render_template("tiny.html", lang=lang, title=f"Tiny {lang}", header=header,
                                   figures={"dates": figure()}, csv="budget-lines",
                                   rows=ROWS)
            paths[lang] = write_page(folder / page_file(page, lang), html)
    return paths
