"""The weekly report delivered as Dagster runs it: the ``weekly_report_delivery`` asset after
``weekly_report`` in its job, and ``campaign-kpi report --send [--resend]``, against a real
local SMTP server (STARTTLS, AUTH) on the short demo's warehouse."""

from __future__ import annotations

import dagster as dg
import pytest
from typer.testing import CliRunner

from assets.cli import app
from assets.definitions import build_definitions
from assets.delivery import DELIVERY_ASSET, DELIVERY_CHECK
from assets.report import REPORT_ASSET, report_paths
from assets.resources import resources_for
from assets.runner import check_descriptions, failed_checks, failure_reason, run_weekly_report
from assets.runner import write_resolved_config as write_config
from assets.settings import Paths
from dashboards.delivery.ledger import DELIVERIES_TABLE
from kpi.weekly import IsoWeek
from pipelines.config import Config
from pipelines.privacy import KEY_ENV
from pipelines.warehouse.store import connect
from tests.assets.conftest import EXAMPLE_CONFIG, copy_of, demo_config, read
from tests.fakes.smtp_server import HOST, PASSWORD, USER, Inbox, down_port, smtp_server
from tests.fakes.tls import localhost_cert
from tests.fakes.webhook_server import webhook_server

W11 = IsoWeek.parse("2026-W11")  # the short demo's last week
PEOPLE = {"nl": "an@example.be", "fr": "benoit@example.be", "en": "chris@example.be"}


@pytest.fixture(autouse=True)
def secrets(monkeypatch) -> None:
    monkeypatch.setenv(KEY_ENV, "k" * 40)
    monkeypatch.setenv("SMTP_USER", USER)
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)


def with_delivery(port: int, webhooks: tuple[dict, ...] = ()) -> Config:
    delivery = {
        "smtp": {"host": HOST, "port": port, "from_address": "kpi@agency.example.be",
                 "username_env": "SMTP_USER", "password_env": "SMTP_PASSWORD",
                 "ca_file": str(localhost_cert().path), "timeout_seconds": 2},
        "recipients": [{"address": a, "language": lang} for lang, a in PEOPLE.items()],
        "webhooks": list(webhooks), "retry": {"max_retries": 1, "initial_seconds": 0.01}}
    return Config.model_validate({**demo_config().model_dump(), "delivery": delivery})


def configured(built, tmp_path, port: int, webhooks: tuple[dict, ...] = ()
               ) -> tuple[Paths, Config]:
    """A copy of the demo warehouse whose configuration file has a delivery section."""
    paths = copy_of(built, tmp_path / "copy")
    config = with_delivery(port, webhooks)
    return Paths(paths.data_dir, write_config(paths, config)), config


def test_the_report_job_delivers_after_the_report(tmp_path) -> None:
    paths = Paths(tmp_path, EXAMPLE_CONFIG)
    defs = build_definitions(demo_config(), resources_for(paths, from_env=False))
    weekly = defs.resolve_job_def("weekly_report_job").asset_layer.executable_asset_keys
    nightly = defs.resolve_job_def("nightly").asset_layer.executable_asset_keys
    assert weekly == {dg.AssetKey(REPORT_ASSET), dg.AssetKey(DELIVERY_ASSET)}
    assert dg.AssetKey(DELIVERY_ASSET) not in nightly
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey(DELIVERY_ASSET)).parent_keys == {dg.AssetKey(REPORT_ASSET)}


def test_not_configured_is_said_not_failed(built, tmp_path) -> None:
    paths = copy_of(built, tmp_path / "copy")
    with dg.instance_for_test() as instance:
        result = run_weekly_report(paths, demo_config(), W11, pdf=False, instance=instance,
                                   send=True)
    assert result.success
    (event,) = [e for e in result.get_asset_materialization_events()
                if e.asset_key == dg.AssetKey(DELIVERY_ASSET)]
    status = event.event_specific_data.materialization.metadata["status"].value
    assert status.startswith("not configured")


def logged(instance: dg.DagsterInstance, result: dg.ExecuteInProcessResult) -> str:
    """Everything the run's log holds (events, metadata, errors), as text."""
    return "\n".join(repr(entry) for entry in instance.all_logs(result.run_id))


