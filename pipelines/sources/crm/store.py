"""Store one pull of the CRM's streams: the warehouse keeps the CRM's CURRENT state.

``raw_crm_contacts`` and ``raw_crm_deals`` are upserted on their key: a pulled record replaces
the stored one when its ``modified_at`` is newer, or equal with other values (an older re-read
never overwrites a newer row; a re-read of the same version changes nothing, its
``extracted_at`` included). ``raw_crm_contact_deals`` holds each pulled contact's whole set of
deals (``frame.attrs["replaces"]``). ``crm_archived`` is applied last: an archived contact or
deal leaves every CRM table (its pairs too) and its erasure is kept in ``raw_crm_erasures``
(object type, pseudonymous key, when it was archived in the CRM and when it was erased here: no
personal data). The pull's ``read_until`` is stored as the next pull's ``since``
(:func:`crm_since`). Everything in one DuckDB transaction: a failure leaves the last good
tables; a re-run of the same pull changes nothing. On Spark and BigQuery the same rules run in
memory (:mod:`.merge`) and the CRM tables are rebuilt whole.

>>> import pandas as pd
>>> from pipelines.warehouse.store import connect
>>> from pipelines.sources.crm.streams import CRM_STREAMS, typed
>>> con = connect(":memory:")
>>> t = "2026-03-01T10:00:00Z"
>>> contacts = typed(pd.DataFrame([{c: None for c in CRM_STREAMS["crm_contacts"].column_names}
...     | {"contact_key": "p_1", "created_at": t, "modified_at": t, "extracted_at": t}]),
...     CRM_STREAMS["crm_contacts"])
>>> stored = store_crm_pull(con, CrmPull("demo", {"crm_contacts": contacts}, t))
>>> stored.upserts["crm_contacts"], stored.rows["raw_crm_contacts"], crm_since(con, "demo")
(1, 1, Timestamp('2026-03-01 10:00:00+0000', tz='UTC'))
>>> store_crm_pull(con, CrmPull("demo", {"crm_contacts": contacts}, t)).upserts["crm_contacts"]
0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend

from pipelines.sources.crm import merge
from pipelines.sources.crm.streams import CRM_STREAMS, CrmStream, typed
from pipelines.warehouse.store import (
    STATE_TABLE,
    _identifier,
    _write_state,
    read_state,
    transaction,
)

ERASURES_TABLE = "raw_crm_erasures"
ERASURE_COLUMNS = (("object_type", "string"), ("record_key", "string"),
                   ("archived_at", "timestamp"), ("erased_at", "timestamp"))
STORED = ("crm_contacts", "crm_deals", "crm_contact_deals")  # the streams kept as tables
TABLES = (*(CRM_STREAMS[s].table for s in STORED), ERASURES_TABLE)
_SQL_TYPES = {"string": "VARCHAR", "float64": "DOUBLE", "timestamp": "TIMESTAMPTZ",
              "boolean": "BOOLEAN"}
_ARROW_TYPES = {"string": pa.string(), "float64": pa.float64(),
                "timestamp": pa.timestamp("us", tz="UTC"), "boolean": pa.bool_()}
_KEY_OF = {"contact": ("crm_contacts", "contact_key"), "deal": ("crm_deals", "deal_key")}


def state_key(source: str) -> str:
    """The ``pipeline_state`` key holding the last stored pull's ``read_until`` per CRM kind
    (another CRM starts from scratch).

    >>> state_key("hubspot")
    'crm_read_until:hubspot'
    """
    return f"crm_read_until:{source}"


@dataclass(frozen=True)
class CrmPull:
    """One pull of the CRM: the frames by stream name (each typed by its stream; a stream may
    be missing, e.g. a file export without erasures), the pull's ``read_until`` (ISO text) and
    ``read_from`` (None: everything)."""

    source: str
    frames: Mapping[str, pd.DataFrame]
    read_until: str
    read_from: str | None = None


@dataclass(frozen=True)
class CrmStored:
    """What a stored pull changed: ``upserts`` (new or newer records, pairs added) by stream,
    ``erased`` records removed by this pull's erasures, and ``rows`` per table afterwards."""

    upserts: dict[str, int] = field(default_factory=dict)
    erased: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    read_from: str | None = None
    read_until: str | None = None


