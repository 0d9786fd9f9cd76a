"""The ``sources.crm`` section: defaults, what is refused, and the connector's settings made
from it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pipelines.config import Config, ConfigError, load_config
from pipelines.crm_config import CrmSource
from pipelines.sources.crm.hubspot.records import contact_properties
from pipelines.sources.crm.hubspot.source import HubSpotSettings
from pipelines.sources.retry import RetryPolicy


def test_no_crm_unless_configured():
    config = Config.model_validate({"history_start": "2026-01-01"})
    assert config.sources.crm.kind == "none"


def test_a_hubspot_section_from_yaml_with_a_token_file_beside_it(tmp_path):
    path = tmp_path / "campaign-kpi.yaml"
    path.write_text(
        "history_start: 2026-01-01\n"
        "sources:\n"
        "  crm:\n"
        "    kind: hubspot\n"
        "    access_token_file: secrets/hubspot.txt\n"
        "    reread_days: 45\n"
        "    portal_currency: EUR\n"
        "    stages: {sql: salesqualifiedlead, customer: customer}\n"
        "    pipelines:\n"
        "      - {id: default}\n"
        "      - {id: '8675309', won_stages: ['1003'], lost_stages: ['1004']}\n",
        encoding="utf-8")
    crm = load_config(path).sources.crm
    assert crm.access_token_file == tmp_path / "secrets" / "hubspot.txt"
    settings = HubSpotSettings.from_config(crm, RetryPolicy())
    assert settings.reread_days == 45 and settings.portal_currency == "EUR"
    assert settings.pipeline_stages["8675309"].won == frozenset({"1003"})
    assert settings.by_step["mql"] == "marketingqualifiedlead"


@pytest.mark.parametrize(("section", "says"), [
    ({"stages": {"sql": "marketingqualifiedlead"}}, "both mql and sql"),
    ({"pipelines": [{"id": "default", "won_stages": ["closedwon"],
                     "lost_stages": ["closedwon"]}]}, "both won and lost"),
    ({"pipelines": [{"id": "default", "won_stages": []}]}, "no deal would ever count as won"),
    ({"pipelines": [{"id": "default"}, {"id": "default"}]}, "listed more than once"),
    ({"pipelines": []}, "at least one deal pipeline"),
    ({"host": "http://crm.example.com"}, "plain http is only allowed"),
    ({"utm_campaign_property": "email"}, "holds personal data"),
    ({"access_token": "pat-eu1-secret"}, "Extra inputs are not permitted"),
    ({"page_size": 500}, "less than or equal to 200"),
])
def test_what_would_count_wrongly_is_refused(section, says):
    with pytest.raises(ValidationError, match=says):
        CrmSource(kind="hubspot", **section)


def test_the_demo_crm_beside_a_real_ads_account_is_refused():
    with pytest.raises(ValidationError, match=r"crm\.kind: demo beside a real Google Ads"):
        Config.model_validate({"history_start": "2026-01-01", "sources": {
            "google_ads": {"kind": "google_ads", "customer_ids": ["1234567890"]},
            "meta_ads": {"kind": "none"}, "crm": {"kind": "demo"}}})


def test_a_misspelt_setting_names_the_one_meant(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("history_start: 2026-01-01\nsources:\n  crm:\n    reread_dayz: 3\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sources.crm.reread_dayz: unknown setting.*did you "
                       r"mean 'reread_days'\? \(line 4\)"):
        load_config(path)


def test_the_configured_stages_decide_the_date_properties_requested():
    custom = CrmSource(stages={"sql": "12345678"}).stages.by_step()
    asked = contact_properties(custom, "utm_campaign")
    assert "hs_lifecyclestage_12345678_date" in asked
    assert "hs_lifecyclestage_salesqualifiedlead_date" not in asked
    with pytest.raises(ValueError, match="personal properties are never requested"):
        contact_properties(custom, "phone")
