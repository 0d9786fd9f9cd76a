"""The agency overview: every client's last night, KPIs against target, pacing and open risks.

One row per client, the most urgent first (a failed night, then blocking checks, warnings,
pacing to investigate and KPIs off target). Each client's figures come from its own warehouse
(:func:`summarise` shapes them); money is shown in each client's own currency and never summed
across clients. :func:`agency_view` puts them in words; ``templates/agency.html`` lays them out
(every name and message escaped). The page is the agency's index, not one account's site: its
own header names the agency, switches language and links to each client's overview.

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
from dashboards.maturity import estimate, judged_values
from dashboards.overview import latest_complete_week
from dashboards.page import render_template, write_page
from dashboards.site import LanguageLink, language_links, page_file
from kpi.budget.pacing import status_of
from kpi.language.format import as_day, as_number, format_datetime, format_value, format_week
from kpi.language.translate import N_, translator
from kpi.registry import KPIS, MEASURES

_t = translator("agency", "budget", "common")
HEADLINE = ("cost", "conversions", "revenue")  # shown for every client, target or not
PAGE = "overview"  # the agency page's file: overview.<lang>.html (assets/agency.py)
STATUS_CLASS = {"on_track": "good", "watch": "warn", "investigate": "bad", "not_started": "flat"}
STATUS_TEXTS = {"on_track": N_("bud_status_on_track"), "watch": N_("bud_status_watch"),
                "investigate": N_("bud_status_investigate"),
                "not_started": N_("bud_status_not_started")}
DIRECTION_TEXTS = {"over": N_("bud_over"), "under": N_("bud_under")}
RISK_PILLS = {"ERROR": (N_("ag_failed_check"), "bad"), "WARN": (N_("ag_warning"), "warn")}


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


# --- the page in words -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pill:
    """A short coloured label: ``kind`` is good, bad, flat or warn."""

    text: str
    kind: str


@dataclass(frozen=True)
class Cell:
    """One cell of the table: pills, a text, smaller lines under it, a list of flagged items."""

    text: str = ""
    pills: tuple[Pill, ...] = ()
    subs: tuple[str, ...] = ()
    items: tuple[tuple[Pill, str], ...] = ()

    @property
    def value(self) -> str:
        """The cell as one line of plain text (its value in the CSV download)."""
        parts = [p.text for p in self.pills] + ([self.text] if self.text else [])
        return " · ".join([*parts, *self.subs, *(f"{p.text} {said}" for p, said in self.items)])


@dataclass(frozen=True)
class ClientRow:
    """One client: the link to its overview in the page's language, then the five cells."""

    id: str
    name: str
    href: str | None
    night: Literal["ok", "failed", "not-run"]
    cells: tuple[Cell, Cell, Cell, Cell, Cell]  # night, week, targets, pacing, risks


@dataclass(frozen=True)
class AgencyView:
    agency: str
    meta: str
    rows: tuple[ClientRow, ...]
    languages: tuple[LanguageLink, ...]
    foot: tuple[str, ...]

    @property
    def linked(self) -> tuple[ClientRow, ...]:
        """The clients with an overview to link to (in the table's order)."""
        return tuple(r for r in self.rows if r.href)


def _value(line: KpiLine, lang: str, currency: str) -> str:
    unit = (KPIS[line.metric].unit if line.metric in KPIS else MEASURES[line.metric].unit)
    if line.estimated:
        return "≈ " + estimate(line.value, unit, lang, currency)
    return format_value(line.value, unit, lang, currency)


def _label(metric: str, lang: str) -> str:
    return (KPIS[metric] if metric in KPIS else MEASURES[metric]).label(lang)


def _night_cell(s: ClientSummary, lang: str) -> Cell:
    if s.night.ok is None:
        return Cell(pills=(Pill(_t("ag_night_not_run", lang), "flat"),))
    if not s.night.ok:
        subs = ((s.night.reason,) if s.night.reason else ()) + (
            (_t("ag_last_good", lang),) if s.week is not None else ())
        return Cell(pills=(Pill(_t("ag_night_failed", lang), "bad"),), subs=subs)
    return Cell(pills=(Pill(_t("ag_night_ok", lang), "good"),))


def _week_cell(s: ClientSummary, lang: str) -> Cell:
    if s.week is None:
        return Cell(_t("ag_no_data", lang))
    return Cell(format_week(*s.week, lang), subs=tuple(
        _t("ag_labelled", lang).format(label=_label(k.metric, lang),
                                       value=_value(k, lang, s.currency))
        for k in s.kpis if k.metric in HEADLINE))


