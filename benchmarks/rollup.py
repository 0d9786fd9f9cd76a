"""Benchmark: the KPI roll-up (kpi.rollup.rollup) at 10M and 100M fact rows against a hand-written
DuckDB GROUP BY and a pandas groupby.

1. A generator builds a ``campaign_daily``-shaped fact table of N rows inside DuckDB with SQL
   (``range()`` and ``hash()``-based pseudo-random numbers, deterministic): 1,096 days from
   2023-11-24, 10 channels, 2,000 campaigns, 20,000 ad groups (10 per campaign, the first one
   the campaign-level ``...:-`` ad group), rows in date order. Each row carries the keys, the
   denormalised names and channel, and every additive fact of ``kpi.model.FACTS`` (every
   campaign is a ``gads:`` one, so the paid facts repeat its conversions). The
   dimensions ``dim_campaign`` / ``dim_ad_group`` are generated alongside. Up to 21.9M rows
   (1,096 x 20,000) every (date, ad group) appears at most once, as in the model; beyond that a
   key repeats (100M rows: ~4.6 rows per key and day). Nothing passes through Python.
2. ours: ``rollup(campaign_daily, dim_campaign, dim_ad_group, spec)`` with every grain (day,
   week, month) and level (total, channel, campaign, ad_group), materialised exactly as the
   pipeline does it (``pipelines.warehouse.store.replace_tables``: compile, then
   ``CREATE OR REPLACE TABLE kpi_rollup AS ...`` in a transaction, then ``count(*)``).
3. raw: one hand-written SQL statement with the same joins, GROUPING SETS over the same 12
   grain x level combinations and the same output columns (labels, flags, series keys),
   materialised the same way. raw (denormalised): the same without the two dimension joins,
   reading channel and names from the fact table itself.
4. pandas, sums only: ``SELECT *`` into a DataFrame, a period column per grain,
   ``groupby(keys + names)[facts].sum()`` per level. Less than ours: names from the fact table
   (no dimension join), no period ends, labels, flags or series keys. Not like for like.
5. pandas, same output (``pandas_same_output``): reads what ours reads (the model's keys and
   facts, the two dimensions), then produces ``kpi_rollup`` column for column (the same joins,
   cascade, labels, flags and series keys); checked row by row against ours. This is the
   like-for-like comparison, timed with its load and without it.

Every DuckDB side is also timed producing its result in memory: ``ours_mem`` (the Ibis
expression to a pyarrow Table, ``con.to_pyarrow``: it includes reading the table, DuckDB has no
separate load), ``raw_mem`` (the raw SQL's Arrow result). ``ours`` / ``raw`` are the table
writes the pipeline does.

ours and raw are compared row by row (every key, flag, name and sum) after the timed runs. Peak
RSS of ours (and raw) at the largest size is measured in a fresh subprocess with
``--rss-memory-limit`` (default 1GB) and a spill directory. DuckDB runs with 2 threads.

    .venv/bin/python benchmarks/rollup.py --rows 10000000 [--rows 100000000] [--repeat 3]
"""

# ruff: noqa: S608  (SQL text is built from this file's constants and dates, no user input)

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import ibis
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi.model import FACTS  # noqa: E402
from kpi.rollup import GRAINS, LEVELS, RollupSpec, rollup  # noqa: E402
from pipelines.warehouse.store import replace_tables, transaction  # noqa: E402

DATA = ROOT / "benchmarks" / ".data"
FIRST_DAY = dt.date(2023, 11, 24)
DAYS = 1096
CHANNELS = ("Search", "Shopping", "Performance Max", "Display", "Video", "Demand Gen",
            "Organic Search", "Email", "Social", "Referral")
CAMPAIGNS = 2000
AD_GROUPS = 20_000  # 10 per campaign
STRIDE = 7919  # coprime with AD_GROUPS: spreads a day's rows over distinct ad groups
KEYS = ("channel", "campaign_key", "ad_group_key")
LEVEL_DIMS = {"total": (), "channel": ("channel",), "campaign": ("channel", "campaign_key"),
              "ad_group": KEYS}


# --- data ----------------------------------------------------------------------------------

def configure(raw: duckdb.DuckDBPyConnection, memory_limit: str, spill: Path) -> None:
    spill.mkdir(parents=True, exist_ok=True)
    raw.execute("SET threads = 2")
    raw.execute(f"SET memory_limit = '{memory_limit}'")
    raw.execute(f"SET temp_directory = '{spill}'")
    raw.execute("SET preserve_insertion_order = false")
    raw.execute("SET max_temp_directory_size = '40GB'")  # fail clearly before the disk is full


