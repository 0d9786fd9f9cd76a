"""The weekly KPI report: a weekly-partitioned asset (ISO weeks, Monday to Sunday), its job and
its Monday-morning schedule.

No ``from __future__ import annotations`` here: Dagster reads the asset's config annotation.
"""

import datetime as dt
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pandas as pd
from pydantic import Field

from assets import experiments as experiment_assets
from assets.dashboards import attribution, check_results, finished_runs, provisional_windows
from assets.email import email_sends
from assets.partitions import ahead, last_day
from assets.resources import SettingsResource, WarehouseResource
from dashboards.pdf import PdfError, print_pdfs
from dashboards.readers import in_order
from dashboards.report import Definitions, ReportInputs, write_report
from kpi import model, nowcast_tables, rollup
from kpi.budget import catalog as budget
from kpi.language import LANGUAGES
from kpi.review.tables import GOALS_TABLE, RISKS_TABLE
from kpi.weekly import IsoWeek
from pipelines.config import Config
from pipelines.warehouse.store import EXTRACTS_TABLE, read_table

REPORT_ASSET = "weekly_report"
REPORT_JOB = "weekly_report_job"
REPORT_GROUP = "reports"
REPORT_FOLDER = "reports"
REPORT_LEVELS = ("total", "channel", "campaign")


def weekly_partitions(config: Config) -> dg.WeeklyPartitionsDefinition:
    """One partition per ISO week (keyed by its Monday) from the first full week of history;
    the last one is the latest week that has ended."""
    first = config.history_start + dt.timedelta(days=(7 - config.history_start.weekday()) % 7)
    last = last_day(config)  # a fixed demo end: its last ended week, before or after today
    end = None if last is None else IsoWeek.ended_by(last).start + dt.timedelta(days=7)
    return dg.WeeklyPartitionsDefinition(start_date=first.isoformat(), day_offset=1,
                                         end_date=None if end is None else end.isoformat(),
                                         timezone=config.reporting.time_zone,
                                         end_offset=ahead(last, days_per_partition=7))


def week_of(partition_key: str) -> IsoWeek:
    """The ISO week of a partition key (its Monday, ``2026-11-16``)."""
    return IsoWeek.of(dt.date.fromisoformat(partition_key))


def report_paths(output: Path, week: IsoWeek, lang: str) -> tuple[Path, Path]:
    """(html, pdf) of one report: ``out/reports/2026-W47/weekly-report.fr.html``."""
    folder = output / REPORT_FOLDER / week.label
    return folder / f"weekly-report.{lang}.html", folder / f"weekly-report.{lang}.pdf"


class ReportConfig(dg.Config):
    """Which languages to write, and whether to print PDFs."""

    languages: list[str] = Field(default_factory=lambda: list(LANGUAGES))
    pdf: bool = True


def _table(con, name: str) -> pd.DataFrame:
    return con.execute(read_table(con, name)) if name in con.list_tables() else pd.DataFrame()


def definitions(config: Config) -> Definitions:
    """What the report says a lead, a purchase and the attribution source are (Meta's windows
    and action types when Meta Ads is connected)."""
    c, meta = config.conversions, config.sources.meta_ads
    on = meta.kind != "none"
    return Definitions(lead_actions=tuple(c.lead.ads_conversion_actions),
                       lead_events=tuple(c.lead.ga4_events),
                       purchase_actions=tuple(c.purchase.ads_conversion_actions),
                       purchase_events=tuple(c.purchase.ga4_events),
                       attribution=c.attribution,
                       meta_windows=attribution(config).meta_windows,
                       meta_lead_actions=meta.lead_action_types if on else (),
                       meta_purchase_actions=meta.purchase_action_types if on else ())


def report_inputs(instance: dg.DagsterInstance, con, config: Config,
                  week: IsoWeek) -> ReportInputs:
    """What the weekly report of ``week`` reads: the warehouse tables, the run and check
    history of ``instance`` and the settings (the delivery's messages read the same)."""
    values = con.table(rollup.VALUES_TABLE)
    frame = con.execute(in_order(values.filter((values.grain == "week")
                                               & values.level.isin(REPORT_LEVELS))))
    nowcast = _table(con, nowcast_tables.NOWCAST_TABLE)
    if not nowcast.empty:
        nowcast = nowcast[(nowcast["grain"] == "week") & nowcast["level"].isin(REPORT_LEVELS)]
    data_end = con.execute(con.table(model.MODEL_TABLE).date.max())
    return ReportInputs(
        week=week, values=frame, nowcast=nowcast, compare=config.reporting.compare_recent,
        recommendations=_table(con, budget.RECOMMENDATIONS_TABLE),
        experiments=_table(con, experiment_assets.RESULTS_TABLE),
        pacing=_table(con, budget.PACING_TABLE), extracts=_table(con, EXTRACTS_TABLE),
        checks=check_results(instance), runs=finished_runs(instance),
        provisional_since=provisional_windows(con, config),
        definitions=definitions(config), account=config.account_name,
        currency=config.reporting.currency, time_zone=config.reporting.time_zone,
        data_end=pd.Timestamp(data_end).date() if data_end is not None else None,
        email=email_sends(con, config), goals=_table(con, GOALS_TABLE),
        risks=_table(con, RISKS_TABLE))


