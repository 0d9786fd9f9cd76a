"""Bring ``kpi_rollup`` and ``kpi_values`` up to date at the cost of what changed.

A night rolls up again only the periods :mod:`kpi.rollup_window` names: those holding a day the
model was rebuilt from other pulls since the KPI tables were last built (their copy of the
model's inputs, :data:`INPUTS_TABLE`, tells which), those whose flags the night moves, and
for ``kpi_values`` the periods right after them. A campaign or ad group renamed (or a new one)
has its campaign and ad group rows rolled up again over its whole history; previous-period
values of everything else come from the stored rows. All of it is replaced in one
transaction, with the state it was built from.

The tables are rebuilt whole instead when asked (``full``), on engines without a row-level
replace in a transaction (Spark, BigQuery), when what the sums mean changed (targets, the
metric registry, grains and levels, the reporting currency, the model's rules, the tables'
columns), when a campaign moved to another channel over days outside the night's periods,
or when the night's periods cover more than half the history (cheaper whole).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend

from kpi import model, rollup, rollup_window
from kpi.registry import KPIS, MEASURES
from kpi.rollup_window import Flags, Period, Scope, Span
from pipelines.warehouse.freshness import MODEL_INPUTS_TABLE, unconsumed_dates
from pipelines.warehouse.store import Matching, read_state, replace_matching, replace_tables

INPUTS_TABLE = "kpi_inputs"  # the copy of the model's inputs the KPI tables were built from
DIMENSIONS_TABLE = "kpi_dimensions"  # the channels and names the KPI tables carry
RULES_STATE = f"{rollup.ROLLUP_TABLE}.rules"
FLAGS_STATE = f"{rollup.ROLLUP_TABLE}.flags"
VERSION = "1"  # bump when the roll-up's arithmetic changes: stored tables are then rebuilt
SERIES_LEVELS: tuple[rollup.Level, ...] = ("campaign", "ad_group")
FULL_SHARE = 0.5  # above this share of the history's days to read, rebuild whole
PIECE_DAYS = 31  # a whole rebuild writes kpi_values a month of periods at a time


@dataclass(frozen=True)
class Outcome:
    """What a run did: ``mode``, why, the rows each table holds afterwards, and (incremental)
    how many periods and days it rolled up again and which campaigns' series it redid."""

    mode: Literal["full", "incremental"]
    reason: str
    rows: Mapping[str, int]
    periods: int = 0
    days_read: int = 0
    series: tuple[str, ...] = ()


def flags_of(spec: rollup.RollupSpec) -> Flags:
    return Flags(spec.data_start, spec.data_end, spec.provisional_since)


def fingerprint(spec: rollup.RollupSpec, currency: str, upstream: str | None) -> str:
    """What the stored sums and values mean: a change of any of it rebuilds them whole.
    ``upstream``: the model's own rules fingerprint (a rules change rebuilds the model's whole
    history from the same pulls, which the inputs copy cannot see)."""
    meaning = {
        "version": VERSION, "currency": currency, "model": upstream,
        "targets": [dataclasses.asdict(t) for t in spec.targets],
        "grains": list(spec.grains), "levels": list(spec.levels),
        "other_channel": spec.other_channel, "facts": list(model.FACTS),
        "metrics": [repr(m) for m in (*MEASURES.values(), *KPIS.values())],
    }
    return hashlib.sha256(json.dumps(meaning, sort_keys=True).encode()).hexdigest()[:16]


def dimensions(campaigns: ir.Table, ad_groups: ir.Table, other_channel: str) -> ir.Table:
    """The channel and name every campaign and ad group key carries in the KPI tables
    (``kind``, ``key``, ``campaign_key``, ``channel``, ``name``)."""
    c = campaigns.select(
        kind=ibis.literal("campaign"), key=campaigns.campaign_key,
        campaign_key=campaigns.campaign_key,
        channel=campaigns.channel.fill_null(other_channel),
        name=rollup.unless_blank(campaigns.campaign_name).fill_null(campaigns.campaign_key))
    g = ad_groups.select(
        kind=ibis.literal("ad_group"), key=ad_groups.ad_group_key,
        campaign_key=ad_groups.campaign_key, channel=ibis.null("string"),
        name=rollup.unless_blank(ad_groups.ad_group_name).fill_null(ad_groups.ad_group_key))
    return c.union(g)


Dimension = tuple[str | None, str | None, str]  # campaign key, channel, name


