"""The experiments page: per experiment its status, the sample-ratio check before any lift,
the decisions in words, a forest plot of relative lifts with adjusted intervals per metric and
arm, the numbers (downloadable as CSV, raw numbers in ``data-value``), and factorial effects.
Reads the ``experiment_results`` and ``experiment_effects`` tables (see
:mod:`experiments.table`). This module shapes each experiment into a small view of formatted
strings; ``templates/experiments.html`` lays it out (autoescaped: names are user input).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from babel.numbers import format_decimal, format_percent

from dashboards.page import ACCENT, MUTED, chart_layout, plotly_text, render_template, write_page
from dashboards.site import Header
from experiments.spec import ExperimentSpec
from experiments.table import status
from experiments.wording import describe_effect, format_p, no_relative_lift, summary
from kpi.language.format import (
    MISSING,
    as_number,
    babel_locale,
    format_change,
    format_date,
    format_value,
    locale_for,
)
from kpi.language.translate import N_, translator

t = translator("common")

MAX_LABEL = 60
COLOURS = {"wins": "#047857", "loses": "#b42318", "srm": "#9a5b00"}
DECISIONS = {"wins": N_("decision_wins"), "loses": N_("decision_loses"),
             "no_difference": N_("decision_no_difference"),
             "keep_running": N_("decision_keep_running"), "srm": N_("decision_srm"),
             "error": N_("decision_error"), "control": N_("decision_control")}
STATES = {"running": N_("exp_running"), "ended": N_("exp_ended"),
          "scheduled": N_("exp_scheduled")}
CORRECTIONS = {"holm": N_("exp_holm"), "bh": N_("exp_bh"), "none": N_("exp_no_correction")}
DESIGNS = {"fixed": N_("exp_fixed"), "sequential": N_("exp_sequential")}


def _number(value: object, lang: str, pattern: str = "#,##0.####") -> str:
    x = float(value) if value is not None else math.nan
    return "–" if not math.isfinite(x) else format_decimal(x, pattern, locale=babel_locale(lang))


UNITS = {"proportion": "percent", "mean": "currency", "ratio": "currency"}
SURE = 0.999  # a chance to win shown as "> 99,9%" above this, "< 0,1%" below 1 - SURE


def metric_value(value: object, kind: object, lang: str, currency: str = "EUR") -> str:
    """A metric's value in its unit: a proportion (conversion) as a percentage, a mean or a
    ratio (revenue per visitor, per session) as money; a plain number for an unknown kind.

    >>> metric_value(0.0484, "proportion", "en"), metric_value(12.7215, "mean", "nl")
    ('4,8%', '€\xa012,72')
    """
    unit = UNITS.get(str(kind))
    return format_value(value, unit, lang, currency) if unit else _number(value, lang)


def chance(value: object, lang: str) -> str:
    """A chance to win as a percentage, never a certainty it is not: 0,99996 reads
    ``> 99,9%``, not ``100,0%``.

    >>> chance(0.99996, "en"), chance(0.546, "fr"), chance(0.00001, "nl")
    ('> 99,9%', '54,6\xa0%', '< 0,1%')
    """
    x = as_number(value)
    if x is None:
        return MISSING
    if x > SURE:
        return "> " + format_value(SURE, "percent", lang)
    if x < 1 - SURE:
        return "< " + format_value(1 - SURE, "percent", lang)
    return format_value(x, "percent", lang)


def _label(row: pd.Series, lang: str) -> str:
    return str(row.get(f"metric_label_{lang}") or row["metric_id"])


def _forest(rows: pd.DataFrame, lang: str) -> go.Figure | None:
    """Treatment arms × metrics: point and adjusted CI of the relative lift, zero marked."""
    arms = rows[~rows["is_control"].astype(bool)]
    arms = arms[pd.to_numeric(arms["rel_estimate"], errors="coerce").notna()]
    if arms.empty:
        return None
    # Plotly renders a little HTML in labels: escape, and keep long names short on the axis.
    full = [f"{_label(r, lang)} · {r['arm_label']}" for _, r in arms.iterrows()]
    names = [plotly_text(n if len(n) <= MAX_LABEL else n[: MAX_LABEL - 1] + "…") for n in full]
    colours = [COLOURS.get(d, ACCENT if d != "no_difference" else MUTED)
               for d in arms["decision"]]
    low, high = arms["adj_ci_low"].astype(float), arms["adj_ci_high"].astype(float)
    est = arms["rel_estimate"].astype(float)
    hover = [f"{plotly_text(n)}<br>{format_change(e, lang)} [{format_change(lo, lang)}; "
             f"{format_change(hi, lang)}]" for n, e, lo, hi in zip(full, est, low, high,
                                                                  strict=True)]
    traces = [go.Scatter(
        x=est.tolist(), y=names, mode="markers", marker={"color": colours, "size": 10},
        error_x={"type": "data", "symmetric": False,
                 "array": (high - est).clip(lower=0).tolist(),
                 "arrayminus": (est - low).clip(lower=0).tolist(),
                 "color": "#475467", "thickness": 1.5,
                 "width": 6},
        hovertext=hover, hoverinfo="text", name="")]
    fig = go.Figure(traces)
    fig.update_layout(chart_layout(
        lang, height=90 + 38 * len(names),
        xaxis={"tickformat": "+.0%", "zeroline": True, "zerolinecolor": "#98a2b3",
               "zerolinewidth": 1.5, "gridcolor": "#eceff3", "automargin": True},
        yaxis={"autorange": "reversed", "automargin": True, "type": "category"}))
    return fig


BANDS = ("rgba(37,99,235,.14)", "rgba(13,148,136,.16)", "rgba(154,91,0,.14)",
         "rgba(107,114,128,.16)")
LINES = (ACCENT, "#0d9488", "#9a5b00", "#6b7280")


def _history_figure(past: pd.DataFrame, lang: str) -> go.Figure | None:
    """One metric's daily lift per treatment arm, with its adjusted interval as a band."""
    past = past[pd.to_numeric(past["rel_estimate"], errors="coerce").notna()]
    if past.empty:
        return None
    traces = []
    for i, (arm, rows) in enumerate(past.sort_values("day").groupby("arm_label", sort=False)):
        days = [d.date().isoformat() for d in pd.to_datetime(rows["day"])]
        name = plotly_text(str(arm)[:MAX_LABEL])
        high = rows["adj_ci_high"].astype(float).clip(-10, 10).tolist()
        low = rows["adj_ci_low"].astype(float).clip(-10, 10).tolist()
        traces += [
            go.Scatter(x=days, y=high, mode="lines", line={"width": 0}, hoverinfo="skip",
                       showlegend=False, name=name),
            go.Scatter(x=days, y=low, mode="lines", line={"width": 0}, fill="tonexty",
                       fillcolor=BANDS[i % len(BANDS)], hoverinfo="skip", showlegend=False,
                       name=name),
            go.Scatter(x=days, y=rows["rel_estimate"].astype(float).tolist(), mode="lines",
                       line={"color": LINES[i % len(LINES)], "width": 2}, name=name,
                       hovertemplate=f"{name}<br>%{{x}}: %{{y:+.1%}}<extra></extra>")]
    fig = go.Figure(traces)
    fig.update_layout(chart_layout(
        lang, height=220, showlegend=len(traces) > 3,
        legend={"orientation": "h", "y": 1.12, "x": 0},
        yaxis={"tickformat": "+.0%", "zeroline": True, "zerolinecolor": "#98a2b3",
               "zerolinewidth": 1.5, "gridcolor": "#eceff3", "automargin": True}))
    return fig


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, and the raw number behind it (for the CSV download) if any."""

    text: str
    value: str | None = None


@dataclass(frozen=True)
class Chart:
    """A figure's placeholder with its title and the note under it."""

    id: str
    height: int
    title: str = ""
    note: str = ""


