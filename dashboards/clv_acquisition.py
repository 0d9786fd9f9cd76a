"""The acquisition sections of the CLV page: CLV against acquisition cost per channel (a bar
chart and a table) and per campaign (a table of the campaigns big enough to compare), from the
``clv_by_acquisition`` table (see :mod:`kpi.clv.summary`). Pure: frames in, a view of
formatted strings and a Plotly figure out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboards.page import ACCENT, GRID, chart_layout, plotly_text
from dashboards.view_table import Cell, Chart, Empty, Table, heads, wrap_label
from kpi.language.format import (
    MISSING,
    as_day,
    as_number,
    axis_affixes,
    format_date,
    format_value,
)
from kpi.language.translate import translator

MIN_CAMPAIGN_CUSTOMERS = 20  # campaigns with fewer customers are too small to compare
LABEL_WIDTH, LABEL_LINES = 18, 2  # a channel's name on the chart axis (hover shows it all)
UNASSIGNED = "(unassigned)"  # kpi.clv.summary.clv_by_group's label for customers without group
CSV_CHANNELS, CSV_CAMPAIGNS = "clv-channels", "clv-campaigns"  # the files the tables download as
COLUMNS = ("level", "group", "customers", "clv", "acquisition_cost", "cac", "clv_to_cac")

_t = translator("clv", "common")


@dataclass(frozen=True)
class AcquisitionView:
    """CLV:CAC by channel, then by campaign; ``basis`` says revenue or margin in headings."""

    channel_heading: str
    campaign_heading: str = ""
    no_margin: str = ""  # the warning when CLV is on revenue
    empty: Empty | None = None  # no acquisition table at all
    chart: Chart | None = None
    channels: Table | None = None
    campaigns: Table | None = None
    campaigns_empty: Empty | None = None
    campaign_note: str = ""


def group_name(group: object, lang: str) -> str:
    return _t("clv_unassigned", lang) if group == UNASSIGNED else str(group)


def _money(value: object, lang: str, currency: str) -> str:
    return format_value(value, "currency", lang, currency)


def _paid(row: Mapping[str, Any]) -> bool:
    return bool(as_number(row.get("acquisition_cost")))


def _ratio(row: Mapping[str, Any], lang: str) -> str:
    return format_value(row.get("clv_to_cac"), "multiple", lang) if _paid(row) else MISSING


def _cac(row: Mapping[str, Any], lang: str, currency: str) -> str:
    return _money(row.get("cac"), lang, currency) if _paid(row) else MISSING


def channel_figure(channels: pd.DataFrame, lang: str, currency: str) -> go.Figure | None:
    """Horizontal bars of CLV:CAC per channel with media cost, highest at the top; long
    names on two lines so the bars keep room on a phone."""
    paid = channels[channels["acquisition_cost"].map(as_number).fillna(0) > 0]
    paid = paid[paid["clv_to_cac"].map(as_number).notna()]
    if paid.empty:
        return None
    paid = paid.sort_values("clv_to_cac")  # plotly draws the first category at the bottom
    full = [group_name(g, lang) for g in paid["group"]]
    y = [str(i) for i in range(len(full))]
    x = [float(v) for v in paid["clv_to_cac"]]
    rows = [r.to_dict() for _, r in paid.iterrows()]
    line = _t("clv_label_value", lang)
    hover = ["<br>".join((
        plotly_text(name),
        f"<b>CLV:CAC {plotly_text(_ratio(r, lang))}</b>",
        plotly_text(line.format(label=_t("clv_col_clv", lang),
                                value=_money(r["clv"], lang, currency))),
        plotly_text(line.format(label="CAC", value=_cac(r, lang, currency))),
        plotly_text(line.format(label=_t("clv_col_customers", lang),
                                value=format_value(r["customers"], "count", lang)))))
        for name, r in zip(full, rows, strict=True)]
    fig = go.Figure(go.Bar(x=x, y=y, orientation="h", marker={"color": ACCENT},
                           text=[plotly_text(_ratio(r, lang)) for r in rows],
                           textposition="outside", cliponaxis=False, hovertext=hover,
                           hoverinfo="text", name=""))
    even = {"type": "line", "xref": "x", "yref": "paper", "x0": 1, "x1": 1, "y0": 0, "y1": 1,
            "line": {"color": "#b42318", "width": 1.25, "dash": "dot"}}
    prefix, suffix = axis_affixes("multiple", lang)
    base = chart_layout(lang, height=70 + 40 * len(full), bargap=0.35, shapes=[even])
    fig.update_layout(base, xaxis={**base["xaxis"], "range": [0, max(x) * 1.25],
                                   "showgrid": True, "gridcolor": GRID, "tickprefix": prefix,
                                   "ticksuffix": suffix, "exponentformat": "none",
                                   "separatethousands": True, "nticks": 5},
                      yaxis={**base["yaxis"], "type": "category", "tickvals": y,
                             "ticktext": [wrap_label(n, LABEL_WIDTH, LABEL_LINES) for n in full],
                             "tickfont": {"size": 11}})
    return fig


def _rows(groups: pd.DataFrame, lang: str, currency: str,
          names: Mapping[str, str] | None = None,
          channels: Mapping[str, str] | None = None) -> tuple[tuple[Cell, ...], ...]:
    """One row per group: its name (the key under it when two groups share a name), the
    channel (campaigns), customers, mean CLV, media cost, CAC and CLV:CAC."""
    labels = [group_name(g, lang) if names is None else names.get(str(g), group_name(g, lang))
              for g in groups["group"]]
    twice = {label for label in labels if labels.count(label) > 1}
    rows = []
    for label, (_, row) in zip(labels, groups.iterrows(), strict=True):
        r = row.to_dict()
        paid = _paid(r)
        cells = [Cell.label(label, subs=(str(r["group"]),) if label in twice else ())]
        if channels is not None:
            cells.append(Cell.label(channels.get(str(r["group"]), "")))
        cells += [Cell.number(format_value(r["customers"], "count", lang), r["customers"]),
                  Cell.number(_money(r["clv"], lang, currency), r["clv"]),
                  Cell.number(_money(r["acquisition_cost"], lang, currency),
                              r["acquisition_cost"]),
                  Cell.number(_cac(r, lang, currency), r["cac"] if paid else None),
                  Cell.number(_ratio(r, lang), r["clv_to_cac"] if paid else None)]
        rows.append(tuple(cells))
    return tuple(rows)


def _by_ratio(groups: pd.DataFrame) -> pd.DataFrame:
    """Highest CLV:CAC first; groups without media cost after them, largest first."""
    cost = groups["acquisition_cost"].map(as_number).fillna(0)
    ratio = groups["clv_to_cac"].map(as_number)
    return groups.assign(_paid=cost > 0, _ratio=ratio.where(cost > 0)).sort_values(
        ["_paid", "_ratio", "customers"], ascending=[False, False, False],
        na_position="last", kind="stable").drop(columns=["_paid", "_ratio"])


def _channel_of(customers: pd.DataFrame) -> dict[str, str]:
    """Each campaign's channel: the one most of its customers came through."""
    if customers.empty or not {"campaign_key", "channel"} <= set(customers.columns):
        return {}
    pairs = customers[["campaign_key", "channel"]].dropna()
    return {str(k): str(v.mode().iloc[0]) for k, v in pairs.groupby("campaign_key")["channel"]}


