"""Re-running a window gives bit-identical sums: the model and the roll-up add in DECIMAL, so
the order in which a parallel engine meets the rows does not reach the last bits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from kpi import model, rollup
from pipelines.sources.streams import STREAMS
from pipelines.warehouse.conform import to_arrow
from pipelines.warehouse.store import connect
from tests.kpi import handmade
from tests.kpi.conftest import rules

# Many of DuckDB's 122,880-row groups in one sum, so that several threads share it (with plain
# float sums, these sizes gave a different last bit within 8 runs, every time we tried).
ROWS = 1_000_000
ROLLUP_ROWS = 400_000
DAY = handmade.D1


def _many_actions(rng: np.random.Generator) -> pd.DataFrame:
    """One ad group on one day with ROWS conversion actions of awkward fractional values."""
    return pd.DataFrame({
        "date": DAY, "customer_id": handmade.CUSTOMER, "campaign_id": "100",
        "ad_group_id": "101", "conversion_action_id": np.arange(ROWS).astype(str),
        "conversion_action_name": "Aankoop – webshop", "conversion_action_category": "PURCHASE",
        "conversions": rng.lognormal(0, 2, ROWS), "conversions_value": rng.lognormal(3, 2, ROWS),
        **handmade.PROV})


def _empty(stream: str) -> pa.Table:
    return to_arrow(pd.DataFrame(columns=list(STREAMS[stream].column_names)), STREAMS[stream])


def test_the_model_sums_the_same_bits_every_time():
    con = connect(":memory:")
    con.raw_sql("SET threads = 4")
    for name in STREAMS:
        con.create_table(STREAMS[name].table, _empty(name))
    actions = STREAMS["ads_conversion_action_daily"]
    con.insert(actions.table, to_arrow(_many_actions(np.random.default_rng(3)), actions))
    raw = {name: con.table(s.table) for name, s in STREAMS.items()}
    expr = model.campaign_daily(raw, rules(), ["EUR"], DAY, DAY)
    runs = {tuple(con.execute(expr)[["purchases", "revenue"]].iloc[0]) for _ in range(8)}
    assert len(runs) == 1
    (purchases, revenue), = runs
    frame = _many_actions(np.random.default_rng(3))
    assert abs(purchases / frame["conversions"].sum() - 1) < 1e-12
    assert abs(revenue / frame["conversions_value"].sum() - 1) < 1e-12


def test_the_rollup_sums_the_same_bits_every_time():
    con = connect(":memory:")
    con.raw_sql("SET threads = 4")
    rng = np.random.default_rng(5)
    facts = pd.DataFrame({
        "date": DAY, "campaign_key": "gads:100",
        "ad_group_key": [f"gads:100:{i}" for i in range(ROLLUP_ROWS)],
        **{f: rng.lognormal(1, 2, ROLLUP_ROWS) for f in model.FACTS}, "currency": "EUR"})
    con.create_table(model.MODEL_TABLE, facts)
    con.create_table(model.CAMPAIGN_DIM, pd.DataFrame({
        "campaign_key": ["gads:100"], "channel": ["Paid Search"], "campaign_name": ["Zoek"]}))
    con.create_table(model.AD_GROUP_DIM, pd.DataFrame({
        "ad_group_key": ["gads:100:0"], "ad_group_name": ["Merk"]}))
    spec = rollup.RollupSpec(DAY, DAY, None, grains=("day",), levels=rollup.LEVELS)
    sums = rollup.rollup(con.table(model.MODEL_TABLE), con.table(model.CAMPAIGN_DIM),
                         con.table(model.AD_GROUP_DIM), spec)
    total = sums.filter(sums.level == "total").select(*model.FACTS)
    runs = {tuple(con.execute(total).iloc[0]) for _ in range(8)}
    assert len(runs) == 1
    cost = dict(zip(model.FACTS, runs.pop(), strict=True))["cost"]
    assert abs(cost / facts["cost"].sum() - 1) < 1e-12
