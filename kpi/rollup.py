"""KPI roll-ups: sums of the model's additive facts at every grain and level, and KPIs computed
from those sums (never averaged), with the previous period, targets and provisional flags.

Tables:
- ``kpi_rollup``: one row per grain x period x level x series with every measure summed.
- ``kpi_values``: the long form dashboards and reports read: one row per grain x period x level
  x series x metric, with value, numerator, denominator, previous value, change, target. A
  metric declared with ``levels`` (paid measures, blended KPIs) has rows at those levels only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir

from kpi.model import FACTS, exact_sum
from kpi.registry import KPIS, MEASURES

ROLLUP_TABLE = "kpi_rollup"
VALUES_TABLE = "kpi_values"
# The order readers list kpi_values in (incremental nights append; storage order is not kept).
VALUES_ORDER = ("grain", "level", "series_key", "metric", "period_start")
Grain = Literal["day", "week", "month"]
Level = Literal["total", "channel", "campaign", "ad_group"]
GRAINS: tuple[Grain, ...] = ("day", "week", "month")
LEVELS: tuple[Level, ...] = ("total", "channel", "campaign", "ad_group")
_LEVEL_DIMS: dict[Level, tuple[str, ...]] = {
    "total": (),
    "channel": ("channel",),
    "campaign": ("channel", "campaign_key"),
    "ad_group": ("channel", "campaign_key", "ad_group_key"),
}
_BLANK = r"^[\t\n\v\f\r\pZ]*$"  # RE2 and Java: \pZ is every Unicode space and separator
_DIMS = ("channel", "campaign_key", "campaign_name", "ad_group_key", "ad_group_name")


@dataclass(frozen=True)
class TargetRow:
    """A KPI target: account-wide (no channel, no campaign), per channel, or per campaign
    (``campaign`` matches a campaign key or name). The most specific one applies."""

    kpi: str
    value: float
    channel: str | None = None
    campaign: str | None = None


@dataclass(frozen=True)
class RollupSpec:
    data_start: dt.date  # first and last day of data (for "complete" periods)
    data_end: dt.date
    provisional_since: dt.date | None  # days on or after this are still being restated
    targets: Sequence[TargetRow] = ()
    grains: Sequence[Grain] = GRAINS
    levels: Sequence[Level] = LEVELS
    other_channel: str = "Other"  # for facts whose campaign is missing from the dimension


def period(date: ir.DateValue, grain: Grain) -> tuple[ir.DateValue, ir.DateValue, ir.DateValue]:
    """(start, inclusive end, previous start) of the period containing ``date``, as dates."""
    if grain == "day":
        bounds = date, date, date - ibis.interval(days=1)
    elif grain == "week":  # ISO weeks start on Monday
        start = date.truncate("W")
        bounds = start, start + ibis.interval(days=6), start - ibis.interval(days=7)
    else:
        start = date.truncate("M")
        bounds = (start, start + ibis.interval(months=1) - ibis.interval(days=1),
                  start - ibis.interval(months=1))
    return tuple(b.cast("date") for b in bounds)  # date + interval is a timestamp in DuckDB


def _label(start: ir.DateValue, grain: Grain) -> ir.StringValue:
    if grain == "day":
        return start.strftime("%Y-%m-%d")
    if grain == "week":
        iso_year = (start + ibis.interval(days=3)).year().cast("string")
        return iso_year + "-W" + start.week_of_year().cast("string").lpad(2, "0")
    return start.strftime("%Y-%m")


def unless_blank(name: ir.StringValue) -> ir.StringValue:
    """The name, or null when it is empty or only white space (then the key is shown)."""
    return ibis.ifelse(name.re_search(_BLANK), ibis.null("string"), name)


def rollup(model: ir.Table, campaigns: ir.Table, ad_groups: ir.Table, spec: RollupSpec) -> ir.Table:
    """Sum every fact per grain x period x level x series (``kpi_rollup``).

    The facts are summed once per day and ad group before the names are joined, and each
    coarser level is summed from the finer one of the same grain (ad group -> campaign ->
    channel -> total), so only the first sum reads every fact row. The campaign and ad group
    names are grouping keys (one name per key, from the dimension), never aggregated.
    """
    daily = model.group_by("date", "campaign_key", "ad_group_key").aggregate(
        **{f: exact_sum(model[f]) for f in FACTS})
    named = daily.join(campaigns.select("campaign_key", "channel",
                                        campaign_name=unless_blank(campaigns.campaign_name)),
                       "campaign_key", how="left").join(
        ad_groups.select("ad_group_key", ad_group_name=unless_blank(ad_groups.ad_group_name)),
        "ad_group_key", how="left")
    named = named.mutate(channel=named.channel.fill_null(spec.other_channel),
                         campaign_name=named.campaign_name.fill_null(named.campaign_key),
                         ad_group_name=named.ad_group_name.fill_null(named.ad_group_key))
    parts = []
    for grain in spec.grains:
        start, end, previous = period(named.date, grain)
        finer = named.mutate(period_start=start, period_end=end, previous_start=previous)
        for level in reversed(LEVELS):  # finest first: each level sums the one before
            dims = list(_LEVEL_DIMS[level])
            names = [n for n, d in (("campaign_name", "campaign_key"),
                                    ("ad_group_name", "ad_group_key")) if d in dims]
            # The names are grouped on, not aggregated: each is fixed by its key (the
            # dimensions hold one row per key). DuckDB's max() of a string longer than 12
            # bytes keeps a copy per group in an arena that is neither spilled nor counted
            # against memory_limit (duckdb 1.5.6) until the aggregate is done: with max() the
            # 10M-row benchmark peaked 1.1 GB higher (2,375 MB against 1,230 MB).
            keys = ["period_start", "period_end", "previous_start", *dims, *names]
            sums = finer.group_by(keys).aggregate(**{f: exact_sum(finer[f]) for f in FACTS})
            finer = sums
            if level not in spec.levels:
                continue
            fill = {d: ibis.null("string") for d in _DIMS if d not in sums.columns}
            parts.append(sums.mutate(grain=ibis.literal(grain), level=ibis.literal(level),
                                     period_label=_label(sums.period_start, grain), **fill))
    stacked = ibis.union(*parts)
    series = ibis.literal("|").join([stacked[d].fill_null("") for d in
                                     ("channel", "campaign_key", "ad_group_key")])
    provisional = (stacked.period_end >= spec.provisional_since
                   if spec.provisional_since else ibis.literal(False))
    complete = (stacked.period_start >= spec.data_start) & (stacked.period_end <= spec.data_end)
    return stacked.mutate(series_key=series, provisional=provisional, complete=complete).select(
        "grain", "level", "period_start", "period_end", "previous_start", "period_label",
        "complete", "provisional", "series_key", *_DIMS, *FACTS,
    )


def _at_levels(sums: ir.Table, levels: Sequence[str] | None) -> ir.Table:
    return sums if levels is None else sums.filter(sums.level.isin(list(levels)))


def _metric_rows(sums: ir.Table) -> ir.Table:
    """Unpivot: one row per metric, KPIs computed from the sums (null on a zero denominator),
    each metric at the levels the registry keeps it at."""
    keys = ["grain", "level", "period_start", "period_end", "previous_start", "period_label",
            "complete", "provisional", "series_key", *_DIMS]
    rows = []
    for m in MEASURES.values():
        at = _at_levels(sums, m.levels)
        rows.append(at.select(*keys, metric=ibis.literal(m.id), kind=ibis.literal("measure"),
                              value=at[m.id].cast("float64"),
                              numerator=ibis.null("float64"), denominator=ibis.null("float64")))
    for k in KPIS.values():
        at = _at_levels(sums, k.levels)
        num, den = at[k.numerator].cast("float64"), at[k.denominator].cast("float64")
        value = ibis.ifelse(den == 0, ibis.null("float64"), num / den * k.scale)
        rows.append(at.select(*keys, metric=ibis.literal(k.id), kind=ibis.literal("kpi"),
                              value=value, numerator=num, denominator=den))
    return ibis.union(*rows)


def _targets(rows: ir.Table, targets: Sequence[TargetRow]) -> ir.Value:
    """The most specific target for each row, or null."""
    cases = []
    ranked = sorted(targets, key=lambda t: (t.campaign is None, t.channel is None))
    for t in ranked:
        condition = rows.metric == t.kpi
        if t.campaign is not None:
            condition &= (rows.campaign_key == t.campaign) | (rows.campaign_name == t.campaign)
        if t.channel is not None:
            condition &= rows.channel == t.channel
        cases.append((condition, ibis.literal(t.value, "float64")))
    return ibis.cases(*cases, else_=ibis.null("float64")) if cases else ibis.null("float64")


def kpi_values(sums: ir.Table, spec: RollupSpec, currency: str) -> ir.Table:
    """``kpi_values``: every metric with previous period, change and target (long form)."""
    rows = _metric_rows(sums)
    previous = rows.select(
        p_grain=rows.grain, p_series=rows.series_key, p_level=rows.level, p_metric=rows.metric,
        p_start=rows.period_start, previous_value=rows.value,
    )
    joined = rows.left_join(
        previous,
        [rows.grain == previous.p_grain, rows.level == previous.p_level,
         rows.series_key == previous.p_series, rows.metric == previous.p_metric,
         rows.previous_start == previous.p_start],
    ).drop("p_grain", "p_series", "p_level", "p_metric", "p_start")
    target = _targets(joined, spec.targets)
    with_target = joined.mutate(target=target)
    change = ibis.ifelse(with_target.previous_value == 0, ibis.null("float64"),
                         with_target.value / with_target.previous_value - 1)
    vs_target = ibis.ifelse(with_target.target == 0, ibis.null("float64"),
                            with_target.value / with_target.target - 1)
    higher = [k.id for k in KPIS.values() if k.direction == "higher"]
    on_target = ibis.ifelse(
        with_target.metric.isin(higher), with_target.value >= with_target.target,
        with_target.value <= with_target.target)
    return with_target.mutate(
        change=change, vs_target=vs_target, on_target=on_target,
        currency=ibis.literal(currency),
    ).drop("previous_start").order_by(list(VALUES_ORDER))
