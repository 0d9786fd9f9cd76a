"""The run history the command line keeps in ``<data dir>/dagster_home``, written in batches.

A single-run backfill of N days records, per partitioned asset, one "planned" and one
materialization event per day: that is what lets the Dagster UI show which days are
materialised, in progress or failed. Dagster's SQLite event log writes each of those events
on its own: a new connection, one transaction and a WAL checkpoint per event, in the run's
file and again in the cross-run index, which made the demo's 430-day backfill spend most of
its time (and 1.3 GB of disk writes) in bookkeeping.

Dagster hands events that belong together (the planned events of a run, the materializations
of one step output) to ``EventLogStorage.store_event_batch`` when ``DAGSTER_EVENT_BATCH_SIZE``
is set; its SQLite storage stores them one by one. :class:`BatchedSqliteEventLogStorage`
stores such a batch in one transaction per file, so the same events (same rows, same
partition status) cost a few transactions per step instead of two per day.

>>> home = getfixture("tmp_path")
>>> overrides(home)["event_log_storage"]["class"]
'BatchedSqliteEventLogStorage'
>>> _ = (home / "dagster.yaml").write_text("storage: {postgres: {}}\\n", encoding="utf-8")
>>> overrides(home) is None  # a storage the user chose is left as it is
True
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import yaml
from dagster._core.events import ASSET_EVENTS
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.schema import SqlEventLogStorageTable
from dagster._core.storage.sqlalchemy_compat import db_result

from assets.instance import SETTINGS_FILES

BATCH_SIZE_ENV = "DAGSTER_EVENT_BATCH_SIZE"  # read by Dagster at each event
BATCH_SIZE = 1000  # events buffered at most before a write (a step's days, a run's plan)
STORAGE_KEYS = ("storage", "run_storage", "event_log_storage", "schedule_storage")


class BatchedSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log, but a batch of asset events of one run is stored in one
    transaction in the run's file and one in the index (same rows as event by event)."""

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """Store ``events`` in their order: each run of consecutive asset events of one run
        at once, any other event (an asset check's plan) on its own, as Dagster does."""
        run_id = events[0].run_id if events else None
        for batched, group in itertools.groupby(events, key=lambda e: _batched(e, run_id)):
            if batched:
                self._store_asset_events(list(group))
            else:
                for event in group:
                    self.store_event(event)

    def _store_asset_events(self, events: Sequence[EventLogEntry]) -> None:
        """Asset events of one run: one transaction in the run's file, one in the index."""
        rows = [self._event_to_row(event) for event in events]
        with self.run_connection(events[0].run_id) as conn:
            conn.execute(SqlEventLogStorageTable.insert(), rows)
        with self.index_transaction() as conn:
            ids = []
            for row in rows:
                with db_result(conn, SqlEventLogStorageTable.insert().values(**row)) as result:
                    ids.append(result.inserted_primary_key[0])
            self._store_asset_event_tags(conn, events, ids)
            for i, (event, event_id) in enumerate(zip(events, ids, strict=True)):
                if not _superseded(events, i):  # the asset's row keeps its last event only
                    self._store_asset_event(conn, event, event_id)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> BatchedSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)


def _batched(event: EventLogEntry, run_id: str | None) -> bool:
    """Whether ``event`` is an asset event (with a key) of run ``run_id``: what is stored in
    batches; anything else (asset checks, run status) is stored on its own."""
    return (event.run_id == run_id and event.dagster_event is not None
            and event.dagster_event_type in ASSET_EVENTS
            and event.dagster_event.asset_key is not None)


def _superseded(events: Sequence[EventLogEntry], i: int) -> bool:
    """Whether the next event updates the same columns of the same asset's row (same key,
    same type), so that writing event ``i`` there first changes nothing in the end."""
    if i + 1 == len(events):
        return False
    this, after = events[i].dagster_event, events[i + 1].dagster_event
    return (this is not None and after is not None and this.asset_key == after.asset_key
            and this.event_type_value == after.event_type_value)


def overrides(home: Path) -> dict | None:
    """Instance settings that make ``home``'s event log :class:`BatchedSqliteEventLogStorage`
    (the same files Dagster's default uses), unless its ``dagster.yaml`` chooses a storage."""
    for name in SETTINGS_FILES:
        path = home / name
        if path.exists():
            settings = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if any(key in settings for key in STORAGE_KEYS):
                return None
            break
    return {"event_log_storage": {
        "module": __name__, "class": BatchedSqliteEventLogStorage.__name__,
        "config": {"base_dir": str(home / "history" / "runs")}}}


@contextlib.contextmanager
def batched_events(size: int = BATCH_SIZE) -> Iterator[None]:
    """Let Dagster buffer events that belong together (up to ``size``) and store them as one
    batch, unless the environment already sets ``DAGSTER_EVENT_BATCH_SIZE``."""
    if os.environ.get(BATCH_SIZE_ENV) is not None:
        yield
        return
    os.environ[BATCH_SIZE_ENV] = str(size)
    try:
        yield
    finally:
        os.environ.pop(BATCH_SIZE_ENV, None)
