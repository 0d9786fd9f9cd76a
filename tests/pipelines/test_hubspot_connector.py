"""The real hubspot-api-client against a local CRM API (tests/fakes/hubspot_server.py): rows
equal the planted portal's after a full and an incremental pull, the result cap is met by
splitting the time range, associations and archived records come through, and identifiers are
pseudonyms that stay the same from run to run."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipelines.crm_config import PERSONAL_PROPERTIES
from pipelines.sources.crm.hubspot.source import millis
from pipelines.sources.crm.streams import CRM_STREAMS
from pipelines.sources.retry import SourceError
from tests.fakes import hubspot_expected as expect
from tests.fakes.hubspot_data import INSTALL_PIPELINE, iso
from tests.fakes.hubspot_fixtures import (
    ARCHIVED,
    CONTACTS,
    DEALS,
    KEY,
    NOW,
    PAIRS,
    PIPELINES,
    same,
    source,
)
from tests.fakes.hubspot_server import HubSpotServer


def test_a_full_pull_equals_the_planted_portal_row_for_row(hubspot, portal):
    s = source(hubspot)
    contacts, deals = s.pull(CONTACTS, None), s.pull(DEALS, None)
    same(contacts, expect.contacts(portal, KEY), CONTACTS.key)
    same(deals, expect.deals(portal, KEY), DEALS.key)
    assert len(contacts) == 320 and len(deals) == 140
    assert list(contacts.columns) == list(CONTACTS.column_names)
    assert str(contacts.modified_at.dtype) == "datetime64[us, UTC]"
    assert str(deals.amount.dtype) == "Float64" and str(deals.is_closed.dtype) == "boolean"
    assert contacts.attrs["read_from"] is None and contacts.attrs["retries"] == 0
    assert set(deals.outcome) == {"won", "lost", "open"}


def test_an_incremental_pull_reads_from_the_last_run_less_the_reread_window(hubspot, portal):
    since = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
    s = source(hubspot, reread_days=14)
    contacts, deals = s.pull(CONTACTS, since), s.pull(DEALS, since)
    lo = millis(since - dt.timedelta(days=14))
    same(contacts, expect.contacts(portal, KEY, lo), CONTACTS.key)
    same(deals, expect.deals(portal, KEY, lo), DEALS.key)
    assert 0 < len(contacts) < 320 and 0 < len(deals) < 140
    assert contacts.attrs["read_from"] == "2026-02-24T00:00:00+00:00"
    filters = hubspot.of("contacts_search")[0].body["filterGroups"][0]["filters"]
    assert filters == [
        {"propertyName": "lastmodifieddate", "operator": "GTE", "value": str(lo)},
        {"propertyName": "lastmodifieddate", "operator": "LT", "value": str(millis(NOW))}]
    assert hubspot.of("deals_search")[0].body["filterGroups"][0]["filters"][0][
        "propertyName"] == "hs_lastmodifieddate"


def test_a_change_in_the_crm_comes_through_on_the_next_run(hubspot, portal):
    first = source(hubspot).pull(CONTACTS, None)
    contact = portal.contacts[5]
    later = NOW + dt.timedelta(hours=3)
    portal.touch("contacts", contact.id, NOW + dt.timedelta(hours=1), lifecyclestage="customer",
                 hs_lifecyclestage_customer_date=iso(NOW + dt.timedelta(hours=1)))
    second = source(hubspot, now=later).pull(CONTACTS, NOW)
    changed = second[second.contact_key == expect._key("contact", contact.id, KEY)]
    assert changed.funnel_step.tolist() == ["customer"]
    assert len(second) < len(first)  # only the re-read window, not the whole history
    same(second, expect.contacts(portal, KEY, millis(NOW - dt.timedelta(days=30))),
         CONTACTS.key)


def test_the_result_cap_is_met_by_halving_the_time_range(hubspot, portal):
    frame = source(hubspot).pull(CONTACTS, None)
    same(frame, expect.contacts(portal, KEY), CONTACTS.key)
    searches = hubspot.of("contacts_search")
    firsts = [r for r in searches if "after" not in r.body]
    assert frame.attrs["queries"] == len(firsts) > 320 // 60
    assert all(r.status == 200 for r in searches)  # never asked past the cap
    assert all(int(r.body.get("after", 0)) < hubspot.cap for r in searches)
    spans = [(int(f["filterGroups"][0]["filters"][0]["value"]),
              int(f["filterGroups"][0]["filters"][1]["value"])) for f in (r.body for r in firsts)]
    assert spans[0] == (0, millis(NOW)) and spans[1] == (0, millis(NOW) // 2)


def test_more_records_in_one_millisecond_than_the_cap_stop_clearly(portal):
    moment = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    for record in portal.contacts[:8]:
        portal.touch("contacts", record.id, moment)
    with HubSpotServer(portal, cap=5) as server, pytest.raises(
            SourceError, match=r"8 records were modified in the same millisecond.*more than "
            r"one query can return \(5\)"):
        source(server).pull(CONTACTS, None)


def test_a_big_cap_needs_one_query_per_pull(portal):
    with HubSpotServer(portal) as server:
        frame = source(server).pull(DEALS, None)
    assert frame.attrs["queries"] == 1 and len(frame) == 140
    assert frame.attrs["requests"] == 6  # 140 deals, 25 a page


def test_contact_deal_associations_are_complete_over_pages_and_batches(hubspot, portal):
    frame = source(hubspot).pull(PAIRS, None)
    same(frame, expect.contact_deals(portal, KEY), PAIRS.key)
    assert len(hubspot.of("associations")) > 320 // 40  # batches, and pages of a contact
    assert any(i.get("after") for r in hubspot.of("associations")
               for i in r.body["inputs"])
    assert len(frame.attrs["replaces"]) == 320
    assert set(frame.deal_key) == set(expect.deals(portal, KEY).deal_key)


def test_a_contact_unlinked_from_its_deals_is_replaced_whole(hubspot, portal):
    contact = next(c for c in portal.contacts if portal.associations.get(c.id))
    portal.associations[contact.id] = []
    portal.touch("contacts", contact.id, NOW + dt.timedelta(hours=1))
    frame = source(hubspot, now=NOW + dt.timedelta(hours=2)).pull(PAIRS, NOW)
    key = expect._key("contact", contact.id, KEY)
    assert key in frame.attrs["replaces"] and key not in set(frame.contact_key)


def test_archived_records_are_listed_by_pseudonym(hubspot, portal):
    frame = source(hubspot).pull(ARCHIVED, None)
    same(frame, expect.archived(portal, KEY), ARCHIVED.key)
    assert frame.groupby("object_type").size().to_dict() == {"contact": 6, "deal": 4}


def test_a_record_deleted_in_the_crm_disappears_on_the_next_run(hubspot, portal):
    gone = portal.contacts[0]
    key = expect._key("contact", gone.id, KEY)
    assert key in set(source(hubspot).pull(CONTACTS, None).contact_key)
    portal.archive("contacts", gone.id, NOW)
    assert key not in set(source(hubspot).pull(CONTACTS, None).contact_key)
    assert key in set(source(hubspot).pull(ARCHIVED, None).record_key)


def test_no_personal_property_is_ever_requested_or_returned(hubspot):
    s = source(hubspot)
    frames = [s.pull(stream, None) for stream in CRM_STREAMS.values()]
    asking = hubspot.of("contacts_search", "deals_search", "contacts_list", "deals_list")
    assert asking and all(r.properties for r in asking)  # never HubSpot's default properties
    asked = {p.lower() for r in asking for p in r.properties}
    assert not asked & PERSONAL_PROPERTIES
    text = "\n".join(f.to_csv() for f in frames)
    assert "@" not in text and "Achternaam" not in text and "+32" not in text


def test_pseudonyms_are_stable_across_runs_and_are_not_the_raw_ids(hubspot, portal):
    first, second = (source(hubspot).pull(DEALS, None) for _ in range(2))
    assert first.deal_key.tolist() == second.deal_key.tolist()
    other = source(hubspot, key=b"another-key-0123456789abcdef-0123").pull(DEALS, None)
    assert not set(other.deal_key) & set(first.deal_key)
    raw = {r.id for r in portal.contacts + portal.deals} | {
        r.properties.get("hs_google_click_id") for r in portal.contacts} - {None}
    pairs = source(hubspot).pull(PAIRS, None)
    for frame in (first, pairs, source(hubspot).pull(CONTACTS, None)):
        values = {str(v) for c in frame.columns if c.endswith("_key") for v in frame[c]}
        assert not values & raw and all(v.startswith("p_") or v == "<NA>" for v in values)
    assert set(pairs.deal_key) <= set(first.deal_key)  # the join works on pseudonyms


def test_repeated_pulls_give_identical_frames(hubspot):
    s = source(hubspot)
    for stream in CRM_STREAMS.values():
        pd.testing.assert_frame_equal(s.pull(stream, None), s.pull(stream, None))


def test_a_won_stage_the_configuration_does_not_know_stops_the_pull(hubspot):
    wrong = (("default", ("closedwon",), ("closedlost",)), (INSTALL_PIPELINE, ("9999",), ("1004",)))
    with pytest.raises(SourceError, match=r"deal stage 1003 of pipeline 8675309 is closed won "
                       r"in HubSpot but open by sources.crm.pipelines"):
        source(hubspot, pipelines=wrong).pull(DEALS, None)


def test_deals_of_a_pipeline_not_configured_are_kept_uncounted(hubspot):
    frame = source(hubspot, pipelines=PIPELINES[:1]).pull(DEALS, None)
    assert frame.loc[frame.pipeline == INSTALL_PIPELINE, "outcome"].isna().all()
    assert frame.loc[frame.pipeline == "default", "outcome"].notna().all()


def test_an_amount_without_a_currency_needs_the_portal_currency(hubspot):
    with pytest.raises(SourceError, match=r"no deal_currency_code: set "
                       r"sources.crm.portal_currency"):
        source(hubspot, portal_currency=None).pull(DEALS, None)
