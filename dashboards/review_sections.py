"""The reports' "Goals and risks" section: the newest night's goals (progress, forecast with its
80 % interval, status) and the risk register's open risks (and those closed in the last week),
as formatted strings for the partial ``report/_review.html``.

Its inputs are plain: the ``goal_progress`` and ``risk_register`` tables and a language, so the
weekly and the monthly report include the same partial.

>>> import datetime as dt
>>> goals = pd.DataFrame([{"name": "Leads", "level": "total", "series_key": "||",
...     "measure": "leads", "target": 500.0, "kpi": "cpl", "kpi_target": 40.0,
...     "start": dt.date(2026, 3, 1), "deadline": dt.date(2026, 3, 31),
...     "as_of": dt.date(2026, 3, 15), "owner": "Ann", "actual": 240.0, "kpi_actual": 38.2,
...     "forecast": 505.0, "forecast_low": 470.0, "forecast_high": 540.0,
...     "kpi_forecast": 39.1, "probability": 0.55, "status": "at_risk", "reason": None}])
>>> block = review_block(goals, pd.DataFrame(), "en")
>>> g = block.goals[0]
>>> g.progress, g.forecast, g.status.text
('240 of 500 · CPL 38,20\xa0€ (limit 40,00\xa0€)', '505 (80%: 470 – 540) · 55% chance', 'At risk')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from dashboards.report_model import Pill
from kpi.language.format import as_day, format_date, format_share, format_value
from kpi.language.translate import translator
from kpi.registry import KPIS, MEASURES

_t = translator("review", "quality", "kpis")
TONES = {"achieved": "good", "on_track": "good", "at_risk": "warn", "off_track": "bad",
         "missed": "bad", "not_started": "flat", "unknown": "flat"}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
CLOSED_SHOWN = 7  # days a closed risk stays in the section


@dataclass(frozen=True)
class GoalLine:
    name: str
    scope: str  # account, channel or campaign, and the period
    owner: str
    progress: str
    forecast: str
    status: Pill
    note: str  # why a figure is missing ("" when none)


@dataclass(frozen=True)
class RiskLine:
    what: str  # kind: subject
    detail: str
    owner: str
    first_seen: str
    status: Pill


@dataclass(frozen=True)
class ReviewBlock:
    title: str
    as_of: str  # "as of 15 Mar 2026", or ""
    goals: tuple[GoalLine, ...]
    risks: tuple[RiskLine, ...]
    no_goals: str
    no_risks: str
    heads: dict[str, str]


def _unit(measure: str) -> str:
    if measure in KPIS:
        return KPIS[measure].unit
    return MEASURES[measure].unit if measure in MEASURES else "count"


def _fmt(value: object, measure: str, lang: str) -> str:
    unit = _unit(measure)
    if unit == "count" and value is not None and not pd.isna(value):
        value = round(float(value))
    return format_value(value, unit, lang)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def _goal_line(r: dict, lang: str, names: Mapping[str, str]) -> GoalLine:
    measure = str(r["measure"])
    level = str(r["level"])
    parts = (str(r["series_key"]) if isinstance(r["series_key"], str) else "").split("|")
    where = (_t("rv_scope_total", lang) if level == "total"
             else parts[1 if level == "campaign" else 0] if len(parts) > 1 else "–")
    where = names.get(where, where)  # a campaign by its name
    start, deadline = as_day(r["start"]), as_day(r["deadline"])
    period = (f"{format_date(start, lang)} – {format_date(deadline, lang)}"
              if start and deadline else "")
    progress = _t("rv_progress", lang).format(actual=_fmt(r["actual"], measure, lang),
                                              target=_fmt(r["target"], measure, lang))
    if isinstance(r.get("kpi"), str) and r["kpi"]:
        progress += " · " + _t("rv_condition", lang).format(
            kpi=r["kpi"].upper(), value=_fmt(r["kpi_actual"], r["kpi"], lang),
            limit=_fmt(r["kpi_target"], r["kpi"], lang))
    forecast = ""
    if not _missing(r["forecast"]):
        forecast = _t("rv_forecast", lang).format(
            value=_fmt(r["forecast"], measure, lang), low=_fmt(r["forecast_low"], measure, lang),
            high=_fmt(r["forecast_high"], measure, lang))
        if not _missing(r["probability"]):
            forecast += " · " + _t("rv_chance", lang).format(
                share=format_share(float(r["probability"]), lang))
    reason = r.get("reason")
    note = ""
    if isinstance(reason, str) and reason:
        note = (_t("rv_reason_no_metric", lang).format(metric=reason.removeprefix("no_"))
                if reason.startswith("no_") and reason != "no_data"
                else _t(f"rv_reason_{reason}", lang))
    status = str(r["status"])
    return GoalLine(str(r["name"]), " · ".join(x for x in (where, period) if x),
                    str(r["owner"] or "–"), progress, forecast,
                    Pill(_t(f"rv_status_{status}", lang), TONES.get(status, "flat")), note)


def _risk_line(r: dict, lang: str) -> RiskLine:
    kind, detail = str(r["kind"]), str(r["detail"])
    if kind == "alert":
        said = _t(f"alert_{detail}", lang) if f"alert_{detail}" in _t else detail
    elif kind == "goal":
        said = _t(f"rv_status_{detail}", lang)
    else:
        said = _t(f"rv_detail_{detail}", lang)
    first = as_day(r["first_seen"])
    if r["status"] == "open":
        status = Pill(_t("rv_open", lang), "bad" if r["severity"] == "high" else "warn")
    else:
        closed = as_day(r["closed_on"])
        status = Pill(_t("rv_closed", lang).format(
            day=format_date(closed, lang) if closed else ""), "good")
    what = _t("rv_risk_what", lang).format(kind=_t(f"rv_kind_{kind}", lang),
                                           subject=r["subject"])
    return RiskLine(what, said,
                    str(r["owner"]) if not _missing(r["owner"]) else "–",
                    format_date(first, lang) if first else "", status)


def review_block(goals: pd.DataFrame | None, risks: pd.DataFrame | None, lang: str,
                 until: dt.date | None = None,
                 names: Mapping[str, str] | None = None) -> ReviewBlock:
    """The section from the two tables (None or empty: nothing to show); ``until``: the
    newest night on or before it (a report of an earlier period), else the newest; ``names``:
    campaign key -> name (:func:`campaign_names`)."""
    lines: list[GoalLine] = []
    as_of: dt.date | None = None
    if goals is not None and not goals.empty:
        nights = goals["as_of"].map(as_day)
        before = [n for n in nights if until is None or n <= until]
        as_of = max(before) if before else None
        for r in goals[nights == as_of].sort_values("name").to_dict("records"):
            lines.append(_goal_line(r, lang, names or {}))
    shown: list[RiskLine] = []
    if risks is not None and not risks.empty:
        last = until or max(risks["last_seen"].map(as_day))
        risks = risks[risks["first_seen"].map(as_day) <= last]
        closed = risks["closed_on"].map(as_day)
        recent = (risks["status"] == "open") | closed.map(
            lambda d: d is not None and (last - d).days < CLOSED_SHOWN)
        keep = risks[recent].assign(
            _open=lambda f: f["status"] != "open",
            _sev=lambda f: f["severity"].map(SEVERITY_ORDER).fillna(3))
        for r in keep.sort_values(["_open", "_sev", "first_seen", "risk_id"]).to_dict("records"):
            shown.append(_risk_line(r, lang))
    heads = {k: _t(f"rv_head_{k}", lang) for k in ("goal", "progress", "forecast", "status",
                                                    "risk", "owner", "first_seen")}
    return ReviewBlock(_t("rv_title", lang),
                       _t("rv_as_of", lang).format(day=format_date(as_of, lang)) if as_of else "",
                       tuple(lines), tuple(shown), _t("rv_no_goals", lang),
                       _t("rv_no_risks", lang), heads)


def campaign_names(values: pd.DataFrame) -> dict[str, str]:
    """Campaign key -> name from a ``kpi_values`` frame (the reports' own rows).

    >>> campaign_names(pd.DataFrame({"campaign_key": ["gads:1", None],
    ...                              "campaign_name": ["Search – Merk", None]}))
    {'gads:1': 'Search – Merk'}
    """
    if values.empty or "campaign_key" not in values:
        return {}
    pairs = values[["campaign_key", "campaign_name"]].dropna().drop_duplicates("campaign_key")
    return dict(zip(pairs["campaign_key"], pairs["campaign_name"], strict=True))