def generate(raw: duckdb.DuckDBPyConnection, rows: int) -> None:
    """``campaign_daily`` (N rows, date order) and its two dimension tables, in SQL."""
    per_day = -(-rows // DAYS)

    def u(k: int) -> str:  # a deterministic uniform [0, 1) per row and stream k
        return f"(hash(i * 16 + {k}) % 1000000007) / 1000000007.0"

    channels = "[" + ", ".join(f"'{c}'" for c in CHANNELS) + "]"
    raw.execute(f"""
        CREATE OR REPLACE TABLE dim_campaign AS
        SELECT 'gads:' || (1000000 + c) AS campaign_key,
               list_extract({channels}, c % 10 + 1) AS channel,
               'Campaign ' || c AS campaign_name
        FROM range({CAMPAIGNS}) t(c)""")
    raw.execute(f"""
        CREATE OR REPLACE TABLE dim_ad_group AS
        SELECT 'gads:' || (1000000 + g // 10) || ':' || CASE WHEN g % 10 = 0 THEN '-'
                   ELSE (5000000 + g)::VARCHAR END AS ad_group_key,
               'gads:' || (1000000 + g // 10) AS campaign_key,
               CASE WHEN g % 10 = 0 THEN '(campaign level)' ELSE 'Ad group ' || g END
                   AS ad_group_name
        FROM range({AD_GROUPS}) t(g)""")
    raw.execute(f"""
        CREATE OR REPLACE TABLE campaign_daily AS
        WITH r AS (
            SELECT i, i // {per_day} AS d, ((i % {per_day}) * {STRIDE}) % {AD_GROUPS} AS g,
                   {u(1)} AS u1, {u(2)} AS u2, {u(3)} AS u3, {u(4)} AS u4, {u(5)} AS u5,
                   {u(6)} AS u6, {u(7)} AS u7, {u(8)} AS u8
            FROM range({rows}) t(i)
        ), b AS (
            SELECT *, floor(20 + 4980 * u1 * u1)::DOUBLE AS impressions,
                   'gads:' || (1000000 + g // 10) AS campaign_key
            FROM r
        ), c AS (
            SELECT *, floor(impressions * 0.08 * u2)::DOUBLE AS clicks FROM b
        ), s AS (
            SELECT *, floor(clicks * (0.6 + 0.5 * u4))::DOUBLE AS sessions FROM c
        ), p AS (
            SELECT *, floor(sessions * 0.06 * u6)::DOUBLE AS leads,
                   floor(sessions * 0.03 * u7)::DOUBLE AS purchases
            FROM s
        )
        SELECT DATE '{FIRST_DAY.isoformat()}' + d::INTEGER AS date,
               list_extract({channels}, (g // 10) % 10 + 1) AS channel,
               campaign_key,
               'Campaign ' || (g // 10) AS campaign_name,
               campaign_key || ':' || CASE WHEN g % 10 = 0 THEN '-'
                   ELSE (5000000 + g)::VARCHAR END AS ad_group_key,
               CASE WHEN g % 10 = 0 THEN '(campaign level)' ELSE 'Ad group ' || g END
                   AS ad_group_name,
               impressions, clicks,
               round(clicks * (0.15 + 2.5 * u3), 2) AS cost,
               sessions, floor(sessions * (0.3 + 0.6 * u5))::DOUBLE AS engaged_sessions,
               leads, purchases, leads + purchases AS conversions,
               round(purchases * (15 + 185 * u8), 2) AS revenue,
               -- every campaign is a Google Ads one: its paid facts repeat its conversions
               leads AS paid_leads, purchases AS paid_purchases,
               leads + purchases AS paid_conversions,
               round(purchases * (15 + 185 * u8), 2) AS paid_revenue
        FROM p ORDER BY i""")


def spec_for(raw: duckdb.DuckDBPyConnection) -> RollupSpec:
    start, end = raw.execute("SELECT min(date), max(date) FROM campaign_daily").fetchone()
    return RollupSpec(data_start=start, data_end=end,
                      provisional_since=end - dt.timedelta(days=3), other_channel="Other")


# --- the three sides -------------------------------------------------------------------------

def ours_expr(con: Any, spec: RollupSpec) -> Any:
    model = con.table("campaign_daily").select("date", "campaign_key", "ad_group_key", *FACTS)
    return rollup(model, con.table("dim_campaign"), con.table("dim_ad_group"), spec)


def ours(con: Any, spec: RollupSpec) -> int:
    """Table write, as the pipeline does it (``replace_tables``)."""
    return replace_tables(con, {"kpi_rollup": ours_expr(con, spec)})["kpi_rollup"]


def ours_mem(con: Any, spec: RollupSpec) -> int:
    """The same result produced in memory: the Ibis expression executed to a pyarrow Table."""
    return con.to_pyarrow(ours_expr(con, spec)).num_rows


def raw_sql(spec: RollupSpec, joined: bool) -> str:
    facts = ", ".join(f"sum({f}) AS {f}" for f in FACTS)
    if joined:
        source = """
            SELECT f.date, coalesce(c.channel, 'Other') AS channel, f.campaign_key,
                   coalesce(c.campaign_name, f.campaign_key) AS campaign_name, f.ad_group_key,
                   coalesce(a.ad_group_name, f.ad_group_key) AS ad_group_name, {facts}
            FROM campaign_daily f
            LEFT JOIN dim_campaign c ON f.campaign_key = c.campaign_key
            LEFT JOIN dim_ad_group a ON f.ad_group_key = a.ad_group_key"""
    else:
        source = """
            SELECT date, channel, campaign_key, campaign_name, ad_group_key, ad_group_name,
                   {facts} FROM campaign_daily"""
    source = source.format(facts=", ".join(f"f.{x}" if joined else x for x in FACTS))
    sets = []
    for period in ("date", "w", "m"):
        for level in LEVELS:
            sets.append("(" + ", ".join((period, *LEVEL_DIMS[level])) + ")")
    prov = (f"period_end >= DATE '{spec.provisional_since}'" if spec.provisional_since
            else "false")
    return f"""
        WITH named AS ({source}),
        periods AS (
            SELECT *, date_trunc('week', date)::DATE AS w, date_trunc('month', date)::DATE AS m
            FROM named
        ), sums AS (
            SELECT CASE WHEN GROUPING(date) = 0 THEN 'day' WHEN GROUPING(w) = 0 THEN 'week'
                        ELSE 'month' END AS grain,
                   CASE GROUPING(channel, campaign_key, ad_group_key) WHEN 7 THEN 'total'
                        WHEN 3 THEN 'channel' WHEN 1 THEN 'campaign' ELSE 'ad_group' END
                        AS level,
                   coalesce(date, w, m) AS period_start, channel, campaign_key, ad_group_key,
                   max(campaign_name) AS cn, max(ad_group_name) AS an, {facts}
            FROM periods
            GROUP BY GROUPING SETS ({", ".join(sets)})
        ), bounds AS (
            SELECT *,
                   CASE grain WHEN 'day' THEN period_start
                        WHEN 'week' THEN (period_start + INTERVAL 6 DAY)::DATE
                        ELSE (period_start + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE
                   END AS period_end,
                   CASE grain WHEN 'day' THEN (period_start - INTERVAL 1 DAY)::DATE
                        WHEN 'week' THEN (period_start - INTERVAL 7 DAY)::DATE
                        ELSE (period_start - INTERVAL 1 MONTH)::DATE END AS previous_start
            FROM sums
        )
        SELECT grain, level, period_start, period_end, previous_start,
               CASE grain WHEN 'day' THEN strftime(period_start, '%Y-%m-%d')
                    WHEN 'week' THEN isoyear(period_start)::VARCHAR || '-W'
                         || lpad(weekofyear(period_start)::VARCHAR, 2, '0')
                    ELSE strftime(period_start, '%Y-%m') END AS period_label,
               period_start >= DATE '{spec.data_start}' AND period_end <= DATE '{spec.data_end}'
                   AS complete,
               {prov} AS provisional,
               coalesce(channel, '') || '|' || coalesce(campaign_key, '') || '|'
                   || coalesce(ad_group_key, '') AS series_key,
               channel, campaign_key,
               CASE WHEN level IN ('campaign', 'ad_group') THEN cn END AS campaign_name,
               ad_group_key, CASE WHEN level = 'ad_group' THEN an END AS ad_group_name,
               {", ".join(FACTS)}
        FROM bounds"""


def raw(con: Any, spec: RollupSpec, joined: bool) -> int:
    """Materialised like ``replace_tables``: CTAS in a transaction, then count(*)."""
    name = "raw_rollup" if joined else "raw_rollup_denorm"
    with transaction(con) as db:
        db.execute(f"CREATE OR REPLACE TABLE {name} AS {raw_sql(spec, joined)}")
        return int(db.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0])