class CrmStoreError(ValueError):
    """A pull that would corrupt the CRM tables; nothing was written."""


def crm_since(con: BaseBackend, source: str) -> pd.Timestamp | None:
    """The ``read_until`` of the last pull of ``source`` stored (None: none yet)."""
    value = read_state(con, state_key(source))
    return None if value is None else pd.Timestamp(value)


def _schema(columns: tuple[tuple[str, str], ...]) -> pa.Schema:
    return pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in columns])


def _arrow(frame: pd.DataFrame, stream: CrmStream) -> pa.Table:
    return pa.Table.from_pandas(typed(frame, stream), schema=_schema(stream.columns),
                                preserve_index=False)


def ensure_crm_tables(raw) -> None:
    """Create the CRM tables that do not exist yet (inside the caller's transaction)."""
    declared = {CRM_STREAMS[s].table: CRM_STREAMS[s].columns for s in STORED}
    for table, columns in {**declared, ERASURES_TABLE: ERASURE_COLUMNS}.items():
        body = ", ".join(f"{_identifier(n)} {_SQL_TYPES[k]}" for n, k in columns)
        raw.execute(f"CREATE TABLE IF NOT EXISTS {_identifier(table)} ({body})")


def _checked(pull: CrmPull) -> dict[str, pa.Table]:
    unknown = sorted(set(pull.frames) - set(CRM_STREAMS))
    if unknown:
        raise CrmStoreError(f"CRM pull: unknown streams {unknown}. Nothing was written.")
    out = {}
    for name, frame in pull.frames.items():
        stream = CRM_STREAMS[name]
        table = _arrow(frame, stream)
        keys = frame[list(stream.key)]
        if keys.isna().any(axis=None):
            raise CrmStoreError(f"{name}: {int(keys.isna().any(axis=1).sum())} rows without "
                                f"{'/'.join(stream.key)}. Nothing was written.")
        doubled = int(keys.duplicated().sum())
        if doubled:
            raise CrmStoreError(f"{name}: {doubled} rows share a key "
                                f"({', '.join(stream.key)}). Nothing was written.")
        out[name] = table
    if "crm_contact_deals" in out and "replaces" not in pull.frames["crm_contact_deals"].attrs:
        raise CrmStoreError("crm_contact_deals: the pull does not say whose pairs it replaces "
                            "(frame.attrs['replaces']). Nothing was written.")
    return out


def _count(raw, sql: str, params: list | None = None) -> int:
    return int(raw.execute(sql, params or []).fetchall()[0][0])


def _upsert(raw, stream: CrmStream) -> int:
    """Upsert ``_incoming`` into the stream's table: newer (or same time, other values) wins."""
    target = _identifier(stream.table)
    key = " AND ".join(f"t.{_identifier(k)} = i.{_identifier(k)}" for k in stream.key)
    values = [c for c in stream.column_names if c != "extracted_at"]
    row_i = ", ".join(f"i.{_identifier(c)}" for c in values)
    row_t = ", ".join(f"t.{_identifier(c)}" for c in values)
    modified = _identifier(stream.modified or "")
    oldest = "TIMESTAMPTZ '1970-01-01 00:00:00+00'"
    wins = (f"(coalesce(i.{modified}, {oldest}) > coalesce(t.{modified}, {oldest}) OR "
            f"(coalesce(i.{modified}, {oldest}) = coalesce(t.{modified}, {oldest}) AND "
            f"row({row_i}) IS DISTINCT FROM row({row_t})))")
    raw.execute(f"CREATE TEMP TABLE _winners AS SELECT i.* FROM _incoming i WHERE NOT EXISTS "
                f"(SELECT 1 FROM {target} t WHERE {key} AND NOT {wins})")
    count = _count(raw, "SELECT count(*) FROM _winners")
    key_w = " AND ".join(f"t.{_identifier(k)} = w.{_identifier(k)}" for k in stream.key)
    raw.execute(f"DELETE FROM {target} t WHERE EXISTS (SELECT 1 FROM _winners w WHERE {key_w})")
    raw.execute(f"INSERT INTO {target} SELECT * FROM _winners")
    raw.execute("DROP TABLE _winners")
    return count


