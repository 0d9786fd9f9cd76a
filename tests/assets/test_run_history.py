"""The run history of a backfill: a bounded number of writes whatever its length, and the
partition status the Dagster UI shows (materialised days, failed days, checks) still right."""


import datetime as dt
import os
from collections import Counter
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy
from dagster._core.storage.partition_status_cache import get_and_update_asset_status_cache_value

from assets import history, runner
from assets.history import BatchedSqliteEventLogStorage
from assets.runner import kept_instance
from assets.settings import EXAMPLE_CONFIG, Paths
from kpi import model
from pipelines.sources.streams import STREAMS
from tests.assets.conftest import END, START

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}  # as the CLI runs
FIRST = dt.date(2024, 1, 1)
DAYS = dg.DailyPartitionsDefinition(start_date=FIRST.isoformat(), end_date="2026-01-01")
PARTITIONED = (*(stream.table for stream in STREAMS.values()), model.MODEL_TABLE)


def _job(fail_from: str | None = None) -> dg.JobDefinition:
    """Two daily assets backfilled in one run (as the nightly job's raw pulls and model) and a
    warning check; ``pulls`` fails when the range reaches ``fail_from``."""

    @dg.asset(partitions_def=DAYS, backfill_policy=dg.BackfillPolicy.single_run())
    def pulls(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        if fail_from is not None and context.partition_key_range.end >= fail_from:
            raise dg.Failure(description="the source refused")
        return dg.MaterializeResult(metadata={"window_start": context.partition_key_range.start})

    @dg.asset(partitions_def=DAYS, backfill_policy=dg.BackfillPolicy.single_run(), deps=[pulls])
    def model() -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"dagster/row_count": 3})

    @dg.asset_check(asset=model, description="warns, as budget_on_pace does")
    def model_on_pace() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN,
                                   description="pacing to investigate")

    return dg.Definitions(assets=[pulls, model], asset_checks=[model_on_pace],
                          jobs=[dg.define_asset_job("all")]).resolve_job_def("all")


def _days(n: int, first: dt.date = FIRST) -> list[str]:
    return [(first + dt.timedelta(days=i)).isoformat() for i in range(n)]


def _backfill(folder: Path, days: list[str], job: dg.JobDefinition | None = None):
    """A single-run backfill of ``days`` on the instance the command line keeps in ``folder``;
    the result and the SQLite transactions it committed."""
    commits = Counter()

    def count(conn) -> None:
        commits["n"] += 1

    sqlalchemy.event.listen(sqlalchemy.engine.Engine, "commit", count)
    try:
        result = runner._execute(job or _job(), Paths(folder, EXAMPLE_CONFIG), None,
                                 run_config=QUIET,
                                 tags={"dagster/asset_partition_range_start": days[0],
                                       "dagster/asset_partition_range_end": days[-1]})
    finally:
        sqlalchemy.event.remove(sqlalchemy.engine.Engine, "commit", count)
    return result, commits["n"]


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _status(instance: dg.DagsterInstance, key: str) -> tuple[list[str], list[str]]:
    """The materialised and failed days of ``key``, as the Dagster UI reads them."""
    cached = get_and_update_asset_status_cache_value(instance, dg.AssetKey(key), DAYS)
    assert cached is not None
    return (sorted(cached.deserialize_materialized_partition_subsets(DAYS).get_partition_keys()),
            sorted(cached.deserialize_failed_partition_subsets(DAYS).get_partition_keys()))


