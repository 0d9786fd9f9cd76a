"""The anomaly alerts delivered through a real local SMTP server (aiosmtpd: STARTTLS, AUTH) and a
local webhook receiver: each subscriber in their language, once per alert; filters; quiet hours
with the clock passed in (no sleeping); back to normal once; no secret in logs or errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import zoneinfo

import pytest
from pydantic import ValidationError

from assets.catalog import CATALOG
from dashboards.delivery.alert_send import (
    ALERT_DELIVERIES_TABLE,
    MAX_AGE_DAYS,
    deliver_alerts,
)
from dashboards.quality_alerts import KIND_TEXTS
from kpi.alerts.state import Alert
from pipelines.config import Config
from pipelines.config_checks import problems
from pipelines.delivery_config import ALERT_KINDS, Delivery, QuietHours
from pipelines.privacy import KEY_ENV
from pipelines.retention import Dated, plan
from pipelines.warehouse import keys
from pipelines.warehouse.store import connect
from tests.fakes.smtp_server import HOST, PASSWORD, USER, Inbox, smtp_server
from tests.fakes.tls import localhost_cert
from tests.fakes.webhook_server import Posts, webhook_server

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
TUESDAY_9 = dt.datetime(2026, 12, 8, 9, 0, tzinfo=BRUSSELS)  # outside the quiet hours
HOSTILE = "<img src=x onerror=alert(1)>"
PEOPLE = {"nl": "an@example.be", "fr": "benoit@example.be", "en": "chris@example.be"}
SLACK_PATH, TEAMS_PATH = "/services/T000/B000/slack-secret-path", "/workflows/teams-secret"
FAST = {"max_retries": 1, "initial_seconds": 0.01, "max_seconds": 0.05}
NAMES = {"gads:7": "Search – Warmtepompen – NL", "gads:8": f"Display {HOSTILE}"}
SUBJECT = {
    "nl": "Afwijking: Search – Warmtepompen – NL conversies op 0 sinds 3 dec",
    "fr": "Anomalie\u202f: Search – Warmtepompen – NL conversions à 0 depuis le 3 déc.",
    "en": "Anomaly: Search – Warmtepompen – NL conversions at 0 since 3 Dec",
}


def tag(**change) -> Alert:
    """A broken tag on a Search campaign, opened on the morning of 7 December."""
    alert = Alert("a_tag", "broken_tag", "campaign", "gads:7", "gads", "Paid Search", "conversions",
                  dt.date(2026, 12, 3), dt.date(2026, 12, 6), 4, 0.0, 14.2, 6.0, 25.0, "open",
                  dt.date(2026, 12, 7), dt.date(2026, 12, 7), None, True)
    return dataclasses.replace(alert, **change)


def spike(**change) -> Alert:
    alert = Alert("a_spike", "spend_spike", "campaign", "gads:8", "gads", "Display", "cost",
                  dt.date(2026, 12, 6), dt.date(2026, 12, 6), 1, 900.0, 300.0, 200.0, 450.0,
                  "open", dt.date(2026, 12, 7), dt.date(2026, 12, 7), None, True)
    return dataclasses.replace(alert, **change)


def settings(port: int, base: str | None = None, people: list[dict] | None = None,
             **change) -> Delivery:
    hooks = ([{"kind": "slack", "url_env": "SLACK_URL", "language": "nl",
               "reports": ["weekly", "alerts"]},
              {"kind": "teams", "url_env": "TEAMS_URL", "language": "fr",
               "reports": ["alerts"]}] if base else [])
    if people is None:
        people = [{"address": a, "language": lang, "reports": ["weekly", "alerts"]}
                  for lang, a in PEOPLE.items()]
    return Delivery.model_validate({
        "smtp": {"host": HOST, "port": port, "from_address": "kpi@agency.example.be",
                 "from_name": "Campaign KPIs", "username_env": "SMTP_USER",
                 "password_env": "SMTP_PASSWORD", "ca_file": str(localhost_cert().path),
                 "timeout_seconds": 2},
        "recipients": people, "webhooks": hooks, "retry": FAST, **change})


def environment(base: str = "http://127.0.0.1:1") -> dict[str, str]:
    return {KEY_ENV: "k" * 40, "SMTP_USER": USER, "SMTP_PASSWORD": PASSWORD,
            "SLACK_URL": base + SLACK_PATH, "TEAMS_URL": base + TEAMS_PATH}


def ours(caplog) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail"))


def test_an_opened_alert_reaches_each_subscriber_in_their_language(caplog) -> None:
    con = connect(":memory:")
    with (smtp_server() as (port, inbox), webhook_server() as (base, posts),
          caplog.at_level(logging.DEBUG)):
        result = deliver_alerts(settings(port, base), [tag()], con, names=NAMES,
                                env=environment(base), now=TUESDAY_9)
    assert result.count("sent") == 5 and not result.problems, result.explain()
    for lang, address in PEOPLE.items():
        (received,) = inbox.to(address)
        message = received.message
        assert message["Subject"] == SUBJECT[lang]
        assert message["Content-Language"] == f"{lang}-BE"
        assert message["Auto-Submitted"] == "auto-generated"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        for part in (text, html):
            assert "Warmtepompen" in part
        assert "<script" not in html.lower() and "<style" not in html.lower()
    (slack,) = posts.bodies[SLACK_PATH]
    assert slack["text"].startswith("*Afwijking: Search – Warmtepompen – NL")
    (teams,) = posts.bodies[TEAMS_PATH]
    assert teams["attachments"][0]["content"]["body"][0]["text"] == SUBJECT["fr"]
    rows = con.execute(con.table(ALERT_DELIVERIES_TABLE))
    assert sorted(rows["channel"]) == ["mail", "mail", "mail", "slack", "teams"]
    assert set(rows["event"]) == {"opened"} and set(rows["alert_id"]) == {"a_tag"}
    assert rows["recipient"].str.startswith("p_").all()
    assert not any(a in " ".join(map(str, rows.to_numpy().ravel())) for a in PEOPLE.values())
    logged = ours(caplog)
    assert "delivery.recipients.2" in logged
    assert PASSWORD not in logged and base not in logged and SLACK_PATH not in logged
    assert not any(a in logged for a in PEOPLE.values())


def test_several_alerts_go_in_one_message_with_user_strings_escaped() -> None:
    with smtp_server() as (port, inbox):
        deliver_alerts(settings(port), [tag(), spike()], connect(":memory:"), names=NAMES,
                       env=environment(), now=TUESDAY_9)
        message = inbox.to(PEOPLE["en"])[0].message
        assert len(inbox.received) == 3
    subject = re.sub(" +", " ", message["Subject"])  # unfolding a long header may double one
    assert subject == "2 anomalies: Display <img src=x onerror=alert(1)> cost at " \
        "900,00\u00a0€ since 6 Dec"  # a header is text; the HTML part escapes it
    html = message.get_body(("html",)).get_content()
    assert "<img" not in html and "&lt;img src=x" in html
    assert "Spend spike" in html and "Conversions near zero" in html


def test_a_subscriber_filtered_to_other_kinds_or_channels_gets_nothing() -> None:
    people = [{"address": PEOPLE["nl"], "language": "nl", "reports": ["alerts"],
               "alert_kinds": ["spend_spike", "stopped_spending"]},
              {"address": PEOPLE["fr"], "language": "fr", "reports": ["alerts"],
               "channels": ["Paid Social"]},
              {"address": PEOPLE["en"], "language": "en", "reports": ["weekly"]},
              {"address": "dirk@example.be", "language": "nl", "reports": ["alerts"],
               "alert_kinds": ["broken_tag"], "channels": ["paid search"]}]
    con = connect(":memory:")
    with smtp_server() as (port, inbox):
        result = deliver_alerts(settings(port, people=people), [tag()], con, names=NAMES,
                                env=environment(), now=TUESDAY_9)
        assert [r.rcpt_tos for r in inbox.received] == [["dirk@example.be"]]
    assert result.count("sent") == 1
    # an account's alert concerns every channel: the channel filter lets it through
    account = tag(alert_id="a_acct", level="account", key="gads", channel="")
    with smtp_server() as (port, inbox):
        deliver_alerts(settings(port, people=people), [account], con, env=environment(),
                       now=TUESDAY_9)
        assert sorted(r.rcpt_tos[0] for r in inbox.received) == [PEOPLE["fr"],
                                                                 "dirk@example.be"]


def test_a_rerun_sends_nothing_twice_and_an_open_anomaly_is_not_repeated_daily() -> None:
    con = connect(":memory:")
    with smtp_server() as (port, inbox):
        first = deliver_alerts(settings(port), [tag()], con, env=environment(), now=TUESDAY_9)
        again = deliver_alerts(settings(port), [tag()], con, env=environment(), now=TUESDAY_9)
        # the next mornings: still open, updated, not new: nothing
        for day in (1, 2):
            later = tag(new=False, days=4 + day, updated_on=dt.date(2026, 12, 7 + day))
            deliver_alerts(settings(port), [later], con, env=environment(),
                           now=TUESDAY_9 + dt.timedelta(days=day))
        assert len(inbox.received) == 3
    assert first.count("sent") == 3 and again.outcomes == ()
    assert len(con.execute(con.table(ALERT_DELIVERIES_TABLE))) == 3


def test_during_quiet_hours_nothing_is_sent_and_the_next_run_after_sends_it() -> None:
    quiet = {"start": "20:00", "end": "07:30", "timezone": "Europe/Brussels", "weekend": True}
    con = connect(":memory:")
    with smtp_server() as (port, inbox):
        chosen = settings(port, quiet_hours=quiet)
        for held_at in (dt.datetime(2026, 12, 7, 22, 15, tzinfo=BRUSSELS),   # Monday night
                        dt.datetime(2026, 12, 8, 7, 29, tzinfo=BRUSSELS),    # a minute early
                        dt.datetime(2026, 12, 8, 6, 29, tzinfo=dt.UTC)):     # the same in UTC
            result = deliver_alerts(chosen, [tag()], con, env=environment(), now=held_at)
            assert result.held == 3 and result.outcomes == () and "held" in result.summary()
        assert inbox.received == [] and ALERT_DELIVERIES_TABLE not in con.list_tables()
        morning = dt.datetime(2026, 12, 8, 7, 30, tzinfo=BRUSSELS)
        result = deliver_alerts(chosen, [tag()], con, env=environment(), now=morning)
        assert result.count("sent") == 3 and len(inbox.received) == 3
        # the weekend is held whole; Monday morning sends
        weekend = spike(opened_on=dt.date(2026, 12, 12))
        saturday = dt.datetime(2026, 12, 12, 12, tzinfo=BRUSSELS)
        assert deliver_alerts(chosen, [weekend], con, env=environment(), now=saturday).held
        monday = dt.datetime(2026, 12, 14, 7, 30, tzinfo=BRUSSELS)
        assert deliver_alerts(chosen, [weekend], con, env=environment(),
                              now=monday).count("sent") == 3
        assert len(inbox.received) == 6


def test_a_closed_alert_sends_its_back_to_normal_line_once() -> None:
    people = [{"address": a, "language": lang, "reports": ["alerts"]}
              for lang, a in PEOPLE.items()]
    people[2]["notify_closed"] = False
    con = connect(":memory:")
    with smtp_server() as (port, inbox):
        chosen = settings(port, people=people)
        deliver_alerts(chosen, [tag()], con, names=NAMES, env=environment(), now=TUESDAY_9)
        closed = tag(status="closed", closed_on=dt.date(2026, 12, 9), new=False)
        later = TUESDAY_9 + dt.timedelta(days=1)
        result = deliver_alerts(chosen, [closed], con, names=NAMES, env=environment(), now=later)
        again = deliver_alerts(chosen, [closed], con, names=NAMES, env=environment(), now=later)
        assert result.count("sent") == 2 and again.outcomes == ()
        (nl,) = [r.message for r in inbox.to(PEOPLE["nl"])][1:]
        assert len(inbox.to(PEOPLE["en"])) == 1  # notify_closed: false
    assert nl["Subject"] == "Terug normaal: Search – Warmtepompen – NL conversies"
    assert "terug binnen het verwachte bereik op 9 dec 2026" in \
        nl.get_body(("plain",)).get_content()
    # an alert that opened and closed before anyone was told is not sent at all
    with smtp_server() as (port, inbox):
        brief = spike(status="closed", closed_on=dt.date(2026, 12, 8))
        deliver_alerts(settings(port, people=people), [brief], connect(":memory:"),
                       env=environment(), now=TUESDAY_9)
        assert inbox.received == []


def test_a_failed_send_stays_pending_and_old_alerts_are_not_sent() -> None:
    con = connect(":memory:")
    env = {**environment(), "SMTP_PASSWORD": "wrong-" + PASSWORD}
    with smtp_server() as (port, inbox):
        failed = deliver_alerts(settings(port), [tag()], con, env=env, now=TUESDAY_9)
        assert failed.count("failed") == 3 and inbox.received == []
        error = failed.problems[0].error
        assert "refused the login" in error and PASSWORD not in error
        assert env["SMTP_PASSWORD"] not in error
        retried = deliver_alerts(settings(port), [tag()], con, env=environment(),
                                 now=TUESDAY_9)
        assert retried.count("sent") == 3
        old = spike(opened_on=TUESDAY_9.date() - dt.timedelta(days=MAX_AGE_DAYS + 1))
        assert deliver_alerts(settings(port), [old], con, env=environment(),
                              now=TUESDAY_9).outcomes == ()
    statuses = con.execute(con.table(ALERT_DELIVERIES_TABLE))["status"]
    assert sorted(statuses) == ["failed"] * 3 + ["sent"] * 3
    assert Dated(ALERT_DELIVERIES_TABLE, "day") in plan(con, CATALOG).dated
    assert not keys.audit(con, CATALOG).duplicates  # its declared key tells attempts apart


def test_webhook_failures_never_show_the_url(caplog) -> None:
    con = connect(":memory:")
    answers = Posts(statuses={SLACK_PATH: [400], TEAMS_PATH: [503, 503, 503]})
    with (smtp_server(Inbox()) as (port, _), webhook_server(answers) as (base, _),
          caplog.at_level(logging.DEBUG)):
        result = deliver_alerts(settings(port, base), [tag()], con, env=environment(base),
                                now=TUESDAY_9)
    assert sorted(o.target for o in result.problems) == ["delivery.webhooks.0",
                                                        "delivery.webhooks.1"]
    for text in [*(o.error or "" for o in result.problems), ours(caplog)]:
        assert base not in text and SLACK_PATH not in text and TEAMS_PATH not in text
        assert PASSWORD not in text
    assert "slack:SLACK_URL" in result.explain()


def test_the_configuration_names_the_field_and_the_likely_value() -> None:
    assert set(ALERT_KINDS) == set(KIND_TEXTS)  # every detector's kind, no other
    with pytest.raises(ValidationError, match="did you mean stopped_spending"):
        Delivery.model_validate({"webhooks": [{"kind": "slack", "url_env": "S",
                                               "reports": ["alerts"],
                                               "alert_kinds": ["stoped_spending"]}]})
    with pytest.raises(ValidationError, match=r"reports: \[weekly, alerts\]"):
        Delivery.model_validate({"webhooks": [{"kind": "slack", "url_env": "S",
                                               "channels": ["Search"]}]})
    with pytest.raises(ValidationError, match=r"reports: \[weekly, alerts\]"):
        Delivery.model_validate({"webhooks": [{"kind": "slack", "url_env": "S",
                                               "alert_kinds": ["broken_tag"]}]})
    # written back whole (the resolved copy a run reads), the defaults do not count as asked
    weekly_only = Delivery.model_validate({"webhooks": [{"kind": "slack", "url_env": "S"}]})
    assert Delivery.model_validate(weekly_only.model_dump(mode="json")) == weekly_only
    with pytest.raises(ValidationError, match=r"quiet_hours\.end"):
        Delivery.model_validate({"webhooks": [{"kind": "slack", "url_env": "S"}],
                                 "quiet_hours": {"start": "20:00", "end": "7h30"}})
    with pytest.raises(ValidationError, match="Europe/Brussels"):
        QuietHours(start="20:00", end="07:30", timezone="Brussels")
    config = Config.model_validate({
        "history_start": "2026-01-01", "delivery": {"webhooks": [
            {"kind": "slack", "url_env": "S", "reports": ["alerts"],
             "channels": ["Paid Social", "Search"]}]}})
    (problem,) = problems(config)
    assert problem.loc == ("delivery", "webhooks", 0, "channels", 1)
    assert problem.message.startswith("no channel 'Search'; did you mean 'Paid Search'?")
    quiet = QuietHours(start="08:00", end="09:00")  # the same day
    assert quiet.holds(dt.datetime(2026, 12, 8, 8, 30, tzinfo=BRUSSELS))
    assert not quiet.holds(dt.datetime(2026, 12, 8, 9, 0, tzinfo=BRUSSELS))