def _targets_cell(s: ClientSummary, lang: str) -> Cell:
    if s.week is None:
        return Cell()
    judged = s.judged
    if not judged:
        return Cell(_t("ag_no_targets", lang))
    met = sum(k.on_target is True for k in judged)
    kind = "good" if met == len(judged) else "bad" if s.off_target else "flat"
    return Cell(pills=(Pill(_t("ag_met", lang).format(met=met, n=len(judged)), kind),),
                subs=tuple(_t("ag_vs_target", lang).format(
                    kpi=_label(k.metric, lang), value=_value(k, lang, s.currency),
                    target=format_value(k.target, KPIS[k.metric].unit, lang, s.currency))
                    for k in s.off_target))


def _pacing_text(pacing: float | None, lang: str) -> str:
    if pacing is not None and math.isinf(pacing):
        return _t("bud_unplanned", lang)
    return format_value(pacing, "percent", lang)


def _pacing_cell(s: ClientSummary, lang: str) -> Cell:
    pace = s.pace
    if pace is None:
        return Cell(_t("ag_no_plan", lang) if s.week is not None else "")
    if not pace.lines:
        return Cell(_t("ag_no_line", lang).format(day=pace.as_of.isoformat()))
    lines = [(line, _t("ag_line_pacing", lang).format(
        line=line.label or _t("bud_whole_account", lang),
        pacing=_pacing_text(line.pacing, lang))) for line in pace.lines]
    if pace.total is None:  # overlapping lines: each its own pill
        return Cell(pills=tuple(Pill(text, STATUS_CLASS.get(line.status, "flat"))
                                for line, text in lines))
    status, direction = status_of(pace.total)
    said = _t(STATUS_TEXTS[status], lang) + (
        f" · {_t(DIRECTION_TEXTS[direction], lang)}" if direction else "")
    spent = _t("ag_spent", lang).format(
        spent=format_value(pace.spent, "currency", lang, s.currency),
        expected=format_value(pace.expected, "currency", lang, s.currency))
    return Cell(pills=(Pill(f"{format_value(pace.total, 'percent', lang)} · {said}",
                            STATUS_CLASS[status]),),
                subs=(spent, *(text for line, text in lines
                               if line.status in ("watch", "investigate"))))


def _risks_cell(s: ClientSummary, lang: str) -> Cell:
    risks = sorted(s.night.risks, key=lambda r: r.severity != "ERROR")
    if not risks:
        return Cell(_t("ag_none", lang) if s.night.ok else "")
    return Cell(items=tuple(
        (Pill(_t(RISK_PILLS[r.severity][0], lang), RISK_PILLS[r.severity][1]),
         _t("ag_labelled", lang).format(label=r.check, value=r.description)) for r in risks))


def client_row(s: ClientSummary, lang: str) -> ClientRow:
    """One client's row in words; its name links to its overview in ``lang``."""
    night = s.night
    return ClientRow(
        night.id, night.name, f"{night.link}{page_file(PAGE, lang)}" if night.link else None,
        "ok" if night.ok else "failed" if night.ok is False else "not-run",
        (_night_cell(s, lang), _week_cell(s, lang), _targets_cell(s, lang),
         _pacing_cell(s, lang), _risks_cell(s, lang)))


def agency_view(summaries: Sequence[ClientSummary], *, lang: str, agency: str = "",
                generated_at: dt.datetime | None = None) -> AgencyView:
    """The page in words: the clients, the most urgent first (:meth:`ClientSummary.urgency`)."""
    ordered = sorted(summaries, key=ClientSummary.urgency)
    failed = sum(s.night.ok is False for s in summaries)
    risky = sum(bool(s.night.risks) for s in summaries)
    meta = [agency] if agency else []
    meta.append(_t("ag_clients", lang).format(n=len(summaries)))
    if failed:
        meta.append(_t("ag_failed_count", lang).format(n=failed))
    if risky:
        meta.append(_t("ag_risk_count", lang).format(n=risky))
    foot = [_t("ag_week_note", lang), _t("ag_money_note", lang)]
    if generated_at is not None:
        foot.insert(0, _t("generated", lang).format(when=format_datetime(generated_at, lang)))
    return AgencyView(agency, " · ".join(meta), tuple(client_row(s, lang) for s in ordered),
                      tuple(language_links(PAGE, lang)), tuple(foot))


def render_agency(summaries: Sequence[ClientSummary], *, lang: str = "en", agency: str = "",
                  generated_at: dt.datetime | None = None) -> str:
    """The agency overview page (one HTML string, from ``templates/agency.html``)."""
    title = _t("ag_title", lang)
    return render_template(
        "agency.html", lang=lang, title=f"{title} · {agency}" if agency else title, texts=_t,
        view=agency_view(summaries, lang=lang, agency=agency, generated_at=generated_at))


def write_agency(path: str | Path, summaries: Sequence[ClientSummary], **kw) -> Path:
    """Render (keywords as :func:`render_agency`) and swap the file in atomically."""
    return write_page(path, render_agency(summaries, **kw))