def _replace_pairs(raw, replaces: list[str]) -> int:
    """Each replaced contact's pairs become the pulled ones; pairs already stored stay as they
    are (their ``extracted_at`` too). Returns the pairs added."""
    target = _identifier(CRM_STREAMS["crm_contact_deals"].table)
    raw.register("_replaced", pa.table({"contact_key": pa.array(replaces, pa.string())}))
    try:
        raw.execute(f"DELETE FROM {target} t WHERE t.contact_key IN (SELECT contact_key FROM "
                    "_replaced) AND NOT EXISTS (SELECT 1 FROM _incoming i WHERE i.contact_key "
                    "= t.contact_key AND i.deal_key = t.deal_key)")
    finally:
        raw.unregister("_replaced")
    added = _count(raw, f"SELECT count(*) FROM _incoming i WHERE NOT EXISTS (SELECT 1 FROM "
                        f"{target} t WHERE t.contact_key = i.contact_key AND t.deal_key = "
                        "i.deal_key)")
    raw.execute(f"INSERT INTO {target} SELECT i.* FROM _incoming i WHERE NOT EXISTS (SELECT 1 "
                f"FROM {target} t WHERE t.contact_key = i.contact_key AND t.deal_key = "
                "i.deal_key)")
    return added


def _erase(raw, erased_at: dt.datetime) -> int:
    """Apply ``_incoming`` (crm_archived): the records leave every table, the erasures are
    kept. Returns the contacts and deals removed."""
    removed = 0
    pairs = _identifier(CRM_STREAMS["crm_contact_deals"].table)
    for kind, (stream, key) in _KEY_OF.items():
        target, column = _identifier(CRM_STREAMS[stream].table), _identifier(key)
        gone = "SELECT record_key FROM _incoming WHERE object_type = ?"
        removed += _count(raw, f"SELECT count(*) FROM {target} WHERE {column} IN ({gone})",
                          [kind])
        raw.execute(f"DELETE FROM {target} WHERE {column} IN ({gone})", [kind])
        raw.execute(f"DELETE FROM {pairs} WHERE {column} IN ({gone})", [kind])
    raw.execute(f"INSERT INTO {_identifier(ERASURES_TABLE)} SELECT i.object_type, i.record_key, "
                "i.archived_at, ? FROM _incoming i WHERE NOT EXISTS (SELECT 1 FROM "
                f"{_identifier(ERASURES_TABLE)} e WHERE e.object_type = i.object_type AND "
                "e.record_key = i.record_key)", [erased_at])
    return removed


def store_crm_pull(con: BaseBackend, pull: CrmPull, whole: bool | None = None) -> CrmStored:
    """Store ``pull`` (see the module's docstring), in one transaction on DuckDB. On the other
    engines (or with ``whole``) the CRM tables are read, merged in memory by the same rules
    (:mod:`pipelines.sources.crm.merge`) and rebuilt whole, the state written last."""
    tables = _checked(pull)
    if whole or (whole is None and con.name != "duckdb"):
        return _store_whole(con, pull, tables)
    until = pd.Timestamp(pull.read_until).to_pydatetime()
    upserts: dict[str, int] = {}
    erased = 0
    with transaction(con) as raw:
        ensure_crm_tables(raw)
        for name in ("crm_contacts", "crm_deals", "crm_contact_deals", "crm_archived"):
            if name not in tables:
                continue
            raw.register("_incoming", tables[name])
            try:
                if name == "crm_contact_deals":
                    replaces = [str(k) for k in pull.frames[name].attrs["replaces"]]
                    upserts[name] = _replace_pairs(raw, replaces)
                elif name == "crm_archived":
                    erased = _erase(raw, until)
                else:
                    upserts[name] = _upsert(raw, CRM_STREAMS[name])
            finally:
                raw.unregister("_incoming")
        _write_state(raw, {state_key(pull.source): pull.read_until})
        rows = {t: _count(raw, f"SELECT count(*) FROM {_identifier(t)}") for t in TABLES}
    return CrmStored(upserts, erased, rows, pull.read_from, pull.read_until)


