"""The model section of the CLV page: the fitted BG/NBD and Gamma-Gamma parameters per segment
(``clv_model``, see :mod:`kpi.clv.models`), why a segment's model is not the full one, when
the models were fitted, how many customers have no CLV and why; and the method in words.
Pure: frames in, a :class:`ModelView` of formatted strings out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from babel.numbers import format_decimal, format_percent

from dashboards.view_table import Cell, Table, heads
from kpi.language.format import MISSING, as_number, babel_locale, format_date, format_value
from kpi.language.translate import N_, translator

PARAMETERS = ("r", "alpha", "a", "b", "p", "q", "v")
PARAMETER_LABELS = {"r": "r", "alpha": "α", "a": "a", "b": "b", "p": "p", "q": "q", "v": "ν"}
WEEKS_PER_MONTH = 52 / 12
CSV_NAME = "clv-models"  # the file the model table downloads as
SEGMENT_TEXT = {"standard": N_("clv_segment_standard"),
                "high_value": N_("clv_segment_high_value"), "all": N_("clv_segment_all")}
STATUS_TEXT = {"fitted": N_("clv_status_fitted"),
               "constant_dropout": N_("clv_status_constant_dropout"),
               "no_repeat_buyers": N_("clv_status_no_repeat_buyers"),
               "not_fitted": N_("clv_status_not_fitted")}
SPEND_TEXT = {"gamma_gamma": N_("clv_spend_gamma_gamma"),
              "own_mean_order_value": N_("clv_spend_own_mean_order_value")}
NO_MODEL_NOTE = {"no_repeat_buyers": N_("clv_note_no_repeat_buyers"),
                 "not_fitted": N_("clv_note_not_fitted")}
REASON_TEXT = {"invalid_history": N_("clv_reason_invalid_history"),
               "not_computable": N_("clv_reason_not_computable")}

_t = translator("clv", "common")


@dataclass(frozen=True)
class ModelView:
    """The model table (None without models), lines under it, and a warning per segment
    whose model is not the full one (first line the warning, the rest details)."""

    heading: str
    table: Table | None = None
    no_model: str = ""
    lines: tuple[str, ...] = ()
    warnings: tuple[tuple[str, ...], ...] = ()


def _has(frame: pd.DataFrame, *columns: str) -> bool:
    return not frame.empty and all(c in frame.columns for c in columns)


def _count(value: object, lang: str) -> str:
    return format_value(value, "count", lang)


def segment_name(segment: object, lang: str) -> str:
    return _t(SEGMENT_TEXT[segment], lang) if segment in SEGMENT_TEXT else str(segment)


def _parameter(value: object, lang: str) -> Cell:
    number = as_number(value)
    if number is None:
        return Cell(MISSING)
    return Cell.number(format_decimal(number, "#,##0.###", locale=babel_locale(lang)), number)


def _dropout(row: Mapping[str, Any]) -> float | None:
    """The chance a customer stops after a purchase: p, or BG/NBD's mean a / (a + b)."""
    if row.get("status") == "constant_dropout":
        return as_number(row.get("p_dropout"))
    a, b = as_number(row.get("a")), as_number(row.get("b"))
    return a / (a + b) if a is not None and b is not None and a + b > 0 else None


def _notes(row: Mapping[str, Any], segment: str, lang: str) -> list[str]:
    """Why a segment's model is not the full BG/NBD + Gamma-Gamma, in the reader's words."""
    notes = []
    status, dropout = row.get("status"), _dropout(row)
    if status == "constant_dropout":
        shown = format_value(dropout, "percent", lang)
        notes.append(_t("clv_note_no_dropout", lang).format(segment=segment, dropout=shown)
                     if dropout == 0 else
                     _t("clv_note_constant_dropout", lang).format(segment=segment,
                                                                  dropout=shown))
    elif status in NO_MODEL_NOTE:
        notes.append(_t(NO_MODEL_NOTE[str(status)], lang).format(segment=segment))
    if row.get("spend_model") == "own_mean_order_value":
        notes.append(_t("clv_note_own_mean_order_value", lang).format(segment=segment))
    return notes


