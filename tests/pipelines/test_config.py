"""The configuration file: the sample loads; every mistake names the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets.settings import EXAMPLE_CONFIG
from pipelines.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "campaign-kpi.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_sample_configuration_loads():
    config = load_config(EXAMPLE_CONFIG)
    assert config.reporting.currency == "EUR"
    assert config.conversions.lead.ga4_events == ("generate_lead",)
    assert {t.kpi for t in config.targets} >= {"cpa", "cpl", "roas"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("history_start: 2026-01-01\ntargets: [{kpi: cpx, value: 3}]",
         r"targets\.0\.kpi: .*unknown KPI 'cpx'"),
        ("history_start: 2026-01-01\ntargets: [{kpi: leads, value: 300}]",
         r"targets\.0\.kpi: .*'leads' \(a volume, not a ratio: set it in the budget plan\)"),
        ("history_start: 2026-01-01\nreporting: {time_zone: Europe/Brussel}",
         r"reporting\.time_zone: .*not an IANA time zone"),
        ("history_start: 2026-01-01\nreporting: {currency: euro}",
         r"reporting\.currency: .*not an ISO 4217 currency code"),
        ("history_start: 2026-01-01\nreporting: {fx_rates: {USD: 0}}",
         r"reporting\.fx_rates: .*must be positive"),
        ("history_start: 2026-01-01\nsources: {google_ads: {conversion_window_days: 0}}",
         r"sources\.google_ads\.conversion_window_days"),
        ("history_start: 2026-01-01\nsources: {ga4: {kind: bigquery}}",
         r"sources\.ga4\.kind"),
        ("history_start: 2026-01-01\ntarget: []", r"target: Extra inputs are not permitted"),
        ("reporting: {currency: EUR}", r"history_start: Field required"),
        ("history_start: 2026-02-30", r"history_start: "),
        ("history_start: 2026-01-01\nchannels: {ga4_rules: [{channel: X, medium: '(['}]}",
         r"channels\.ga4_rules\.0\.medium: .*not a valid RE2 regular expression"),
        ("history_start: 2026-01-01\nchannels: {ga4_rules: [{channel: X, medium: '^(?!cpc)'}]}",
         r"channels\.ga4_rules\.0\.medium: '\^\(\?!cpc\)' is not a valid RE2"),
        ("history_start: 2026-01-01\nconversions: {lead: {ga4_events: [purchase]}}",
         r"conversions: .*\['purchase'\] counted as both lead and purchase"),
        ("history_start: 2026-01-01\ntargets: [{kpi: cpa, value: 1}, {kpi: cpa, value: 2}]",
         r"two targets for the same KPI"),
        ("history_start: 2026-01-01\nengine: {name: snowflake}",
         r"engine\.name: Input should be 'duckdb', 'spark' or 'bigquery'"),
        ("history_start: 2026-01-01\nengine: {name: bigquery}",
         r"engine: .*name is bigquery: add a bigquery section with at least the project"),
        ("history_start: 2026-01-01\nengine: {name: bigquery, bigquery: {dataset: kpi}}",
         r"engine\.bigquery\.project: Field required"),
        ("history_start: 2026-01-01\nengine: {bigquery: {project: Acme_Marketing}}",
         r"engine\.bigquery\.project: .*'Acme_Marketing' is not a Google Cloud project ID"),
        ("history_start: 2026-01-01\nengine: {bigquery: {project: acme-kpi, dataset: 'kpi; DROP'}}",
         r"engine\.bigquery\.dataset: .*'kpi; DROP' is not a dataset name"),
        ("history_start: 2026-01-01\nengine: {bigquery: {project: acme-kpi, location: Europe}}",
         r"engine\.bigquery\.location: .*'Europe' is not a BigQuery location"),
        ("history_start: 2026-01-01\nengine: {bigquery: {project: acme-kpi, datset: kpi}}",
         r"engine\.bigquery\.datset: Extra inputs are not permitted"),
        ("history_start: 2026-01-01\nengine: {bigquery: {project: acme-kpi, endpoint: bq.acme}}",
         r"engine\.bigquery\.endpoint: .*'bq\.acme' is not an endpoint address"),
        ("history_start: 2026-01-01\nengine: {bigquery: {project: acme-kpi, anonymous: true}}",
         r"engine\.bigquery: .*anonymous: only allowed with a local endpoint"),
        ("history_start: 2026-01-01\nengine: {bigquery: {project: acme-kpi, anonymous: true, "
         "endpoint: 'http://localhost:9050', credentials_file: key.json}}",
         r"engine\.bigquery: .*credentials_file and anonymous: choose one"),
        ("history_start: 2026-01-01\nengine: {bigquery: {project: acme-kpi, "
         "endpoint: 'http://bq.acme.example:9050'}}",
         r"engine\.bigquery: .*plain http on another machine; use https"),
        ("history_start: 2026-01-01\nengine: {name: spark, spark: {database: 'kpi; DROP'}}",
         r"engine\.spark\.database: .*'kpi; DROP' is not a database name"),
        ("history_start: 2026-01-01\nengine: {spark: {conf: {spark.sql.session.timeZone: CET}}}",
         r"engine\.spark\.conf: .*spark\.sql\.session\.timeZone cannot be changed"),
        ("history_start: 2026-01-01\nengine: {spark: {table_format: orc}}",
         r"engine\.spark\.table_format: Input should be 'parquet', 'delta' or 'iceberg'"),
        ("- just\n- a list", r"expected a mapping"),
        ("history_start: [unclosed", r"\(line \d+\): not valid YAML"),
    ],
)
def test_mistakes_name_the_file_and_the_field(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert str(info.value).startswith(str(path))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.yaml: cannot read"):
        load_config(tmp_path / "nope.yaml")


def test_the_bigquery_settings_default_to_the_eu_and_find_the_key_beside_the_config(tmp_path):
    path = write(tmp_path, "history_start: 2026-01-01\nengine:\n  name: bigquery\n"
                 "  bigquery: {project: acme-marketing, credentials_file: keys/bq.json, "
                 "location: europe-west1}\n")
    bq = load_config(path).engine.bigquery
    assert (bq.project, bq.dataset, bq.location) == ("acme-marketing", "campaign_kpi",
                                                     "europe-west1")
    assert bq.credentials_file == tmp_path / "keys" / "bq.json"
    eu = load_config(write(tmp_path, "history_start: 2026-01-01\nengine: {name: bigquery, "
                                     "bigquery: {project: acme-marketing, location: eu}}"))
    assert eu.engine.bigquery.location == "EU"
