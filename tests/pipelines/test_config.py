"""The configuration file: the sample loads; every mistake names the file and the field."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import pipelines.config_checks
import pipelines.config_lines
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
        ("history_start: 2026-01-01\ntarget: []",
         r"target: unknown setting 'target'; did you mean 'targets'\? \(line 2\)"),
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
        ("history_start: 2026-01-01\nengine: {duckdb: {memory_limit: 2 gigs}}",
         r"engine\.duckdb\.memory_limit: .*'2 gigs' is not a memory size such as 1GB"),
        ("history_start: 2026-01-01\nengine: {duckdb: {threads: 0}}",
         r"engine\.duckdb\.threads: Input should be greater than or equal to 1"),
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
         r"engine\.bigquery\.datset: unknown setting 'datset'; did you mean 'dataset'\?"),
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


# -- what validates field by field but would silently give wrong numbers ----------------------

SAMPLE_TARGETS = """\
history_start: 2026-01-01
targets:
  - {kpi: cpa, value: 45}
  - {kpi: ctr, value: 0.03, channel: Paid Search}
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (SAMPLE_TARGETS + "  - {kpi: cpl, value: -40}\n",
         "targets.2.value: a target cannot be negative (-40); did you mean 40? (line 5)"),
        (SAMPLE_TARGETS.replace("0.03", "3"),
         "targets.1.value: ctr is a rate, written as a fraction (0.03 for 3 %): 3 would be "
         "300 %; did you mean 0.03? (line 4)"),
        (SAMPLE_TARGETS + "  - {kpi: engagement_rate, value: 60}\n",
         "targets.2.value: engagement_rate is a rate, written as a fraction (0.03 for 3 %): 60 "
         "would be 6000 %; did you mean 0.6? (line 5)"),
        (SAMPLE_TARGETS + "  - {kpi: conversion_rate, value: -0.02}\n",
         "targets.2.value: a target cannot be negative (-0.02); did you mean 0.02? (line 5)"),
        (SAMPLE_TARGETS.replace("Paid Search", "Paid search"),
         "targets.1.channel: no channel 'Paid search'; did you mean 'Paid Search'? (the channels "
         "of channels.ads_channel_types, channels.ga4_rules, channels.meta_ads_channel and "
         "channels.other: Direct, Display, "
         "Email, Organic Search, Other, Paid Search, Paid Social, Referral, Shopping & PMax, "
         "Video) (line 4)"),
        (SAMPLE_TARGETS.replace("Paid Search", "Dispaly"),
         "targets.1.channel: no channel 'Dispaly'; did you mean 'Display'?"),
        ("history_start: 2026-01-01\nsources:\n  ga4:\n    kind: demo\n    restatment_days: 3\n",
         "sources.ga4.restatment_days: unknown setting 'restatment_days'; did you mean "
         "'restatement_days'? (line 5)"),
        ("history_start: 2026-01-01\ntargets:\n  - kpi: cpa\n    valeu: 45\n",
         "targets.0.valeu: unknown setting 'valeu'; did you mean 'value'? (line 4)"),
        ("history_start: 2026-01-01\nreporting: {currency: EUR, colour: blue}\n",
         "reporting.colour: unknown setting 'colour' (the settings here: currency, time_zone, "
         "language, compare_recent, fx_rates) (line 2)"),
    ],
)
def test_what_would_give_wrong_numbers_is_refused_with_field_line_and_meaning(
        tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_rate_targets_as_fractions_and_channels_of_the_rules_load(tmp_path):
    """The boundaries: a rate of exactly 100 %, a target of 0, a channel a GA4 rule makes."""
    config = load_config(write(tmp_path, SAMPLE_TARGETS + (
        "  - {kpi: engagement_rate, value: 1}\n  - {kpi: roas, value: 0}\n"
        "  - {kpi: cpl, value: 12, channel: Paid Social}\n")))
    assert [t.channel for t in config.targets][-1] == "Paid Social"
    own = load_config(write(tmp_path, SAMPLE_TARGETS + (
        "  - {kpi: cpl, value: 12, channel: Affiliates}\n"
        "channels:\n  ga4_rules: [{channel: Affiliates, medium: '^affiliate$'}]\n")))
    assert [t.channel for t in own.targets][-1] == "Affiliates"


def test_a_budget_plan_that_is_not_there_is_named_with_the_file_meant(tmp_path):
    (tmp_path / "budget-plan-2026.csv").write_text("month,level,name,media_budget,currency\n")
    path = write(tmp_path, "history_start: 2026-01-01\nbudget:\n  plan: budget-plan-2062.csv\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (
        f"{path}: budget.plan: no file {tmp_path / 'budget-plan-2062.csv'} (a path relative to "
        "the configuration file); did you mean 'budget-plan-2026.csv'? (line 3)")
    path.write_text("history_start: 2026-01-01\nbudget:\n  plan: budget-plan-2026.csv\n")
    assert load_config(path).budget.plan == tmp_path / "budget-plan-2026.csv"


def test_a_missing_budget_file_in_a_missing_folder_is_named(tmp_path):
    path = write(tmp_path, "history_start: 2026-01-01\nbudget: {costs: nope/costs.csv}\n")
    with pytest.raises(ConfigError, match=r"budget\.costs: no file .*nope/costs\.csv \(a path "
                                          r"relative to the configuration file\) \(line 2\)$"):
        load_config(path)


def test_the_helpers_examples_hold():
    for module in (pipelines.config_checks, pipelines.config_lines):
        assert doctest.testmod(module).failed == 0, module.__name__
