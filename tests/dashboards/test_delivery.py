"""The weekly report delivered through a real local SMTP server (aiosmtpd: STARTTLS with a test
certificate, AUTH) and a local webhook receiver: each recipient in their language with the PDF,
the ledger, re-runs, refusals, deferrals, timeouts and a server that is down; no secret in
logs or errors."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pandas as pd
import pytest

from assets.catalog import CATALOG
from dashboards.delivery import ledger
from dashboards.delivery.deliver import DeliveryResult, ReportFiles, deliver
from dashboards.report import ReportInputs
from kpi.language.translate import translator
from kpi.weekly import IsoWeek
from pipelines.delivery_config import Delivery
from pipelines.privacy import KEY_ENV, PseudonymKeyError
from pipelines.retention import Dated, plan
from pipelines.warehouse import keys
from pipelines.warehouse.store import connect
from tests.dashboards.conftest import HOSTILE_IMG, HOSTILE_SCRIPT
from tests.fakes.smtp_server import (
    HOST,
    PASSWORD,
    USER,
    Inbox,
    down_port,
    silent_server,
    smtp_server,
)
from tests.fakes.tls import localhost_cert
from tests.fakes.webhook_server import Posts, webhook_server

W47 = IsoWeek.parse("2026-W47")
_t = translator("report", "budget", "quality", "common")
PEOPLE = {"nl": "an@example.be", "fr": "benoit@example.be", "en": "chris@example.be"}
SLACK_PATH, TEAMS_PATH = "/services/T000/B000/slack-secret-path", "/workflows/teams-secret"
TITLE = {"nl": "Wekelijks KPI-rapport", "fr": "Rapport KPI hebdomadaire",
         "en": "Weekly KPI report"}
FAST = {"max_retries": 2, "initial_seconds": 0.01, "max_seconds": 0.05}


@pytest.fixture(scope="module")
def inputs(kpi_values: pd.DataFrame) -> ReportInputs:
    actions = pd.DataFrame([{
        "as_of": pd.Timestamp("2026-11-22"), "action": action, "expected_gain": gain,
        **{f"text_{lang}": f"{lang}: {action} {name}" for lang in ("nl", "fr", "en")},
    } for action, name, gain in [("pause", f"Display {HOSTILE_IMG}", None),
                                 ("scale", "Search – Merk", 117.0),
                                 ("reallocate", "Shopping", 0.4)]])
    return ReportInputs(week=W47, values=kpi_values, recommendations=actions,
                        account=f"Zonnig {HOSTILE_SCRIPT}", data_end=dt.date(2026, 11, 22))


@pytest.fixture
def files(tmp_path: Path) -> ReportFiles:
    folder = tmp_path / "out" / "reports" / W47.label
    folder.mkdir(parents=True)
    html, pdf = {}, {}
    for lang in ("nl", "fr", "en"):
        html[lang] = folder / f"weekly-report.{lang}.html"
        pdf[lang] = folder / f"weekly-report.{lang}.pdf"
        html[lang].write_text("<html></html>")
        pdf[lang].write_bytes(b"%PDF-1.7\n" + lang.encode() * 500 + b"\n%%EOF\n")
    return ReportFiles(W47, html, pdf)


def settings(port: int, base: str | None = None, **change) -> Delivery:
    hooks = ([{"kind": "slack", "url_env": "SLACK_URL", "language": "nl"},
              {"kind": "teams", "url_env": "TEAMS_URL", "language": "fr"}] if base else [])
    return Delivery.model_validate({
        "smtp": {"host": HOST, "port": port, "from_address": "kpi@agency.example.be",
                 "from_name": "Campaign KPIs", "reply_to": "pm@agency.example.be",
                 "username_env": "SMTP_USER", "password_env": "SMTP_PASSWORD",
                 "ca_file": str(localhost_cert().path), "timeout_seconds": 2},
        "recipients": [{"address": a, "language": lang} for lang, a in PEOPLE.items()],
        "webhooks": hooks, "retry": FAST, **change})


def environment(base: str = "http://127.0.0.1:1") -> dict[str, str]:
    return {KEY_ENV: "k" * 40, "SMTP_USER": USER, "SMTP_PASSWORD": PASSWORD,
            "SLACK_URL": base + SLACK_PATH, "TEAMS_URL": base + TEAMS_PATH}


def ours(caplog) -> str:
    """What the product logged (not the fake server, which logs its own conversation)."""
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail"))


def no_secret(text: str, base: str = "") -> None:
    assert PASSWORD not in text
    assert SLACK_PATH not in text and TEAMS_PATH not in text
    if base:
        assert base not in text


def test_each_recipient_gets_the_report_in_their_language(inputs, files, caplog) -> None:
    con = connect(":memory:")
    with (smtp_server() as (port, inbox), webhook_server() as (base, posts),
          caplog.at_level(logging.DEBUG)):
        result = deliver(settings(port, base), inputs, files, con, env=environment(base))
    assert result.count("sent") == 5 and not result.problems, result.explain()
    assert inbox.logins == [USER]  # one session, logged in after STARTTLS
    for lang, address in PEOPLE.items():
        (received,) = inbox.to(address)
        message = received.message
        assert received.mail_from == "kpi@agency.example.be"
        assert message["Subject"].startswith(f"{TITLE[lang]} · 2026-W47 · Zonnig")
        assert message["Content-Language"] == f"{lang}-BE"
        assert message["To"] == address
        assert message["From"] == "Campaign KPIs <kpi@agency.example.be>"
        assert message["Reply-To"] == "pm@agency.example.be"
        assert message["Message-ID"].endswith("@agency.example.be>")
        assert message["Date"] is not None and message["Date"].datetime.tzinfo is not None
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert _t("r_top_actions", lang) in text and _t("r_top_actions", lang) in html
        assert str(files.html[lang]) in text  # where the full report is
        assert f"{lang}: pause Display" in text
        (pdf,) = list(message.iter_attachments())
        assert pdf.get_content_type() == "application/pdf"
        assert pdf.get_filename() == f"weekly-report.{lang}.pdf"
        assert pdf.get_content() == files.pdf[lang].read_bytes()  # bytes equal
        # mail-safe: no script, no style sheet, no external request, user strings escaped
        assert "<script" not in html.lower() and "<style" not in html.lower()
        assert "<img" not in html and "&lt;img src=x" in html and "&lt;script&gt;" in html
    (slack,) = posts.bodies[SLACK_PATH]
    assert set(slack) == {"text", "blocks"} and "Wekelijks KPI-rapport" in slack["text"]
    assert "&lt;img" in slack["text"]  # Slack's control characters escaped
    (teams,) = posts.bodies[TEAMS_PATH]
    card = teams["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["body"][0]["text"].startswith("Rapport KPI hebdomadaire")
    rows = con.execute(con.table(ledger.DELIVERIES_TABLE))
    assert sorted(rows["channel"]) == ["mail", "mail", "mail", "slack", "teams"]
    assert set(rows["status"]) == {"sent"} and rows["recipient"].str.startswith("p_").all()
    assert not any(a in " ".join(map(str, rows.to_numpy().ravel())) for a in PEOPLE.values())
    logged = ours(caplog)
    assert "delivery.recipients.2" in logged
    no_secret(logged, base)
    assert not any(address in logged for address in PEOPLE.values())


def test_a_rerun_sends_to_nobody_again_unless_resend(inputs, files) -> None:
    con = connect(":memory:")
    with smtp_server() as (port, inbox):
        first = deliver(settings(port), inputs, files, con, env=environment())
        again = deliver(settings(port), inputs, files, con, env=environment())
        assert len(inbox.received) == 3
        resent = deliver(settings(port), inputs, files, con, env=environment(), resend=True)
        assert len(inbox.received) == 6
    assert (first.count("sent"), again.count("skipped"), again.count("sent")) == (3, 3, 0)
    assert resent.count("sent") == 3
    assert len(con.execute(con.table(ledger.DELIVERIES_TABLE))) == 6  # every attempt


def test_a_refused_recipient_does_not_stop_the_others(inputs, files) -> None:
    con = connect(":memory:")
    with smtp_server(Inbox(refuse={PEOPLE["fr"]})) as (port, inbox):
        result = deliver(settings(port), inputs, files, con, env=environment())
        assert [r.rcpt_tos for r in inbox.received] == [[PEOPLE["nl"]], [PEOPLE["en"]]]
    (problem,) = result.problems
    assert (problem.target, problem.status) == ("delivery.recipients.1", "refused")
    assert "550" in problem.error and f"{HOST}:{port}" in problem.error
    rows = con.execute(con.table(ledger.DELIVERIES_TABLE)).set_index("language")
    assert rows.loc["fr", "status"] == "refused" and "550" in rows.loc["fr", "error"]
    assert rows.loc["nl", "status"] == "sent" and rows.loc["en", "status"] == "sent"
    # the next run tries only the one who was not reached
    with smtp_server() as (port, inbox):
        again = deliver(settings(port), inputs, files, con, env=environment())
        assert [r.rcpt_tos for r in inbox.received] == [[PEOPLE["fr"]]]
    assert again.count("skipped") == 2


def test_a_temporary_refusal_is_retried(inputs, files) -> None:
    con = connect(":memory:")
    with smtp_server(Inbox(defer={PEOPLE["nl"]: 2})) as (port, inbox):
        result = deliver(settings(port), inputs, files, con, env=environment())
        assert len(inbox.to(PEOPLE["nl"])) == 1
    assert result.count("sent") == 3


def _unreachable(result: DeliveryResult, what: str, port: int) -> None:
    assert result.count("failed") == 3 and result.count("sent") == 0
    for problem in result.problems:
        assert f"SMTP server {HOST}:{port}" in problem.error and what in problem.error
        assert "after 2 retries" in problem.error
        no_secret(problem.error)


def test_a_server_that_never_answers_is_retried_then_named(inputs, files, caplog) -> None:
    con = connect(":memory:")
    with silent_server() as port, caplog.at_level(logging.DEBUG):
        chosen = settings(port, smtp={**settings(port).smtp.model_dump(), "timeout_seconds": 0.3})
        result = deliver(chosen, inputs, files, con, env=environment())
    _unreachable(result, "did not answer in time", port)
    no_secret(ours(caplog))
    assert set(con.execute(con.table(ledger.DELIVERIES_TABLE))["status"]) == {"failed"}
    assert all(p.is_file() for p in files.pdf.values())  # the report files are untouched


def test_a_server_that_is_down_is_retried_then_named(inputs, files) -> None:
    port = down_port()
    result = deliver(settings(port), inputs, files, connect(":memory:"), env=environment())
    _unreachable(result, "refused the connection", port)


def test_a_wrong_password_is_not_retried_and_not_shown(inputs, files) -> None:
    env = {**environment(), "SMTP_PASSWORD": "wrong-" + PASSWORD}
    with smtp_server() as (port, inbox):
        result = deliver(settings(port), inputs, files, connect(":memory:"), env=env)
        assert inbox.received == []
    assert result.count("failed") == 3
    error = result.problems[0].error
    assert "refused the login" in error and "535" in error and "retries" not in error
    assert env["SMTP_PASSWORD"] not in error and PASSWORD not in error


def test_a_missing_pdf_is_said_in_the_mail_not_fatal(inputs, files) -> None:
    files.pdf["fr"].unlink()
    with smtp_server() as (port, inbox):
        result = deliver(settings(port), inputs, files, connect(":memory:"), env=environment())
        message = inbox.to(PEOPLE["fr"])[0].message
        assert list(message.iter_attachments()) == []
        assert _t("d_no_pdf", "fr") in message.get_body(("plain",)).get_content()
        assert len(list(inbox.to(PEOPLE["nl"])[0].message.iter_attachments())) == 1
    assert result.count("sent") == 3


def test_webhooks_are_retried_and_their_url_never_shown(inputs, files, caplog) -> None:
    con = connect(":memory:")
    answers = Posts(statuses={SLACK_PATH: [503], TEAMS_PATH: [400]})
    with (smtp_server() as (port, _), webhook_server(answers) as (base, posts),
          caplog.at_level(logging.DEBUG)):
        result = deliver(settings(port, base), inputs, files, con, env=environment(base))
    # Slack: 503 then 200 (retried); Teams: 400 (refused for good, not retried)
    assert len(posts.bodies[SLACK_PATH]) == 1 and TEAMS_PATH not in posts.bodies
    (problem,) = result.problems
    assert problem.target == "delivery.webhooks.1" and "HTTP 400" in problem.error
    assert "teams:TEAMS_URL" in problem.error
    no_secret(problem.error, base)
    no_secret(ours(caplog), base)


def test_a_webhook_url_not_set_is_named_by_its_variable(inputs, files) -> None:
    env = environment()
    del env["TEAMS_URL"]
    with smtp_server() as (port, _), webhook_server() as (base, _):
        env["SLACK_URL"] = base + SLACK_PATH
        result = deliver(settings(port, base), inputs, files, connect(":memory:"), env=env)
    (problem,) = result.problems
    assert "TEAMS_URL is not set" in problem.error and result.count("sent") == 4


def test_retention_dates_the_ledger_by_its_week(inputs, files) -> None:
    con = connect(":memory:")
    with smtp_server() as (port, _):
        deliver(settings(port), inputs, files, con, env=environment())
    assert Dated(ledger.DELIVERIES_TABLE, "period_start") in plan(con, CATALOG).dated
    assert not keys.audit(con, CATALOG).duplicates  # its declared key tells attempts apart


def test_implicit_tls_is_spoken_too(inputs, files) -> None:
    with smtp_server(implicit_tls=True) as (port, inbox):
        smtp = {**settings(port).smtp.model_dump(), "security": "tls"}
        result = deliver(settings(port, smtp=smtp), inputs, files, connect(":memory:"),
                         env=environment())
        assert len(inbox.received) == 3 and inbox.logins == [USER]
    assert result.count("sent") == 3


def test_an_untrusted_certificate_is_refused_not_retried(inputs, files) -> None:
    with smtp_server() as (port, inbox):
        smtp = {**settings(port).smtp.model_dump(), "ca_file": None}  # the system's roots
        result = deliver(settings(port, smtp=smtp), inputs, files, connect(":memory:"),
                         env=environment())
        assert inbox.received == [] and inbox.logins == []  # no password sent in the clear
    assert result.count("failed") == 3
    error = result.problems[0].error
    assert "certificate could not be verified" in error and "smtp.ca_file" in error
    assert "retries" not in error


def test_without_the_pseudonym_key_nothing_is_sent(inputs, files) -> None:
    env = environment()
    del env[KEY_ENV]
    con = connect(":memory:")
    with smtp_server() as (port, inbox):
        with pytest.raises(PseudonymKeyError, match=KEY_ENV):
            deliver(settings(port), inputs, files, con, env=env)
        assert inbox.received == []
    assert ledger.DELIVERIES_TABLE not in con.list_tables()
