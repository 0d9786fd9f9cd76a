"""The data-quality page: is the data in, how final is it, and can it be trusted?

Reads the extract log ``raw_extracts`` (one row per stream × scope × date: rows pulled, when,
and the source's quality metadata as JSON), the asset-check results of the last run and the run
history, and renders one HTML page in Dutch, French or English (``templates/quality.html``):

- per source a badge: last pull, last day of data, days behind, the restatement window;
- a calendar of the last 60 days per stream: pulled (final or provisional), flagged, missing;
- GA4's thresholding, sampling and "(other)" row flags with their dates;
- the asset checks (passed, warning, failed) with their descriptions;
- the last successful run, and the last failed one when it came later;
- the anomaly alerts open now and closed in the last 30 days (:mod:`.quality_alerts`).

This module shapes the facts of :mod:`dashboards.quality_log` into a small view model of
formatted strings and the calendar figure; the template lays it out and escapes every string.
Labels inside the figure are escaped for Plotly (which renders some HTML in labels).

>>> [pill.kind for pill in check_summary(["failed", "passed", "passed"], "en")]
['bad', 'warn', 'good']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go

from dashboards.page import chart_layout, plotly_text, render_template, write_page
from dashboards.quality_alerts import AlertBlock, alert_block
from dashboards.quality_crm import CrmMatches, crm_matches
from dashboards.quality_log import (
    CHECK_ORDER,
    FLAGS,
    STATUSES,
    CheckState,
    SourceStatus,
    Status,
    check_state,
    day_ranges,
    day_status,
    extract_log,
    last_runs,
    platform_of,
    source_status,
    this_run,
)
from dashboards.site import Header
from kpi.language.format import (
    format_date,
    format_datetime,
    format_day_month,
    format_range,
    format_value,
    locale_for,
)
from kpi.language.translate import N_, translator

CALENDAR_DAYS = 60
PLATFORM_NAMES = {"google_ads": "Google Ads", "meta_ads": "Meta", "ga4": "GA4"}
MAX_RANGES = 12  # date ranges listed per flag; the rest is counted
STATUS_COLOURS: dict[Status, str] = {
    "missing": "#f6c3bd", "empty": "#d0d5dd", "final": "#0d9488", "provisional": "#8fd3cb",
    "flagged": "#e8a33d"}
STATUS_TEXTS: dict[Status, str] = {
    "missing": N_("q_status_missing"), "empty": N_("q_status_empty"),
    "final": N_("q_status_final"), "provisional": N_("q_status_provisional"),
    "flagged": N_("q_status_flagged")}
FLAG_TEXTS: dict[str, tuple[str, str]] = {  # flag -> (its name, what it means)
    "subject_to_thresholding": (N_("q_flag_subject_to_thresholding"),
                                N_("q_flag_desc_subject_to_thresholding")),
    "sampled": (N_("q_flag_sampled"), N_("q_flag_desc_sampled")),
    "data_loss_from_other_row": (N_("q_flag_data_loss_from_other_row"),
                                 N_("q_flag_desc_data_loss_from_other_row"))}
CHECK_TEXTS: dict[CheckState, str] = {
    "passed": N_("q_state_passed"), "warning": N_("q_state_warning"),
    "failed": N_("q_state_failed"), "skipped": N_("q_state_skipped")}
CHECK_PILLS: dict[CheckState, str] = {"passed": "good", "failed": "bad", "skipped": "flat",
                                      "warning": "warn"}
UNIT_TEXTS = {"experiment_row": N_("q_unit_experiment_row"), "customer": N_("q_unit_customer"),
              "segment": N_("q_unit_segment")}  # pipelines/warehouse/skipped.py's units
WHY_TEXTS = {reason: N_(key) for reason, key in (  # and its reasons
    ("empty_arm", "q_why_empty_arm"), ("too_small", "q_why_too_small"),
    ("all_zero", "q_why_all_zero"), ("no_variance", "q_why_no_variance"),
    ("control_not_positive", "q_why_control_not_positive"),
    ("zero_treatment", "q_why_zero_treatment"), ("not_finite", "q_why_not_finite"),
    ("no_purchase_model", "q_why_no_purchase_model"),
    ("invalid_history", "q_why_invalid_history"), ("not_computable", "q_why_not_computable"),
    ("no_repeat_buyers", "q_why_no_repeat_buyers"), ("not_fitted", "q_why_not_fitted"),
    ("own_mean_order_value", "q_why_own_mean_order_value"))}

_t = translator("quality", "common")  # this page's texts first, then the shared ones

__all__ = ["CALENDAR_DAYS", "FLAGS", "STATUSES", "SourceStatus", "calendar_figure",
           "check_state", "day_ranges", "extract_log", "last_runs", "render_quality",
           "source_status", "write_quality"]


# -- the view model -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pill:
    """A short coloured label: ``kind`` is good, bad, flat or warn."""

    text: str
    kind: str


@dataclass(frozen=True)
class Line:
    """One line of a source badge: ``label`` and ``value`` (bold), or only a ``value``;
    ``flag`` shows it as a warning badge."""

    value: str
    label: str = ""
    flag: bool = False


@dataclass(frozen=True)
class Badge:
    """One source's card: its name, a pill (up to date, behind, no data) and its lines."""

    platform: str
    name: str
    pill: Pill
    lines: tuple[Line, ...]
    has_data: bool


