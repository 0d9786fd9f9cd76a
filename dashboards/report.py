"""The weekly KPI report for project managers: one ISO week on one page, in nl, fr or en.

HTML built for mail clients (nested tables, inline styles, no script, no image, no external
request) that also prints to a tidy A4 PDF (see dashboards/pdf.py). Sections: KPIs against
target, the previous week and the same week last year; highlights and lowlights in sentences;
channels; recommendations; experiments; budget pacing; data-quality badges; definitions.
Numbers, money, percentages and dates go through Babel (nl_BE, fr_BE, en_BE); every user
string (campaign, channel, experiment names) is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from dashboards.budget import left_out_sentence
from dashboards.formatting import (
    as_number,
    format_change,
    format_date,
    format_datetime,
    format_range,
    format_value,
    locale_for,
)
from dashboards.i18n import translator
from dashboards.maturity import estimate
from dashboards.page import esc, write_page
from dashboards.quality import check_state, extract_log, last_runs
from dashboards.texts_budget import TEXTS as BUDGET_TEXTS
from dashboards.texts_quality import TEXTS as QUALITY_TEXTS
from dashboards.texts_report import TEXTS
from kpi.maturity import lag_aware
from kpi.registry import KPIS, MEASURES
from kpi.weekly import Finding, IsoWeek, KpiLine, findings, kpi_lines, require_week, too_early

_t = translator({**QUALITY_TEXTS, **BUDGET_TEXTS, **TEXTS})
FONT = "Arial, Helvetica, sans-serif"
INK, MUTED, LINE, BG = "#1f2937", "#6b7280", "#e5e7eb", "#f4f6f9"
TONES = {"good": ("#047857", "#e7f6ee"), "bad": ("#b42318", "#fdecea"),
         "flat": ("#475467", "#eef0f3"), "warn": ("#9a5b00", "#fff4d6")}
TABLE_KPIS = ("cost", "conversions", "leads", "purchases", "revenue", "cpa", "cpl", "roas",
              "cpa_blended", "cpl_blended", "roas_blended",  # labelled, never judged
              "conversion_rate", "ctr", "cpc", "aov")
CHANNEL_METRICS = ("cost", "conversions", "cpa", "roas")
ACTION_ORDER = {"pause": 0, "scale": 1, "reallocate": 2}
SOURCE_NAMES = {"ga4": "GA4", "google_ads": "Google Ads", "ads": "Google Ads"}
DASHBOARD_PAGES = ("overview", "drilldown", "trends", "experiments", "budget", "clv", "quality")
MAX_RECOMMENDATIONS = 6
TOP_ACTIONS = 3


@dataclass(frozen=True)
class Definitions:
    """What counts as a lead and a purchase, and which source attributes conversions."""

    lead_actions: tuple[str, ...] = ()
    lead_events: tuple[str, ...] = ()
    purchase_actions: tuple[str, ...] = ()
    purchase_events: tuple[str, ...] = ()
    attribution: str = "ads"  # "ads" or "ga4"


@dataclass(frozen=True)
class ReportInputs:
    """Everything one report reads; frames are the warehouse tables (empty when absent)."""

    week: IsoWeek
    values: pd.DataFrame  # kpi_values, grain week, levels total / channel / campaign
    nowcast: pd.DataFrame = field(default_factory=pd.DataFrame)  # kpi_nowcast, same rows
    compare: str = "nowcast"  # or "same_age": how the newest week is judged (kpi.maturity)
    recommendations: pd.DataFrame = field(default_factory=pd.DataFrame)
    experiments: pd.DataFrame = field(default_factory=pd.DataFrame)  # experiment_results
    pacing: pd.DataFrame = field(default_factory=pd.DataFrame)  # budget_pacing
    extracts: pd.DataFrame = field(default_factory=pd.DataFrame)  # raw_extracts
    checks: Sequence[Mapping[str, Any]] = ()
    runs: Sequence[Mapping[str, Any]] = ()
    provisional_since: Mapping[str, dt.date | None] = field(default_factory=dict)
    definitions: Definitions = Definitions()
    account: str = ""
    currency: str = "EUR"
    time_zone: str = "Europe/Brussels"
    data_end: dt.date | None = None  # the last day with data (default: the week's end)


def _style(**css: str) -> str:
    return ";".join(f"{k.replace('_', '-')}:{v}" for k, v in css.items())


def _pill(text: str, tone: str) -> str:
    color, background = TONES[tone]
    css = _style(color=color, background=background, border_radius="10px", padding="1px 8px",
                 font_weight="bold", font_size="12px", white_space="nowrap")
    return f'<span style="{css}">{esc(text)}</span>'


def _h2(text: str) -> str:
    return (f'<h2 style="{_style(font_size="16px", margin="26px 0 8px", color=INK)}">'
            f"{esc(text)}</h2>")


def _p(html: str, muted: bool = False, size: int = 14) -> str:
    color = MUTED if muted else INK
    return f'<p style="{_style(margin="4px 0", color=color, font_size=f"{size}px")}">{html}</p>'


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A data table: first column left, the rest right-aligned; cells are escaped HTML."""
    cell = _style(padding="6px 8px", border_bottom=f"1px solid {LINE}", font_size="13px",
                  text_align="right", white_space="nowrap")
    first = _style(padding="6px 8px", border_bottom=f"1px solid {LINE}", font_size="13px",
                   text_align="left")
    th = [f'<th style="{first if i == 0 else cell};color:{MUTED};font-weight:bold">{h}</th>'
          for i, h in enumerate(head)]
    body = "".join("<tr>" + "".join(f'<td style="{first if i == 0 else cell}">{c}</td>'
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return (f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
            f'style="border-collapse:collapse">'
            f"<thead><tr>{''.join(th)}</tr></thead><tbody>{body}</tbody></table>")


def _unit(metric: str) -> str:
    return KPIS[metric].unit if metric in KPIS else MEASURES[metric].unit


def _label(metric: str, lang: str) -> str:
    return KPIS[metric].label(lang) if metric in KPIS else MEASURES[metric].label(lang)


def _direction(metric: str) -> str | None:
    return KPIS[metric].direction if metric in KPIS else MEASURES[metric].direction


def _change_pill(change: float | None, metric: str, lang: str) -> str:
    if change is None:
        return esc("–")
    direction = _direction(metric)
    tone = "flat" if direction is None or abs(change) < 0.005 else (
        "good" if (change > 0) == (direction == "higher") else "bad")
    return _pill(format_change(change, lang), tone)


# -- sections -----------------------------------------------------------------------------------


def _kpi_table(lines: Sequence[KpiLine], lang: str, currency: str) -> str:
    def money(metric: str, value: float | None) -> str:
        return esc(format_value(value, _unit(metric), lang, currency))

    rows = []
    for line in lines:
        target = "–"
        if line.target is not None:
            tone = "good" if line.on_target else "bad"
            target = (f"{money(line.metric, line.target)}<br>"
                      f"{_pill(format_change(line.vs_target, lang), tone)}")
        value = f"<b>{money(line.metric, line.value)}</b>"
        if line.low is not None and line.high is not None:
            unit = _unit(line.metric)
            seen = format_value(line.seen, unit, lang, currency)
            low, high = (estimate(v, unit, lang, currency) for v in (line.low, line.high))
            value = (f"<b>≈ {esc(estimate(line.value, unit, lang, currency))}</b><br>"
                     f'<span style="color:{MUTED};font-size:11.5px">'
                     f"{esc(_t('r_seen_so_far', lang).format(seen=seen))}"
                     f"<br>{esc(low)} – {esc(high)}</span>")
        previous = money(line.metric, line.previous)
        if line.previous_estimated and line.previous is not None:
            previous = esc("≈ " + estimate(line.previous, _unit(line.metric), lang, currency))
        rows.append([
            esc(_label(line.metric, lang)), value, target,
            f"{previous}<br>{_change_pill(line.change, line.metric, lang)}",
            f"{money(line.metric, line.last_year)}<br>"
            f"{_change_pill(line.change_last_year, line.metric, lang)}",
        ])
    head = [esc(_t(k, lang)) for k in ("r_col_kpi", "r_col_week", "r_col_target",
                                       "r_col_previous", "r_col_last_year")]
    return _table(head, rows)


def _expected(f: Finding, unit: str, lang: str, currency: str) -> str:
    """The value, as "≈ value (low – high)" while the week's conversions still arrive."""
    if f.low is None or f.high is None:
        return format_value(f.value, unit, lang, currency)
    return _t("r_expected", lang).format(value=estimate(f.value, unit, lang, currency),
                                         low=estimate(f.low, unit, lang, currency),
                                         high=estimate(f.high, unit, lang, currency))


def too_early_sentence(f: Finding, lang: str, currency: str) -> str:
    """A fact the interval does not support yet, as a sentence (plain text)."""
    unit = "count" if f.kind == "mover" else _unit(f.metric)
    fields = {"kpi": _label(f.metric, lang), "name": f.name,
              "level": _t(f"r_level_{f.level}", lang) if f.level != "total" else "",
              **{k: estimate(v, unit, lang, currency)
                 for k, v in (("value", f.value), ("low", f.low), ("high", f.high),
                              ("reference", f.reference))}}
    key = {"total_target": "r_too_early_target", "campaign_target": "r_too_early_target",
           "total_change": "r_too_early_change"}.get(f.kind, "r_too_early_mover")
    if f.kind == "campaign_target":
        fields["kpi"] = f"{f.name}: {fields['kpi']}"
    return _t(key, lang).format(**fields)


def finding_sentence(f: Finding, lang: str, currency: str) -> str:
    """One highlight or lowlight as a sentence (plain text, not yet escaped)."""
    unit = _unit(f.metric)
    fields = {"kpi": _label(f.metric, lang), "value": _expected(f, unit, lang, currency),
              "name": f.name, "level": _t(f"r_level_{f.level}", lang) if f.level != "total"
              else "", "change": format_change(f.change, lang)}
    if f.kind in ("total_target", "campaign_target"):
        fields.update(target=format_value(f.reference, unit, lang, currency),
                      vs=format_change(f.change, lang),
                      cost=format_value(f.cost, "currency", lang, currency))
        return _t(f"r_{f.kind}_{'good' if f.good else 'bad'}", lang).format(**fields)
    if f.kind == "total_change":
        return _t("r_total_up" if (f.change or 0) > 0 else "r_total_down", lang).format(**fields)
    delta = abs(f.value - (f.reference or 0.0))
    fields["delta"] = (estimate(delta, "count", lang, currency) if f.low is not None
                       else format_value(delta, "count", lang, currency))
    fields["value"] = _expected(f, "count", lang, currency)
    return _t("r_mover_up" if f.value > (f.reference or 0.0) else "r_mover_down",
              lang).format(**fields)


def _findings(good: Sequence[Finding], bad: Sequence[Finding], lang: str, currency: str) -> str:
    def column(title: str, items: Sequence[Finding], tone: str, empty: str) -> str:
        color, background = TONES[tone]
        lines = "".join(f'<li style="margin:4px 0">{esc(finding_sentence(f, lang, currency))}'
                        "</li>" for f in items) or f"<li>{esc(_t(empty, lang))}</li>"
        css = _style(padding="10px 12px", background=background, border_radius="8px",
                     width="50%")
        return (f'<td valign="top" style="{css}"><div style="color:{color};'
                f'font-weight:bold;margin-bottom:4px">{esc(_t(title, lang))}</div>'
                f'<ul style="margin:0;padding-left:18px;font-size:13.5px">{lines}</ul></td>')

    return ('<table role="presentation" width="100%" cellpadding="0" cellspacing="8" '
            'style="border-collapse:separate;margin:0 -8px"><tr>'
            + column("r_highlights", good, "good", "r_nothing_good")
            + column("r_lowlights", bad, "bad", "r_nothing_bad") + "</tr></table>")


def _channels(values: pd.DataFrame, week: IsoWeek, lang: str, currency: str) -> str:
    rows = values[(values["level"] == "channel")
                  & (pd.to_datetime(values["period_start"]).dt.date == week.start)]
    if rows.empty:
        return ""
    table = rows.pivot_table(index="channel", columns="metric", values="value", aggfunc="first")
    estimated = ({m: set(r["channel"]) for m, r in rows[rows["low"].notna()].groupby("metric")}
                 if "low" in rows else {})
    previous = rows[rows["metric"] == "conversions"].set_index("channel")["previous_value"]
    table = table.sort_values("cost", ascending=False, na_position="last")
    body = []
    for channel, row in table.iterrows():
        if not (as_number(row.get("cost")) or as_number(row.get("conversions"))):
            continue
        unpaid = not as_number(row.get("cost"))  # no cost per conversion without cost
        cells = [esc(_channel_cell(None if unpaid and m == "cpa" else as_number(row.get(m)),
                                   m, channel in estimated.get(m, ()), lang, currency))
                 for m in CHANNEL_METRICS]
        conv, prev = as_number(row.get("conversions")), as_number(previous.get(channel))
        change = None if conv is None or not prev else conv / prev - 1
        body.append([esc(channel), *cells, _change_pill(change, "conversions", lang)])
    head = [esc(_t("channel", lang)), *(esc(_label(m, lang)) for m in CHANNEL_METRICS),
            esc(_t("r_col_change_conv", lang))]
    return _h2(_t("r_channels", lang)) + _table(head, body)


def _channel_cell(value: float | None, metric: str, nowcast: bool, lang: str,
                  currency: str) -> str:
    if not nowcast or value is None:
        return format_value(value, _unit(metric), lang, currency)
    return "≈ " + estimate(value, _unit(metric), lang, currency)


def _recommendations(frame: pd.DataFrame, lang: str) -> str:
    title = _h2(_t("r_recommendations", lang))
    if frame.empty:
        return title + _p(esc(_t("r_no_recommendations", lang)), muted=True)
    ordered = frame.assign(_order=frame["action"].map(ACTION_ORDER).fillna(9)).sort_values(
        ["_order", "expected_gain"], ascending=[True, False], na_position="last")
    tones = {"pause": "bad", "scale": "good", "reallocate": "flat"}
    items = "".join(
        f'<li style="margin:6px 0">'
        f'{_pill(_t(f"bud_action_{r.action}", lang), tones.get(r.action, "flat"))} '
        f'{esc(getattr(r, f"text_{lang}"))}</li>'
        for r in ordered.head(MAX_RECOMMENDATIONS).itertuples())
    day = pd.to_datetime(frame["as_of"]).max().date() if "as_of" in frame else None
    note = (_p(esc(_t("r_recommendations_as_of", lang).format(day=format_date(day, lang))),
               muted=True, size=12) if day else "")
    if len(frame) > MAX_RECOMMENDATIONS:
        note += _p(esc(_t("r_recommendations_shown", lang).format(
            shown=MAX_RECOMMENDATIONS, total=len(frame))), muted=True, size=12)
    left_out = left_out_sentence(frame, lang)
    if left_out:
        note += _p(esc(left_out), muted=True, size=12)
    return title + f'<ul style="padding-left:18px;margin:0;font-size:13.5px">{items}</ul>' + note


def _experiments(frame: pd.DataFrame, lang: str) -> str:
    title = _h2(_t("r_experiments", lang))
    if frame.empty:
        return title + _p(esc(_t("r_no_experiments", lang)), muted=True)
    rows = []
    for _, arms in frame.groupby("experiment_id", sort=False):
        first = arms.iloc[0]
        primary = arms[(arms["metric_id"] == first["metric_id"]) & ~arms["is_control"]]
        status = str(first["status"])
        tone = {"running": "warn", "ended": "flat"}.get(status, "flat")
        label = _t(f"r_exp_{status}", lang) if f"r_exp_{status}" in TEXTS else status
        days = as_number(first.get("days_elapsed"))
        when = f" · {_t('r_exp_days', lang).format(days=int(days))}" if days else ""
        sentences = "<br>".join(esc(s) for s in primary[f"sentence_{lang}"].dropna())
        if bool(first.get("srm_mismatch")):
            sentences = _pill("SRM", "bad") + " " + sentences
        rows.append([f"<b>{esc(first['experiment_name'])}</b><br>"
                     f'<span style="color:{MUTED};font-size:12px">{_pill(label, tone)}'
                     f"{esc(when)}</span>", sentences])
    cell = _style(padding="6px 8px", border_bottom=f"1px solid {LINE}", font_size="13px",
                  vertical_align="top")
    body = "".join(f'<tr><td style="{cell};width:34%">{a}</td><td style="{cell}">{b}</td></tr>'
                   for a, b in rows)
    return (title + '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
            f'style="border-collapse:collapse">{body}</table>')


def _pacing(frame: pd.DataFrame, day: dt.date, lang: str, currency: str) -> str:
    title = _h2(_t("r_pacing", lang))
    if frame.empty:
        return title + _p(esc(_t("r_no_plan", lang)), muted=True)
    starts = pd.to_datetime(frame["period_start"]).dt.date
    ends = pd.to_datetime(frame["period_end"]).dt.date
    current = frame[(starts <= day) & (ends >= day)]
    if current.empty:
        return title + _p(esc(_t("r_no_plan", lang)), muted=True)
    tones = {"on_track": "good", "watch": "warn", "investigate": "bad", "not_started": "flat"}
    rows = []
    for r in current.sort_values("media_budget", ascending=False).itertuples():
        status = _t(f"bud_status_{r.status}", lang)
        if isinstance(r.direction, str) and r.direction in ("under", "over", "unplanned"):
            status += f" · {_t(f'bud_{r.direction}', lang)}"
        rows.append([esc(r.name), esc(format_value(r.media_budget, "currency", lang, currency)),
                     esc(format_value(r.spend_to_date, "currency", lang, currency)),
                     esc(format_value(as_number(r.pacing), "percent", lang)),
                     esc(format_value(as_number(r.projected_pacing), "percent", lang)),
                     _pill(status, tones.get(r.status, "flat"))])
    first = current.iloc[0]
    period = format_range(pd.Timestamp(first["period_start"]).date(),
                          pd.Timestamp(first["period_end"]).date(), lang)
    note = _t("r_pacing_period", lang).format(period=period, day=int(first["days_elapsed"]),
                                              days=int(first["days_in_period"]))
    head = [esc(_t(k, lang)) for k in ("r_col_line", "r_col_budget", "r_col_spent",
                                       "r_col_pacing", "r_col_projected", "r_col_status")]
    return title + _p(esc(note), muted=True, size=12) + _table(head, rows)


def _days(n: int, lang: str) -> str:
    return _t("q_day_one", lang) if n == 1 else _t("q_day_many", lang).format(days=n)


def quality_badges(data: ReportInputs, lang: str) -> list[tuple[str, str]]:
    """(text, tone) badges: per source final / provisional / flagged / missing days of the
    week, the asset checks, the last nightly run."""
    badges: list[tuple[str, str]] = []
    log = extract_log(data.extracts)
    days = {data.week.start + dt.timedelta(days=i) for i in range(7)}
    in_week = log[log["date"].isin(days)] if not log.empty else log
    for platform in sorted(set(log["platform"])):
        mine = in_week[in_week["platform"] == platform]
        source = SOURCE_NAMES.get(platform, platform)
        missing = len(days - set(mine["date"]))
        since = data.provisional_since.get(platform)
        provisional = sum(1 for d in days if since is not None and d >= since)
        if missing:
            badges.append((_t("r_q_missing", lang).format(source=source,
                                                          days=_days(missing, lang)), "bad"))
        flagged_any = False
        for flag in ("subject_to_thresholding", "sampled", "data_loss_from_other_row"):
            if flag in mine and mine[flag].any():
                flagged_any = True
                badges.append((_t("r_q_flagged", lang).format(
                    source=source, flag=_t(f"q_flag_{flag}", lang).lower(),
                    days=_days(int(mine[mine[flag]]["date"].nunique()), lang)), "warn"))
        if provisional:
            badges.append((_t("r_q_provisional", lang).format(
                source=source, days=_days(provisional, lang)), "warn"))
        elif not missing and not flagged_any:
            badges.append((_t("r_q_final", lang).format(source=source), "good"))
    states = [(c, check_state(c)) for c in data.checks]
    bad = [f"{c['name']} ({_t(f'q_state_{s}', lang).lower()})" for c, s in states
           if s in ("failed", "warning")]
    if bad:
        tone = "bad" if any(s == "failed" for _, s in states) else "warn"
        badges.append((_t("r_q_checks_bad", lang).format(names=", ".join(bad)), tone))
    elif states:
        badges.append((_t("r_q_checks_ok", lang).format(count=len(states)), "good"))
    ok, failed = last_runs(data.runs)
    zone = ZoneInfo(data.time_zone)
    if failed is not None:
        badges.append((_t("r_q_run_failed", lang).format(
            when=format_datetime(failed.astimezone(zone), lang)), "bad"))
    elif ok is not None:
        badges.append((_t("r_q_run_ok", lang).format(
            when=format_datetime(ok.astimezone(zone), lang)), "good"))
    else:
        badges.append((_t("r_q_no_runs", lang), "flat"))
    return badges


def _quality(data: ReportInputs, lang: str) -> str:
    pills = " ".join(f'<span style="display:inline-block;margin:3px 2px">{_pill(text, tone)}'
                     "</span>" for text, tone in quality_badges(data, lang))
    return _h2(_t("r_quality", lang)) + f"<div>{pills}</div>"


def _definitions(data: ReportInputs, lang: str) -> str:
    d = data.definitions

    def listed(items: Sequence[str]) -> str:
        return ", ".join(f"«{x}»" for x in items) if items else _t("r_def_none", lang)

    lines = [
        (_t("r_def_lead", lang), _t("r_def_counted", lang).format(
            ads=listed(d.lead_actions), ga4=listed(d.lead_events))),
        (_t("r_def_purchase", lang), _t("r_def_counted", lang).format(
            ads=listed(d.purchase_actions), ga4=listed(d.purchase_events))),
        (_t("r_def_conversion", lang), _t("r_def_conversion_text", lang)),
        (_t("r_def_attribution", lang), _t(f"r_attribution_{d.attribution}", lang)),
    ]
    lines += [(KPIS[k].label(lang), KPIS[k].description(lang))
              for k in TABLE_KPIS if k in KPIS]
    items = "".join(f"<li><b>{esc(name)}</b>: {esc(text)}</li>" for name, text in lines)
    return (_h2(_t("r_definitions", lang))
            + f'<ul style="padding-left:18px;margin:0;font-size:12.5px;color:{MUTED}">{items}'
            f"</ul>" + _p(esc(_t("r_def_previous", lang)), muted=True, size=12.5))


def euro_weight(row: Any) -> float:
    """The money an action moves a day: the spend a pause stops, the budget a scale-up adds
    or a reallocation moves (what the summary ranks actions by)."""
    if row.action == "pause":
        cost, days = as_number(getattr(row, "cost", None)), as_number(getattr(row, "days", None))
        return cost / days if cost and days else 0.0
    return as_number(getattr(row, "amount", None)) or 0.0


def verdict(lines: Sequence[KpiLine]) -> tuple[str, dict[str, int]]:
    """The week's verdict from the account KPIs with a target: (text key, counts)."""
    judged = [line for line in lines if line.target is not None and line.on_target is not None]
    early = [line for line in judged if line.low is not None and line.high is not None
             and line.low <= line.target <= line.high]
    sure = [line for line in judged if line not in early]
    met = sum(1 for line in sure if line.on_target)
    missed = len(sure) - met
    counts = {"met": met, "missed": missed, "early": len(early), "total": len(judged)}
    if not judged:
        return "r_verdict_none", counts
    if not sure:
        return "r_verdict_early", counts
    if missed == 0:
        return "r_verdict_good", counts
    return ("r_verdict_bad" if met == 0 else "r_verdict_mixed"), counts


def _summary(lines: Sequence[KpiLine], early: Sequence[Finding], actions: pd.DataFrame,
             lang: str, currency: str) -> str:
    """What a PM reads in one minute: the verdict, the actions that move the most money,
    what is too early to judge."""
    key, counts = verdict(lines)
    tone = {"r_verdict_good": "good", "r_verdict_bad": "bad", "r_verdict_mixed": "warn"}.get(
        key, "flat")
    parts = [_p(_pill(_t(key, lang).format(**counts), tone), size=14)]
    if counts["early"] and key != "r_verdict_early":
        parts.append(_p(esc(_t("r_verdict_early", lang).format(**counts)), muted=True, size=13))
    if not actions.empty:
        ranked = sorted(actions.itertuples(), key=euro_weight, reverse=True)[:TOP_ACTIONS]
        tones = {"pause": "bad", "scale": "good", "reallocate": "flat"}
        items = "".join(
            f'<li style="margin:4px 0">'
            f'{_pill(_t(f"bud_action_{r.action}", lang), tones.get(r.action, "flat"))} '
            f'{esc(getattr(r, f"text_{lang}"))}</li>' for r in ranked)
        parts.append(f'<div style="font-weight:bold;margin-top:8px">'
                     f'{esc(_t("r_top_actions", lang))}</div>'
                     f'<ol style="padding-left:20px;margin:2px 0;font-size:13.5px">{items}</ol>')
    if early:
        items = "".join(f'<li style="margin:3px 0">{esc(too_early_sentence(f, lang, currency))}'
                        "</li>" for f in early)
        parts.append(f'<div style="font-weight:bold;margin-top:8px">'
                     f'{esc(_t("r_too_early", lang))}</div>'
                     f'<ul style="padding-left:18px;margin:2px 0;font-size:13px;color:{MUTED}">'
                     f"{items}</ul>")
    css = _style(border=f"1px solid {LINE}", border_radius="8px", padding="10px 14px",
                 margin="12px 0", background="#fbfcfd")
    return (f'<div style="{css}"><div style="{_style(font_size="12px", color=MUTED)}">'
            f'{esc(_t("r_summary", lang)).upper()}</div>{"".join(parts)}</div>')


def _maturity_note(lines: Sequence[KpiLine], compare: str, lang: str) -> str:
    """How complete the week's conversions are, and how the week is compared."""
    share = next((line.completeness for line in lines if line.metric == "conversions"), None)
    if share is None or share >= 0.995:
        return ""
    key = "r_completeness" if compare == "nowcast" else "r_completeness_same_age"
    text = _t(key, lang).format(share=format_value(share, "percent", lang))
    return _p(_pill(_t("provisional", lang), "warn") + " " + esc(text), size=12.5)


# -- the document ---------------------------------------------------------------------------------


def render_report(data: ReportInputs, *, lang: str = "en",
                  generated_at: dt.datetime | None = None) -> str:
    """The report as one HTML document (see the module docstring). ValueError when the week
    is not a complete week with data, naming the weeks there are."""
    locale = locale_for(lang)
    require_week(data.values, data.week)
    values = lag_aware(data.values, data.nowcast, data.compare)  # type: ignore[arg-type]
    lines = kpi_lines(values, data.week, TABLE_KPIS)
    good, bad = findings(values, data.week)
    early = too_early(values, data.week)
    week = data.week
    week_text = _t("r_week", lang).format(week=week.week,
                                          range=format_range(week.start, week.end, lang))
    meta = [esc(data.account)] if data.account else []
    data_end = data.data_end or week.end
    meta.append(esc(_t("r_data_to", lang).format(day=format_date(data_end, lang))))
    provisional = any(line.provisional for line in lines)
    parts = [
        f'<div style="{_style(color=MUTED, font_size="13px")}">{" · ".join(meta)}</div>',
        f'<h1 style="{_style(font_size="22px", margin="4px 0 2px", color=INK)}">'
        f"{esc(_t('r_title', lang))}</h1>",
        f'<div style="{_style(font_size="15px", font_weight="bold")}">{esc(week_text)}</div>',
    ]
    maturity = _maturity_note(lines, data.compare, lang)
    if maturity:
        parts.append(maturity)
    elif provisional:
        parts.append(_p(_pill(_t("provisional", lang), "warn") + " "
                        + esc(_t("r_provisional_week", lang)), size=12.5))
    parts += [_summary(lines, early, data.recommendations, lang, data.currency),
              _findings(good, bad, lang, data.currency), _h2(_t("r_kpis", lang)),
              _kpi_table(lines, lang, data.currency),
              _channels(values, week, lang, data.currency),
              _recommendations(data.recommendations, lang),
              _experiments(data.experiments, lang),
              _pacing(data.pacing, min(week.end, data_end) if not data.pacing.empty
                      else week.end, lang, data.currency),
              _quality(data, lang), _definitions(data, lang)]
    pages = ", ".join(f"{p}.{lang}.html" for p in DASHBOARD_PAGES)
    foot = [_t("r_dashboards", lang).format(pages=pages)]
    if generated_at is not None:
        zone = ZoneInfo(data.time_zone)
        foot.append(_t("r_generated", lang).format(
            when=format_datetime(generated_at.astimezone(zone), lang)))
    parts.append(f'<div style="{_style(margin_top="24px", color=MUTED, font_size="11.5px")}">'
                 + "<br>".join(esc(f) for f in foot) + "</div>")
    title = f"{_t('r_title', lang)} · {week.label}" + (f" · {data.account}"
                                                       if data.account else "")
    card = _style(max_width="760px", background="#fff", border=f"1px solid {LINE}",
                  border_radius="10px")
    text = _style(padding="20px 24px", font_family=FONT, color=INK, font_size="14px",
                  line_height="1.45")
    csp = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
           "form-action 'none'")
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(locale.replace("_", "-"))}">\n<head>\n'
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light">\n'
        f"<title>{esc(title)}</title>\n"
        "<style>@page{size:A4;margin:12mm}@media print{body{background:#fff!important}"
        "tr,li{break-inside:avoid}h2{break-after:avoid}}</style>\n</head>\n"
        f'<body data-plots-ready="0" style="{_style(margin="0", padding="0", background=BG)}">\n'
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        f'style="background:{BG}"><tr><td align="center" style="padding:16px 8px">'
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        f'style="{card}"><tr><td style="{text}">\n'
        + "\n".join(p for p in parts if p)
        + "\n</td></tr></table></td></tr></table>\n</body>\n</html>\n"
    )


def write_report(path: str | Path, data: ReportInputs, **kw: Any) -> Path:
    """Render (keywords as :func:`render_report`) and swap the file in atomically."""
    return write_page(path, render_report(data, **kw))
