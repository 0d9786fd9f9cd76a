from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import ibis
import pytest

from kpi import model, rollup
from kpi.model import ModelRules
from pipelines.sources.streams import STREAMS
from pipelines.warehouse.store import connect, replace_tables, replace_window, write_extract
from tests.kpi import handmade


def rules(**change) -> ModelRules:
    base = dict(
        reporting_currency="EUR", fx_rates={},
        lead_actions=("Lead – offerteformulier",), purchase_actions=("Aankoop – webshop",),
        lead_events=("generate_lead",), purchase_events=("purchase",), attribution="ads",
        ads_channel_types={"SEARCH": "Paid Search", "PERFORMANCE_MAX": "Shopping & PMax"},
        ga4_rules=(("Organic Search", ".*", "^organic$"), ("Email", ".*", "^email$")),
    )
    return ModelRules(**{**base, **change})


def build(con, rules: ModelRules, targets: Sequence[rollup.TargetRow] = (),
          provisional_since: dt.date | None = None) -> None:
    """Model, dimensions and KPI tables from whatever raw tables ``con`` holds."""
    raw = {name: con.table(s.table) for name, s in STREAMS.items()}
    currencies = con.execute(model.currency_codes(raw))["currency_code"].tolist()
    start, end = handmade.D1, handmade.D2
    replace_window(con, model.MODEL_TABLE,
                   model.campaign_daily(raw, rules, currencies, start, end),
                   handmade.WINDOW)
    campaigns = model.campaign_dimension(raw, rules)
    replace_tables(con, {model.CAMPAIGN_DIM: campaigns,
                         model.AD_GROUP_DIM: model.ad_group_dimension(raw, campaigns)})
    spec = rollup.RollupSpec(start, end, provisional_since, targets)
    sums = rollup.rollup(con.table(model.MODEL_TABLE), con.table(model.CAMPAIGN_DIM),
                         con.table(model.AD_GROUP_DIM), spec)
    replace_tables(con, {
        rollup.ROLLUP_TABLE: sums,
        rollup.VALUES_TABLE: rollup.kpi_values(
            ibis.table(sums.schema(), name=rollup.ROLLUP_TABLE), spec, rules.reporting_currency),
    })


@pytest.fixture
def handmade_con(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    for extract in handmade.extracts():
        write_extract(con, extract)
    return con
