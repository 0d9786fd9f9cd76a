"""The agency overview: every client's last night, KPIs against target, pacing and open risks.

One row per client, the most urgent first (a failed night, then blocking checks, warnings,
pacing to investigate and KPIs off target). Each client's figures come from its own warehouse
(:func:`summarise` shapes them); money is shown in each client's own currency and never summed
across clients. Every name and message is escaped.

>>> night = ClientNight("lupus", "Brasserie Lupus", ok=False, reason="pull_ga4: refused")
>>> summary = summarise(night, pd.DataFrame(), None, pd.DataFrame(), currency="EUR")
>>> page = render_agency([summary], lang="fr")
>>> "Brasserie Lupus" in page and "En échec" in page and "pull_ga4: refused" in page
True
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from dashboards.budget import current_lines
from dashboards.formatting import as_day, as_number, format_datetime, format_value, format_week
from dashboards.i18n import translator
from dashboards.maturity import estimate, judged_values
from dashboards.overview import latest_complete_week
from dashboards.page import esc, render_page, write_page
from dashboards.texts_agency import TEXTS
from dashboards.texts_budget import TEXTS as BUDGET_TEXTS
from kpi.budget.pacing import status_of
from kpi.registry import KPIS, MEASURES

_t = translator({**BUDGET_TEXTS, **TEXTS})
HEADLINE = ("cost", "conversions", "revenue")  # shown for every client, target or not
WARN_STYLE = ' style="color:var(--warn);background:var(--warn-bg)"'
STATUS_CLASS = {"on_track": "good", "watch": "warn", "investigate": "bad", "not_started": "flat"}
CSS = ("<style>.agency th,.agency td{text-align:left;vertical-align:top;white-space:normal}"
       ".agency .sub{color:var(--muted);font-size:12px;margin-top:2px}"
       ".agency ul{margin:0;padding-left:16px;text-align:left}</style>")


@dataclass(frozen=True)
class Risk:
    """A check of the client's last run that did not pass: ``ERROR`` blocks, ``WARN`` warns."""

    check: str
    severity: Literal["ERROR", "WARN"]
    description: str


@dataclass(frozen=True)
class ClientNight:
    """How a client's night went: ``ok`` None when it was not run this time."""

    id: str
    name: str
    ok: bool | None
    reason: str | None = None
    risks: tuple[Risk, ...] = ()
    link: str | None = None  # the client's output folder ("../clients/x/out/"), relative to
    # the agency page: each language links to the client's overview in that language


@dataclass(frozen=True)
class KpiLine:
    """One KPI of the week: value (``estimated`` when it is a nowcast), target and verdict."""

    metric: str
    value: float | None
    target: float | None = None
    on_target: bool | None = None
    estimated: bool = False


@dataclass(frozen=True)
class PaceLine:
    label: str  # the channel, campaign key or "" for the whole account
    pacing: float | None
    status: str
    direction: str | None


@dataclass(frozen=True)
class Pace:
    """The current plan period as of the last day of data; ``total`` None when lines overlap."""

    as_of: dt.date
    lines: tuple[PaceLine, ...]
    spent: float | None = None
    expected: float | None = None

    @property
    def total(self) -> float | None:
        if self.spent is None or not self.expected:
            return None
        return self.spent / self.expected


@dataclass(frozen=True)
class ClientSummary:
    night: ClientNight
    currency: str
    week: tuple[dt.date, dt.date] | None
    kpis: tuple[KpiLine, ...]  # the headline measures, then every KPI with a target
    pace: Pace | None  # None: no budget plan
    pace_day: dt.date | None = None  # the last day of data, when no plan line covers it

    @property
    def judged(self) -> tuple[KpiLine, ...]:
        return tuple(k for k in self.kpis if k.target is not None)

    @property
    def off_target(self) -> tuple[KpiLine, ...]:
        return tuple(k for k in self.judged if k.on_target is False)

    def urgency(self) -> tuple[int, ...]:
        """Sort key: failed nights first, then blocking checks, warnings, pacing to
        investigate, KPIs off target (each more first)."""
        risks = self.night.risks
        investigate = sum(line.status == "investigate" for line in self.pace.lines) \
            if self.pace else 0
        return (0 if self.night.ok is False else 1,
                -sum(r.severity == "ERROR" for r in risks), -len(risks), -investigate,
                -len(self.off_target))


def _flag(value: object) -> bool | None:
    return None if value is None or pd.isna(value) else bool(value)


def week_kpis(values: pd.DataFrame, nowcast: pd.DataFrame | None = None,
              compare: str = "nowcast") -> tuple[tuple[dt.date, dt.date] | None,
                                                tuple[KpiLine, ...]]:
    """The last complete week of the account (``kpi_values`` rows at week × total) and its
    headline measures and KPIs with a target, judged like the client's overview page."""
    if values.empty:
        return None, ()
    judged = judged_values(values, nowcast, compare)
    week = latest_complete_week(judged)
    if week is None:
        return None, ()
    start = pd.to_datetime(judged["period_start"]).dt.date
    rows = judged[(judged["grain"] == "week") & (judged["level"] == "total")
                  & (start == week[0])].drop_duplicates("metric").set_index("metric")
    targeted = [m for m in KPIS if m in rows.index and as_number(rows.at[m, "target"]) is not None]
    lines = []
    for metric in [*HEADLINE, *targeted]:
        if metric not in rows.index:
            continue
        row = rows.loc[metric]
        lines.append(KpiLine(
            metric=metric, value=as_number(row["value"]), target=as_number(row["target"]),
            on_target=_flag(row["on_target"]),
            estimated=as_number(row.get("low")) is not None))
    return week, tuple(lines)


