"""The drill-down page: channel → campaign → ad group for four periods, with filters.

Reads ``kpi_values`` at week grain (levels total, channel, campaign, ad_group). Every period is
precomputed here, so Babel formats every number: the latest complete ISO week, the last 4 and
13 complete weeks, and the month to date (the complete weeks whose Thursday falls in the month
of the latest one), each against the preceding weeks of equal length. Multi-week measures are
summed and KPIs are sum(numerator) / sum(denominator) × scale, never a mean of weekly ratios.
The page script only shows and hides rendered rows and swaps precomputed treemap data
(``Plotly.react``); its state lives in the URL hash (``#period=4w&channel=Paid%20Search&q=heat
&off=1&kpi=roas``) so other pages can deep-link and the language switch keeps it.

The numbers come from :func:`dashboards.drilldown_model.prepare_drilldown`, once for every
language; :mod:`dashboards.drilldown_view` turns them into formatted strings and
``templates/drilldown.html`` lays them out (autoescaped: names are user input). A big
account's page stays small: per channel its largest campaigns, per campaign its largest ad
groups, the rest in one exactly summed "others" row (:mod:`dashboards.drilldown_cap`); the
page links the full table, written beside it as CSV (:mod:`dashboards.drilldown_csv`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboards.drilldown_cap import Caps
from dashboards.drilldown_csv import CSV_FILE, write_csv
from dashboards.drilldown_data import ROOT, Records, definition, value_of
from dashboards.drilldown_labels import (
    GOAL,
    KPI_CHOICES,
    TABLE_METRICS,
    TILE_METRICS,
    _t,
    named,
)
from dashboards.drilldown_map import (
    MAP_HEIGHT,
    NO_VALUE,
    colour,
    map_data,
    static_trace,
    trace,
)
from dashboards.drilldown_model import DEFAULT_CAPS, Drilldown, prepare_drilldown
from dashboards.drilldown_static import JS
from dashboards.drilldown_view import (
    PageView,
    block,
    capped_note,
    heads,
    kpi_choices,
    live_tiles,
)
from dashboards.maturity import completeness
from dashboards.page import PLOT_CONFIG, chart_layout, render_template, script_json, write_page
from dashboards.site import Header
from kpi.language.format import (
    MISSING,
    format_change,
    format_datetime,
    format_value,
    locale_for,
)
from kpi.registry import KPIS

__all__ = ["GOAL", "KPI_CHOICES", "NO_VALUE", "TABLE_METRICS", "TILE_METRICS", "_t",
           "colour", "map_data", "render_drilldown", "write_drilldown", "write_table"]

SUM_COLS = ("cost", "conversions", "revenue", *(f"{p}:{k}" for k in KPI_CHOICES for p in "nd"))


def _view(dd: Drilldown, lang: str, csv_name: str | None) -> tuple[PageView, dict[str, Any]]:
    """The page's view model and the page script's data, for data with campaign rows."""
    currency, tgt, kpi = dd.currency, dd.targets, GOAL
    static, maps, blocks = static_trace(lang), {}, []
    sums: dict[str, Any] = {}
    targets: dict[str, list[float | None]] = {}
    for i, v in enumerate(dd.views):
        p, keys, mine = v.period, list(v.keys), named(v, lang)
        view = (v.cur, v.prev, tgt)
        targets |= {str(mine[k]["id"]): [_num(value_of(tgt, k, m)) for m in KPI_CHOICES]
                    for k in [ROOT, *keys] if k in tgt}
        blocks.append(block(i, p, keys, mine, view, v.goals, lang, currency))
        maps[p.key] = map_data(keys, mine, view, lang, currency, v.goals)
        sums[p.key] = {"cur": _sums(v.cur, mine),
                       "prev": _sums(v.prev, mine) if p.previous else None}
    channels = sorted({str(e["channel"]) for e in dd.ents.values() if e["level"] == "channel"},
                      key=str.casefold)
    page = PageView(kpi, tuple(blocks), tuple(channels), kpi_choices(kpi, lang), heads(lang),
                    live_tiles(lang), 1 + len(TABLE_METRICS) + 3,
                    capped_note(dd.caps, dd.capped, lang), csv_name)
    base = chart_layout(lang, margin={"l": 0, "r": 0, "t": 25, "b": 0})
    layout = {k: v for k, v in base.items() if k not in ("xaxis", "yaxis")}
    first = dd.views[0].period.key
    fig = go.Figure({"data": [trace(static, maps[first], kpi)], "layout": layout})
    data = {"period": first, "kpi": kpi, "config": PLOT_CONFIG, "trace": static,
            "layout": fig.to_dict()["layout"], "map": maps, "sums": sums, "cols": SUM_COLS,
            "kpis": KPI_CHOICES, "targets": targets,
            "periods": {b.key: b.label for b in blocks},
            "metrics": {m: [definition(m).unit,
                            {"higher": 1, "lower": -1}.get(str(definition(m).direction), 0),
                            KPIS[m].scale if m in KPIS else 1,
                            int(m in KPIS and KPIS[m].numerator == "cost")]
                        for m in TABLE_METRICS},
            "fmt": _number_formats(lang, currency),
            "texts": {"dd_selection": _t("dd_selection", lang),
                      "dd_quote": _t("dd_quote", lang),
                      "dd_off_target": _t("dd_off_target", lang),
                      "dd_no_previous": _t("dd_no_previous", lang),
                      "target": _t("target", lang)}}
    return page, {"fig": fig, "data": data}


def _num(value: float | None) -> float | None:
    """A number for the page script, to 4 decimals (cents and fractional counts survive)."""
    return None if value is None else round(value, 4)


def _sums(rec: Records, ents: Records) -> dict[str, list[float | None]]:
    """Node id -> the summable columns (:data:`SUM_COLS`) the page script adds up for a
    filtered selection."""
    return {str(ents[k]["id"]): [_num(value_of(rec, k, c)) for c in SUM_COLS]
            for k in rec if k in ents}


def _number_formats(lang: str, currency: str) -> dict[str, Any]:
    """How :func:`format_value` and :func:`format_change` write numbers in ``lang``, for the
    page script: per unit [min and max decimals, prefix and suffix of a positive and of a
    negative number, scale], cut from Babel's own output; and the decimal and group symbols."""
    decimal = format_value(1.5, "count", lang)[1]
    group = next((c for c in format_value(1234, "count", lang) if not c.isdigit()), "")

    def spec(write: Any, scale: int) -> list[Any]:
        def cut(text: str) -> tuple[str, str, int]:
            at = [i for i, c in enumerate(text) if c.isdigit()]
            body = text[at[0]: at[-1] + 1]
            return (text[: at[0]], text[at[-1] + 1:],
                    len(body.split(decimal)[1]) if decimal in body else 0)
        pos, neg, full = cut(write(7 / scale)), cut(write(-7 / scale)), cut(write(7.123 / scale))
        return [pos[2], full[2], pos[0], pos[1], neg[0], neg[1], scale]

    out: dict[str, Any] = {u: spec(lambda v, u=u: format_value(v, u, lang, currency),
                                   100 if u == "percent" else 1)
                           for u in ("currency", "percent", "multiple", "count")}
    out["change"] = spec(lambda v: format_change(v, lang), 100)
    return out | {"decimal": decimal, "group": group, "missing": MISSING}


