"""The CRM's current state in the warehouse: pulls of the real HubSpot client against the fake
CRM API (tests/fakes/hubspot_server.py) upserted on their keys (newest modified_at wins),
contact -> deal pairs replaced per pulled contact, erasures applied and kept without personal
data, the next pull's since stored in the same transaction, re-runs changing nothing. Each test
runs twice: DuckDB's statements, and the in-memory merge that Spark and BigQuery use
(``whole``), which must give the same tables."""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd
import pytest

from pipelines.sources.crm.pull import pull_crm
from pipelines.sources.crm.store import (
    ERASURES_TABLE,
    CrmPull,
    CrmStoreError,
    crm_since,
)
from pipelines.sources.crm.store import store_crm_pull as store_pull
from pipelines.sources.crm.streams import CRM_STREAMS
from pipelines.warehouse.store import connect
from tests.fakes import hubspot_expected as expect
from tests.fakes.hubspot_data import iso
from tests.fakes.hubspot_fixtures import KEY, NOW, same, source

TABLES = ("raw_crm_contacts", "raw_crm_deals", "raw_crm_contact_deals", ERASURES_TABLE)


def _tables(con) -> dict[str, pd.DataFrame]:
    return {t: con.table(t).execute().sort_values(list(con.table(t).columns))
            .reset_index(drop=True) for t in TABLES}


def _equal(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


@pytest.fixture
def con():
    return connect(":memory:")


@pytest.fixture(params=[False, True], ids=["duckdb", "whole"])
def store_crm_pull(request):
    return functools.partial(store_pull, whole=request.param)


def test_a_full_pull_stored_equals_the_portal_and_a_rerun_changes_nothing(
        hubspot, portal, con, store_crm_pull):
    pull = pull_crm(source(hubspot), "hubspot", None)
    stored = store_crm_pull(con, pull)
    contacts = con.table("raw_crm_contacts").execute()
    same(contacts, expect.contacts(portal, KEY), CRM_STREAMS["crm_contacts"].key)
    same(con.table("raw_crm_deals").execute(), expect.deals(portal, KEY),
         CRM_STREAMS["crm_deals"].key)
    assert stored.upserts == {"crm_contacts": 320, "crm_deals": 140,
                              "crm_contact_deals": stored.rows["raw_crm_contact_deals"]}
    assert stored.erased == 0  # the archived records never were in the tables
    assert stored.rows[ERASURES_TABLE] == 6 + 4
    assert crm_since(con, "hubspot") == pd.Timestamp(NOW)
    before = _tables(con)
    store_crm_pull(con, pull)  # the same pull again
    _equal(before, _tables(con))
    later = pull_crm(source(hubspot, now=NOW + dt.timedelta(days=1)), "hubspot", NOW)
    again = store_crm_pull(con, later)  # a new pull re-reading 30 days: nothing changed
    assert again.upserts == {"crm_contacts": 0, "crm_deals": 0, "crm_contact_deals": 0}
    _equal(before, _tables(con))
    assert crm_since(con, "hubspot") == pd.Timestamp(NOW + dt.timedelta(days=1))
    erasures = con.table(ERASURES_TABLE).execute()
    assert list(erasures.columns) == ["object_type", "record_key", "archived_at", "erased_at"]
    assert erasures.record_key.str.fullmatch(r"p_[0-9a-f]{16}").all()


def test_changes_archived_records_and_pairs_come_through_on_the_next_run(
        hubspot, portal, con, store_crm_pull):
    store_crm_pull(con, pull_crm(source(hubspot), "hubspot", None))
    moved = portal.contacts[5]
    buyer = next(c for c, deals in portal.associations.items() if deals)
    gone_deal = portal.associations[buyer][0]
    erased = next(c for c, deals in portal.associations.items() if deals and c != buyer)
    at = NOW + dt.timedelta(hours=1)
    portal.touch("contacts", moved.id, at, lifecyclestage="customer",
                 hs_lifecyclestage_customer_date=iso(at))
    portal.archive("contacts", erased, at)
    portal.archive("deals", gone_deal, at)
    later = NOW + dt.timedelta(hours=3)
    stored = store_crm_pull(con, pull_crm(source(hubspot, now=later), "hubspot", NOW))
    assert stored.erased == 2 and stored.upserts["crm_contacts"] == 1
    keys = {kind: expect._key(kind, raw, KEY) for kind, raw in
            (("contact", erased), ("deal", gone_deal))}
    contacts = con.table("raw_crm_contacts").execute()
    pairs = con.table("raw_crm_contact_deals").execute()
    assert keys["contact"] not in set(contacts.contact_key)
    assert keys["contact"] not in set(pairs.contact_key)
    assert keys["deal"] not in set(pairs.deal_key)
    assert keys["deal"] not in set(con.table("raw_crm_deals").execute().deal_key)
    step = contacts.set_index("contact_key").funnel_step[expect._key("contact", moved.id, KEY)]
    assert step == "customer"
    erasures = con.table(ERASURES_TABLE).execute().set_index("record_key")
    assert erasures.erased_at[keys["contact"]] == pd.Timestamp(later)
    expected_pairs = {(expect._key("contact", c, KEY), expect._key("deal", d, KEY))
                      for c, deals in portal.associations.items() for d in deals}
    assert set(zip(pairs.contact_key, pairs.deal_key, strict=True)) == expected_pairs
    same(contacts, expect.contacts(portal, KEY), CRM_STREAMS["crm_contacts"].key)


def test_an_older_reread_never_overwrites_a_newer_row(hubspot, portal, con, store_crm_pull):
    old = pull_crm(source(hubspot), "hubspot", None)
    contact = portal.contacts[7]
    at = NOW + dt.timedelta(hours=1)
    portal.touch("contacts", contact.id, at, lifecyclestage="opportunity")
    new = pull_crm(source(hubspot, now=at + dt.timedelta(hours=1)), "hubspot", None)
    store_crm_pull(con, new)
    stored = store_crm_pull(con, old)  # a stale copy of the same records arrives late
    assert stored.upserts["crm_contacts"] == 0
    row = con.table("raw_crm_contacts").execute().set_index("contact_key").loc[
        expect._key("contact", contact.id, KEY)]
    assert row.lifecycle_stage == "opportunity" and row.modified_at == pd.Timestamp(at)


def test_a_bad_pull_writes_nothing(hubspot, con, store_crm_pull):
    good = pull_crm(source(hubspot), "hubspot", None)
    store_crm_pull(con, good)
    before = _tables(con)
    doubled = pd.concat([good.frames["crm_deals"]] * 2, ignore_index=True)
    bad = CrmPull("hubspot", {**good.frames, "crm_deals": doubled},
                  (NOW + dt.timedelta(days=2)).isoformat())
    with pytest.raises(CrmStoreError, match="crm_deals: 140 rows share a key"):
        store_crm_pull(con, bad)
    no_replaces = good.frames["crm_contact_deals"].copy()
    no_replaces.attrs = {}
    with pytest.raises(CrmStoreError, match="whose pairs it replaces"):
        store_crm_pull(con, CrmPull("hubspot", {"crm_contact_deals": no_replaces},
                                    good.read_until))
    _equal(before, _tables(con))
    assert crm_since(con, "hubspot") == pd.Timestamp(NOW)
