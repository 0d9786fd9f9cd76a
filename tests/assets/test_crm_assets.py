"""The CRM assets as Dagster runs them, on the hand-made account and the planted CRM
(tests/kpi/crm_handmade.py) in a real DuckDB file: crm_funnel before the model, the model
stacking crm_daily, crm_cohort_tables after it; and the match-rate warning check."""

from __future__ import annotations

import re

import dagster as dg
import pytest

from assets.crm_funnel import crm_cohort_tables, crm_funnel, crm_leads_matched
from assets.model import model_assets
from assets.partitions import daily_partitions
from assets.resources import SettingsResource, WarehouseResource
from assets.settings import EXAMPLE_CONFIG
from kpi import model
from kpi.crm import catalog as crm_catalog
from kpi.crm import tables as crm
from kpi.model_crm import CRM_LOG_TABLE, CRM_TABLE
from pipelines.config import load_config
from pipelines.warehouse.catalog import Catalog
from pipelines.warehouse.keys import audit
from pipelines.warehouse.store import connect, write_extract
from tests.kpi import crm_handmade, handmade


def config_file(folder, crm_kind: str = "hubspot"):
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    text = text.replace("history_start: 2025-10-01", f"history_start: {handmade.D1}")
    text = re.sub(r"(\n  crm:\n    kind: )\w+", rf"\g<1>{crm_kind}", text, count=1)
    path = folder / "campaign-kpi.yaml"
    path.write_text(text, encoding="utf-8")
    for other in EXAMPLE_CONFIG.parent.glob("demo-*.csv"):  # files the config names
        (folder / other.name).write_bytes(other.read_bytes())
    return path


@pytest.fixture
def folder(tmp_path):
    con = connect(tmp_path / "warehouse.duckdb")
    for extract in handmade.extracts():
        write_extract(con, extract)
    crm_handmade.write(con)
    con.disconnect()
    return tmp_path


def test_the_funnel_runs_before_the_model_and_the_cohorts_after(folder):
    config = config_file(folder)
    assert load_config(config).sources.crm.kind == "hubspot"
    resources = {"warehouse": WarehouseResource(data_dir=str(folder), config_path=str(config)),
                 "settings": SettingsResource(data_dir=str(folder), config_path=str(config))}
    assert dg.materialize([crm_funnel], resources=resources).success
    partitions = daily_partitions(load_config(config))
    assert dg.materialize([*model_assets(partitions)], resources=resources,
                          partition_key=handmade.D2.isoformat()).success
    assert dg.materialize([crm_cohort_tables], resources=resources).success
    con = connect(folder / "warehouse.duckdb", read_only=True)
    facts = con.execute(con.table(model.MODEL_TABLE))
    assert facts["crm_leads"].sum() == 6 and facts["paid_crm_won_revenue"].sum() == 1000.0
    dims = con.execute(con.table(model.CAMPAIGN_DIM)).set_index("campaign_key")
    assert dims.loc["crm:ORGANIC_SEARCH", "channel"] == "Organic Search"
    assert dims.loc["crm:PAID_SEARCH", "platform"] == "crm"
    cohorts = con.execute(con.table(crm.COHORTS_TABLE))
    total = cohorts[cohorts["level"] == "total"].iloc[0]
    assert total["crm_leads"] == 6 and total["cost"] == pytest.approx(120.0)
    curve = con.execute(con.table(crm.CURVE_TABLE))
    assert set(curve["measure"]) == {"crm_won_deals", "crm_sqls"}
    rates = con.execute(con.table(crm.MATCH_RATES_TABLE))
    assert rates["contacts"].sum() == 7
    assert set(con.list_tables()) >= {CRM_TABLE, CRM_LOG_TABLE}
    found = audit(con, Catalog.of(crm_catalog.TABLES))
    assert not found.duplicates and not found.missing_columns  # each table's key holds


def test_the_match_rate_check_warns_below_the_threshold(folder):
    config = config_file(folder)
    resources = {"warehouse": WarehouseResource(data_dir=str(folder), config_path=str(config)),
                 "settings": SettingsResource(data_dir=str(folder), config_path=str(config))}
    result = dg.materialize([crm_funnel, crm_leads_matched], resources=resources)
    evaluation = result.get_asset_check_evaluations()[0]
    # 4 of 7 matched to a campaign (57 %), 1 of 7 to nothing (14 %).
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    assert "57.1 % of CRM leads matched" in evaluation.description
    assert "14.3 % of CRM leads match nothing" in evaluation.description


def test_without_a_crm_nothing_is_written(folder):
    config = config_file(folder, "none")
    resources = {"warehouse": WarehouseResource(data_dir=str(folder), config_path=str(config)),
                 "settings": SettingsResource(data_dir=str(folder), config_path=str(config))}
    assert dg.materialize([crm_funnel, crm_cohort_tables], resources=resources).success
    con = connect(folder / "warehouse.duckdb", read_only=True)
    assert CRM_TABLE not in con.list_tables()
    assert "raw_crm_contacts" in con.list_tables()  # the raw tables are left as they are