def _schemas() -> dict[str, pa.Schema]:
    declared = {CRM_STREAMS[s].table: CRM_STREAMS[s].columns for s in STORED}
    return {t: _schema(c) for t, c in {**declared, ERASURES_TABLE: ERASURE_COLUMNS}.items()}


def _store_whole(con: BaseBackend, pull: CrmPull, tables: dict[str, pa.Table]) -> CrmStored:
    """:func:`store_crm_pull` by rebuilding the CRM tables whole (engines without row-level
    writes in a transaction): a failure before the state is written re-reads the same window."""
    from pipelines.warehouse import portable
    from pipelines.warehouse.store import read_table as read_warehouse_table

    schemas = _schemas()
    if con.name == "duckdb":
        with transaction(con) as raw:
            ensure_crm_tables(raw)
    else:
        portable.ensure_tables(con, schemas)
    names = {CRM_STREAMS[s].table: s for s in STORED}
    current = {t: con.to_pyarrow(read_warehouse_table(con, t)).to_pandas() for t in TABLES}
    current = {t: typed(f, CRM_STREAMS[names[t]]) if t in names else f
               for t, f in current.items()}
    incoming = {n: t.to_pandas() for n, t in tables.items()}
    upserts: dict[str, int] = {}
    for name in ("crm_contacts", "crm_deals"):
        if name in incoming:
            stream = CRM_STREAMS[name]
            current[stream.table], upserts[name] = merge.upsert(
                current[stream.table], typed(incoming[name], stream), stream.key,
                stream.modified or "")
    if "crm_contact_deals" in incoming:
        pairs = "raw_crm_contact_deals"
        current[pairs], upserts["crm_contact_deals"] = merge.replace_pairs(
            current[pairs], typed(incoming["crm_contact_deals"], CRM_STREAMS["crm_contact_deals"]),
            [str(k) for k in pull.frames["crm_contact_deals"].attrs["replaces"]])
    erased = 0
    if "crm_archived" in incoming:
        current, current[ERASURES_TABLE], erased = merge.erase(
            current, incoming["crm_archived"], current[ERASURES_TABLE],
            pd.Timestamp(pull.read_until).to_pydatetime())
    arrow = {t: pa.Table.from_pandas(f, schema=schemas[t], preserve_index=False)
             for t, f in current.items()}
    if con.name == "duckdb":
        from pipelines.warehouse.store import replace_with_arrow

        replace_with_arrow(con, arrow, state={state_key(pull.source): pull.read_until})
    else:
        portable.replace_tables(con, arrow)
        portable.write_state(con, STATE_TABLE, {state_key(pull.source): pull.read_until})
    rows = {t: a.num_rows for t, a in arrow.items()}
    return CrmStored(upserts, erased, rows, pull.read_from, pull.read_until)


def empty_crm_tables(con: BaseBackend) -> dict[str, int]:
    """Create the CRM tables that do not exist yet (no CRM configured: they stay empty, or keep
    what an earlier CRM left); their rows.

    >>> from pipelines.warehouse.store import connect
    >>> empty_crm_tables(connect(":memory:"))["raw_crm_erasures"]
    0
    """
    if con.name != "duckdb":
        from pipelines.warehouse import portable

        portable.ensure_tables(con, _schemas())
        return {t: int(con.table(t).count().execute()) for t in TABLES}
    with transaction(con) as raw:
        ensure_crm_tables(raw)
        return {t: _count(raw, f"SELECT count(*) FROM {_identifier(t)}") for t in TABLES}