@dataclass(frozen=True)
class RunLine:
    """A line about the runs: ``kind`` is this_run, ok, plain or failed."""

    text: str
    kind: str


@dataclass(frozen=True)
class FlagRow:
    name: str
    meaning: str
    streams: str
    days: int
    dates: str


@dataclass(frozen=True)
class CheckRow:
    state: CheckState
    pill: Pill
    name: str
    asset: str
    description: str


@dataclass(frozen=True)
class SkippedRow:
    reason: str
    what: str
    why: str


@dataclass(frozen=True)
class WarningRow:
    step: str
    warning: str
    count: int
    count_text: str


@dataclass(frozen=True)
class Calendar:
    """The calendar section: the legend (label, colour) and the figure's height."""

    legend: tuple[tuple[str, str], ...]
    height: int


@dataclass(frozen=True)
class QualityView:
    """Everything the template shows, already in words; None: the section says "none"."""

    meta: str
    runs: tuple[RunLine, ...]
    badges: tuple[Badge, ...] | None  # None: nothing extracted and no window known
    calendar: Calendar | None  # None: no extract log, no calendar or flags section
    ga4: bool  # whether there are GA4 rows (or flags) at all
    flags: tuple[FlagRow, ...]
    checks: tuple[CheckRow, ...]
    check_summary: tuple[Pill, ...]
    skipped: tuple[SkippedRow, ...] | None  # None: not counted by this run
    warnings: tuple[WarningRow, ...]
    foot: tuple[str, ...]
    crm: CrmMatches | None = None  # None: no CRM connected, no block
    alerts: AlertBlock | None = None  # None: the alert run has not run yet, no block


# -- from the facts to words ----------------------------------------------------------------------


def _days(n: int, lang: str) -> str:
    return _t("q_day_one", lang) if n == 1 else _t("q_day_many", lang).format(days=n)


def _when(moment: dt.datetime, lang: str, zone: ZoneInfo) -> str:
    return format_datetime(moment.astimezone(zone), lang)


def run_lines(runs: Sequence[Mapping[str, Any]], lang: str, zone: ZoneInfo) -> tuple[RunLine, ...]:
    """The run writing the page (when it is one), the last successful run before it, and a
    later failure."""
    ok, failed = last_runs(runs)
    current = this_run(runs)
    if not runs:
        return (RunLine(_t("q_no_runs", lang), "plain"),)
    lines = []
    if current is not None:
        lines.append(RunLine(_t("q_this_run", lang).format(when=_when(current, lang, zone)),
                             "this_run"))
    if ok is not None:
        said = _t("q_previous_success", lang) if current is not None else _t("q_last_success",
                                                                              lang)
        lines.append(RunLine(said.format(when=_when(ok, lang, zone)), "ok"))
    elif current is None:
        lines.append(RunLine(_t("q_no_success", lang), "plain"))
    if failed is not None and current is None:  # the run going now supersedes it
        lines.append(RunLine(_t("q_last_failure", lang).format(when=_when(failed, lang, zone)),
                             "failed"))
    return tuple(lines)


