"""The warehouse writes of :mod:`pipelines.warehouse.store` for engines other than DuckDB (Spark,
BigQuery), through Ibis alone.

These engines have no transaction across our writes, so every write builds the table's new
content under a staging name first and then replaces the table by it: a failure while staging
leaves the table as it was. On BigQuery, and with Spark's ``table_format: delta`` or
``iceberg``, the final replacement is atomic too; with Spark's plain parquet a crash during that
last step can leave the table incomplete, and the next run rebuilds it (derived tables) or
re-pulls its window (raw tables).

Values reach the engine as Ibis literals and Arrow tables (a Spark DataFrame, a BigQuery load
job), never pasted into SQL text.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend

TABLE_FORMAT_KEY = "spark.campaign_kpi.table_format"
STAGING_SUFFIX = "__staging"
INCOMING_PREFIX = "_incoming_"
# BigQuery deletes an incoming table left behind by a crash after this long.
INCOMING_LIFETIME = dt.timedelta(days=1)


def table_format(con: BaseBackend) -> str:
    """The table format chosen in the configuration (kept in the Spark session's settings)."""
    session = getattr(con, "_session", None)
    return session.conf.get(TABLE_FORMAT_KEY, "parquet") if session is not None else "parquet"


def _load_into_bigquery(con: BaseBackend, name: str, rows: pa.Table) -> None:
    """Load ``rows`` into the new table ``name`` of the dataset through a Parquet load job (which
    costs no query), the table set to expire after :data:`INCOMING_LIFETIME`."""
    import pyarrow.parquet as pq
    from google.cloud import bigquery
    from ibis.backends.bigquery.datatypes import BigQuerySchema

    schema = BigQuerySchema.from_ibis(ibis.Schema.from_pyarrow(rows.schema))
    rows = rows.cast(BigQuerySchema.to_ibis(schema).to_pyarrow())  # int64, float64, µs
    reference = bigquery.DatasetReference(con.project_id, con.dataset_id).table(name)
    table = bigquery.Table(reference, schema=schema)
    table.expires = dt.datetime.now(dt.UTC) + INCOMING_LIFETIME
    con.client.create_table(table)
    data = io.BytesIO()
    pq.write_table(rows, data)
    data.seek(0)
    config = bigquery.LoadJobConfig(source_format=bigquery.SourceFormat.PARQUET, schema=schema,
                                    write_disposition=bigquery.WriteDisposition.WRITE_APPEND)
    con.client.load_table_from_file(data, reference, job_config=config).result()


@contextmanager
def _incoming(con: BaseBackend, rows: pa.Table | ir.Table) -> Iterator[ir.Table]:
    """Arrow rows as a table of the engine, for as long as the block runs.

    Spark gets them directly from Arrow, BigQuery as a Parquet file written from Arrow into a
    table of its own (``ibis.memtable`` would pass them through pandas, which turns a missing
    string into the text 'NaN' and a whole number with gaps into a float). Columns of Arrow's
    null type (every value missing) become strings, as DuckDB stores them.
    """
    if isinstance(rows, ir.Table):
        yield rows
        return
    nulls = [i for i, f in enumerate(rows.schema) if pa.types.is_null(f.type)]
    for i in nulls:
        rows = rows.set_column(i, rows.schema.field(i).name,
                               pa.nulls(rows.num_rows, pa.string()))
    name = f"{INCOMING_PREFIX}{uuid.uuid4().hex}"
    if con.name == "bigquery":
        try:
            _load_into_bigquery(con, name, rows)
            yield con.table(name)
        finally:
            con.drop_table(name, force=True)
        return
    session = getattr(con, "_session", None)
    if session is None:
        yield ibis.memtable(rows)
        return
    session.createDataFrame(rows).createOrReplaceTempView(name)
    try:
        yield con.table(name)
    finally:
        session.catalog.dropTempView(name)


def _create(con: BaseBackend, name: str, obj: ir.Table | pa.Table | None = None,
            schema: ibis.Schema | None = None, overwrite: bool = False) -> None:
    kwargs = {"format": table_format(con)} if con.name == "pyspark" else {}
    if obj is None:
        con.create_table(name, schema=schema, overwrite=overwrite, **kwargs)
        return
    with _incoming(con, obj) as content:
        con.create_table(name, content, overwrite=overwrite, **kwargs)


def _conformed(incoming: ir.Table, schema: ibis.Schema) -> ir.Table:
    """``incoming`` with exactly ``schema``'s columns, order and types (for a union)."""
    return incoming.select(*[incoming[c].cast(t).name(c) for c, t in schema.items()])


def replace_by(con: BaseBackend, name: str, content: ir.Table) -> None:
    """Make ``content`` (which may read ``name`` itself) the new content of table ``name``."""
    staging = f"{name}{STAGING_SUFFIX}"
    _create(con, staging, content, overwrite=True)
    _create(con, name, con.table(staging), overwrite=True)
    con.drop_table(staging)


def ensure_tables(con: BaseBackend, schemas: Mapping[str, pa.Schema]) -> None:
    """Create each table that does not exist yet, empty, with its Arrow schema."""
    existing = set(con.list_tables())
    for name, schema in schemas.items():
        if name not in existing:
            _create(con, name, schema=ibis.Schema.from_pyarrow(schema))


def replace_rows(con: BaseBackend, name: str, drop: Callable[[ir.Table], ir.BooleanValue],
                 incoming: pa.Table | ir.Table) -> None:
    """Delete the rows of ``name`` where ``drop`` holds and add ``incoming`` in their place."""
    current = con.table(name)
    with _incoming(con, incoming) as new:
        replace_by(con, name, current.filter(~drop(current)).union(
            _conformed(new, current.schema())))


def read_state(con: BaseBackend, table: str, key: str) -> str | None:
    if table not in con.list_tables():
        return None
    t = con.table(table)
    values = con.to_pyarrow(t.filter(t.key == key).select("value")).column("value").to_pylist()
    return values[0] if values else None


def write_state(con: BaseBackend, table: str, state: Mapping[str, str]) -> None:
    if not state:
        return
    ensure_tables(con, {table: pa.schema([("key", pa.string()), ("value", pa.string())])})
    keys = list(state)
    rows = pa.table({"key": keys, "value": [state[k] for k in keys]})
    replace_rows(con, table, lambda t: t.key.isin(keys), rows)


def replace_window(con: BaseBackend, name: str, expr: ir.Table, start: dt.date,
                   end: dt.date) -> int:
    """Replace the rows of ``name`` dated ``start``..``end`` by ``expr``'s; rows in the window."""
    if name not in con.list_tables():
        _create(con, name, expr)
    else:
        replace_rows(con, name, lambda t: t.date.between(start, end), expr)
    t = con.table(name)
    return int(con.execute(t.filter(t.date.between(start, end)).count()))


def replace_tables(con: BaseBackend, tables: Mapping[str, ir.Table | pa.Table]) -> dict[str, int]:
    """Rebuild whole tables, one after the other; rows per table."""
    counts: dict[str, int] = {}
    for name, content in tables.items():
        _create(con, name, content, overwrite=True)
        counts[name] = (content.num_rows if isinstance(content, pa.Table)
                        else int(con.execute(con.table(name).count())))
    return counts
