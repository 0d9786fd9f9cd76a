"""The monthly steering report's view model: the month against target, the previous month, the
same month last year and the budget plan; channels and campaigns; the budget (media,
production, agency fees) against plan with its forecast to the plan period's end; the budget
scenarios; the decisions; the experiments concluded in the month.

Built from the weekly report's pieces (:mod:`dashboards.report_model`, its sentences and
maturity wording) at grain month. Nothing here is HTML: the template escapes every string.

>>> months_with_data(pd.DataFrame({"grain": ["month"], "level": ["total"],
...     "period_start": ["2026-02-01"], "complete": [True]}))
[CalendarMonth(year=2026, month=2)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from dashboards.attribution import attribution_line
from dashboards.monthly_budget import Budget, budget, plan_sentence, scenarios
from dashboards.monthly_inputs import MonthlyInputs
from dashboards.report_model import (
    DASHBOARD_PAGES,
    TABLE_KPIS,
    VERDICT_TONES,
    Action,
    Cell,
    Experiment,
    Pill,
    Recommendations,
    Table,
    _action,
    _change,
    _channel_text,
    _definitions,
    _experiments,
    _kpi_table,
    _recommendations,
)
from dashboards.report_sentences import (
    _t,
    euro_weight,
    finding_sentence,
    label,
    too_early_sentence,
    verdict,
)
from kpi.language.format import (
    as_number,
    format_date,
    format_datetime,
    format_range,
    format_value,
    locale_for,
)
from kpi.maturity import lag_aware
from kpi.weekly import KpiLine, findings, kpi_lines, too_early
from pipelines.months import CalendarMonth

GRAIN = "month"
MONTH_COLUMNS = ("r_col_kpi", "mr_col_month", "r_col_target", "mr_col_previous",
                 "mr_col_last_year")
BREAKDOWN_METRICS = ("cost", "conversions", "cpa", "cpl")  # CPA: per purchase, CPL: per lead
MAX_CAMPAIGNS = 10
TOP_ACTIONS = 3


@dataclass(frozen=True)
class Summary:
    verdict: Pill
    actions: tuple[Action, ...]
    too_early: tuple[str, ...]


@dataclass(frozen=True)
class MonthlyView:
    """The whole monthly report, section by section (see ``report/monthly.html``)."""

    lang: str
    html_lang: str
    title: str
    meta: tuple[str, ...]
    attribution: str
    month: str
    status: str  # beside the "provisional" pill ("" when the month is final)
    summary: Summary
    highlights: tuple[str, ...]
    lowlights: tuple[str, ...]
    kpis: Table
    last_year_note: str  # "" when the same month last year has figures
    plan_notes: tuple[str, ...]
    channels: Table | None
    campaigns: Table | None
    campaigns_note: str
    budget: Budget
    scenarios: Table | None
    scenarios_note: str
    decisions: Recommendations
    experiments: tuple[Experiment, ...]
    definitions: tuple[tuple[str, str], ...]
    footer: tuple[str, ...]


def _month_rows(values: pd.DataFrame) -> pd.DataFrame:
    rows = values[values["grain"] == GRAIN].copy()
    rows["period_start"] = pd.to_datetime(rows["period_start"]).dt.date
    return rows


def months_with_data(values: pd.DataFrame) -> list[CalendarMonth]:
    """The complete months (every day in the history) with account-level data, oldest first."""
    if values.empty:
        return []
    rows = _month_rows(values)
    done = rows[(rows["level"] == "total") & rows["complete"].fillna(False).astype(bool)]
    return [CalendarMonth.of(day) for day in sorted(set(done["period_start"]))]


def require_month(values: pd.DataFrame, month: CalendarMonth) -> None:
    """ValueError naming the months on offer when ``month`` is not a complete month."""
    months = months_with_data(values)
    if month not in months:
        span = f"{months[0].label} to {months[-1].label}" if months else "none yet"
        raise ValueError(f"no complete data for {month.label}: complete months are {span}")


def month_name(month: CalendarMonth, lang: str, heading: bool = True) -> str:
    """``November 2026`` in ``lang`` (Babel), capitalised for a heading; inside a sentence
    as the language writes it (``november 2026`` in Dutch and French)."""
    text = format_date(month.start, lang, "LLLL y")
    return text[:1].upper() + text[1:] if heading else text


def _status(lines: Sequence[KpiLine], compare: str, lang: str) -> str:
    share = next((line.completeness for line in lines if line.metric == "conversions"), None)
    if share is not None and share < 0.995:
        key = "mr_completeness" if compare == "nowcast" else "mr_completeness_same_age"
        return _t(key, lang).format(share=format_value(share, "percent", lang))
    if any(line.provisional for line in lines):
        return _t("mr_provisional_month", lang)
    return ""


def _last_year_note(data: MonthlyInputs, lines: Sequence[KpiLine], lang: str) -> str:
    """Said plainly when the same month last year has no figures."""
    if any(line.last_year is not None for line in lines):
        return ""
    start = data.history_start or data.month.start
    return _t("mr_no_last_year", lang).format(
        month=month_name(data.month.a_year_earlier(), lang, heading=False),
        start=format_date(start, lang))


def _name(row: pd.Series) -> str:
    if row["level"] == "channel":
        return str(row["channel"])
    name = row.get("campaign_name")
    return str(name if isinstance(name, str) and name else row["campaign_key"])


def _breakdown(values: pd.DataFrame, data: MonthlyInputs, level: str,
               lang: str) -> tuple[Table | None, int]:
    """Channels or campaigns in the month by spend: spend, the media plan where a plan line
    names them, conversions, CPA and the conversions against the previous month and last
    year; with how many there were."""
    rows = _month_rows(values)
    rows = rows[rows["level"] == level]
    now = rows[rows["period_start"] == data.month.start]
    if now.empty:
        return None, 0
    last_year = rows[rows["period_start"] == data.month.a_year_earlier().start]
    ly = last_year[last_year["metric"] == "conversions"].set_index("series_key")["value"]
    planned = budget(data.pacing, data.month, lang, data.currency).planned_media
    body = []
    for key, series in now.groupby("series_key", sort=False):
        metrics = {r["metric"]: r for _, r in series.iterrows()}
        cost = as_number(metrics["cost"]["value"]) if "cost" in metrics else None
        conv = metrics.get("conversions")
        if not cost and (conv is None or not as_number(conv["value"])):
            continue
        first = series.iloc[0]
        name = _name(first)
        plan_key = str(first["channel"] if level == "channel" else first["campaign_key"])
        cells = []
        for m in BREAKDOWN_METRICS:
            row = metrics.get(m)
            value = (None if row is None or (m in ("cpa", "cpl") and not cost)
                     else as_number(row["value"]))
            estimated = row is not None and "low" in row.index and pd.notna(row["low"])
            cells.append(Cell(_channel_text(value, m, estimated, lang, data.currency)))
        plan = planned.get((level, plan_key))
        value = as_number(conv["value"]) if conv is not None else None
        prev = as_number(conv["previous_value"]) if conv is not None else None
        year = as_number(ly.get(key))
        body.append((cost or 0.0, (
            Cell(name), cells[0],
            Cell(format_value(plan, "currency", lang, data.currency) if plan else "–"),
            *cells[1:],
            Cell(pill=_change(None if value is None or not prev else value / prev - 1,
                              "conversions", lang)),
            Cell(pill=_change(None if value is None or not year else value / year - 1,
                              "conversions", lang)))))
    body.sort(key=lambda r: -r[0])
    head = (_t("channel" if level == "channel" else "mr_campaigns", lang),
            label("cost", lang), _t("mr_col_plan", lang), label("conversions", lang),
            *(label(m, lang) for m in BREAKDOWN_METRICS[2:]), _t("mr_col_change_conv", lang),
            _t("mr_col_conv_last_year", lang))
    limit = MAX_CAMPAIGNS if level == "campaign" else len(body)
    return Table(head, tuple(r for _, r in body[:limit])), len(body)


def _summary(lines: Sequence[KpiLine], values: pd.DataFrame, data: MonthlyInputs,
             lang: str) -> Summary:
    key, counts = verdict(lines)
    actions = data.recommendations
    ranked = (sorted(actions.itertuples(), key=euro_weight, reverse=True)[:TOP_ACTIONS]
              if not actions.empty else [])
    early = too_early(values, data.month, grain=GRAIN)
    said = "mr_verdict_mixed" if key == "r_verdict_mixed" else key  # "mixed month"
    return Summary(Pill(_t(said, lang).format(**counts), VERDICT_TONES.get(key, "flat")),
                   tuple(_action(r, lang) for r in ranked),
                   tuple(too_early_sentence(f, lang, data.currency, GRAIN) for f in early))


def _concluded(frame: pd.DataFrame, month: CalendarMonth) -> pd.DataFrame:
    """The experiments that ended within the month."""
    if frame.empty or "end_date" not in frame:
        return frame.iloc[0:0]
    ends = pd.to_datetime(frame["end_date"]).dt.date
    return frame[(frame["status"] == "ended") & (ends >= month.start) & (ends <= month.end)]


def build_view(data: MonthlyInputs, lang: str,
               generated_at: dt.datetime | None = None) -> MonthlyView:
    """The monthly report's view model. ValueError when the month is not a complete month
    with data, naming the months there are."""
    require_month(data.values, data.month)
    values = lag_aware(data.values, data.nowcast, data.compare)  # type: ignore[arg-type]
    month, currency = data.month, data.currency
    lines = kpi_lines(values, month, TABLE_KPIS, grain=GRAIN)
    good, bad = findings(values, month, grain=GRAIN)
    data_end = data.data_end or month.end
    meta = ((data.account,) if data.account else ()) + (
        _t("r_data_to", lang).format(day=format_date(data_end, lang)),)
    pages = ", ".join(f"{p}.{lang}.html" for p in DASHBOARD_PAGES)
    footer = [_t("r_dashboards", lang).format(pages=pages)]
    if generated_at is not None:
        footer.append(_t("r_generated", lang).format(when=format_datetime(
            generated_at.astimezone(ZoneInfo(data.time_zone)), lang)))
    spend = next((line.value for line in lines if line.metric == "cost"), None)
    channels, _ = _breakdown(values, data, "channel", lang)
    campaigns, count = _breakdown(values, data, "campaign", lang)
    shown = len(campaigns.rows) if campaigns else 0
    table, scenarios_note = scenarios(data.scenarios, lang, currency)
    return MonthlyView(
        lang=lang, html_lang=locale_for(lang).replace("_", "-"),
        title=" · ".join([_t("mr_title", lang), month_name(month, lang)]
                         + ([data.account] if data.account else [])),
        meta=meta, attribution=attribution_line(data.definitions.stated, lang),
        month=f"{month_name(month, lang)} · {format_range(month.start, month.end, lang)}",
        status=_status(lines, data.compare, lang),
        summary=_summary(lines, values, data, lang),
        highlights=tuple(finding_sentence(f, lang, currency, GRAIN) for f in good),
        lowlights=tuple(finding_sentence(f, lang, currency, GRAIN) for f in bad),
        kpis=_kpi_table(lines, lang, currency, MONTH_COLUMNS),
        last_year_note=_last_year_note(data, lines, lang),
        plan_notes=plan_sentence(data.pacing, month, spend, lang, currency),
        channels=channels, campaigns=campaigns,
        campaigns_note=(_t("mr_campaigns_shown", lang).format(shown=shown, total=count)
                        if count > shown else ""),
        budget=budget(data.pacing, month, lang, currency),
        scenarios=table, scenarios_note=scenarios_note,
        decisions=_recommendations(data.recommendations, lang),
        experiments=_experiments(_concluded(data.experiments, month), lang),
        definitions=_definitions(data, lang),  # type: ignore[arg-type]
        footer=tuple(footer))