@dataclass(frozen=True)
class ExperimentView:
    """One experiment as the template shows it (every text formatted)."""

    name: str
    id: str
    state: str
    state_css: str
    dates: str
    srm: tuple[str, str] | None  # title, detail
    sentences: tuple[str, ...]
    forest_title: str
    forest: Chart | None
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...]  # under the table: missing lifts, CUPED, conventions
    effects: tuple[str, ...]
    history: Chart | None


def _raw(value: object) -> str | None:
    """A number as a machine reads it (for the CSV download), None when missing."""
    x = as_number(value)
    return None if x is None else format(x, ".10g")


def _row(r: pd.Series, lang: str, sequential: bool, currency: str) -> tuple[Cell, ...]:
    cells = [Cell(_label(r, lang)), Cell(str(r["arm_label"])),
             Cell(_number(r["n"], lang, "#,##0"), _raw(r["n"])),
             Cell(metric_value(r["mean"], r.get("metric_kind"), lang, currency), _raw(r["mean"]))]
    if bool(r["is_control"]):
        cells += [Cell("")] * 5
    else:
        low, high = r.get("adj_ci_low"), r.get("adj_ci_high")
        ci = (f"{format_change(low, lang)} … {format_change(high, lang)}"
              if as_number(low) is not None or as_number(high) is not None else "–")
        # the p-value that decided (exact, relative, absolute or always-valid)
        raw = as_number(r.get("decision_p_value", r.get(
            "seq_p_value" if sequential else "rel_p_value")))
        adjusted = as_number(r.get("p_adjusted"))
        cells += [Cell(format_change(r.get("rel_estimate"), lang), _raw(r.get("rel_estimate"))),
                  Cell(ci),
                  Cell(format_p(math.nan if raw is None else raw, lang).removeprefix("= "),
                       _raw(raw)),
                  Cell(format_p(math.nan if adjusted is None else adjusted, lang)
                       .removeprefix("= "), _raw(adjusted)),
                  Cell(chance(r.get("chance_to_win"), lang), _raw(r.get("chance_to_win")))]
    decision = str(r["decision"])
    cells.append(Cell(t(DECISIONS[decision], lang) if decision in DECISIONS else decision))
    return tuple(cells)