def badge(status: SourceStatus, lang: str, zone: ZoneInfo) -> Badge:
    """The card of one source."""
    name = PLATFORM_NAMES.get(status.platform, status.platform)
    if status.last_day is None or status.last_pulled is None:
        return Badge(status.platform, name, Pill(_t("q_no_data", lang), "flat"),
                     (Line(_t("q_no_data_source", lang)),), has_data=False)
    behind = status.days_behind or 0
    pill = (Pill(_t("q_up_to_date", lang), "good") if behind == 0
            else Pill(_t("q_behind", lang).format(days=_days(behind, lang)), "bad"))
    lines = [Line(_when(status.last_pulled, lang, zone), _t("q_last_pulled", lang)),
             Line(format_date(status.last_day, lang), _t("q_last_day", lang))]
    if status.provisional_from is not None and status.provisional_days:
        lines.append(Line(format_date(status.provisional_from, lang),
                          _t("q_provisional_from", lang)))
        lines.append(Line(_t("q_provisional_detail", lang).format(
            days=_days(status.provisional_days, lang))))
    else:
        lines.append(Line(_t("q_no_window", lang)))
    lines.append(Line(", ".join(status.scopes), _t("q_accounts", lang)))
    if status.retries:
        lines.append(Line(_t("q_retries", lang).format(count=status.retries)))
    if status.flagged_days:
        lines.append(Line(_t("q_flagged_days", lang).format(
            days=_days(status.flagged_days, lang)), flag=True))
    return Badge(status.platform, name, pill, tuple(lines), has_data=True)


def _format_ranges(days: Iterable[dt.date], lang: str) -> str:
    ranges = day_ranges(days)
    shown = [format_date(a, lang) if a == b else format_range(a, b, lang)
             for a, b in ranges[:MAX_RANGES]]
    if len(ranges) > MAX_RANGES:
        shown.append(_t("q_more_ranges", lang).format(count=len(ranges) - MAX_RANGES))
    return ", ".join(shown)


def flag_rows(log: pd.DataFrame, lang: str) -> tuple[FlagRow, ...]:
    """One row per quality flag raised at least once: its streams, days and dates."""
    rows = []
    for flag in FLAGS:
        mine = log[log[flag]]
        if mine.empty:
            continue
        name, meaning = FLAG_TEXTS[flag]
        rows.append(FlagRow(_t(name, lang), _t(meaning, lang),
                            ", ".join(sorted(set(mine["stream"]))), int(mine["date"].nunique()),
                            _format_ranges(mine["date"], lang)))
    return tuple(rows)


def check_summary(states: Sequence[CheckState], lang: str) -> tuple[Pill, ...]:
    """A pill per state with its count, the worst first (no "not run" pill when none)."""
    return tuple(Pill(_t("q_count", lang).format(label=_t(CHECK_TEXTS[s], lang),
                                                 count=states.count(s)), CHECK_PILLS[s])
                 for s in CHECK_ORDER if states.count(s) or s != "skipped")


def check_rows(checks: Sequence[Mapping[str, Any]], lang: str) -> tuple[CheckRow, ...]:
    """The checks, the failed first, then by asset and name."""
    ranked = sorted(((check_state(c), c) for c in checks),
                    key=lambda p: (CHECK_ORDER.index(p[0]), str(p[1].get("asset", "")),
                                   str(p[1].get("name", ""))))
    return tuple(CheckRow(state, Pill(_t(CHECK_TEXTS[state], lang), CHECK_PILLS[state]),
                          str(c.get("name", "")), str(c.get("asset", "")),
                          str(c.get("description") or "")) for state, c in ranked)


def skipped_rows(skipped: pd.DataFrame, lang: str) -> tuple[SkippedRow, ...]:
    """What the run left null, per kind of row and reason (pipelines/warehouse/skipped.py); a
    code this version has no words for shows as it is."""
    rows = []
    for r in skipped.itertuples():
        count = format_value(r.rows, "count", lang)
        unit = UNIT_TEXTS.get(str(r.unit))
        what = (_t(unit, lang) if unit else "{count} " + str(r.unit)).format(count=count)
        why = WHY_TEXTS.get(str(r.reason))
        rows.append(SkippedRow(str(r.reason), what, _t(why, lang) if why else str(r.reason)))
    return tuple(rows)


def warning_rows(warnings: Sequence[Mapping[str, Any]], lang: str) -> tuple[WarningRow, ...]:
    """The run's warnings from the numerics, per step (assets/warning_log.py)."""
    return tuple(WarningRow(str(w.get("step") or ""),
                            _t("label_value", lang).format(label=w.get("category", ""),
                                                          value=w.get("message", "")),
                            int(w.get("count", 1)), format_value(w.get("count", 1), "count", lang))
                 for w in warnings)


def _platforms(log: pd.DataFrame, provisional_since: Mapping[str, dt.date | None]) -> list[str]:
    found = set(log["platform"]) | set(provisional_since)
    known = [p for p in PLATFORM_NAMES if p in found]
    return known + sorted(found - set(known))


# -- the calendar figure --------------------------------------------------------------------------


