"""The HTML shell shared by every dashboard page: Jinja2 templates with autoescape.

One file per page, laid out by its template in ``dashboards/templates`` (which extends
``base.html``: the site header, the page, the scripts), each figure a ``<div>`` filled by one
``Plotly.newPlot`` call. plotly.js, the stylesheet and the site script are not inlined but
loaded from files beside the pages (:data:`PLOTLY_FILE`, :data:`STYLESHEET`,
:data:`SITE_SCRIPT`, written by :func:`write_page`), so 28 pages cost 4.8 MB of plotly.js once
instead of 28 times. A Content-Security-Policy meta forbids every network request and allows
only scripts from the page's own folder (``'self'``) and the page's inline scripts (by SHA-256
hash). Figure JSON is escaped so that no string in it can close the ``<script>`` element. To
share the dashboards, copy the output folder (pages and ``plotly-*.min.js`` together).

>>> script_json({"name": "</script><b>&"})
'{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup
from markupsafe import escape as html_escape
from plotly.io.json import to_json_plotly
from plotly.offline import get_plotlyjs, get_plotlyjs_version

from dashboards.attribution import attribution_line
from dashboards.plotly_locale import plotly_locale
from dashboards.site import LANGUAGE_NAMES, Header, header_links, language_links, report_link
from kpi.language.format import format_datetime, format_value, locale_for, plotly_separators
from kpi.language.translate import translator

t = translator("common")

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
INK, MUTED, GRID = "#1f2937", "#6b7280", "#eceff3"
PLOTLY_FILE = f"plotly-{get_plotlyjs_version()}.min.js"  # beside the pages, shared by all
STATIC = Path(__file__).parent / "static"  # the stylesheet and the site script
STYLESHEET, SITE_SCRIPT = "campaign-kpi.css", "campaign-kpi.js"  # beside the pages
Texts = Callable[[str, str], str]  # a page's text lookup: (key, lang) -> text
ACCENT, TEAL = "#2563eb", "#0d9488"  # series colours (the CSS --accent is the same blue)
# The toolbar keeps what works offline and helps: download as PNG, zoom, pan, reset axes (a
# pie keeps only the download). No selection (nothing on the pages reacts to it), no zoom
# buttons or hover modes; no Chart Studio (it sends the data to plotly's servers).
PLOT_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines",
                               "zoomIn2d", "zoomOut2d", "hoverClosestCartesian",
                               "hoverCompareCartesian", "sendDataToCloud", "editInChartStudio"],
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showLink": False,
}
_JS_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
               "\u2029": "\\u2029"}
_JS_TABLE = str.maketrans(_JS_ESCAPES)



def plotly_text(text: object) -> str:
    """A user string for a Plotly label or hover text: Plotly draws a few HTML tags (``<b>``,
    ``<br>``, ``<a>``) in them, so the string is escaped to show literally (the page's own HTML
    is escaped by the templates).

    >>> plotly_text("<b>Bold</b> & Co's")
    '&lt;b&gt;Bold&lt;/b&gt; &amp; Co&#x27;s'
    """
    return html.escape(str(text), quote=True)


def escape_json(text: str) -> str:
    """JSON text made safe inside ``<script>``: ``<``, ``>``, ``&``, U+2028/9 as \\u escapes.

    Outside strings JSON has none of these characters, and inside strings the escapes decode
    to the same text, so the value is unchanged while ``</script>`` or ``<!--`` cannot appear.
    """
    return text.translate(_JS_TABLE)


def script_json(obj: Any) -> str:
    """``obj`` as JSON that is safe inside ``<script>`` (see :func:`escape_json`)."""
    return escape_json(json.dumps(obj, ensure_ascii=False))


def chart_layout(lang: str, **overrides: Any) -> dict[str, Any]:
    """The shared Plotly layout: quiet grid, page font, the locale's decimal and group marks."""
    axis = {"gridcolor": GRID, "linecolor": "#d0d5dd", "zeroline": False, "tickfont": {"size": 11},
            "automargin": True, "fixedrange": False}
    layout: dict[str, Any] = {
        "template": "none",
        "font": {"family": FONT, "size": 12, "color": INK},
        "separators": plotly_separators(lang),
        "margin": {"l": 8, "r": 12, "t": 8, "b": 8},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": False,
        "hovermode": "closest",
        "hoverlabel": {"bgcolor": "#fff", "bordercolor": "#d0d5dd",
                       "font": {"family": FONT, "size": 12, "color": INK}},
        "xaxis": dict(axis, showgrid=False),
        "yaxis": dict(axis),
    }
    layout.update(overrides)
    return layout