def acquisition_view(by_acquisition: pd.DataFrame, customers: pd.DataFrame, lang: str,
                     currency: str, names: Mapping[str, str], figures: dict[str, go.Figure],
                     basis: str, margin_set: bool) -> AcquisitionView:
    """The channel and campaign sections; the channel chart into ``figures``."""
    by_channel = _t("clv_by_channel", lang).format(basis=basis)
    if by_acquisition.empty or not set(COLUMNS) <= set(by_acquisition.columns):
        return AcquisitionView(by_channel, empty=Empty(_t("clv_no_groups", lang)))
    numbers = [_t("clv_col_customers", lang), _t("clv_col_clv", lang), _t("clv_col_cost", lang),
               _t("clv_col_cac", lang), _t("clv_col_ratio", lang)]
    since = (as_day(pd.to_datetime(by_acquisition["since"]).min())
             if "since" in by_acquisition.columns else None)
    channels = _by_ratio(by_acquisition[by_acquisition["level"] == "channel"])
    chart = None
    fig = channel_figure(channels, lang, currency)
    if fig is not None:
        figures["clv-cac"] = fig
        chart = Chart("clv-cac", int(fig.layout.height), desc=_t("clv_chart_desc", lang).format(
            day=format_date(since, lang) if since else MISSING))
    channel_table = (Table(CSV_CHANNELS, heads([_t("clv_col_channel", lang), *numbers]),
                           _rows(channels, lang, currency)) if not channels.empty else None)
    campaigns = by_acquisition[by_acquisition["level"] == "campaign"]
    big = _by_ratio(campaigns[pd.to_numeric(campaigns["customers"], errors="coerce")
                              >= MIN_CAMPAIGN_CUSTOMERS])
    view = AcquisitionView(
        by_channel, _t("clv_by_campaign", lang).format(basis=basis),
        "" if margin_set else _t("clv_no_margin", lang), chart=chart, channels=channel_table)
    if big.empty:
        return dataclasses.replace(view, campaigns_empty=Empty(
            _t("clv_no_campaigns", lang).format(min=MIN_CAMPAIGN_CUSTOMERS)))
    table = Table(CSV_CAMPAIGNS, heads([_t("clv_col_campaign", lang),
                                        _t("clv_col_channel", lang), *numbers], left=2),
                  _rows(big, lang, currency, names, _channel_of(customers)))
    note = _t("clv_campaign_note", lang).format(min=MIN_CAMPAIGN_CUSTOMERS,
                                                hidden=len(campaigns) - len(big))
    return dataclasses.replace(view, campaigns=table, campaign_note=note)