def _conventions(spec: ExperimentSpec, lang: str, tests: int) -> str:
    return t("exp_conventions", lang).format(
        design=t(DESIGNS[spec.design], lang), alpha=_number(spec.alpha, lang),
        sides=t("exp_two_sided" if spec.two_sided else "exp_one_sided", lang),
        control=spec.arm(spec.control).label, tests=tests,
        correction=t(CORRECTIONS[spec.correction], lang))


def _srm(rows: pd.DataFrame, spec: ExperimentSpec, lang: str) -> tuple[str, str]:
    """The warning card: its title, then once what was planned, what came in and what to do."""
    first = rows.drop_duplicates("arm").set_index("arm")
    counts = [float(first["n"].get(a, 0) or 0) for a in spec.arm_ids]
    total = sum(counts) or 1.0
    labels = [spec.arm(a).label for a in spec.arm_ids]

    def split(shares: Sequence[float]) -> str:
        return " / ".join(f"{a} {format_value(x, 'percent', lang)}"
                          for a, x in zip(labels, shares, strict=True))

    planned, observed = split(spec.planned_weights), split([c / total for c in counts])
    p = as_number(rows["srm_p_value"].iloc[0]) if "srm_p_value" in rows else None
    detail = t("exp_srm_detail", lang).format(
        planned=planned, observed=observed, p=format_p(math.nan if p is None else p, lang))
    return t("exp_srm_title", lang), detail


def _history(spec: ExperimentSpec, past: pd.DataFrame, lang: str,
             figures: dict[str, go.Figure], index: int) -> Chart | None:
    """The primary metric's day-by-day chart, with what it means for this design."""
    metric = spec.metrics[0]
    mine = past[past["metric_id"] == metric.id] if not past.empty else past
    fig = _history_figure(mine, lang) if not mine.empty else None
    if fig is None:
        return None
    fid = f"history-{index}"
    figures[fid] = fig
    note = t("exp_history_sequential" if spec.design == "sequential" else "exp_history_fixed",
             lang)
    return Chart(fid, 220, t("exp_history", lang).format(metric=metric.label(lang)), note)


