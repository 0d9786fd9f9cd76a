"""The data-quality page: is the data in, how final is it, and can it be trusted?

Reads the extract log ``raw_extracts`` (one row per stream × scope × date: rows pulled, when,
and the source's quality metadata as JSON), the asset-check results of the last run and the run
history, and renders one self-contained HTML page in Dutch, French or English:

- per source a badge: last pull, last day of data, days behind, the restatement window;
- a calendar of the last 60 days per stream: pulled (final or provisional), flagged, missing;
- GA4's thresholding, sampling and "(other)" row flags with their dates;
- the asset checks (passed, warning, failed) with their descriptions;
- the last successful run, and the last failed one when it came later.

Every string that comes from data (stream, account, check names and descriptions) is escaped
for HTML and for Plotly's labels.

>>> day_ranges([dt.date(2026, 11, 3), dt.date(2026, 11, 4), dt.date(2026, 11, 9)])
[(datetime.date(2026, 11, 3), datetime.date(2026, 11, 4)), (datetime.date(2026, 11, 9), \
datetime.date(2026, 11, 9))]
>>> check_state({"passed": False, "severity": "WARN"})
'warning'
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go

from dashboards.formatting import (
    format_date,
    format_datetime,
    format_day_month,
    format_range,
    format_value,
    locale_for,
)
from dashboards.i18n import translator
from dashboards.page import chart_layout, esc, plot_div, render_page, write_page
from dashboards.site import Header
from dashboards.texts_quality import TEXTS

CALENDAR_DAYS = 60
EXTRACT_COLUMNS = ("stream", "scope", "date", "rows", "extracted_at", "metadata")
FLAGS = ("subject_to_thresholding", "sampled", "data_loss_from_other_row")
PLATFORM_NAMES = {"google_ads": "Google Ads", "ga4": "GA4"}
STREAM_PREFIXES = (("ads_", "google_ads"), ("ga4_", "ga4"))  # as pipelines/sources/streams.py
MAX_RANGES = 12  # date ranges listed per flag; the rest is counted
Status = Literal["missing", "empty", "final", "provisional", "flagged"]
STATUSES: tuple[Status, ...] = ("missing", "empty", "final", "provisional", "flagged")
STATUS_COLOURS: dict[Status, str] = {
    "missing": "#f6c3bd", "empty": "#d0d5dd", "final": "#0d9488", "provisional": "#8fd3cb",
    "flagged": "#e8a33d"}
CheckState = Literal["passed", "warning", "failed", "skipped"]
CHECK_ORDER: tuple[CheckState, ...] = ("failed", "warning", "skipped", "passed")
CHECK_PILLS: dict[CheckState, str] = {
    "passed": 'class="pill good"', "failed": 'class="pill bad"', "skipped": 'class="pill flat"',
    "warning": 'class="pill" style="color:var(--warn);background:var(--warn-bg)"'}



_t = translator(TEXTS)  # this page's texts first, then the shared ones


# -- the extract log, normalised ------------------------------------------------------------------


def platform_of(stream: str) -> str:
    """The source platform of a stream name (``ga4_sessions_daily`` -> ``ga4``)."""
    for prefix, platform in STREAM_PREFIXES:
        if stream.startswith(prefix):
            return platform
    return stream


def _flag(value: object) -> bool:
    return False if value is None or (not isinstance(value, str) and pd.isna(value)) \
        else bool(value)


def _metadata(text: object, where: str) -> dict[str, Any]:
    if text is None or (not isinstance(text, str) and pd.isna(text)) or text == "":
        return {}
    try:
        parsed = json.loads(str(text))
    except json.JSONDecodeError as exc:
        raise ValueError(f"raw_extracts {where}: metadata is not JSON ({exc.msg})") from None
    if not isinstance(parsed, dict):
        raise ValueError(f"raw_extracts {where}: metadata is not a JSON object")
    return parsed


def extract_log(extracts: pd.DataFrame) -> pd.DataFrame:
    """The extract log with one column per quality flag, ``retries`` and ``platform``.

    Dates become ``datetime.date``; ``extracted_at`` must be time-zone aware (it is a
    ``TIMESTAMP WITH TIME ZONE`` in the warehouse). Flags come from the JSON ``metadata``
    unless the frame already has them as columns. ValueError names a missing column or the
    row whose metadata cannot be read.
    """
    columns = ["stream", "scope", "platform", "date", "rows", "extracted_at", *FLAGS, "retries"]
    if extracts.empty:
        return pd.DataFrame(columns=columns)
    missing = [c for c in EXTRACT_COLUMNS if c not in extracts.columns
               and not (c == "metadata" and set(FLAGS) <= set(extracts.columns))]
    if missing:
        raise ValueError(f"raw_extracts is missing column(s) {missing}")
    stamps = pd.to_datetime(extracts["extracted_at"])
    if stamps.dt.tz is None:
        raise ValueError("raw_extracts.extracted_at must be time-zone aware (UTC in the "
                         "warehouse)")
    log = pd.DataFrame({
        "stream": extracts["stream"].astype(str).to_numpy(),
        "scope": extracts["scope"].astype(str).to_numpy(),
        "date": pd.to_datetime(extracts["date"]).dt.date.to_numpy(),
        "rows": pd.to_numeric(extracts["rows"]).fillna(0).astype(int).to_numpy(),
        "extracted_at": stamps.reset_index(drop=True),
    })
    log.insert(2, "platform", [platform_of(s) for s in log["stream"]])
    parsed: dict[object, dict[str, Any]] = {}
    metas = (extracts["metadata"] if "metadata" in extracts.columns
             else pd.Series([None] * len(extracts)))
    records = []
    for i, text in enumerate(metas):
        if text not in parsed:
            row = log.iloc[i]
            parsed[text] = _metadata(text, f"row {row['stream']} / {row['scope']} / "
                                           f"{row['date']}")
        records.append(parsed[text])
    for flag in FLAGS:
        source = (extracts[flag].tolist() if flag in extracts.columns
                  else [m.get(flag) for m in records])
        log[flag] = [_flag(v) for v in source]
    retries = (extracts["retries"].tolist() if "retries" in extracts.columns
               else [m.get("retries", 0) for m in records])
    log["retries"] = [int(r) if r is not None and not pd.isna(r) else 0 for r in retries]
    return log[columns]


# -- what the page says about each source -------------------------------------------------------


@dataclass(frozen=True)
class SourceStatus:
    """One platform's freshness: the facts behind its badge."""

    platform: str
    last_pulled: dt.datetime | None
    last_day: dt.date | None
    days_behind: int | None  # days between the last day of data and the day before as_of
    provisional_from: dt.date | None
    provisional_days: int
    scopes: tuple[str, ...]
    retries: int  # in the latest pull
    flagged_days: int  # days with any quality flag (any stream)


