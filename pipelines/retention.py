"""Retention: delete everything dated before a cutoff, in every table and in the output folder.

Every table of the warehouse is either *dated* or *kept*:

- **dated**: its rows carry the day, or the first day of the period, they describe in one of
  :data:`DATING_COLUMNS` (the first one present, in that order). Rows dated before the cutoff
  are deleted; a week or month that began before it goes whole (its sums include those days).
- **kept**: its rows describe no day — names of campaigns, fitted parameters, the latest
  recommendations and experiment results (aggregates, no identifiers), the budget plan, the
  pipeline's state; a table without any date or time column is kept too.

The table catalogue (:mod:`pipelines.warehouse.catalog`) says which: each table declares the
column that dates it or why it is kept. A table it does not know is dated by the first of
:data:`DATING_COLUMNS` it has; one that has a date or time column but none of those, or that
holds pseudonymous identifiers (:data:`PERSONAL_COLUMNS`) without a dating column, stops the
purge before anything is deleted (:class:`RetentionError`): a new table must be declared in its
domain's catalogue, never skipped silently.

On DuckDB every delete runs in one transaction (bound parameters; names checked by the store),
then a checkpoint vacuums the deleted rows; on other engines each table is rewritten through
Ibis, one after the other (:func:`portable.replace_rows`). Weekly reports live in
``<output>/reports/<ISO week>/``: a week that began before the cutoff is deleted with its files;
so is a monthly report (``reports/<2026-11>/``) of a month that began before it, and a
post-campaign review (``reports/campaigns/<key>/``) whose campaign did.

>>> import datetime as dt
>>> from pipelines.warehouse.catalog import Catalog, Table
>>> from pipelines.warehouse.store import connect
>>> catalog = Catalog.of([Table("raw_orders", ("order_id",), dated_by="order_date"),
...                       Table("dim_ad_group", ("ad_group_key",), kept="ad group names and ids")])
>>> con = connect(":memory:")
>>> _ = con.raw_sql("CREATE TABLE raw_orders AS SELECT 'p_1' AS customer_key, "
...                 "DATE '2026-01-01' + CAST(i AS INT) AS order_date FROM range(10) t(i)")
>>> _ = con.raw_sql("CREATE TABLE dim_ad_group AS SELECT 'x' AS ad_group_key")
>>> summary = purge(con, dt.date(2026, 1, 4), Path("/nonexistent"), catalog)
>>> summary.deleted, summary.kept
({'raw_orders': 3}, (('dim_ad_group', 'ad group names and ids'),))
>>> purge(con, dt.date(2026, 1, 4), Path("/nonexistent"), catalog).total_rows  # nothing left
0
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from pipelines.months import CalendarMonth
from pipelines.privacy_config import MIN_RETENTION_DAYS, WHY_MIN
from pipelines.warehouse import portable
from pipelines.warehouse.catalog import Catalog
from pipelines.warehouse.store import _identifier, transaction
from pipelines.weeks import IsoWeek

# The column that dates the rows of a table the catalogue does not know: the first of these it
# has, with a date or time type.
DATING_COLUMNS = (
    "date",                 # raw pulls, the extract log, campaign_daily
    "order_date",           # raw_orders (pseudonymous customers)
    "first_exposure_date",  # raw_experiment_units (pseudonymous units), experiment_stats_daily
    "acquired_on",          # customer_clv: one row per pseudonymous customer, from its 1st order
    "day",                  # experiment_history: the primary metric as seen each morning
    "period_start",         # kpi_rollup, kpi_values, budget_pacing: a day, week or month
    "cohort",               # clv_cohorts: the month customers were acquired
)
# Columns holding pseudonyms of people: a table with one must be dated (so it can be purged).
PERSONAL_COLUMNS = ("customer_key", "unit_id")
UNDATED = "no date or time column"
REPORTS_FOLDER = "reports"  # <output>/reports/<ISO week>/weekly-report.<lang>.{html,pdf}
CAMPAIGNS_FOLDER = "campaigns"  # <output>/reports/campaigns/<key>/review.<lang>.{html,pdf}
REVIEW_STAMP = "review.json"  # beside a review: the days it covers
_DAYS = re.compile(r"(\d+)d")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class RetentionError(ValueError):
    """The warehouse holds a table retention does not know how to date; nothing was deleted."""


@dataclass(frozen=True)
class Dated:
    """A table whose rows ``column`` dates."""

    table: str
    column: str


@dataclass(frozen=True)
class Plan:
    """What a purge does: the dated tables, and the kept ones with their reason."""

    dated: tuple[Dated, ...]
    kept: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TableRows:
    """Rows of ``table`` dated (by ``column``) before the cutoff: deleted, or to delete."""

    table: str
    column: str
    rows: int


@dataclass(frozen=True)
class PurgeSummary:
    """What a purge deleted (or, with ``dry_run``, would delete)."""

    cutoff: dt.date
    dry_run: bool
    tables: tuple[TableRows, ...]
    kept: tuple[tuple[str, str], ...]
    files: tuple[Path, ...]

    @property
    def deleted(self) -> dict[str, int]:
        """Rows per table that lost some."""
        return {t.table: t.rows for t in self.tables if t.rows}

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)


def today_in(time_zone: str) -> dt.date:
    """Today's date in ``time_zone`` (the reporting time zone)."""
    return dt.datetime.now(zoneinfo.ZoneInfo(time_zone)).date()


