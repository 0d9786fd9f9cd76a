"""The nightly job and its schedule."""

from __future__ import annotations

import dagster as dg

NIGHTLY_JOB = "nightly"


def nightly_job() -> dg.UnresolvedAssetJobDefinition:
    """Every asset: pull the day's window, rebuild the model window, the KPIs and dashboards."""
    return dg.define_asset_job(
        NIGHTLY_JOB,
        selection=dg.AssetSelection.all(),
        executor_def=dg.in_process_executor,
        description="Pull yesterday plus each source's restatement window, rebuild the model "
        "for that window, then KPI tables and dashboards.",
    )


def nightly_schedule(job: dg.UnresolvedAssetJobDefinition) -> dg.ScheduleDefinition:
    """06:00 in the reporting time zone, for yesterday's partition."""
    return dg.build_schedule_from_partitioned_job(
        job, hour_of_day=6, minute_of_hour=0, name="nightly_schedule",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
