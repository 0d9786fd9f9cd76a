"""The alerts delivered as Dagster runs them: ``alert_delivery`` after ``alerts`` in the nightly
job, its own small job scheduled at the end of the quiet hours, a warning check for failed
sends that never fails the run (a real local SMTP server; a warehouse holding only alerts)."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest

from assets.alert_delivery import (
    ALERT_DELIVERY_ASSET,
    ALERT_DELIVERY_CHECK,
    ALERT_DELIVERY_JOB,
    alert_delivery,
)
from assets.definitions import build_definitions
from assets.resources import resources_for
from assets.runner import write_resolved_config
from assets.settings import Paths
from dashboards.delivery.alert_send import ALERT_DELIVERIES_TABLE
from kpi.alerts.state import Alert
from kpi.alerts.store import ALERTS_TABLE, write_alerts
from pipelines.config import Config
from pipelines.privacy import KEY_ENV
from pipelines.warehouse.engines import DUCKDB_FILE
from pipelines.warehouse.store import connect
from tests.assets.conftest import demo_config
from tests.fakes.smtp_server import HOST, PASSWORD, USER, down_port, smtp_server
from tests.fakes.tls import localhost_cert

PEOPLE = {"nl": "an@example.be", "en": "chris@example.be"}


@pytest.fixture(autouse=True)
def secrets(monkeypatch) -> None:
    monkeypatch.setenv(KEY_ENV, "k" * 40)
    monkeypatch.setenv("SMTP_USER", USER)
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)


def with_alerts(port: int, **change) -> Config:
    delivery = {
        "smtp": {"host": HOST, "port": port, "from_address": "kpi@agency.example.be",
                 "username_env": "SMTP_USER", "password_env": "SMTP_PASSWORD",
                 "ca_file": str(localhost_cert().path), "timeout_seconds": 2},
        "recipients": [{"address": a, "language": lang, "reports": ["weekly", "alerts"]}
                       for lang, a in PEOPLE.items()],
        "retry": {"max_retries": 1, "initial_seconds": 0.01}, **change}
    return Config.model_validate({**demo_config().model_dump(), "delivery": delivery})


def warehouse(tmp_path, config: Config) -> Paths:
    """A data folder whose warehouse holds one alert opened today."""
    today = dt.datetime.now(dt.UTC).date()
    con = connect(tmp_path / DUCKDB_FILE)
    write_alerts(con, [Alert("a1", "stopped_spending", "campaign", "gads:1", "gads", "Paid Search",
                             "cost", today - dt.timedelta(days=2), today - dt.timedelta(days=1),
                             2, 0.0, 277.0, 214.1, 358.4, "open", today, today)])
    con.disconnect()
    paths = Paths(tmp_path, tmp_path / "config.yaml")
    return Paths(tmp_path, write_resolved_config(paths, config))


def run(paths: Paths) -> dg.ExecuteInProcessResult:
    return dg.materialize([alert_delivery], resources=resources_for(paths, from_env=False),
                          raise_on_error=False)


def check(result: dg.ExecuteInProcessResult) -> dg.AssetCheckEvaluation:
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.check_name == ALERT_DELIVERY_CHECK
    return evaluation


def test_the_asset_sends_once_and_its_check_passes(tmp_path) -> None:
    with smtp_server() as (port, inbox):
        paths = warehouse(tmp_path, with_alerts(port))
        first, again = run(paths), run(paths)
        assert sorted(r.rcpt_tos[0] for r in inbox.received) == sorted(PEOPLE.values())
    assert first.success and again.success and check(first).passed
    con = connect(tmp_path / DUCKDB_FILE)
    assert len(con.execute(con.table(ALERT_DELIVERIES_TABLE))) == 2


def test_a_failed_send_warns_and_does_not_fail_the_run(tmp_path) -> None:
    port = down_port()
    result = run(warehouse(tmp_path, with_alerts(port)))
    assert result.success
    evaluation = check(result)
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
    assert f"{HOST}:{port}" in evaluation.description and PASSWORD not in evaluation.description


def test_without_subscribers_it_says_not_configured(tmp_path) -> None:
    result = run(warehouse(tmp_path, demo_config()))
    assert result.success and check(result).passed
    assert "not configured" in check(result).description


def test_the_nightly_job_delivers_after_the_alerts_and_the_quiet_hours_have_a_schedule(
        tmp_path) -> None:
    quiet = {"start": "20:00", "end": "07:30", "timezone": "Europe/Brussels"}
    defs = build_definitions(with_alerts(25, quiet_hours=quiet),
                             resources_for(Paths(tmp_path, tmp_path / "c.yaml"), False))
    key = dg.AssetKey(ALERT_DELIVERY_ASSET)
    assert key in defs.resolve_job_def("nightly").asset_layer.executable_asset_keys
    assert defs.resolve_asset_graph().get(key).parent_keys == {dg.AssetKey(ALERTS_TABLE)}
    assert defs.resolve_job_def(ALERT_DELIVERY_JOB).asset_layer.executable_asset_keys == {key}
    schedule = defs.resolve_schedule_def("alert_delivery_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("30 7 * * *",
                                                                    "Europe/Brussels")
    assert schedule.job_name == ALERT_DELIVERY_JOB
    tick = dt.datetime(2026, 12, 8, 6, 30, tzinfo=dt.UTC)
    with dg.build_schedule_context(scheduled_execution_time=tick) as context:
        (request,) = schedule.evaluate_tick(context).run_requests
    assert request.run_key == "alerts 2026-12-08T06:30:00+00:00"
    plain = build_definitions(demo_config(),
                              resources_for(Paths(tmp_path, tmp_path / "c.yaml"), False))
    assert "alert_delivery_schedule" not in {s.name for s in plain.schedules}
