"""The advice sections of the budget page: the recommendations in words with the numbers
behind them (``recommendations``, see :mod:`kpi.budget.recommend`), and the what-if scenarios
of the response curves with how far to trust them (``budget_scenarios``). Pure: frames in,
views of formatted strings out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from babel.numbers import format_decimal, format_percent, get_plus_sign_symbol

from dashboards.view_table import Cell, Empty, Pill, Table, heads
from kpi.language.format import MISSING, as_day, as_number, format_date, format_value, locale_for
from kpi.language.translate import N_, translator
from kpi.registry import KPIS, MEASURES

ACTIONS = ("pause", "scale", "reallocate")
ACTION_TITLE = {"pause": N_("bud_action_pause"), "scale": N_("bud_action_scale"),
                "reallocate": N_("bud_action_reallocate")}
UNIT_TEXT = {"conversions": N_("bud_unit_conversions"), "leads": N_("bud_unit_leads"),
             "purchases": N_("bud_unit_purchases"), "clicks": N_("bud_unit_clicks")}
FIT_GOOD, FIT_WEAK = 0.6, 0.3  # r² from which a curve is reliable / below which it is a guess
MEASURE_ORDER = ("conversions", "leads", "purchases", "clicks", "revenue")
CSV_NAME = "budget-scenarios"  # the file the scenarios table downloads as

_t = translator("budget", "common")


@dataclass(frozen=True)
class Advice:
    """One recommendation: its sentence, the channel, the numbers behind it as chips."""

    sentence: str
    channel: str
    chips: tuple[str, ...]


@dataclass(frozen=True)
class AdviceGroup:
    """The recommendations of one action (pause, scale, reallocate...)."""

    action: str
    title: str
    items: tuple[Advice, ...]


@dataclass(frozen=True)
class AdviceView:
    heading: str
    meta: str = ""
    empty: Empty | None = None
    groups: tuple[AdviceGroup, ...] = ()
    left_out: str = ""


@dataclass(frozen=True)
class ScenariosView:
    heading: str
    desc: str = ""
    empty: Empty | None = None
    table: Table | None = None
    note: str = ""


def _money(value: object, lang: str, currency: str) -> str:
    return format_value(value, "currency", lang, currency)


def _quantity(value: object, measure: object, lang: str, currency: str) -> str:
    unit = MEASURES[measure].unit if measure in MEASURES else "count"
    return format_value(value, unit, lang, currency)


def _measure_label(measure: object, lang: str) -> str:
    return MEASURES[measure].label(lang) if measure in MEASURES else str(measure)


# --- recommendations ---------------------------------------------------------------------------

def key_numbers(r: Mapping[str, Any], lang: str, currency: str) -> tuple[str, ...]:
    """The numbers behind one recommendation, as short plain-text chips."""
    chips = []
    kpi = r.get("kpi")
    if isinstance(kpi, str) and kpi in KPIS and as_number(r.get("value")) is not None:
        unit = KPIS[kpi].unit
        chips.append(_t("bud_key_kpi", lang).format(
            kpi=kpi.upper(), value=format_value(r.get("value"), unit, lang, currency),
            target=format_value(r.get("target"), unit, lang, currency)))
    action = r.get("action")
    if action == "pause" and as_number(r.get("cost")) is not None:
        chips.append(_t("bud_key_cost", lang).format(
            cost=_money(r.get("cost"), lang, currency),
            days=format_value(r.get("days"), "count", lang)))
    amount = as_number(r.get("amount"))
    moved = as_number(r.get("moved")) if action == "scale" else None
    if moved is not None and amount is not None:  # a scale funded by a move: each euro once
        chips.append(_t("bud_key_move", lang).format(amount=_money(moved, lang, currency)))
        amount = amount - moved if amount - moved >= 0.005 else None
    if amount is not None and action == "scale":
        chips.append(_t("bud_key_extra", lang).format(amount=_money(amount, lang, currency)))
    elif amount is not None and action == "reallocate":
        chips.append(_t("bud_key_move", lang).format(amount=_money(amount, lang, currency)))
    if as_number(r.get("expected_gain")) is not None:
        chips.append(_t("bud_key_gain", lang).format(
            measure=_measure_label(r.get("measure"), lang),
            gain=_quantity(r.get("expected_gain"), r.get("measure"), lang, currency)))
    limited = r.get("budget_limited")
    if action == "scale" and limited is not None and not pd.isna(limited) and bool(limited):
        chips.append(_t("bud_key_limited", lang))
    return tuple(chips)


def _sentence(r: Mapping[str, Any], lang: str) -> str:
    for column in (f"text_{lang}", "text_en"):
        text = r.get(column)
        if isinstance(text, str) and text.strip():
            return text
    return str(r.get("campaign_name") or r.get("item") or "")


def left_out_sentence(recs: pd.DataFrame, lang: str) -> str:
    """How many smaller actions were left out (kpi.budget.recommend's materiality), or ''."""
    if "left_out" not in recs.columns:
        return ""
    count = as_number(pd.to_numeric(recs["left_out"], errors="coerce").max())
    if not count:
        return ""
    if count == 1:
        return _t("bud_left_out_one", lang)
    return _t("bud_left_out_many", lang).format(count=format_value(count, "count", lang))


def advice_view(recs: pd.DataFrame, lang: str, currency: str,
                curves_fitted: dt.date | None = None) -> AdviceView:
    """The recommendations grouped pause, scale, reallocate (then any other action)."""
    heading = _t("bud_recs", lang)
    if recs.empty or "action" not in recs.columns:
        return AdviceView(heading, empty=Empty(_t("bud_no_recs", lang),
                                               _t("bud_no_recs_hint", lang)))
    meta = ""
    judged = as_day(recs["as_of"].dropna().max()) if "as_of" in recs.columns else None
    if judged is not None:
        meta = _t("bud_recs_as_of", lang).format(day=format_date(judged, lang))
        if curves_fitted is not None:
            meta += " " + _t("bud_curves_fitted", lang).format(
                day=format_date(curves_fitted, lang))
    known = [a for a in ACTIONS if (recs["action"] == a).any()]
    others = [a for a in dict.fromkeys(recs["action"].dropna()) if a not in ACTIONS]
    groups = []
    for action in (*known, *others):
        items = []
        for _, row in recs[recs["action"] == action].iterrows():
            r = row.to_dict()
            channel = r.get("channel")
            items.append(Advice(_sentence(r, lang),
                                channel if isinstance(channel, str) else "",
                                key_numbers(r, lang, currency)))
        title = _t(ACTION_TITLE[action], lang) if action in ACTION_TITLE else str(action)
        groups.append(AdviceGroup(str(action), title, tuple(items)))
    return AdviceView(heading, meta, groups=tuple(groups),
                      left_out=left_out_sentence(recs, lang))


# --- scenarios ---------------------------------------------------------------------------------

def _fit_pills(r_squared: float | None, lang: str) -> tuple[Pill, ...]:
    if r_squared is None:
        return ()
    if r_squared >= FIT_GOOD:
        return (Pill(_t("bud_fit_good", lang), "good"),)
    if r_squared >= FIT_WEAK:
        return (Pill(_t("bud_fit_rough", lang), "warn"),)
    return (Pill(_t("bud_fit_weak", lang), "bad"),)


def _return(up: Mapping[str, Any], measure: str, lang: str, currency: str) -> Cell:
    """What the extra spend of the up scenario buys: its ROAS, or the cost of one more unit
    (the raw number behind the cell is the same figure)."""
    ratio = as_number(up.get("incremental_return"))
    if ratio is None:
        return Cell(MISSING)
    if measure in MEASURES and MEASURES[measure].unit == "currency":
        return Cell.number(_t("bud_marginal_roas", lang).format(
            value=format_value(ratio, "multiple", lang)), ratio)
    if ratio <= 0:
        return Cell(MISSING)
    unit = (_t(UNIT_TEXT[measure], lang) if measure in UNIT_TEXT
            else _measure_label(measure, lang).lower())
    return Cell.number(_t("bud_marginal_cost", lang).format(
        value=_money(1 / ratio, lang, currency), unit=unit), 1 / ratio)


def scenario_change(scenarios: pd.DataFrame) -> float | None:
    """The relative spend change of the scenarios (0.2 for ±20 %), None without any."""
    if scenarios.empty or "spend" not in scenarios.columns:
        return None
    spend = pd.to_numeric(scenarios["spend"], errors="coerce")
    new = pd.to_numeric(scenarios["new_spend"], errors="coerce")
    change = ((new - spend).abs() / spend.where(spend > 0)).dropna()
    return float(change.median()) if len(change) else None


def _signed(value: object, unit: str, lang: str, currency: str) -> str:
    """A change with an explicit + (the locale's minus comes from Babel)."""
    number = as_number(value)
    text = format_value(number, unit, lang, currency)
    return get_plus_sign_symbol(locale_for(lang)) + text if number and number > 0 else text


def _scenario_row(channel: str, measure: str, pair: pd.DataFrame, lang: str,
                  currency: str) -> tuple[Cell, ...]:
    ups, downs = pair[pair["_up"]], pair[~pair["_up"]]
    first = pair.iloc[0].to_dict()
    unit = MEASURES[measure].unit if measure in MEASURES else "count"
    r2 = as_number(first.get("r_squared"))

    def delta(rows: pd.DataFrame) -> Cell:
        if rows.empty:
            return Cell(MISSING)
        change = rows.iloc[0]["change"]
        return Cell.number(_signed(change, unit, lang, currency), change)

    up = ups.iloc[0].to_dict() if len(ups) else None
    return (
        Cell.label(channel), Cell.label(_measure_label(measure, lang)),
        Cell.number(_money(first["spend"], lang, currency), first["spend"]),
        Cell.number(format_value(first["response"], unit, lang, currency), first["response"]),
        delta(downs), delta(ups),
        _return(up, measure, lang, currency) if up else Cell(MISSING),
        Cell.number(format_decimal(r2, "0.00", locale=locale_for(lang)) if r2 is not None
                    else MISSING, r2, pills=_fit_pills(r2, lang)),
    )


def scenarios_view(scenarios: pd.DataFrame, lang: str, currency: str) -> ScenariosView:
    """One row per channel and measure: spend and response a day, the change at ± the
    scenario's share, what the extra spend returns and how well the curve fits."""
    change = scenario_change(scenarios)
    loc = locale_for(lang)
    if change is None:
        return ScenariosView(_t("bud_scenarios_plain", lang), empty=Empty(
            _t("bud_no_scenarios", lang), _t("bud_no_scenarios_hint", lang)))
    share = format_percent(change, locale=loc)
    down = format_percent(-change, locale=loc)
    up = get_plus_sign_symbol(loc) + share
    frame = scenarios.assign(_up=pd.to_numeric(scenarios["new_spend"], errors="coerce")
                             > pd.to_numeric(scenarios["spend"], errors="coerce"))
    spend = frame.groupby("channel", sort=False)["spend"].max().sort_values(ascending=False)
    rank = {m: i for i, m in enumerate(MEASURE_ORDER)}
    rows = []
    for channel in spend.index:
        mine = frame[frame["channel"] == channel]
        measures = sorted(dict.fromkeys(mine["measure"]), key=lambda m: (rank.get(m, 99), m))
        rows += [_scenario_row(str(channel), measure, mine[mine["measure"] == measure], lang,
                               currency) for measure in measures]
    names = [_t("channel", lang), _t("bud_col_outcome", lang), _t("bud_col_spend_day", lang),
             _t("bud_col_response_day", lang), _t("bud_col_at", lang).format(change=down),
             _t("bud_col_at", lang).format(change=up), _t("bud_col_return", lang),
             _t("bud_col_fit", lang)]
    note = _t("bud_fit_note", lang).format(good=format_decimal(FIT_GOOD, "0.0", locale=loc),
                                           weak=format_decimal(FIT_WEAK, "0.0", locale=loc))
    return ScenariosView(_t("bud_scenarios", lang).format(change=share),
                         _t("bud_scenarios_desc", lang),
                         table=Table(CSV_NAME, heads(names, left=2), tuple(rows)), note=note)
