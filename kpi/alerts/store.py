"""The nightly alert run in the warehouse: read the model's daily series, fold the morning's
findings into the ``alerts`` table (kept: rows are opened, updated and closed, never deleted).

Series: ``campaign_daily`` summed per day and campaign key (Google Ads and Meta campaigns: the
keys with a platform cost), the platform as the account, ``dim_campaign``'s channel; Ads /
Meta conversions as ``conversions``, GA4 key events as ``ga4_conversions``, the model's counted
``leads``, ``purchases`` and ``revenue`` (what CPL and ROAS are computed from); the completeness
by age from ``lag_curves`` (Google Ads' curve of each measure; none yet: judged as final); rows
per source from the extract log.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from kpi.alerts.detect import WINDOW, Series, detect
from kpi.alerts.state import COLUMNS, Alert, fold, open_since
from kpi.model import CAMPAIGN_DIM, MODEL_TABLE, PAID_PREFIXES
from kpi.nowcast_tables import CURVES_TABLE
from pipelines.warehouse.store import EXTRACTS_TABLE, replace_with_arrow

ALERTS_TABLE = "alerts"
OUTCOMES = ("leads", "purchases", "revenue")  # what cpl_high and roas_low judge
REPLAY_DAYS = 30  # mornings a first run judges (the backfill's last month)
SCHEMA = pa.schema([
    ("alert_id", pa.string()), ("kind", pa.string()), ("level", pa.string()),
    ("key", pa.string()), ("account", pa.string()), ("channel", pa.string()),
    ("metric", pa.string()), ("since", pa.date32()), ("last_day", pa.date32()),
    ("days", pa.int64()), ("observed", pa.float64()), ("expected", pa.float64()),
    ("lower", pa.float64()), ("upper", pa.float64()), ("status", pa.string()),
    ("opened_on", pa.date32()), ("updated_on", pa.date32()), ("closed_on", pa.date32()),
])
assert tuple(SCHEMA.names) == COLUMNS


def _completeness(con: BaseBackend) -> dict[str, tuple[float, ...]]:
    """Mean completeness of the Ads and the GA4 conversion measures by age (1, 2, ...)."""
    if CURVES_TABLE not in con.list_tables():
        return {}
    curves = con.table(CURVES_TABLE).to_pandas()
    out = {}
    for measure, source, of in (("conversions", "google_ads", ["leads", "purchases"]),
                                ("ga4_conversions", "ga4", ["leads", "purchases"]),
                                ("leads", "google_ads", ["leads"]),
                                ("purchases", "google_ads", ["purchases"]),
                                ("revenue", "google_ads", ["revenue"])):
        rows = curves[(curves["source"] == source) & curves["measure"].isin(of)]
        if not rows.empty:
            by_age = rows.groupby("age")["completeness"].mean().sort_index()
            out[measure] = tuple(float(v) if np.isfinite(v) else 1.0 for v in by_age.to_numpy())
    return out


def read_series(con: BaseBackend, last_day: dt.date, extra: int = 0) -> Series | None:
    """The paid campaigns' daily series up to ``last_day``, ``extra`` days more than a morning
    reads (to replay mornings); None without data."""
    facts = con.table(MODEL_TABLE)
    first = last_day - dt.timedelta(days=WINDOW + extra - 1)
    paid = facts.campaign_key.startswith(PAID_PREFIXES[0])
    for prefix in PAID_PREFIXES[1:]:
        paid |= facts.campaign_key.startswith(prefix)
    rows = facts.filter(facts.date.between(first, last_day) & paid).group_by(
        ["date", "campaign_key"]).aggregate(
        cost=facts.cost.sum(), clicks=facts.clicks.sum(),
        conversions=facts.platform_conversions.sum(),
        ga4_conversions=facts.ga4_conversions.sum(),
        **{c: facts[c].sum() for c in OUTCOMES if c in facts.columns}).to_pandas()
    if rows.empty:
        return None
    dim = con.table(CAMPAIGN_DIM).select("campaign_key", "platform", "channel").to_pandas()
    dim = dim.drop_duplicates("campaign_key").set_index("campaign_key")
    days = np.arange(np.datetime64(first), np.datetime64(last_day) + 1)
    rows["date"] = pd.to_datetime(rows["date"]).dt.date
    keys = tuple(sorted(rows["campaign_key"].unique()))
    values = {}
    for measure in ("cost", "clicks", "conversions", "ga4_conversions", *OUTCOMES):
        if measure not in rows:  # an older model without them: those detectors wait
            continue
        wide = rows.pivot_table(index="date", columns="campaign_key", values=measure,
                                aggfunc="sum").astype(float)
        wide = wide.reindex(index=list(days.astype(object)), columns=list(keys))
        values[measure] = wide.fillna(0.0).to_numpy()
    return Series(days=days, keys=keys,
                  accounts=tuple(str(dim["platform"].get(k, "")) for k in keys),
                  channels=tuple(str(dim["channel"].get(k, "")) for k in keys),
                  values=values, completeness=_completeness(con),
                  rows=_rows_by_source(con, days))


def _rows_by_source(con: BaseBackend, days: np.ndarray) -> dict[str, np.ndarray]:
    """Rows each source delivered per day of ``days``, from the model's own rows (a source
    whose pulls ran but brought nothing shows as zeros)."""
    if EXTRACTS_TABLE not in con.list_tables():
        return {}
    facts = con.table(MODEL_TABLE)
    first, last = days[0].astype(object), days[-1].astype(object)
    t = facts.filter(facts.date.between(first, last)).mutate(
        src=facts.campaign_key.split(":")[0])
    counts = t.group_by(["src", "date"]).aggregate(n=t.count()).to_pandas()
    out = {}
    for source, part in counts.groupby("src"):
        per_day = dict(zip(pd.to_datetime(part["date"]).dt.date, part["n"], strict=True))
        out[str(source)] = np.array([per_day.get(d, 0) for d in days.astype(object)], dtype=float)
    return out


def campaign_names(con: BaseBackend) -> dict[str, str]:
    """Each campaign key's latest name (for the alerts in words)."""
    if CAMPAIGN_DIM not in con.list_tables():
        return {}
    dim = con.table(CAMPAIGN_DIM).select("campaign_key", "campaign_name").to_pandas()
    return {str(k): str(n) for k, n in zip(dim["campaign_key"], dim["campaign_name"],
                                             strict=True) if isinstance(n, str) and n}


