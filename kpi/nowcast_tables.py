"""The lag-curve and nowcast tables, from the warehouse's revision history and model.

- ``lag_curves``: per source x measure x age, the chain-ladder factor, the share of the final
  value seen at that age (completeness) and whether the history was long enough.
- ``kpi_nowcast``: per grain x period x level x series x metric, for the periods whose
  conversions are still arriving: the value seen, the nowcast and its 80 % interval, and how
  complete the period's conversions are. KPIs are ratios of the summed nowcasts.

Only the newest days are read (the fitting window of the curves and the periods the immature
days fall in), so the cost does not grow with the history.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from kpi import nowcast, rollup
from kpi.lag import FIT_ORIGINS, LagCurve
from kpi.model import AD_GROUP_DIM, CAMPAIGN_DIM, FACTS, MODEL_TABLE, ModelRules
from kpi.registry import KPIS
from pipelines.sources.streams import ADS_CONVERSION_ACTION_DAILY
from pipelines.warehouse.revisions import REVISIONS_TABLE

CURVES_TABLE = "lag_curves"
NOWCAST_TABLE = "kpi_nowcast"
_SOURCE = {"ads_conversion_action_daily": "google_ads", "ga4_key_events_daily": "ga4",
           "ga4_sessions_daily": "ga4", "meta_adset_daily": "meta_ads"}
_META_MEASURES = {"leads": "leads", "purchases": "purchases", "purchase_value": "revenue"}


@dataclass(frozen=True)
class LagTables:
    curves: pd.DataFrame
    nowcast: pd.DataFrame
    night: dt.date | None  # the newest pull the curves know


def increments(con: BaseBackend, since: dt.date) -> pd.DataFrame:
    """Per stream x measure x last key part x day x age: the change seen at that age."""
    t = con.table(REVISIONS_TABLE)
    t = t.filter(t.date >= since)
    window = ibis.window(group_by=[t.stream, t.scope, t.key, t.date, t.measure],
                         order_by=t.seen_on)
    t = t.mutate(delta=t.value - t.value.lag().over(window).fill_null(0.0),
                 part=t.key.re_extract(r"([^|]*)$", 1))
    sums = t.group_by(["stream", "measure", "part", "date", "age"]).aggregate(
        delta=t.delta.sum())
    return con.execute(sums)


def classify(rows: pd.DataFrame, rules: ModelRules, action_names: dict[str, str]) -> pd.DataFrame:
    """Revision increments as (source, measure, date, age, delta) in the model's measures:
    leads, purchases, revenue (purchases' value), sessions, engaged_sessions. Meta's rows are
    already leads, purchases and purchase value (per ad set).

    >>> rows = pd.DataFrame({"stream": ["ads_conversion_action_daily"] * 2, "measure":
    ...     ["conversions", "conversions_value"], "part": ["9", "9"], "date": [1, 1],
    ...     "age": [1, 1], "delta": [2.0, 50.0]})
    >>> from kpi.model import ModelRules
    >>> rules = ModelRules("EUR", {}, ["Lead"], ["Purchase"], ["generate_lead"], ["purchase"],
    ...                    "ads", {}, [])
    >>> classify(rows, rules, {"9": "Purchase"})[["measure", "delta"]].to_dict("list")
    {'measure': ['purchases', 'revenue'], 'delta': [2.0, 50.0]}
    """
    leads_a, buys_a = set(rules.lead_actions), set(rules.purchase_actions)
    leads_e, buys_e = set(rules.lead_events), set(rules.purchase_events)

    def kind(stream: str, part: str) -> str | None:
        if stream == "ads_conversion_action_daily":
            name = action_names.get(part, "")
            if part in leads_a or name in leads_a:
                return "leads"
            return "purchases" if part in buys_a or name in buys_a else None
        if stream == "ga4_key_events_daily":
            if part in leads_e:
                return "leads"
            return "purchases" if part in buys_e else None
        return "sessions"

    out = []
    meta = rows[rows["stream"] == "meta_adset_daily"]
    if not meta.empty:  # Meta's rows are already leads, purchases and their value
        out.append(meta.assign(measure=meta["measure"].map(_META_MEASURES),
                               source=_SOURCE["meta_adset_daily"]))
        rows = rows[rows["stream"] != "meta_adset_daily"]
    for (stream, part), group in rows.groupby(["stream", "part"]):
        k = kind(str(stream), str(part))
        if k is None:
            continue
        g = group.copy()
        if k != "sessions":  # sessions keep their own measure names
            is_value = g["measure"].isin(["conversions_value", "event_value"])
            if k == "leads":
                g = g[~is_value]
            g["measure"] = ["revenue" if v else k for v in is_value[g.index]]
        g["source"] = _SOURCE[str(stream)]
        out.append(g)
    if not out:
        return pd.DataFrame(columns=["source", "measure", "date", "age", "delta"])
    both = pd.concat(out)
    return both.groupby(["source", "measure", "date", "age"], as_index=False)["delta"].sum()


def curves_frame(fitted: dict[tuple[str, str], LagCurve]) -> pd.DataFrame:
    """One row per source x measure x age."""
    rows = [{"source": s, "measure": m, "age": age, "factor": c.factors[age - 1],
             "to_final": c.to_ultimate(age), "completeness": c.completeness(age),
             "sigma2": c.sigma2[age - 1], "volume": c.volumes[age - 1], "days": c.origins,
             "pooled": c.pooled, "reliable": c.reliable}
            for (s, m), c in sorted(fitted.items()) for age in range(1, c.max_age + 1)]
    return pd.DataFrame(rows, columns=["source", "measure", "age", "factor", "to_final",
                                       "completeness", "sigma2", "volume", "days", "pooled",
                                       "reliable"])


def lag_tables(con: BaseBackend, rules: ModelRules, other_channel: str = "Other",
               grains: Sequence[rollup.Grain] = rollup.GRAINS) -> LagTables:
    """Fit the curves and nowcast the immature periods (empty frames when there is no history
    yet)."""
    empty = LagTables(curves_frame({}), pd.DataFrame(), None)
    if REVISIONS_TABLE not in con.list_tables() or MODEL_TABLE not in con.list_tables():
        return empty
    rev = con.table(REVISIONS_TABLE)
    last = con.execute(rev.seen_on.max())
    if last is None or pd.isna(last):
        return empty
    night = pd.Timestamp(last).date()
    rows = increments(con, night - dt.timedelta(days=FIT_ORIGINS + 62))
    names = _action_names(con)
    fitted = nowcast.curves(classify(rows, rules, names), night)
    if not fitted:
        return LagTables(curves_frame(fitted), pd.DataFrame(), night)
    max_age = max(c.max_age for c in fitted.values())
    oldest = night - dt.timedelta(days=max_age)
    since = min(oldest.replace(day=1), oldest - dt.timedelta(days=oldest.weekday()))
    model = con.table(MODEL_TABLE)
    daily = con.execute(model.filter(model.date >= since))
    if daily.empty:
        return LagTables(curves_frame(fitted), pd.DataFrame(), night)
    daily["date"] = pd.to_datetime(daily["date"]).dt.date
    facts = [f for f in FACTS if f in daily.columns]

    def source_of(key: str) -> str:
        """Whose lag a campaign's conversions follow: its ad platform's under ``ads``."""
        if rules.attribution == "ads":
            for prefix, platform in (("gads:", "google_ads"), ("meta:", "meta_ads")):
                if key.startswith(prefix):
                    return platform
        return "ga4"

    parts = nowcast.daily_parts(daily, fitted, night, source_of, facts)
    spec = rollup.RollupSpec(data_start=since, data_end=night - dt.timedelta(days=1),
                             provisional_since=None, grains=grains, other_channel=other_channel)
    # The frames are the newest weeks only: they are rolled up in memory, on a DuckDB of their
    # own, whatever engine holds the warehouse (no upload to Spark or BigQuery).
    local = ibis.duckdb.connect(memory_limit="1GB",
                                temp_directory=str(Path(tempfile.gettempdir()) / "ckpi-spill"))
    dims = (local.create_table("dims_campaign", con.execute(con.table(CAMPAIGN_DIM))),
            local.create_table("dims_ad_group", con.execute(con.table(AD_GROUP_DIM))))
    columns = ["date", "campaign_key", "ad_group_key", *facts]
    table = local.create_table("facts", daily[columns])
    rolled = local.compile(rollup.rollup(table, *dims, spec))  # compiled once, run four times
    sums = {}
    for name, frame in (("seen", daily), *parts.items()):
        local.create_table("facts", frame[columns], overwrite=True)
        sums[name] = local.con.execute(rolled).df()
    out = nowcast.intervals(sums["seen"], sums["final"], sums["process"], sums["parameter"],
                            KPIS)
    reliable = all(c.reliable for c in fitted.values())
    out = out.assign(reliable=reliable, as_of=night)
    return LagTables(curves_frame(fitted), out, night)


def _action_names(con: BaseBackend) -> dict[str, str]:
    table = ADS_CONVERSION_ACTION_DAILY.table
    if table not in con.list_tables():
        return {}
    t = con.table(table)
    pairs = con.execute(t.select("conversion_action_id", "conversion_action_name").distinct())
    return dict(zip(pairs["conversion_action_id"].astype(str),
                    pairs["conversion_action_name"].astype(str), strict=True))


_NOWCAST_SCHEMA = {
    "grain": "string", "level": "string", "period_start": "date32[pyarrow]",
    "period_end": "date32[pyarrow]", "period_label": "string", "series_key": "string",
    "channel": "string", "campaign_key": "string", "campaign_name": "string",
    "ad_group_key": "string", "ad_group_name": "string", "metric": "string",
    "seen": "float64", "nowcast": "float64", "low": "float64", "high": "float64",
    "completeness": "float64", "reliable": "bool", "as_of": "date32[pyarrow]",
}


def as_arrow(tables: LagTables) -> dict[str, pa.Table]:
    """Both tables with fixed schemas (also when empty), ready to replace whole."""
    frame = tables.nowcast
    if frame.empty:
        frame = pd.DataFrame({c: pd.Series(dtype=t) for c, t in _NOWCAST_SCHEMA.items()})
    else:
        frame = frame.copy()
        for column in ("period_start", "period_end", "as_of"):
            frame[column] = pd.to_datetime(frame[column]).dt.date
        frame = frame[list(_NOWCAST_SCHEMA)]
    curves = tables.curves.astype({"age": "int64", "days": "int64", "pooled": "bool",
                                   "reliable": "bool"})
    return {CURVES_TABLE: pa.Table.from_pandas(curves, preserve_index=False),
            NOWCAST_TABLE: pa.Table.from_pandas(frame, preserve_index=False)}