def changed_keys(before: Mapping[tuple[str, str], Dimension],
                 after: Mapping[tuple[str, str], Dimension],
                 other_channel: str) -> tuple[frozenset[str], frozenset[str]]:
    """(campaigns renamed or with an ad group renamed, campaigns moved to another channel),
    from the :func:`dimensions` rows by (kind, key) before and after. A key missing on one
    side carries what the roll-up gives a key missing from the dimension tables.

    >>> old = {("campaign", "c1"): ("c1", "Search", "Brand")}
    >>> new = {("campaign", "c1"): ("c1", "Search", "Brand 2"),
    ...        ("ad_group", "c1:5"): ("c1", None, "c1:5"), ("campaign", "c2"): ("c2", "Video", "V")}
    >>> renamed, moved = changed_keys(old, new, "Other")
    >>> sorted(renamed), sorted(moved)
    (['c1', 'c2'], ['c2'])
    """
    renamed: set[str] = set()
    moved: set[str] = set()
    for kind, key in before.keys() | after.keys():
        known = after.get((kind, key)) or before[(kind, key)]
        default = (known[0], other_channel if kind == "campaign" else None, key)
        old, new = before.get((kind, key), default), after.get((kind, key), default)
        campaign = known[0] or key
        if old[1] != new[1]:
            moved.add(campaign)
        if old[2] != new[2]:
            renamed.add(campaign)
    return frozenset(renamed), frozenset(moved)


def _in_periods(t: ir.Table, periods: Collection[Period]) -> ir.BooleanValue:
    starts: dict[str, list] = defaultdict(list)
    for grain, start in sorted(periods):
        starts[grain].append(start)
    conditions = [(t.grain == g) & t.period_start.isin(s) for g, s in starts.items()]
    return ibis.or_(*conditions) if conditions else ibis.literal(False)


def _in_days(date: ir.DateValue, days: Iterable[Span]) -> ir.BooleanValue:
    conditions = [date.between(start, end) for start, end in days]
    return ibis.or_(*conditions) if conditions else ibis.literal(False)


def _of_series(t: ir.Table, series: Collection[str]) -> ir.BooleanValue:
    if not series:
        return ibis.literal(False)
    return t.level.isin(list(SERIES_LEVELS)) & t.campaign_key.isin(sorted(series))


def window_rollup(facts: ir.Table, campaigns: ir.Table, ad_groups: ir.Table,
                  spec: rollup.RollupSpec, scope: Scope, series: Collection[str]) -> ir.Table:
    """The ``kpi_rollup`` rows of the scope's periods, from the facts of its days only, and of
    ``series`` (campaign keys) at campaign and ad group level in every other period."""
    parts = []
    if scope.rollup:
        sums = rollup.rollup(facts.filter(_in_days(facts.date, scope.days)), campaigns,
                             ad_groups, spec)
        parts.append(sums.filter(_in_periods(sums, scope.rollup)))
    levels = [lv for lv in SERIES_LEVELS if lv in spec.levels]
    if series and levels:
        own = rollup.rollup(facts.filter(facts.campaign_key.isin(sorted(series))), campaigns,
                            ad_groups, dataclasses.replace(spec, levels=levels))
        parts.append(own.filter(~_in_periods(own, scope.rollup)))
    return ibis.union(*parts)


def window_values(stored: ir.Table, spec: rollup.RollupSpec, currency: str, scope: Scope,
                  series: Collection[str]) -> ir.Table:
    """The ``kpi_values`` rows of the scope's value periods and of ``series``, from ``stored``
    (``kpi_rollup`` with the window's rows already replaced): each period's previous one is
    read with it, replaced or not."""
    needed = scope.values | {(g, rollup_window.previous_start(s, g)) for g, s in scope.values}
    source = stored.filter(_in_periods(stored, needed) | _of_series(stored, series))
    values = rollup.kpi_values(source, spec, currency)
    return values.filter(_in_periods(values, scope.values) | _of_series(values, series))


