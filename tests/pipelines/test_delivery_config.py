"""The ``delivery`` section: what a working one looks like, and what is refused, naming the
field (and the line) in the configuration file."""

from __future__ import annotations

import pytest

from pipelines.config import Config, ConfigError, load_config

GOOD = """\
history_start: 2026-01-01
delivery:
  report_url: https://share.example.be/kpi/reports/
  smtp:
    host: smtp.example.be
    username_env: SMTP_USER
    password_env: SMTP_PASSWORD
    from_address: kpi@example.be
    ca_file: certs/relay.pem
  recipients:
    - {address: an@example.be, language: nl}
    - {address: benoit@example.be, language: fr, reports: [weekly, monthly]}
  webhooks:
    - {kind: slack, url_env: SLACK_WEBHOOK_URL, language: en}
"""


def _write(tmp_path, text: str):
    path = tmp_path / "campaign-kpi.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_delivery_unless_configured() -> None:
    assert Config.model_validate({"history_start": "2026-01-01"}).delivery is None


def test_a_delivery_section_from_yaml(tmp_path) -> None:
    delivery = load_config(_write(tmp_path, GOOD)).delivery
    assert delivery is not None and delivery.smtp is not None
    assert (delivery.smtp.port, delivery.smtp.security) == (587, "starttls")
    assert delivery.smtp.ca_file == tmp_path / "certs" / "relay.pem"  # beside the file
    assert delivery.report_url == "https://share.example.be/kpi/reports"
    assert [r.language for r in delivery.recipients] == ["nl", "fr"]
    assert delivery.recipients[1].reports == ("weekly", "monthly")
    assert delivery.webhooks[0].name == "slack:SLACK_WEBHOOK_URL"


@pytest.mark.parametrize(("change", "said"), [
    (("    host: smtp.example.be\n", ""), "delivery.smtp.host: Field required"),
    (("language: nl}", "language: de}"), "delivery.recipients.0.language: Input should be"),
    (("    host: smtp.example.be\n", "    host: smtp.example.be\n    security: none\n"),
     "security: none would send the report and the password unencrypted to smtp.example.be"),
    (("    password_env: SMTP_PASSWORD\n", ""), "username_env and password_env: name both"),
    (("{address: an@example.be", "{address: An <an@example.be>"),
     "delivery.recipients.0.address: 'An <an@example.be>' is not a plain e-mail address"),
    (("url_env: SLACK_WEBHOOK_URL", "url_env: https://hooks.slack.com/x"),
     "delivery.webhooks.0.url_env: String should match pattern"),
    (("kind: slack", "kind: discord"), "delivery.webhooks.0.kind"),
    (("benoit@example.be", "an@example.be"), "recipients.1.address: listed twice"),
    (("report_url: https://share.", "report_url: share."),
     "delivery.report_url: 'share.example.be"),
])
def test_what_cannot_work_is_refused_naming_the_field(tmp_path, change, said) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(ConfigError) as error:
        load_config(_write(tmp_path, GOOD.replace(old, new)))
    assert said in str(error.value)


def test_a_local_server_may_go_without_tls(tmp_path) -> None:
    text = GOOD.replace("host: smtp.example.be", "host: localhost\n    security: none")
    smtp = load_config(_write(tmp_path, text)).delivery.smtp
    assert (smtp.port, smtp.security) == (25, "none")


def test_recipients_need_a_server(tmp_path) -> None:
    text = GOOD.split("  smtp:")[0] + "  recipients:\n    - {address: an@example.be}\n"
    with pytest.raises(ConfigError, match="delivery: smtp: recipients are mailed through"):
        load_config(_write(tmp_path, text))