def _experiment(spec: ExperimentSpec, rows: pd.DataFrame, effects: pd.DataFrame, lang: str,
                as_of: dt.date, figures: dict[str, go.Figure], index: int,
                past: pd.DataFrame, currency: str) -> ExperimentView:
    state = status(spec, as_of)
    days = (spec.end - spec.start).days + 1
    day = min((as_of - spec.start).days + 1, days)
    dates = t("exp_dates", lang).format(start=format_date(spec.start, lang),
                                        end=format_date(spec.end, lang), day=day, days=days)
    srm = bool(rows["srm_mismatch"].astype(bool).any())
    sentences = summary(rows.to_dict("records"), lang, currency) if not srm else []
    sequential = spec.design == "sequential"
    fig = _forest(rows, lang)
    forest = None
    if fig is not None:
        forest = Chart(f"forest-{index}", int(fig.layout.height))
        figures[forest.id] = fig
    tests = int((~rows["is_control"].astype(bool)).sum())
    level = format_percent(1 - spec.alpha, locale=babel_locale(lang))
    title = t("exp_forest_sequential" if sequential else "exp_forest", lang).format(level=level)
    notes = [m for m in (no_relative_lift(r, lang) for r in rows.to_dict("records")) if m]
    cuped = rows[rows["cuped_applied"].astype(bool) & ~rows["is_control"].astype(bool)]
    if not cuped.empty:
        labels = ", ".join(dict.fromkeys(_label(r, lang) for _, r in cuped.iterrows()))
        notes.append(t("exp_cuped", lang).format(metrics=labels))
    notes.append(_conventions(spec, lang, tests))
    told = tuple(describe_effect(e, lang, spec=spec, currency=currency)
                 for e in effects.to_dict("records")) if not effects.empty else ()
    return ExperimentView(
        spec.name, spec.id, t(STATES[state], lang), {"running": "good"}.get(state, "flat"),
        dates, _srm(rows, spec, lang) if srm else None, tuple(sentences), title, forest,
        tuple(_row(r, lang, sequential, currency) for _, r in rows.iterrows()), tuple(notes),
        told, _history(spec, past, lang, figures, index))


def render_experiments(results: pd.DataFrame, effects: pd.DataFrame,
                       specs: Sequence[ExperimentSpec], *, lang: str = "en",
                       account: str = "", as_of: dt.date,
                       history: pd.DataFrame | None = None, currency: str = "EUR",
                       header: Header | None = None) -> str:
    """The experiments page as one self-contained HTML string (``history``: the
    ``experiment_history`` table, for the day-by-day charts; ``currency``: the reporting
    currency of mean and ratio metrics; ``header``: the site header, its period filled in
    here: the data's last day)."""
    locale_for(lang)
    figures: dict[str, go.Figure] = {}
    as_of_text = t("exp_as_of", lang).format(day=format_date(as_of, lang))
    meta = [t("exp_account", lang).format(account=account)] if account else []
    meta.append(as_of_text)
    have = set(results["experiment_id"]) if not results.empty else set()
    shown = []
    for i, spec in enumerate(s for s in specs if s.id in have):
        mine = results[results["experiment_id"] == spec.id]
        fx = (effects[effects["experiment_id"] == spec.id] if not effects.empty
              and "experiment_id" in effects else pd.DataFrame())
        past = (history[history["experiment_id"] == spec.id]
                if history is not None and not history.empty else pd.DataFrame())
        shown.append(_experiment(spec, mine, fx, lang, as_of, figures, i, past, currency))
    later = [(s.name, s.id, t("exp_starts", lang).format(day=format_date(s.start, lang)))
             for s in specs if s.id not in have]
    if header is not None:
        header = dataclasses.replace(header, period=as_of_text)
    title = f"{t('exp_title', lang)}{' · ' + account if account else ''}"
    return render_template("experiments.html", lang=lang, title=title, header=header,
                           figures=figures, meta=meta, configured=bool(specs),
                           experiments=shown, later=later)


def write_experiments(path: str | Path, results: pd.DataFrame, effects: pd.DataFrame,
                      specs: Sequence[ExperimentSpec], **kw: Any) -> Path:
    """Render, then swap the file in atomically (a failure keeps the previous page)."""
    return write_page(path, render_experiments(results, effects, specs, **kw))
