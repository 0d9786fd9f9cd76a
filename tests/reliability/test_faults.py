"""Faults around the warehouse: a DuckDB file locked by another process, a read-only data
folder, a disk that fills up during the run. Each ends with a clear message (no traceback),
every table as it was, and a later run that succeeds once the fault is gone.

The read-only folder and the full disk are real: a read-only bind mount and a small tmpfs
(this needs root, as in CI here; elsewhere the two tests are skipped and say why)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipelines.warehouse.store import connect
from tests.assets.conftest import assert_same_tables
from tests.reliability.runs import (
    WAREHOUSE,
    campaign_kpi,
    copy_data,
    key_audit,
    nightly,
    warehouse_tables,
)

pytestmark = pytest.mark.slow
MB = 1024 * 1024


def one_line(text: str) -> str:
    return " ".join(text.split())  # rich wraps long lines


def assert_clear_failure(done: subprocess.CompletedProcess[str], *said: str) -> str:
    """Exit code 1, no traceback, each of ``said`` in the message; the message."""
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout
    message = one_line(done.stderr)
    for text in said:
        assert text in message, done.stderr
    return message


def report(record_property, fault: str, message: str, tables: int) -> None:
    figure = f"fault {fault}: exit 1, {tables} tables unchanged; said: {message[:240]}"
    record_property("figure", figure)
    print(figure)


@contextmanager
def holding_the_lock(warehouse: Path) -> Iterator[int]:
    """Another process (a notebook, say) with the warehouse open for writing; its PID."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
         "print('open', flush=True); time.sleep(600)", str(warehouse)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        yield holder.pid
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_a_locked_warehouse_is_named_with_its_holder_and_left_alone(cli_demo, tmp_path,
                                                                    record_property):
    data = copy_data(cli_demo, tmp_path / "data")
    before = warehouse_tables(data)
    with holding_the_lock(data / WAREHOUSE) as pid:
        run = nightly(cli_demo, data)
        purge = campaign_kpi("purge", "--older-than", "30d", config=cli_demo.config, data=data,
                             cwd=tmp_path)
    said = assert_clear_failure(run, f"{data / WAREHOUSE}: the warehouse is locked by process "
                                f"{pid}", "close it and try again")
    assert "The run failed" not in said  # found before the run began: no source was pulled
    assert_clear_failure(purge, f"the warehouse is locked by process {pid}")
    assert_same_tables(warehouse_tables(data), before)
    assert nightly(cli_demo, data).returncode == 0  # once the holder has gone
    assert_same_tables(warehouse_tables(data), before)
    report(record_property, "locked warehouse", said, len(before))


def _root_or_skip() -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a read-only folder or a small disk needs root")


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"mount {' '.join(args)} is not permitted here: {done.stderr.strip()}")


@contextmanager
def mounted(target: Path, *args: str) -> Iterator[Path]:
    _mount(*args, str(target))
    try:
        yield target
    finally:
        subprocess.run(["umount", "--lazy", str(target)], check=False)


def test_a_read_only_data_folder_stops_the_run_before_it_changes_anything(cli_demo, tmp_path,
                                                                          record_property):
    _root_or_skip()
    data = copy_data(cli_demo, tmp_path / "data")
    before = warehouse_tables(data)
    with mounted(data, "--bind", str(data)):
        _mount("-o", "remount,bind,ro", str(data))
        done = nightly(cli_demo, data)
        said = assert_clear_failure(done, "The run stopped; every table keeps its last good data.",
                                    f"{data}: Read-only file system",
                                    "give the pipeline a writable data folder")
    assert_same_tables(warehouse_tables(data), before)
    report(record_property, "read-only data folder", said, len(before))


def _fill(disk: Path, leave: int) -> Path:
    """A file taking all of ``disk``'s free space but ``leave`` bytes."""
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with filler.open("wb") as out:
        out.truncate(0)
        chunk = b"\0" * MB
        remaining = free - leave
        while remaining > 0:
            remaining -= out.write(chunk[:remaining])
    return filler


@pytest.mark.parametrize("free_mb", [0.5, 2])
def test_a_full_disk_fails_the_run_clearly_and_keeps_the_last_good_data(cli_demo, tmp_path,
                                                                         free_mb, record_property):
    _root_or_skip()
    size = sum(p.stat().st_size for p in cli_demo.data.rglob("*") if p.is_file())
    disk = tmp_path / "disk"
    disk.mkdir()
    with mounted(disk, "-t", "tmpfs", "-o", f"size={size + 64 * MB}", "tmpfs"):
        data = copy_data(cli_demo, disk / "data")
        before = warehouse_tables(data)
        filler = _fill(disk, int(free_mb * MB))

        failed = nightly(cli_demo, data)

        said = assert_clear_failure(failed, "every table keeps its last good data.",
                                    "the disk is full: free some space and run again")
        assert_same_tables(warehouse_tables(data), before)
        filler.unlink()
        again = nightly(cli_demo, data)
        assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
        assert_same_tables(warehouse_tables(data), before)
        assert key_audit(data).clean
        assert not list((data / "out").rglob("*.partial"))
        connect(data / WAREHOUSE, read_only=True).disconnect()
    report(record_property, f"full disk ({free_mb} MB free), then space freed and re-run", said,
           len(before))
