"""The page shell: script-safe JSON, escaping, CSP hashes, one shared local plotly.js."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from html.parser import HTMLParser

import jinja2
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from dashboards import page as page_module
from dashboards.page import (
    PLOTLY_FILE,
    SITE_SCRIPT,
    STYLESHEET,
    escape_json,
    render_template,
    script_json,
    write_page,
)
from tests.dashboards.conftest import HOSTILE_IMG, HOSTILE_SCRIPT

URL_ATTRS = {"src", "href", "action", "formaction", "srcset", "poster", "data", "background"}


class _Collect(HTMLParser):
    """Tags, URL-carrying attributes and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self.metas: list[dict[str, str | None]] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v or "" for k, v in attrs if k in URL_ATTRS]
        if tag == "meta":
            self.metas.append(dict(attrs))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse(page: str) -> _Collect:
    collected = _Collect()
    collected.feed(page)
    return collected


def without_plotlyjs(page: str) -> str:
    """The page, checked to load plotly.js from the shared local file rather than inline it."""
    assert get_plotlyjs()[:2000] not in page, "plotly.js must not be inlined"
    assert page.count(f'<script src="{PLOTLY_FILE}"></script>') == 1
    return page


# A page template as the pages write theirs: a text and figure placeholders.
SAMPLE = """{% extends "base.html" %}{% import "macros.html" as m %}
{% block content %}<p>{{ text }}</p>{% for fig in plots %}{{ m.plot(fig) }}{% endfor %}
{% endblock %}"""


@pytest.fixture(autouse=True)
def sample_template():
    """``sample.html`` findable by render_template during each test."""
    env = page_module.ENV
    loader = env.loader
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"sample.html": SAMPLE}), loader])
    yield
    env.loader = loader


def render_page(*, lang: str, title: str, text: str = "", plots: tuple[str, ...] = (),
                **kw) -> str:
    return render_template("sample.html", lang=lang, title=title, text=text, plots=plots, **kw)


def sample_page(name: str = HOSTILE_SCRIPT) -> str:
    fig = go.Figure(go.Bar(x=[1.0], y=[name]))
    return render_page(lang="fr", title=name, text=name, plots=("f1",), figures={"f1": fig})


def test_script_json_cannot_close_the_script() -> None:
    text = script_json({"a": HOSTILE_SCRIPT + "<!-- & \u2028"})
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == {"a": HOSTILE_SCRIPT + "<!-- & \u2028"}
    assert json.loads(escape_json('{"b": "</script>"}')) == {"b": "</script>"}


def test_page_has_lang_charset_and_three_scripts_only() -> None:
    page = sample_page()
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr-BE">')
    collected = parse(page)
    assert {"charset": "utf-8"} in collected.metas
    assert len(collected.scripts) == 3  # plotly.js, the site script, the render script
    assert collected.scripts[:2] == ["", ""]
    assert collected.urls == [STYLESHEET, PLOTLY_FILE, SITE_SCRIPT]
    rest = without_plotlyjs(page)
    assert rest.lower().count("<script") == 3 and rest.lower().count("</script") == 3


def test_csp_forbids_network_and_allows_only_the_page_scripts() -> None:
    collected = parse(sample_page())
    (csp,) = [m["content"] for m in collected.metas
              if m.get("http-equiv") == "Content-Security-Policy"]
    assert csp is not None and "default-src 'none'" in csp and "unsafe-eval" not in csp
    assert "connect-src" not in csp and "http" not in csp  # nothing re-opens the network
    assert "script-src 'self' " in csp  # the shared plotly.js beside the page
    for script in collected.scripts[2:]:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_user_strings_are_escaped_and_no_network_url_outside_plotlyjs() -> None:
    page = sample_page(HOSTILE_IMG)
    rest = without_plotlyjs(page)
    assert HOSTILE_IMG not in rest
    assert "&lt;img src=x onerror=alert(1)&gt;" in rest
    assert "http://" not in rest and "https://" not in rest
    assert "url(" not in rest and "@import" not in rest
    assert parse(page).urls == [STYLESHEET, PLOTLY_FILE, SITE_SCRIPT]  # files beside the page


def test_page_without_figures_has_no_plotlyjs() -> None:
    page = render_page(lang="nl", title="leeg", text="Geen gegevens")
    assert len(page) < 20_000 and "Plotly.newPlot" in page and PLOTLY_FILE not in page
    assert len(parse(page).scripts) == 2  # the site script and the (empty) render script


def test_page_script_is_allowed_by_its_hash_and_cannot_close_the_element() -> None:
    own = "document.title='ok';"
    page = render_page(lang="en", title="x", text="x", script=own)
    digest = base64.b64encode(hashlib.sha256(own.encode()).digest()).decode()
    assert parse(page).scripts[-1] == own and f"'sha256-{digest}'" in html.unescape(page)
    with pytest.raises(ValueError, match="</script"):
        render_page(lang="en", title="x", script="a='</SCRIPT>'")


def test_write_page_puts_one_plotlyjs_beside_the_pages(tmp_path) -> None:
    write_page(tmp_path / "a.html", sample_page())
    bundle = tmp_path / PLOTLY_FILE
    assert bundle.read_text(encoding="utf-8") == get_plotlyjs()
    first = bundle.stat().st_mtime_ns
    write_page(tmp_path / "b.html", sample_page("b"))  # same bytes: not rewritten
    assert bundle.stat().st_mtime_ns == first
    bundle.write_text("tampered", encoding="utf-8")
    write_page(tmp_path / "c.html", sample_page("c"))
    assert bundle.read_text(encoding="utf-8") == get_plotlyjs()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([
        "a.html", "b.html", "c.html", PLOTLY_FILE, STYLESHEET, SITE_SCRIPT])  # no .partial


def test_figures_need_their_placeholder() -> None:
    with pytest.raises(ValueError, match="f2"):
        render_page(lang="en", title="x", plots=("f1",), figures={"f2": go.Figure()})
