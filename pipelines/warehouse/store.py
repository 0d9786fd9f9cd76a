"""Open the warehouse and write to it idempotently.

Every write replaces something whole inside one transaction: a date window of one table
(optionally scoped to one account or property), or a whole derived table. Re-running a write
gives identical tables; a failure rolls back and leaves the last good data in place.

Statements are built from our own table and column names plus bound parameters; values that
come from users (names, config strings) reach SQL only as parameters or through Ibis.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend
from ibis.backends.duckdb import Backend

from pipelines.sources.base import Extract, Window
from pipelines.sources.streams import STREAMS, Stream
from pipelines.warehouse import disk, limits, portable, revisions
from pipelines.warehouse.conform import ARROW_TYPES, to_arrow

EXTRACTS_TABLE = "raw_extracts"
EXTRACTS_SCHEMA = pa.schema(
    [
        ("stream", pa.string()),
        ("scope", pa.string()),
        ("date", pa.date32()),
        ("rows", pa.int64()),
        ("extracted_at", ARROW_TYPES["timestamp"]),
        ("metadata", pa.string()),
    ]
)
_SCOPE_COLUMN = {"google_ads": "customer_id", "ga4": "property_id", "meta_ads": "account_id"}


def _identifier(name: str) -> str:
    """A double-quoted SQL identifier; only our own snake_case names are accepted."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not a table or column name this warehouse creates: {name!r}")
    return f'"{name}"'


def _is_duckdb(con: BaseBackend) -> bool:
    """DuckDB gets transactions and bound parameters; other engines the portable writes."""
    return con.name == "duckdb"