def label_margin(*series: list[float | None], unit: str | None = None, lang: str = "en",
                 currency: str = "EUR") -> int:
    """Pixels for the widest y tick label of a chart showing ``series`` in ``unit``: a fixed
    margin instead of Plotly's automargin, which redraws a chart until its labels fit (about
    a third of the drawing time of a page of small multiples)."""
    top = max((abs(v) for values in series for v in values if v is not None), default=0.0)
    label = format_value(top * 1.25, unit or "count", lang, currency)  # axis may pass the data
    return 16 + 7 * len(label)


@cache
def _plotlyjs_bytes() -> bytes:
    """The plotly.js bundle that plotly.py ships (one version, pinned by the lock file)."""
    return get_plotlyjs().encode("utf-8")


def write_plotlyjs(folder: str | Path) -> Path:
    """Write :data:`PLOTLY_FILE` into ``folder`` unless the same bytes are already there."""
    return _write_if_changed(Path(folder) / PLOTLY_FILE, _plotlyjs_bytes())


def _csp_hash(script: str) -> str:
    """The CSP source expression allowing exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


Figure = go.Figure | Mapping[str, Any]  # a Plotly figure, or a plain ``{data, layout}`` spec


@cache
def _template(name: str) -> dict[str, Any]:
    return pio.templates[name].to_plotly_json()


def figure_json(figure: Figure) -> str:
    """The JSON plotly.js draws: a ``go.Figure`` as Plotly writes it; a plain spec (a dict of
    ``data`` traces, each with its ``type``, and ``layout``) as the same JSON without Plotly's
    per-property validation, which costs most of a chart's time when it has many points (the
    named template is resolved as Plotly resolves it; tests compare the two).

    >>> figure_json({"data": [{"type": "bar", "y": [1]}], "layout": {"template": "none"}})
    '{"data":[{"type":"bar","y":[1]}],"layout":{"template":{"data":{"scatter":[{"type":"scatter"}]}}}}'
    """
    if isinstance(figure, go.Figure):
        return figure.to_json()
    layout = dict(figure.get("layout", {}))
    if isinstance(layout.get("template"), str):
        layout["template"] = _template(layout["template"])
    return to_json_plotly({"data": list(figure.get("data", [])), "layout": layout})


def _render_script(figures: Mapping[str, Figure], lang: str = "en") -> str:
    locale = plotly_locale(lang) if figures else None
    specs = ",".join(f"{script_json(fid)}:{escape_json(figure_json(fig))}"
                     for fid, fig in figures.items())
    return (
        "(function(){'use strict';"
        f"var figs={{{specs}}};var config={script_json(PLOT_CONFIG)};var jobs=[];"
        f"var locale={script_json(locale)};"
        # setPlotConfig: a page script's own newPlot calls speak the page's language too
        "if(locale){Plotly.register(locale);Plotly.setPlotConfig({locale:locale.name});"
        "config.locale=locale.name;}"
        "Object.keys(figs).forEach(function(id){var f=figs[id];"
        "jobs.push(Plotly.newPlot(id,f.data,f.layout,config));});"
        "Promise.all(jobs).then(function(){"
        "document.body.setAttribute('data-plots-ready',String(jobs.length));},"
        "function(err){document.body.setAttribute('data-plots-error',String(err));throw err;});"
        "function resize(){Object.keys(figs).forEach(function(id){"
        "Plotly.Plots.resize(document.getElementById(id));});}"
        "window.addEventListener('beforeprint',resize);"
        "window.addEventListener('afterprint',resize);"
        "})();"
    )


def _environment() -> jinja2.Environment:
    """Templates from ``dashboards/templates``: every value autoescaped, a missing name fails."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("dashboards", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)