def test_a_backfills_writes_do_not_grow_with_its_days(tmp_path):
    """10 days or 200: the same transactions (Dagster's SQLite storage on its own commits four
    more per asset and day), two events per asset and day, a few kB per asset and day."""
    short, short_commits = _backfill(tmp_path, _days(10))
    before = _size(tmp_path)
    long, long_commits = _backfill(tmp_path, _days(200, FIRST + dt.timedelta(days=10)))
    assert short.success and long.success
    assert long_commits - short_commits <= 4, (short_commits, long_commits)
    assert _size(tmp_path) - before < 200 * 2 * 12_000  # 8.6 kB: both events, in two files
    with kept_instance(Paths(tmp_path, EXAMPLE_CONFIG)) as instance:
        assert isinstance(instance.event_log_storage, BatchedSqliteEventLogStorage)
        stored = Counter(e.dagster_event_type.value for e in instance.all_logs(long.run_id)
                         if e.dagster_event is not None and e.dagster_event.partition)
    assert stored == {"ASSET_MATERIALIZATION_PLANNED": 400, "ASSET_MATERIALIZATION": 400}


def test_the_ui_sees_every_backfilled_day_the_failed_days_and_the_checks(tmp_path):
    done, _ = _backfill(tmp_path, _days(60))
    assert done.success
    later = _days(30, FIRST + dt.timedelta(days=60))
    failed, _ = _backfill(tmp_path, later, _job(fail_from=later[0]))
    assert not failed.success
    with kept_instance(Paths(tmp_path, EXAMPLE_CONFIG)) as instance:
        assert _status(instance, "pulls") == (_days(60), later)
        assert _status(instance, "model") == (_days(60), later)  # planned, never run: failed
        latest = instance.get_latest_materialization_event(dg.AssetKey("model"))
        assert latest is not None and latest.dagster_event.partition == _days(60)[-1]
        checks = instance.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey("model"), "model_on_pace"), limit=1000)
        by_run = Counter((c.run_id, c.status.value) for c in checks)
    # The check's history as the UI lists it: the backfill's evaluation, failed (Dagster 1.13
    # records a range run's check once, beside a planned row per day, as its own SQLite
    # storage does), and the failed run's days planned, never evaluated.
    assert by_run == {(done.run_id, "FAILED"): 1, (done.run_id, "PLANNED"): 60,
                      (failed.run_id, "PLANNED"): 30}


def test_the_nightly_backfill_records_each_day_once_per_partitioned_asset(built):
    """The shared demo warehouse was built by one range run (run_nightly) on the kept instance:
    every partitioned asset shows each of its days materialised, none failed."""
    paths, result = built
    days = [(START + dt.timedelta(days=i)).isoformat() for i in range((END - START).days + 1)]
    with kept_instance(paths) as instance:
        stored = Counter((e.dagster_event.asset_key.to_user_string(),
                          e.dagster_event_type.value) for e in instance.all_logs(result.run_id)
                         if e.dagster_event is not None and e.dagster_event.partition)
        for key in PARTITIONED:
            assert stored[key, "ASSET_MATERIALIZATION"] == len(days), key
            assert stored[key, "ASSET_MATERIALIZATION_PLANNED"] == len(days), key
            keys = set(instance.get_materialized_partitions(dg.AssetKey(key)))
            assert keys >= set(days), key
    assert sum(stored.values()) == 2 * len(PARTITIONED) * len(days)


def test_a_storage_the_user_chose_is_kept(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        "telemetry:\n  enabled: false\nevent_log_storage:\n  module: dagster._core.storage."
        f"event_log\n  class: SqliteEventLogStorage\n  config:\n    base_dir: {home}/x\n",
        encoding="utf-8")
    with kept_instance(Paths(tmp_path, EXAMPLE_CONFIG)) as instance:
        assert type(instance.event_log_storage).__name__ == "SqliteEventLogStorage"


@pytest.mark.parametrize("preset", [None, "7"])
def test_batching_is_on_while_the_instance_is_open_and_an_explicit_size_wins(
        tmp_path, monkeypatch, preset):
    if preset is None:
        monkeypatch.delenv(history.BATCH_SIZE_ENV, raising=False)
    else:
        monkeypatch.setenv(history.BATCH_SIZE_ENV, preset)
    with kept_instance(Paths(tmp_path, EXAMPLE_CONFIG)):
        assert os.environ[history.BATCH_SIZE_ENV] == (preset or str(history.BATCH_SIZE))
    assert os.environ.get(history.BATCH_SIZE_ENV) == preset
