"""The experiments page: per experiment its status, the sample-ratio check before any lift,
the decisions in words, a forest plot of relative lifts with adjusted intervals per metric and
arm, the numbers, and factorial effects. Reads the ``experiment_results`` and
``experiment_effects`` tables (see :mod:`experiments.table`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from babel.numbers import format_decimal, format_percent

from dashboards.formatting import (
    MISSING,
    as_number,
    babel_locale,
    format_change,
    format_date,
    format_value,
    locale_for,
)
from dashboards.i18n import t
from dashboards.page import ACCENT, MUTED, chart_layout, esc, plot_div, render_page, write_page
from dashboards.site import Header
from experiments.spec import ExperimentSpec
from experiments.table import status
from experiments.wording import describe_effect, format_p, no_relative_lift, summary

MAX_LABEL = 60
COLOURS = {"wins": "#047857", "loses": "#b42318", "srm": "#9a5b00"}


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
    names = [esc(n if len(n) <= MAX_LABEL else n[: MAX_LABEL - 1] + "…") for n in full]
    colours = [COLOURS.get(d, ACCENT if d != "no_difference" else MUTED)
               for d in arms["decision"]]
    low, high = arms["adj_ci_low"].astype(float), arms["adj_ci_high"].astype(float)
    est = arms["rel_estimate"].astype(float)
    hover = [f"{esc(n)}<br>{format_change(e, lang)} [{format_change(lo, lang)}; "
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
        name = esc(str(arm)[:MAX_LABEL])
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


def _table(rows: pd.DataFrame, lang: str, sequential: bool, currency: str) -> str:
    heads = ["exp_col_metric", "exp_col_arm", "exp_col_units", "exp_col_mean", "exp_col_lift",
             "exp_col_ci", "exp_col_p", "exp_col_p_adj", "exp_col_win", "exp_col_decision"]
    out = []
    for _, r in rows.iterrows():
        control = bool(r["is_control"])
        cells = [_label(r, lang), r["arm_label"], _number(r["n"], lang, "#,##0"),
                 metric_value(r["mean"], r.get("metric_kind"), lang, currency)]
        if control:
            cells += ["", "", "", "", ""]
        else:
            low, high = r.get("adj_ci_low"), r.get("adj_ci_high")
            ci = (f"{format_change(low, lang)} … {format_change(high, lang)}"
                  if as_number(low) is not None or as_number(high) is not None else "–")
            # the p-value that decided (exact, relative, absolute or always-valid)
            raw = as_number(r.get("decision_p_value", r.get(
                "seq_p_value" if sequential else "rel_p_value")))
            cells += [format_change(r.get("rel_estimate"), lang), ci,
                      format_p(math.nan if raw is None else raw, lang).removeprefix("= "),
                      format_p(float(r.get("p_adjusted", math.nan)), lang).removeprefix("= "),
                      chance(r.get("chance_to_win"), lang)]
        cells.append(t(f"decision_{r['decision']}", lang))
        out.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{esc(t(h, lang))}</th>" for h in heads)
    return (f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(out)}</tbody></table></div>")


def _effects(effects: pd.DataFrame, spec: ExperimentSpec, lang: str, currency: str) -> str:
    """Main effects and interactions, named after the variants and in the metric's unit."""
    if effects.empty:
        return ""
    items = "".join(f"<li>{esc(describe_effect(e, lang, spec=spec, currency=currency))}</li>"
                    for e in effects.to_dict("records"))
    return (f'<h3 style="margin-top:14px">{esc(t("exp_effects", lang))}</h3><ul>{items}</ul>'
            f'<p class="meta">{esc(t("exp_effects_note", lang))}</p>')


def _conventions(spec: ExperimentSpec, lang: str, tests: int) -> str:
    correction = {"holm": "exp_holm", "bh": "exp_bh", "none": "exp_no_correction"}
    return t("exp_conventions", lang).format(
        design=t(f"exp_{spec.design}", lang), alpha=_number(spec.alpha, lang),
        sides=t("exp_two_sided" if spec.two_sided else "exp_one_sided", lang),
        control=spec.arm(spec.control).label, tests=tests,
        correction=t(correction[spec.correction], lang))


def _srm(rows: pd.DataFrame, spec: ExperimentSpec, lang: str) -> str:
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
        planned=planned, observed=observed,
        p=format_p(math.nan if p is None else p, lang))
    return (f'<div class="card srm" style="border-color:#f5c26b;background:var(--warn-bg)">'
            f'<strong>{esc(t("exp_srm_title", lang))}</strong><br>{esc(detail)}</div>')


def _history(spec: ExperimentSpec, past: pd.DataFrame, lang: str,
             figures: dict[str, go.Figure], index: int) -> str:
    """The primary metric's day-by-day chart, with what it means for this design."""
    metric = spec.metrics[0]
    mine = past[past["metric_id"] == metric.id] if not past.empty else past
    fig = _history_figure(mine, lang) if not mine.empty else None
    if fig is None:
        return ""
    fid = f"history-{index}"
    figures[fid] = fig
    note = t("exp_history_sequential" if spec.design == "sequential" else "exp_history_fixed",
             lang)
    title = t("exp_history", lang).format(metric=metric.label(lang))
    return (f'<h3 style="margin-top:14px">{esc(title)}</h3>{plot_div(fid, height=220)}'
            f'<p class="meta">{esc(note)}</p>')


