"""Warehouse tables as files for Excel, Looker Studio or Power BI: CSV (UTF-8, comma separated,
ISO dates, a dot for decimals, a header row: what data tools read without asking) or Parquet
(typed columns). Each table is read and written in batches of rows, so a 35-million-row
``kpi_values`` costs the memory of a batch, not of the table; a file appears whole or not at
all (written beside, then renamed).

>>> import pyarrow as pa
>>> from pipelines.warehouse.store import connect
>>> con = connect(":memory:")
>>> _ = con.create_table("kpi_values", pa.table({"metric": ["cpl", "ctr"], "value": [12.5, 0.02]}))
>>> pick_tables(["kpi_value"], con.list_tables())
Traceback (most recent call last):
...
ValueError: no table kpi_value in the warehouse; did you mean kpi_values?
>>> out = getfixture("tmp_path")  # a fresh folder
>>> [(e.table, e.rows, e.path.name) for e in export_tables(con, ["kpi_values"], out, "csv")]
[('kpi_values', 2, 'kpi_values.csv')]
>>> print((out / "kpi_values.csv").read_text(encoding="utf-8"), end="")
"metric","value"
"cpl",12.5
"ctr",0.02
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

Format = Literal["csv", "parquet"]
FORMATS: tuple[Format, ...] = ("csv", "parquet")
BATCH_ROWS = 200_000


@dataclass(frozen=True)
class Exported:
    """One table written: its file, rows and bytes."""

    table: str
    path: Path
    rows: int
    bytes: int


def pick_tables(wanted: Sequence[str], present: Iterable[str]) -> list[str]:
    """``wanted`` checked against the warehouse's tables; ValueError naming an unknown one
    (with the closest name when one is close)."""
    names = sorted(present)
    for name in wanted:
        if name not in names:
            close = difflib.get_close_matches(name, names, n=1)
            hint = f"; did you mean {close[0]}?" if close else \
                f"; it has {', '.join(names) or 'no tables yet'}"
            raise ValueError(f"no table {name} in the warehouse{hint}")
    return list(dict.fromkeys(wanted))


def as_dates(con: Any, expr: Any) -> Any:
    """``expr`` with each timestamp column (no time zone) that holds only midnights as a date:
    a period's start is a day, and a spreadsheet should show 2026-11-30, not a time."""
    stamps = [c for c, t in expr.schema().items() if t.is_timestamp() and t.timezone is None]
    days = [c for c in stamps
            if not con.execute((expr[c] != expr[c].date().cast(expr[c].type())).any())]
    return expr.mutate(**{c: expr[c].date() for c in days}) if days else expr


def _writer(path: Path, schema: pa.Schema, fmt: Format) -> Any:
    if fmt == "parquet":
        return pq.ParquetWriter(path, schema)
    return pa_csv.CSVWriter(path, schema)


def export_table(con: Any, table: str, path: Path, fmt: Format,
                 order: Sequence[str] = ()) -> Exported:
    """``table`` (in ``order`` when given, for files that compare line by line) into
    ``path``, batch by batch; the file is replaced only once it is complete."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")
    expr = as_dates(con, con.table(table))
    if order:
        expr = expr.order_by([c for c in order if c in expr.columns])
    reader = con.to_pyarrow_batches(expr, chunk_size=BATCH_ROWS)
    partial = path.with_name(f".{path.name}.partial")
    rows = 0
    writer = _writer(partial, reader.schema, fmt)
    try:
        for batch in reader:
            writer.write_batch(batch)
            rows += batch.num_rows
    except BaseException:
        writer.close()
        partial.unlink(missing_ok=True)
        raise
    writer.close()
    os.replace(partial, path)
    return Exported(table, path, rows, path.stat().st_size)


def export_tables(con: Any, tables: Sequence[str], folder: Path, fmt: Format,
                  orders: Mapping[str, Sequence[str]] | None = None) -> list[Exported]:
    """Every table of ``tables`` as ``folder/<table>.<fmt>`` (see :func:`export_table`)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [export_table(con, t, folder / f"{t}.{fmt}", fmt, (orders or {}).get(t, ()))
            for t in tables]
