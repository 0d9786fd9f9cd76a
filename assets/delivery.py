"""The weekly report delivered (mail and team chats) after it is written: a weekly-partitioned
asset in the report's job, downstream of the report, so a failed delivery never loses the
report files.

No ``from __future__ import annotations`` here: Dagster reads the asset's config annotation.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg

from assets.report import REPORT_ASSET, REPORT_GROUP, report_inputs, report_paths, week_of
from assets.resources import SettingsResource, WarehouseResource
from dashboards.delivery.deliver import DeliveryResult, ReportFiles, deliver
from kpi.language import LANGUAGES
from pipelines.config import Config
from pipelines.privacy import PseudonymKeyError

DELIVERY_ASSET = "weekly_report_delivery"
DELIVERY_CHECK = "every_recipient_reached"


class DeliveryConfig(dg.Config):
    """``send``: deliver (the schedule does; ``campaign-kpi report`` only with ``--send``);
    ``resend``: also to whom the ledger says was already reached this week."""

    send: bool = True
    resend: bool = False


def build_delivery_asset(partitions: dg.WeeklyPartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        name=DELIVERY_ASSET, group_name=REPORT_GROUP, partitions_def=partitions,
        deps=[REPORT_ASSET], kinds={"email"},
        check_specs=[dg.AssetCheckSpec(DELIVERY_CHECK, asset=DELIVERY_ASSET,
                                       description="No recipient refused the report.")],
        description="The weekly report mailed to each recipient in their language (PDF "
        "attached) and summarised in the team chats of the configuration's delivery section; "
        "who was reached is kept in report_deliveries, so a re-run mails no one twice.")
    def weekly_report_delivery(context: dg.AssetExecutionContext, config: DeliveryConfig,
                               warehouse: WarehouseResource,
                               settings: SettingsResource) -> dg.MaterializeResult:
        week = week_of(context.partition_key)
        return deliver_report(
            settings, warehouse, config, week, "weekly report",
            lambda lang: report_paths(settings.output(), week, lang),
            lambda cfg, con, written: deliver(
                cfg.delivery, report_inputs(context.instance, con, cfg, week), written, con,
                resend=config.resend))

    return weekly_report_delivery


def _not_sending(settings: SettingsResource, config: DeliveryConfig) -> str:
    """Why nothing is sent ("" when it is)."""
    if not config.send:
        return "not sent (not asked: campaign-kpi report --send)"
    if settings.load().delivery is None:
        return "not configured (no delivery section in the configuration)"
    return ""


def deliver_report(settings: SettingsResource, warehouse: WarehouseResource,
                   config: DeliveryConfig, period: Any, kind: str,
                   paths: Callable[[str], tuple[Path, Path]],
                   send: Callable[[Config, Any, ReportFiles], DeliveryResult]
                   ) -> dg.MaterializeResult:
    """Deliver one written report (the weekly or the monthly one): ``send(config, warehouse
    connection, files)``; a failed send fails the run naming where the files are kept, a
    refusal fails the check; not asked or not configured: said, nothing sent."""
    said = _not_sending(settings, config)
    if said:
        return dg.MaterializeResult(
            metadata={"status": dg.MetadataValue.text(said)},
            check_results=[dg.AssetCheckResult(check_name=DELIVERY_CHECK, passed=True,
                                               description=said)])
    cfg, con = settings.load(), warehouse.connect()
    files = {lang: paths(lang) for lang in LANGUAGES}
    written = ReportFiles(period, {k: v[0] for k, v in files.items()},
                          {k: v[1] for k, v in files.items()})
    try:
        result = send(cfg, con, written)
    except (PseudonymKeyError, ValueError) as exc:
        raise dg.Failure(f"{kind} {period.label} not delivered: {exc}") from None
    finally:
        con.disconnect()
    if result.count("failed"):
        raise dg.Failure(f"{kind} {result.summary()}; the report files are kept in "
                         f"{files['en'][0].parent}.\n{result.explain()}")
    return dg.MaterializeResult(
        metadata={"status": dg.MetadataValue.text(result.summary()),
                  **{s: dg.MetadataValue.int(result.count(s))
                     for s in ("sent", "skipped", "refused")}},
        check_results=[dg.AssetCheckResult(
            check_name=DELIVERY_CHECK, passed=not result.problems,
            severity=dg.AssetCheckSeverity.ERROR,
            description=result.explain() or result.summary())])