def _row(row: Mapping[str, Any], segment: str, lang: str, currency: str) -> tuple[Cell, ...]:
    status, spend = row.get("status"), row.get("spend_model")
    if not isinstance(spend, str):
        spend_text = _t("clv_spend_none", lang)
    else:
        spend_text = _t(SPEND_TEXT[spend], lang) if spend in SPEND_TEXT else spend
    repeaters = as_number(row.get("repeat_customers"))
    dropout = _dropout(row)
    return (
        Cell.label(segment),
        Cell.label(_t(STATUS_TEXT[status], lang)) if status in STATUS_TEXT else Cell(MISSING),
        Cell.number(_count(row.get("customers"), lang), row.get("customers")),
        *(_parameter(row.get(p), lang) for p in PARAMETERS[:4]),
        Cell.number(format_value(dropout, "percent", lang), dropout),
        *(_parameter(row.get(p), lang) for p in PARAMETERS[4:]),
        Cell.number(_count(repeaters, lang), repeaters) if repeaters is not None
        else Cell(MISSING),
        Cell.number(format_value(row.get("mean_order_value"), "currency", lang, currency),
                    row.get("mean_order_value")),
        Cell(spend_text),
    )


def _without(customers: pd.DataFrame, lang: str) -> list[str]:
    """How many customers have no CLV and why; how many count with revenue to date only."""
    if not _has(customers, "clv"):
        return []
    clv = pd.to_numeric(customers["clv"], errors="coerce")
    notes = (customers["clv_note"].astype("object") if "clv_note" in customers.columns
             else pd.Series(None, index=customers.index, dtype="object"))
    missing = notes[clv.isna()].fillna("not_computable")
    lines = [_t("clv_without", lang).format(count=_count(len(missing), lang))]
    if len(missing):
        reasons = [_t(REASON_TEXT[str(reason)], lang).format(count=_count(n, lang))
                   for reason, n in missing.value_counts().sort_index().items()
                   if reason in REASON_TEXT]
        lines[0] += (" " + _t("clv_list_separator", lang).join(reasons) + ". "
                     + _t("clv_without_note", lang))
    revenue_only = int((notes == "no_purchase_model").sum())
    if revenue_only:
        lines.append(_t("clv_revenue_only", lang).format(count=_count(revenue_only, lang)))
    return lines


def _fitted(model: pd.DataFrame, lang: str) -> list[str]:
    """When the models were fitted and on how many customers (one line per fitting night)."""
    if not _has(model, "fitted_on", "fitted_customers"):
        return []
    days = pd.to_datetime(model["fitted_on"], errors="coerce")
    counts = pd.to_numeric(model["fitted_customers"], errors="coerce").fillna(0)
    return [_t("clv_fitted", lang).format(day=format_date(day.date(), lang),
                                          count=_count(int(counts[days == day].sum()), lang))
            for day in sorted(days.dropna().unique())]


def model_view(model: pd.DataFrame, customers: pd.DataFrame, lang: str,
               currency: str) -> ModelView:
    heading = _t("clv_model", lang)
    without = _without(customers, lang)
    if not _has(model, "segment"):
        return ModelView(heading, no_model=_t("clv_no_model", lang), lines=tuple(without))
    rows, warnings = [], []
    for _, row in model.iterrows():
        r = row.to_dict()
        segment = segment_name(r["segment"], lang)
        rows.append(_row(r, segment, lang, currency))
        explained = _notes(r, segment, lang)
        message = r.get("message")
        if explained and isinstance(message, str) and message.strip():
            explained.append(_t("clv_note_detail", lang).format(message=message))
        if explained:
            warnings.append(tuple(explained))
    names = [_t("clv_col_segment", lang), _t("clv_col_model", lang),
             _t("clv_col_customers", lang), *(PARAMETER_LABELS[p] for p in PARAMETERS[:4]),
             _t("clv_col_dropout", lang), *(PARAMETER_LABELS[p] for p in PARAMETERS[4:]),
             _t("clv_col_repeaters", lang), _t("clv_col_order_value", lang),
             _t("clv_col_spend_model", lang)]
    return ModelView(heading, Table(CSV_NAME, heads(names, left=2), tuple(rows)),
                     lines=(*_fitted(model, lang), *without), warnings=tuple(warnings))


def method_text(model: pd.DataFrame, since: dt.date | None, margin: float | None,
                lang: str) -> str:
    """How CLV and CAC are computed, with this account's horizon, discount and margin."""
    if not _has(model, "horizon_weeks", "weekly_discount_rate", "gross_margin"):
        return ""
    first = model.iloc[0]
    weeks = as_number(first["horizon_weeks"])
    weekly = as_number(first["weekly_discount_rate"])
    annual = (1 + weekly) ** 52 - 1 if weekly is not None else None
    return _t("clv_method", lang).format(
        margin=(_t("clv_margin_none", lang) if margin is None
                else format_percent(margin, locale=babel_locale(lang))),
        weeks=_count(weeks, lang),
        months=_count(round(weeks / WEEKS_PER_MONTH) if weeks is not None else None, lang),
        discount=format_value(annual, "percent", lang),
        since=format_date(since, lang) if since else MISSING)