def raw_mem(con: Any, spec: RollupSpec) -> int:
    """The raw query's result in memory as a pyarrow Table (nothing written)."""
    return con.con.sql(raw_sql(spec, joined=True)).arrow().read_all().num_rows


def pandas_load(db: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return db.execute("SELECT * FROM campaign_daily").df()


def pandas_rollup(df: pd.DataFrame) -> int:
    """What an analyst writes: a period column per grain, groupby per level, .sum()."""
    date = pd.to_datetime(df["date"])
    periods = {"day": date, "week": date - pd.to_timedelta(date.dt.day_of_week, unit="D"),
               "month": date.dt.to_period("M").dt.start_time}
    names = {"total": [], "channel": [], "campaign": ["campaign_name"],
             "ad_group": ["campaign_name", "ad_group_name"]}
    out = []
    for grain in GRAINS:
        frame = df.assign(period_start=periods[grain])
        for level in LEVELS:
            keys = ["period_start", *LEVEL_DIMS[level], *names[level]]
            sums = frame.groupby(keys)[list(FACTS)].sum().reset_index()
            out.append(sums.assign(grain=grain, level=level))
    return len(pd.concat(out, ignore_index=True))  # one result frame, like the other sides


def pandas_load_model(db: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, ...]:
    """What ours reads: the model's keys and facts (not its denormalised names) and the two
    dimension tables, as DataFrames."""
    facts = db.execute("SELECT date, campaign_key, ad_group_key, "
                       f"{', '.join(FACTS)} FROM campaign_daily").df()
    return (facts, db.execute("SELECT * FROM dim_campaign").df(),
            db.execute("SELECT * FROM dim_ad_group").df())


def _blank_to_none(names: pd.Series) -> pd.Series:
    """Like ``kpi.rollup.unless_blank``: empty or white-space-only names become missing."""
    return names.where(~names.fillna("").str.fullmatch(r"\s*"), None)


def pandas_same_output(facts: pd.DataFrame, campaigns: pd.DataFrame, ad_groups: pd.DataFrame,
                       spec: RollupSpec) -> pd.DataFrame:
    """``kpi_rollup`` in pandas, column for column: the same joins and null-filling, the same
    cascade (each level summed from the finer one), period ends, previous starts, labels,
    ``complete`` / ``provisional`` flags and series keys. Sums are float64 (ours adds as
    DECIMAL(38, 9): exact whatever the row order; the check allows 1e-9 relative)."""
    daily = facts.groupby(["date", "campaign_key", "ad_group_key"], sort=False)[
        list(FACTS)].sum().reset_index()
    names_c = campaigns.assign(campaign_name=_blank_to_none(campaigns["campaign_name"]))
    names_a = ad_groups.assign(ad_group_name=_blank_to_none(ad_groups["ad_group_name"]))
    named = daily.merge(names_c[["campaign_key", "channel", "campaign_name"]],
                        on="campaign_key", how="left").merge(
        names_a[["ad_group_key", "ad_group_name"]], on="ad_group_key", how="left")
    named["channel"] = named["channel"].fillna(spec.other_channel)
    named["campaign_name"] = named["campaign_name"].fillna(named["campaign_key"])
    named["ad_group_name"] = named["ad_group_name"].fillna(named["ad_group_key"])
    date = pd.to_datetime(named["date"])
    monday = date - pd.to_timedelta(date.dt.day_of_week, unit="D")
    month = date.dt.to_period("M").dt.start_time
    bounds = {"day": (date, date, date - pd.Timedelta(days=1)),
              "week": (monday, monday + pd.Timedelta(days=6), monday - pd.Timedelta(days=7)),
              "month": (month, month + pd.offsets.MonthEnd(0), month - pd.DateOffset(months=1))}
    parts = []
    for grain in GRAINS:
        start, end, previous = bounds[grain]
        finer = named.drop(columns="date").assign(period_start=start, period_end=end,
                                                  previous_start=previous)
        for level in reversed(LEVELS):
            dims = list(LEVEL_DIMS[level])
            names = [n for n, d in (("campaign_name", "campaign_key"),
                                    ("ad_group_name", "ad_group_key")) if d in dims]
            keys = ["period_start", "period_end", "previous_start", *dims, *names]
            finer = finer.groupby(keys, sort=False)[list(FACTS)].sum().reset_index()
            parts.append(finer.assign(grain=grain, level=level))
    out = pd.concat(parts, ignore_index=True)
    for column in ("channel", "campaign_key", "campaign_name", "ad_group_key", "ad_group_name"):
        if column not in out:
            out[column] = None
    start = out["period_start"]
    iso = start.dt.isocalendar()
    out["period_label"] = np.select(
        [out["grain"] == "day", out["grain"] == "week"],
        [start.dt.strftime("%Y-%m-%d"),
         iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)],
        start.dt.strftime("%Y-%m"))
    out["complete"] = ((start >= pd.Timestamp(spec.data_start))
                       & (out["period_end"] <= pd.Timestamp(spec.data_end)))
    out["provisional"] = (out["period_end"] >= pd.Timestamp(spec.provisional_since)
                          if spec.provisional_since else False)
    out["series_key"] = (out["channel"].fillna("") + "|" + out["campaign_key"].fillna("") + "|"
                         + out["ad_group_key"].fillna(""))
    return out[["grain", "level", "period_start", "period_end", "previous_start",
                "period_label", "complete", "provisional", "series_key", "channel",
                "campaign_key", "campaign_name", "ad_group_key", "ad_group_name", *FACTS]]


