"""The anomaly alerts delivered (mail and team chats): an asset after ``alerts`` in the nightly
job, and a small job with only this asset, scheduled at the end of the quiet hours, so what
they held goes out in the morning. A send that fails warns (check ``every_alert_delivered``)
and is tried again at the next run; it never fails a run's data assets."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from assets.resources import SettingsResource, WarehouseResource
from dashboards.delivery.alert_send import deliver_alerts
from dashboards.delivery.retrying import DeliveryError
from kpi.alerts.store import ALERTS_TABLE, campaign_names, read_alerts
from pipelines.delivery_config import QuietHours
from pipelines.privacy import PseudonymKeyError

ALERT_DELIVERY_ASSET = "alert_delivery"
ALERT_DELIVERY_CHECK = "every_alert_delivered"
ALERT_DELIVERY_JOB = "alert_delivery_job"


def _result(status: str, passed: bool = True, description: str = "",
            **counts: int) -> dg.MaterializeResult:
    return dg.MaterializeResult(
        metadata={"status": dg.MetadataValue.text(status),
                  **{k: dg.MetadataValue.int(v) for k, v in counts.items()}},
        check_results=[dg.AssetCheckResult(
            check_name=ALERT_DELIVERY_CHECK, passed=passed,
            severity=dg.AssetCheckSeverity.WARN, description=description or status)])


@dg.asset(
    name=ALERT_DELIVERY_ASSET, group_name="kpi", deps=[ALERTS_TABLE], kinds={"email"},
    check_specs=[dg.AssetCheckSpec(ALERT_DELIVERY_CHECK, asset=ALERT_DELIVERY_ASSET,
                                   description="Every alert due reached its subscribers "
                                   "(warns only: what failed is tried again next run).")],
    description="The anomalies opened (and closed) since the last delivery, sent once to the "
    "recipients and chats whose reports list alerts, in their language; held during the quiet "
    "hours. Who was told what is kept in alert_deliveries.")
def alert_delivery(warehouse: WarehouseResource,
                   settings: SettingsResource) -> dg.MaterializeResult:
    section = settings.load().delivery
    if section is None or not any("alerts" in s.reports
                                  for s in (*section.recipients, *section.webhooks)):
        return _result("not configured (no recipient or webhook lists alerts in its reports)")
    con = warehouse.connect()
    try:
        result = deliver_alerts(section, read_alerts(con), con, names=campaign_names(con))
    except (PseudonymKeyError, DeliveryError) as exc:
        return _result("not sent", passed=False, description=f"alerts not sent: {exc}")
    finally:
        con.disconnect()
    return _result(result.summary(), passed=not result.problems,
                   description=result.explain() or result.summary(), held=result.held,
                   **{s: result.count(s) for s in ("sent", "refused", "failed")})


def alert_delivery_job() -> dg.UnresolvedAssetJobDefinition:
    """Only the alerts' delivery (what the quiet hours held)."""
    return dg.define_asset_job(
        ALERT_DELIVERY_JOB, selection=dg.AssetSelection.assets(ALERT_DELIVERY_ASSET),
        executor_def=dg.in_process_executor,
        description="Send the anomaly alerts the quiet hours held.")


def alert_delivery_schedule(job: dg.UnresolvedAssetJobDefinition,
                            quiet: QuietHours) -> dg.ScheduleDefinition:
    """Every day when the quiet hours end, in their time zone (a held weekend stays held
    until Monday: the delivery itself knows the weekend)."""

    @dg.schedule(job=job, cron_schedule=f"{quiet.end.minute} {quiet.end.hour} * * *",
                 execution_timezone=quiet.timezone, name="alert_delivery_schedule",
                 default_status=dg.DefaultScheduleStatus.RUNNING)
    def after_quiet_hours(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        key = context.scheduled_execution_time.astimezone(dt.UTC).isoformat()
        return dg.RunRequest(run_key=f"alerts {key}")

    return after_quiet_hours