def parse_older_than(text: str, today: dt.date) -> dt.date:
    """The cutoff that ``--older-than`` means: ``400d`` is 400 days before ``today``, a date is
    itself. Rows dated before the cutoff go; a ValueError says what was expected.

    >>> parse_older_than("400d", dt.date(2026, 11, 23)), parse_older_than("2025-01-01", None)
    (datetime.date(2025, 10, 19), datetime.date(2025, 1, 1))
    >>> parse_older_than("13x", dt.date(2026, 11, 23))
    Traceback (most recent call last):
    ...
    ValueError: '13x' is neither a number of days like 400d nor a date like 2025-01-01
    """
    text = text.strip()
    if days := _DAYS.fullmatch(text):
        return today - dt.timedelta(days=int(days[1]))
    if _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a date of the calendar") from None
    raise ValueError(f"{text!r} is neither a number of days like 400d nor a date like 2025-01-01")


def check_cutoff(cutoff: dt.date, today: dt.date) -> None:
    """A ValueError when ``cutoff`` keeps fewer days than the minimum retention.

    >>> check_cutoff(dt.date(2026, 11, 16), dt.date(2026, 11, 23))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: 2026-11-16 is only 7 days before today: keep at least 28 days (weekly and ...
    """
    days = (today - cutoff).days
    if days < MIN_RETENTION_DAYS:
        raise ValueError(f"{cutoff} is only {days} days before today: keep at least "
                         f"{MIN_RETENTION_DAYS} days ({WHY_MIN})")


def plan(con: BaseBackend, catalog: Catalog) -> Plan:
    """Classify every table of the warehouse by ``catalog``; :class:`RetentionError` for one
    that is neither dated nor known to be kept (all of them named), before anything is
    deleted."""
    dated, kept, unknown = [], [], []
    for name in sorted(con.list_tables()):
        schema = con.table(name).schema()
        temporal = [c for c, kind in schema.items() if kind.is_date() or kind.is_timestamp()]
        declared = catalog.get(name)
        if declared is not None and declared.kept is not None:
            kept.append((name, declared.kept))
            continue
        columns = DATING_COLUMNS if declared is None else (declared.dated_by,)
        column = next((c for c in columns if c in temporal), None)
        if column is not None:
            dated.append(Dated(name, column))
        elif temporal or any(c in schema for c in PERSONAL_COLUMNS):
            columns = temporal or [c for c in PERSONAL_COLUMNS if c in schema]
            unknown.append(f"{name} ({', '.join(columns)})")
        else:
            kept.append((name, UNDATED))
    if unknown:
        raise RetentionError(
            f"retention does not know which column dates the rows of {'; '.join(unknown)}: "
            f"declare the table in its domain's catalogue (pipelines.warehouse.catalog.Table, "
            f"with the column that dates it or why it is kept whole) or give it one of the "
            f"dating columns {', '.join(DATING_COLUMNS)}. Nothing was deleted.")
    return Plan(tuple(dated), tuple(kept))


def _purge_duckdb(con: BaseBackend, dated: tuple[Dated, ...], cutoff: dt.date,
                  dry_run: bool) -> tuple[TableRows, ...]:
    """Count, then delete, every table's rows before ``cutoff`` in one transaction."""
    out = []
    with transaction(con) as raw:
        for d in dated:
            where = f"FROM {_identifier(d.table)} WHERE CAST({_identifier(d.column)} AS DATE) < ?"
            rows = int(raw.execute(f"SELECT count(*) {where}", [cutoff]).fetchall()[0][0])
            if rows and not dry_run:
                raw.execute(f"DELETE {where}", [cutoff])
            out.append(TableRows(d.table, d.column, rows))
    if not dry_run and any(t.rows for t in out):
        # Vacuum the deleted rows now (DuckDB would checkpoint by itself later, at the latest
        # when the warehouse is closed; a busy connection only postpones it).
        with contextlib.suppress(duckdb.Error):
            con.con.execute("CHECKPOINT")
    return tuple(out)


