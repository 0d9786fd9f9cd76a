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
        ("history_start: 2026-01-01\nengine: {name: bigquery}",
         r"engine\.name: Input should be 'duckdb' or 'spark'"),
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
