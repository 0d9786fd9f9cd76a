"""The monthly report's budget sections: media, production and agency fees spent against the
plan lines covering the month, with the forecast to each plan period's end (``budget_pacing``),
the media plan the channels and campaigns are held to, and the budget scenarios
(``budget_scenarios``). Formatted strings only; the template escapes them.

>>> from pipelines.months import CalendarMonth
>>> budget(pd.DataFrame(), CalendarMonth(2026, 2), "en").table is None
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from dashboards.report_model import PACING_DIRECTIONS, PACING_STATUS, Cell, Pill, Table
from dashboards.report_sentences import _t, change_tone, label
from kpi.language.format import as_number, format_change, format_range, format_value
from kpi.registry import KPIS, MEASURES
from pipelines.months import CalendarMonth

SCENARIO_MEASURES = ("conversions", "revenue")
MAX_SCENARIOS = 12


@dataclass(frozen=True)
class Budget:
    """The plan lines covering the month (``table`` None: none does)."""

    note: str
    table: Table | None
    planned_media: dict[tuple[str, str], float] = field(default_factory=dict)


def _covering(frame: pd.DataFrame, month: CalendarMonth) -> pd.DataFrame:
    if frame.empty or "period_start" not in frame:
        return frame.iloc[0:0]
    starts = pd.to_datetime(frame["period_start"]).dt.date
    ends = pd.to_datetime(frame["period_end"]).dt.date
    rows = frame[(starts <= month.end) & (ends >= month.start)].copy()
    rows["_start"], rows["_end"] = starts[rows.index], ends[rows.index]
    return rows


def _month_share(row: pd.Series, month: CalendarMonth) -> float:
    """The share of a plan line's period inside the month (1 for a monthly line)."""
    overlap = (min(row["_end"], month.end) - max(row["_start"], month.start)).days + 1
    return overlap / ((row["_end"] - row["_start"]).days + 1)


def budget(frame: pd.DataFrame, month: CalendarMonth, lang: str,
           currency: str = "EUR") -> Budget:
    """Each plan line covering the month: its whole budget (media + production + agency
    fees), media and other costs spent so far, all costs spent, the forecast of all costs at
    the period's end and the pacing status."""
    rows = _covering(frame, month)
    if rows.empty:
        return Budget(_t("mr_no_plan", lang), None)
    planned = {(str(r["level"]), str(r["name"])): float(r["media_budget"]) * _month_share(r, month)
               for _, r in rows.iterrows()}

    def money(value: object) -> str:
        return format_value(as_number(value), "currency", lang, currency)

    body = []
    for r in rows.sort_values("total_budget", ascending=False).itertuples():
        key, tone = PACING_STATUS.get(r.status, (None, "flat"))
        status = _t(key, lang) if key else str(r.status)
        if isinstance(r.direction, str) and r.direction in PACING_DIRECTIONS:
            status += f" · {_t(PACING_DIRECTIONS[r.direction], lang)}"
        body.append((Cell(str(r.name) or _t("mr_account", lang)), Cell(money(r.total_budget)),
                     Cell(money(r.spend_to_date)), Cell(money(r.other_costs_to_date)),
                     Cell(money(r.total_cost_to_date), bold=True),
                     Cell(money(r.projected_total_cost)), Cell(pill=Pill(status, tone))))
    first = rows.iloc[0]
    note = _t("mr_budget_note", lang).format(
        period=format_range(first["_start"], first["_end"], lang),
        day=int(first["days_elapsed"]), days=int(first["days_in_period"]))
    head = tuple(_t(k, lang) for k in ("r_col_line", "mr_col_budget_total",
                                       "mr_col_media_spent", "mr_col_other_spent",
                                       "mr_col_total_spent", "mr_col_forecast",
                                       "r_col_status"))
    return Budget(note, Table(head, tuple(body)), planned)


def plan_sentence(frame: pd.DataFrame, month: CalendarMonth, spend: float | None, lang: str,
                  currency: str = "EUR") -> tuple[str, ...]:
    """The month's media spend against the media plan (the account's line, else the sum of
    the channels'), and that the plan sets money, not volumes; () without a plan."""
    planned = budget(frame, month, lang, currency).planned_media
    if not planned:
        return ()
    account = [v for (level, _), v in planned.items() if level == "account"]
    media = sum(account) if account else sum(
        v for (level, _), v in planned.items() if level == "channel")
    notes = []
    if media and spend is not None:
        notes.append(_t("mr_vs_plan", lang).format(
            spent=format_value(spend, "currency", lang, currency),
            planned=format_value(media, "currency", lang, currency),
            vs=format_change(spend / media - 1, lang)))
    notes.append(_t("mr_no_volume_plan", lang))
    return tuple(notes)


def _unit(measure: str) -> str:
    if measure in KPIS:
        return KPIS[measure].unit
    return MEASURES[measure].unit if measure in MEASURES else "count"


def scenarios(frame: pd.DataFrame, lang: str, currency: str = "EUR") -> tuple[Table | None, str]:
    """The what-if rows per channel (spend now and in the scenario, the expected result and
    its change), or None with the reason there are none."""
    needed = {"channel", "measure", "spend", "new_spend", "response", "new_response"}
    if frame.empty or not needed <= set(frame.columns):
        return None, _t("mr_no_scenarios", lang).format(
            reason=_t("mr_no_scenarios_table", lang))
    rows = frame[frame["measure"].isin(SCENARIO_MEASURES)].head(MAX_SCENARIOS)
    body = []
    for r in rows.itertuples():
        unit = _unit(str(r.measure))
        now, new = as_number(r.response), as_number(r.new_response)
        change = None if now is None or new is None or not now else new / now - 1
        tone = change_tone(change, "conversions")
        body.append((Cell(str(r.channel)),
                     Cell(label(str(r.measure), lang) if str(r.measure) in KPIS or
                          str(r.measure) in MEASURES else str(r.measure)),
                     Cell(format_value(as_number(r.spend), "currency", lang, currency)),
                     Cell(format_value(as_number(r.new_spend), "currency", lang, currency)),
                     Cell(format_value(new, unit, lang, currency),
                          pill=None if tone is None else Pill(format_change(change, lang), tone))))
    head = (_t("channel", lang), _t("r_col_kpi", lang), _t("mr_col_spend_now", lang),
            _t("mr_col_spend_new", lang), _t("mr_col_response", lang))
    return Table(head, tuple(body)), ""
