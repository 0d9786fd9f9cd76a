"""What the KPI pages read from the warehouse: only the periods they show, filtered in the
warehouse query (Ibis: DuckDB, Spark or BigQuery), not in pandas after loading the history.

- drill-down: week rows of its four levels from 25 weeks before the latest complete week
  (the last 13 weeks and the 13 before them; the month to date and the latest 4 weeks fall
  inside);
- trends: the account's week and month rows (its history charts show everything, by week,
  4 weeks, month or quarter) and its daily rows of the last
  :data:`dashboards.trends.DAILY_WEEKS` weeks;
- overview: the account's week and month rows (the trend charts show the whole history, the
  period switch a year earlier) and the channels' rows of the last 4 complete weeks and of
  the months since the latest complete quarter began; in those periods too, the campaigns'
  rows of the measures "Platforms vs GA4" sums (cost and both views of the conversions);
- each page's ``kpi_nowcast`` rows: its levels, the grains it shows.

A page rendered from these rows is the page rendered from the whole table (tested).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from dashboards.drilldown_data import LEVELS as DRILLDOWN_LEVELS
from dashboards.drilldown_data import PERIOD_WEEKS, REQUIRED_COLUMNS
from dashboards.maturity import SHOWN_GRAINS
from dashboards.overview_attribution import MEASURES_READ
from dashboards.trends import daily_start
from kpi import maturity, nowcast_tables, rollup

Backend = Any  # an Ibis backend (DuckDB, Spark, BigQuery)
DRILLDOWN_WEEKS = 2 * max(PERIOD_WEEKS.values())  # the longest period and the one before it
DRILLDOWN_COLUMNS = (*REQUIRED_COLUMNS, "series_key", "kind", "previous_value")  # all it uses
PIECE_CAMPAIGNS = 100  # campaigns (with their ad groups) the drill-down judges at once
CHANNEL_WEEKS = 4  # the overview's longest period of weeks
NOWCAST_COLUMNS = (*maturity.KEYS, "nowcast", "low", "high", "completeness")  # what pages use


def _latest(con: Backend, rows: Any, complete: bool = True) -> dt.date | None:
    """The newest period_start among ``rows`` whose every row is complete (any when
    ``complete`` is False), or None."""
    if complete:
        weeks = rows.group_by("period_start").aggregate(
            done=rows.complete.fill_null(False).all())
        rows = weeks.filter(weeks.done)
    found = con.execute(rows.period_start.max())
    return None if found is None or pd.isna(found) else pd.Timestamp(found).date()


def _since(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


def in_order(rows: ir.Table) -> ir.Table:
    """``kpi_values`` rows in the order the full rebuild writes them: an incremental night
    appends its periods, so pages that list rows as read must not depend on storage order."""
    return rows.order_by(list(rollup.VALUES_ORDER))


def _frame(con: Backend, rows: ir.Table) -> pd.DataFrame:
    """``kpi_values`` ``rows`` in :func:`in_order`'s order: the frame ``con.execute`` returns
    for ``in_order(rows)`` (tested), read as Arrow batches and sorted in pandas (the order is a
    key, so the sort is exact). A warehouse sort and Ibis's conversion would hold the result
    twice more at the peak: the drill-down's million rows at 436 campaigns peaked at 1.9 GB
    that way, 1.1 GB this way."""
    reader = con.to_pyarrow_batches(rows, chunk_size=200_000)
    frame = pa.Table.from_batches(list(reader), schema=reader.schema).to_pandas()
    return frame.sort_values(list(rollup.VALUES_ORDER), kind="stable", ignore_index=True)


def _drilldown_query(con: Backend) -> ir.Table:
    t = con.table(rollup.VALUES_TABLE)
    rows = t.filter((t.grain == "week") & t.level.isin(list(DRILLDOWN_LEVELS)))
    rows = rows.select(*[c for c in DRILLDOWN_COLUMNS if c in rows.columns])
    anchor = _latest(con, rows) or _latest(con, rows, complete=False)
    if anchor is not None:
        start = anchor - dt.timedelta(weeks=DRILLDOWN_WEEKS - 1)
        rows = rows.filter(rows.period_start >= _since(start))
    return rows


def drilldown_rows(con: Backend) -> pd.DataFrame:
    """``kpi_values`` week rows of the drill-down's levels in the weeks its periods need."""
    return _frame(con, _drilldown_query(con))


