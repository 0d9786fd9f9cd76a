"""The HTML shell shared by every dashboard page.

One file per page with inline CSS, each figure a ``<div>`` filled by one ``Plotly.newPlot``
call; plotly.js is not inlined but loaded from one local file beside the pages
(:data:`PLOTLY_FILE`, written by :func:`write_page`), so 24 pages cost 4.8 MB of plotly.js once
instead of 24 times. A Content-Security-Policy meta forbids every network request and allows
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
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.io.json import to_json_plotly
from plotly.offline import get_plotlyjs, get_plotlyjs_version

from dashboards.formatting import format_value, locale_for, plotly_separators

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
INK, MUTED, GRID = "#1f2937", "#6b7280", "#eceff3"
PLOTLY_FILE = f"plotly-{get_plotlyjs_version()}.min.js"  # beside the pages, shared by all
ACCENT, TEAL = "#2563eb", "#0d9488"  # series colours (the CSS --accent is the same blue)
PLOT_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
}
_JS_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
               "\u2029": "\\u2029"}
_JS_TABLE = str.maketrans(_JS_ESCAPES)

CSS = """
*{box-sizing:border-box}
:root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f4f6f9;--card:#fff;--accent:#2563eb;
--good:#047857;--good-bg:#e7f6ee;--bad:#b42318;--bad-bg:#fdecea;--flat:#475467;--flat-bg:#eef0f3;
--warn:#9a5b00;--warn-bg:#fff4d6}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 __FONT__;
font-variant-numeric:tabular-nums}
main{max-width:1320px;margin:0 auto;padding:28px 24px 40px}
header.page{display:flex;flex-wrap:wrap;align-items:flex-end;justify-content:space-between;
gap:8px 24px;margin-bottom:20px}
h1{font-size:24px;font-weight:650;margin:0;letter-spacing:-.01em}
h2{font-size:16px;font-weight:600;margin:28px 0 12px}
h3{font-size:13.5px;font-weight:600;margin:0}
.meta{color:var(--muted);font-size:13px;margin-top:4px}
.period{font-size:15px;font-weight:600}
.grid{display:grid;gap:12px}
.grid>*{min-width:0}
.tiles{grid-template-columns:repeat(auto-fill,minmax(185px,1fr))}
.charts{grid-template-columns:repeat(auto-fill,minmax(380px,1fr))}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;
box-shadow:0 1px 2px rgba(16,24,40,.04)}
.tile .label{color:var(--muted);font-size:12.5px;font-weight:500}
.tile .value{font-size:26px;font-weight:650;margin:4px 0 6px;letter-spacing:-.01em;
white-space:nowrap}
.tile .line{font-size:12.5px;color:var(--muted);margin-top:3px}
.pill{display:inline-block;border-radius:999px;padding:1px 8px;font-weight:600;font-size:12px;
margin-right:4px}
.good{color:var(--good);background:var(--good-bg)}
.bad{color:var(--bad);background:var(--bad-bg)}
.flat{color:var(--flat);background:var(--flat-bg)}
.badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:11px;font-weight:600;
color:var(--warn);background:var(--warn-bg);vertical-align:middle;margin-left:6px}
.chart .desc{color:var(--muted);font-size:12px;margin:2px 0 0}
.plot{width:100%;height:240px}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;color:var(--muted);font-size:12.5px;
margin:-4px 0 12px}
.key{display:inline-block;width:22px;height:0;border-top:2px solid var(--accent);
vertical-align:middle;margin-right:6px}
.key.prov{border-top-style:dotted;border-top-width:3px}
.key.target{border-top:2px dashed #6b7280}
.empty{display:flex;flex-direction:column;align-items:center;justify-content:center;
min-height:120px;color:var(--muted);text-align:center;gap:4px}
.empty strong{color:var(--ink);font-size:15px}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th{color:var(--muted);font-weight:600;font-size:12px}
th:first-child,td:first-child{text-align:left;white-space:normal;overflow-wrap:anywhere;
min-width:10em}
tfoot td{font-weight:650;border-top:2px solid var(--line);border-bottom:0}
footer{color:var(--muted);font-size:12px;margin-top:28px;display:flex;flex-wrap:wrap;
gap:4px 16px}
@media (max-width:640px){main{padding:16px 12px}.charts{grid-template-columns:1fr}
.tiles{grid-template-columns:repeat(2,minmax(0,1fr))}.tile .value{font-size:21px}
.card{padding:12px}}
@media print{body{background:#fff;font-size:12px}main{max-width:none;padding:0}
.card{box-shadow:none;break-inside:avoid}h2{break-after:avoid}.modebar{display:none!important}
@page{size:A4 landscape;margin:12mm}}
""".replace("__FONT__", FONT)


def esc(text: object) -> str:
    """HTML-escape any value for element text and quoted attributes."""
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


def plot_div(fig_id: str, *, height: int | None = None) -> str:
    """The placeholder ``<div>`` that :func:`render_page` fills with the figure ``fig_id``."""
    style = f' style="height:{int(height)}px"' if height else ""
    return f'<div id="{esc(fig_id)}" class="plot"{style}></div>'


@cache
def _plotlyjs_bytes() -> bytes:
    """The plotly.js bundle that plotly.py ships (one version, pinned by the lock file)."""
    return get_plotlyjs().encode("utf-8")


def write_plotlyjs(folder: str | Path) -> Path:
    """Write :data:`PLOTLY_FILE` into ``folder`` unless the same bytes are already there."""
    target = Path(folder) / PLOTLY_FILE
    bundle = _plotlyjs_bytes()
    if not (target.is_file() and target.stat().st_size == len(bundle)
            and target.read_bytes() == bundle):
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(bundle)
        partial.replace(target)
    return target


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


def _render_script(figures: Mapping[str, Figure]) -> str:
    specs = ",".join(f"{script_json(fid)}:{escape_json(figure_json(fig))}"
                     for fid, fig in figures.items())
    return (
        "(function(){'use strict';"
        f"var figs={{{specs}}};var config={script_json(PLOT_CONFIG)};var jobs=[];"
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


def render_page(*, lang: str, title: str, body: str,
                figures: Mapping[str, Figure] | None = None, script: str = "") -> str:
    """A complete HTML document around ``body`` (already-escaped HTML) and its figures.

    Every key of ``figures`` must be the id of a :func:`plot_div` inside ``body``; the page
    loads :data:`PLOTLY_FILE` only when there is at least one figure. ``script`` is the page's
    own JavaScript (filters, toggles), run after the figures are drawn and allowed by its hash.
    """
    figures = dict(figures or {})
    missing = [fid for fid in figures if f'id="{esc(fid)}"' not in body]
    if missing:
        raise ValueError(f"figures without a placeholder div in the page body: {missing}")
    if "</script" in script.lower():
        raise ValueError("a page script cannot contain '</script'")
    scripts = [_render_script(figures)] + ([script] if script else [])
    loader = f'<script src="{esc(PLOTLY_FILE)}"></script>\n' if figures else ""
    sources = (["'self'"] if figures else []) + [_csp_hash(js) for js in scripts]
    csp = (f"default-src 'none'; script-src {' '.join(sources)}; "
           "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
           "base-uri 'none'; form-action 'none'")
    html_lang = locale_for(lang).replace("_", "-")
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(html_lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<main>\n{body}\n</main>\n" + loader
        + "".join(f"<script>{js}</script>\n" for js in scripts)
        + "</body>\n</html>\n"
    )


def write_page(path: str | Path, page: str) -> Path:
    """Write a rendered page as UTF-8, swapped in atomically: a failure (or a crash half-way)
    leaves the previous file in place. The shared plotly.js is written beside it first."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if f'<script src="{PLOTLY_FILE}">' in page:
        write_plotlyjs(target.parent)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(target)
    return target