def store_pandas(db: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """``frame`` as table ``pandas_rollup`` (dates as DATE), for :func:`mismatches`."""
    db.register("pandas_frame", frame)
    db.execute("""CREATE OR REPLACE TABLE pandas_rollup AS SELECT * REPLACE (
                      period_start::DATE AS period_start, period_end::DATE AS period_end,
                      previous_start::DATE AS previous_start) FROM pandas_frame""")
    db.unregister("pandas_frame")


# --- checks --------------------------------------------------------------------------------

def mismatches(db: duckdb.DuckDBPyConnection, other: str) -> int:
    """Rows of kpi_rollup and ``other`` that differ in any column (sums to 1e-9 relative)."""
    same_keys = " AND ".join(f"o.{k} IS NOT DISTINCT FROM r.{k}" for k in
                             ("grain", "level", "period_start", "series_key"))
    exact = ("period_end", "previous_start", "period_label", "complete", "provisional",
             "channel", "campaign_key", "campaign_name", "ad_group_key", "ad_group_name")
    differ = " OR ".join([f"o.{c} IS DISTINCT FROM r.{c}" for c in exact] + [
        f"abs(o.{f} - r.{f}) > 1e-9 * greatest(1, abs(r.{f}))" for f in FACTS])
    return db.execute(f"""
        SELECT count(*) FROM kpi_rollup o FULL JOIN {other} r ON {same_keys}
        WHERE o.grain IS NULL OR r.grain IS NULL OR {differ}""").fetchone()[0]


def totals_match(db: duckdb.DuckDBPyConnection) -> bool:
    facts = ", ".join(f"sum({f})" for f in FACTS)
    truth = db.execute(f"SELECT {facts} FROM campaign_daily").fetchone()
    for grain in GRAINS:
        got = db.execute(f"SELECT {facts} FROM kpi_rollup WHERE grain = '{grain}' "
                         "AND level = 'total'").fetchone()
        if not np.allclose(got, truth, rtol=1e-9):
            return False
    return True


# --- measuring -----------------------------------------------------------------------------

def timed(fn: Callable[[], Any], repeat: int, warm_up: bool = True) -> tuple[list[float], Any]:
    result = fn() if warm_up else None
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def summary(times: list[float]) -> dict[str, float]:
    return {"median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3),
            "max_s": round(max(times), 3), "runs": len(times)}


def vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(side: str, path: Path, memory_limit: str) -> None:
    """One run of ``side`` in this (fresh) process; prints time and peak RSS as JSON."""
    con = ibis.duckdb.connect(str(path))
    configure(con.con, memory_limit, DATA / "spill")
    spec = spec_for(con.con)
    before = vm_hwm_mb()
    started = time.perf_counter()
    rows = ours(con, spec) if side == "ours" else raw(con, spec, joined=True)
    seconds = time.perf_counter() - started
    print(json.dumps({"side": side, "seconds": round(seconds, 3), "rows": rows,
                      "vm_hwm_before_mb": round(before, 1), "vm_hwm_mb": round(vm_hwm_mb(), 1),
                      "memory_limit": memory_limit}))


def peak_rss(side: str, path: Path, memory_limit: str) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", side,
               "--db", str(path), "--rss-memory-limit", memory_limit]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    import resource
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["ru_maxrss_children_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return result


def run_size(rows: int, repeat: int, args: argparse.Namespace) -> dict[str, Any]:
    path = DATA / f"rollup-{rows}.duckdb"
    if not args.reuse:
        path.unlink(missing_ok=True)
        Path(f"{path}.wal").unlink(missing_ok=True)
    con = ibis.duckdb.connect(str(path))
    db = con.con
    configure(db, args.memory_limit, DATA / "spill")
    # tables left by an earlier run
    for table in ("kpi_rollup", "raw_rollup", "raw_rollup_denorm", "pandas_rollup"):
        db.execute(f"DROP TABLE IF EXISTS {table}")
    started = time.perf_counter()
    if not (args.reuse and "campaign_daily" in con.list_tables()):
        generate(db, rows)
    db.execute("CHECKPOINT")
    generate_s = time.perf_counter() - started
    spec = spec_for(db)
    result: dict[str, Any] = {
        "rows": rows, "generate_s": round(generate_s, 2),
        "distinct_keys": db.execute("SELECT count(*) FROM (SELECT DISTINCT date, ad_group_key "
                                    "FROM campaign_daily)").fetchone()[0],
        "spec": {"data_start": str(spec.data_start), "data_end": str(spec.data_end),
                 "provisional_since": str(spec.provisional_since)},
    }
    print(f"[{rows:,}] generated in {generate_s:.1f} s", flush=True)
    if args.rss_only:
        con.disconnect()
        return finish(result, path, args, measure_rss=True)
    # Interleave the sides per repeat so background noise hits them alike.
    sides: dict[str, Callable[[], int]] = {
        "ours_mem": lambda: ours_mem(con, spec),
        "raw_mem": lambda: raw_mem(con, spec),
        "ours": lambda: ours(con, spec),
        "raw": lambda: raw(con, spec, joined=True),
    }
    if args.raw_once:  # large sizes: ours (table write) is measured in the RSS run instead
        sides = {"raw": sides["raw"]}
    if args.sides:
        sides = {name: sides[name] for name in args.sides}
    if not args.no_denorm:
        sides["raw_denorm"] = lambda: raw(con, spec, joined=False)
    times: dict[str, list[float]] = {k: [] for k in sides}
    cpus: dict[str, list[float]] = {k: [] for k in sides}  # this process: every thread
    counts = {}
    if not args.no_warm_up:
        for name, fn in sides.items():
            counts[name] = fn()
    failed: dict[str, str] = {}
    for _ in range(repeat):
        for name, fn in sides.items():
            if name in failed:
                continue
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                counts[name] = fn()
            except duckdb.Error as exc:  # e.g. the spill limit: recorded, the others go on
                failed[name] = f"{type(exc).__name__} after {time.perf_counter() - t0:.0f} s: " \
                    + str(exc).splitlines()[0]
                print(f"[{rows:,}] {name} failed: {failed[name]}", flush=True)
                continue
            times[name].append(time.perf_counter() - t0)
            cpus[name].append(time.process_time() - c0)
        print(f"[{rows:,}] " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items() if v),
              flush=True)
    for name in failed:
        sides.pop(name)
        times.pop(name)
    result["failed"] = failed
    result["output_rows"] = counts
    if "ours" in sides and "raw" in sides:
        result["mismatches_vs_raw"] = mismatches(db, "raw_rollup")
    if "raw_denorm" in sides:
        result["mismatches_vs_raw_denorm"] = mismatches(db, "raw_rollup_denorm")
    if "ours" in sides:
        result["totals_match_facts"] = totals_match(db)
    for name in sides:
        result[name] = summary(times[name]) | {"cpu_median_s": round(
            statistics.median(cpus[name]), 3)}
    result["warm_up"] = not args.no_warm_up
    if rows <= args.pandas_max_rows:
        load_t, df = timed(lambda: pandas_load(db), 1, warm_up=False)
        result["pandas_frame_mb"] = round(df.memory_usage(deep=True).sum() / 2**20)
        group_t, pandas_rows = timed(lambda: pandas_rollup(df), args.pandas_repeat,
                                     warm_up=False)
        del df
        result["pandas_load"] = summary(load_t)
        result["pandas_groupby"] = summary(group_t)
        result["pandas_output_rows"] = pandas_rows
        print(f"[{rows:,}] pandas load {load_t[0]:.1f} s, groupby {group_t}", flush=True)
        # Like for like: the same output as ours, from what ours reads.
        c0 = time.process_time()
        model_t, loaded = timed(lambda: pandas_load_model(db), 1, warm_up=False)
        c1 = time.process_time()
        same_t, frame = timed(lambda: pandas_same_output(*loaded, spec), args.pandas_repeat,
                              warm_up=False)
        c2 = time.process_time()
        del loaded
        result["pandas_model_load"] = summary(model_t) | {"cpu_median_s": round(c1 - c0, 3)}
        result["pandas_same_output"] = summary(same_t) | {
            "cpu_median_s": round((c2 - c1) / args.pandas_repeat, 3)}  # mean, in fact
        result["pandas_same_output_rows"] = len(frame)
        if "kpi_rollup" not in con.list_tables():  # the reference, outside the timings
            ours(con, spec)
        store_pandas(db, frame)
        del frame
        result["mismatches_pandas_vs_ours"] = mismatches(db, "pandas_rollup")
        print(f"[{rows:,}] pandas, same output: load {model_t[0]:.1f} s, roll-up {same_t}, "
              f"{result['mismatches_pandas_vs_ours']} rows differ from ours", flush=True)
    else:
        result["pandas"] = (f"not run: above --pandas-max-rows {args.pandas_max_rows:,}")
    con.disconnect()
    return finish(result, path, args, measure_rss=rows >= args.rss_min_rows)


