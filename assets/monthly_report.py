"""The monthly steering report: a monthly-partitioned asset (calendar months), its delivery to
the recipients whose reports include ``monthly``, their job and the schedule on the 2nd of the
month at 07:30.

Why the 2nd: the 06:00 nightly run of the 1st is the first to hold the month's last day, and
that day's conversions are the least mature; one more night (the 2nd's nightly run re-pulls
the sources' restatement window) lets them settle, and the report still marks what is
immature as provisional with the lag-aware figures. Mid-month decisions take the weekly report.

No ``from __future__ import annotations`` here: Dagster reads the asset's config annotation.
"""

import datetime as dt
import zoneinfo
from pathlib import Path

import dagster as dg
import pandas as pd

from assets import experiments as experiment_assets
from assets.delivery import DELIVERY_CHECK, DeliveryConfig, deliver_report
from assets.partitions import ahead, last_day
from assets.report import REPORT_LEVELS, ReportConfig, definitions, write_pages
from assets.resources import SettingsResource, WarehouseResource
from dashboards.delivery.deliver import deliver
from dashboards.monthly_digest import build_monthly_digest
from dashboards.monthly_report import MonthlyInputs, write_monthly
from dashboards.readers import in_order
from kpi import model, nowcast_tables, rollup
from kpi.budget import catalog as budget
from kpi.review.tables import GOALS_TABLE, RISKS_TABLE
from pipelines.config import Config
from pipelines.months import CalendarMonth
from pipelines.warehouse.store import read_table

MONTHLY_ASSET = "monthly_report"
MONTHLY_DELIVERY_ASSET = "monthly_report_delivery"
MONTHLY_JOB = "monthly_report_job"
MONTHLY_GROUP = "monthly_reports"
MONTHLY_SCHEDULE = "monthly_report_schedule"


def monthly_partitions(config: Config) -> dg.MonthlyPartitionsDefinition:
    """One partition per calendar month from the first whole month of history; the last one
    is the latest month that has ended (a fixed demo end: its last ended month)."""
    start = config.history_start
    first = start if start.day == 1 else CalendarMonth.of(start).next().start
    last = last_day(config)
    end = None if last is None else CalendarMonth.ended_by(last).next().start
    return dg.MonthlyPartitionsDefinition(start_date=first.isoformat(),
                                          end_date=None if end is None else end.isoformat(),
                                          timezone=config.reporting.time_zone,
                                          end_offset=ahead(last, days_per_partition=28))


def month_of(partition_key: str) -> CalendarMonth:
    """The month of a partition key (its first day).

    >>> month_of("2026-11-01").label
    '2026-11'
    """
    return CalendarMonth.of(dt.date.fromisoformat(partition_key))


def monthly_paths(output: Path, month: CalendarMonth, lang: str) -> tuple[Path, Path]:
    """(html, pdf) of one report.

    >>> monthly_paths(Path("out"), CalendarMonth(2026, 11), "fr")[0].as_posix()
    'out/reports/2026-11/monthly-report.fr.html'
    """
    folder = output / "reports" / month.label
    return folder / f"monthly-report.{lang}.html", folder / f"monthly-report.{lang}.pdf"


def _table(con, name: str) -> pd.DataFrame:
    return con.execute(read_table(con, name)) if name in con.list_tables() else pd.DataFrame()


def monthly_inputs(con, config: Config, month: CalendarMonth) -> MonthlyInputs:
    """What the monthly report of ``month`` reads from the warehouse and the settings."""
    values = con.table(rollup.VALUES_TABLE)
    frame = con.execute(in_order(values.filter((values.grain == "month")
                                               & values.level.isin(REPORT_LEVELS))))
    nowcast = _table(con, nowcast_tables.NOWCAST_TABLE)
    if not nowcast.empty:
        nowcast = nowcast[(nowcast["grain"] == "month") & nowcast["level"].isin(REPORT_LEVELS)]
    data_end = con.execute(con.table(model.MODEL_TABLE).date.max())
    return MonthlyInputs(
        month=month, values=frame, nowcast=nowcast, compare=config.reporting.compare_recent,
        pacing=_table(con, budget.PACING_TABLE), scenarios=_table(con, budget.SCENARIOS_TABLE),
        recommendations=_table(con, budget.RECOMMENDATIONS_TABLE),
        experiments=_table(con, experiment_assets.RESULTS_TABLE),
        definitions=definitions(config), account=config.account_name,
        currency=config.reporting.currency, time_zone=config.reporting.time_zone,
        history_start=config.history_start,
        data_end=pd.Timestamp(data_end).date() if data_end is not None else None,
        goals=_table(con, GOALS_TABLE), risks=_table(con, RISKS_TABLE))