def write_pages(context: dg.AssetExecutionContext, config: ReportConfig, what: str,
                paths: Callable[[str], tuple[Path, Path]],
                write: Callable[[Path, str, dt.datetime], object]) -> dict[str, dg.MetadataValue]:
    """Write one report's HTML in each chosen language (``write(html, lang, now)``; a
    ValueError fails the run naming ``what``), then its PDFs (a missing Chromium is said, the
    HTML stays); the paths as metadata. The weekly and the monthly report assets share it."""
    unknown = sorted(set(config.languages) - set(LANGUAGES))
    if unknown or not config.languages:
        raise dg.Failure(f"languages: choose from {', '.join(LANGUAGES)}, got {config.languages}")
    now, pages = dt.datetime.now(dt.UTC), []
    for lang in config.languages:
        html, pdf = paths(lang)
        try:
            write(html, lang, now)
        except ValueError as exc:
            raise dg.Failure(f"{what}: {exc}") from None
        pages.append((html, pdf))
    metadata: dict[str, dg.MetadataValue] = {
        f"html_{lang}": dg.MetadataValue.path(str(html))
        for lang, (html, _) in zip(config.languages, pages, strict=True)}
    if config.pdf:
        try:
            for lang, pdf in zip(config.languages, print_pdfs(pages), strict=True):
                metadata[f"pdf_{lang}"] = dg.MetadataValue.path(str(pdf))
        except PdfError as exc:  # the HTML is written; say plainly why there is no PDF
            context.log.warning(str(exc))
            metadata["pdf"] = dg.MetadataValue.text(f"not written: {exc}")
    return metadata


def build_weekly_report_asset(partitions: dg.WeeklyPartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        name=REPORT_ASSET,
        group_name=REPORT_GROUP,
        partitions_def=partitions,
        deps=[rollup.VALUES_TABLE, nowcast_tables.NOWCAST_TABLE, budget.PACING_TABLE,
              budget.RECOMMENDATIONS_TABLE, experiment_assets.RESULTS_TABLE, GOALS_TABLE,
              RISKS_TABLE],
        kinds={"html", "pdf"},
        description="The weekly KPI report for one ISO week in nl/fr/en (HTML for mail, and "
        "a PDF): KPIs vs target, previous week and last year; highlights and lowlights; "
        "recommendations; experiments; pacing; data quality; definitions.",
    )
    def weekly_report(context: dg.AssetExecutionContext, config: ReportConfig,
                      warehouse: WarehouseResource,
                      settings: SettingsResource) -> dg.MaterializeResult:
        week = week_of(context.partition_key)
        inputs = report_inputs(context.instance, warehouse.connect(), settings.load(), week)
        metadata = write_pages(
            context, config, f"weekly report {week.label}",
            lambda lang: report_paths(settings.output(), week, lang),
            lambda html, lang, now: write_report(html, inputs, lang=lang, generated_at=now))
        metadata["week"] = dg.MetadataValue.text(week.label)
        return dg.MaterializeResult(metadata=metadata)

    return weekly_report


def weekly_report_job() -> "dg.UnresolvedAssetJobDefinition":
    """The report asset's job (its weekly partitions come from the asset)."""
    return dg.define_asset_job(REPORT_JOB, selection=dg.AssetSelection.groups(REPORT_GROUP),
                               executor_def=dg.in_process_executor,
                               description="Write the weekly KPI report for the week that ended.")


def weekly_report_schedule(job: "dg.UnresolvedAssetJobDefinition",
                           time_zone: str) -> dg.ScheduleDefinition:
    """Mondays at 07:00 in the reporting time zone (after the 06:00 nightly run), for the ISO
    week that ended on Sunday."""

    @dg.schedule(job=job, cron_schedule="0 7 * * 1", execution_timezone=time_zone,
                 name="weekly_report_schedule", default_status=dg.DefaultScheduleStatus.RUNNING)
    def weekly(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        local = context.scheduled_execution_time.astimezone(zoneinfo.ZoneInfo(time_zone))
        week = IsoWeek.ended_by(local.date() - dt.timedelta(days=1))
        key = week.start.isoformat()
        return dg.RunRequest(run_key=key, partition_key=key)

    return weekly