def drilldown_pieces(con: Backend, campaigns: int = PIECE_CAMPAIGNS) -> Iterator[pd.DataFrame]:
    """:func:`drilldown_rows` in pieces of whole series, read one at a time: the account and
    its channels, then the campaigns and their ad groups, ``campaigns`` campaigns a piece
    (each piece in ``kpi_values`` order). At 436 campaigns the drill-down's million rows held
    at once set the night's peak memory; a piece is a few hundred thousand at most."""
    rows = _drilldown_query(con)
    found = con.execute(rows.filter(rows.campaign_key.notnull()).select("campaign_key")
                        .distinct())["campaign_key"]
    keys = sorted(set(found.tolist()))  # each campaign once, in one piece (whatever the engine)
    upper = rows.level.isin(["total", "channel"]) | rows.campaign_key.isnull()
    yield _frame(con, rows.filter(upper))
    for i in range(0, len(keys), campaigns):
        yield _frame(con, rows.filter(~upper & rows.campaign_key.isin(keys[i:i + campaigns])))


def trends_rows(con: Backend) -> pd.DataFrame:
    """The account's week and month rows and its daily rows of the last DAILY_WEEKS weeks."""
    t = con.table(rollup.VALUES_TABLE)
    total = t.filter(t.level == "total")
    days = total.filter(total.grain == "day")
    end = _latest(con, days, complete=False)
    wanted = total.grain.isin(["week", "month"])
    if end is not None:
        start = daily_start(end)
        wanted = wanted | ((total.grain == "day") & (total.period_start >= _since(start)))
    return con.execute(in_order(total.filter(wanted)))


def overview_rows(con: Backend) -> pd.DataFrame:
    """The account's week and month rows (the trend charts show every week; the period switch
    compares with a year earlier), and its channels' rows of the last 4 complete weeks and of
    the months since the latest complete quarter began (the latest complete month falls
    inside), with the campaigns' rows of :data:`MEASURES_READ` in the same periods; the latest
    complete week and month as the page finds them: on the account's rows."""
    t = con.table(rollup.VALUES_TABLE)
    rows = t.filter(t.grain.isin(["week", "month"]))
    total = rows.filter(rows.level == "total")
    weeks = total.filter(total.grain == "week")
    latest = _latest(con, weeks.filter(weeks.complete.fill_null(False)), complete=False)
    if latest is None:
        return con.execute(in_order(weeks))
    months = total.filter((total.grain == "month") & total.complete.fill_null(False))
    month = _latest(con, months, complete=False) or latest.replace(day=1)
    quarter = _months_before(month, month.month % 3 + 2)  # the latest complete quarter's start
    channel = (rows.level == "channel") | ((rows.level == "campaign")
                                          & rows.metric.isin(list(MEASURES_READ)))
    wanted = (rows.level == "total") | (channel & (rows.grain == "week") & (
        rows.period_start >= _since(latest - dt.timedelta(weeks=CHANNEL_WEEKS - 1)))) | (
        channel & (rows.grain == "month") & (rows.period_start >= _since(quarter)))
    return con.execute(in_order(rows.filter(wanted)))


def _months_before(start: dt.date, months: int) -> dt.date:
    index = start.year * 12 + start.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def nowcast_rows(con: Backend, levels: Sequence[str],
                 grains: Sequence[str] = ("day", "week", "month")) -> pd.DataFrame | None:
    """``kpi_nowcast`` rows of ``levels`` and ``grains`` (plus the account's weeks and months,
    which the completeness note reads), with the columns the pages judge by
    (:data:`NOWCAST_COLUMNS`); None without the table."""
    if nowcast_tables.NOWCAST_TABLE not in con.list_tables():
        return None
    t = con.table(nowcast_tables.NOWCAST_TABLE)
    t = t.select(*[c for c in NOWCAST_COLUMNS if c in t.columns])
    note = (t.level == "total") & t.grain.isin(list(SHOWN_GRAINS))
    return con.execute(t.filter((t.level.isin(list(levels)) & t.grain.isin(list(grains)))
                                | note))


LEADS_TABLES = ("crm_cohorts", "crm_match_rates")  # kpi.crm.tables COHORTS / MATCH_RATES


def leads_inputs(con: Backend) -> tuple[pd.DataFrame, pd.DataFrame | None,
                                        dict[str, tuple[str, str]]]:
    """The lead-to-revenue page's inputs: ``crm_cohorts`` (empty without a CRM), the match
    rates (None without a CRM) and campaign key -> (latest name, channel) from the campaign
    dimension."""
    tables = set(con.list_tables())
    cohorts, rates = (con.execute(con.table(name)) if name in tables else None
                      for name in LEADS_TABLES)
    names: dict[str, tuple[str, str]] = {}
    if "dim_campaign" in tables:
        dim = con.table("dim_campaign")
        frame = con.execute(dim.select("campaign_key", "campaign_name", "channel"))
        names = {str(k): (str(n) if pd.notna(n) else str(k), str(c) if pd.notna(c) else "")
                 for k, n, c in frame.itertuples(index=False)}
    has_rows = cohorts is not None and "lead_week" in cohorts.columns
    return (cohorts if has_rows else pd.DataFrame()), rates, names
