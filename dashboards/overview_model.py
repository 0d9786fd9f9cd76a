"""The overview's view model: KPI tiles for every period and comparison, channel tables per
period, all as already-formatted strings (the template lays them out, escaping everything).

A tile is built from one row-like mapping (``value``, ``previous_value``, ``change``,
``target``, ``vs_target``, ``on_target``, ``provisional`` and, for a nowcast, ``low`` and
``high``): a ``kpi_values`` row as the pipeline judged it (the newest week and month, lag-aware
as :mod:`kpi.maturity` says), or one made from the sums of a longer period
(:mod:`dashboards.periods`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton

from dashboards.maturity import estimate
from dashboards.periods import (
    PERIOD_KEYS,
    PERIODS,
    Comparison,
    Period,
    Span,
    Sums,
    compared,
    latest_span,
    span_sums,
)
from kpi.language.format import (
    as_number,
    babel_locale,
    format_change,
    format_range,
    format_value,
    format_week,
)
from kpi.language.translate import N_, translator
from kpi.registry import BLENDED, KPIS, MEASURES, Kpi, Measure

TILE_METRICS = ("cost", "conversions", "revenue", "cpa", "cpl", "roas", "conversion_rate", "ctr",
                "cpc", "cpm", "aov", "engagement_rate")
TABLE_METRICS = ("cost", "conversions", "revenue", "cpa", "roas", "conversion_rate", "ctr")
HINTS: dict[tuple[str, str], str] = {  # what a tile's change is measured against
    ("week", "previous"): N_("vs_previous_week"),
    ("4weeks", "previous"): N_("ov_vs_previous_4weeks"),
    ("month", "previous"): N_("ov_vs_previous_month"),
    ("quarter", "previous"): N_("ov_vs_previous_quarter"),
    ("week", "year"): N_("ov_vs_year_week"),
    ("4weeks", "year"): N_("ov_vs_year_4weeks"),
    ("month", "year"): N_("ov_vs_year_month"),
    ("quarter", "year"): N_("ov_vs_year_quarter"),
}
NONE_KEYS = {"previous": N_("ov_no_previous_period"), "year": N_("ov_no_last_year")}

_t = translator("overview", "periods", "common")  # the page's texts, then the shared ones


def definition(metric: str) -> Kpi | Measure:
    return KPIS[metric] if metric in KPIS else MEASURES[metric]


def is_true(flag: object) -> bool:
    """A nullable flag as a plain bool (None / NA count as False)."""
    return False if flag is None or pd.isna(flag) else bool(flag)


@dataclass(frozen=True)
class Pill:
    """A coloured change: ``cls`` good / bad / flat, ``text`` with its arrow, ``hint`` says
    against what."""

    cls: str
    hint: str
    text: str


@dataclass(frozen=True)
class Line:
    """One small line of a tile: text, then optionally a pill."""

    text: str = ""
    pill: Pill | None = None


@dataclass(frozen=True)
class Tile:
    label: str
    description: str
    value: str
    badge: str  # "Provisional" on this tile, or ""
    lines: tuple[Line, ...]
    blended: tuple[str, str] | None = None  # "label: value" and description of the twin


def pill(change: float | None, good: bool | None, lang: str, hint: str) -> Pill:
    """A change pill; colour from ``good`` (None = neutral), arrow from the sign."""
    cls = "flat" if good is None else ("good" if good else "bad")
    if good is not None:
        hint += " · " + _t("better" if good else "worse", lang)
    text = format_change(change, lang)
    arrow = "" if change is None or text == format_change(0, lang) else "▲ " if change > 0 else "▼ "
    return Pill(cls, hint, arrow + text)


def tile(metric: str, row: Mapping[str, Any] | None, lang: str, currency: str, *, badge: bool,
         blended: Mapping[str, Any] | None = None, hint: str | None = None,
         none: str | None = None, estimated: bool = False) -> Tile:
    """One tile: value, change vs ``hint`` (coloured by direction; ``none`` when there is
    nothing to compare with), target, and for a judged paid KPI its blended twin (``blended``:
    that KPI's row). ``estimated``: the value is (partly) a nowcast without an interval."""
    d = definition(metric)
    value = as_number(row["value"]) if row is not None else None
    flag = _t("provisional", lang) if badge and row is not None and is_true(
        row["provisional"]) else ""
    lines = [Line(_t("no_data", lang))]
    if value is not None and row is not None:
        change, previous = as_number(row["change"]), as_number(row["previous_value"])
        good = None
        if (d.direction is not None and previous is not None and value != previous
                and format_change(change, lang) != format_change(0, lang)):  # not "0,0%"
            good = d.is_better(value, previous)
        lines = [Line(none or _t("no_previous", lang)) if change is None else
                 Line(pill=pill(change, good, lang, hint or _t("vs_previous_week", lang)))]
        target, vs = as_number(row["target"]), as_number(row["vs_target"])
        if target is not None:
            on = None if pd.isna(row["on_target"]) else bool(row["on_target"])
            goal = format_value(target, d.unit, lang, currency)
            lines.append(Line(f'{_t("target", lang)} {goal}',
                              None if vs is None else pill(vs, on, lang, _t("vs_target", lang))))
    shown = format_value(value, d.unit, lang, currency)
    low, high = (as_number(row.get(c)) if row is not None else None for c in ("low", "high"))
    if value is not None and low is not None and high is not None:  # still filling: nowcast
        shown = "≈ " + estimate(value, d.unit, lang, currency)
        lines.insert(0, Line(f"{estimate(low, d.unit, lang, currency)} – "
                             f"{estimate(high, d.unit, lang, currency)}"))
    elif value is not None and estimated:
        shown = "≈ " + estimate(value, d.unit, lang, currency)
    twin = None
    if metric in BLENDED:
        k = KPIS[BLENDED[metric]]
        twin_value = as_number(blended["value"]) if blended is not None else None
        twin = (_t("label_value", lang).format(
            label=k.label(lang), value=format_value(twin_value, k.unit, lang, currency)),
            k.description(lang))
    return Tile(d.label(lang), d.description(lang), shown, flag, tuple(lines), twin)


def compared_row(metric: str, now: Sums, then: Sums | None) -> dict[str, Any]:
    """A row-like mapping for :func:`tile` from the sums of a period and of the one it is
    compared with (None: no data then)."""
    d = definition(metric)
    value = now.values.get(metric)
    before = None if then is None else then.values.get(metric)
    target = now.targets.get(metric)
    change = None if value is None or not before else value / before - 1
    vs = None if value is None or not target else value / target - 1
    on = None
    if value is not None and target is not None and isinstance(d, Kpi):
        on = not d.is_better(target, value)
    return {"value": value, "previous_value": before, "change": change, "target": target,
            "vs_target": vs, "on_target": on, "provisional": now.provisional}


# -- periods ----------------------------------------------------------------------------------


def period_words(period: Period, span: Span, lang: str) -> str:
    """The period in words: "Week 47 · 16–22 Nov 2026", "Weeks 44–47 · 26 Oct – 22 Nov
    2026", "November 2026", "Q3 2026 · 1 Jul – 30 Sep 2026"."""
    loc = babel_locale(lang)
    if period == "week":
        return format_week(span.start, span.end, lang)
    if period == "4weeks":
        weeks = _t("per_weeks_n", lang).format(first=span.start.isocalendar()[1],
                                               last=span.starts[-1].isocalendar()[1])
        return f"{weeks} · {format_range(span.start, span.end, lang)}"
    if period == "month":
        return format_skeleton("yMMMM", span.start, locale=loc)
    quarter = babel_format_date(span.start, "QQQ y", locale=loc)
    return f"{quarter} · {format_range(span.start, span.end, lang)}"


@dataclass(frozen=True)
class Choice:
    """One period of the switch: its key, its name, the span in words (None: no such
    complete period yet)."""

    period: Period
    name: str
    words: str | None
    span: Span | None


@dataclass(frozen=True)
class Variant:
    """The tiles for one period and one comparison."""

    period: Period
    vs: Comparison
    words: str
    hint: str
    badge: bool  # every figure of the period is provisional: one badge by the period
    tiles: tuple[Tile, ...]
    note: str = ""  # e.g. no data a year earlier


def _complete_starts(rows: pd.DataFrame, grain: str) -> list[dt.date]:
    part = rows[(rows["grain"] == grain)]
    done = part.groupby("period_start")["complete"].agg(lambda s: all(map(is_true, s)))
    return [s for s, ok in done.items() if ok]


def choices(totals: pd.DataFrame, lang: str) -> list[Choice]:
    """Every period of the switch, from the account's week and month rows."""
    weeks, months = _complete_starts(totals, "week"), _complete_starts(totals, "month")
    out = []
    for period in PERIODS:
        span = latest_span(period, weeks, months)
        out.append(Choice(period, _t(PERIOD_KEYS[period], lang),
                          None if span is None else period_words(period, span, lang), span))
    return out


def variant(totals: pd.DataFrame, choice: Choice, vs: Comparison, lang: str,
            currency: str) -> Variant | None:
    """The tiles of ``choice`` compared as ``vs`` (None when the period has no data). A week or
    month against the one before is the judged row itself (lag-aware); anything else comes
    from sums."""
    span = choice.span
    if span is None or choice.words is None:
        return None
    hint = _t(HINTS[(choice.period, vs)], lang)
    rows = totals[(totals["grain"] == span.grain) & (totals["period_start"] == span.start)]
    rows = rows.drop_duplicates("metric")
    if len(span.starts) == 1 and vs == "previous":
        flags = rows["provisional"].map(is_true)
        by = {r["metric"]: r for _, r in rows.iterrows()}
        tiles = tuple(tile(m, by.get(m), lang, currency, badge=not flags.all(),
                           blended=by.get(BLENDED.get(m, "")), hint=hint,
                           none=None if choice.period == "week" else
                           _t(NONE_KEYS["previous"], lang))
                      for m in TILE_METRICS)
        return Variant(choice.period, vs, choice.words, hint, bool(flags.any() and flags.all()),
                       tiles)
    now = span_sums(totals, span)
    if now is None:
        return None
    other = compared(span, vs)
    then = None if other is None else span_sums(totals, other)
    made = {m: compared_row(m, now, then) for m in (*TILE_METRICS, *BLENDED.values())}
    tiles = tuple(tile(m, made[m], lang, currency, badge=False,
                       blended=made.get(BLENDED.get(m, "")), hint=hint,
                       none=_t(NONE_KEYS[vs], lang), estimated=now.estimated)
                  for m in TILE_METRICS)
    note = ""
    if vs == "year" and then is None:
        note = _t("ov_year_missing", lang).format(period=choice.words.split(" · ")[0])
    return Variant(choice.period, vs, choice.words, hint, now.provisional, tiles, note)


# -- channels ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    value: str  # the raw number for the CSV (``data-value``), "" when there is none


@dataclass(frozen=True)
class ChannelRow:
    name: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class ChannelTable:
    """Channel × main KPIs of one period, biggest cost first, with the account's total."""

    period: Period
    words: str
    heads: tuple[str, ...]
    rows: tuple[ChannelRow, ...]
    total: ChannelRow
    sums: pd.DataFrame  # channel × metric values, for the chart


def _cells(values: Mapping[str, float | None], lang: str, currency: str) -> tuple[Cell, ...]:
    out = []
    for metric in TABLE_METRICS:
        number = as_number(values.get(metric))
        out.append(Cell(format_value(number, definition(metric).unit, lang, currency),
                        "" if number is None else repr(float(number))))
    return tuple(out)


def channel_table(channels: pd.DataFrame, totals: pd.DataFrame, choice: Choice, lang: str,
                  currency: str) -> ChannelTable | None:
    """The channel table of ``choice`` (None without channel rows for it)."""
    span = choice.span
    if span is None or choice.words is None:
        return None
    frames = {}
    for name, rows in channels.groupby("channel", sort=False):
        sums = span_sums(rows, span)
        if sums is not None:
            frames[str(name)] = {m: sums.values.get(m) for m in (*TABLE_METRICS, "conversions")}
    if not frames:
        return None
    table = pd.DataFrame.from_dict(frames, orient="index")
    table = table.sort_values("cost", ascending=False, na_position="last")  # biggest first
    total = span_sums(totals, span)
    total_values = {} if total is None else dict(total.values)
    rows = tuple(ChannelRow(name, _cells(values.to_dict(), lang, currency))
                 for name, values in table.iterrows())
    heads = tuple(definition(m).label(lang) for m in TABLE_METRICS)
    return ChannelTable(choice.period, choice.words, heads, rows,
                        ChannelRow(_t("total", lang), _cells(total_values, lang, currency)),
                        table)


def channel_tables(values: pd.DataFrame, totals: pd.DataFrame, picks: Sequence[Choice],
                   lang: str, currency: str) -> list[ChannelTable]:
    """One table per period that has channel rows."""
    channels = values[values["level"] == "channel"]
    found = [channel_table(channels, totals, c, lang, currency) for c in picks]
    return [table for table in found if table is not None]
