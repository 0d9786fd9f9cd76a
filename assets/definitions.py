"""The one root that builds the Dagster definitions (``dagster dev -m assets.definitions``)."""

from __future__ import annotations

import dagster as dg

from assets.alert_delivery import alert_delivery, alert_delivery_job, alert_delivery_schedule
from assets.alerts import alerts
from assets.budget import BUDGET_ASSETS
from assets.campaign_review import campaign_reviews
from assets.checks import CHECKS
from assets.clv import CLV_ASSETS
from assets.crm import CRM_ASSETS
from assets.crm_funnel import FUNNEL_ASSETS, FUNNEL_CHECKS
from assets.dashboards import PAGE_ASSETS
from assets.delivery import build_delivery_asset
from assets.email import EMAIL_ASSETS
from assets.experiments import EXPERIMENT_ASSETS
from assets.jobs import nightly_job, nightly_schedule
from assets.kpis import kpi_tables
from assets.lag import lag_tables
from assets.model import model_assets
from assets.monthly_report import (
    build_monthly_delivery_asset,
    build_monthly_report_asset,
    monthly_partitions,
    monthly_report_job,
    monthly_report_schedule,
)
from assets.partitions import daily_partitions
from assets.raw import raw_assets
from assets.report import (
    build_weekly_report_asset,
    weekly_partitions,
    weekly_report_job,
    weekly_report_schedule,
)
from assets.resources import resources_for
from assets.retention import build_retention_asset
from assets.review import REVIEW_ASSETS
from assets.settings import resolve_paths
from pipelines.config import Config, load_config


def build_definitions(config: Config, resources: dict | None = None,
                      loggers: dict[str, dg.LoggerDefinition] | None = None) -> dg.Definitions:
    """All assets, checks, the nightly, weekly- and monthly-report jobs and their schedules for one
    configuration; retention runs after every other nightly asset."""
    partitions = daily_partitions(config)
    weeks, months = weekly_partitions(config), monthly_partitions(config)
    monthly_job = monthly_report_job()
    job, report_job, alert_job = nightly_job(), weekly_report_job(), alert_delivery_job()
    schedules = [nightly_schedule(job, config.reporting.time_zone),
                 weekly_report_schedule(report_job, config.reporting.time_zone),
                 monthly_report_schedule(monthly_job, config.reporting.time_zone)]
    if config.delivery is not None and config.delivery.quiet_hours is not None:
        schedules.append(alert_delivery_schedule(alert_job, config.delivery.quiet_hours))
    nightly = [
        raw_assets("google_ads", partitions),
        raw_assets("ga4", partitions),
        raw_assets("meta_ads", partitions),
        *CRM_ASSETS,
        *model_assets(partitions),
        kpi_tables,
        lag_tables,
        alerts,
        alert_delivery,
        *PAGE_ASSETS,
        *EXPERIMENT_ASSETS,
        *BUDGET_ASSETS,
        *CLV_ASSETS,
        *FUNNEL_ASSETS,
        *EMAIL_ASSETS,
        campaign_reviews,
        *REVIEW_ASSETS,
    ]
    return dg.Definitions(
        assets=[*nightly, build_retention_asset(nightly), build_weekly_report_asset(weeks),
                build_delivery_asset(weeks), build_monthly_report_asset(months),
                build_monthly_delivery_asset(months)],
        asset_checks=[*CHECKS, *FUNNEL_CHECKS],
        jobs=[job, report_job, alert_job, monthly_job],
        schedules=schedules,
        resources=resources if resources is not None else resources_for(resolve_paths()),
        executor=dg.in_process_executor,
        loggers=loggers,
    )


defs = build_definitions(load_config(resolve_paths().config))