def read_table(con: BaseBackend, name: str) -> ibis.Table:
    """Table ``name`` with its timestamps in UTC on every engine: DuckDB stores them as
    TIMESTAMPTZ already; Spark's TIMESTAMP carries no zone (the session's, UTC) and is
    declared UTC here."""
    table = con.table(name)
    naive = {column: table[column].cast(ibis.dtype("timestamp('UTC')"))
             for column, kind in table.schema().items()
             if kind.is_timestamp() and kind.timezone is None}
    return table.mutate(**naive) if naive else table


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or written; the message says which file and why."""


def connect(path: Path | str, read_only: bool = False,
            bound: limits.DuckDBLimits | None = None) -> Backend:
    """Open (creating if needed) the DuckDB warehouse file through Ibis; ``read_only`` for
    readers, which may share the file with other readers. The connection's memory, threads and
    spill folder are ``bound`` (the machine's defaults when not given): big work spills to disk
    instead of swelling the process.

    >>> con = connect(":memory:")
    >>> sorted(con.list_tables())
    []
    >>> con.con.execute("SELECT current_setting('memory_limit')").fetchone()[0] != ""
    True
    """
    if str(path) != ":memory:" and not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    bound = bound or limits.resolve(path)
    Path(bound.temp_directory).mkdir(parents=True, exist_ok=True)
    try:
        con = ibis.duckdb.connect(str(path), read_only=read_only, **bound.as_config())
    except duckdb.IOException as exc:
        message = str(exc)
        if "lock" in message.lower():
            holder = re.search(r"\(PID (\d+)\)", message)
            who = f"process {holder.group(1)}" if holder else "another process"
            raise WarehouseError(
                f"{path}: the warehouse is locked by {who} (a running pipeline, 'dagster dev' "
                "or a notebook); close it and try again. Nothing was changed."
            ) from exc
        advice = disk.hint(message)
        if advice:
            raise WarehouseError(f"{path}: cannot open the warehouse: {advice}") from exc
        raise WarehouseError(f"{path}: cannot open the warehouse: {message}") from exc
    # DuckDB draws a progress bar on the terminal for queries over 2 s; the command line
    # reports progress itself.
    con.raw_sql("SET enable_progress_bar = false")
    return con


@contextmanager
def transaction(con: Backend) -> Iterator[duckdb.DuckDBPyConnection]:
    """One DuckDB transaction on the backend's own connection; rolled back on any error."""
    raw = con.con
    raw.execute("BEGIN TRANSACTION")
    try:
        yield raw
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    raw.execute("COMMIT")


def _ddl_type(arrow_type: pa.DataType) -> str:
    return {
        pa.date32(): "DATE",
        pa.string(): "VARCHAR",
        pa.int64(): "BIGINT",
        pa.int32(): "INTEGER",
        pa.float64(): "DOUBLE",
        pa.bool_(): "BOOLEAN",
    }.get(arrow_type, "TIMESTAMPTZ")


def ensure_raw_tables(con: Backend, also: Sequence[Stream] = ()) -> None:
    """Create every raw stream table (and those of ``also``: streams not in STREAMS yet, such
    as Meta's) and the extract log if they do not exist yet."""
    from pipelines.warehouse.conform import arrow_schema

    schemas = {s.table: arrow_schema(s) for s in (*STREAMS.values(), *also)}
    schemas[EXTRACTS_TABLE] = EXTRACTS_SCHEMA
    schemas[revisions.REVISIONS_TABLE] = revisions.REVISIONS_SCHEMA
    if not _is_duckdb(con):
        portable.ensure_tables(con, schemas)
        return
    for table, schema in schemas.items():
        columns = ", ".join(f"{_identifier(f.name)} {_ddl_type(f.type)}" for f in schema)
        con.con.execute(f"CREATE TABLE IF NOT EXISTS {_identifier(table)} ({columns})")


def _extract_log(extract: Extract, scope: str, table: pa.Table) -> pa.Table:
    """One row per date of the window: when it was pulled, how many rows, quality metadata."""
    counts: dict[dt.date, int] = {}
    for day in table.column("date").to_pylist():
        counts[day] = counts.get(day, 0) + 1
    dates = extract.window.dates()
    metadata = json.dumps(dict(extract.metadata), sort_keys=True, default=str)
    return pa.table(
        {
            "stream": [extract.stream.name] * len(dates),
            "scope": [scope] * len(dates),
            "date": dates,
            "rows": [counts.get(d, 0) for d in dates],
            "extracted_at": [extract.extracted_at] * len(dates),
            "metadata": [metadata] * len(dates),
        },
        schema=EXTRACTS_SCHEMA,
    )


def _checked(extract: Extract) -> tuple[pa.Table, pa.Table]:
    """The extract as its stream's Arrow table plus its per-day log rows, or a clear error."""
    stream: Stream = extract.stream
    scope = extract.scope
    if not scope:
        raise ValueError(f"{stream.name}: the extract does not say which account it is for")
    table = to_arrow(extract.frame, stream)
    outside = table.filter(
        pa.compute.or_(
            pa.compute.less(table.column("date"), pa.scalar(extract.window.start)),
            pa.compute.greater(table.column("date"), pa.scalar(extract.window.end)),
        )
    )
    if outside.num_rows:
        raise ValueError(
            f"{stream.name}: {outside.num_rows} rows fall outside the pulled window "
            f"{extract.window.start}..{extract.window.end}"
        )
    scope_column = _SCOPE_COLUMN[stream.source]
    foreign = set(table.column(scope_column).to_pylist()) - {scope}
    if foreign:
        raise ValueError(f"{stream.name}: rows for {sorted(foreign)} in a pull for {scope}")
    return table, _extract_log(extract, scope, table)


def write_extracts(con: Backend, extracts: Sequence[Extract]) -> list[int]:
    """Replace each extract's window of its raw table for its account/property, all in one
    transaction (a platform's streams stay consistent with each other).

    Rows of other accounts and of dates outside the windows are untouched. Every extract is
    validated before anything is written. Returns the rows written per extract.
    """
    checked = [_checked(extract) for extract in extracts]
    ensure_raw_tables(con, [e.stream for e in extracts if e.stream.name not in STREAMS])
    if not _is_duckdb(con):
        for extract, (table, log) in zip(extracts, checked, strict=True):
            _replace_extract_portably(con, extract, table, log)
            if revisions.tracked(extract):
                _record_revisions_portably(con, extract, table)
        return [table.num_rows for table, _ in checked]
    log_table = _identifier(EXTRACTS_TABLE)
    with transaction(con) as raw:
        for extract, (table, log) in zip(extracts, checked, strict=True):
            stream, window, scope = extract.stream, extract.window, extract.scope
            raw.execute(
                f"DELETE FROM {_identifier(stream.table)} WHERE date BETWEEN ? AND ? "
                f"AND {_identifier(_SCOPE_COLUMN[stream.source])} = ?",
                [window.start, window.end, scope],
            )
            raw.register("_incoming_rows", table)
            raw.execute(f"INSERT INTO {_identifier(stream.table)} SELECT * FROM _incoming_rows")
            raw.unregister("_incoming_rows")
            raw.execute(
                f"DELETE FROM {log_table} WHERE stream = ? AND scope = ? AND date BETWEEN ? AND ?",
                [stream.name, scope, window.start, window.end],
            )
            raw.register("_incoming_log", log)
            raw.execute(f"INSERT INTO {log_table} SELECT * FROM _incoming_log")
            raw.unregister("_incoming_log")
            if revisions.tracked(extract):
                _record_revisions(raw, extract, table)
    return [table.num_rows for table, _ in checked]


def _record_revisions(raw: duckdb.DuckDBPyConnection, extract: Extract, table: pa.Table) -> None:
    """Add what this pull saw to ``raw_revisions`` (inside the write's transaction): the
    source's earlier nights first when it supplies them (the demo's backfill), then this
    night's changes against the latest value known before it."""
    name, scope, window = extract.stream.name, extract.scope, extract.window
    night = revisions.seen_on(extract.extracted_at, revisions.time_zone_of(extract))
    target = _identifier(revisions.REVISIONS_TABLE)
    where = "stream = ? AND scope = ? AND date BETWEEN ? AND ?"
    params = [name, scope, window.start, window.end]
    if extract.history is not None and len(extract.history):
        earlier = extract.history[extract.history["seen_on"] < night]
        raw.register("_incoming_history", revisions.as_rows(earlier, name, scope, None))
        raw.execute(f"INSERT INTO {target} SELECT * FROM _incoming_history h WHERE NOT EXISTS ("
                    f"SELECT 1 FROM {target} r WHERE r.stream = h.stream AND r.scope = h.scope "
                    "AND r.key = h.key AND r.date = h.date AND r.measure = h.measure "
                    "AND r.seen_on = h.seen_on)")
        raw.unregister("_incoming_history")
    raw.execute(f"DELETE FROM {target} WHERE {where} AND seen_on = ?", [*params, night])
    before = raw.execute(
        f"SELECT key, date, measure, arg_max(value, seen_on) AS value FROM {target} "
        f"WHERE {where} AND seen_on < ? GROUP BY key, date, measure", [*params, night]).df()
    before["date"] = pd.to_datetime(before["date"]).dt.date
    now = revisions.observed(extract, table)
    new = revisions.as_rows(revisions.changes(now, before), name, scope, night)
    raw.register("_incoming_revisions", new)
    raw.execute(f"INSERT INTO {target} SELECT * FROM _incoming_revisions")
    raw.unregister("_incoming_revisions")


def _replace_extract_portably(con: BaseBackend, extract: Extract, table: pa.Table,
                              log: pa.Table) -> None:
    """:func:`write_extracts`' replacement of one window, on an engine without transactions:
    the raw rows first, the extract log (which says the window was pulled) last."""
    start, end, scope = extract.window.start, extract.window.end, extract.scope
    column = _SCOPE_COLUMN[extract.stream.source]
    portable.replace_rows(con, extract.stream.table,
                          lambda t: t.date.between(start, end) & (t[column] == scope), table)
    portable.replace_rows(
        con, EXTRACTS_TABLE,
        lambda t: (t.stream == extract.stream.name) & (t.scope == scope)
        & t.date.between(start, end), log)


def _record_revisions_portably(con: BaseBackend, extract: Extract, table: pa.Table) -> None:
    """:func:`_record_revisions` on an engine without transactions (rewrites through Ibis)."""
    name, scope, window = extract.stream.name, extract.scope, extract.window
    night = revisions.seen_on(extract.extracted_at, revisions.time_zone_of(extract))

    def mine(t: ibis.Table) -> ibis.expr.types.BooleanValue:
        return (t.stream == name) & (t.scope == scope) & t.date.between(window.start, window.end)

    if extract.history is not None and len(extract.history):
        earlier = extract.history[extract.history["seen_on"] < night]
        nights = sorted(set(earlier["seen_on"]))
        portable.replace_rows(con, revisions.REVISIONS_TABLE,
                              lambda t: mine(t) & t.seen_on.isin(nights),
                              revisions.as_rows(earlier, name, scope, None))
    t = con.table(revisions.REVISIONS_TABLE)
    latest = t.filter(mine(t) & (t.seen_on < night)).group_by(["key", "date", "measure"]) \
        .aggregate(value=t.value.argmax(t.seen_on))
    before = con.to_pyarrow(latest).to_pandas()
    new = revisions.changes(revisions.observed(extract, table), before)
    portable.replace_rows(con, revisions.REVISIONS_TABLE, lambda t: mine(t) & (t.seen_on == night),
                          revisions.as_rows(new, name, scope, night))


def write_extract(con: Backend, extract: Extract) -> int:
    """:func:`write_extracts` for one extract."""
    return write_extracts(con, [extract])[0]


STATE_TABLE = "pipeline_state"


def read_state(con: Backend, key: str) -> str | None:
    """A value the pipeline stored about a derived table (e.g. the rules it was built with)."""
    if not _is_duckdb(con):
        return portable.read_state(con, STATE_TABLE, key)
    if STATE_TABLE not in con.list_tables():
        return None
    rows = con.con.execute(
        f"SELECT value FROM {_identifier(STATE_TABLE)} WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None


def replace_window(con: Backend, table: str, expr: ibis.Table, window: Window,
                   state: Mapping[str, str] | None = None,
                   companions: Mapping[str, ibis.Table] | None = None) -> int:
    """Replace the rows of derived ``table`` whose ``date`` lies in ``window`` by ``expr``'s rows.

    ``expr`` must produce only dates inside the window; the table is created on first use.
    ``state`` (key -> value) is recorded in the same transaction, see :func:`read_state`;
    each of ``companions`` (table -> rows, also dated inside the window) has the same window
    replaced in that transaction too (e.g. which pulls the rows were built from).
    """
    parts = {table: expr, **(companions or {})}
    if not _is_duckdb(con):
        counts = {name: portable.replace_window(con, name, part, window.start, window.end)
                  for name, part in parts.items()}
        portable.write_state(con, STATE_TABLE, state or {})
        return counts[table]
    compiled = {_identifier(target): con.compile(rows) for target, rows in parts.items()}
    dates = [window.start, window.end]
    with transaction(con) as raw:
        _write_state(raw, state or {})
        for quoted, sql in compiled.items():
            raw.execute(f"CREATE TABLE IF NOT EXISTS {quoted} AS SELECT * FROM ({sql}) "
                        "WHERE false")
            raw.execute(f"DELETE FROM {quoted} WHERE date BETWEEN ? AND ?", dates)
            raw.execute(f"INSERT INTO {quoted} BY NAME SELECT * FROM ({sql})")
        count = raw.execute(f"SELECT count(*) FROM {_identifier(table)} WHERE date BETWEEN ? "
                            "AND ?", dates).fetchall()[0][0]
    return int(count)


def _write_state(raw: duckdb.DuckDBPyConnection, state: Mapping[str, str]) -> None:
    state_table = _identifier(STATE_TABLE)
    raw.execute(f"CREATE TABLE IF NOT EXISTS {state_table} (key VARCHAR PRIMARY KEY, "
                "value VARCHAR)")
    for key, value in state.items():
        raw.execute(f"INSERT OR REPLACE INTO {state_table} VALUES (?, ?)", [key, value])


def replace_tables(con: Backend, tables: Mapping[str, ibis.Table | Sequence[ibis.Table]],
                   state: Mapping[str, str] | None = None) -> dict[str, int]:
    """Rebuild whole derived tables from Ibis expressions, all in one transaction (``state``
    recorded in it too, see :func:`read_state`). A table given as several expressions is
    their rows together, written one expression after the other (a big table in pieces that
    each fit in memory: DuckDB then need not spill a whole-table join).

    >>> con = connect(":memory:")
    >>> one = con.create_table("one", pa.table({"n": [1, 2]}))
    >>> replace_tables(con, {"t": [one, one.mutate(n=one.n + 10)], "u": one})
    {'t': 4, 'u': 2}
    >>> sorted(r[0] for r in con.raw_sql("SELECT n FROM t").fetchall())
    [1, 2, 11, 12]
    """
    pieces = {name: list(expr) if isinstance(expr, list | tuple) else [expr]
              for name, expr in tables.items()}
    if not _is_duckdb(con):
        counts = portable.replace_tables(con, {name: ibis.union(*parts) if len(parts) > 1
                                               else parts[0] for name, parts in pieces.items()})
        portable.write_state(con, STATE_TABLE, state or {})
        return counts
    counts: dict[str, int] = {}
    with transaction(con) as raw:
        _write_state(raw, state or {})
        for name, parts in pieces.items():
            raw.execute(f"CREATE OR REPLACE TABLE {_identifier(name)} AS "
                        f"{con.compile(parts[0])}")
            for part in parts[1:]:
                raw.execute(f"INSERT INTO {_identifier(name)} BY NAME {con.compile(part)}")
            counts[name] = int(
                raw.execute(f"SELECT count(*) FROM {_identifier(name)}").fetchall()[0][0])
    return counts


def replace_with_arrow(con: Backend, tables: Mapping[str, pa.Table],
                       state: Mapping[str, str] | None = None) -> dict[str, int]:
    """Replace whole tables by in-memory Arrow tables (their schema kept), in one transaction
    (``state`` recorded in it too, see :func:`read_state`)."""
    if not _is_duckdb(con):
        counts = portable.replace_tables(con, tables)
        if state:
            portable.write_state(con, STATE_TABLE, state)
        return counts
    counts: dict[str, int] = {}
    with transaction(con) as raw:
        if state:
            _write_state(raw, state)
        for name, table in tables.items():
            view = f"_incoming_{name}"
            raw.register(view, table)
            try:
                raw.execute(f"CREATE OR REPLACE TABLE {_identifier(name)} AS "
                            f"SELECT * FROM {_identifier(view)}")
            finally:
                raw.unregister(view)
            counts[name] = table.num_rows
    return counts


def replace_since(con: Backend, name: str, rows: pa.Table, column: str, first: dt.date,
                  state: Mapping[str, str] | None = None) -> int:
    """Replace the rows of ``name`` whose ``column`` (a date) is ``first`` or later by ``rows``
    (the table is created, with ``rows``' schema, on first use), and record ``state``, in one
    transaction. Rows after the new ones go too (a re-run of an earlier day). Returns the rows
    written.

    >>> con = connect(":memory:")
    >>> day = [dt.date(2026, 1, d) for d in (1, 2, 3)]
    >>> _ = replace_since(con, "t", pa.table({"d": day, "n": [1, 2, 3]}), "d", day[0])
    >>> replace_since(con, "t", pa.table({"d": day[1:2], "n": [20]}), "d", day[1])
    1
    >>> con.raw_sql("SELECT d::VARCHAR, n FROM t ORDER BY d").fetchall()
    [('2026-01-01', 1), ('2026-01-02', 20)]
    """
    if not _is_duckdb(con):
        portable.ensure_tables(con, {name: rows.schema})
        portable.replace_rows(con, name, lambda t: t[column] >= first, rows)
        portable.write_state(con, STATE_TABLE, state or {})
        return rows.num_rows
    target, view = _identifier(name), f"_incoming_{name}"
    with transaction(con) as raw:
        _write_state(raw, state or {})
        raw.register(view, rows)
        try:
            raw.execute(f"CREATE TABLE IF NOT EXISTS {target} AS SELECT * FROM "
                        f"{_identifier(view)} WHERE false")
            raw.execute(f"DELETE FROM {target} WHERE {_identifier(column)} >= ?", [first])
            raw.execute(f"INSERT INTO {target} BY NAME SELECT * FROM {_identifier(view)}")
        finally:
            raw.unregister(view)
    return rows.num_rows


@dataclass(frozen=True)
class Matching:
    """Rows to replace in a table: every row equal, on the columns of one of ``keys`` (small
    Arrow tables), to one of that key table's rows, replaced by ``rows``."""

    rows: ibis.Table
    keys: Sequence[pa.Table]


def replace_matching(con: Backend, tables: Mapping[str, Matching],
                     whole: Mapping[str, ibis.Table] | None = None,
                     state: Mapping[str, str] | None = None) -> dict[str, int]:
    """Replace the matching rows of each of ``tables`` (in order: an expression may read a table
    replaced before it, as it now is), rebuild ``whole`` tables and record ``state``, all in one
    transaction. DuckDB only (the other engines have no row-level delete in a transaction: their
    callers rebuild whole tables). Returns the rows written per table of ``tables``.

    >>> con = connect(":memory:")
    >>> _ = con.raw_sql("CREATE TABLE t AS SELECT * FROM (VALUES ('a', 1), ('b', 2)) v(k, n)")
    >>> _ = con.raw_sql("CREATE TABLE u AS SELECT * FROM (VALUES ('b', 20), ('c', 30)) v(k, n)")
    >>> replace_matching(con, {"t": Matching(con.table("u"), [pa.table({"k": ["b", "c"]})])})
    {'t': 2}
    >>> sorted(con.table("t").execute().itertuples(index=False, name=None))
    [('a', 1), ('b', 20), ('c', 30)]
    """
    if not _is_duckdb(con):
        raise NotImplementedError(f"row-level replace on {con.name}: rebuild the tables whole")
    compiled = {name: con.compile(m.rows) for name, m in tables.items()}
    rebuilt = {name: con.compile(expr) for name, expr in (whole or {}).items()}
    counts: dict[str, int] = {}
    with transaction(con) as raw:
        _write_state(raw, state or {})
        for name, sql in compiled.items():
            target = _identifier(name)
            matches = []
            for i, keys in enumerate(tables[name].keys):
                view = f"_match_{i}"
                raw.register(view, keys)
                same = " AND ".join(f"m.{_identifier(c)} = t.{_identifier(c)}"
                                    for c in keys.column_names)
                matches.append(f"EXISTS (SELECT 1 FROM {view} m WHERE {same})")
            if matches:
                raw.execute(f"DELETE FROM {target} t WHERE {' OR '.join(matches)}")
            for i in range(len(tables[name].keys)):
                raw.unregister(f"_match_{i}")
            before = raw.execute(f"SELECT count(*) FROM {target}").fetchall()[0][0]
            raw.execute(f"INSERT INTO {target} BY NAME SELECT * FROM ({sql})")
            counts[name] = int(raw.execute(f"SELECT count(*) FROM {target}").fetchall()[0][0]
                               - before)
        for name, sql in rebuilt.items():
            raw.execute(f"CREATE OR REPLACE TABLE {_identifier(name)} AS {sql}")
    return counts
