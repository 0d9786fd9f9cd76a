"""Idempotency: each asset re-materialised on its own, again and again, and backfills that
overlap earlier runs (and come out of order) leave tables identical to one clean run, with no
key occurring twice in any table (:mod:`pipelines.warehouse.keys`)."""

from __future__ import annotations

import datetime as dt
import os

import dagster as dg
import pytest

from assets.catalog import CATALOG
from assets.jobs import NIGHTLY_JOB
from assets.report import REPORT_ASSET
from assets.runner import nightly_definitions, run_nightly
from assets.settings import Paths
from pipelines.warehouse import keys
from pipelines.warehouse.store import connect
from tests.assets.conftest import END, START, assert_same_tables, copy_of, demo_config, tables

# Re-materialisations of each asset on its own, on top of the build (which the full reruns of
# tests/e2e repeat again); CAMPAIGN_KPI_REPEATS sets more.
REPEATS = int(os.environ.get("CAMPAIGN_KPI_REPEATS", "1"))

pytestmark = pytest.mark.slow


def audited(paths: Paths) -> dict:
    con = connect(paths.warehouse, read_only=True)
    try:
        audit = keys.audit(con, CATALOG)
        assert audit.clean, audit
        return tables(con)
    finally:
        con.disconnect()


def steps(paths: Paths) -> list[tuple[str, list[dg.AssetKey]]]:
    """Each step of the nightly job (an asset, or the assets one function writes together)."""
    graph = nightly_definitions(paths, demo_config()).resolve_asset_graph()
    return sorted((d.node_def.name, sorted(d.keys)) for d in graph.assets_defs
                  if d.is_executable and d.keys and d.node_def.name != REPORT_ASSET)


def test_every_asset_rematerialised_alone_changes_nothing(built, tmp_path, record_property):
    paths = copy_of(built, tmp_path / "data")
    before = audited(paths)
    job = nightly_definitions(paths, demo_config()).resolve_job_def(NIGHTLY_JOB)
    done = []
    with dg.DagsterInstance.ephemeral() as instance:
        for _ in range(REPEATS):
            for name, selection in steps(paths):
                result = job.execute_in_process(partition_key=END.isoformat(),
                                                asset_selection=selection, instance=instance,
                                                raise_on_error=False)
                assert result.success, name
                done.append(name)
    assert_same_tables(audited(paths), before)
    figure = (f"idempotency: {len(set(done))} steps x {REPEATS} re-materialisations on top of "
              f"the build, {len(before)} tables identical, 0 duplicate keys")
    record_property("figure", figure)
    print(figure)


# Runs over overlapping ranges, an older day after a newer one, the last day last.
BACKFILLS = (
    (START, END - dt.timedelta(days=30)),
    (END - dt.timedelta(days=40), END - dt.timedelta(days=3)),
    (END - dt.timedelta(days=20), END - dt.timedelta(days=12)),
    (END, END),
)


def test_overlapping_backfills_end_as_one_clean_run(built, tmp_path, record_property):
    paths = Paths(data_dir=tmp_path / "data", config=built[0].config)
    config = demo_config()
    for first, last in BACKFILLS:
        assert run_nightly(paths, config, first, last).success, (first, last)
        audited(paths)  # no duplicate key after any of them
    expected = tables(connect(built[0].warehouse, read_only=True))
    assert_same_tables(audited(paths), expected)
    figure = (f"idempotency: {len(BACKFILLS)} overlapping backfills (out of order) equal one "
              f"clean run over {START}..{END}: {len(expected)} tables, 0 duplicate keys")
    record_property("figure", figure)
    print(figure)
