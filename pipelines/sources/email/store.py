"""Storing the e-mail stream: an upsert by campaign ID (a re-read send replaces its row, a send
not re-read keeps the row it had), with the pull's state, in one transaction (DuckDB; the other
engines rebuild the small table whole). Kept apart so it can join the CRM's entity writes.

>>> import datetime as dt
>>> from pipelines.sources.demo import DemoSettings
>>> from pipelines.sources.email.demo import DemoEmailSource
>>> from pipelines.warehouse.store import connect
>>> con = connect(":memory:")
>>> source = DemoEmailSource(DemoSettings(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
>>> upsert_sends(con, source.pull())
6
>>> upsert_sends(con, source.pull(since=dt.datetime(2026, 3, 31, tzinfo=dt.UTC)))
2
>>> con.table(EMAIL_CAMPAIGNS.table).count().execute()
6
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pyarrow as pa

from pipelines.sources.email.streams import EMAIL_CAMPAIGNS, EmailStream, typed
from pipelines.warehouse.store import read_table, replace_with_arrow

ARROW = {"string": pa.string(), "int64": pa.int64(), "timestamp": pa.timestamp("us", tz="UTC"),
         "date": pa.date32()}
PULLED_STATE = "email_campaigns.pulled_until"  # the read_until of the last good pull


def arrow_schema(stream: EmailStream = EMAIL_CAMPAIGNS) -> pa.Schema:
    return pa.schema([(name, ARROW[dtype]) for name, dtype in stream.columns])


def to_arrow(frame: pd.DataFrame, stream: EmailStream = EMAIL_CAMPAIGNS) -> pa.Table:
    """``frame`` (any column types) as the stream's Arrow table."""
    frame = typed(frame, stream)
    return pa.Table.from_pandas(frame, schema=arrow_schema(stream), preserve_index=False)


def read_sends(con) -> pd.DataFrame:
    """The stored sends (the stream's columns, typed); empty before the first pull."""
    if EMAIL_CAMPAIGNS.table not in con.list_tables():
        return typed(pd.DataFrame(columns=list(EMAIL_CAMPAIGNS.column_names)))
    return typed(read_table(con, EMAIL_CAMPAIGNS.table).to_pyarrow().to_pandas())


def upsert_sends(con, pulled: pd.DataFrame, state: Mapping[str, str] | None = None,
                 whole: bool = False) -> int:
    """Upsert the ``pulled`` sends by campaign ID and record ``state``, in one transaction;
    ``whole``: replace the table instead (another source or account than the stored rows').
    Returns the rows written. Duplicate keys in ``pulled`` stop the write (nothing stored
    changes)."""
    incoming = typed(pulled)
    doubled = incoming["campaign_id"].duplicated()
    if doubled.any():
        raise ValueError(f"{EMAIL_CAMPAIGNS.name}: {int(doubled.sum())} sends share a campaign "
                         "ID. Nothing was written.")
    stored = read_sends(con).iloc[:0] if whole else read_sends(con)
    kept = stored[~stored["campaign_id"].isin(incoming["campaign_id"])]
    merged = pd.concat([kept, incoming], ignore_index=True) if len(kept) else incoming
    replace_with_arrow(con, {EMAIL_CAMPAIGNS.table: to_arrow(merged)}, state=state)
    return len(incoming)