def _overlap_free(lines: pd.DataFrame) -> bool:
    """Whether the lines can be summed: one line, or lines of one level below the account and
    one period, each scope once."""
    if len(lines) == 1:
        return True
    periods = lines[["period_start", "period_end"]].drop_duplicates()
    return (lines["level"].nunique() == 1 and lines["level"].iloc[0] != "account"
            and len(periods) == 1 and not lines["name"].duplicated().any())


def pace_of(pacing: pd.DataFrame) -> Pace | None:
    """The current plan period from ``budget_pacing`` (None without a plan, or with no line
    for the last day of data: then ``lines`` is empty)."""
    if pacing.empty or "as_of" not in pacing.columns:
        return None
    as_of = as_day(pacing["as_of"].dropna().max())
    if as_of is None:
        return None
    lines = current_lines(pacing, as_of)
    shown = tuple(PaceLine(
        label="" if r["level"] == "account" else str(r["name"] or ""),
        pacing=as_number(r["pacing"]) if not _infinite(r["pacing"]) else math.inf,
        status=str(r["status"]), direction=None if pd.isna(r["direction"]) else
        str(r["direction"])) for _, r in lines.iterrows())
    if lines.empty or not _overlap_free(lines):
        return Pace(as_of, shown)
    spent, expected = (float(pd.to_numeric(lines[c], errors="coerce").fillna(0).sum())
                       for c in ("spend_to_date", "expected_to_date"))
    return Pace(as_of, shown, spent, expected)


def _infinite(value: object) -> bool:
    number = pd.to_numeric(value, errors="coerce")
    return bool(pd.notna(number) and math.isinf(number))


def summarise(night: ClientNight, values: pd.DataFrame, nowcast: pd.DataFrame | None,
              pacing: pd.DataFrame, *, currency: str, compare: str = "nowcast") -> ClientSummary:
    """One client's row from its own tables: ``kpi_values`` at week × total, ``kpi_nowcast``
    at total level, ``budget_pacing`` (any may be empty: a client with no data yet)."""
    week, kpis = week_kpis(values, nowcast, compare)
    if not values.empty and "currency" in values.columns:
        found = sorted({str(c) for c in values["currency"].dropna().unique()})
        if len(found) > 1:
            raise ValueError(f"{night.id}: kpi_values mixes currencies {found}")
        currency = found[0] if found else currency
    return ClientSummary(night, currency, week, kpis, pace_of(pacing))


# --- rendering ---------------------------------------------------------------------------------

def _pill(text: str, kind: str) -> str:
    style = WARN_STYLE if kind == "warn" else ""
    cls = "flat" if kind == "warn" else kind
    return f'<span class="pill {cls}"{style}>{esc(text)}</span>'


def _sub(text: str) -> str:
    return f'<div class="sub">{esc(text)}</div>'


def _value(line: KpiLine, lang: str, currency: str) -> str:
    unit = (KPIS[line.metric].unit if line.metric in KPIS else MEASURES[line.metric].unit)
    if line.estimated:
        return "≈ " + estimate(line.value, unit, lang, currency)
    return format_value(line.value, unit, lang, currency)


def _label(metric: str, lang: str) -> str:
    return (KPIS[metric] if metric in KPIS else MEASURES[metric]).label(lang)


def _client_cell(s: ClientSummary, lang: str) -> str:
    name = esc(s.night.name)
    href = f"{s.night.link}overview.{lang}.html"
    shown = (f'<a href="{esc(href)}" title="{esc(_t("ag_own_page", lang))}">{name}</a>'
             if s.night.link else name)
    return f"<strong>{shown}</strong>{_sub(s.night.id)}"


def _night_cell(s: ClientSummary, lang: str) -> str:
    if s.night.ok is None:
        return _pill(_t("ag_night_not_run", lang), "flat")
    if not s.night.ok:
        said = _sub(s.night.reason) if s.night.reason else ""
        kept = _sub(_t("ag_last_good", lang)) if s.week is not None else ""
        return _pill(_t("ag_night_failed", lang), "bad") + said + kept
    return _pill(_t("ag_night_ok", lang), "good")


def _week_cell(s: ClientSummary, lang: str) -> str:
    if s.week is None:
        return esc(_t("ag_no_data", lang))
    figures = "".join(_sub(f"{_label(k.metric, lang)}: {_value(k, lang, s.currency)}")
                      for k in s.kpis if k.metric in HEADLINE)
    return f"{esc(format_week(*s.week, lang))}{figures}"


