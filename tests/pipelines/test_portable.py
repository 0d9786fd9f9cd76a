"""The engine-neutral writes (used on Spark), checked on an in-memory DuckDB through Ibis alone."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pytest

from pipelines.warehouse import portable

D = dt.date


@pytest.fixture
def con():
    backend = ibis.duckdb.connect()
    yield backend
    backend.disconnect()


def rows(con, name: str) -> list[tuple]:
    return sorted(con.to_pyarrow(con.table(name)).to_pylist(), key=str)


SCHEMA = pa.schema([("date", pa.date32()), ("scope", pa.string()), ("value", pa.float64())])


def facts(dates, scope: str, value: float) -> pa.Table:
    return pa.table({"date": dates, "scope": [scope] * len(dates),
                     "value": [value] * len(dates)}, schema=SCHEMA)


def test_replace_rows_swaps_only_the_chosen_rows_and_leaves_no_staging_table(con):
    days = [D(2026, 3, d) for d in (1, 2, 3)]
    portable.ensure_tables(con, {"raw": SCHEMA})
    portable.replace_rows(con, "raw", lambda t: t.scope == "a", facts(days, "a", 1.0))
    portable.replace_rows(con, "raw", lambda t: t.scope == "b", facts(days, "b", 2.0))
    # Re-pull days 2..3 of scope a with new values: day 1 of a and all of b stay.
    window = days[1:]
    portable.replace_rows(
        con, "raw", lambda t: (t.scope == "a") & t.date.between(window[0], window[-1]),
        facts(window, "a", 5.0))
    got = rows(con, "raw")
    assert len(got) == 6
    assert {(r["date"].day, r["value"]) for r in got if r["scope"] == "a"} == {
        (1, 1.0), (2, 5.0), (3, 5.0)}
    assert {r["value"] for r in got if r["scope"] == "b"} == {2.0}
    assert not [t for t in con.list_tables() if t.endswith(portable.STAGING_SUFFIX)]


def test_incoming_columns_follow_the_table_schema_by_name(con):
    portable.ensure_tables(con, {"raw": SCHEMA})
    shuffled = pa.table({"value": [3], "scope": ["a"], "date": [D(2026, 3, 1)]})
    portable.replace_rows(con, "raw", lambda t: t.scope == "a", shuffled)
    assert rows(con, "raw") == [{"date": D(2026, 3, 1), "scope": "a", "value": 3.0}]


def test_a_column_with_no_value_at_all_is_stored_as_text(con):
    table = pa.table({"name": ["x", "y"], "error": pa.nulls(2)})
    assert portable.replace_tables(con, {"effects": table}) == {"effects": 2}
    assert con.table("effects").schema()["error"].is_string()
    assert [r["error"] for r in rows(con, "effects")] == [None, None]


def test_replace_window_creates_then_replaces_and_counts_the_window(con):
    first = ibis.memtable(facts([D(2026, 3, 1), D(2026, 3, 2)], "a", 1.0))
    assert portable.replace_window(con, "derived", first, D(2026, 3, 1), D(2026, 3, 2)) == 2
    again = ibis.memtable(facts([D(2026, 3, 2)], "a", 9.0))
    assert portable.replace_window(con, "derived", again, D(2026, 3, 2), D(2026, 3, 3)) == 1
    assert [(r["date"].day, r["value"]) for r in rows(con, "derived")] == [(1, 1.0), (2, 9.0)]


def test_state_is_upserted_per_key(con):
    assert portable.read_state(con, "state", "rules") is None
    portable.write_state(con, "state", {"rules": "v1", "other": "x"})
    portable.write_state(con, "state", {"rules": "v2"})
    assert portable.read_state(con, "state", "rules") == "v2"
    assert portable.read_state(con, "state", "other") == "x"
    assert len(rows(con, "state")) == 2


def test_the_table_format_is_parquet_unless_spark_says_otherwise(con):
    assert portable.table_format(con) == "parquet"