def source_status(log: pd.DataFrame, platform: str, as_of: dt.date,
                  provisional_since: Mapping[str, dt.date | None]) -> SourceStatus:
    """The badge facts of ``platform`` from a normalised :func:`extract_log`."""
    mine = log[log["platform"] == platform]
    since = provisional_since.get(platform)
    if mine.empty:
        return SourceStatus(platform, None, None, None, since, 0, (), 0, 0)
    last_pulled = mine["extracted_at"].max().to_pydatetime()
    last_day = max(mine["date"])
    behind = max(0, (as_of - dt.timedelta(days=1) - last_day).days)
    days = (last_day - since).days + 1 if since is not None and since <= last_day else 0
    latest = mine[mine["extracted_at"] == mine["extracted_at"].max()]
    retries = int(latest.drop_duplicates(["stream", "scope"])["retries"].sum())
    flagged = mine[mine[list(FLAGS)].any(axis=1)]["date"].nunique()
    return SourceStatus(platform, last_pulled, last_day, behind, since, days,
                        tuple(sorted(set(mine["scope"]))), retries, int(flagged))


def day_status(row: pd.Series | None, provisional_from: dt.date | None) -> Status:
    """The calendar state of one stream-day (``row``: its log row, or None when not pulled)."""
    if row is None:
        return "missing"
    if any(bool(row[f]) for f in FLAGS):
        return "flagged"
    if int(row["rows"]) == 0:
        return "empty"
    if provisional_from is not None and row["date"] >= provisional_from:
        return "provisional"
    return "final"


