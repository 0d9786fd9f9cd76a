"""The ``report_deliveries`` table: every attempt to deliver a report, so that a re-run of the
same week reaches only whom it has not reached yet.

One row per attempt: the week (and its Monday, ``period_start``, which dates the row for
retention: ``campaign-kpi purge`` deletes old attempts like old KPI rows), the report kind,
the recipient's pseudonym (a keyed hash of the address, or of a webhook's kind and variable:
:mod:`pipelines.privacy`; never the address or the URL), the language, the channel (mail,
slack, teams), the Message-ID, when, the status (sent, refused, failed) and the error.

>>> from pipelines.warehouse.store import connect
>>> con = connect(":memory:")
>>> now = dt.datetime(2026, 11, 23, 7, tzinfo=dt.UTC)
>>> record(con, [Attempt("2026-W47", dt.date(2026, 11, 16), "weekly", "p_1", "nl", "mail",
...                      "<1@x.be>", now, "sent", None),
...              Attempt("2026-W47", dt.date(2026, 11, 16), "weekly", "p_2", "fr", "mail",
...                      None, now, "refused", "550 no such user")])
2
>>> sorted(reached(con, "2026-W47", "weekly"))
[('p_1', 'mail')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import astuple, dataclass, fields

import ibis
import pandas as pd
from ibis.backends import BaseBackend

DELIVERIES_TABLE = "report_deliveries"
SCHEMA = ibis.schema({
    "week": "string", "period_start": "date", "report": "string", "recipient": "string",
    "language": "string", "channel": "string", "message_id": "string",
    "sent_at": "timestamp('UTC')", "status": "string", "error": "string"})


@dataclass(frozen=True)
class Attempt:
    """One row of the ledger."""

    week: str
    period_start: dt.date
    report: str
    recipient: str
    language: str
    channel: str
    message_id: str | None
    sent_at: dt.datetime
    status: str  # sent, refused, failed
    error: str | None


def reached(con: BaseBackend, week: str, report: str) -> set[tuple[str, str]]:
    """(recipient pseudonym, channel) pairs already sent ``report`` of ``week``."""
    if DELIVERIES_TABLE not in con.list_tables():
        return set()
    t = con.table(DELIVERIES_TABLE)
    rows = con.execute(t.filter((t.week == week) & (t.report == report)
                                & (t.status == "sent"))[["recipient", "channel"]])
    return set(rows.itertuples(index=False, name=None))


def record(con: BaseBackend, attempts: Sequence[Attempt]) -> int:
    """Append ``attempts`` (the table is created on first use); the rows written."""
    return append_attempts(con, DELIVERIES_TABLE, SCHEMA, attempts, "period_start")


def append_attempts(con: BaseBackend, table: str, schema: ibis.Schema,
                    attempts: Sequence[object], day_column: str) -> int:
    """Append ``attempts`` (frozen dataclasses shaped like ``schema``, a ``sent_at`` and a
    ``day_column`` date among their fields) to the ledger ``table``, created on first use."""
    if not attempts:
        return 0
    if table not in con.list_tables():
        con.create_table(table, schema=schema)
    frame = pd.DataFrame([astuple(a) for a in attempts],
                         columns=[f.name for f in fields(attempts[0])])
    frame["sent_at"] = pd.to_datetime(frame["sent_at"], utc=True)
    frame[day_column] = pd.to_datetime(frame[day_column]).dt.date
    con.insert(table, ibis.memtable(frame, schema=schema))
    return len(frame)
