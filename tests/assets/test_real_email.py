"""End to end through Dagster: ``sources.email.kind: mailchimp`` against the fake Mailchimp API
serving the demo's sends stores the same ``raw_email_campaigns`` as ``kind: demo``; a re-run
upserts (same table), and a failing key fails the asset with the message and keeps the table."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pandas as pd
import yaml

from assets.checks import email_machine_opens_reported
from assets.email import email_dashboard, raw_email_campaigns
from assets.resources import SettingsResource, WarehouseResource
from pipelines.sources.demo import DemoSettings
from pipelines.sources.email.store import read_sends
from tests.fakes.mailchimp_server import API_KEY, MailchimpFault, MailchimpServer

START, END = dt.date(2025, 11, 1), dt.date(2026, 3, 15)


def run(tmp_path, email: dict, name: str, assets=(raw_email_campaigns,)) -> pd.DataFrame:
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    config = folder / "config.yaml"
    config.write_text(yaml.safe_dump({
        "history_start": START.isoformat(), "demo": {"end": END.isoformat()},
        "sources": {"email": email}}), encoding="utf-8")
    resources = {"warehouse": WarehouseResource(data_dir=str(folder), config_path=str(config)),
                 "settings": SettingsResource(config_path=str(config), data_dir=str(folder))}
    result = dg.materialize(list(assets), resources=resources, raise_on_error=False)
    checks = result.get_asset_check_evaluations()
    sends = read_sends(resources["warehouse"].connect())
    sends.attrs["success"] = result.success
    sends.attrs["checks"] = {c.check_name: c.passed for c in checks}
    sends.attrs["errors"] = " ".join(
        str(e.event_specific_data.error.message) for e in result.all_events
        if e.event_type_value == "STEP_FAILURE")
    return sends


def test_mailchimp_through_the_asset_equals_the_demo(tmp_path, monkeypatch):
    monkeypatch.setenv("MAILCHIMP_API_KEY", API_KEY)
    demo = run(tmp_path, {"kind": "demo"}, "demo", (raw_email_campaigns, email_dashboard))
    assert (tmp_path / "demo" / "out" / "email.nl.html").is_file()
    with MailchimpServer(DemoSettings(START, END), max_count=5) as fake:
        email = {"kind": "mailchimp", "host": fake.endpoint}
        real = run(tmp_path, email, "real")
        again = run(tmp_path, email, "real")  # re-reads the last 30 days, upserts
        since = [r.params.get("since_send_time") for r in fake.requests if r.kind == "reports"]
        fake.script(MailchimpFault("unauthorized"))
        failed = run(tmp_path, email, "real")
    columns = [c for c in demo.columns if c != "extracted_at"]
    assert len(demo) == 10 and demo.attrs["success"] and real.attrs["success"]
    pd.testing.assert_frame_equal(real[columns], demo[columns])
    pd.testing.assert_frame_equal(again[columns], demo[columns])
    assert since[0] is None and since[-1] is not None  # the second run read a window
    assert not failed.attrs["success"]
    assert "rejected the API key" in failed.attrs["errors"]
    assert API_KEY not in failed.attrs["errors"]
    pd.testing.assert_frame_equal(failed[columns], demo[columns])  # the table kept


def test_sends_without_machine_open_counts_warn(tmp_path, monkeypatch):
    monkeypatch.setenv("MAILCHIMP_API_KEY", API_KEY)
    with MailchimpServer(DemoSettings(START, END), proxy_excluded=False) as fake:
        sends = run(tmp_path, {"kind": "mailchimp", "host": fake.endpoint}, "no-mpp",
                    (raw_email_campaigns, email_machine_opens_reported))
    assert sends.attrs["checks"] == {"email_machine_opens_reported": False}
    assert sends["unique_opens_excl_machine"].isna().all()
