"""The site around every page, without a browser: what the templates hand the site script."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dashboards.page import SITE_SCRIPT, STATIC, render_template
from dashboards.plotly_locale import plotly_locale
from dashboards.site import PAGES, header_links, language_links, page_file
from kpi.language import LANGUAGES
from kpi.language.translate import translator
from tests.dashboards.conftest import HOSTILE_IMG
from tests.dashboards.site_pages import ROWS, figure, tiny_template, write_tiny_site

t = translator("common")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str, name: str) -> list[dict[str, str | None]]:
    parser = _Tags()
    parser.feed(html)
    return [attrs for tag, attrs in parser.tags if tag == name]


def tiny(lang: str, csv: str = "budget-lines") -> str:
    with tiny_template():
        return render_template("tiny.html", lang=lang, title="Tiny", figures={"dates": figure()},
                               csv=csv, rows=ROWS)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_body_tells_the_site_script_the_csv_label_and_decimal_mark(lang: str) -> None:
    (body,) = tags(tiny(lang), "body")
    assert body["data-csv-label"] == t("site_csv", lang)
    assert body["data-decimal"] == ","  # nl_BE, fr_BE and en_BE alike
    assert body["data-lang"] == lang


def test_csv_table_name_is_an_escaped_attribute() -> None:
    (table,) = tags(tiny("nl", csv=HOSTILE_IMG), "table")
    assert table == {"data-csv": HOSTILE_IMG}
    assert '<table data-csv="budget-lines">' in tiny("nl")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_charts_register_the_page_language(lang: str) -> None:
    scripts = re.findall(r"<script>(.*?)</script>", tiny(lang), re.S)
    assert len(scripts) == 1
    name = plotly_locale(lang)["name"]
    assert f'"name": "{name}"' in scripts[0]
    assert "Plotly.register(locale)" in scripts[0]
    assert "Plotly.setPlotConfig({locale:locale.name})" in scripts[0]


def test_every_page_links_every_page_and_language() -> None:
    for lang in LANGUAGES:
        for name, _key in PAGES:
            links = header_links(name, lang)
            assert [link.href for link in links] == [page_file(p, lang) for p, _ in PAGES]
            assert [link.current for link in links] == [p == name for p, _ in PAGES]
            switch = language_links(name, lang)
            assert [s.href for s in switch] == [page_file(name, code) for code in LANGUAGES]


def test_tiny_site_writes_the_site_files_beside_the_pages(tmp_path: Path) -> None:
    write_tiny_site(tmp_path)
    names = {p.name for p in tmp_path.iterdir()}
    assert {page_file("budget", lang) for lang in LANGUAGES} | {SITE_SCRIPT} <= names
    assert (tmp_path / SITE_SCRIPT).read_bytes() == (STATIC / SITE_SCRIPT).read_bytes()


def test_site_script_stays_offline_and_plain() -> None:
    script = (STATIC / SITE_SCRIPT).read_text(encoding="utf-8")
    assert "http" not in script and "eval(" not in script and "innerHTML" not in script
    assert "fetch(" not in script and "XMLHttpRequest" not in script
    assert "\\ufeff" in script and "';'" in script  # the BOM and the separator Excel expects