def read_alerts(con: BaseBackend) -> list[Alert]:
    """The alerts kept so far (none before the first run)."""
    if ALERTS_TABLE not in con.list_tables():
        return []
    frame = con.table(ALERTS_TABLE).to_pandas()
    out = []
    for row in frame.to_dict("records"):
        for c in ("since", "last_day", "opened_on", "updated_on", "closed_on"):
            row[c] = None if pd.isna(row[c]) else pd.Timestamp(row[c]).date()
        row["days"] = int(row["days"])
        out.append(Alert(**row))
    return out


def write_alerts(con: BaseBackend, alerts: list[Alert]) -> None:
    """Replace the ``alerts`` table with ``alerts`` (all of them, closed ones too)."""
    table = pa.Table.from_pylist([a.row() for a in alerts], schema=SCHEMA)
    replace_with_arrow(con, {ALERTS_TABLE: table})


def nightly(con: BaseBackend, morning: dt.date) -> list[Alert]:
    """Judge the day before ``morning`` (and the mornings since the last run) and keep the
    alerts; returns every alert (``new``: opened by this run). A morning already judged is not
    judged again."""
    kept = read_alerts(con)
    last = max((a.updated_on for a in kept), default=None)
    if last is not None and last >= morning:
        return kept
    # The mornings not judged yet (a first run or a backfill: the last REPLAY_DAYS), each on
    # the values as they stand now: an anomaly gets its true first day and stays open.
    first = morning - dt.timedelta(days=REPLAY_DAYS) if last is None else last
    mornings = [first + dt.timedelta(days=i) for i in range(1, (morning - first).days + 1)]
    series = read_series(con, morning - dt.timedelta(days=1), extra=len(mornings) - 1)
    new: set[str] = set()
    for day in mornings:
        if series is not None:
            view = series.upto(len(series.days) - (morning - day).days)
            kept = fold(kept, detect(view, open_since(kept)), day)
        else:
            kept = fold(kept, [], day)
        new |= {a.alert_id for a in kept if a.new}
    kept = [dataclasses.replace(a, new=a.alert_id in new) for a in kept]
    write_alerts(con, kept)
    return kept
