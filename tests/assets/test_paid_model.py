"""A warehouse whose model was built before the paid facts existed is rebuilt whole on the next
night: old-shape rows are replaced, never mixed with new ones, and the paid KPIs follow."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json

import pytest

from assets.model import RULES_STATE
from assets.rules import model_rules
from assets.runner import failed_checks, run_nightly
from kpi import model
from kpi.rollup import VALUES_TABLE
from pipelines.warehouse.store import STATE_TABLE, connect
from tests.assets.conftest import END, START, copy_of, demo_config


def make_it_old(path) -> None:
    """The model as the code before paid facts left it: no paid columns, its old fingerprint."""
    rules = model_rules(demo_config())
    old = json.dumps(dataclasses.asdict(rules), sort_keys=True, default=list)
    con = connect(path).con
    for fact in model.PAID_FACTS:
        con.execute(f"ALTER TABLE {model.MODEL_TABLE} DROP COLUMN {fact}")
    con.execute(f"UPDATE {STATE_TABLE} SET value = ? WHERE key = ?",
                [hashlib.sha256(old.encode()).hexdigest()[:16], RULES_STATE])
    con.close()


def test_a_model_of_the_old_shape_is_rebuilt_whole(built, tmp_path):
    copy = copy_of(built, tmp_path / "old")
    rows = connect(copy.warehouse).table(model.MODEL_TABLE).count().execute()
    make_it_old(copy.warehouse)
    result = run_nightly(copy, demo_config(), END, END)
    assert result.success and failed_checks(result, "ERROR") == []
    meta = next(m for m in result.asset_materializations_for_node(model.MODEL_TABLE))
    assert meta.metadata["rebuilt_whole_history"].value is True
    con = connect(copy.warehouse)
    facts = con.table(model.MODEL_TABLE)
    assert set(model.PAID_FACTS) <= set(facts.columns)
    old_day = START + dt.timedelta(days=3)  # far outside the next night's re-pull window
    day = con.execute(facts.filter(facts.date == old_day))
    paid = day.campaign_key.str.startswith(model.PAID_PREFIXES)
    assert day.loc[paid, "purchases"].sum() > 0
    assert day.paid_purchases.sum() == pytest.approx(day.loc[paid, "purchases"].sum())
    assert facts.count().execute() == rows  # the whole history again, nothing lost or doubled
    values = con.table(VALUES_TABLE)
    cpa = con.execute(values.filter((values.metric == "cpa") & (values.level == "total")
                                    & (values.grain == "day") & (values.period_start == old_day)))
    assert cpa.value.iloc[0] == pytest.approx(day.cost.sum() / day.paid_purchases.sum())