def finish(result: dict[str, Any], path: Path, args: argparse.Namespace,
           measure_rss: bool) -> dict[str, Any]:
    """The peak-RSS runs (when asked), the database file's size, then the file removed unless
    ``--keep``."""
    if measure_rss:
        for side in args.rss_sides:
            result[f"rss_{side}"] = peak_rss(side, path, args.rss_memory_limit)
            print(f"[{result['rows']:,}] peak RSS {side}: {result[f'rss_{side}']}", flush=True)
    result["db_file_mb"] = round(path.stat().st_size / 2**20)
    if not args.keep:
        path.unlink(missing_ok=True)
    return result


def ratio(a: dict[str, float] | None, b: dict[str, float] | None) -> float | None:
    return round(a["median_s"] / b["median_s"], 2) if a and b else None


def cell(s: dict[str, float] | None) -> str:
    if not s:
        return "not run"
    return f"{s['median_s']:.2f} s ({s['min_s']:.2f}–{s['max_s']:.2f})"


def both(r: dict[str, Any]) -> dict[str, float] | None:
    pl, pg = r.get("pandas_load"), r.get("pandas_groupby")
    return {"median_s": pl["median_s"] + pg["median_s"]} if pl and pg else None


def cpu(r: dict[str, Any]) -> str:
    got = [r.get(k, {}).get("cpu_median_s") for k in
           ("ours_mem", "pandas_same_output", "pandas_model_load")]
    return " / ".join("n/a" if c is None else f"{c:.1f}" for c in got)