def day_ranges(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days folded into inclusive (first, last) ranges, in date order."""
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if ranges and (day - ranges[-1][1]).days == 1:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def check_state(check: Mapping[str, Any]) -> CheckState:
    """``passed``, ``warning`` (failed with severity WARN), ``failed``, or ``skipped``."""
    passed = check.get("passed")
    if passed is None:
        return "skipped"
    if bool(passed):
        return "passed"
    severity = str(getattr(check.get("severity"), "value", check.get("severity")) or "ERROR")
    return "warning" if severity.upper().endswith("WARN") else "failed"


def this_run(runs: Sequence[Mapping[str, Any]]) -> dt.datetime | None:
    """When the run writing the page (marked ``current``, still going) started; None if the
    runs hold none."""
    for i, run in enumerate(runs):
        when = run.get("started_at")
        if run.get("current"):
            if not isinstance(when, dt.datetime) or when.tzinfo is None:
                raise ValueError(f"runs[{i}].started_at must be a time-zone aware datetime, "
                                 f"got {when!r}")
            return when
    return None


def last_runs(runs: Sequence[Mapping[str, Any]]) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(last successful finish, last failed finish if it came after it, else None), among the
    finished runs (the ``current`` one has not finished)."""
    ok, failed = None, None
    for i, run in enumerate(runs):
        if run.get("current"):
            continue
        when = run.get("finished_at")
        if not isinstance(when, dt.datetime) or when.tzinfo is None:
            raise ValueError(f"runs[{i}].finished_at must be a time-zone aware datetime, "
                             f"got {when!r}")
        if bool(run.get("success")):
            ok = when if ok is None or when > ok else ok
        else:
            failed = when if failed is None or when > failed else failed
    if failed is not None and ok is not None and failed <= ok:
        failed = None
    return ok, failed


# -- rendering ------------------------------------------------------------------------------------


def _days(n: int, lang: str) -> str:
    return _t("q_day_one", lang) if n == 1 else _t("q_day_many", lang).format(days=n)


def _when(moment: dt.datetime, lang: str, zone: ZoneInfo) -> str:
    return format_datetime(moment.astimezone(zone), lang)


def _empty(lang: str, title: str, hint: str = "") -> str:
    extra = f"<span>{esc(hint)}</span>" if hint else ""
    return f'<div class="empty"><strong>{esc(title)}</strong>{extra}</div>'


def _runs(runs: Sequence[Mapping[str, Any]], lang: str, zone: ZoneInfo) -> str:
    """The run writing the page (when it is one), the last successful run before it, and a
    later failure."""
    ok, failed = last_runs(runs)
    current = this_run(runs)
    if not runs:
        return f'<div class="period">{esc(_t("q_no_runs", lang))}</div>'
    parts = []
    if current is not None:
        parts.append(f'<div class="period this-run">'
                     f'{esc(_t("q_this_run", lang).format(when=_when(current, lang, zone)))}'
                     "</div>")
    if ok is not None:
        key = "q_previous_success" if current is not None else "q_last_success"
        parts.append(f'<div class="period"><span class="pill good">✓</span>'
                     f'{esc(_t(key, lang).format(when=_when(ok, lang, zone)))}</div>')
    elif current is None:
        parts.append(f'<div class="period">{esc(_t("q_no_success", lang))}</div>')
    if failed is not None and current is None:  # the run going now supersedes it
        text = _t("q_last_failure", lang).format(when=_when(failed, lang, zone))
        parts.append(f'<div class="meta run-failed"><span class="pill bad">✗</span>{esc(text)}'
                     "</div>")
    return "".join(parts)


def _line(label: str, value: str) -> str:
    return (f'<div class="line"><span class="label">{esc(label)}</span> '
            f'<strong>{esc(value)}</strong></div>')


def _badge(status: SourceStatus, lang: str, zone: ZoneInfo) -> str:
    name = PLATFORM_NAMES.get(status.platform, status.platform)
    if status.last_day is None or status.last_pulled is None:
        return (f'<div class="card tile source"><h3>{esc(name)} <span class="pill flat">'
                f'{esc(_t("q_no_data", lang))}</span></h3>'
                f'<div class="line">{esc(_t("q_no_data_source", lang))}</div></div>')
    behind = status.days_behind or 0
    pill = (f'<span class="pill good">{esc(_t("q_up_to_date", lang))}</span>' if behind == 0
            else f'<span class="pill bad">'
                 f'{esc(_t("q_behind", lang).format(days=_days(behind, lang)))}</span>')
    lines = [_line(_t("q_last_pulled", lang), _when(status.last_pulled, lang, zone)),
             _line(_t("q_last_day", lang), format_date(status.last_day, lang))]
    if status.provisional_from is not None and status.provisional_days:
        lines.append(_line(_t("q_provisional_from", lang),
                           format_date(status.provisional_from, lang)))
        detail = _t("q_provisional_detail", lang).format(
            days=_days(status.provisional_days, lang))
        lines.append(f'<div class="line">{esc(detail)}</div>')
    else:
        lines.append(f'<div class="line">{esc(_t("q_no_window", lang))}</div>')
    lines.append(_line(_t("q_accounts", lang), ", ".join(status.scopes)))
    if status.retries:
        lines.append(f'<div class="line">'
                     f'{esc(_t("q_retries", lang).format(count=status.retries))}</div>')
    if status.flagged_days:
        text = _t("q_flagged_days", lang).format(days=_days(status.flagged_days, lang))
        lines.append(f'<div class="line"><span class="badge">{esc(text)}</span></div>')
    return (f'<div class="card tile source" data-platform="{esc(status.platform)}">'
            f'<h3>{esc(name)} {pill}</h3>{"".join(lines)}</div>')


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
        z_row, t_row = [], []
        for day in dates:
            row = index.get((stream, scope, day))
            status = day_status(row, since)
            hover = [esc(label), esc(format_date(day, lang)),
                     f"<b>{esc(_t('q_status_' + status, lang))}</b>"]
            if row is not None:
                flags = [_t(f"q_flag_{f}", lang) for f in FLAGS if bool(row[f])]
                if flags:
                    hover.append(esc(", ".join(flags)))
                if status == "flagged" and since is not None and day >= since:
                    hover.append(esc(_t("q_status_provisional", lang)))
                hover.append(esc(_t("q_hover_rows", lang).format(
                    rows=format_value(int(row["rows"]), "count", lang),
                    when=_when(row["extracted_at"].to_pydatetime(), lang, zone))))
            z_row.append(code[status])
            t_row.append("<br>".join(hover))
        z.append(z_row)
        text.append(t_row)
    n = len(STATUSES)
    scale = []
    for i, status in enumerate(STATUSES):  # one flat band of colour per status code
        scale += [[i / n, STATUS_COLOURS[status]], [(i + 1) / n, STATUS_COLOURS[status]]]
    labels = [esc(label) for _, _, label in rows]
    fig = go.Figure(go.Heatmap(
        x=[d.isoformat() for d in dates], y=labels, z=z, text=text, zmin=-0.5,
        zmax=n - 0.5, colorscale=scale, showscale=False, xgap=2, ygap=2,
        hovertemplate="%{text}<extra></extra>", name=""))
    ticks = [d for d in dates if d.weekday() == 0]
    base = chart_layout(lang, margin={"l": 8, "r": 12, "t": 8, "b": 8})
    fig.update_layout(base, height=70 + 30 * len(rows),
                      xaxis={**base["xaxis"], "type": "date",
                             "tickvals": [d.isoformat() for d in ticks],
                             "ticktext": [esc(format_day_month(d, lang)) for d in ticks]},
                      yaxis={**base["yaxis"], "type": "category", "autorange": "reversed",
                             "tickfont": {"size": 12}, "showgrid": False})
    return fig


def _calendar(log: pd.DataFrame, as_of: dt.date, provisional_since: Mapping[str, dt.date | None],
              lang: str, zone: ZoneInfo, figures: dict[str, go.Figure]) -> str:
    fig = calendar_figure(log, as_of, provisional_since, lang, zone)
    head = f'<h2>{esc(_t("q_calendar", lang).format(days=CALENDAR_DAYS))}</h2>'
    if fig is None:
        return head + f'<div class="card">{_empty(lang, _t("q_no_data", lang))}</div>'
    figures["calendar"] = fig
    swatch = ("display:inline-block;width:12px;height:12px;border-radius:3px;"
              "vertical-align:-1px;margin-right:6px;background:")
    legend = "".join(f'<span><i style="{swatch}{STATUS_COLOURS[s]}"></i>'
                     f'{esc(_t("q_status_" + s, lang))}</span>' for s in STATUSES)
    return (f'{head}<div class="legend">{legend}</div><div class="card chart">'
            f'<p class="desc">{esc(_t("q_calendar_desc", lang))}</p>'
            f'{plot_div("calendar", height=int(fig.layout.height))}</div>')


def _format_ranges(days: Iterable[dt.date], lang: str) -> str:
    ranges = day_ranges(days)
    shown = [format_date(a, lang) if a == b else format_range(a, b, lang)
             for a, b in ranges[:MAX_RANGES]]
    if len(ranges) > MAX_RANGES:
        shown.append(_t("q_more_ranges", lang).format(count=len(ranges) - MAX_RANGES))
    return ", ".join(shown)


def _flags(log: pd.DataFrame, lang: str) -> str:
    head = f'<h2>{esc(_t("q_flags", lang))}</h2>'
    ga4 = log[log["platform"] == "ga4"]
    flagged = log[log[list(FLAGS)].any(axis=1)]
    if ga4.empty and flagged.empty:
        return head + f'<div class="card">{_empty(lang, _t("q_no_ga4", lang))}</div>'
    if flagged.empty:
        return (head + f'<div class="card"><span class="pill good">✓</span>'
                f'{esc(_t("q_no_flags", lang))}</div>')
    rows = []
    for flag in FLAGS:
        mine = log[log[flag]]
        if mine.empty:
            continue
        streams = ", ".join(sorted(set(mine["stream"])))
        rows.append(f'<tr><td><strong>{esc(_t("q_flag_" + flag, lang))}</strong></td>'
                    f'<td style="white-space:normal;text-align:left;min-width:16em">'
                    f'{esc(_t("q_flag_desc_" + flag, lang))}</td>'
                    f'<td style="text-align:left">{esc(streams)}</td>'
                    f'<td>{mine["date"].nunique()}</td>'
                    f'<td style="white-space:normal;text-align:left">'
                    f'{esc(_format_ranges(mine["date"], lang))}</td></tr>')
    heads = "".join(f'<th style="text-align:{"right" if k == "q_col_days" else "left"}">'
                    f"{esc(_t(k, lang))}</th>" for k in
                    ("q_col_flag", "q_col_meaning", "q_col_streams", "q_col_days", "q_col_dates"))
    return (f'{head}<div class="card"><div class="table-wrap"><table class="flags"><thead><tr>'
            f'{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table></div></div>')


def _checks(checks: Sequence[Mapping[str, Any]], lang: str) -> str:
    head = f'<h2>{esc(_t("q_checks", lang))}</h2>'
    if not checks:
        return head + (f'<div class="card">'
                       f'{_empty(lang, _t("q_no_checks", lang), _t("q_no_checks_hint", lang))}'
                       "</div>")
    states = [check_state(c) for c in checks]
    counts = {s: states.count(s) for s in CHECK_ORDER}
    summary = "".join(
        f'<span {CHECK_PILLS[s]}>'
        f'{esc(_t("q_count", lang).format(label=_t("q_state_" + s, lang), count=n))}</span>'
        for s, n in counts.items() if n or s != "skipped")
    ranked = sorted(zip(states, checks, strict=True),
                    key=lambda p: (CHECK_ORDER.index(p[0]), str(p[1].get("asset", "")),
                                   str(p[1].get("name", ""))))
    rows = "".join(
        f'<tr data-state="{state}"><td><span {CHECK_PILLS[state]}>'
        f'{esc(_t("q_state_" + state, lang))}</span></td>'
        f'<td style="text-align:left">{esc(c.get("name", ""))}</td>'
        f'<td style="text-align:left">{esc(c.get("asset", ""))}</td>'
        f'<td style="text-align:left;white-space:normal">{esc(c.get("description") or "")}'
        "</td></tr>" for state, c in ranked)
    heads = "".join(f'<th style="text-align:left">{esc(_t(k, lang))}</th>' for k in
                    ("q_col_status", "q_col_check", "q_col_asset", "q_col_description"))
    return (f'{head}<div class="legend checks-summary">{summary}</div>'
            f'<div class="card"><div class="table-wrap"><table class="checks"><thead><tr>{heads}'
            f'</tr></thead><tbody>{rows}</tbody></table></div></div>')


def _known(key: str, lang: str, otherwise: str) -> str:
    """The page's text for ``key``, or ``otherwise`` for a code this version has no words for."""
    return _t(key, lang) if key in TEXTS else otherwise


def _count(value: object, lang: str) -> str:
    return format_value(value, "count", lang)


def _skipped(skipped: pd.DataFrame, lang: str) -> str:
    """What the run left null, per kind of row and reason (pipelines/warehouse/skipped.py)."""
    head = f'<h2>{esc(_t("q_skipped", lang))}</h2>'
    if skipped.empty:
        return (head + f'<div class="card"><span class="pill good">✓</span>'
                f'{esc(_t("q_skipped_none", lang))}</div>')
    def what(r) -> str:
        return _known("q_unit_" + r.unit, lang, "{count} " + r.unit).format(
            count=_count(r.rows, lang))

    rows = "".join(
        f'<tr data-reason="{esc(r.reason)}"><td style="text-align:left">{esc(what(r))}</td>'
        f'<td style="text-align:left;white-space:normal">'
        f'{esc(_known("q_why_" + r.reason, lang, r.reason))}</td></tr>'
        for r in skipped.itertuples())
    heads = "".join(f'<th style="text-align:left">{esc(_t(k, lang))}</th>'
                    for k in ("q_col_what", "q_col_why"))
    return (f'{head}<div class="legend">{esc(_t("q_skipped_hint", lang))}</div>'
            f'<div class="card"><div class="table-wrap"><table class="skipped"><thead><tr>'
            f'{heads}</tr></thead><tbody>{rows}</tbody></table></div></div>')


def _warnings(warnings: Sequence[Mapping[str, Any]], lang: str) -> str:
    """The run's warnings from the numerics, per step (assets/warning_log.py)."""
    head = f'<h2>{esc(_t("q_warnings", lang))}</h2>'
    if not warnings:
        return (head + f'<div class="card"><span class="pill good">✓</span>'
                f'{esc(_t("q_warnings_none", lang))}</div>')
    rows = "".join(
        f'<tr><td style="text-align:left">{esc(w.get("step") or "")}</td>'
        f'<td style="text-align:left;white-space:normal">'
        f'{esc(w.get("category", ""))}: {esc(w.get("message", ""))}</td>'
        f'<td>{esc(_count(w.get("count", 1), lang))}</td></tr>' for w in warnings)
    heads = "".join(
        f'<th style="text-align:{"right" if k == "q_col_times" else "left"}">'
        f"{esc(_t(k, lang))}</th>" for k in ("q_col_step", "q_col_warning", "q_col_times"))
    return (f'{head}<div class="legend">{esc(_t("q_warnings_hint", lang))}</div>'
            f'<div class="card"><div class="table-wrap"><table class="warnings"><thead><tr>'
            f'{heads}</tr></thead><tbody>{rows}</tbody></table></div></div>')


def _platforms(log: pd.DataFrame, provisional_since: Mapping[str, dt.date | None]) -> list[str]:
    found = set(log["platform"]) | set(provisional_since)
    known = [p for p in PLATFORM_NAMES if p in found]
    return known + sorted(found - set(known))


def render_quality(extracts: pd.DataFrame, checks: Sequence[Mapping[str, Any]],
                   runs: Sequence[Mapping[str, Any]], *, lang: str = "en", account: str = "",
                   as_of: dt.date, provisional_since: Mapping[str, dt.date | None],
                   time_zone: str = "Europe/Brussels",
                   generated_at: dt.datetime | None = None,
                   skipped: pd.DataFrame | None = None,
                   warnings: Sequence[Mapping[str, Any]] = (),
                   header: Header | None = None) -> str:
    """The data-quality page as one self-contained HTML string (see the module docstring).

    ``skipped`` counts the values the run left null, per table, unit and reason
    (``pipelines.warehouse.skipped.count_skipped``); ``warnings`` are the run's warnings from
    the numerics (step, category, message, count).

    ``as_of`` is the day the page describes (normally the run date: data is expected up to the
    day before); ``provisional_since`` maps a platform (``google_ads``, ``ga4``) to the first
    day still inside its restatement window. Times are shown in ``time_zone``.
    """
    locale_for(lang)  # fail early on an unsupported language
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    zone = ZoneInfo(time_zone)
    log = extract_log(extracts)
    figures: dict[str, go.Figure] = {}
    meta = [f"{_t('account', lang)}: {account}"] if account else []
    meta += [_t("q_as_of", lang).format(day=format_date(as_of, lang)),
             _t("q_times", lang).format(zone=time_zone)]
    parts = [f'<header class="page"><div><h1>{esc(_t("q_title", lang))}</h1>'
             f'<div class="meta">{esc(" · ".join(meta))}</div></div>'
             f'<div class="runs">{_runs(runs, lang, zone)}</div></header>']
    parts.append(f'<h2>{esc(_t("q_sources", lang))}</h2>')
    if log.empty and not provisional_since:
        parts.append(f'<div class="card">'
                     f'{_empty(lang, _t("q_no_data", lang), _t("q_no_extracts", lang))}</div>')
    else:
        badges = "".join(_badge(source_status(log, p, as_of, provisional_since), lang, zone)
                         for p in _platforms(log, provisional_since))
        parts.append(f'<div class="grid charts">{badges}</div>')
    if not log.empty:
        parts.append(_calendar(log, as_of, provisional_since, lang, zone, figures))
        parts.append(_flags(log, lang))
    parts.append(_checks(checks, lang))
    if skipped is not None:
        parts.append(_skipped(skipped, lang))
    parts.append(_warnings(warnings, lang))
    foot = [_t("provisional_note", lang), _t("offline_note", lang)]
    if generated_at is not None:
        foot.insert(0, _t("generated", lang).format(when=format_datetime(generated_at, lang)))
    parts.append("<footer>" + "".join(f"<span>{esc(f)}</span>" for f in foot) + "</footer>")
    title = f"{_t('q_title', lang)}{' · ' + account if account else ''}"
    return render_page(lang=lang, header=header, title=title,
                       body="\n".join(parts), figures=figures)


def write_quality(path: str | Path, extracts: pd.DataFrame, checks: Sequence[Mapping[str, Any]],
                  runs: Sequence[Mapping[str, Any]], **kw: Any) -> Path:
    """Render (keywords as :func:`render_quality`), then swap the UTF-8 file in atomically:
    a failure leaves the previous page in place."""
    return write_page(path, render_quality(extracts, checks, runs, **kw))