ENV = _environment()


def _lookup(texts: Texts, lang: str) -> Any:
    """``t(key, **fields)`` for templates: the text in ``lang``, its ``{fields}`` filled in."""

    def text(key: str, **fields: Any) -> str:
        found = texts(key, lang)
        return found.format(**fields) if fields else found

    return text


def render_template(template: str, *, lang: str, title: str, header: Header | None = None,
                    figures: Mapping[str, Figure] | None = None, script: str = "",
                    texts: Texts = t, **context: Any) -> str:
    """A complete HTML document: ``template`` (which extends ``base.html``) rendered with
    ``context``, autoescaped, its figures drawn into the ``plot`` placeholders it holds.

    In the template, ``t("key", field=...)`` is the page's text in ``lang`` (``texts``: the
    page's lookup, shared texts by default). Every key of ``figures`` must be the id of a
    placeholder; ``script`` is the page's own JavaScript (filters, toggles), run after the
    figures are drawn and allowed by its hash. plotly.js, the stylesheet and the site script
    are files beside the page (:func:`write_page` writes them).
    """
    figures = dict(figures or {})
    if "</script" in script.lower():
        raise ValueError("a page script cannot contain '</script'")
    scripts = [_render_script(figures, lang)] + ([script] if script else [])
    sources = ["'self'"] + [_csp_hash(js) for js in scripts]
    csp = (f"default-src 'none'; script-src {' '.join(sources)}; "
           "style-src 'self' 'unsafe-inline'; img-src data: blob:; font-src data:; "
           "base-uri 'none'; form-action 'none'")
    text = _lookup(texts, lang)
    page = header.page if header else ""
    html = ENV.get_template(template).render(
        lang=lang, html_lang=locale_for(lang).replace("_", "-"), title=title, csp=csp,
        header=header, t=text, format_datetime=lambda when: format_datetime(when, lang),
        nav=header_links(page, lang) if header else [],
        languages=language_links(page, lang) if header else [],
        language_names=LANGUAGE_NAMES, decimal=plotly_separators(lang)[0],
        report=report_link(header.report, lang) if header else None,
        attribution=attribution_line(header.attribution, lang) if header else "",
        stylesheet=STYLESHEET, site_script=SITE_SCRIPT,
        plotly=PLOTLY_FILE if figures else None, scripts=[Markup(js) for js in scripts],
        **context)
    missing = [fid for fid in figures if f'id="{html_escape(fid)}"' not in html]
    if missing:
        raise ValueError(f"figures without a placeholder div in the page: {missing}")
    return html


STATIC_FILES = (STYLESHEET, SITE_SCRIPT)


def write_static(folder: str | Path) -> None:
    """Write the stylesheet and the site script into ``folder`` unless already the same."""
    for name in STATIC_FILES:
        _write_if_changed(Path(folder) / name, (STATIC / name).read_bytes())


def _write_if_changed(target: Path, data: bytes) -> Path:
    if not (target.is_file() and target.stat().st_size == len(data)
            and target.read_bytes() == data):
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(data)
        partial.replace(target)
    return target


def write_page(path: str | Path, page: str) -> Path:
    """Write a rendered page as UTF-8, swapped in atomically: a failure (or a crash half-way)
    leaves the previous file in place. plotly.js, the stylesheet and the site script are
    written beside it first."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if f'<script src="{PLOTLY_FILE}">' in page:
        write_plotlyjs(target.parent)
    if f'href="{STYLESHEET}"' in page:
        write_static(target.parent)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(target)
    return target
