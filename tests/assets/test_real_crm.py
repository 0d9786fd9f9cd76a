"""The CRM asset (assets/crm.py) with ``sources.crm.kind: hubspot``: the real HubSpot client
against the fake CRM API serving the demo's CRM (tests/fakes/crm_demo.py) stores, row for row,
what a ``kind: demo`` run stores: every column but ``extracted_at`` and ``erased_at``, the times
of the pulls (the demo's is its morning, HubSpot's the clock's); the pseudonyms match because
both use the demo's key. A re-run changes nothing; a contact erased in the CRM is gone after the
next run; an unconfigured CRM materialises empty tables; a rejected token fails the asset with
the connector's message and no token."""

from __future__ import annotations

import dagster as dg
import pandas as pd
import pytest

from assets.crm import crm_tables
from assets.resources import resources_for
from assets.runner import write_resolved_config
from assets.settings import EXAMPLE_CONFIG, Paths
from pipelines.config import Config
from pipelines.privacy import KEY_ENV, pseudonymise
from pipelines.sources.crm.store import ERASURES_TABLE, TABLES
from pipelines.sources.demo.crm_source import DEMO_KEY, DemoCrm
from pipelines.warehouse.store import connect
from tests.assets.conftest import demo_config
from tests.assets.test_real_meta import demo_settings
from tests.fakes.crm_demo import demo_portal
from tests.fakes.hubspot_server import TOKEN, HubSpotServer


def crm_config(kind: str, server: HubSpotServer | None = None) -> Config:
    config = demo_config()
    sources = config.sources.model_dump()
    sources["crm"] = {"kind": kind}
    if server is not None:
        sources["crm"] |= {"host": server.host, "page_size": 200}
    sources["retry"] = {"max_retries": 2, "initial_seconds": 0.01, "max_seconds": 0.05}
    return Config.model_validate({**config.model_dump(), "sources": sources})


def materialise(folder, config: Config) -> dg.MaterializeResult:
    paths = Paths(folder, EXAMPLE_CONFIG)
    resolved = write_resolved_config(paths, config)
    return dg.materialize([crm_tables], resources=resources_for(
        Paths(folder, resolved), from_env=False), raise_on_error=False)


def tables(folder, drop: tuple[str, ...] = ("extracted_at", "erased_at")
           ) -> dict[str, pd.DataFrame]:
    """Every CRM table, sorted, without the times of the pulls (``drop``)."""
    con = connect(folder / "warehouse.duckdb", read_only=True)
    out = {}
    for name in TABLES:
        frame = con.table(name).execute()
        frame = frame.drop(columns=[c for c in drop if c in frame.columns])
        out[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    con.disconnect()
    return out


def same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


@pytest.fixture
def crm_env(monkeypatch):
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv(KEY_ENV, DEMO_KEY.decode())


def _metadata(result: dg.ExecuteInProcessResult, table: str) -> dict:
    event = next(e for e in result.get_asset_materialization_events()
                 if e.asset_key.to_user_string() == table)
    return {k: v.value for k, v in event.materialization.metadata.items()}


@pytest.mark.slow
def test_kind_hubspot_against_the_demo_crm_stores_what_the_demo_stores(tmp_path, crm_env):
    demo = materialise(tmp_path / "demo", crm_config("demo"))
    assert demo.success
    crm = DemoCrm(demo_settings(crm_config("demo")))
    portal = demo_portal(crm)
    with HubSpotServer(portal) as server:
        config = crm_config("hubspot", server)
        first = materialise(tmp_path / "hubspot", config)
        assert first.success
        hubspot, expected = tables(tmp_path / "hubspot"), tables(tmp_path / "demo")
        same(hubspot, expected)
        assert len(hubspot["raw_crm_contacts"]) == len(portal.contacts) > 1000
        assert len(hubspot["raw_crm_deals"]) == len(portal.deals) > 200
        meta = _metadata(first, "raw_crm_contacts")
        assert meta["upserts"] == len(portal.contacts) and meta["read_from"] == "everything"

        before = tables(tmp_path / "hubspot", drop=())
        again = materialise(tmp_path / "hubspot", config)
        assert again.success and _metadata(again, "raw_crm_contacts")["upserts"] == 0
        same(tables(tmp_path / "hubspot", drop=()), before)  # extracted_at included

        erased = next(c for c, deals in portal.associations.items() if deals)
        portal.archive("contacts", erased, pd.Timestamp.now(tz="UTC").to_pydatetime())
        after = materialise(tmp_path / "hubspot", config)
        assert after.success and _metadata(after, "raw_crm_contacts")["erased"] == 1
        key = str(pseudonymise([f"contact:{erased}"], DEMO_KEY)[0])
        now = tables(tmp_path / "hubspot")
        assert key not in set(now["raw_crm_contacts"].contact_key)
        assert key not in set(now["raw_crm_contact_deals"].contact_key)
        assert key in set(now[ERASURES_TABLE].record_key)
        assert len(now["raw_crm_deals"]) == len(before["raw_crm_deals"])  # its deal stays


def test_no_crm_materialises_empty_tables(tmp_path):
    result = materialise(tmp_path, crm_config("none"))
    assert result.success
    assert all(len(frame) == 0 for frame in tables(tmp_path).values())
    assert _metadata(result, "raw_crm_deals")["source"] == "none"


def test_a_rejected_token_fails_with_the_connectors_message(tmp_path, monkeypatch):
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-eu1-wrong-token-0000")
    monkeypatch.setenv(KEY_ENV, DEMO_KEY.decode())
    with HubSpotServer(demo_portal(DemoCrm(demo_settings(crm_config("demo"))))) as server:
        result = materialise(tmp_path, crm_config("hubspot", server))
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    message = failure.step_failure_data.error.message
    assert "401" in message or "token" in message.lower()
    assert "wrong-token" not in message
