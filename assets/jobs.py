"""The nightly job and its schedule."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import dagster as dg

NIGHTLY_JOB = "nightly"
WEEKLY_GROUPS = ("reports", "monthly_reports")  # weekly and monthly partitioned: run by
# their own jobs, not the nightly one


def nightly_job() -> dg.UnresolvedAssetJobDefinition:
    """Every daily asset: pull the day's window, rebuild the model window, the KPIs and
    dashboards (the weekly report has its own job)."""
    return dg.define_asset_job(
        NIGHTLY_JOB,
        selection=dg.AssetSelection.all() - dg.AssetSelection.groups(*WEEKLY_GROUPS),
        executor_def=dg.in_process_executor,
        description="Pull yesterday plus each source's restatement window, rebuild the model "
        "for that window, then KPI tables and dashboards.",
    )


def nightly_schedule(job: dg.UnresolvedAssetJobDefinition, time_zone: str,
                     hour: int = 6) -> dg.ScheduleDefinition:
    """Every morning at ``hour`` in the reporting time zone, run yesterday's partition."""

    @dg.schedule(job=job, cron_schedule=f"0 {hour} * * *", execution_timezone=time_zone,
                 name="nightly_schedule", default_status=dg.DefaultScheduleStatus.RUNNING)
    def nightly(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        local = context.scheduled_execution_time.astimezone(zoneinfo.ZoneInfo(time_zone))
        yesterday = (local - dt.timedelta(days=1)).date().isoformat()
        return dg.RunRequest(run_key=yesterday, partition_key=yesterday)

    return nightly
