"""The Dagster definitions: they load and validate, the schedule runs yesterday at 06:00 in
Brussels, and only assets/ imports dagster."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import zoneinfo
from pathlib import Path

import dagster as dg

from assets.definitions import build_definitions
from assets.settings import EXAMPLE_CONFIG
from pipelines.config import load_config
from pipelines.sources.streams import STREAMS

ROOT = Path(__file__).resolve().parents[2]


def definitions() -> dg.Definitions:
    return build_definitions(load_config(EXAMPLE_CONFIG))


def test_definitions_hold_every_table_and_check():
    defs = definitions()
    dg.Definitions.validate_loadable(defs)
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {s.table for s in STREAMS.values()} <= keys
    assert {"campaign_daily", "dim_campaign", "dim_ad_group", "kpi_rollup", "kpi_values",
            "overview_dashboard"} <= keys
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert {"ads_no_negative_values", "ads_one_currency_per_account", "model_no_missing_days",
            "rollup_reconciles"} <= checks


def test_dagster_definitions_validate_passes(tmp_path):
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "definitions", "validate",
         "-m", "assets.definitions"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "CAMPAIGN_KPI_CONFIG": str(EXAMPLE_CONFIG),
             "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All code locations passed validation" in result.stdout + result.stderr


def test_the_nightly_schedule_runs_yesterday_at_six_in_brussels():
    defs = definitions()
    schedule = defs.resolve_schedule_def("nightly_schedule")
    assert schedule.cron_schedule == "0 6 * * *"
    assert schedule.execution_timezone == "Europe/Brussels"
    tick = dt.datetime(2026, 3, 30, 6, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Brussels"))
    with dg.build_schedule_context(scheduled_execution_time=tick,
                                   repository_def=defs.get_repository_def()) as context:
        requests = schedule.evaluate_tick(context).run_requests
    assert [r.partition_key for r in requests] == ["2026-03-29"]


def test_partitions_start_at_history_start_in_the_reporting_zone():
    job = definitions().resolve_job_def("nightly")
    partitions = job.partitions_def
    assert partitions.get_first_partition_key() == "2025-10-01"
    assert partitions.timezone == "Europe/Brussels"


def test_only_assets_imports_dagster():
    offenders = []
    for package in ("pipelines", "kpi", "experiments", "dashboards"):
        for path in (ROOT / package).rglob("*.py"):
            if re.search(r"^\s*(import dagster|from dagster)", path.read_text(), re.M):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