def render_drilldown(values: pd.DataFrame | Drilldown, *, lang: str = "en", account: str = "",
                     generated_at: dt.datetime | None = None,
                     nowcast: pd.DataFrame | None = None, compare: str = "nowcast",
                     caps: Caps = DEFAULT_CAPS, csv_name: str | None = CSV_FILE,
                     header: Header | None = None) -> str:
    """The drill-down page as one HTML string (see the module docstring), from ``kpi_values``
    rows or from their :func:`prepare_drilldown` (the same for every language; ``nowcast``,
    ``compare`` and ``caps`` are then already applied). ``nowcast``: the newest weeks' figures
    as expected once their conversions are in; ``caps``: rows embedded per parent;
    ``csv_name``: the full table's file beside the page, linked from it (None: no link);
    ``header``: the site header, its period filled in here (the shown period's weeks)."""
    locale_for(lang)  # fail early on an unsupported language
    dd = (values if isinstance(values, Drilldown)
          else prepare_drilldown(values, nowcast=nowcast, compare=compare, caps=caps))
    view, figures, script, empty = None, {}, "", ("", "")
    if dd.state == "no_data":
        empty = (_t("no_data", lang), _t("dd_no_data_hint", lang))
    elif dd.state == "no_campaigns":
        empty = (_t("dd_no_campaigns", lang), _t("dd_no_campaigns_hint", lang))
    else:
        view, parts = _view(dd, lang, csv_name)
        figures = {"dd-map": parts["fig"]}
        script = JS.replace("__DATA__", script_json(parts["data"]))
    meta = [_t("dd_account", lang).format(account=account)] if account else []
    meta.append(_t("currency_note", lang).format(currency=dd.currency))
    foot = [_t("dd_method", lang), _t("provisional_note", lang), _t("offline_note", lang)]
    if generated_at is not None:
        foot.insert(0, _t("generated", lang).format(when=format_datetime(generated_at, lang)))
    if header is not None and view is not None:
        header = dataclasses.replace(header, period=view.blocks[0].label)
    title = f"{_t('dd_title', lang)}{' · ' + account if account else ''}"
    return render_template(
        "drilldown.html", lang=lang, title=title, header=header, figures=figures,
        script=script, texts=_t, view=view, empty=empty, meta=meta, foot=foot,
        maturity=completeness(dd.nowcast, lang, dd.compare),
        map_height=MAP_HEIGHT, metrics=TABLE_METRICS, kpis=KPI_CHOICES)


def write_table(path: str | Path, dd: Drilldown) -> Path:
    """The full table (every node of every period) as CSV at ``path``, swapped in atomically."""
    return write_csv(path, dd.table())


def write_drilldown(path: str | Path, values: pd.DataFrame | Drilldown, *, table: bool = True,
                    **kw: Any) -> Path:
    """Render (keywords as :func:`render_drilldown`); with ``table``, swap in the full table
    beside the page first (``csv_name``, one file for every language); then swap the UTF-8
    page in atomically: a failure leaves the previous page in place."""
    dd = values if isinstance(values, Drilldown) else prepare_drilldown(
        values, **{k: kw.pop(k) for k in ("nowcast", "compare", "caps") if k in kw})
    page = render_drilldown(dd, **kw)
    csv_name = kw.get("csv_name", CSV_FILE)
    if table and csv_name:
        write_table(Path(path).with_name(csv_name), dd)
    return write_page(path, page)