def value_pieces(stored: ir.Table, spec: rollup.RollupSpec, currency: str,
                 days: int | None = None) -> list[ir.Table]:
    """``kpi_values`` of every period of ``stored`` (the whole ``kpi_rollup``), as one query
    per ``days`` (:data:`PIECE_DAYS`) days of period starts, each reading only its periods
    and their previous ones (:func:`window_values`). Together the same rows as
    :func:`kpi.rollup.kpi_values` of the whole table (tested); a piece's previous-period join
    fits in memory, where the whole table's (35M rows at 300 campaigns over 3 years) spilled
    for half an hour."""
    periods = sorted({(grain, rollup_window.period_start(day, grain))
                      for day in rollup_window.each_day(spec.data_start, spec.data_end)
                      for grain in spec.grains}, key=lambda p: (p[1], p[0]))
    days = days or PIECE_DAYS
    if not periods or (spec.data_end - spec.data_start).days + 1 <= 2 * days:
        return [rollup.kpi_values(stored, spec, currency)]  # a short history: one query
    first = periods[0][1]
    groups: dict[int, set[Period]] = defaultdict(set)
    for grain, start in periods:
        groups[(start - first).days // days].add((grain, start))
    return [window_values(stored, spec, currency,
                          Scope(frozenset(), frozenset(group), ()), frozenset())
            for _, group in sorted(groups.items())]


def _keys(periods: Collection[Period], series: Collection[str]) -> list[pa.Table]:
    """The rows a window replaces, as key tables for :class:`Matching`."""
    ordered = sorted(periods)
    keys = [pa.table({"grain": [g for g, _ in ordered],
                      "period_start": pa.array([s for _, s in ordered], pa.date32())})]
    if series:
        pairs = [(lv, key) for lv in SERIES_LEVELS for key in sorted(series)]
        keys.append(pa.table({"level": [lv for lv, _ in pairs],
                              "campaign_key": [k for _, k in pairs]}))
    return keys


def _by_key(frame) -> dict[tuple[str, str], Dimension]:
    frame = frame.astype(object).where(frame.notna(), None)
    return {(r.kind, r.key): (r.campaign_key, r.channel, r.name)
            for r in frame.itertuples(index=False)}


def _why_full(con: BaseBackend, rules: str, full: bool) -> str:
    """Why the tables must be rebuilt whole, or '' when the night's window will do. (Their
    columns follow from the facts, the registry and :data:`VERSION`, all in ``rules``.)"""
    if full:
        return "asked for (--full)"
    if con.name != "duckdb":
        return f"{con.name} has no row-level replace in a transaction"
    tables = set(con.list_tables())
    missing = [t for t in (rollup.ROLLUP_TABLE, rollup.VALUES_TABLE, INPUTS_TABLE,
                           DIMENSIONS_TABLE, MODEL_INPUTS_TABLE) if t not in tables]
    if missing:
        return f"no {', '.join(missing)} yet"
    if read_state(con, RULES_STATE) != rules or read_state(con, FLAGS_STATE) is None:
        return "targets, metrics, grains, currency or model rules changed"
    return ""


def update(con: BaseBackend, spec: rollup.RollupSpec, currency: str,
           upstream: str | None = None, full: bool = False,
           full_share: float | None = None) -> Outcome:
    """Bring the KPI tables up to date with the model and its dimension tables (see the module's
    docstring); ``upstream`` is the model's rules fingerprint; above ``full_share`` of the
    history's days to read (default :data:`FULL_SHARE`), the tables are rebuilt whole."""
    facts = con.table(model.MODEL_TABLE)
    campaigns, ad_groups = con.table(model.CAMPAIGN_DIM), con.table(model.AD_GROUP_DIM)
    rules = fingerprint(spec, currency, upstream)
    state = {RULES_STATE: rules, FLAGS_STATE: flags_of(spec).to_json()}
    dims = dimensions(campaigns, ad_groups, spec.other_channel)
    reason = _why_full(con, rules, full)
    scope, series = Scope(frozenset(), frozenset(), ()), frozenset[str]()
    if not reason:
        changed = unconsumed_dates(con, INPUTS_TABLE) or []
        before = Flags.from_json(read_state(con, FLAGS_STATE) or "")
        scope = rollup_window.scope(changed, before, flags_of(spec), spec.grains)
        series, moved = changed_keys(_by_key(con.execute(con.table(DIMENSIONS_TABLE))),
                                     _by_key(con.execute(dims)), spec.other_channel)
        history = (spec.data_end - spec.data_start).days + 1
        if moved and con.execute(facts.filter(facts.campaign_key.isin(sorted(moved))
                                              & ~_in_days(facts.date, scope.days)).count()):
            reason = f"{len(moved)} campaigns moved to another channel"
        elif scope.day_count > (FULL_SHARE if full_share is None else full_share) * history:
            reason = f"the changes reach {scope.day_count} of {history} days"
    copies = {DIMENSIONS_TABLE: dims}
    if MODEL_INPUTS_TABLE in con.list_tables():
        copies[INPUTS_TABLE] = con.table(MODEL_INPUTS_TABLE)
    if reason:
        sums = rollup.rollup(facts, campaigns, ad_groups, spec)
        rebuilt = ibis.table(sums.schema(), name=rollup.ROLLUP_TABLE)  # read inside the write
        values = (value_pieces(rebuilt, spec, currency) if con.name == "duckdb"
                  else rollup.kpi_values(rebuilt, spec, currency))
        written = replace_tables(con, {rollup.ROLLUP_TABLE: sums, rollup.VALUES_TABLE: values,
                                       **copies}, state=state)
        return Outcome("full", reason, {t: written[t] for t in (rollup.ROLLUP_TABLE,
                                                                rollup.VALUES_TABLE)})
    tables = {}
    if scope.rollup or series:
        stored = con.table(rollup.ROLLUP_TABLE)
        tables = {
            rollup.ROLLUP_TABLE: Matching(
                window_rollup(facts, campaigns, ad_groups, spec, scope, series),
                _keys(scope.rollup, series)),
            rollup.VALUES_TABLE: Matching(
                window_values(stored, spec, currency, scope, series),
                _keys(scope.values, series)),
        }
    replace_matching(con, tables, whole=copies, state=state)
    rows = {t: int(con.execute(con.table(t).count()))
            for t in (rollup.ROLLUP_TABLE, rollup.VALUES_TABLE)}
    return Outcome("incremental", "the model's changes since the last build", rows,
                   periods=len(scope.rollup), days_read=scope.day_count,
                   series=tuple(sorted(series)))