def _before(column: str, cutoff: dt.date) -> Callable[[ir.Table], ir.BooleanValue]:
    """Rows whose ``column`` falls before ``cutoff`` (a missing date does not: as in SQL)."""
    def older(t: ir.Table) -> ir.BooleanValue:
        value = t[column]
        day = value.date() if value.type().is_timestamp() else value
        return (day < ibis.literal(cutoff)).fill_null(False)
    return older


def _purge_portable(con: BaseBackend, dated: tuple[Dated, ...], cutoff: dt.date,
                    dry_run: bool) -> tuple[TableRows, ...]:
    """The same through Ibis on engines without transactions: one table after the other."""
    out = []
    for d in dated:
        older = _before(d.column, cutoff)
        table = con.table(d.table)
        rows = int(con.execute(table.filter(older(table)).count()))
        if rows and not dry_run:
            portable.replace_rows(con, d.table, older, table.limit(0))
        out.append(TableRows(d.table, d.column, rows))
    return tuple(out)


def _week_folder(path: Path) -> IsoWeek | None:
    """The ISO week a report folder is named after (``2026-W47``), else None."""
    if not path.is_dir() or path.is_symlink():
        return None
    try:
        week = IsoWeek.parse(path.name)
    except ValueError:
        return None
    return week if week.label == path.name else None


def _remove_tree(folder: Path) -> None:
    """Delete ``folder`` and what is in it, following no symbolic link."""
    for root, dirs, files in os.walk(folder, topdown=False):
        for name in files:
            (Path(root) / name).unlink()
        for name in dirs:
            path = Path(root) / name
            if path.is_symlink():
                path.unlink()
            else:
                path.rmdir()
    folder.rmdir()


def _month_folder(path: Path) -> CalendarMonth | None:
    """The calendar month a report folder is named after (``2026-11``), else None."""
    if not path.is_dir() or path.is_symlink():
        return None
    try:
        month = CalendarMonth.parse(path.name)
    except ValueError:
        return None
    return month if month.label == path.name else None


def _review_start(path: Path) -> dt.date | None:
    """The first day a post-campaign review covers (``reports/campaigns/<key>/``: its stamp
    ``review.json`` holds ``{"span": [first, last], ...}``), else None."""
    stamp = path / REVIEW_STAMP
    if not path.is_dir() or path.is_symlink() or not stamp.is_file():
        return None
    try:
        return dt.date.fromisoformat(json.loads(stamp.read_text(encoding="utf-8"))["span"][0])
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _report_folders(reports: Path) -> Iterator[tuple[Path, dt.date]]:
    """Each report folder and the first day its figures cover: the weekly reports' weeks, the
    monthly reports' months, the post-campaign reviews' campaigns."""
    for folder in sorted(reports.iterdir()):
        period = _week_folder(folder) or _month_folder(folder)
        if period is not None:
            yield folder, period.start
    campaigns = reports / CAMPAIGNS_FOLDER
    if campaigns.is_dir() and not campaigns.is_symlink():
        for folder in sorted(campaigns.iterdir()):
            start = _review_start(folder)
            if start is not None:
                yield folder, start


def purge_reports(output: Path, cutoff: dt.date, dry_run: bool = False) -> tuple[Path, ...]:
    """Delete the report folders whose figures begin before ``cutoff`` (weekly reports of weeks,
    monthly reports of months that began before it; post-campaign reviews of campaigns that
    did), with their files; the files."""
    reports = output / REPORTS_FOLDER
    if not reports.is_dir():
        return ()
    files: list[Path] = []
    for folder, start in list(_report_folders(reports)):
        if start >= cutoff:
            continue
        files += sorted(Path(root) / name for root, dirs, names in os.walk(folder)
                        for name in [*names, *(d for d in dirs if (Path(root) / d).is_symlink())])
        if not dry_run:
            _remove_tree(folder)
    campaigns = reports / CAMPAIGNS_FOLDER
    if not dry_run and campaigns.is_dir() and not any(campaigns.iterdir()):
        campaigns.rmdir()  # its last review gone
    return tuple(files)


def purge(con: BaseBackend, cutoff: dt.date, output: Path, catalog: Catalog,
          dry_run: bool = False) -> PurgeSummary:
    """Delete every row dated before ``cutoff`` from the warehouse (its tables as ``catalog``
    declares them), then the reports whose figures began before it from ``output``; with
    ``dry_run`` only count."""
    chosen = plan(con, catalog)  # refuses an unknown table before anything is deleted
    purge_rows = _purge_duckdb if con.name == "duckdb" else _purge_portable
    tables = purge_rows(con, chosen.dated, cutoff, dry_run)
    return PurgeSummary(cutoff, dry_run, tables, chosen.kept,
                        purge_reports(output, cutoff, dry_run))