def _row_labels(log: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(stream, scope, label) per calendar row: ``stream``, or ``stream · scope`` when a stream
    has several accounts; ordered by platform (Google Ads, GA4, others), then stream."""
    order = {p: i for i, p in enumerate(PLATFORM_NAMES)}
    pairs = sorted({(s, c) for s, c in zip(log["stream"], log["scope"], strict=True)},
                   key=lambda p: (order.get(platform_of(p[0]), len(order)), p[0], p[1]))
    scopes: dict[str, int] = {}
    for stream, _ in pairs:
        scopes[stream] = scopes.get(stream, 0) + 1
    return [(s, c, s if scopes[s] == 1 else f"{s} · {c}") for s, c in pairs]


def _hover(label: str, day: dt.date, row: pd.Series | None, status: Status,
           since: dt.date | None, lang: str, zone: ZoneInfo) -> str:
    hover = [plotly_text(label), plotly_text(format_date(day, lang)),
             f"<b>{plotly_text(_t(STATUS_TEXTS[status], lang))}</b>"]
    if row is not None:
        flags = [_t(FLAG_TEXTS[f][0], lang) for f in FLAGS if bool(row[f])]
        if flags:
            hover.append(plotly_text(", ".join(flags)))
        if status == "flagged" and since is not None and day >= since:
            hover.append(plotly_text(_t("q_status_provisional", lang)))
        hover.append(plotly_text(_t("q_hover_rows", lang).format(
            rows=format_value(int(row["rows"]), "count", lang),
            when=_when(row["extracted_at"].to_pydatetime(), lang, zone))))
    return "<br>".join(hover)


def calendar_figure(log: pd.DataFrame, as_of: dt.date,
                    provisional_since: Mapping[str, dt.date | None], lang: str,
                    zone: ZoneInfo, days: int = CALENDAR_DAYS) -> go.Figure | None:
    """A stream × day heatmap of the ``days`` days before ``as_of``, one colour per status."""
    if log.empty:
        return None
    first = as_of - dt.timedelta(days=days)
    dates = [first + dt.timedelta(days=i) for i in range(days)]
    rows = _row_labels(log)
    window = log[(log["date"] >= first) & (log["date"] < as_of)]
    index = {(r["stream"], r["scope"], r["date"]): r for _, r in window.iterrows()}
    code = {s: i for i, s in enumerate(STATUSES)}
    z, text = [], []
    for stream, scope, label in rows:
        since = provisional_since.get(platform_of(stream))
        statuses = [(day, index.get((stream, scope, day))) for day in dates]
        states = [day_status(row, since) for _, row in statuses]
        z.append([code[s] for s in states])
        text.append([_hover(label, day, row, s, since, lang, zone)
                     for (day, row), s in zip(statuses, states, strict=True)])
    n = len(STATUSES)
    scale = []
    for i, status in enumerate(STATUSES):  # one flat band of colour per status code
        scale += [[i / n, STATUS_COLOURS[status]], [(i + 1) / n, STATUS_COLOURS[status]]]
    fig = go.Figure(go.Heatmap(
        x=[d.isoformat() for d in dates], y=[plotly_text(label) for _, _, label in rows], z=z,
        text=text, zmin=-0.5, zmax=n - 0.5, colorscale=scale, showscale=False, xgap=2, ygap=2,
        hovertemplate="%{text}<extra></extra>", name=""))
    ticks = [d for d in dates if d.weekday() == 0]
    base = chart_layout(lang, margin={"l": 8, "r": 12, "t": 8, "b": 8})
    fig.update_layout(base, height=70 + 30 * len(rows),
                      xaxis={**base["xaxis"], "type": "date",
                             "tickvals": [d.isoformat() for d in ticks],
                             "ticktext": [plotly_text(format_day_month(d, lang)) for d in ticks]},
                      yaxis={**base["yaxis"], "type": "category", "autorange": "reversed",
                             "tickfont": {"size": 12}, "showgrid": False})
    return fig


# -- the page -------------------------------------------------------------------------------------


def quality_view(log: pd.DataFrame, checks: Sequence[Mapping[str, Any]],
                 runs: Sequence[Mapping[str, Any]], *, lang: str, account: str, as_of: dt.date,
                 provisional_since: Mapping[str, dt.date | None], zone: ZoneInfo,
                 time_zone: str, calendar_height: int | None, generated_at: dt.datetime | None,
                 skipped: pd.DataFrame | None, warnings: Sequence[Mapping[str, Any]],
                 crm: pd.DataFrame | None = None, alerts: pd.DataFrame | None = None,
                 names: Mapping[str, str] | None = None) -> QualityView:
    """The page in words (see :class:`QualityView`); ``account`` is named in the page's own
    line when given (a page without the site header)."""
    meta = [_t("q_account", lang).format(account=account)] if account else []
    meta += [_t("q_as_of", lang).format(day=format_date(as_of, lang)),
             _t("q_times", lang).format(zone=time_zone)]
    badges = None if log.empty and not provisional_since else tuple(
        badge(source_status(log, p, as_of, provisional_since), lang, zone)
        for p in _platforms(log, provisional_since))
    calendar = None if calendar_height is None else Calendar(
        tuple((_t(STATUS_TEXTS[s], lang), STATUS_COLOURS[s]) for s in STATUSES),
        calendar_height)
    states = [check_state(c) for c in checks]
    foot = [_t("provisional_note", lang), _t("offline_note", lang)]
    if generated_at is not None:
        foot.insert(0, _t("generated", lang).format(when=format_datetime(generated_at, lang)))
    return QualityView(
        meta=" · ".join(meta), runs=run_lines(runs, lang, zone), badges=badges,
        calendar=calendar, ga4=not (log[log["platform"] == "ga4"].empty
                                    and not log[list(FLAGS)].any(axis=None)),
        flags=flag_rows(log, lang), checks=check_rows(checks, lang),
        check_summary=check_summary(states, lang),
        skipped=None if skipped is None else skipped_rows(skipped, lang),
        warnings=warning_rows(warnings, lang), foot=tuple(foot), crm=crm_matches(crm, lang),
        alerts=alert_block(alerts, lang, as_of, names))


def render_quality(extracts: pd.DataFrame, checks: Sequence[Mapping[str, Any]],
                   runs: Sequence[Mapping[str, Any]], *, lang: str = "en", account: str = "",
                   as_of: dt.date, provisional_since: Mapping[str, dt.date | None],
                   time_zone: str = "Europe/Brussels",
                   generated_at: dt.datetime | None = None,
                   skipped: pd.DataFrame | None = None,
                   warnings: Sequence[Mapping[str, Any]] = (),
                   header: Header | None = None, crm: pd.DataFrame | None = None,
                   alerts: pd.DataFrame | None = None,
                   names: Mapping[str, str] | None = None) -> str:
    """The data-quality page as one HTML string (see the module docstring).

    ``skipped`` counts the values the run left null, per table, unit and reason
    (``pipelines.warehouse.skipped.count_skipped``); ``warnings`` are the run's warnings from
    the numerics (step, category, message, count); ``crm`` the CRM's match rates
    (``crm_match_rates``, :mod:`dashboards.quality_crm`), None without a CRM; ``alerts`` the
    ``alerts`` table (:mod:`dashboards.quality_alerts`, campaign ``names`` by key), None before
    the first alert run.

    ``as_of`` is the day the page describes (normally the run date: data is expected up to the
    day before); ``provisional_since`` maps a platform (``google_ads``, ``ga4``) to the first
    day still inside its restatement window. Times are shown in ``time_zone``. With a site
    ``header`` the page says its period there ("Situation on ..."), and the account there.
    """
    locale_for(lang)  # fail early on an unsupported language
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    zone = ZoneInfo(time_zone)
    log = extract_log(extracts)
    fig = calendar_figure(log, as_of, provisional_since, lang, zone)
    shown_account = account if header is None or not header.account else ""
    view = quality_view(log, checks, runs, lang=lang, account=shown_account, as_of=as_of,
                        provisional_since=provisional_since, zone=zone, time_zone=time_zone,
                        calendar_height=None if fig is None else int(fig.layout.height),
                        generated_at=generated_at, skipped=skipped, warnings=warnings,
                        crm=crm, alerts=alerts, names=names)
    if header is not None:
        header = replace(header, period=_t("q_as_of", lang).format(day=format_date(as_of, lang)))
    title = f"{_t('q_title', lang)}{' · ' + account if account else ''}"
    return render_template("quality.html", lang=lang, title=title, header=header,
                           figures={"calendar": fig} if fig is not None else {}, texts=_t,
                           view=view, calendar_days=CALENDAR_DAYS)


def write_quality(path: str | Path, extracts: pd.DataFrame, checks: Sequence[Mapping[str, Any]],
                  runs: Sequence[Mapping[str, Any]], **kw: Any) -> Path:
    """Render (keywords as :func:`render_quality`), then swap the UTF-8 file in atomically:
    a failure leaves the previous page in place."""
    return write_page(path, render_quality(extracts, checks, runs, **kw))