def same_with_load(r: dict[str, Any]) -> dict[str, float] | None:
    load, same = r.get("pandas_model_load"), r.get("pandas_same_output")
    if not (load and same):
        return None
    total = load["median_s"] + same["median_s"]
    return {"median_s": total, "min_s": load["min_s"] + same["min_s"],
            "max_s": load["max_s"] + same["max_s"]}


def markdown(results: list[dict[str, Any]], args: argparse.Namespace, command: str) -> str:
    import duckdb as d
    lines = [
        "# KPI roll-up at scale (issue 7, benchmark 1)", "",
        f"Recorded {dt.date.today().isoformat()} with `{command}`.",
        f"Machine: {os.cpu_count()} cores, 24 GiB, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, duckdb {d.__version__}, ibis {ibis.__version__}, "
        f"pandas {pd.__version__}, numpy {np.__version__}. DuckDB: 2 threads, memory_limit "
        f"{args.memory_limit} for the timed runs.",
        "Times: median (min–max) of the timed runs"
        + (" (no warm-up)" if args.no_warm_up else " after one warm-up")
        + " (DuckDB sides interleaved); pandas: no warm-up. `generate` is 0 with --reuse.", "",
        "In memory (every side produces its whole result in memory; DuckDB to a pyarrow "
        "Table, pandas one concatenated DataFrame; the pandas sums-only side does less work "
        "than ours, see the like-for-like table below):", "",
        "| rows | ours → Arrow | raw → Arrow | pandas sums only (not like for like: no "
        "dimension join, labels, flags or series keys) | pandas load | "
        "ours/raw | pandas/ours | (pandas load+groupby)/ours |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *[f"| {r['rows']:,} | {cell(r.get('ours_mem'))} | {cell(r.get('raw_mem'))} | "
          f"{cell(r.get('pandas_groupby'))} | {cell(r.get('pandas_load'))} | "
          f"{ratio(r.get('ours_mem'), r.get('raw_mem')) or 'n/a'}× | "
          f"{ratio(r.get('pandas_groupby'), r.get('ours_mem')) or 'n/a'}× | "
          f"{ratio(both(r), r.get('ours_mem')) or 'n/a'}× |" for r in results],
        "", "Like for like (every side returns the same rows and columns as `kpi_rollup`: "
        "the 12 grain × level combinations, names from the dimensions, period ends, previous "
        "starts, labels, flags, series keys, the 13 sums; checked row by row): pandas reads "
        "what ours reads (model keys and facts, the two dimensions). Ratios are pandas ÷ "
        "ours: above 1 ours is faster, below 1 pandas is.", "",
        "| rows | ours → Arrow | pandas roll-up (frame given) | pandas load | pandas load + "
        "roll-up | pandas roll-up ÷ ours | pandas load + roll-up ÷ ours | differing rows | "
        "CPU seconds (this process, all threads): ours / pandas roll-up / pandas load |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *[f"| {r['rows']:,} | {cell(r.get('ours_mem'))} | {cell(r.get('pandas_same_output'))} "
          f"| {cell(r.get('pandas_model_load'))} | "
          f"{cell(same_with_load(r))} | "
          f"{ratio(r.get('pandas_same_output'), r.get('ours_mem')) or 'n/a'}× | "
          f"{ratio(same_with_load(r), r.get('ours_mem')) or 'n/a'}× | "
          f"{r.get('mismatches_pandas_vs_ours', 'not run')} | {cpu(r)} |" for r in results],
        "", "Table write (what the pipeline does: CTAS in a transaction, then count(*)):", "",
        "| rows | generate | ours | raw (same joins) | raw (denormalised) | pandas load | "
        "pandas groupby | ours/raw | ours/raw denorm | pandas groupby/ours | "
        "pandas load+groupby/ours |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        if "ours" not in r:
            continue
        pl, pg = r.get("pandas_load"), r.get("pandas_groupby")
        lines.append(
            f"| {r['rows']:,} | {r['generate_s']:.1f} s | {cell(r['ours'])} | "
            f"{cell(r.get('raw'))} | {cell(r.get('raw_denorm'))} | {cell(pl)} | {cell(pg)} | "
            f"{ratio(r['ours'], r.get('raw')) or 'n/a'}× | "
            f"{ratio(r['ours'], r.get('raw_denorm')) or 'n/a'}× | "
            f"{ratio(pg, r['ours']) or 'n/a'}× | {ratio(both(r), r['ours']) or 'n/a'}× |")
    lines.append("")
    for r in results:
        lines.append(
            f"{r['rows']:,} rows: {r['distinct_keys']:,} distinct (date, ad group) keys; "
            + (f"kpi_rollup {r['output_rows']['ours']:,} rows; ours vs raw: "
               f"{r.get('mismatches_vs_raw', 'not run')} differing rows, vs raw denormalised: "
               f"{r.get('mismatches_vs_raw_denorm', 'not run')}; totals equal the facts' sums: "
               f"{r['totals_match_facts']}; " if "ours" in r else "timed runs not made; ")
            + f"DuckDB file {r['db_file_mb']:,} MB"
            + (f"; pandas frame {r['pandas_frame_mb']:,} MB" if "pandas_frame_mb" in r else "")
            + ".")
        for side in ("ours", "raw"):
            if f"rss_{side}" in r:
                s = r[f"rss_{side}"]
                lines.append(f"Peak RSS, {side}, fresh process, memory_limit "
                             f"{s['memory_limit']}: {s['vm_hwm_mb']:,.0f} MB (VmHWM; "
                             f"{s['vm_hwm_before_mb']:,.0f} MB before the query), "
                             f"{s['seconds']:.1f} s.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pandas-repeat", type=int, default=3)
    parser.add_argument("--pandas-max-rows", type=int, default=10_000_000)
    parser.add_argument("--memory-limit", default="8GB")
    parser.add_argument("--rss-memory-limit", default="1GB")
    parser.add_argument("--raw-once", action="store_true",
                        help="timed runs: raw (table write) only, e.g. at 100M")
    parser.add_argument("--sides", nargs="+", choices=("ours_mem", "raw_mem", "ours", "raw"),
                        help="time only these sides (e.g. the table writes at 100M, whose "
                             "in-memory results spill tens of GB)")
    parser.add_argument("--rss-min-rows", type=int, default=100_000_000)
    parser.add_argument("--rss-only", action="store_true",
                        help="generate, then only the peak-RSS subprocess runs (no timed sides)")
    parser.add_argument("--rss-sides", nargs="+", default=["ours", "raw"],
                        choices=("ours", "raw"))
    parser.add_argument("--no-warm-up", action="store_true")
    parser.add_argument("--no-denorm", action="store_true",
                        help="skip the denormalised raw variant")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse benchmarks/.data/rollup-<rows>.duckdb if it exists")
    parser.add_argument("--keep", action="store_true", help="keep the generated DuckDB files")
    parser.add_argument("--out", type=Path, default=None, help="write the Markdown here")
    parser.add_argument("--results", type=Path, default=None,
                        help="append the raw JSON here (default results/rollup-<date>.json)")
    parser.add_argument("--child", choices=("ours", "raw"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db, args.rss_memory_limit)
        return
    DATA.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now().isoformat(timespec="seconds")
    results = [run_size(n, args.repeat, args) for n in (args.rows or [10_000_000])]
    command = ".venv/bin/python benchmarks/rollup.py " + " ".join(sys.argv[1:])
    raw_file = args.results or (
        ROOT / "benchmarks" / "results" / f"rollup-{dt.date.today().isoformat()}.json")
    runs = json.loads(raw_file.read_text())["runs"] if raw_file.exists() else []
    runs.append({"command": command, "started": started, "cpu_count": os.cpu_count(),
                 "python": platform.python_version(), "duckdb": duckdb.__version__,
                 "ibis": ibis.__version__, "pandas": pd.__version__, "results": results})
    raw_file.write_text(json.dumps({"runs": runs}, indent=2))
    text = markdown(results, args, command)
    if args.out:
        args.out.write_text(text)
    print(text)
    print(f"(raw results: {raw_file})")


if __name__ == "__main__":
    main()