def test_the_week_arrives_in_three_languages_once_unless_resent(built, tmp_path,
                                                                monkeypatch) -> None:
    hook = "/hooks/teams-SECRET-path"
    with (smtp_server() as (port, inbox), webhook_server() as (base, posts),
          dg.instance_for_test() as instance):
        monkeypatch.setenv("TEAMS_URL", base + hook)
        paths, config = configured(built, tmp_path, port, (
            {"kind": "teams", "url_env": "TEAMS_URL", "language": "nl"},))
        first = run_weekly_report(paths, config, W11, instance=instance, send=True)
        assert first.success, failure_reason(first)
        assert len(posts.bodies[hook]) == 1
        assert PASSWORD not in logged(instance, first) and hook not in logged(instance, first)
        assert sorted(a for r in inbox.received for a in r.rcpt_tos) == sorted(PEOPLE.values())
        for lang, address in PEOPLE.items():
            message = inbox.to(address)[0].message
            assert message["Content-Language"] == f"{lang}-BE"
            assert "2026-W11" in message["Subject"]
            (pdf,) = message.iter_attachments()
            assert pdf.get_content() == report_paths(paths.output, W11, lang)[1].read_bytes()
        again = run_weekly_report(paths, config, W11, instance=instance, send=True)
        assert again.success and len(inbox.received) == 3  # nobody twice
        resent = run_weekly_report(paths, config, W11, instance=instance, resend=True)
        assert resent.success and len(inbox.received) == 6
        unsent = run_weekly_report(paths, config, W11, pdf=False, instance=instance)
        assert [e.asset_key for e in unsent.get_asset_materialization_events()] == [
            dg.AssetKey(REPORT_ASSET)]  # without send: the report only
    ledger = read(connect(paths.warehouse, read_only=True), DELIVERIES_TABLE)
    assert len(ledger) == 8 and set(ledger["status"]) == {"sent"}
    assert set(ledger["week"]) == {"2026-W11"} and set(ledger["channel"]) == {"mail", "teams"}


def test_a_refused_recipient_fails_the_check_not_the_others(built, tmp_path) -> None:
    with (smtp_server(Inbox(refuse={PEOPLE["fr"]})) as (port, inbox),
          dg.instance_for_test() as instance):
        paths, config = configured(built, tmp_path, port)
        result = run_weekly_report(paths, config, W11, pdf=False, instance=instance,
                                   send=True)
        assert len(inbox.received) == 2
    assert result.success and failed_checks(result, "ERROR") == [DELIVERY_CHECK]
    said = check_descriptions(result)[DELIVERY_CHECK]
    assert "delivery.recipients.1 (mail, fr): refused" in said and "550" in said
    assert PEOPLE["fr"] not in said


def test_a_server_that_is_down_fails_the_run_after_the_report_is_written(built,
                                                                         tmp_path) -> None:
    port = down_port()
    paths, config = configured(built, tmp_path, port)
    with dg.instance_for_test() as instance:
        result = run_weekly_report(paths, config, W11, pdf=False, instance=instance,
                                   send=True)
        assert PASSWORD not in logged(instance, result)
    assert not result.success
    reason = failure_reason(result)
    assert reason.startswith(f"{DELIVERY_ASSET}: weekly report 2026-W11: 0 sent")
    assert f"SMTP server {HOST}:{port} refused the connection" in reason
    assert "still failing after 1 retry" in reason and PASSWORD not in reason
    for lang in PEOPLE:  # the report is written, whatever became of the delivery
        assert report_paths(paths.output, W11, lang)[0].is_file()
    ledger = read(connect(paths.warehouse, read_only=True), DELIVERIES_TABLE)
    assert list(ledger["status"]) == ["failed"] * 3


def test_the_command_line_sends_once_and_resends_when_asked(built, tmp_path) -> None:
    runner = CliRunner()
    with smtp_server() as (port, inbox):
        paths, _ = configured(built, tmp_path, port)
        args = ["report", "--week", "2026-W11", "--lang", "en", "--data-dir",
                str(paths.data_dir), "--config", str(paths.config)]
        sent = runner.invoke(app, [*args, "--send"])
        assert sent.exit_code == 0, sent.output
        assert "Delivery  2026-W11: 3 sent, 0 skipped" in sent.output
        again = runner.invoke(app, [*args, "--send"])
        assert "2026-W11: 0 sent, 3 skipped (reached before)" in again.output
        resent = runner.invoke(app, [*args, "--resend"])
        assert "2026-W11: 3 sent" in resent.output and len(inbox.received) == 6
    plain = runner.invoke(app, [*args[:-2], "--config", str(EXAMPLE_CONFIG), "--send"])
    assert plain.exit_code == 2 and "has no delivery section" in plain.output