def _experiment(spec: ExperimentSpec, rows: pd.DataFrame, effects: pd.DataFrame, lang: str,
                as_of: dt.date, figures: dict[str, go.Figure], index: int,
                past: pd.DataFrame, currency: str) -> str:
    state = status(spec, as_of)
    days = (spec.end - spec.start).days + 1
    day = min((as_of - spec.start).days + 1, days)
    pill = {"running": "good", "ended": "flat"}.get(state, "flat")
    head = (f'<h2>{esc(spec.name)} <span class="pill {pill}">{esc(t("exp_" + state, lang))}'
            f'</span></h2><div class="meta">{esc(spec.id)} · '
            + esc(t("exp_dates", lang).format(start=format_date(spec.start, lang),
                                             end=format_date(spec.end, lang), day=day,
                                             days=days)) + "</div>")
    parts = [head]
    srm = bool(rows["srm_mismatch"].astype(bool).any())
    if srm:
        parts.append(_srm(rows, spec, lang))
    sentences = summary(rows.to_dict("records"), lang, currency) if not srm else []
    if sentences:
        parts.append("<ul>" + "".join(f"<li>{esc(s)}</li>" for s in sentences) + "</ul>")
    sequential = spec.design == "sequential"
    fig = _forest(rows, lang)
    tests = int((~rows["is_control"].astype(bool)).sum())
    level = format_percent(1 - spec.alpha, locale=babel_locale(lang))
    title = t("exp_forest_sequential" if sequential else "exp_forest", lang)
    card = [f'<h3>{esc(title.format(level=level))}</h3>']
    if fig is not None:
        fid = f"forest-{index}"
        figures[fid] = fig
        card.append(plot_div(fid, height=int(fig.layout.height)))
    card.append(_table(rows, lang, sequential, currency))
    missing = [no_relative_lift(r, lang) for r in rows.to_dict("records")]
    card += [f'<p class="meta">{esc(m)}</p>' for m in missing if m]
    cuped = rows[rows["cuped_applied"].astype(bool) & ~rows["is_control"].astype(bool)]
    if not cuped.empty:
        labels = ", ".join(dict.fromkeys(_label(r, lang) for _, r in cuped.iterrows()))
        card.append(f'<p class="meta">{esc(t("exp_cuped", lang).format(metrics=labels))}</p>')
    card.append(f'<p class="meta">{esc(_conventions(spec, lang, tests))}</p>')
    card.append(_effects(effects, spec, lang, currency))
    card.append(_history(spec, past, lang, figures, index))
    parts.append('<div class="card">' + "".join(card) + "</div>")
    return "<section>" + "".join(parts) + "</section>"


def render_experiments(results: pd.DataFrame, effects: pd.DataFrame,
                       specs: Sequence[ExperimentSpec], *, lang: str = "en",
                       account: str = "", as_of: dt.date,
                       history: pd.DataFrame | None = None, currency: str = "EUR",
                       header: Header | None = None) -> str:
    """The experiments page as one self-contained HTML string (``history``: the
    ``experiment_history`` table, for the day-by-day charts; ``currency``: the reporting
    currency of mean and ratio metrics)."""
    locale_for(lang)
    figures: dict[str, go.Figure] = {}
    meta = [f"{t('account', lang)}: {account}"] if account else []
    meta.append(t("exp_as_of", lang).format(day=format_date(as_of, lang)))
    parts = [f'<header class="page"><div><h1>{esc(t("exp_title", lang))}</h1>'
             f'<div class="meta">{esc(" · ".join(meta))}</div></div></header>']
    if not specs:
        parts.append(f'<div class="card"><div class="empty"><strong>{esc(t("exp_none", lang))}'
                     f'</strong><span>{esc(t("exp_none_hint", lang))}</span></div></div>')
    have = set(results["experiment_id"]) if not results.empty else set()
    for i, spec in enumerate(s for s in specs if s.id in have):
        mine = results[results["experiment_id"] == spec.id]
        fx = (effects[effects["experiment_id"] == spec.id] if not effects.empty
              and "experiment_id" in effects else pd.DataFrame())
        past = (history[history["experiment_id"] == spec.id]
                if history is not None and not history.empty else pd.DataFrame())
        parts.append(_experiment(spec, mine, fx, lang, as_of, figures, i, past, currency))
    later = [s for s in specs if s.id not in have]
    if later:
        items = "".join(f"<li>{esc(s.name)} ({esc(s.id)}) · "
                        f"{esc(t('exp_starts', lang).format(day=format_date(s.start, lang)))}</li>"
                        for s in later)
        parts.append(f'<h2>{esc(t("exp_scheduled_list", lang))}</h2>'
                     f'<div class="card"><ul>{items}</ul></div>')
    parts.append(f'<footer><span>{esc(t("offline_note", lang))}</span></footer>')
    title = f"{t('exp_title', lang)}{' · ' + account if account else ''}"
    return render_page(lang=lang, header=header, title=title,
                       body="\n".join(parts), figures=figures)


def write_experiments(path: str | Path, results: pd.DataFrame, effects: pd.DataFrame,
                      specs: Sequence[ExperimentSpec], **kw: Any) -> Path:
    """Render, then swap the file in atomically (a failure keeps the previous page)."""
    return write_page(path, render_experiments(results, effects, specs, **kw))