def _targets_cell(s: ClientSummary, lang: str) -> str:
    if s.week is None:
        return ""
    judged = s.judged
    if not judged:
        return esc(_t("ag_no_targets", lang))
    met = sum(k.on_target is True for k in judged)
    kind = "good" if met == len(judged) else "bad" if s.off_target else "flat"
    lines = [_t("ag_vs_target", lang).format(
        kpi=_label(k.metric, lang), value=_value(k, lang, s.currency),
        target=format_value(k.target, KPIS[k.metric].unit, lang, s.currency))
        for k in s.off_target]
    return _pill(_t("ag_met", lang).format(met=met, n=len(judged)), kind) + "".join(
        _sub(line) for line in lines)


def _pacing_text(pacing: float | None, lang: str) -> str:
    if pacing is not None and math.isinf(pacing):
        return _t("bud_unplanned", lang)
    return format_value(pacing, "percent", lang)


def _pacing_cell(s: ClientSummary, lang: str) -> str:
    pace = s.pace
    if pace is None:
        return esc(_t("ag_no_plan", lang)) if s.week is not None else ""
    if not pace.lines:
        return esc(_t("ag_no_line", lang).format(day=pace.as_of.isoformat()))
    parts = []
    if pace.total is not None:
        status, direction = status_of(pace.total)
        said = _t(f"bud_status_{status}", lang) + (
            f" · {_t(f'bud_{direction}', lang)}" if direction else "")
        parts.append(_pill(f"{format_value(pace.total, 'percent', lang)} · {said}",
                           STATUS_CLASS[status]))
        parts.append(_sub(_t("ag_spent", lang).format(
            spent=format_value(pace.spent, "currency", lang, s.currency),
            expected=format_value(pace.expected, "currency", lang, s.currency))))
    for line in pace.lines:
        if line.status in ("watch", "investigate") or pace.total is None:
            label = line.label or _t("bud_whole_account", lang)
            text = _t("ag_line_pacing", lang).format(line=label,
                                                     pacing=_pacing_text(line.pacing, lang))
            parts.append(_sub(text) if pace.total is not None
                         else f"<div>{_pill(text, STATUS_CLASS.get(line.status, 'flat'))}</div>")
    return "".join(parts)


def _risks_cell(s: ClientSummary, lang: str) -> str:
    risks = sorted(s.night.risks, key=lambda r: r.severity != "ERROR")
    if not risks:
        return esc(_t("ag_none", lang)) if s.night.ok else ""
    kinds = {"ERROR": ("ag_failed_check", "bad"), "WARN": ("ag_warning", "warn")}
    items = "".join(f"<li>{_pill(_t(kinds[r.severity][0], lang), kinds[r.severity][1])}"
                    f"{esc(r.check)}: {esc(r.description)}</li>" for r in risks)
    return f"<ul>{items}</ul>"


def render_agency(summaries: Sequence[ClientSummary], *, lang: str = "en", agency: str = "",
                  generated_at: dt.datetime | None = None) -> str:
    """The agency overview page (one self-contained HTML string)."""
    ordered = sorted(summaries, key=ClientSummary.urgency)
    failed = sum(s.night.ok is False for s in summaries)
    risky = sum(bool(s.night.risks) for s in summaries)
    meta = [_t("ag_clients", lang).format(n=len(summaries))]
    if failed:
        meta.append(_t("ag_failed_count", lang).format(n=failed))
    if risky:
        meta.append(_t("ag_risk_count", lang).format(n=risky))
    heads = ("ag_col_client", "ag_col_night", "ag_col_week", "ag_col_targets", "ag_col_pacing",
             "ag_col_risks")
    head = "".join(f"<th>{esc(_t(h, lang))}</th>" for h in heads)
    rows = "".join(
        f'<tr class="client" data-client="{esc(s.night.id)}" '
        f'data-night="{"ok" if s.night.ok else "failed" if s.night.ok is False else "not-run"}">'
        f"<td>{_client_cell(s, lang)}</td><td>{_night_cell(s, lang)}</td>"
        f"<td>{_week_cell(s, lang)}</td><td>{_targets_cell(s, lang)}</td>"
        f"<td>{_pacing_cell(s, lang)}</td><td>{_risks_cell(s, lang)}</td></tr>"
        for s in ordered)
    title = _t("ag_title", lang)
    foot = [_t("ag_week_note", lang), _t("ag_money_note", lang)]
    if generated_at is not None:
        foot.insert(0, _t("generated", lang).format(when=format_datetime(generated_at, lang)))
    body = (f'{CSS}<header class="page"><div><h1>{esc(title)}</h1><div class="meta">'
            f'{esc(" · ".join([agency, *meta]) if agency else " · ".join(meta))}</div></div>'
            f'</header><div class="card"><div class="table-wrap"><table class="agency">'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div></div>"
            "<footer>" + "".join(f"<span>{esc(f)}</span>" for f in foot) + "</footer>")
    return render_page(lang=lang, title=f"{title} · {agency}" if agency else title, body=body)


def write_agency(path: str | Path, summaries: Sequence[ClientSummary], **kw) -> Path:
    """Render (keywords as :func:`render_agency`) and swap the file in atomically."""
    return write_page(path, render_agency(summaries, **kw))