def build_monthly_report_asset(partitions: dg.MonthlyPartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        name=MONTHLY_ASSET, group_name=MONTHLY_GROUP, partitions_def=partitions,
        deps=[rollup.VALUES_TABLE, nowcast_tables.NOWCAST_TABLE, budget.PACING_TABLE,
              budget.SCENARIOS_TABLE, budget.RECOMMENDATIONS_TABLE,
              experiment_assets.RESULTS_TABLE, GOALS_TABLE, RISKS_TABLE],
        kinds={"html", "pdf"},
        description="The monthly steering report for one calendar month in nl/fr/en (HTML "
        "for mail, and a PDF): the month vs target, plan and last year; budget (media, "
        "production, agency fees) vs plan with the forecast and scenarios; decisions; "
        "experiments concluded.")
    def monthly_report(context: dg.AssetExecutionContext, config: ReportConfig,
                       warehouse: WarehouseResource,
                       settings: SettingsResource) -> dg.MaterializeResult:
        month = month_of(context.partition_key)
        inputs = monthly_inputs(warehouse.connect(), settings.load(), month)
        metadata = write_pages(
            context, config, f"monthly report {month.label}",
            lambda lang: monthly_paths(settings.output(), month, lang),
            lambda html, lang, now: write_monthly(html, inputs, lang=lang, generated_at=now))
        metadata["month"] = dg.MetadataValue.text(month.label)
        return dg.MaterializeResult(metadata=metadata)

    return monthly_report


def build_monthly_delivery_asset(
        partitions: dg.MonthlyPartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        name=MONTHLY_DELIVERY_ASSET, group_name=MONTHLY_GROUP, partitions_def=partitions,
        deps=[MONTHLY_ASSET], kinds={"email"},
        check_specs=[dg.AssetCheckSpec(DELIVERY_CHECK, asset=MONTHLY_DELIVERY_ASSET,
                                       description="No recipient refused the report.")],
        description="The monthly report mailed (PDF attached) to the recipients and chats "
        "whose reports include monthly, each in their language; report_deliveries keeps who "
        "was reached, so a re-run mails no one twice.")
    def monthly_report_delivery(context: dg.AssetExecutionContext, config: DeliveryConfig,
                                warehouse: WarehouseResource,
                                settings: SettingsResource) -> dg.MaterializeResult:
        month = month_of(context.partition_key)
        return deliver_report(
            settings, warehouse, config, month, "monthly report",
            lambda lang: monthly_paths(settings.output(), month, lang),
            lambda cfg, con, written: deliver(
                cfg.delivery, monthly_inputs(con, cfg, month), written, con, report="monthly",
                resend=config.resend, digest=build_monthly_digest))

    return monthly_report_delivery


def monthly_report_job() -> "dg.UnresolvedAssetJobDefinition":
    """The monthly report's job (its partitions come from the assets)."""
    return dg.define_asset_job(MONTHLY_JOB, selection=dg.AssetSelection.groups(MONTHLY_GROUP),
                               executor_def=dg.in_process_executor,
                               description="Write and deliver the monthly steering report for "
                               "the month that ended.")


def monthly_report_schedule(job: "dg.UnresolvedAssetJobDefinition",
                            time_zone: str) -> dg.ScheduleDefinition:
    """The 2nd of each month at 07:30 in the reporting time zone (after the nightly run and
    the Monday report), for the month that ended (see the module docstring for why)."""

    @dg.schedule(job=job, cron_schedule="30 7 2 * *", execution_timezone=time_zone,
                 name=MONTHLY_SCHEDULE, default_status=dg.DefaultScheduleStatus.RUNNING)
    def monthly(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        local = context.scheduled_execution_time.astimezone(zoneinfo.ZoneInfo(time_zone))
        key = CalendarMonth.ended_by(local.date()).start.isoformat()
        return dg.RunRequest(run_key=key, partition_key=key)

    return monthly
