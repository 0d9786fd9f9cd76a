"""Checks on the model and the roll-ups, as Ibis expressions (offending rows; empty = healthy)
or small pure functions. Each compares against sums computed independently, so it can fail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import ibis
import ibis.expr.types as ir
from ibis import _

from kpi.model import FACTS, ModelRules, to_reporting
from kpi.rollup import period

RECONCILED = ("impressions", "clicks", "cost", "sessions", "engaged_sessions")
GRAINS = ("day", "week", "month")
LEVELS = ("total", "channel", "campaign", "ad_group")


def missing_days(present: Iterable[dt.date], start: dt.date, end: dt.date) -> list[dt.date]:
    """Dates in [start, end] with no row at all.

    >>> missing_days([dt.date(2026, 1, 1), dt.date(2026, 1, 3)], dt.date(2026, 1, 1),
    ...              dt.date(2026, 1, 3))
    [datetime.date(2026, 1, 2)]
    """
    seen = set(present)
    days = (end - start).days + 1
    return [d for d in (start + dt.timedelta(days=i) for i in range(days)) if d not in seen]


def _zeros(**given: ir.Value) -> dict[str, ir.Value]:
    return {m: given.get(m, ibis.literal(0.0)).cast("float64") for m in RECONCILED}


def raw_daily_totals(raw: Mapping[str, ir.Table], rules: ModelRules,
                     currencies: Sequence[str]) -> ir.Table:
    """Per date, straight from the raw tables: Google Ads campaign totals (the authoritative
    level), Meta ad sets (link clicks are the model's clicks) and GA4 sessions."""
    c, s, f = raw["ads_campaign_daily"], raw["ga4_sessions_daily"], raw["meta_adset_daily"]
    ads = c.select("date", **_zeros(
        impressions=c.impressions, clicks=c.clicks,
        cost=to_reporting(c.cost_micros / 1e6, c.currency_code, rules, currencies)))
    meta = f.select("date", **_zeros(
        impressions=f.impressions, clicks=f.link_clicks,
        cost=to_reporting(f.spend, f.currency_code, rules, currencies)))
    ga4 = s.select("date", **_zeros(sessions=s.sessions, engaged_sessions=s.engaged_sessions))
    every = ibis.union(ads, meta, ga4)
    return every.group_by("date").aggregate(**{m: every[m].sum() for m in RECONCILED})


def _gaps(expected: ir.Table, actual: ir.Table, keys: Sequence[str], measures: Sequence[str],
          tolerance: float) -> ir.Table:
    """(keys, measure, expected, actual) where the two disagree beyond a relative tolerance."""

    def cells(table: ir.Table, value: str) -> ir.Table:  # one row per key and measure
        return ibis.union(*[table.select(*keys, measure=ibis.literal(m),
                                         **{value: table[m].cast("float64")})
                            for m in measures])

    on = [*keys, "measure"]
    joined = cells(expected, "expected").outer_join(cells(actual, "actual"), on)
    both = joined.select(**{k: ibis.coalesce(joined[k], joined[f"{k}_right"]) for k in on},
                         expected=joined.expected.fill_null(0),
                         actual=joined.actual.fill_null(0))
    gap = (both.actual - both.expected).abs()
    return both.filter(gap > tolerance * ibis.greatest(1, both.expected.abs()))


def model_off_raw(model: ir.Table, raw: Mapping[str, ir.Table], rules: ModelRules,
                  currencies: Sequence[str], start: dt.date, end: dt.date,
                  tolerance: float = 1e-9) -> ir.Table:
    """Days in [start, end] where the model's delivery and traffic differ from the raw totals
    (a row lost or doubled between raw and model)."""
    inside = {name: t.filter(t.date.between(start, end)) for name, t in raw.items()}
    expected = raw_daily_totals(inside, rules, currencies)
    m = model.filter(model.date.between(start, end))
    actual = m.group_by("date").aggregate(**{f: m[f].sum() for f in RECONCILED})
    return _gaps(expected, actual, ["date"], RECONCILED, tolerance)


def unreconciled(rollup: ir.Table, model: ir.Table, tolerance: float = 1e-9) -> ir.Table:
    """Roll-up cells that break "every level of every period adds up to the model's sum over
    that period": e.g. a dimension join that doubles or drops rows at some level.

    Every grain, level and measure is compared in one join: a join per grain and level came
    to half a megabyte of BigQuery SQL, slow to compile; this is about 13 KB."""
    sums = {f: _[f].sum() for f in FACTS}
    day = model.group_by("date").aggregate(**sums)
    per_grain = ibis.union(*[
        day.mutate(grain=ibis.literal(grain), period_start=period(day.date, grain)[0])
        .group_by(["grain", "period_start"]).aggregate(**sums)
        for grain in GRAINS])
    expected = ibis.union(*[per_grain.mutate(level=ibis.literal(level)) for level in LEVELS])
    cells = rollup.filter(rollup.grain.isin(GRAINS) & rollup.level.isin(LEVELS))
    actual = cells.group_by(["grain", "level", "period_start"]).aggregate(**sums)
    gaps = _gaps(expected, actual, ["grain", "level", "period_start"], FACTS, tolerance)
    return gaps.select("period_start", "measure", "expected", "actual", "grain", "level")
